package main

import (
	"bytes"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitOn blocks on a lock the test holds, then on a channel, then works a
// little: its goroutine's time must show both waits. It tells the test
// when it is about to wait, so that each wait lasts the test's sleep
// however late the goroutine runs.
func waitOn(mu *sync.Mutex, waiting chan<- struct{}, ch <-chan struct{}, done chan<- struct{}) {
	waiting <- struct{}{}
	mu.Lock()
	//lint:ignore SA2001 the wait for the lock is what is measured
	mu.Unlock()
	waiting <- struct{}{}
	<-ch
	t := time.Now()
	for time.Since(t) < 2*time.Millisecond {
	}
	close(done)
}

// releaseLock is the waker the report must name.
func releaseLock(mu *sync.Mutex) { mu.Unlock() }

func TestAnalyze(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing unavailable: %v", err)
	}
	var mu sync.Mutex
	mu.Lock()
	waiting, ch, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go waitOn(&mu, waiting, ch, done)
	<-waiting
	time.Sleep(30 * time.Millisecond)
	releaseLock(&mu)
	<-waiting
	time.Sleep(30 * time.Millisecond)
	close(ch)
	<-done
	trace.Stop()

	rep, err := analyze(&buf, "tracewait.waitOn")
	if err != nil {
		t.Fatal(err)
	}
	if rep.goroutines != 1 {
		t.Fatalf("%d goroutines matched, want 1", rep.goroutines)
	}
	var lock, channel time.Duration
	for k, d := range rep.states {
		switch {
		case strings.HasPrefix(k, "Waiting: sync @") && strings.Contains(k, "waitOn"):
			lock += d
		case strings.HasPrefix(k, "Waiting: chan receive @") && strings.Contains(k, "waitOn"):
			channel += d
		}
	}
	if lock < 20*time.Millisecond || channel < 20*time.Millisecond {
		t.Errorf("waits on the lock %v and on the channel %v, want 30 ms each: %v", lock, channel, rep.states)
	}
	if rep.states["Running"] < time.Millisecond {
		t.Errorf("running %v, want 2 ms at least", rep.states["Running"])
	}
	found := false
	for k := range rep.readyAfter {
		found = found || strings.HasPrefix(k, "Waiting: sync @")
	}
	if !found {
		t.Errorf("no ready time after the lock: %v", rep.readyAfter)
	}
	woken := false
	for k, n := range rep.wakers {
		woken = woken || n == 1 && strings.Contains(k, "releaseLock")
	}
	if !woken {
		t.Errorf("waker not named: %v", rep.wakers)
	}
	if total := sum(rep.states) + sum(rep.readyAfter); total != rep.total {
		t.Errorf("states add up to %v, total %v", total, rep.total)
	}
	var out bytes.Buffer
	rep.print(&out, 5)
	if !strings.Contains(out.String(), "1 goroutines matched") {
		t.Errorf("report:\n%s", out.String())
	}
}

func sum(m map[string]time.Duration) time.Duration {
	var s time.Duration
	for _, d := range m {
		s += d
	}
	return s
}
