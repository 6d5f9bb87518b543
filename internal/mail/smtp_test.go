package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testUser     = "coopdec"
	testPassword = "s3cret-mot-de-passe"
)

var resetMessage = Message{
	To:      "Marie Dupont <marie.dupont@example.org>",
	Subject: "Réinitialisation de votre mot de passe",
	Text: "Bonjour Marie,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure qui suit :\n" +
		"https://coopdec.example.org/reinitialisation?jeton=0123456789abcdef0123456789abcdef0123456789abcdef\n\n" +
		"Coopération décentralisée — l'équipe Coopdec\n",
	HTML: `<p>Bonjour Marie,</p><p><a href="https://coopdec.example.org/reinitialisation?jeton=0123456789abcdef">Choisir un nouveau mot de passe</a></p><p>Coopération décentralisée — l’équipe Coopdec</p>`,
}

func testConfig(ts *testServer, tlsMode string) SMTPConfig {
	_, pool := testCert()
	return SMTPConfig{
		Host:     ts.host,
		Port:     ts.port,
		TLS:      tlsMode,
		Username: testUser,
		Password: testPassword,
		From:     "Coopération décentralisée <no-reply@coopdec.example.org>",
		Timeout:  5 * time.Second,
		RootCAs:  pool,
	}
}

func mustSender(t *testing.T, cfg SMTPConfig) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	return s
}

func onlyEnvelope(t *testing.T, ts *testServer) envelope {
	t.Helper()
	got := ts.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	return got[0]
}

type parsedMail struct {
	header    netmail.Header
	subject   string
	mediaType string
	text      string
	html      string
}

// parseMail decodes what a mail client would show, so that tests do not
// depend on go-mail's choice of encodings or line wrapping.
func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading message: %v\n%s", err, data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decoding subject: %v", err)
	}
	p := parsedMail{header: msg.Header, subject: subject}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("parsing Content-Type: %v", err)
	}
	p.mediaType = mediaType

	store := func(mediaType string, body string) {
		switch mediaType {
		case "text/plain":
			p.text = body
		case "text/html":
			p.html = body
		default:
			t.Errorf("unexpected part type %q", mediaType)
		}
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		body := io.Reader(msg.Body)
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		checkCharset(t, params)
		store(mediaType, normalizeNewlines(string(b)))
		return p
	}

	// multipart.Reader decodes quoted-printable parts itself.
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading part: %v", err)
		}
		b, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		partType, partParams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("parsing part Content-Type: %v", err)
		}
		checkCharset(t, partParams)
		store(partType, normalizeNewlines(string(b)))
	}
	return p
}

func checkCharset(t *testing.T, params map[string]string) {
	t.Helper()
	if cs := params["charset"]; !strings.EqualFold(cs, "utf-8") {
		t.Errorf("charset = %q, want UTF-8", cs)
	}
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

func trimEOL(s string) string {
	return strings.TrimSuffix(s, "\n")
}

func checkDelivered(t *testing.T, env envelope, m Message) parsedMail {
	t.Helper()
	if env.from != "no-reply@coopdec.example.org" {
		t.Errorf("envelope sender = %q, want no-reply@coopdec.example.org", env.from)
	}
	if len(env.to) != 1 || env.to[0] != "marie.dupont@example.org" {
		t.Errorf("envelope recipients = %q, want [marie.dupont@example.org]", env.to)
	}

	p := parseMail(t, env.data)
	if p.subject != m.Subject {
		t.Errorf("Subject = %q, want %q", p.subject, m.Subject)
	}
	if raw := p.header.Get("Subject"); !strings.HasPrefix(raw, "=?") {
		t.Errorf("raw Subject %q is not RFC 2047 encoded", raw)
	}
	from, err := p.header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Coopération décentralisée" || from[0].Address != "no-reply@coopdec.example.org" {
		t.Errorf("From = %v (%v), want Coopération décentralisée <no-reply@coopdec.example.org>", from, err)
	}
	to, err := p.header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "marie.dupont@example.org" {
		t.Errorf("To = %v (%v), want marie.dupont@example.org", to, err)
	}
	if date, err := p.header.Date(); err != nil || time.Since(date).Abs() > time.Hour {
		t.Errorf("Date = %q (%v), want about now", p.header.Get("Date"), err)
	}
	if id := p.header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@coopdec.example.org>") {
		t.Errorf("Message-ID = %q, want <…@coopdec.example.org>", id)
	}
	if ua := p.header.Get("User-Agent"); ua != "" {
		t.Errorf("User-Agent = %q, want none", ua)
	}
	// A single-part body may gain a final line break, as SMTP requires
	// the data to end with one.
	if trimEOL(p.text) != trimEOL(m.Text) {
		t.Errorf("text body = %q, want %q", p.text, m.Text)
	}
	if trimEOL(p.html) != trimEOL(m.HTML) {
		t.Errorf("HTML body = %q, want %q", p.html, m.HTML)
	}
	return p
}

