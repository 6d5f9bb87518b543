package main

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// defaultMemoryLimit is the soft limit of the Go runtime's memory that
// serve sets unless told otherwise. The live heap of a busy server stays
// well below it (templates, catalogues, the requests in flight); without
// a limit, the collector lets the heap grow to twice the live heap between
// cycles, and a burst of searches took the process past 250 MB. Near the
// limit the collector runs more often instead. SQLite's page caches live
// outside it.
const defaultMemoryLimit = "150MiB"

// memoryLimitDefault is the --memory-limit default: COOPDEC_MEMORY_LIMIT,
// else none when GOMEMLIMIT already sets the runtime's, else
// defaultMemoryLimit.
func memoryLimitDefault() string {
	if v := os.Getenv("COOPDEC_MEMORY_LIMIT"); v != "" {
		return v
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return ""
	}
	return defaultMemoryLimit
}

// parseMemoryLimit reads a size in bytes, with an optional unit B, KiB,
// MiB or GiB (also KB, MB, GB, read as powers of 1024); "off" or "0" mean
// no limit.
func parseMemoryLimit(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return math.MaxInt64, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("invalid memory limit %q: give a size such as 150MiB or 1GiB, or off", s)
	}
	return n * mult, nil
}

// applyMemoryLimit sets the runtime's soft memory limit from s; empty
// leaves it as the environment set it (GOMEMLIMIT).
func applyMemoryLimit(s string) error {
	if s == "" {
		return nil
	}
	n, err := parseMemoryLimit(s)
	if err != nil {
		return err
	}
	debug.SetMemoryLimit(n)
	return nil
}
