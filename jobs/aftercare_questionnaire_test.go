package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestAftercareQuestionnaire: with the aftercare tasks, each student's care
// contact — the taakdocent zorg of Milan's group (Techniek) and of Noor's
// (Zorg en welzijn) — gets one message asking for their answers, linking to
// the aftercare and naming no student; runs that create nothing send
// nothing; nobody else gets a questionnaire.
func TestAftercareQuestionnaire(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, meeting := demoDB(t, engine, hash)
			clock.Set(meeting.StartsAt.AddDate(0, 3, 0).Add(time.Hour))
			for i, want := range []int{2, 0, 0} {
				if n, err := jobs.CreateAftercareTasks(context.Background(), db); err != nil || n != want {
					t.Fatalf("run %d: %d tasks, %v; want %d", i+1, n, err, want)
				}
			}
			messages := map[string][]casus.Message{}
			view(t, db, func(ctx context.Context, tx *storage.Tx) error {
				for _, login := range []string{"taakdocent.techniek", demo.UserCareContact, demo.UserMentor, demo.UserIB, demo.UserGGD} {
					u, _, err := tx.UserForLogin(ctx, login)
					if err != nil {
						return err
					}
					ms, err := tx.Messages(ctx, u.ID, 50)
					if err != nil {
						return err
					}
					for _, m := range ms {
						if m.Key == "message.aftercare_questionnaire" {
							messages[login] = append(messages[login], m)
						}
					}
				}
				return nil
			})
			for login, want := range map[string]int{"taakdocent.techniek": 1, demo.UserCareContact: 1, demo.UserMentor: 0, demo.UserIB: 0, demo.UserGGD: 0} {
				if got := len(messages[login]); got != want {
					t.Errorf("%s has %d questionnaires, want %d", login, got, want)
				}
				for _, m := range messages[login] {
					if !strings.HasPrefix(m.Link, "/cases/") || !strings.HasSuffix(m.Link, "/aftercare") || m.Args["Team"] != demo.TeamMBOZAT {
						t.Errorf("%s: questionnaire %+v", login, m)
					}
					for _, v := range m.Args {
						for _, name := range []string{"Milan", "Ridder", "Noor", "Bakker"} {
							if strings.Contains(v, name) {
								t.Errorf("the questionnaire names the student: %v", m.Args)
							}
						}
					}
				}
			}
			if len(messages["taakdocent.techniek"]) == 1 && len(messages[demo.UserCareContact]) == 1 &&
				messages["taakdocent.techniek"][0].Link == messages[demo.UserCareContact][0].Link {
				t.Errorf("both care contacts were asked about the same case")
			}
		})
	}
}
