package web

import (
	"net/http"
	"strconv"
	"sync"
)

// The limit of the load benchmark (coopdec bench): a response of a given
// size answered from memory, through the same middleware as every route,
// so that the benchmark can set each scenario's throughput beside what the
// machine, the network stack and the middleware allow at the same
// concurrency. Registered only with serve --bench-limit.

// maxBenchLimitBytes bounds a response's size; maxBenchLimitSizes how many
// sizes are kept (a run asks for one per scenario), so that requests for
// ever new sizes cannot make the server hold more and more memory.
const (
	maxBenchLimitBytes = 8 << 20
	maxBenchLimitSizes = 32
)

// benchLimit holds the bodies made so far, one per size.
type benchLimit struct {
	mu     sync.Mutex
	bodies map[int][]byte
}

func (s *Server) benchLimitRoutes(mux *http.ServeMux) {
	if !s.benchLimit {
		return
	}
	bl := &benchLimit{bodies: map[int][]byte{}}
	mux.HandleFunc("GET /bench/limit/{size}", bl.serve)
}

func (bl *benchLimit) body(size int) []byte {
	bl.mu.Lock()
	defer bl.mu.Unlock()
	b, ok := bl.bodies[size]
	if !ok {
		b = make([]byte, size)
		for i := range b {
			b[i] = 'a' + byte(i%26)
		}
		if len(bl.bodies) < maxBenchLimitSizes {
			bl.bodies[size] = b
		}
	}
	return b
}

func (bl *benchLimit) serve(w http.ResponseWriter, r *http.Request) {
	size, err := strconv.Atoi(r.PathValue("size"))
	if err != nil || size < 1 || size > maxBenchLimitBytes {
		http.Error(w, "size: a number of bytes from 1 to 8388608", http.StatusBadRequest)
		return
	}
	b := bl.body(size)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
