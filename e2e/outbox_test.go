package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserOutbox: in demo mode the chair's reminder is kept in the
// outbox; the chair reaches it from the messages page (axe on both).
func TestBrowserOutbox(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ctx := context.Background()
			if err := env.DB.Update(ctx, func(tx *storage.Tx) error {
				return tx.AddMessage(ctx, &casus.Message{UserID: env.UserID(demo.UserCoordinator), Key: "message.aftercare",
					Link: "/tasks", Args: map[string]string{"Team": demo.TeamMBOZAT}})
			}); err != nil {
				t.Fatal(err)
			}
			composer, err := mail.NewComposer(env.URL)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := jobs.DeliverMail(ctx, env.DB, mail.Outbox{}, composer); err != nil || n != 1 {
				t.Fatalf("delivered %d to the outbox, %v", n, err)
			}
			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			b.follow("menu → messages", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/messages"]`)))
			b.follow("messages → outbox", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/outbox"]`)))
			if h := b.h1(); h != "Uitgaande e-mail" {
				t.Errorf("h1 %q", h)
			}
			if subject := eval[string](b, `document.querySelector('main section h2')?.innerText ?? ''`); subject != "Casus: tijd voor nazorg in "+demo.TeamMBOZAT {
				t.Errorf("first mail's subject %q", subject)
			}
		})
	}
}
