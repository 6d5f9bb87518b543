package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// CallClockArgs asks for calls to be opened and closed as their dates say.
type CallClockArgs struct{}

func (CallClockArgs) Kind() string { return "call_clock" }

// InsertOpts: the next tick comes soon, so a failed one is not retried long.
func (CallClockArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 2} }

// CallClockWorker stores the status the clock gives each call: published
// calls open at their opening date, open calls close at their deadline.
// Pages, the API and submissions already read the status through
// coopdec.CallStatusAt, so a tick that comes a little late changes nothing
// anyone sees or may do; this keeps the stored status, the audit trail and
// later notifications in step.
type CallClockWorker struct {
	river.WorkerDefaults[CallClockArgs]
	db     *sqldb.DB
	logger *slog.Logger
}

func (w *CallClockWorker) Timeout(*river.Job[CallClockArgs]) time.Duration { return time.Minute }

func (w *CallClockWorker) Work(ctx context.Context, job *river.Job[CallClockArgs]) error {
	due, err := w.db.CallsDueForTransition(ctx, w.db.Now())
	if err != nil {
		return fmt.Errorf("jobs: call clock: %w", err)
	}
	moved := 0
	for _, t := range due {
		err := w.db.AdvanceCallStatus(ctx, t.CallID, t.From, t.To, coopdec.Actor{IP: "clock"})
		switch coopdec.ErrorCode(err) {
		case "":
			moved++
			w.logger.InfoContext(ctx, "call status changed by the clock", "call", t.CallID, "from", t.From, "to", t.To)
		case coopdec.ECONFLICT, coopdec.ENOTFOUND:
			// Someone changed or removed the call meanwhile; the next tick sees it afresh.
		default:
			return fmt.Errorf("jobs: call clock: call %d: %w", t.CallID, err)
		}
	}
	return river.RecordOutput(ctx, map[string]int{"due": len(due), "moved": moved})
}
