package bench

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// attack runs targets at a fixed concurrency (as many workers, each
// sending its next request as soon as the previous one is answered) for
// d, and hands every result to each.
func attack(ctx context.Context, name string, tr vegeta.Targeter, workers int, d time.Duration, client *http.Client,
	each func(*vegeta.Result)) {
	opts := []func(*vegeta.Attacker){vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)),
		vegeta.KeepAlive(true), vegeta.Connections(workers), vegeta.Redirects(vegeta.NoFollow)}
	if client != nil {
		opts = append(opts, vegeta.Client(client))
	} else {
		opts = append(opts, vegeta.Timeout(30*time.Second))
	}
	a := vegeta.NewAttacker(opts...)
	stop := context.AfterFunc(ctx, func() { a.Stop() })
	defer stop()
	// A zero frequency is "as fast as the workers go".
	for res := range a.Attack(tr, vegeta.ConstantPacer{}, d, name) {
		each(res)
	}
}

// errExhausted ends an attack whose targets are used up (each surge
// application is submitted once); its results are not counted.
var errExhausted = errors.New("bench: no more targets")

// tally turns results into Figures.
type tally struct {
	m      vegeta.Metrics
	errors map[string]int
}

func newTally() *tally { return &tally{errors: map[string]int{}} }

func (t *tally) add(r *vegeta.Result) {
	if r.Error == errExhausted.Error() {
		return
	}
	t.m.Add(r)
	if k := errorKind(r); k != "" {
		t.errors[k]++
	}
}

func (t *tally) figures() Figures {
	t.m.Close()
	f := Figures{Requests: t.m.Requests, P50: ms(t.m.Latencies.P50), P95: ms(t.m.Latencies.P95), P99: ms(t.m.Latencies.P99),
		Max: ms(t.m.Latencies.Max), BytesIn: t.m.BytesIn.Total, BytesOut: t.m.BytesOut.Total, Errors: t.errors}
	// Requests answered over the time it took: the rate the server
	// sustained, not the rate requests were sent at.
	if d := t.m.Duration + t.m.Wait; d > 0 {
		f.Rate = float64(t.m.Requests) / d.Seconds()
	}
	if f.Requests > 0 {
		f.MeanBytes = int64(f.BytesIn / f.Requests)
	}
	for _, n := range t.errors {
		f.ErrorCount += n
	}
	if len(f.Errors) == 0 {
		f.Errors = nil
	}
	return f
}

// errorKind names what went wrong with a result: its status code, or
// "timeout", "connection" (refused, reset, closed) or "other"; "" when it
// succeeded.
func errorKind(r *vegeta.Result) string {
	if r.Code >= 200 && r.Code < 400 {
		return ""
	}
	if r.Code != 0 {
		return strconv.Itoa(int(r.Code))
	}
	return transportErrorKind(r.Error)
}

func transportErrorKind(msg string) string {
	switch {
	case strings.Contains(msg, "Timeout") || strings.Contains(msg, "timeout") || strings.Contains(msg, "deadline exceeded"):
		return "timeout"
	case strings.Contains(msg, "connection refused") || strings.Contains(msg, "connection reset") ||
		strings.Contains(msg, "EOF") || strings.Contains(msg, "broken pipe") || strings.Contains(msg, "closed"):
		return "connection"
	}
	return "other"
}

// newClient is an HTTP client sized for workers concurrent requests to one
// host, without redirects (a redirect is a result to count, not follow).
func newClient(workers int, rt func(http.RoundTripper) http.RoundTripper) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	var t http.RoundTripper = tr
	if rt != nil {
		t = rt(tr)
	}
	return &http.Client{Transport: t, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
