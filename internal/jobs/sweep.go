package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/sqldb"
)

// SweepArgs asks for expired sessions, old login attempts and spent links to
// be deleted (see sqldb.DB.Sweep).
type SweepArgs struct{}

func (SweepArgs) Kind() string { return "sweep" }

// InsertOpts: a failed sweep is retried a few times only, since the next
// periodic one comes soon anyway.
func (SweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// SweepWorker runs the sweep.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	db     *sqldb.DB
	logger *slog.Logger
}

// Timeout: the first sweep of a long-unswept database may take a while.
func (w *SweepWorker) Timeout(*river.Job[SweepArgs]) time.Duration { return 5 * time.Minute }

func (w *SweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	rep, err := w.db.Sweep(ctx)
	if err != nil {
		return fmt.Errorf("jobs: sweep: %w", err)
	}
	if rep != (sqldb.SweepReport{}) {
		w.logger.InfoContext(ctx, "swept expired data", "sessions", rep.Sessions, "login_attempts", rep.LoginAttempts,
			"password_resets", rep.PasswordResets, "invitations", rep.Invitations)
	}
	// Kept with the job, for whoever inspects the queue.
	return river.RecordOutput(ctx, rep)
}
