package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/i18n"
	"casus/mail"
	"casus/mail/mailtest"
)

// args are arguments of every kind of message, with an owner's name the
// mail must leave out.
var args = map[string]string{"Team": "ZAT mbo", "Owner": "Peter Politie", "N": "2",
	"Due": "2026-03-03T00:00:00Z", "Start": "2026-03-10T14:00:00Z", "Title": "Privacyreglement ZAT", "Version": "2.1"}

// TestCompose: every kind of message in the catalog has an e-mail in both
// languages, with its subject, text and absolute link, and the people a
// message may name are not in it.
func TestCompose(t *testing.T) {
	c, err := mail.NewComposer("https://casus.example.nl/")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := i18n.Keys("nl")
	if err != nil {
		t.Fatal(err)
	}
	kinds := 0
	for key := range keys {
		if !strings.HasPrefix(key, "message.") {
			continue
		}
		kinds++
		m := casus.Message{ID: casus.NewID(), Key: key, Args: args, Link: "/cases/x"}
		for lang, want := range map[string]string{"nl": "Hallo,", "en": "Hello,", "": "Hallo,", "fr": "Hallo,"} {
			got, err := c.Compose(m, "ik@school.example", lang)
			if err != nil {
				t.Errorf("%s in %q: %v", key, lang, err)
				continue
			}
			link := "\nhttps://casus.example.nl/cases/x\n"
			if casus.Notification(key) {
				link = "\nhttps://casus.example.nl/messages\n"
			}
			if got.To != "ik@school.example" || got.MessageID != m.ID || got.Subject == "" || !strings.HasPrefix(got.Body, want+"\n\n") ||
				!strings.Contains(got.Body, link) {
				t.Errorf("%s in %q: %+v", key, lang, got)
			}
			for _, s := range []string{got.Subject, got.Body} {
				if strings.Contains(s, "Peter") || strings.Contains(s, "{{") || strings.Contains(s, "<no value>") {
					t.Errorf("%s in %q names the owner or lacks an argument: %q", key, lang, s)
				}
			}
		}
	}
	if kinds < 5 {
		t.Errorf("only %d message keys in the catalog", kinds)
	}
	t.Run("DatesInLanguage", func(t *testing.T) {
		m := casus.Message{Key: "message.consent_expiring", Args: args}
		nl, _ := c.Compose(m, "a@b.nl", "nl")
		en, _ := c.Compose(m, "a@b.nl", "en")
		if !strings.Contains(nl.Subject, "3 maart 2026") || !strings.Contains(en.Subject, "3 March 2026") {
			t.Errorf("subjects %q and %q, want the due date written in each language", nl.Subject, en.Subject)
		}
	})
	// A notification's mail says only that something waits in Casus, and
	// links to the messages page: not the team, not the page of the thing.
	t.Run("NotificationSaysOnlyThatSomethingWaits", func(t *testing.T) {
		m := casus.Message{ID: casus.NewID(), Key: casus.MsgReferralReturned, Args: args, Link: "/referrals/r1/edit"}
		got, err := c.Compose(m, "a@b.nl", "nl")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.Body, "Er staat iets voor je klaar in Casus") || strings.Contains(got.Body, "/referrals/") ||
			strings.Contains(got.Subject+got.Body, "ZAT mbo") || !strings.Contains(got.Body, "https://casus.example.nl/messages\n") {
			t.Errorf("notification mail %q / %q, want the generic text and the messages link only", got.Subject, got.Body)
		}
	})
	t.Run("ErrUnknownKind", func(t *testing.T) {
		if _, err := c.Compose(casus.Message{Key: "message.nonexistent"}, "a@b.nl", "nl"); err == nil {
			t.Error("a message without e-mail text was composed")
		}
	})
}

func TestNewComposer(t *testing.T) {
	for _, base := range []string{"", "casus.example.nl", "ftp://casus.example.nl", "https://", "https://casus.example.nl/?x=1"} {
		if _, err := mail.NewComposer(base); err == nil {
			t.Errorf("base URL %q accepted", base)
		}
	}
}

func TestNewSMTP(t *testing.T) {
	for _, tc := range []struct {
		url, from string
		ok        bool
	}{
		{"smtp://user:pass@mail.example.nl:587", "casus@school.example", true},
		{"smtps://user:pass@mail.example.nl", "Casus <casus@school.example>", true},
		{"smtp://127.0.0.1:25?tls=none", "casus@school.example", true},
		{"smtp://user:pass@127.0.0.1:25?tls=none", "casus@school.example", false}, // credentials in the clear
		{"smtp://mail.example.nl?tls=maybe", "casus@school.example", false},
		{"http://mail.example.nl", "casus@school.example", false},
		{"smtp://", "casus@school.example", false},
		{"smtp://mail.example.nl:port", "casus@school.example", false},
		{"smtp://mail.example.nl", "not an address", false},
	} {
		_, err := mail.NewSMTP(tc.url, tc.from)
		if (err == nil) != tc.ok {
			t.Errorf("NewSMTP(%q, %q): %v, want ok %v", tc.url, tc.from, err, tc.ok)
		}
	}
}

// TestSMTPSend sends a composed mail through a real SMTP session to the
// in-process sink and reads it back.
func TestSMTPSend(t *testing.T) {
	sink := mailtest.NewSink(t)
	s, err := mail.NewSMTP(sink.URL(), "Casus <casus@school.example>")
	if err != nil {
		t.Fatal(err)
	}
	c, err := mail.NewComposer("http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Compose(casus.Message{ID: casus.NewID(), Key: "message.agenda", Args: args, Link: "/meetings/1"}, "ggd@ggd.example", "nl")
	if err != nil {
		t.Fatal(err)
	}
	m.CreatedAt = time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	if err := s.Send(context.Background(), nil, m); err != nil {
		t.Fatal(err)
	}
	got := sink.Mails()
	if len(got) != 1 {
		t.Fatalf("the sink has %d mails, want 1", len(got))
	}
	r := got[0]
	t.Logf("the sink received, to %v:\nSubject: %s\n\n%s", r.To, r.Subject, r.Body)
	if r.From != "casus@school.example" || len(r.To) != 1 || r.To[0] != "ggd@ggd.example" || r.Subject != m.Subject || r.Body != m.Body {
		t.Errorf("received %+v\nwant subject %q and body %q", r, m.Subject, m.Body)
	}
	if id := r.Header.Get("Message-Id"); id != "<"+m.MessageID+"@school.example>" {
		t.Errorf("Message-ID %q", id)
	}
	if r.Header.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(r.Header.Get("Date"), "3 Mar 2026") {
		t.Errorf("headers %v", r.Header)
	}

	t.Run("ErrServerRefuses", func(t *testing.T) {
		sink.FailNext(1)
		if err := s.Send(context.Background(), nil, m); err == nil {
			t.Error("a refused mail reported as sent")
		}
		if n := len(sink.Mails()); n != 1 {
			t.Errorf("the sink has %d mails after a refusal, want 1", n)
		}
	})
}
