package mail

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type fakeOutbox struct {
	stored []Message
	err    error
}

func (f *fakeOutbox) AddOutbox(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if f.err != nil {
		return f.err
	}
	f.stored = append(f.stored, m)
	return nil
}

func TestOutboxSender(t *testing.T) {
	store := &fakeOutbox{}
	var s Sender = OutboxSender{Store: store}

	if err := s.Send(t.Context(), resetMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(store.stored) != 1 || store.stored[0] != resetMessage {
		t.Errorf("stored %v, want [%v]", store.stored, resetMessage)
	}
}

func TestOutboxSenderErrors(t *testing.T) {
	t.Run("store fails", func(t *testing.T) {
		errDB := errors.New("database is locked")
		s := OutboxSender{Store: &fakeOutbox{err: errDB}}
		err := s.Send(t.Context(), resetMessage)
		if !errors.Is(err, errDB) {
			t.Fatalf("Send error = %v, want it to wrap %v", err, errDB)
		}
		if want := "mail: unable to store message to marie.dupont@example.org in the outbox: "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %q, want prefix %q", err, want)
		}
	})
	t.Run("invalid recipient", func(t *testing.T) {
		store := &fakeOutbox{}
		m := resetMessage
		m.To = "pas une adresse"
		if err := (OutboxSender{Store: store}).Send(t.Context(), m); err == nil {
			t.Error("Send accepted an invalid recipient")
		}
		if len(store.stored) != 0 {
			t.Errorf("stored %d messages, want 0", len(store.stored))
		}
	})
	t.Run("no store", func(t *testing.T) {
		if err := (OutboxSender{}).Send(t.Context(), resetMessage); err == nil {
			t.Error("Send without a store succeeded")
		}
	})
	t.Run("context passed on", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := (OutboxSender{Store: &fakeOutbox{}}).Send(ctx, resetMessage)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send error = %v, want context.Canceled", err)
		}
	})
}
