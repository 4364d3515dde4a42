package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
)

// TestConsentBelongsToZATCases: a decision on Lotte's intern zorgteam case
// is refused (casus.TakesConsent) and leaves only the refusal's entry; one
// with field errors on her ZAT case comes back with them and the page, is
// logged as a read of the form shown again, and writes nothing.
func TestConsentBelongsToZATCases(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			coord := e.actor(demo.UserCoordinator)
			caseOf := func(kind casus.TeamKind) string {
				return e.id(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN care_teams t ON t.id = c.team_id
					JOIN students s ON s.id = c.student_id WHERE s.student_number = $1 AND t.kind = $2`, demo.LotteNumber, string(kind))
			}
			decision := casus.Consent{Giver: casus.GiverStudent, GiverName: "Lotte", How: casus.HowConversation,
				GivenAt: time.Now().AddDate(0, 0, -1), Mode: casus.ConsentAssent, Scope: []casus.Discipline{casus.PartnerDisciplines[0]}}
			consents := e.count(`SELECT COUNT(*) FROM consents`)

			_, err := e.app.RecordConsent(ctx, coord, caseOf(casus.TeamIntern), decision, nil)
			if ce := (*casus.Error)(nil); !errors.As(err, &ce) || ce.Code != casus.EINVALID || ce.Key != "consent.zat_only" {
				t.Errorf("consent on the intern case: %v, want consent.zat_only", err)
			}
			if n := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'consent decision (refused)' AND action = 'read'`); n != 1 {
				t.Errorf("%d refusals logged, want 1", n)
			}

			errs := casus.ValidationErrors{casus.FieldError("giver_name", "error.required", nil)}
			page, err := e.app.RecordConsent(ctx, coord, caseOf(casus.TeamZAT), decision, errs)
			if got, ok := err.(casus.ValidationErrors); !ok || got.Field("giver_name") == nil {
				t.Errorf("consent with a field error: %v, want the field errors back", err)
			}
			if page.StudentID == "" || page.Case.TeamKind != casus.TeamZAT {
				t.Errorf("the page shown again: %+v", page.Case)
			}
			if n := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'consent decision (invalid)' AND action = 'read'`); n != 1 {
				t.Errorf("%d invalid forms logged, want 1", n)
			}
			if n := e.count(`SELECT COUNT(*) FROM consents`); n != consents {
				t.Errorf("%d consents written, want none", n-consents)
			}
		})
	}
}
