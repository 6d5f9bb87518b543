package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

type failingSender struct{ err error }

func (f failingSender) Send(context.Context, Message) error { return f.err }

func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	var rec Recorder
	s := NewLogSender(&rec, logger)

	if err := s.Send(t.Context(), resetMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if _, ok := rec.Last(); !ok {
		t.Error("message was not passed on")
	}
	out := buf.String()
	for _, want := range []string{"level=INFO", "mail sent", "marie.dupont@example.org", resetMessage.Subject} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q does not contain %q", out, want)
		}
	}
	checkNoBody(t, out)
}

func TestLogSenderError(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	errDown := errors.New("mail: unable to send to marie.dupont@example.org: connection refused")
	s := NewLogSender(failingSender{errDown}, logger)

	if err := s.Send(t.Context(), resetMessage); !errors.Is(err, errDown) {
		t.Fatalf("Send error = %v, want %v", err, errDown)
	}
	out := buf.String()
	for _, want := range []string{"level=ERROR", "mail not sent", "marie.dupont@example.org", resetMessage.Subject, "connection refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q does not contain %q", out, want)
		}
	}
	checkNoBody(t, out)
}

func checkNoBody(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "jeton") || strings.Contains(out, "Bonjour") {
		t.Errorf("log %q contains the message body", out)
	}
}
