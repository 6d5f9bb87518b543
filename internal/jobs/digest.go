package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// DigestOptions let the daily digest of saved searches reach people; without
// Mail, BaseURL and Filter the digest is not scheduled.
type DigestOptions struct {
	Mail mail.Sender
	// BaseURL is the platform's public URL, for the links in the emails.
	BaseURL string
	// Filter reads a saved search's query string the way the call search
	// does (web.SavedSearchFilter), so that the digest finds what the
	// /appels page would.
	Filter func(query string) (sqldb.CallFilter, error)
	// Catalogues hold the emails' texts; nil loads the embedded ones.
	Catalogues i18n.Catalogues
}

func (o DigestOptions) enabled() bool { return o.Mail != nil && o.BaseURL != "" && o.Filter != nil }

const (
	// The digest goes out every morning, Paris time.
	digestHour = 7
	// digestMaxCalls bounds the calls one search lists in an email; the
	// rest are one click away.
	digestMaxCalls = 50
)

// paris is the zone of the digest's schedule and of the dates it shows.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is embedded by the main package
	}
	return loc
}()

// dailyAt is a river.PeriodicSchedule firing every day at a wall-clock hour
// of a zone, summer time or not.
type dailyAt struct {
	hour int
	loc  *time.Location
}

func (d dailyAt) Next(current time.Time) time.Time {
	t := current.In(d.loc)
	next := time.Date(t.Year(), t.Month(), t.Day(), d.hour, 0, 0, 0, d.loc)
	if !next.After(t) {
		next = time.Date(t.Year(), t.Month(), t.Day()+1, d.hour, 0, 0, 0, d.loc)
	}
	return next
}

// DigestArgs asks for the daily digest of saved searches.
type DigestArgs struct{}

func (DigestArgs) Kind() string { return "saved_search_digest" }

// InsertOpts: a failed run is retried within the morning; what was sent is
// not sent again.
func (DigestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// DigestReport counts what a digest run did.
type DigestReport struct {
	Due    int `json:"due"`    // searches due
	Emails int `json:"emails"` // emails sent, one per person at most
	Calls  int `json:"calls"`  // calls listed, over every email
}

// DigestWorker emails each person with saved searches the calls published
// since their last digest that match them: one email per person, a section
// per search with its one-click unsubscribe link. Nothing new, no email.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	db     *sqldb.DB
	logger *slog.Logger
	opts   DigestOptions
	cat    i18n.Catalogues
}

