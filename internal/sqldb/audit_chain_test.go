package sqldb

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// withoutAuditTriggers runs fn in a transaction where the triggers guarding
// audit_events do not fire, the way someone with direct access to the
// database could tamper with the trail.
func withoutAuditTriggers(t *testing.T, db *DB, fn func(tx *sql.Tx) error) {
	t.Helper()
	ctx := t.Context()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if db.Dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				return err
			}
			return fn(tx)
		}
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'`)
		if err != nil {
			return err
		}
		saved := map[string]string{}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				rows.Close()
				return err
			}
			saved[name] = def
		}
		rows.Close()
		for name := range saved {
			if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
				return err
			}
		}
		if err := fn(tx); err != nil {
			return err
		}
		for _, def := range saved {
			if _, err := tx.ExecContext(ctx, def); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("tampering: got error %v; want nil", err)
	}
}

// auditTrail appends n events and returns the trail in id order.
func auditTrail(t *testing.T, db *DB, n int) []auditRecord {
	t.Helper()
	for i := range n {
		if err := db.Audit(t.Context(), coopdec.Actor{UserID: int64(i % 3), IP: "192.0.2.1"}, coopdec.AuditLoginThrottled, fmt.Sprintf("s%d@example.org", i), fmt.Sprintf("failures:%d", i)); err != nil {
			t.Fatalf("Audit: got error %v; want nil", err)
		}
	}
	return readTrail(t, db)
}

func readTrail(t *testing.T, db *DB) []auditRecord {
	t.Helper()
	var all []auditRecord
	for after := int64(0); ; {
		batch, err := db.auditBatch(t.Context(), after)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, batch...)
		if len(batch) < auditBatch {
			return all
		}
		after = batch[len(batch)-1].ID
	}
}

func mustVerify(t *testing.T, db *DB) AuditVerification {
	t.Helper()
	v, err := db.VerifyAudit(t.Context(), nil)
	if err != nil {
		t.Fatalf("VerifyAudit: got error %v; want nil", err)
	}
	return v
}

func wantIntact(t *testing.T, db *DB, n int64) {
	t.Helper()
	if v := mustVerify(t, db); v != (AuditVerification{Intact: true, Checked: n}) {
		t.Fatalf("got %+v; want the chain intact with %d events", v, n)
	}
}

func TestAuditHashEncoding(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.UTC)
	base := auditRecord{ID: 7, At: at, ActorID: sql.NullInt64{Int64: 3, Valid: true}, Action: "role.grant", Subject: "ab", IP: "", Details: "x"}
	h := auditHash(base, AuditGenesis)
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("got hash %q; want 64 hex digits", h)
	}
	paris := base
	paris.At = at.In(time.FixedZone("CET", 3600)).Truncate(time.Microsecond)
	if got := auditHash(paris, AuditGenesis); got != h {
		t.Fatalf("got %s for the same instant in another zone; want %s", got, h)
	}
	for _, tc := range []struct {
		name   string
		change func(e *auditRecord)
		prev   string
	}{
		{"id", func(e *auditRecord) { e.ID = 8 }, AuditGenesis},
		{"instant", func(e *auditRecord) { e.At = e.At.Add(time.Microsecond) }, AuditGenesis},
		{"no actor", func(e *auditRecord) { e.ActorID = sql.NullInt64{} }, AuditGenesis},
		{"actor", func(e *auditRecord) { e.ActorID.Int64 = 4 }, AuditGenesis},
		{"action", func(e *auditRecord) { e.Action = "role.revoke" }, AuditGenesis},
		{"field boundary", func(e *auditRecord) { e.Subject, e.IP = "a", "b" }, AuditGenesis},
		{"details", func(e *auditRecord) { e.Details = "y" }, AuditGenesis},
		{"previous", func(e *auditRecord) {}, strings.Repeat("1", 64)},
	} {
		e := base
		tc.change(&e)
		if got := auditHash(e, tc.prev); got == h {
			t.Errorf("%s changed: got the same hash; want another", tc.name)
		}
	}
}