func TestSMTPSenderStartTLS(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSStartTLS))

	if err := s.Send(t.Context(), resetMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	env := onlyEnvelope(t, ts)
	if !env.tls {
		t.Error("message was sent before STARTTLS")
	}
	p := checkDelivered(t, env, resetMessage)
	if p.mediaType != "multipart/alternative" {
		t.Errorf("Content-Type = %q, want multipart/alternative", p.mediaType)
	}
}

func TestSMTPSenderDefaultsToStartTLS(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, ""))

	if err := s.Send(t.Context(), resetMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !onlyEnvelope(t, ts).tls {
		t.Error("message was sent before STARTTLS")
	}
}

func TestSMTPSenderImplicitTLS(t *testing.T) {
	ts := startServer(t, serverOptions{implicitTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSImplicit))

	if err := s.Send(t.Context(), resetMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	env := onlyEnvelope(t, ts)
	if !env.tls {
		t.Error("message was not sent over TLS")
	}
	checkDelivered(t, env, resetMessage)
}

func TestSMTPSenderNoTLS(t *testing.T) {
	t.Run("without authentication", func(t *testing.T) {
		ts := startServer(t, serverOptions{})
		cfg := testConfig(ts, TLSNone)
		cfg.Username, cfg.Password = "", ""
		s := mustSender(t, cfg)

		if err := s.Send(t.Context(), resetMessage); err != nil {
			t.Fatalf("Send: %v", err)
		}
		checkDelivered(t, onlyEnvelope(t, ts), resetMessage)
	})
	t.Run("with authentication in clear text", func(t *testing.T) {
		ts := startServer(t, serverOptions{allowInsecureAuth: true, username: testUser, password: testPassword})
		s := mustSender(t, testConfig(ts, TLSNone))

		if err := s.Send(t.Context(), resetMessage); err != nil {
			t.Fatalf("Send: %v", err)
		}
		env := onlyEnvelope(t, ts)
		if env.tls {
			t.Error("message was sent over TLS in mode none")
		}
		checkDelivered(t, env, resetMessage)
	})
	t.Run("ignores STARTTLS", func(t *testing.T) {
		ts := startServer(t, serverOptions{startTLS: true})
		cfg := testConfig(ts, TLSNone)
		cfg.Username, cfg.Password = "", ""
		s := mustSender(t, cfg)

		if err := s.Send(t.Context(), resetMessage); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if onlyEnvelope(t, ts).tls {
			t.Error("message was sent over TLS in mode none")
		}
	})
}

func TestSMTPSenderWrongPassword(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	cfg := testConfig(ts, TLSStartTLS)
	cfg.Password = "wrong"
	s := mustSender(t, cfg)

	err := s.Send(t.Context(), resetMessage)
	if err == nil {
		t.Fatal("Send succeeded with a wrong password")
	}
	want := "mail: unable to send to marie.dupont@example.org: "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
	if !strings.Contains(err.Error(), "535") {
		t.Errorf("error = %q, want the server's 535 reply", err)
	}
	if n := len(ts.messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
	waitClosed(t, ts)
}

// waitClosed fails the test if the client leaves its connection open.
func waitClosed(t *testing.T, ts *testServer) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); ts.openSessions() != 0; {
		if time.Now().After(deadline) {
			t.Fatal("client left its connection open")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSMTPSenderRequiresSTARTTLS(t *testing.T) {
	// A server (or an attacker stripping STARTTLS) that offers no TLS must
	// not receive credentials or mail in clear text.
	ts := startServer(t, serverOptions{allowInsecureAuth: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSStartTLS))

	err := s.Send(t.Context(), resetMessage)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send error = %v, want one about STARTTLS", err)
	}
	if n := len(ts.messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
	// go-mail returns without closing the connection in this case.
	waitClosed(t, ts)
}

func TestSMTPSenderVerifiesCertificate(t *testing.T) {
	for _, mode := range []string{TLSStartTLS, TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			ts := startServer(t, serverOptions{
				startTLS: mode == TLSStartTLS, implicitTLS: mode == TLSImplicit,
				username: testUser, password: testPassword,
			})
			cfg := testConfig(ts, mode)
			cfg.RootCAs = nil
			err := mustSender(t, cfg).Send(t.Context(), resetMessage)
			var verr *tls.CertificateVerificationError
			if !errors.As(err, &verr) {
				t.Fatalf("Send error = %v, want a certificate verification error", err)
			}

			cfg.InsecureSkipVerify = true
			if err := mustSender(t, cfg).Send(t.Context(), resetMessage); err != nil {
				t.Fatalf("Send with InsecureSkipVerify: %v", err)
			}
		})
	}
}

func TestSMTPSenderServerDown(t *testing.T) {
	cfg := SMTPConfig{
		Host:    "127.0.0.1",
		Port:    closedPort(t),
		TLS:     TLSStartTLS,
		From:    "no-reply@coopdec.example.org",
		Timeout: 2 * time.Second,
	}
	s := mustSender(t, cfg)

	start := time.Now()
	err := s.Send(t.Context(), resetMessage)
	if err == nil {
		t.Fatal("Send succeeded with no server")
	}
	if !strings.HasPrefix(err.Error(), "mail: unable to send to ") {
		t.Errorf("error = %q, want it prefixed with mail: unable to send to", err)
	}
	if elapsed := time.Since(start); elapsed > cfg.Timeout {
		t.Errorf("Send took %v, more than the %v timeout", elapsed, cfg.Timeout)
	}
}

func TestSMTPSenderTimeout(t *testing.T) {
	host, port := hangingServer(t)
	cfg := SMTPConfig{
		Host:    host,
		Port:    port,
		From:    "no-reply@coopdec.example.org",
		Timeout: 200 * time.Millisecond,
	}
	s := mustSender(t, cfg)

	start := time.Now()
	err := s.Send(t.Context(), resetMessage)
	elapsed := time.Since(start)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Send error = %v, want a timeout", err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("Send took %v with a %v timeout", elapsed, cfg.Timeout)
	}
}

