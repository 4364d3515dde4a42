package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"casus/auth"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// The Dutch messages the validators give, as in i18n/locales/nl.json. The
// test's clients send no Accept-Language header and no casus_lang cookie, so
// every page they get is in Dutch, the default.
const (
	nlRequired   = "Vul dit veld in."                                                                                                                                                                                           // error.required
	nlInvalid    = "Dit veld bevat ongeldige tekens."                                                                                                                                                                           // error.invalid_text
	nlNoMarkup   = "Gebruik geen < of > in dit veld."                                                                                                                                                                           // error.no_markup
	nlChoice     = "Kies een van de mogelijkheden."                                                                                                                                                                             // error.choice
	nlEmail      = "Vul een geldig e-mailadres in, zoals naam@school.nl."                                                                                                                                                       // error.email
	nlCode       = "Vul een code van 6 cijfers in."                                                                                                                                                                             // error.code_digits
	nlShort      = "Het wachtwoord moet minstens 12 tekens hebben."                                                                                                                                                             // error.password_short
	nlCommonFull = "Dit wachtwoord is te makkelijk te raden: het staat op een lijst van veelgebruikte of uitgelekte wachtwoorden, of het heeft te weinig verschillende tekens. Kies bijvoorbeeld een zin van een paar woorden." // error.password_common
	nlExists     = "Er is al een gebruiker met dit e-mailadres of deze gebruikersnaam."                                                                                                                                         // error.user_exists
	nlNotFound   = "Deze pagina bestaat niet of je hebt er geen toegang toe."                                                                                                                                                   // error.not_found
	nlFormErrors = "Het formulier is niet goed ingevuld. Bekijk de meldingen."                                                                                                                                                  // error.invalid_form
	nlUnreadable = "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens."                                                                                                                     // error.unreadable_form
)

// nlTooLong is error.too_long for a maximum.
func nlTooLong(max int) string { return fmt.Sprintf("Dit is te lang: maximaal %d tekens.", max) }

// Who sends a malformed form.
const (
	asNobody  = ""            // not logged in
	asPending = "pending-2fa" // gave the right password, still owes the code
)

// Malformed values tried on the fields.
const (
	scriptInput = "<script>alert(1)</script>"
	boldInput   = "<b>x</b>"
	// badUTF8 is a urlencoded value that decodes to bytes that are not UTF-8.
	badUTF8 = "%ff%fe"
	// strongPassword passes every password rule.
	strongPassword = "een-goed-wachtwoord-2026"
)

// badForm is one malformed submission and what the user must get back.
type badForm struct {
	name   string // the user's case
	as     string // asNobody, asPending, or the demo user who is logged in
	path   string
	form   url.Values // the body, or
	raw    string     // a raw urlencoded body, for what url.Values cannot get wrong
	status int
	// field maps each field that must show an error, next to the field, to
	// its message; no other field may show one.
	field map[string]string
	// alert lists messages of the page's alert, for forms that have no page
	// of their own and answer with the error page.
	alert []string
	// fine names fields that must show no error.
	fine []string
}

func repeated(s string, n int) string { return strings.Repeat(s, n) }

