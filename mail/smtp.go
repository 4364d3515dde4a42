package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"casus"
	"casus/storage"
)

// sendTimeout bounds one delivery: the claim's transaction stays open while
// the server answers.
const sendTimeout = 10 * time.Second

// SMTP is the Mailer that sends through an SMTP server.
type SMTP struct {
	client *gomail.Client
	from   string
	domain string // the from-address's domain, for Message-IDs
}

// NewSMTP returns a Mailer that sends from the address from (such as
// "Casus <casus@school.nl>") through the server at rawURL:
//
//	smtp://user:password@host:587   STARTTLS, required (port 587 by default)
//	smtps://user:password@host:465  TLS from the start (port 465 by default)
//	smtp://host:25?tls=none         no TLS and no login: a relay on the same host or network
//
// User and password are optional; credentials over a connection without
// TLS are refused.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New("mail: SMTP URL must be smtp://[user:password@]host[:port] or smtps://…")
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: from-address %q: %w", from, err)
	}
	opts := []gomail.Option{gomail.WithTimeout(sendTimeout)}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch tls := u.Query().Get("tls"); tls {
		case "", "starttls":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "none":
			if u.User != nil {
				return nil, errors.New("mail: SMTP URL has credentials but tls=none: they would go unencrypted")
			}
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("mail: SMTP URL: tls=%q, want starttls or none", tls)
		}
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q, want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: SMTP URL port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	c, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &SMTP{client: c, from: addr.String(), domain: addr.Address[strings.LastIndex(addr.Address, "@")+1:]}, nil
}

// Send sends m in a connection of its own. The Message-ID comes from the
// message's ID, so a mail sent twice (the server took it, the claim could
// not commit) is recognisably the same mail.
func (s *SMTP) Send(ctx context.Context, _ *storage.Tx, m casus.Mail) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	msg.SetMessageIDWithValue(m.MessageID + "@" + s.domain)
	if !m.CreatedAt.IsZero() {
		msg.SetDateWithValue(m.CreatedAt)
	}
	// RFC 3834: no out-of-office replies to an automatic notice.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}
