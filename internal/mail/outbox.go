package mail

import (
	"context"
	"errors"
	"fmt"
)

// OutboxStore persists messages that could not be sent by SMTP because none
// is configured.
type OutboxStore interface {
	AddOutbox(ctx context.Context, m Message) error
}

// OutboxSender is the Sender used when no SMTP server is configured: messages
// are stored so that an administrator can read them (and pass on one-time
// links by hand) instead of being lost.
type OutboxSender struct {
	Store OutboxStore
}

var _ Sender = OutboxSender{}

// Send stores m in the outbox.
func (o OutboxSender) Send(ctx context.Context, m Message) error {
	if o.Store == nil {
		return errors.New("mail: outbox sender has no store")
	}
	// Same check as SMTPSender, so that switching senders does not change
	// which messages are accepted.
	to, err := parseRecipient(m.To)
	if err != nil {
		return fmt.Errorf("mail: unable to store message to %q in the outbox: %w", m.To, err)
	}
	if err := o.Store.AddOutbox(ctx, m); err != nil {
		return fmt.Errorf("mail: unable to store message to %s in the outbox: %w", to.Address, err)
	}
	return nil
}
