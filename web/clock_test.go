package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestServerAndStoreShareOneClock: the web server has no clock of its own;
// it reads the store's. Moved to half past midnight in Amsterdam tomorrow
// (still today in UTC, and not yet tomorrow by the wall clock), the new entry
// form presets tomorrow's care day, and the entry saved from it is recorded
// at that same moment by the store.
func TestServerAndStoreShareOneClock(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			tomorrow := casus.CareDay(env.Clock.Now()).AddDate(0, 0, 1)
			moment := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 0, 30, 0, 0, casus.Amsterdam)
			env.Clock.Set(moment)
			if !env.DB.Now().Equal(moment) {
				t.Fatalf("the store's clock reads %s, want %s", env.DB.Now(), moment)
			}
			day := tomorrow.Format(time.DateOnly)
			if utcDay := moment.UTC().Format(time.DateOnly); utcDay == day {
				t.Fatalf("test moment %s is on the same day in UTC and Amsterdam", moment)
			}

			lotte := env.StudentID(demo.LotteNumber)
			c := env.NewClient()
			c.Login(demo.UserMentor)
			form := c.Get("/students/" + lotte + "/care/new?kind=signal")
			if form.Status != http.StatusOK {
				t.Fatalf("new entry form: %d", form.Status)
			}
			if !strings.Contains(form.Body, `value="`+day+`"`) {
				t.Errorf("the form does not preset the care day %s of the shared clock", day)
			}
			res := c.Post("/students/"+lotte+"/care", url.Values{"kind": {"signal"}, "occurred_on": {day},
				"text": {"Om half een 's nachts gemeld."}, "visibility": {"guidance"}, "sector": {"mbo"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("save signal: %d", res.Status)
			}
			var entries []casus.CareEntry
			if err := env.DB.View(t.Context(), func(tx *storage.Tx) error {
				var err error
				entries, err = tx.CareEntries(t.Context(), lotte)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 || entries[0].Current.Text != "Om half een 's nachts gemeld." {
				t.Fatalf("the new entry is not the newest of Lotte's care file")
			}
			got := entries[0].Current
			if !got.OccurredOn.Equal(tomorrow) || !got.RecordedAt.Equal(moment) {
				t.Errorf("the entry happened on %s and was recorded at %s, want %s and %s",
					got.OccurredOn.Format(time.DateOnly), got.RecordedAt, day, moment)
			}
		})
	}
}
