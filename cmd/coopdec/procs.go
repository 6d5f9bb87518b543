package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// serve lets more threads run Go code at once than there are processors
// (GOMAXPROCS): half as many again, 3 on 2. The server's goroutines do
// their file system calls themselves: SQLite reads, writes and syncs its
// files in the goroutine that runs the statement (the single writer among
// them), and attachments are written and synced by their requests. A
// thread blocked in such a call keeps its processor slot until the
// runtime notices and hands it over, so with as many slots as processors
// the cores sat partly idle during the deadline surge (a quarter of the 2
// cores, with the writer waiting for a slot 40 % of its time) while
// requests were ready to run. Measured on 2 cores, the surge alone
// acknowledged 486 submissions a second on average with 2 slots, 561 with
// 3 and 544 with 4 (docs/performance.md).

// runtimeProcs is the runtime's own count, read when the program starts:
// the processors, or fewer when a container's CPU quota says so. auto is
// computed from it, not from the current setting, which an earlier serve
// of the same process (the tests run several) has already raised.
var runtimeProcs = runtime.GOMAXPROCS(0)

// procsDefault is the --procs default: COOPDEC_PROCS, else none when
// GOMAXPROCS already sets the runtime's, else auto.
func procsDefault() string {
	if v := os.Getenv("COOPDEC_PROCS"); v != "" {
		return v
	}
	if os.Getenv("GOMAXPROCS") != "" {
		return ""
	}
	return "auto"
}

// procsFor is the auto setting for the processors the runtime found.
func procsFor(cpus int) int {
	return cpus + (cpus+1)/2
}

// parseProcs reads --procs: "auto" (0 here) or a count from 1 to 1024.
func parseProcs(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "auto" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1024 {
		return 0, fmt.Errorf("invalid --procs %q: give auto, or a number of threads from 1 to 1024", s)
	}
	return n, nil
}

// applyProcs sets the runtime's GOMAXPROCS from s; empty leaves it as the
// environment set it.
func applyProcs(s string) error {
	if s == "" {
		return nil
	}
	n, err := parseProcs(s)
	if err != nil {
		return err
	}
	if n == 0 {
		n = procsFor(runtimeProcs)
	}
	runtime.GOMAXPROCS(n)
	return nil
}
