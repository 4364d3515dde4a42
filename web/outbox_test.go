package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// outboxMatrix: without an SMTP server every logged-in user has the outbox
// page (the beheerder sees all mail, the others their own; TestOutbox).
func outboxMatrix() map[string][]cell {
	return map[string][]cell{"GET /outbox": staff("/outbox", nil, ok)}
}

// TestOutbox: without an SMTP server the delivery job keeps mail in the
// outbox; the chair sees the mail to them and not the partner's; the
// beheerder sees both; with an SMTP server the page does not exist.
func TestOutbox(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ctx := context.Background()
			if err := env.DB.Update(ctx, func(tx *storage.Tx) error {
				for _, m := range []casus.Message{
					{UserID: env.UserID(demo.UserCoordinator), Key: "message.aftercare", Link: "/cases/x/aftercare",
						Args: map[string]string{"Team": demo.TeamMBOZAT}},
					{UserID: env.UserID(demo.UserGGD), Key: "message.agenda", Link: "/meetings/x",
						Args: map[string]string{"Team": demo.TeamMBOZAT, "N": "2", "Start": "2030-03-07T12:30:00Z"}},
				} {
					if err := tx.AddMessage(ctx, &m); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			composer, err := mail.NewComposer(env.URL)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := jobs.DeliverMail(ctx, env.DB, mail.Outbox{}, composer); err != nil || n != 2 {
				t.Fatalf("delivered %d to the outbox, %v; want 2", n, err)
			}
			aftercare := "Casus: tijd voor nazorg in " + demo.TeamMBOZAT
			agenda := "Casus: agenda van " + demo.TeamMBOZAT + " voor 7 maart 2030 13:30"

			chair := env.NewClient()
			chair.Login(demo.UserCoordinator)
			res := chair.Get("/outbox")
			if res.Status != ok || !strings.Contains(res.Body, "<h1 class=\"utrecht-heading-1\">Uitgaande e-mail</h1>") ||
				!strings.Contains(res.Body, aftercare) || !strings.Contains(res.Body, env.URL+"/cases/x/aftercare") ||
				strings.Contains(res.Body, agenda) || !strings.Contains(res.Body, "Je ziet de e-mails aan jouw adres.") {
				t.Errorf("the chair's outbox: %d\n%s", res.Status, res.Body)
			}
			if res := chair.Get("/messages"); !strings.Contains(res.Body, `href="/outbox"`) {
				t.Errorf("the messages page does not link to the outbox:\n%s", res.Body)
			}

			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			res = admin.Get("/outbox")
			if res.Status != ok || !strings.Contains(res.Body, aftercare) || !strings.Contains(res.Body, agenda) ||
				!strings.Contains(res.Body, "Als beheerder zie je alle e-mails.") {
				t.Errorf("the beheerder's outbox: %d\n%s", res.Status, res.Body)
			}

			t.Run("LanguageKeptForMail", func(t *testing.T) {
				if res := chair.Post("/lang", url.Values{"lang": {"en"}, "back": {"/outbox"}}); res.Status != redirect {
					t.Fatalf("POST /lang: %d", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM users WHERE id = $1 AND lang = 'en'`, env.UserID(demo.UserCoordinator)); n != 1 {
					t.Error("the chair's language choice is not kept with the account")
				}
				if res := chair.Get("/outbox"); !strings.Contains(res.Body, "Outgoing e-mail") {
					t.Errorf("the outbox in English:\n%s", res.Body)
				}
			})

			t.Run("SMTP/NotFound", func(t *testing.T) {
				env := webtest.Start(t, engine, webtest.Options{SMTP: true})
				admin := env.NewClient()
				admin.Login(demo.UserAdmin)
				if res := admin.Get("/outbox"); res.Status != notFound {
					t.Errorf("GET /outbox with SMTP configured: %d, want 404", res.Status)
				}
				if res := admin.Get("/messages"); res.Status != ok || strings.Contains(res.Body, `href="/outbox"`) {
					t.Errorf("the messages page with SMTP configured: %d, links to the outbox: %v", res.Status, strings.Contains(res.Body, `href="/outbox"`))
				}
			})
		})
	}
}
