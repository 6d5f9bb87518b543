package jobs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/i18n"
)

// ReceiptMailArgs is a submission's receipt for the lead authority's
// members: what the emails say, not the emails, which are written in each
// reader's language when the job runs. The submission's transaction, which
// at the deadline holds SQLite's single writer, then inserts a row of
// about a kilobyte rather than the emails' tens (every member's copy
// repeats the hashes and the links).
type ReceiptMailArgs struct {
	To            []Recipient       `json:"to"`
	Titles        map[string]string `json:"titles"`      // the application's title, by reader's language
	CallTitles    map[string]string `json:"call_titles"` // the call's, likewise
	Number        string            `json:"number"`
	SubmittedAt   time.Time         `json:"submitted_at"`
	ContentSHA256 string            `json:"sha256"`
	Files         []string          `json:"files,omitempty"` // "name: sha256", as the receipt's check reads them
	Page          string            `json:"page"`            // the receipt's page
	Check         string            `json:"check"`           // the receipt's check, filled in
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

// ReceiptMailWorker writes a receipt's emails and sends them as a batch
// does: when one fails, the rest go into a batch job of their own.
type ReceiptMailWorker struct {
	river.WorkerDefaults[ReceiptMailArgs]
	batch *MailBatchWorker
}

func (w *ReceiptMailWorker) Timeout(*river.Job[ReceiptMailArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *ReceiptMailWorker) Work(ctx context.Context, job *river.Job[ReceiptMailArgs]) error {
	cat, err := catalogues()
	if err != nil {
		return fmt.Errorf("jobs: receipt: %w", err)
	}
	return w.batch.send(ctx, MailBatchArgs{Messages: job.Args.Messages(cat)})
}
