// Package mailtest runs an SMTP server in the test's process that keeps what
// it receives (github.com/emersion/go-smtp), so tests send real mail through
// package mail and read it back.
package mailtest

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// Received is one mail the sink took.
type Received struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded
}

// Sink is an SMTP server on a loopback port. It is safe for concurrent use.
type Sink struct {
	t    testing.TB
	addr string

	mu       sync.Mutex
	received []Received
	failures int
}

// NewSink starts a sink that stops when the test ends.
func NewSink(t testing.TB) *Sink {
	t.Helper()
	s := &Sink{t: t}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }))
	srv.Domain = "sink.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return s
}

// URL is the sink's address as package mail's SMTP URL: plain SMTP, no login.
func (s *Sink) URL() string { return "smtp://" + s.addr + "?tls=none" }

// Mails returns what the sink has received so far.
func (s *Sink) Mails() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// FailNext makes the sink refuse the next n mails with a temporary error
// (451), as a server that is busy or down does.
func (s *Sink) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = n
}

type session struct {
	sink *Sink
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		if body, err = io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(body)))); err != nil {
			return err
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s := x.sink
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures > 0 {
		s.failures--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.received = append(s.received, Received{From: x.from, To: x.to, Header: msg.Header, Subject: subject,
		Body: strings.ReplaceAll(string(body), "\r\n", "\n")})
	return nil
}

// CheckEachOnce checks that the sink holds exactly one mail per message, by
// its Message-ID (<id@domain>), and that it went to that message's address.
// messages maps a message id to its recipient's address. One recipient may
// get the same subject for different messages (two overdue actions of one
// team): once per message is the rule.
func (s *Sink) CheckEachOnce(t testing.TB, messages map[string]string, domain string) {
	t.Helper()
	got := s.Mails()
	if len(got) != len(messages) {
		t.Errorf("the sink has %d mails, want %d (one per message)", len(got), len(messages))
	}
	perMessage := map[string]int{}
	for _, r := range got {
		id := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Message-Id"), "<"), "@"+domain+">")
		perMessage[id]++
		if len(r.To) != 1 || r.To[0] != messages[id] {
			t.Errorf("mail of message %s went to %v, want %q", id, r.To, messages[id])
		}
	}
	for id, n := range perMessage {
		if n != 1 {
			t.Errorf("message %s mailed %d times", id, n)
		}
	}
	for id := range messages {
		if perMessage[id] == 0 {
			t.Errorf("message %s was not mailed", id)
		}
	}
}