// badForms lists, per form, malformed input: every required field empty,
// each text field too long (in ASCII and in multibyte characters), values of
// the wrong kind, invalid UTF-8, HTML and script, a field sent twice, a body
// that is no form and a body over the size limit.
func badForms(env *webtest.Env) []badForm {
	mentorID := env.UserID(demo.UserMentor)
	resetPath := "/admin/users/" + mentorID + "/reset"
	rolesPath := "/admin/users/" + mentorID + "/roles"
	completePath := "/password-reset/" + startReset(env, mentorID)
	tooBig := repeated("a", 70<<10) // over the 64 KiB form limit
	user := func(name, email, role, discipline, password string) url.Values {
		return url.Values{"name": {name}, "email": {email}, "role": {role}, "discipline": {discipline}, "password": {password}}
	}
	const validName, validEmail = "Nieuwe Collega", "nieuwe.collega@school.nl"
	const role, discipline = "mentor", "docent"

	return []badForm{
		// POST /login: login (text, 254) and password (secret, 256 bytes).
		{name: "login/both fields empty", as: asNobody, path: "/login",
			form: url.Values{"login": {""}, "password": {""}}, status: 400,
			field: map[string]string{"login": nlRequired, "password": nlRequired}},
		{name: "login/no fields at all", as: asNobody, path: "/login", raw: "", status: 400,
			field: map[string]string{"login": nlRequired, "password": nlRequired}},
		{name: "login/only spaces as login", as: asNobody, path: "/login",
			form: url.Values{"login": {"   "}, "password": {"x"}}, status: 400,
			field: map[string]string{"login": nlRequired}},
		{name: "login/login too long", as: asNobody, path: "/login",
			form: url.Values{"login": {repeated("a", 255)}, "password": {"x"}}, status: 400,
			field: map[string]string{"login": nlTooLong(254)}},
		{name: "login/login too long in multibyte characters", as: asNobody, path: "/login",
			form: url.Values{"login": {repeated("ë", 255)}, "password": {"x"}}, status: 400,
			field: map[string]string{"login": nlTooLong(254)}},
		{name: "login/script as login", as: asNobody, path: "/login",
			form: url.Values{"login": {scriptInput}, "password": {"x"}}, status: 400,
			field: map[string]string{"login": nlNoMarkup}},
		{name: "login/html as login", as: asNobody, path: "/login",
			form: url.Values{"login": {boldInput}, "password": {"x"}}, status: 400,
			field: map[string]string{"login": nlNoMarkup}},
		{name: "login/invalid UTF-8 login", as: asNobody, path: "/login",
			raw: "login=" + badUTF8 + "&password=x", status: 400,
			field: map[string]string{"login": nlInvalid}},
		{name: "login/control character in login", as: asNobody, path: "/login",
			raw: "login=beheer%00&password=x", status: 400,
			field: map[string]string{"login": nlInvalid}},
		{name: "login/login sent twice", as: asNobody, path: "/login",
			raw: "login=beheer&login=mentor&password=x", status: 400,
			field: map[string]string{"login": nlInvalid}},
		{name: "login/password too long", as: asNobody, path: "/login",
			form: url.Values{"login": {demo.UserAdmin}, "password": {repeated("a", auth.MaxPasswordLen+1)}}, status: 400,
			field: map[string]string{"password": nlTooLong(auth.MaxPasswordLen)}, fine: []string{"login"}},
		{name: "login/password too long in multibyte characters", as: asNobody, path: "/login",
			form: url.Values{"login": {demo.UserAdmin}, "password": {repeated("é", auth.MaxPasswordLen+1)}}, status: 400,
			field: map[string]string{"password": nlTooLong(auth.MaxPasswordLen)}},
		{name: "login/invalid UTF-8 password", as: asNobody, path: "/login",
			raw: "login=beheer&password=" + badUTF8, status: 400,
			field: map[string]string{"password": nlInvalid}},
		{name: "login/password sent twice", as: asNobody, path: "/login",
			raw: "login=beheer&password=a&password=b", status: 400,
			field: map[string]string{"password": nlInvalid}},
		{name: "login/body is no form", as: asNobody, path: "/login",
			raw: "login=%zz&password=x", status: 400, alert: []string{nlUnreadable}},
		{name: "login/semicolons instead of ampersands", as: asNobody, path: "/login",
			raw: "login=beheer;password=x", status: 400, alert: []string{nlUnreadable}},
		{name: "login/body too large", as: asNobody, path: "/login",
			raw: "login=beheer&password=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /lang: lang (choice nl/en, required) and back (text, 512).
		{name: "lang/no language", as: asNobody, path: "/lang",
			form: url.Values{"lang": {""}, "back": {"/login"}}, status: 400, alert: []string{nlFormErrors, nlChoice}},
		{name: "lang/unknown language", as: asNobody, path: "/lang",
			form: url.Values{"lang": {"de"}, "back": {"/login"}}, status: 400, alert: []string{nlChoice}},
		{name: "lang/script as language", as: asNobody, path: "/lang",
			form: url.Values{"lang": {scriptInput}, "back": {"/login"}}, status: 400, alert: []string{nlNoMarkup}},
		{name: "lang/invalid UTF-8 language", as: asNobody, path: "/lang",
			raw: "lang=" + badUTF8 + "&back=/login", status: 400, alert: []string{nlInvalid}},
		{name: "lang/language sent twice", as: asNobody, path: "/lang",
			raw: "lang=nl&lang=en&back=/login", status: 400, alert: []string{nlInvalid}},
		{name: "lang/return path too long", as: asNobody, path: "/lang",
			form: url.Values{"lang": {"en"}, "back": {"/" + repeated("ë", 512)}}, status: 400, alert: []string{nlTooLong(512)}},
		{name: "lang/html in return path", as: asNobody, path: "/lang",
			form: url.Values{"lang": {"en"}, "back": {"/" + boldInput}}, status: 400, alert: []string{nlNoMarkup}},
		{name: "lang/body is no form", as: asNobody, path: "/lang",
			raw: "lang=en&back=%", status: 400, alert: []string{nlUnreadable}},

		// POST /login/2fa: code (six digits).
		{name: "login-2fa/empty code", as: asPending, path: "/login/2fa",
			form: url.Values{"code": {""}}, status: 400, field: map[string]string{"code": nlRequired}},
		{name: "login-2fa/letters as code", as: asPending, path: "/login/2fa",
			form: url.Values{"code": {"abcdef"}}, status: 400, field: map[string]string{"code": nlCode}},
		{name: "login-2fa/five digits", as: asPending, path: "/login/2fa",
			form: url.Values{"code": {"12345"}}, status: 400, field: map[string]string{"code": nlCode}},
		{name: "login-2fa/code too long", as: asPending, path: "/login/2fa",
			form: url.Values{"code": {"1234567890"}}, status: 400, field: map[string]string{"code": nlCode}},
		{name: "login-2fa/script as code", as: asPending, path: "/login/2fa",
			form: url.Values{"code": {scriptInput}}, status: 400, field: map[string]string{"code": nlNoMarkup}},
		{name: "login-2fa/invalid UTF-8 code", as: asPending, path: "/login/2fa",
			raw: "code=" + badUTF8, status: 400, field: map[string]string{"code": nlInvalid}},
		{name: "login-2fa/code sent twice", as: asPending, path: "/login/2fa",
			raw: "code=123456&code=654321", status: 400, field: map[string]string{"code": nlInvalid}},
		{name: "login-2fa/body too large", as: asPending, path: "/login/2fa",
			raw: "code=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /account/2fa: code (six digits) while setting up two-factor.
		{name: "account-2fa/empty code", as: demo.UserManagement, path: "/account/2fa",
			form: url.Values{"code": {""}}, status: 400, field: map[string]string{"code": nlRequired}},
		{name: "account-2fa/letters as code", as: demo.UserManagement, path: "/account/2fa",
			form: url.Values{"code": {"12345a"}}, status: 400, field: map[string]string{"code": nlCode}},
		{name: "account-2fa/code too long", as: demo.UserManagement, path: "/account/2fa",
			form: url.Values{"code": {repeated("1", 200)}}, status: 400, field: map[string]string{"code": nlCode}},
		{name: "account-2fa/html as code", as: demo.UserManagement, path: "/account/2fa",
			form: url.Values{"code": {boldInput}}, status: 400, field: map[string]string{"code": nlNoMarkup}},
		{name: "account-2fa/invalid UTF-8 code", as: demo.UserManagement, path: "/account/2fa",
			raw: "code=" + badUTF8, status: 400, field: map[string]string{"code": nlInvalid}},
		{name: "account-2fa/code sent twice", as: demo.UserManagement, path: "/account/2fa",
			raw: "code=123456&code=123456", status: 400, field: map[string]string{"code": nlInvalid}},
		{name: "account-2fa/body is no form", as: demo.UserManagement, path: "/account/2fa",
			raw: "code=%G0", status: 400, alert: []string{nlUnreadable}},

		// POST /logout and /logout/everywhere have no fields; a body that is
		// no form is refused and leaves the user logged in.
		{name: "logout/body is no form", as: demo.UserMentor, path: "/logout",
			raw: "%zz", status: 400, alert: []string{nlUnreadable}},
		{name: "logout/body too large", as: demo.UserMentor, path: "/logout",
			raw: "x=" + tooBig, status: 400, alert: []string{nlUnreadable}},
		{name: "logout-everywhere/body is no form", as: demo.UserMentor, path: "/logout/everywhere",
			raw: "%zz", status: 400, alert: []string{nlUnreadable}},
		{name: "logout-everywhere/body too large", as: demo.UserMentor, path: "/logout/everywhere",
			raw: "x=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /students: the search field q (text, 100, not required). A
		// refused search runs no query, so it shows and logs no student.
		{name: "students/search too long", as: demo.UserMentor, path: "/students",
			form: url.Values{"q": {repeated("a", 101)}}, status: 400, field: map[string]string{"q": nlTooLong(100)}},
		{name: "students/search too long in multibyte characters", as: demo.UserMentor, path: "/students",
			form: url.Values{"q": {repeated("ë", 101)}}, status: 400, field: map[string]string{"q": nlTooLong(100)}},
		{name: "students/script as search", as: demo.UserMentor, path: "/students",
			form: url.Values{"q": {scriptInput}}, status: 400, field: map[string]string{"q": nlNoMarkup}},
		{name: "students/html as search", as: demo.UserMentor, path: "/students",
			form: url.Values{"q": {boldInput}}, status: 400, field: map[string]string{"q": nlNoMarkup}},
		{name: "students/invalid UTF-8 search", as: demo.UserMentor, path: "/students",
			raw: "q=" + badUTF8, status: 400, field: map[string]string{"q": nlInvalid}},
		{name: "students/control character in search", as: demo.UserMentor, path: "/students",
			raw: "q=Lotte%07", status: 400, field: map[string]string{"q": nlInvalid}},
		{name: "students/search sent twice", as: demo.UserMentor, path: "/students",
			raw: "q=Lotte&q=Milan", status: 400, field: map[string]string{"q": nlInvalid}},
		{name: "students/body too large", as: demo.UserMentor, path: "/students",
			raw: "q=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /admin/users: name (text, 120), email, role and discipline
		// (choices). No password: the new user chooses it through the
		// invitation link, where the password rules are checked
		// ("complete-reset/…" below); a password sent along is ignored.
		{name: "create-user/every field empty", as: demo.UserAdmin, path: "/admin/users",
			form: user("", "", "", "", ""), status: 400,
			field: map[string]string{"name": nlRequired, "email": nlRequired, "role": nlChoice,
				"discipline": nlChoice}},
		{name: "create-user/no fields at all", as: demo.UserAdmin, path: "/admin/users", raw: "", status: 400,
			field: map[string]string{"name": nlRequired, "email": nlRequired, "role": nlChoice,
				"discipline": nlChoice}},
		{name: "create-user/name too long", as: demo.UserAdmin, path: "/admin/users",
			form: user(repeated("a", 121), validEmail, role, discipline, strongPassword), status: 400,
			field: map[string]string{"name": nlTooLong(120)}},
		{name: "create-user/name too long in multibyte characters", as: demo.UserAdmin, path: "/admin/users",
			form: user(repeated("ë", 121), validEmail, role, discipline, strongPassword), status: 400,
			field: map[string]string{"name": nlTooLong(120)}},
		{name: "create-user/a name of 120 multibyte characters is not too long", as: demo.UserAdmin, path: "/admin/users",
			form: user(repeated("ë", 120), "geen-adres", role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlEmail}, fine: []string{"name"}},
		{name: "create-user/script as name", as: demo.UserAdmin, path: "/admin/users",
			form: user(scriptInput, validEmail, role, discipline, strongPassword), status: 400,
			field: map[string]string{"name": nlNoMarkup}},
		{name: "create-user/html in name", as: demo.UserAdmin, path: "/admin/users",
			form: user("Jan "+boldInput, validEmail, role, discipline, strongPassword), status: 400,
			field: map[string]string{"name": nlNoMarkup}},
		{name: "create-user/invalid UTF-8 name", as: demo.UserAdmin, path: "/admin/users",
			raw: "name=" + badUTF8 + "&email=a%40school.nl&role=mentor&discipline=docent&password=" + strongPassword, status: 400,
			field: map[string]string{"name": nlInvalid}},
		{name: "create-user/tab in name", as: demo.UserAdmin, path: "/admin/users",
			form: user("Jan\tJansen", validEmail, role, discipline, strongPassword), status: 400,
			field: map[string]string{"name": nlInvalid}},
		{name: "create-user/name sent twice", as: demo.UserAdmin, path: "/admin/users",
			raw: "name=Jan&name=Piet&email=a%40school.nl&role=mentor&discipline=docent&password=" + strongPassword, status: 400,
			field: map[string]string{"name": nlInvalid}},
		{name: "create-user/e-mail without domain", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, "naam@school", role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlEmail}},
		{name: "create-user/e-mail without @", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, "naam.school.nl", role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlEmail}},
		{name: "create-user/e-mail with two @", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, "naam@x@school.nl", role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlEmail}},
		{name: "create-user/e-mail with a display name", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, `"Jan" naam@school.nl`, role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlEmail}},
		{name: "create-user/e-mail too long", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, repeated("a", 243)+"@school.nl.nl", role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlTooLong(254)}},
		{name: "create-user/script in e-mail", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, scriptInput+"@school.nl", role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlNoMarkup}},
		{name: "create-user/existing e-mail", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, "MENTOR@"+demo.EmailDomain, role, discipline, strongPassword), status: 400,
			field: map[string]string{"email": nlExists}},
		{name: "create-user/unknown role", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, validEmail, "superuser", discipline, strongPassword), status: 400,
			field: map[string]string{"role": nlChoice}},
		{name: "create-user/unknown discipline", as: demo.UserAdmin, path: "/admin/users",
			form: user(validName, validEmail, role, "tovenaar", strongPassword), status: 400,
			field: map[string]string{"discipline": nlChoice}},
		{name: "create-user/role sent twice", as: demo.UserAdmin, path: "/admin/users",
			raw: "name=Jan&email=a%40school.nl&role=mentor&role=beheerder&discipline=docent&password=" + strongPassword, status: 400,
			field: map[string]string{"role": nlInvalid}},
		{name: "create-user/body too large", as: demo.UserAdmin, path: "/admin/users",
			raw: "name=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /admin/users/{id}/reset: the id in the path, reset_2fa
		// (optional checkbox "on"). The beheerder starts a reset; no
		// password is sent.
		{name: "reset-password/id is no id", as: demo.UserAdmin, path: "/admin/users/not-an-id/reset",
			form: url.Values{"reset_2fa": {"on"}}, status: 404, alert: []string{nlNotFound}},
		{name: "reset-password/id is a number", as: demo.UserAdmin, path: "/admin/users/1/reset",
			form: url.Values{"reset_2fa": {"on"}}, status: 404, alert: []string{nlNotFound}},
		{name: "reset-password/sql in id", as: demo.UserAdmin, path: "/admin/users/%27%20OR%20%271%27=%271/reset",
			form: url.Values{"reset_2fa": {"on"}}, status: 404, alert: []string{nlNotFound}},
		{name: "reset-password/unknown user", as: demo.UserAdmin, path: "/admin/users/00000000-0000-4000-8000-000000000000/reset",
			form: url.Values{"reset_2fa": {"on"}}, status: 404, alert: []string{nlNotFound}},
		{name: "reset-password/unknown reset_2fa", as: demo.UserAdmin, path: resetPath,
			form: url.Values{"reset_2fa": {"yes"}}, status: 400, alert: []string{nlChoice}},
		{name: "reset-password/script as reset_2fa", as: demo.UserAdmin, path: resetPath,
			form: url.Values{"reset_2fa": {scriptInput}}, status: 400, alert: []string{nlNoMarkup}},
		{name: "reset-password/reset_2fa sent twice", as: demo.UserAdmin, path: resetPath,
			raw: "reset_2fa=on&reset_2fa=on", status: 400, alert: []string{nlInvalid}},
		{name: "reset-password/body too large", as: demo.UserAdmin, path: resetPath,
			raw: "reset_2fa=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /admin/users/{id}/roles: roles (check boxes, at least one
		// known role, each once).
		{name: "roles/unknown role", as: demo.UserAdmin, path: rolesPath,
			form: url.Values{"roles": {"koning"}}, status: 400, field: map[string]string{"roles": nlChoice}},
		{name: "roles/no role", as: demo.UserAdmin, path: rolesPath,
			form: url.Values{}, status: 400, field: map[string]string{"roles": "Kies minstens één rol."}},
		{name: "roles/script as role", as: demo.UserAdmin, path: rolesPath,
			form: url.Values{"roles": {scriptInput}}, status: 400, field: map[string]string{"roles": nlChoice}},
		{name: "roles/role sent twice", as: demo.UserAdmin, path: rolesPath,
			raw: "roles=mentor&roles=mentor", status: 400, field: map[string]string{"roles": nlChoice}},
		{name: "roles/unknown user", as: demo.UserAdmin, path: "/admin/users/00000000-0000-4000-8000-000000000000/roles",
			form: url.Values{"roles": {"mentor"}}, status: 404, alert: []string{nlNotFound}},
		{name: "roles/body too large", as: demo.UserAdmin, path: rolesPath,
			raw: "roles=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /admin/users/{id}/deactivate: no fields.
		{name: "deactivate/id is no id", as: demo.UserAdmin, path: "/admin/users/not-an-id/deactivate",
			form: url.Values{}, status: 404, alert: []string{nlNotFound}},
		{name: "deactivate/unknown user", as: demo.UserAdmin, path: "/admin/users/00000000-0000-4000-8000-000000000000/deactivate",
			form: url.Values{}, status: 404, alert: []string{nlNotFound}},
		{name: "deactivate/own account", as: demo.UserAdmin, path: "/admin/users/" + env.UserID(demo.UserAdmin) + "/deactivate",
			form: url.Values{}, status: 409, alert: []string{"Je kunt je eigen account niet uitschakelen."}},
		{name: "deactivate/body is no form", as: demo.UserAdmin, path: "/admin/users/" + mentorID + "/deactivate",
			raw: "a=b&%", status: 400, alert: []string{nlUnreadable}},

		// POST /password-reset/{token}: the user completes the reset with a
		// new password (secret, 256 characters, not a common one).
		{name: "complete-reset/empty password", as: asNobody, path: completePath,
			form: url.Values{"password": {""}}, status: 400, field: map[string]string{"password": nlRequired}},
		{name: "complete-reset/password too short", as: asNobody, path: completePath,
			form: url.Values{"password": {"kort"}}, status: 400, field: map[string]string{"password": nlShort}},
		{name: "complete-reset/one character repeated", as: asNobody, path: completePath,
			form: url.Values{"password": {"aaaaaaaaaaaa"}}, status: 400, field: map[string]string{"password": nlCommonFull}},
		{name: "complete-reset/common password with digits", as: asNobody, path: completePath,
			form: url.Values{"password": {"password1234"}}, status: 400, field: map[string]string{"password": nlCommonFull}},
		{name: "complete-reset/password too long in multibyte characters", as: asNobody, path: completePath,
			form: url.Values{"password": {repeated("é", auth.MaxPasswordLen+1)}}, status: 400,
			field: map[string]string{"password": nlTooLong(auth.MaxPasswordLen)}},
		{name: "complete-reset/invalid UTF-8 password", as: asNobody, path: completePath,
			raw: "password=" + badUTF8 + strongPassword, status: 400, field: map[string]string{"password": nlInvalid}},
		{name: "complete-reset/password sent twice", as: asNobody, path: completePath,
			raw: "password=" + strongPassword + "&password=" + strongPassword, status: 400, field: map[string]string{"password": nlInvalid}},
		{name: "complete-reset/unknown link", as: asNobody, path: "/password-reset/" + strings.Repeat("x", 43),
			form: url.Values{"password": {strongPassword}}, status: 404, alert: []string{nlResetLink}},
		{name: "complete-reset/body too large", as: asNobody, path: completePath,
			raw: "password=" + tooBig, status: 400, alert: []string{nlUnreadable}},

		// POST /account/password: current, new password.
		{name: "change-password/both empty", as: demo.UserMentor, path: "/account/password",
			form: url.Values{"current": {""}, "password": {""}}, status: 400,
			field: map[string]string{"current": nlRequired, "password": nlRequired}},
		{name: "change-password/common new password", as: demo.UserMentor, path: "/account/password",
			form: url.Values{"current": {demo.Password}, "password": {"password1234"}}, status: 400,
			field: map[string]string{"password": nlCommonFull}},
		{name: "change-password/new password too short", as: demo.UserMentor, path: "/account/password",
			form: url.Values{"current": {demo.Password}, "password": {"kort"}}, status: 400,
			field: map[string]string{"password": nlShort}},

		// POST /admin/settings: require_2fa_all (optional checkbox "on").
		{name: "settings/unknown value", as: demo.UserAdmin, path: "/admin/settings",
			form: url.Values{"require_2fa_all": {"yes"}}, status: 400, alert: []string{nlChoice}},
		{name: "settings/script as value", as: demo.UserAdmin, path: "/admin/settings",
			form: url.Values{"require_2fa_all": {scriptInput}}, status: 400, alert: []string{nlNoMarkup}},
		{name: "settings/value too long", as: demo.UserAdmin, path: "/admin/settings",
			form: url.Values{"require_2fa_all": {repeated("o", 65)}}, status: 400, alert: []string{nlTooLong(64)}},
		{name: "settings/invalid UTF-8 value", as: demo.UserAdmin, path: "/admin/settings",
			raw: "require_2fa_all=" + badUTF8, status: 400, alert: []string{nlInvalid}},
		{name: "settings/value sent twice", as: demo.UserAdmin, path: "/admin/settings",
			raw: "require_2fa_all=on&require_2fa_all=on", status: 400, alert: []string{nlInvalid}},
		{name: "settings/body is no form", as: demo.UserAdmin, path: "/admin/settings",
			raw: "require_2fa_all=on&%", status: 400, alert: []string{nlUnreadable}},
	}
}

var (
	alertRe      = regexp.MustCompile(`(?s)<div class="utrecht-alert utrecht-alert--error" role="alert">(.*?)</div>`)
	fieldErrorRe = regexp.MustCompile(`id="f-([a-z0-9_]+)-error">([^<]*)</div>`)
)

// TestFormValidation: someone sends malformed input to each form of Casus —
// empty, too long, the wrong kind of value, invalid UTF-8, HTML or script, a
// field twice, a body that is no form or too large. Each time they get a 4xx
// page in Dutch that says what is wrong (next to the field, or in the alert
// of the error page), their markup is never echoed unescaped, they are not
// redirected, logged in or out, and the database is exactly as before: every
// table, including users, settings, login_attempts (malformed input is
// refused before the throttle counts it) and access_log (a refused search
// runs no query, so it logs no student). Only sessions is left out: the
// session store may write it on any request.
func TestFormValidation(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			// The coordinator sets up two-factor, so their password leads to
			// the code form.
			withTOTP := demo.UserCoordinator
			c := env.NewClient()
			c.Login(withTOTP)
			enrollLoggedIn(t, env, c)

			for _, tc := range badForms(env) {
				t.Run(tc.name, func(t *testing.T) {
					c := env.NewClient()
					switch tc.as {
					case asNobody:
					case asPending:
						res := c.Post("/login", url.Values{"login": {withTOTP}, "password": {demo.Password}})
						if res.Status != http.StatusSeeOther || res.Location != "/login/2fa" {
							t.Fatalf("password of %s: %d → %q, want the code form", withTOTP, res.Status, res.Location)
						}
					default:
						c.Login(tc.as)
					}
					before := env.Snapshot("sessions")
					var res webtest.Response
					if tc.form != nil {
						res = c.Post(tc.path, tc.form)
					} else {
						res = c.PostRaw(tc.path, tc.raw)
					}
					checkRefusal(t, tc, res)
					if diff := webtest.Changed(before, env.Snapshot("sessions")); len(diff) > 0 {
						t.Errorf("the refused form changed the database:\n%s", strings.Join(diff, "\n"))
					}
					// Still logged in, or still not.
					home := c.Get("/")
					if tc.as == asNobody || tc.as == asPending {
						if home.Status != http.StatusSeeOther || home.Location != "/login" {
							t.Errorf("after the refused form, / gave %d → %q; want the login page", home.Status, home.Location)
						}
					} else if home.Status != http.StatusOK {
						t.Errorf("after the refused form, %s's / gave %d → %q; want still logged in", tc.as, home.Status, home.Location)
					}
				})
			}

			t.Run("an English browser gets the same refusal in English", func(t *testing.T) {
				c := env.NewClient()
				u, _ := url.Parse(env.URL)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: "casus_lang", Value: "en", Path: "/"}})
				res := c.Post("/login", url.Values{"login": {""}, "password": {"x"}})
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `<html lang="en">`) ||
					!strings.Contains(res.Body, `id="f-login-error">Fill in this field.</div>`) {
					t.Errorf("English browser: %d, want 400 with the English message; body:\n%s", res.Status, res.Body)
				}
			})
		})
	}
}

