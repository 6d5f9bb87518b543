package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/mail"
)

// MailArgs is an email to send once the change that caused it commits: a
// submission's receipt, a partner's invitation, a message's notice. The
// text is written when the job is enqueued, in the recipient's language.
type MailArgs struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

func (MailArgs) Kind() string { return "mail" }

// InsertOpts: an SMTP server that is down for a few hours still gets the
// message; River backs off between attempts.
func (MailArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// MailWorker sends MailArgs.
type MailWorker struct {
	river.WorkerDefaults[MailArgs]
	sender mail.Sender
}

func (w *MailWorker) Timeout(*river.Job[MailArgs]) time.Duration { return time.Minute }

var errNoSender = errors.New("jobs: no mail sender configured")

func (w *MailWorker) Work(ctx context.Context, job *river.Job[MailArgs]) error {
	if w.sender == nil {
		return errNoSender
	}
	m := mail.Message{To: job.Args.To, Subject: job.Args.Subject, Text: job.Args.Text}
	if err := w.sender.Send(ctx, m); err != nil {
		return fmt.Errorf("jobs: mail to %s: %w", job.Args.To, err)
	}
	return nil
}
