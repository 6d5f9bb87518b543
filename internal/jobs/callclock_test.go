package jobs

import (
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/demo"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

// TestCallClock loads the demonstration calls, moves the clock half a year
// on, and checks that the tick run at start opens and closes every call the
// dates say, audited, leaving nothing due.
func TestCallClock(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := t.Context()
	loaded := time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC)
	db.Now = func() time.Time { return loaded }
	if err := demo.Load(ctx, db, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	later := loaded.AddDate(0, 6, 0)
	db.Now = func() time.Time { return later }
	due, err := db.CallsDueForTransition(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) == 0 {
		t.Fatal("got no call due half a year after loading; want some to open or close")
	}

	r := newTestRunner(t, db, Options{}, newProbeWorker(db))
	events := subscribe(t, r)
	start(t, r)
	waitCompleted(t, events, CallClockArgs{}.Kind(), 1)

	for _, d := range due {
		c, err := db.Call(ctx, d.CallID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != d.To {
			t.Errorf("call %d: got status %s; want %s", d.CallID, c.Status, d.To)
		}
	}
	if left, err := db.CallsDueForTransition(ctx, later); err != nil || len(left) != 0 {
		t.Errorf("after the tick: got %d calls due (err %v); want none", len(left), err)
	}
}