func TestSMTPSenderContext(t *testing.T) {
	host, port := hangingServer(t)
	s := mustSender(t, SMTPConfig{
		Host:    host,
		Port:    port,
		From:    "no-reply@coopdec.example.org",
		Timeout: time.Minute,
	})

	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := s.Send(ctx, resetMessage)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send error = %v, want context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("Send took %v past a 200ms deadline", elapsed)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		err := s.Send(ctx, resetMessage)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send error = %v, want context.Canceled", err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("Send took %v after cancellation", elapsed)
		}
	})
	t.Run("already done", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := s.Send(ctx, resetMessage); !errors.Is(err, context.Canceled) {
			t.Fatalf("Send error = %v, want context.Canceled", err)
		}
	})
}

func TestSMTPSenderInvalidRecipient(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSStartTLS))

	for _, to := range []string{"", "marie.dupont", "marie@example.org\r\nBcc: eve@example.org"} {
		m := resetMessage
		m.To = to
		err := s.Send(t.Context(), m)
		if err == nil {
			t.Errorf("Send to %q succeeded", to)
			continue
		}
		if want := fmt.Sprintf("mail: unable to send to %q: invalid recipient address: ", to); !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %q, want prefix %q", err, want)
		}
	}
	if n := len(ts.messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

func TestSMTPSenderTextOnlyAndHTMLOnly(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSStartTLS))

	textOnly := resetMessage
	textOnly.HTML = ""
	htmlOnly := resetMessage
	htmlOnly.Text = ""
	for _, m := range []Message{textOnly, htmlOnly} {
		if err := s.Send(t.Context(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}

	got := ts.messages()
	if len(got) != 2 {
		t.Fatalf("server received %d messages, want 2", len(got))
	}
	if p := checkDelivered(t, got[0], textOnly); p.mediaType != "text/plain" {
		t.Errorf("text-only Content-Type = %q, want text/plain", p.mediaType)
	}
	if p := checkDelivered(t, got[1], htmlOnly); p.mediaType != "text/html" {
		t.Errorf("HTML-only Content-Type = %q, want text/html", p.mediaType)
	}
}

func TestSMTPSenderSubjectInjection(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSStartTLS))

	m := resetMessage
	m.Subject = "Bonjour\r\nBcc: eve@example.org"
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	env := onlyEnvelope(t, ts)
	p := parseMail(t, env.data)
	if bcc := p.header.Get("Bcc"); bcc != "" {
		t.Errorf("subject injected a Bcc header: %q", bcc)
	}
	if len(env.to) != 1 {
		t.Errorf("envelope recipients = %q, want one", env.to)
	}
}

func TestSMTPSenderConcurrent(t *testing.T) {
	ts := startServer(t, serverOptions{startTLS: true, username: testUser, password: testPassword})
	s := mustSender(t, testConfig(ts, TLSStartTLS))

	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			m := resetMessage
			m.To = fmt.Sprintf("membre%d@example.org", i)
			errs <- s.Send(t.Context(), m)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(ts.messages()); got != n {
		t.Errorf("server received %d messages, want %d", got, n)
	}
}