func TestAuditChainIntact(t *testing.T) {
	t.Parallel()
	db, clk := openClockDB(t)
	ctx := t.Context()
	wantIntact(t, db, 0)

	// Audited operations of several kinds, at instants with microseconds.
	clk.advance(1234567 * time.Nanosecond)
	admin := mustCreateUser(t, db, "admin@example.org", "Admin", coopdec.RoleAdmin)
	as := coopdec.Actor{UserID: admin.ID, IP: "192.0.2.1"}
	u := &coopdec.User{Email: "user@example.org", Name: "Usager « accentué »", PasswordHash: "h"}
	if err := db.CreateUser(ctx, u, as); err != nil {
		t.Fatal(err)
	}
	if err := db.GrantRole(ctx, u.ID, coopdec.RoleEvaluator, as); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeRole(ctx, u.ID, coopdec.RoleEvaluator, as); err != nil {
		t.Fatal(err)
	}
	// More than two batches, so that the walk crosses batch boundaries.
	trail := auditTrail(t, db, 2*auditBatch+5)
	if trail[0].PrevHash.String != AuditGenesis {
		t.Fatalf("got first prev_hash %q; want the genesis value", trail[0].PrevHash.String)
	}
	var calls [][2]int64
	v, err := db.VerifyAudit(ctx, func(checked, total int64) { calls = append(calls, [2]int64{checked, total}) })
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(trail))
	if v != (AuditVerification{Intact: true, Checked: n}) {
		t.Fatalf("got %+v; want the chain intact with %d events", v, n)
	}
	if len(calls) != 3 || calls[len(calls)-1] != [2]int64{n, n} {
		t.Fatalf("got progress %v; want three reports ending at %d of %d", calls, n, n)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Fatalf("got progress %v; want it growing", calls)
		}
	}
}

// TestAuditChainConcurrent appends from many goroutines at once: on
// PostgreSQL they race for the head of the chain.
func TestAuditChainConcurrent(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	const workers, each = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	start := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := range each {
				// Some events in a longer transaction that also writes.
				if i%2 == 0 {
					errs <- db.Audit(ctx, coopdec.Actor{IP: "198.51.100.1"}, coopdec.AuditLoginThrottled, fmt.Sprintf("w%d-%d", w, i), "")
					continue
				}
				u := &coopdec.User{Email: fmt.Sprintf("w%d-%d@example.org", w, i), Name: "Concurrent", PasswordHash: "h"}
				errs <- db.CreateUser(ctx, u, coopdec.Actor{IP: "198.51.100.2"})
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("got error %v; want nil", err)
		}
	}
	total := int64(count(t, db, `SELECT count(*) FROM audit_events`))
	if total < workers*each {
		t.Fatalf("got %d events; want at least %d", total, workers*each)
	}
	wantIntact(t, db, total)
}

func TestAuditChainTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error
		brokenI int // index in the original trail of the event reported; -1: the added one
		problem AuditProblem
		checked int64
	}{
		{
			name: "details altered",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				_, err := tx.ExecContext(t.Context(), `UPDATE audit_events SET details = 'failures:0' WHERE id = $1`, trail[2].ID)
				return err
			},
			brokenI: 2, problem: AuditAltered, checked: 2,
		},
		{
			name: "actor removed",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				_, err := tx.ExecContext(t.Context(), `UPDATE audit_events SET actor_id = NULL WHERE id = $1`, trail[4].ID)
				return err
			},
			brokenI: 4, problem: AuditAltered, checked: 4,
		},
		{
			name: "event deleted",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				_, err := tx.ExecContext(t.Context(), `DELETE FROM audit_events WHERE id = $1`, trail[2].ID)
				return err
			},
			brokenI: 3, problem: AuditUnlinked, checked: 2,
		},
		{
			name: "first event deleted",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				_, err := tx.ExecContext(t.Context(), `DELETE FROM audit_events WHERE id = $1`, trail[0].ID)
				return err
			},
			brokenI: 1, problem: AuditUnlinked, checked: 0,
		},
		{
			name: "events swapped",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				for _, pair := range [][2]auditRecord{{trail[3], trail[2]}, {trail[2], trail[3]}} {
					src, dst := pair[0], pair[1]
					if _, err := tx.ExecContext(t.Context(), `UPDATE audit_events SET at = $1, actor_id = $2, action = $3, subject = $4,
						ip = $5, details = $6, prev_hash = $7, hash = $8 WHERE id = $9`,
						src.At, src.ActorID, src.Action, src.Subject, src.IP, src.Details, src.PrevHash, src.Hash, dst.ID); err != nil {
						return err
					}
				}
				return nil
			},
			brokenI: 2, problem: AuditAltered, checked: 2,
		},
		{
			name: "event rewritten with its hash recomputed",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				e := trail[2]
				e.Details = "forged"
				_, err := tx.ExecContext(t.Context(), `UPDATE audit_events SET details = $1, hash = $2 WHERE id = $3`,
					e.Details, auditHash(e, e.PrevHash.String), e.ID)
				return err
			},
			brokenI: 3, problem: AuditUnlinked, checked: 3,
		},
		{
			name: "event inserted out of the chain",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				last := trail[len(trail)-1]
				e := auditRecord{ID: last.ID + 10, At: last.At, Action: coopdec.AuditLoginThrottled, Subject: "forged", IP: "203.0.113.66"}
				prev := trail[1].Hash.String // as if written right after the second event
				_, err := tx.ExecContext(t.Context(), db.auditInsert(), e.ID, e.At, e.ActorID, e.Action, e.Subject, e.IP, e.Details, prev, auditHash(e, prev))
				return err
			},
			brokenI: -1, problem: AuditUnlinked, checked: 6,
		},
		{
			name: "event replaced by a forged one chained to its predecessor",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				if _, err := tx.ExecContext(t.Context(), `DELETE FROM audit_events WHERE id = $1`, trail[3].ID); err != nil {
					return err
				}
				e := trail[3]
				e.Details = "forged"
				prev := trail[2].Hash.String
				_, err := tx.ExecContext(t.Context(), db.auditInsert(), e.ID, e.At, e.ActorID, e.Action, e.Subject, e.IP, e.Details, prev, auditHash(e, prev))
				return err
			},
			brokenI: 4, problem: AuditUnlinked, checked: 4,
		},
		{
			name: "event added without a hash",
			tamper: func(t *testing.T, tx *sql.Tx, db *DB, trail []auditRecord) error {
				last := trail[len(trail)-1]
				_, err := tx.ExecContext(t.Context(), db.auditInsert(), last.ID+1, last.At, nil, "login.throttled", "x", "", "", nil, nil)
				return err
			},
			brokenI: -1, problem: AuditUnchained, checked: 6,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openTestDB(t)
			trail := auditTrail(t, db, 6)
			wantIntact(t, db, 6)
			withoutAuditTriggers(t, db, func(tx *sql.Tx) error { return tc.tamper(t, tx, db, trail) })
			want := AuditVerification{Checked: tc.checked, Problem: tc.problem}
			if tc.brokenI >= 0 {
				want.BrokenAt = trail[tc.brokenI].ID
			} else {
				after := readTrail(t, db)
				want.BrokenAt = after[len(after)-1].ID
			}
			if got := mustVerify(t, db); got != want {
				t.Fatalf("got %+v; want %+v", got, want)
			}
			// Appending goes on; the break stays reported.
			if err := db.Audit(t.Context(), coopdec.Actor{}, coopdec.AuditLoginThrottled, "after", ""); err != nil {
				t.Fatalf("Audit after tampering: got error %v; want nil", err)
			}
			if got := mustVerify(t, db); got != want {
				t.Fatalf("after another event: got %+v; want %+v", got, want)
			}
		})
	}
}

