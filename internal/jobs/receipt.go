package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/i18n"
)

// ReceiptMailArgs is a submission's receipt for the lead authority's
// members. The submission enqueues only its application (ApplicationID):
// its transaction, which at the deadline holds SQLite's single writer,
// then inserts a row of a few bytes, and the worker reads the rest (the
// submitted version, the receipt, the call, the members) through the
// composer the web server gives the runner (Runner.SetReceiptComposer),
// outside the writer. The members are those of the lead authority when
// the job runs, a moment after the submission. The other fields are what
// the emails say, written in each reader's language by Messages; a job
// enqueued with them (as before the composer) is sent as it is.
type ReceiptMailArgs struct {
	ApplicationID int64             `json:"application_id,omitempty"`
	To            []Recipient       `json:"to,omitempty"`
	Titles        map[string]string `json:"titles,omitempty"`      // the application's title, by reader's language
	CallTitles    map[string]string `json:"call_titles,omitempty"` // the call's, likewise
	Number        string            `json:"number,omitempty"`
	SubmittedAt   time.Time         `json:"submitted_at,omitzero"`
	ContentSHA256 string            `json:"sha256,omitempty"`
	Files         []string          `json:"files,omitempty"` // "name: sha256", as the receipt's check reads them
	Page          string            `json:"page,omitempty"`  // the receipt's page
	Check         string            `json:"check,omitempty"` // the receipt's check, filled in
}

// Recipient is a reader of an email and the language it is written in.
type Recipient struct {
	Email    string `json:"email"`
	Language string `json:"lang"`
}

func (ReceiptMailArgs) Kind() string { return "receipt_mails" }

func (ReceiptMailArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// Receipt's times: to the second in Paris, and in universal time as the
// receipt's page has it.
const (
	receiptParis = "02/01/2006 15:04:05"
	receiptUTC   = "2006-01-02 15:04:05 UTC"
)

// Messages writes the receipt's emails, one per recipient in their
// language (French when it is not one of the platform's).
func (a ReceiptMailArgs) Messages(cat i18n.Catalogues) []MailArgs {
	out := make([]MailArgs, 0, len(a.To))
	for _, r := range a.To {
		lang := r.Language
		if !i18n.Valid(lang) {
			lang = i18n.Default
		}
		files := cat.T(lang, "mail.application.no_files")
		if len(a.Files) > 0 {
			files = strings.Join(a.Files, "\n")
		}
		out = append(out, NewMail(cat, lang, r.Email, "mail.application.receipt", a.Titles[lang], a.CallTitles[lang], a.Number,
			a.SubmittedAt.In(paris).Format(receiptParis), a.SubmittedAt.UTC().Format(receiptUTC), a.ContentSHA256, files, a.Page, a.Check))
	}
	return out
}

// catalogues are the texts the jobs write emails with, loaded once.
var catalogues = sync.OnceValues(i18n.Load)

// ReceiptComposer reads what a submitted application's receipt emails
// say; an application nobody is to be told of gives args without
// recipients.
type ReceiptComposer func(ctx context.Context, applicationID int64) (ReceiptMailArgs, error)

// errNoReceiptComposer fails a receipt job on a runner that cannot read
// the application's receipt (a command-line tool's): River runs it again
// later, on a server that can.
var errNoReceiptComposer = errors.New("jobs: receipt: no composer: the web server sets it (Runner.SetReceiptComposer)")

// ReceiptMailWorker writes a receipt's emails and sends them as a batch
// does: when one fails, the rest go into a batch job of their own.
type ReceiptMailWorker struct {
	river.WorkerDefaults[ReceiptMailArgs]
	batch   *MailBatchWorker
	compose atomic.Pointer[ReceiptComposer]
}

// SetReceiptComposer lets the runner's receipt jobs read their
// application's receipt (see ReceiptMailArgs).
func (r *Runner) SetReceiptComposer(c ReceiptComposer) {
	r.receipts.compose.Store(&c)
}

func (w *ReceiptMailWorker) Timeout(*river.Job[ReceiptMailArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *ReceiptMailWorker) Work(ctx context.Context, job *river.Job[ReceiptMailArgs]) error {
	cat, err := catalogues()
	if err != nil {
		return fmt.Errorf("jobs: receipt: %w", err)
	}
	args := job.Args
	if len(args.To) == 0 && args.ApplicationID != 0 {
		compose := w.compose.Load()
		if compose == nil {
			return errNoReceiptComposer
		}
		if args, err = (*compose)(ctx, args.ApplicationID); err != nil {
			return fmt.Errorf("jobs: receipt of application %d: %w", job.Args.ApplicationID, err)
		}
	}
	if len(args.To) == 0 {
		return nil
	}
	return w.batch.send(ctx, MailBatchArgs{Messages: args.Messages(cat)})
}
