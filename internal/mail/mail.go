// Package mail sends the platform's e-mails (account invitations, password
// resets, notifications) through SMTP, or keeps them in an outbox that
// administrators read when no SMTP server is configured.
package mail

import (
	"context"
	"fmt"
	netmail "net/mail"
)

// Message is one e-mail to one recipient. The sender address comes from the
// Sender's configuration so that callers cannot forge it.
type Message struct {
	To      string
	Subject string
	Text    string
	// HTML is optional; when set it is sent as an alternative to Text.
	HTML string
}

// Sender delivers messages. Implementations must be safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// parseRecipient rejects recipients that an SMTP server would refuse, so that
// the SMTP and outbox senders accept the same messages.
func parseRecipient(to string) (*netmail.Address, error) {
	addr, err := netmail.ParseAddress(to)
	if err != nil {
		return nil, fmt.Errorf("invalid recipient address: %w", err)
	}
	return addr, nil
}