func TestAuditChainRefusesChanges(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	trail := auditTrail(t, db, 3)
	id := trail[1].ID
	stmts := []string{
		`UPDATE audit_events SET hash = '` + strings.Repeat("a", 64) + `' WHERE id = ` + fmt.Sprint(id),
		`UPDATE audit_events SET prev_hash = NULL, hash = NULL WHERE id = ` + fmt.Sprint(id),
		`UPDATE audit_events SET details = 'x'`,
		`DELETE FROM audit_events WHERE id = ` + fmt.Sprint(id),
		`DELETE FROM audit_events`,
		`INSERT INTO audit_events (at, action) VALUES (CURRENT_TIMESTAMP, 'login.throttled')`,
	}
	if db.Dialect == Postgres {
		stmts = append(stmts, `TRUNCATE audit_events`)
	}
	for _, q := range stmts {
		err := db.tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, q); return err })
		if err == nil || !strings.Contains(err.Error(), "audit_events") {
			t.Errorf("%s: got error %v; want it refused by the trail's triggers", q, err)
		}
	}
	if got := readTrail(t, db); fmt.Sprint(got) != fmt.Sprint(trail) {
		t.Fatalf("got trail %+v; want it unchanged %+v", got, trail)
	}
	wantIntact(t, db, 3)
}

// TestAuditChainBackfill starts from events written before the chain
// existed: they are chained in id order, by the next append or by the
// verification, and only their hashes may be set.
func TestAuditChainBackfill(t *testing.T) {
	t.Parallel()
	unchain := func(t *testing.T, db *DB) {
		withoutAuditTriggers(t, db, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(t.Context(), `UPDATE audit_events SET prev_hash = NULL, hash = NULL`); err != nil {
				return err
			}
			_, err := tx.ExecContext(t.Context(), `UPDATE audit_chain_backfill SET up_to = (SELECT max(id) FROM audit_events)`)
			return err
		})
	}
	t.Run("by the verification", func(t *testing.T) {
		t.Parallel()
		db := openTestDB(t)
		before := auditTrail(t, db, auditBatch+3)
		unchain(t, db)
		wantIntact(t, db, int64(len(before)))
		if got := readTrail(t, db); fmt.Sprint(got) != fmt.Sprint(before) {
			t.Fatalf("got the trail chained differently; want the same hashes as when appended")
		}
	})
	t.Run("by the next event", func(t *testing.T) {
		t.Parallel()
		db := openTestDB(t)
		auditTrail(t, db, 5)
		unchain(t, db)
		if err := db.Audit(t.Context(), coopdec.Actor{}, coopdec.AuditLoginThrottled, "next", ""); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_events WHERE hash IS NULL`); n != 0 {
			t.Fatalf("got %d unchained events; want 0", n)
		}
		wantIntact(t, db, 6)
	})
	t.Run("only the hashes may be set", func(t *testing.T) {
		t.Parallel()
		db := openTestDB(t)
		trail := auditTrail(t, db, 2)
		unchain(t, db)
		ctx := t.Context()
		id := fmt.Sprint(trail[0].ID)
		err := db.tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE audit_events SET prev_hash = 'p', hash = 'h', details = 'x' WHERE id = `+id)
			return err
		})
		if err == nil {
			t.Fatal("setting the hashes and changing details: got no error; want it refused")
		}
		n, err := db.ChainAudit(ctx)
		if err != nil || n != 2 {
			t.Fatalf("ChainAudit: got %d, %v; want 2, nil", n, err)
		}
		if n, err := db.ChainAudit(ctx); err != nil || n != 0 {
			t.Fatalf("ChainAudit again: got %d, %v; want 0, nil", n, err)
		}
		wantIntact(t, db, 2)
	})
}
