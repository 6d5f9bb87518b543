package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// LabelExpiryArgs asks for the daily run of the label clock: reminders 90
// and 30 days before a label expires, and expired labels marked so.
type LabelExpiryArgs struct{}

func (LabelExpiryArgs) Kind() string { return "label_expiry" }

// InsertOpts: a failed run is retried within the day; a reminder recorded
// is not sent again.
func (LabelExpiryArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// labelExpiryHour is when the label clock runs, Paris time.
const labelExpiryHour = 6

// LabelExpiryWorker runs sqldb.DB.RunLabelClock, emailing the reminders to
// the authority's members in their language.
type LabelExpiryWorker struct {
	river.WorkerDefaults[LabelExpiryArgs]
	db      *sqldb.DB
	logger  *slog.Logger
	baseURL string
	enqueue sqldb.Enqueuer

	once sync.Once
	cat  i18n.Catalogues
	err  error
}

func newLabelExpiryWorker(db *sqldb.DB, logger *slog.Logger, opts Options, r *Runner) *LabelExpiryWorker {
	return &LabelExpiryWorker{db: db, logger: logger, baseURL: strings.TrimRight(opts.BaseURL, "/"), enqueue: r}
}

func (w *LabelExpiryWorker) Timeout(*river.Job[LabelExpiryArgs]) time.Duration {
	return 10 * time.Minute
}

func (w *LabelExpiryWorker) Work(ctx context.Context, job *river.Job[LabelExpiryArgs]) error {
	w.once.Do(func() { w.cat, w.err = i18n.Load() })
	if w.err != nil {
		return fmt.Errorf("jobs: label expiry: %w", w.err)
	}
	rep, err := w.db.RunLabelClock(ctx, w.enqueue, w.reminders)
	if err != nil {
		return fmt.Errorf("jobs: label expiry: %w", err)
	}
	if rep.Reminded+rep.Expired > 0 {
		w.logger.InfoContext(ctx, "label clock", "reminded", rep.Reminded, "expired", rep.Expired)
	}
	return river.RecordOutput(ctx, rep)
}

// reminders are one email per member of the label's authority.
func (w *LabelExpiryWorker) reminders(r *sqldb.LabelRecord, days int, team []sqldb.DraftHolder) []sqldb.Job {
	out := make([]sqldb.Job, 0, len(team))
	link := w.baseURL + "/labels"
	for _, m := range team {
		lang := m.Language
		if !coopdec.ValidLanguage(lang) {
			lang = "fr"
		}
		expires := r.ExpiresAt.In(paris).Format("02/01/2006")
		out = append(out, sqldb.Job{Args: MailArgs{To: m.Email,
			Subject: w.cat.T(lang, "mail.label.reminder.subject", r.Number, expires),
			Text:    w.cat.T(lang, "mail.label.reminder.body", r.OrganisationName, r.Number, expires, days, link)}})
	}
	return out
}
