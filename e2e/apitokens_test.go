package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserAPITokens: the beheerder goes from the settings to the API
// tokens, is told what is missing on an empty form, issues a token and sees
// its secret once, then revokes it. axe-core on every page; screenshots at
// 1366 and 375 px.
func TestBrowserAPITokens(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login(demo.UserAdmin, demo.Password, http.StatusOK)
			b.open("/admin/settings", http.StatusOK)
			b.follow("settings → API tokens", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/admin/api-tokens"]`)))
			if h := b.h1(); h != "API-tokens" {
				t.Errorf("h1 %q", h)
			}
			submit := chromedp.Click(chromedp.CSS(`main form[action="/admin/api-tokens"] button[type="submit"]`))
			b.follow("an empty form", http.StatusBadRequest, submit)
			if n := eval[int](b, `document.querySelectorAll('main .utrecht-form-field-error-message').length`); n < 3 {
				t.Errorf("%d field errors on an empty form, want the name, the account, the scopes and the day", n)
			}
			fill(t, b, map[string]string{"f-name": "Magister-koppeling", "f-user": env.UserID(demo.UserCoordinator),
				"f-last_day": env.Clock.Now().In(casus.Amsterdam).AddDate(0, 1, 0).Format(time.DateOnly)})
			tick(t, b, "f-scopes-students:read", "f-scopes-cases:read")
			b.follow("issue the token", http.StatusOK, submit)
			secret := strings.TrimSpace(run(b, "read the secret", chromedp.Text(chromedp.ID("api-secret"))))
			if !strings.HasPrefix(secret, "casus_") ||
				env.Count(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 AND scopes = 'students:read cases:read'`, casus.TokenHash(secret)) != 1 {
				t.Errorf("secret %q is not the stored token's", secret)
			}
			run(b, "viewport 1366", chromedp.EmulateViewport(1366, 900))
			b.shoot("api-tokens-1366")
			run(b, "viewport 375", chromedp.EmulateViewport(375, 800))
			b.shoot("api-tokens-375")
			run(b, "viewport back", chromedp.EmulateViewport(1280, 900))
			b.follow("revoke", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/revoke"] button[type="submit"]`)))
			if text := eval[string](b, `document.querySelector('main').innerText`); strings.Contains(text, secret) || !strings.Contains(text, "Ingetrokken") {
				t.Error("after revoking: the secret shows again, or the token is not marked revoked")
			}
		})
	}
}
