package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/i18n"
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

// NewMail is the email whose subject and text are the catalogue keys
// key+".subject" and key+".body" in lang (French when lang is not one of
// the platform's). A subject is one line, whatever titles args bring.
func NewMail(cat i18n.Catalogues, lang, to, key string, args ...any) MailArgs {
	if !i18n.Valid(lang) {
		lang = i18n.Default
	}
	subject := strings.Join(strings.Fields(cat.T(lang, key+".subject", args...)), " ")
	return MailArgs{To: to, Subject: subject, Text: cat.T(lang, key+".body", args...)}
}

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

// MailBatchArgs is emails to several people in one job: the rest of a
// batch whose sending failed part way (a receipt's, ReceiptMailWorker),
// and the batches queued before receipts carried their contents once.
type MailBatchArgs struct {
	Messages []MailArgs `json:"messages"`
}

func (MailBatchArgs) Kind() string { return "mail_batch" }

func (MailBatchArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// MailBatchWorker sends MailBatchArgs in order. When one fails, the ones
// already sent are not sent again: the rest go into a new batch job (its
// first attempt, with the usual retries) and this one ends.
type MailBatchWorker struct {
	river.WorkerDefaults[MailBatchArgs]
	sender mail.Sender
	// requeue inserts the unsent rest; River's client by default.
	requeue func(ctx context.Context, rest MailBatchArgs) error
}

func (w *MailBatchWorker) Timeout(*river.Job[MailBatchArgs]) time.Duration { return 5 * time.Minute }

func (w *MailBatchWorker) Work(ctx context.Context, job *river.Job[MailBatchArgs]) error {
	return w.send(ctx, job.Args)
}

// send sends a batch's emails in order; when one fails after the first,
// the rest are requeued and send returns nil.
func (w *MailBatchWorker) send(ctx context.Context, batch MailBatchArgs) error {
	if w.sender == nil {
		return errNoSender
	}
	for i, a := range batch.Messages {
		err := w.sender.Send(ctx, mail.Message{To: a.To, Subject: a.Subject, Text: a.Text})
		if err == nil {
			continue
		}
		err = fmt.Errorf("jobs: mail to %s: %w", a.To, err)
		if i == 0 {
			return err // nothing sent: retried whole
		}
		rest := MailBatchArgs{Messages: batch.Messages[i:]}
		if qerr := w.requeueRest(ctx, rest); qerr != nil {
			return errors.Join(err, qerr) // retried whole: the first ones again, rather than none of the rest
		}
		return nil
	}
	return nil
}

func (w *MailBatchWorker) requeueRest(ctx context.Context, rest MailBatchArgs) error {
	if w.requeue != nil {
		return w.requeue(ctx, rest)
	}
	c, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return err
	}
	_, err = c.Insert(ctx, rest, nil)
	return err
}
