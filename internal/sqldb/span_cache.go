package sqldb

import (
	"sync"
	"time"
)

// spanCache keeps one value built from the public data at a version, valid
// over a span of time: from the instant it was read to the first expiry
// among what it holds (zero: nothing expires). A change by any server
// process raises the version (public_version), which every caller reads,
// so several processes on one PostgreSQL stay right; time passing the
// span's end, or a clock set back, makes the value stale too. A stale
// value is rebuilt by one caller while the others wait for it: the
// requests that find it stale at once (a call closed by the clock raises
// the version) do not each rebuild it.
type spanCache[T any] struct {
	build sync.Mutex // held while the value is rebuilt

	mu          sync.Mutex
	version     int64
	from, until time.Time
	value       T
	valid       bool
}

func (c *spanCache[T]) get(version int64, now time.Time) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.version != version || now.Before(c.from) || (!c.until.IsZero() && !now.Before(c.until)) {
		var zero T
		return zero, false
	}
	return c.value, true
}

// at returns the value kept for version at now, or the one build returns
// with the end of its span, then kept.
func (c *spanCache[T]) at(version int64, now time.Time, build func() (T, time.Time, error)) (T, error) {
	if v, ok := c.get(version, now); ok {
		return v, nil
	}
	c.build.Lock()
	defer c.build.Unlock()
	if v, ok := c.get(version, now); ok {
		return v, nil // built meanwhile
	}
	v, until, err := build()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version, c.from, c.until, c.value, c.valid = version, now, until, v, true
	return v, nil
}
