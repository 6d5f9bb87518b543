package bench

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleReport() *Report {
	return &Report{Scale: "large", Seed: 1, Dialect: "sqlite", Concurrency: 32, Surge: 64, Duration: Duration(20 * time.Second),
		Scenarios: []*ScenarioReport{
			{Name: ScenarioSearch, Concurrency: 32, Figures: Figures{Requests: 40000, Rate: 2000, P50: 8, P95: 20, P99: 40, MeanBytes: 30000},
				Limit: &Figures{Requests: 160000, Rate: 8000}, LimitRatio: 0.25, Server: Usage{PeakRSSBytes: 150e6, MeanCPU: 1.8, PeakCPU: 2}},
			{Name: ScenarioPages, Concurrency: 32, Figures: Figures{Requests: 20000, Rate: 1000, P50: 10, P95: 40, P99: 60,
				Errors: map[string]int{"404": 3, "timeout": 1}, ErrorCount: 4},
				Limit: &Figures{Rate: 8000}, LimitRatio: 0.125},
			{Name: ScenarioSurge, Concurrency: 64, Figures: Figures{Requests: 12000, Rate: 600, P50: 50, P95: 150, P99: 200},
				SurgeResult: &SurgeResult{Acknowledged: 10000, AckPerSecond: 620, RefusedLate: 2000, Verified: 10000}},
			{Name: ScenarioMatching, Concurrency: 32, Skipped: "the dataset has nothing for this scenario"},
		}}
}

func target(t *testing.T, list []TargetResult, scenario, prefix string) TargetResult {
	t.Helper()
	for _, r := range list {
		if r.Scenario == scenario && strings.HasPrefix(r.Target, prefix) {
			return r
		}
	}
	t.Fatalf("no target %q for %s in %+v", prefix, scenario, list)
	return TargetResult{}
}

func TestCheckTargets(t *testing.T) {
	r := sampleReport()
	got := CheckTargets(r)
	for _, tc := range []struct {
		scenario, target string
		pass             bool
	}{
		{ScenarioSearch, "≥ 20 %", true},
		{ScenarioSearch, "p99", true},
		{ScenarioSearch, "peak memory", true},
		{ScenarioPages, "≥ 25 %", false}, // 12.5 %
		{ScenarioPages, "p99", false},    // 60 ms
		{ScenarioSurge, "≥ 500", true},
		{ScenarioSurge, "p99", true},
		{ScenarioSurge, "no errors", true},
		{ScenarioSurge, "every acknowledged", true},
	} {
		if g := target(t, got, tc.scenario, tc.target); g.Pass != tc.pass {
			t.Errorf("%s %s: got pass=%v (measured %s); want %v", tc.scenario, tc.target, g.Pass, g.Measured, tc.pass)
		}
	}

	// Killed: the errors while the server was down are reported apart.
	s := r.Scenario(ScenarioSurge).SurgeResult
	s.Killed, s.DowntimeErrors = true, 40
	if g := target(t, CheckTargets(r), ScenarioSurge, "no errors"); !g.Pass || !strings.Contains(g.Measured, "+40 while down") {
		t.Errorf("killed surge with errors only while down: got %+v; want a pass naming them", g)
	}
	s.OtherErrors = 1
	if g := target(t, CheckTargets(r), ScenarioSurge, "no errors"); g.Pass {
		t.Errorf("killed surge with an error while up: got %+v; want FAIL", g)
	}
	s.Killed, s.DowntimeErrors, s.OtherErrors = false, 0, 0

	// One corrupt submission, one error that is not lateness, memory over.
	s.Verified, s.Corrupt, s.OtherErrors = 9999, []string{"application 7: receipt X, acknowledged as Y"}, 1
	r.Scenario(ScenarioSearch).Server.PeakRSSBytes = 201e6
	r.Scenario(ScenarioSearch).Limit = nil
	got = CheckTargets(r)
	for _, prefix := range []string{"every acknowledged", "no errors"} {
		if target(t, got, ScenarioSurge, prefix).Pass {
			t.Errorf("surge %s: got PASS; want FAIL", prefix)
		}
	}
	if target(t, got, ScenarioSearch, "peak memory").Pass {
		t.Error("search memory at 201 MB: got PASS; want FAIL")
	}
	if g := target(t, got, ScenarioSearch, "≥ 20 %"); g.Pass || !g.Unknown {
		t.Errorf("search without a limit: got %+v; want unknown, not passed", g)
	}
}

func TestReportPrint(t *testing.T) {
	r := sampleReport()
	r.Targets = CheckTargets(r)
	var b bytes.Buffer
	r.Print(&b)
	out := b.String()
	for _, want := range []string{"scale large", "req/s", "% limit", "25.0 %", "404 ×3, timeout ×1", "10000 acknowledged (620/s), 2000 refused late",
		"10000 intact, 0 missing, 0 corrupt", "skipped: the dataset has nothing", "PASS", "FAIL"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// Aligned: every row of the main table is as wide as its header.
	lines := strings.Split(out, "\n")
	var header int
	for i, l := range lines {
		if strings.Contains(l, "scenario") && strings.Contains(l, "req/s") {
			header = i
			break
		}
	}
	for _, l := range lines[header+1 : header+1+len(r.Scenarios)] {
		if len([]rune(l)) != len([]rune(lines[header])) {
			t.Errorf("row not aligned with the header:\n%s\n%s", lines[header], l)
		}
	}
}

func TestReportJSONAndCompare(t *testing.T) {
	medium := sampleReport()
	medium.Scale = "medium"
	medium.Scenario(ScenarioSearch).P50 = 4
	path := filepath.Join(t.TempDir(), "medium.json")
	if err := medium.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	large := sampleReport()
	if err := Compare(large, path); err != nil {
		t.Fatal(err)
	}
	if got := large.Comparison.SearchP50Ratio; got != 2 {
		t.Errorf("search p50 ratio: got %v; want 2", got)
	}
	large.Targets = CheckTargets(large)
	if g := target(t, large.Targets, ScenarioSearch, "p50 ≤ 3×"); !g.Pass {
		t.Errorf("p50 growth 2×: got %+v; want PASS", g)
	}
	large.Scenario(ScenarioSearch).P50 = 13
	_ = Compare(large, path)
	if g := target(t, CheckTargets(large), ScenarioSearch, "p50 ≤ 3×"); g.Pass {
		t.Errorf("p50 growth 3.25×: got %+v; want FAIL", g)
	}
	var b bytes.Buffer
	large.Print(&b)
	if !strings.Contains(b.String(), "Beside "+path) {
		t.Errorf("no side-by-side table:\n%s", b.String())
	}
	if err := Compare(large, filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("comparing with a missing file: got no error")
	}
}

func TestCeilSecond(t *testing.T) {
	base := time.Date(2026, 11, 26, 5, 30, 10, 0, time.UTC)
	for _, tc := range []struct{ in, want time.Time }{
		{base, base},
		{base.Add(time.Nanosecond), base.Add(time.Second)},
		{base.Add(999 * time.Millisecond), base.Add(time.Second)},
	} {
		if got := ceilSecond(tc.in); !got.Equal(tc.want) {
			t.Errorf("ceilSecond(%v) = %v; want %v", tc.in, got, tc.want)
		}
	}
}