func newDigestWorker(db *sqldb.DB, logger *slog.Logger, opts DigestOptions) (*DigestWorker, error) {
	w := &DigestWorker{db: db, logger: logger, opts: opts, cat: opts.Catalogues}
	w.opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if w.cat == nil && opts.enabled() {
		var err error
		if w.cat, err = i18n.Load(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *DigestWorker) Timeout(*river.Job[DigestArgs]) time.Duration { return 10 * time.Minute }

func (w *DigestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	if !w.opts.enabled() {
		return river.JobCancel(errors.New("jobs: digest: no mail sender configured"))
	}
	rep, err := w.run(ctx)
	if err != nil {
		return err
	}
	return river.RecordOutput(ctx, rep)
}

// digestSection is one saved search in an email, with its new calls.
type digestSection struct {
	search sqldb.DigestSearch
	calls  []coopdec.Call
	more   bool // more calls than the email lists
}

// run sends the digests due now. One person's failure does not stop the
// others'; it is reported at the end, and a retry sends only what was not
// sent.
func (w *DigestWorker) run(ctx context.Context) (DigestReport, error) {
	var rep DigestReport
	now := w.db.Now().UTC().Truncate(time.Microsecond)
	due, err := w.db.SavedSearchesDue(ctx, now)
	if err != nil {
		return rep, fmt.Errorf("jobs: digest: %w", err)
	}
	rep.Due = len(due)
	var errs []error
	for len(due) > 0 {
		n := 1 // due is ordered by owner
		for n < len(due) && due[n].UserID == due[0].UserID {
			n++
		}
		calls, err := w.digestUser(ctx, due[:n], now)
		if err != nil {
			errs = append(errs, fmt.Errorf("jobs: digest for user %d: %w", due[0].UserID, err))
		} else if calls > 0 {
			rep.Emails++
			rep.Calls += calls
		}
		due = due[n:]
	}
	if len(errs) > 0 {
		w.logger.WarnContext(ctx, "saved-search digest incomplete", "emails", rep.Emails, "failed", len(errs))
	} else if rep.Emails > 0 {
		w.logger.InfoContext(ctx, "saved-search digests sent", "emails", rep.Emails, "calls", rep.Calls)
	}
	return rep, errors.Join(errs...)
}

// digestUser sends one person's digest and returns how many calls it lists.
func (w *DigestWorker) digestUser(ctx context.Context, searches []sqldb.DigestSearch, now time.Time) (int, error) {
	var sections []digestSection
	var ids []int64
	previous := map[int64]*time.Time{}
	for _, s := range searches {
		sec, err := w.newCalls(ctx, s, now)
		if err != nil {
			return 0, err
		}
		if len(sec.calls) == 0 {
			continue
		}
		sections = append(sections, sec)
		ids = append(ids, s.ID)
		previous[s.ID] = s.LastSentAt
	}
	if len(sections) == 0 {
		return 0, nil
	}
	// Claimed before sending, so that a second run never sends it again;
	// released if the email fails, so that the next run does.
	tokens, err := w.db.ClaimDigest(ctx, ids, now)
	if err != nil {
		return 0, err
	}
	kept := sections[:0]
	for _, sec := range sections {
		if tokens[sec.search.ID] != "" {
			kept = append(kept, sec)
		} else {
			delete(previous, sec.search.ID)
		}
	}
	if len(kept) == 0 {
		return 0, nil
	}
	m, n := w.message(kept, tokens)
	if err := w.opts.Mail.Send(ctx, m); err != nil {
		if rerr := w.db.ReleaseDigest(context.WithoutCancel(ctx), previous); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return 0, err
	}
	return n, nil
}

// newCalls returns the public calls matching s that became public after its
// last digest (or its creation) and at or before now, newest first: by
// public_at, so that a call published late under an earlier date is new
// too.
func (w *DigestWorker) newCalls(ctx context.Context, s sqldb.DigestSearch, now time.Time) (digestSection, error) {
	sec := digestSection{search: s}
	f, err := w.opts.Filter(s.Query)
	if err != nil {
		// A search saved under older rules; its owner sees why on /recherches.
		w.logger.WarnContext(ctx, "saved search no longer valid", "saved_search", s.ID, "err", err)
		return sec, nil
	}
	f.IncludeDraftsFor = nil // what the public sees, whoever saved it
	f.Sort = sqldb.SortPublished
	// Public after this run began: the next run's.
	f.PublicAfter, f.PublicUntil = s.Since(), now
	calls, p, err := w.db.SearchCalls(ctx, f, coopdec.NewPage(1, digestMaxCalls))
	if err != nil {
		return sec, err
	}
	sec.calls, sec.more = calls, p.Total > len(calls)
	return sec, nil
}

// message writes the email in its reader's language, French by default.
func (w *DigestWorker) message(sections []digestSection, tokens map[int64]string) (mail.Message, int) {
	lang := sections[0].search.Language
	if !i18n.Valid(lang) {
		lang = i18n.Default
	}
	t := func(key string, args ...any) string { return w.cat.T(lang, key, args...) }
	var b strings.Builder
	n := 0
	b.WriteString(t("saved.digest.intro"))
	b.WriteString("\n")
	for _, sec := range sections {
		b.WriteString("\n")
		b.WriteString(t("saved.digest.search", sec.search.Name))
		b.WriteString("\n\n")
		for _, c := range sec.calls {
			deadline := t("saved.digest.no_deadline")
			if !c.Deadline.IsZero() {
				deadline = c.Deadline.In(paris).Format("02/01/2006 15:04")
			}
			b.WriteString(t("saved.digest.call", callTitle(&c, lang), deadline, w.link(fmt.Sprintf("/appels/%d", c.ID))))
			b.WriteString("\n")
			n++
		}
		if sec.more {
			b.WriteString(t("saved.digest.more", digestMaxCalls, w.link("/appels?"+sec.search.Query)))
			b.WriteString("\n")
		}
		b.WriteString(t("saved.digest.unsubscribe", w.link("/recherches/desinscription/"+url.PathEscape(tokens[sec.search.ID]))))
		b.WriteString("\n")
	}
	b.WriteString("\n")
	b.WriteString(t("saved.digest.manage", w.link("/recherches")))
	b.WriteString("\n")
	return mail.Message{To: sections[0].search.Email, Subject: t("saved.digest.subject", n), Text: b.String()}, n
}

func (w *DigestWorker) link(path string) string { return w.opts.BaseURL + path }

// callTitle is the call's title in lang, or in French when it has none.
func callTitle(c *coopdec.Call, lang string) string {
	t, _ := c.Text(lang)
	return t.Title
}
