package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

func batchOf(to ...string) MailBatchArgs {
	var b MailBatchArgs
	for _, x := range to {
		b.Messages = append(b.Messages, MailArgs{To: x, Subject: "Récépissé", Text: "Texte pour " + x})
	}
	return b
}

// failOn fails the sends to one address.
type failOn struct {
	mail.Recorder
	bad string
}

func (f *failOn) Send(ctx context.Context, m mail.Message) error {
	if m.To == f.bad {
		return errors.New("refused")
	}
	return f.Recorder.Send(ctx, m)
}

func sentTo(r *mail.Recorder) []string {
	var out []string
	for _, m := range r.Messages() {
		out = append(out, m.To)
	}
	return out
}

// A failure sends nothing twice: before any send the job is retried whole;
// after some, the rest goes into a new batch and this one ends.
func TestMailBatchWorkerFailures(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		bad       string
		sent      []string
		requeued  []string
		wantError bool
	}{
		{"", []string{"a@example.org", "b@example.org", "c@example.org"}, nil, false},
		{"a@example.org", nil, nil, true},
		{"b@example.org", []string{"a@example.org"}, []string{"b@example.org", "c@example.org"}, false},
	} {
		t.Run(fmt.Sprint("failing ", tc.bad), func(t *testing.T) {
			s := &failOn{bad: tc.bad}
			var requeued []string
			w := &MailBatchWorker{sender: s, requeue: func(_ context.Context, rest MailBatchArgs) error {
				for _, m := range rest.Messages {
					requeued = append(requeued, m.To)
				}
				return nil
			}}
			err := w.Work(ctx, &river.Job[MailBatchArgs]{Args: batchOf("a@example.org", "b@example.org", "c@example.org")})
			if (err != nil) != tc.wantError {
				t.Fatalf("Work: %v; want error %v", err, tc.wantError)
			}
			if got := sentTo(&s.Recorder); !slices.Equal(got, tc.sent) {
				t.Errorf("sent to %v; want %v", got, tc.sent)
			}
			if !slices.Equal(requeued, tc.requeued) {
				t.Errorf("requeued %v; want %v", requeued, tc.requeued)
			}
		})
	}
}

// Through the queue: one job inserted with the change, every email sent.
func TestMailBatchRuns(t *testing.T) {
	db := sqldbtest.Open(t)
	rec := &mail.Recorder{}
	r := newTestRunner(t, db, Options{Mail: rec}, newProbeWorker(db))
	events := subscribe(t, r)
	start(t, r)
	b := batchOf("a@example.org", "b@example.org")
	if err := db.TxWithJobs(t.Context(), r, func(_ *sql.Tx, enqueue func(...sqldb.Job) error) error {
		return enqueue(sqldb.Job{Args: b})
	}); err != nil {
		t.Fatal(err)
	}
	waitCompleted(t, events, b.Kind(), 1)
	if got := sentTo(rec); !slices.Equal(got, []string{"a@example.org", "b@example.org"}) {
		t.Fatalf("sent to %v", got)
	}
}
