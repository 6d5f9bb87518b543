// Command tracewait reads a Go execution trace (the server's
// /debug/pprof/trace) and tells where the goroutines running a given
// function spent their time: running, ready to run but waiting for a
// thread, in system calls, or blocked, and on what. For the ready time it
// also tells which block came before: a goroutine woken from a lock often
// waits longer for a thread than it waited for the lock. Used to follow
// SQLite's single writer through a deadline surge (docs/performance.md):
//
//	curl -o surge.trace 'http://127.0.0.1:6060/debug/pprof/trace?seconds=4'
//	go run ./cmd/tracewait surge.trace 'committer).loop'
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	top := flag.Int("top", 12, "lines shown per list")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tracewait [-top N] TRACE FUNCTION\n\nFUNCTION is part of a function's name on the goroutines' stacks, e.g. 'committer).loop'.")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracewait:", err)
		os.Exit(1)
	}
	defer f.Close()
	rep, err := analyze(f, flag.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracewait:", err)
		os.Exit(1)
	}
	rep.print(os.Stdout, *top)
}

// report is where the matched goroutines' time went.
type report struct {
	span       time.Duration // the trace's length
	goroutines int           // matched
	total      time.Duration // the matched goroutines' time, every state
	// states: "Running", "Runnable", "Syscall", "Waiting: REASON @ FRAME".
	states map[string]time.Duration
	// readyAfter is the time ready to run, by the wait before it.
	readyAfter      map[string]time.Duration
	readyAfterCount map[string]int
	// blocks counts the blocks on a lock by their first frames; wakers
	// counts who ended them, by the waker's first frames outside the
	// SQLite library and database/sql (the code whose query released it).
	blocks, wakers map[string]int
}

type goroutine struct {
	matched bool
	since   trace.Time
	waiting string // the wait's description, while waiting
	before  string // the wait before the current ready time
}

// analyze reads a trace and follows the goroutines whose stack, at one of
// their own events, holds a function whose name contains match. Their
// time is counted from that event on.
func analyze(r io.Reader, match string) (*report, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return nil, err
	}
	rep := &report{states: map[string]time.Duration{}, readyAfter: map[string]time.Duration{},
		readyAfterCount: map[string]int{}, blocks: map[string]int{}, wakers: map[string]int{}}
	gs := map[trace.GoID]*goroutine{}
	var first, last trace.Time
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if first == 0 {
			first = ev.Time()
		}
		last = ev.Time()
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id := st.Resource.Goroutine()
		g := gs[id]
		if g == nil {
			g = &goroutine{}
			gs[id] = g
		}
		if !g.matched && (holds(st.Stack, match) || ev.Goroutine() == id && holds(ev.Stack(), match)) {
			g.matched = true
			rep.goroutines++
		}
		from, to := st.Goroutine()
		if g.matched && g.since != 0 {
			d := time.Duration(ev.Time() - g.since)
			rep.total += d
			switch from {
			case trace.GoWaiting:
				rep.states[g.waiting] += d
				g.before = g.waiting
				if to == trace.GoRunnable && lockWait(g.waiting) {
					rep.wakers[frames(ev.Stack(), 2, "modernc.org/", "database/sql.")]++
				}
			case trace.GoRunnable:
				before := g.before
				if before == "" {
					before = "(not blocked: preempted, new or after a system call)"
				}
				rep.readyAfter[before] += d
				rep.readyAfterCount[before]++
				g.before = ""
			default:
				rep.states[from.String()] += d
				if from == trace.GoSyscall {
					g.before = ""
				}
			}
		}
		g.since = ev.Time()
		if to == trace.GoWaiting {
			g.waiting = "Waiting: " + st.Reason + " @ " + frames(st.Stack, 1)
			if g.matched && lockWait(g.waiting) {
				rep.blocks[frames(st.Stack, 4)]++
			}
		}
	}
	rep.span = time.Duration(last - first)
	return rep, nil
}

// lockWait says whether a wait is on a lock (sync.Mutex and what is built
// on it, such as the C library's mutexes and allocator in modernc.org/libc).
func lockWait(waiting string) bool {
	return strings.HasPrefix(waiting, "Waiting: sync @")
}

// holds says whether a stack has a function whose name contains match.
func holds(s trace.Stack, match string) bool {
	if s == trace.NoStack {
		return false
	}
	for f := range s.Frames() {
		if strings.Contains(f.Func, match) {
			return true
		}
	}
	return false
}

// frames names the first n frames of a stack that are not the runtime's,
// the sync packages' or in the packages skipped, innermost first.
func frames(s trace.Stack, n int, skip ...string) string {
	if s == trace.NoStack {
		return "(no stack)"
	}
	skip = append(skip[:len(skip):len(skip)], "runtime.", "sync.", "internal/") // never the caller's array
	var out []string
	for f := range s.Frames() {
		if slices.ContainsFunc(skip, func(p string) bool { return strings.HasPrefix(f.Func, p) }) {
			continue
		}
		out = append(out, f.Func)
		if len(out) == n {
			break
		}
	}
	if len(out) == 0 {
		return "(runtime)"
	}
	return strings.Join(out, " < ")
}

func (r *report) print(w io.Writer, top int) {
	fmt.Fprintf(w, "trace of %v: %d goroutines matched, %v of their time\n", r.span.Round(time.Millisecond),
		r.goroutines, r.total.Round(time.Millisecond))
	pct := func(d time.Duration) float64 {
		if r.total == 0 {
			return 0
		}
		return 100 * float64(d) / float64(r.total)
	}
	ready := time.Duration(0)
	for _, d := range r.readyAfter {
		ready += d
	}
	states := maps2list(r.states)
	states = append(states, entry{"Runnable (ready, waiting for a thread)", ready})
	sortEntries(states)
	fmt.Fprintln(w, "\nstate:")
	for i, e := range states {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%6.1f %%  %12v  %s\n", pct(e.d), e.d.Round(time.Microsecond), e.k)
	}
	fmt.Fprintln(w, "\nready to run, after:")
	list := maps2list(r.readyAfter)
	sortEntries(list)
	for i, e := range list {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%6.1f %%  %12v  %6d times  %s\n", pct(e.d), e.d.Round(time.Microsecond), r.readyAfterCount[e.k], e.k)
	}
	for _, c := range []struct {
		title string
		m     map[string]int
	}{{"blocks on a lock, by where:", r.blocks}, {"blocks on a lock, ended by:", r.wakers}} {
		fmt.Fprintln(w, "\n"+c.title)
		type kn struct {
			k string
			n int
		}
		var l []kn
		for k, n := range c.m {
			l = append(l, kn{k, n})
		}
		slices.SortFunc(l, func(a, b kn) int { return b.n - a.n })
		for i, e := range l {
			if i == top {
				break
			}
			fmt.Fprintf(w, "%6d  %s\n", e.n, e.k)
		}
	}
}

type entry struct {
	k string
	d time.Duration
}

func maps2list(m map[string]time.Duration) []entry {
	var l []entry
	for k, d := range m {
		l = append(l, entry{k, d})
	}
	return l
}

func sortEntries(l []entry) {
	slices.SortFunc(l, func(a, b entry) int {
		if a.d != b.d {
			return int(b.d - a.d)
		}
		return strings.Compare(a.k, b.k)
	})
}
