package mail

import (
	"fmt"
	"net/url"
	"strings"

	"casus"
	"casus/i18n"
)

// Composer writes the e-mail of a message.
type Composer struct {
	bundle *i18n.Bundle
	base   string // Casus's absolute URL, without a trailing slash
}

// NewComposer returns a Composer whose links start with baseURL, the address
// users reach Casus at, such as https://casus.school.nl.
func NewComposer(baseURL string) (*Composer, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("mail: base URL %q is not an absolute http(s) URL", baseURL)
	}
	b, err := i18n.New()
	if err != nil {
		return nil, err
	}
	return &Composer{bundle: b, base: strings.TrimSuffix(baseURL, "/")}, nil
}

// Compose writes the mail of message m to the address to, in lang ("nl" or
// "en"; anything else is Dutch). Its subject and text come from the
// catalog's mail.subject.* and mail.body.* keys of the message's kind; those
// leave out the people a message may name (such as an action's owner), so
// the mail carries no personal data beyond its address. A notification
// (casus.Notification) gets the one text mail.*.notification, with a link
// to the messages page. It fails for a message kind without them.
func (c *Composer) Compose(m casus.Message, to, lang string) (casus.Mail, error) {
	if lang != "en" {
		lang = "nl"
	}
	l := c.bundle.For(lang)
	kind := strings.TrimPrefix(m.Key, "message.")
	link := m.Link
	if casus.Notification(m.Key) {
		// A notification's mail only says that something waits in Casus:
		// the messages page says what, after login.
		kind, link = "notification", "/messages"
	}
	args := l.MessageArgs(m)
	subjectKey, bodyKey := "mail.subject."+kind, "mail.body."+kind
	subject, text := l.T(subjectKey, args), l.T(bodyKey, args)
	if subject == subjectKey || text == bodyKey {
		return casus.Mail{}, fmt.Errorf("mail: no e-mail text for message key %q", m.Key)
	}
	var b strings.Builder
	b.WriteString(l.T("mail.greeting") + "\n\n" + text + "\n\n")
	if link != "" {
		b.WriteString(l.T("mail.open") + "\n" + c.base + link + "\n\n")
	}
	b.WriteString("-- \n" + l.T("mail.footer") + "\n")
	return casus.Mail{MessageID: m.ID, To: to, Subject: subject, Body: b.String()}, nil
}