// checkRefusal checks one response to a malformed form.
func checkRefusal(t *testing.T, tc badForm, res webtest.Response) {
	t.Helper()
	if res.Status != tc.status || res.Status < 400 || res.Status > 499 {
		t.Errorf("status %d, want %d", res.Status, tc.status)
	}
	if res.Location != "" {
		t.Errorf("redirected to %q", res.Location)
	}
	for _, ck := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "casus_lang=") || strings.HasPrefix(ck, "casus_device=") {
			t.Errorf("set a cookie: %s", ck)
		}
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(res.Body, `<html lang="nl">`) {
		t.Errorf("the page is not in Dutch")
	}
	if !utf8.ValidString(res.Body) {
		t.Errorf("the page is not valid UTF-8")
	}
	for _, raw := range []string{"<script>alert", boldInput} {
		if strings.Contains(res.Body, raw) {
			t.Errorf("the page echoes %q unescaped", raw)
		}
	}
	shown := map[string]string{}
	for _, m := range fieldErrorRe.FindAllStringSubmatch(res.Body, -1) {
		shown[m[1]] = html.UnescapeString(m[2])
	}
	for field, want := range tc.field {
		if got, ok := shown[field]; !ok {
			t.Errorf("field %s shows no error, want %q", field, want)
		} else if got != want {
			t.Errorf("field %s shows %q, want %q", field, got, want)
		}
	}
	for field, got := range shown {
		if _, ok := tc.field[field]; !ok {
			t.Errorf("field %s shows an unexpected error %q", field, got)
		}
	}
	for _, field := range tc.fine {
		if _, ok := shown[field]; ok {
			t.Errorf("field %s shows an error, want none", field)
		}
	}
	if len(tc.alert) > 0 {
		if m := alertRe.FindStringSubmatch(res.Body); m == nil {
			t.Errorf("the page has no alert, want %q", tc.alert)
		} else {
			for _, want := range tc.alert {
				if !strings.Contains(html.UnescapeString(m[1]), want) {
					t.Errorf("the alert does not say %q; it says:\n%s", want, m[1])
				}
			}
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", res.Body)
	}
}

// enrollLoggedIn sets up two-factor for the logged-in user of c, as they
// would from the setup page; it works in demo mode too.
func enrollLoggedIn(t *testing.T, env *webtest.Env, c *webtest.Client) {
	t.Helper()
	m := secretRe.FindStringSubmatch(c.Get("/account/2fa").Body)
	if m == nil {
		t.Fatalf("setup page shows no secret")
	}
	res := c.Post("/account/2fa", url.Values{"code": {auth.TOTPCode(m[1], env.Clock.Now())}})
	if res.Status != http.StatusSeeOther || res.Location != "/" {
		t.Fatalf("two-factor setup: %d → %q", res.Status, res.Location)
	}
}
