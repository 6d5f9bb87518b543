package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Scenario names, in the order they run and are reported.
const (
	ScenarioSearch     = "search"
	ScenarioPages      = "pages"
	ScenarioDrafts     = "drafts"
	ScenarioSurge      = "surge"
	ScenarioEvaluation = "evaluation"
	ScenarioMatching   = "matching"
)

// Scenarios lists every scenario in running order.
var Scenarios = []string{ScenarioSearch, ScenarioPages, ScenarioDrafts, ScenarioSurge, ScenarioEvaluation, ScenarioMatching}

// Report is a run's figures, as printed and as written with --json.
type Report struct {
	Started     time.Time         `json:"started"`
	Scale       string            `json:"scale"`
	Seed        int64             `json:"seed"`
	Dialect     string            `json:"dialect"`
	Concurrency int               `json:"concurrency"`
	Surge       int               `json:"surge_concurrency"`
	Duration    Duration          `json:"duration"`
	Counts      map[string]int    `json:"counts,omitempty"`
	Scenarios   []*ScenarioReport `json:"scenarios"`
	Targets     []TargetResult    `json:"targets"`
	Comparison  *Comparison       `json:"comparison,omitempty"`
}

// Duration is a time.Duration written as "20s" in JSON.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Figures are one attack's measures.
type Figures struct {
	Requests   uint64         `json:"requests"`
	Rate       float64        `json:"requests_per_second"`
	P50        Millis         `json:"p50_ms"`
	P95        Millis         `json:"p95_ms"`
	P99        Millis         `json:"p99_ms"`
	Max        Millis         `json:"max_ms"`
	BytesIn    uint64         `json:"bytes_in"`
	BytesOut   uint64         `json:"bytes_out"`
	MeanBytes  int64          `json:"mean_response_bytes"`
	Errors     map[string]int `json:"errors,omitempty"` // by kind: "404", "timeout", "connection"…
	ErrorCount int            `json:"error_count"`
}

// Millis is a latency written in milliseconds.
type Millis float64

func ms(d time.Duration) Millis { return Millis(float64(d.Microseconds()) / 1000) }

// ScenarioReport is one scenario's figures and its limit's.
type ScenarioReport struct {
	Name        string   `json:"name"`
	Concurrency int      `json:"concurrency"`
	Figures              // the scenario
	Limit       *Figures `json:"limit,omitempty"`
	// LimitRatio is the scenario's requests per second over the limit's.
	LimitRatio float64  `json:"limit_ratio,omitempty"`
	Server     Usage    `json:"server"`
	Notes      []string `json:"notes,omitempty"` // sub-scenarios unavailable, exhausted data…
	Skipped    string   `json:"skipped,omitempty"`

	SurgeResult *SurgeResult `json:"surge_result,omitempty"`
}

// SurgeResult is what the deadline surge leaves in the database.
type SurgeResult struct {
	Deadline       time.Time `json:"deadline"`
	Acknowledged   int       `json:"acknowledged"`
	AckPerSecond   float64   `json:"acknowledged_per_second"`
	RefusedLate    int       `json:"refused_late"`
	OtherErrors    int       `json:"other_errors"`
	DowntimeErrors int       `json:"downtime_errors"` // --kill: while the server was down
	Killed         bool      `json:"killed"`
	Downtime       Duration  `json:"downtime,omitempty"`
	Verified       int       `json:"verified_intact"`
	Missing        []int64   `json:"missing,omitempty"` // application ids
	Corrupt        []string  `json:"corrupt,omitempty"` // "application 12: …"

	// Submissions are the acknowledged ones, as acknowledged: what Verify
	// looks for in the database.
	Submissions []Acknowledged `json:"-"`
}

// Acknowledged is a submission the server acknowledged with a receipt,
// and the file sent with it.
type Acknowledged struct {
	ApplicationID int64
	Receipt       string
	SHA256        string // of the file uploaded just before; "" when none was
	Size          int64
}

// Scenario returns the report of the named scenario, nil when absent.
func (r *Report) Scenario(name string) *ScenarioReport {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// TargetResult is one of the targets checked on a run.
type TargetResult struct {
	Scenario string `json:"scenario"`
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Pass     bool   `json:"pass"`
	Unknown  bool   `json:"unknown,omitempty"` // not measured in this run
}

// The targets.
const (
	searchLimitShare = 0.20
	pagesLimitShare  = 0.25
	readP99          = 50  // ms
	surgeP99         = 250 // ms
	surgeAckRate     = 500 // acknowledged submissions per second
	searchPeakMemory = 200 // MB
	growthP50        = 3.0 // search p50 at a scale over the p50 ten times smaller
	megabyte         = 1e6 // the MB
)

// CheckTargets compares the run with the targets.
func CheckTargets(r *Report) []TargetResult {
	var out []TargetResult
	add := func(sc, target, measured string, pass, unknown bool) {
		out = append(out, TargetResult{Scenario: sc, Target: target, Measured: measured, Pass: pass && !unknown, Unknown: unknown})
	}
	read := func(name string, share float64) {
		s := r.Scenario(name)
		if s == nil || s.Skipped != "" {
			return
		}
		if s.Limit == nil || s.Limit.Rate == 0 {
			add(name, fmt.Sprintf("≥ %.0f %% of the limit", share*100), "no limit", false, true)
		} else {
			add(name, fmt.Sprintf("≥ %.0f %% of the limit", share*100), fmt.Sprintf("%.1f %%", s.LimitRatio*100), s.LimitRatio >= share, false)
		}
		add(name, fmt.Sprintf("p99 ≤ %d ms", readP99), fmt.Sprintf("%.1f ms", s.P99), s.Requests > 0 && float64(s.P99) <= readP99, false)
	}
	read(ScenarioSearch, searchLimitShare)
	if s := r.Scenario(ScenarioSearch); s != nil && s.Skipped == "" {
		mb := float64(s.Server.PeakRSSBytes) / megabyte
		add(ScenarioSearch, fmt.Sprintf("peak memory ≤ %d MB", searchPeakMemory), fmt.Sprintf("%.0f MB", mb),
			mb <= searchPeakMemory, s.Server.PeakRSSBytes == 0)
	}
	read(ScenarioPages, pagesLimitShare)
	if s := r.Scenario(ScenarioSurge); s != nil && s.Skipped == "" && s.SurgeResult != nil {
		sr := s.SurgeResult
		add(ScenarioSurge, fmt.Sprintf("≥ %d acknowledged/s", surgeAckRate), fmt.Sprintf("%.0f/s", sr.AckPerSecond), sr.AckPerSecond >= surgeAckRate, false)
		add(ScenarioSurge, fmt.Sprintf("p99 ≤ %d ms", surgeP99), fmt.Sprintf("%.1f ms", s.P99), s.Requests > 0 && float64(s.P99) <= surgeP99, false)
		// With --kill, the requests sent while the server was down fail by
		// design: they are reported apart, and what counts is that every
		// other one was answered and every acknowledgement kept.
		if sr.Killed {
			add(ScenarioSurge, "no errors but lateness (server up)", fmt.Sprintf("%d errors (+%d while down)", sr.OtherErrors, sr.DowntimeErrors),
				sr.OtherErrors == 0, false)
		} else {
			add(ScenarioSurge, "no errors but lateness", strconv.Itoa(sr.OtherErrors)+" errors", sr.OtherErrors == 0, false)
		}
		bad := len(sr.Missing) + len(sr.Corrupt)
		add(ScenarioSurge, "every acknowledged submission intact", fmt.Sprintf("%d/%d intact", sr.Verified, sr.Acknowledged),
			bad == 0 && sr.Verified == sr.Acknowledged && sr.Acknowledged > 0, false)
	}
	if c := r.Comparison; c != nil && c.SearchP50Ratio > 0 {
		add(ScenarioSearch, fmt.Sprintf("p50 ≤ %.0f× %s's", growthP50, c.Scale), fmt.Sprintf("%.2f×", c.SearchP50Ratio),
			c.SearchP50Ratio <= growthP50, false)
	}
	return out
}

// Comparison sets this run beside an earlier one (--compare).
type Comparison struct {
	File    string `json:"file"`
	Scale   string `json:"scale"`
	Dialect string `json:"dialect"`
	// SearchP50Ratio is this run's search p50 over the earlier run's, when
	// the earlier run is at a smaller scale.
	SearchP50Ratio float64           `json:"search_p50_ratio,omitempty"`
	Scenarios      []*ScenarioReport `json:"scenarios"`
}

// Compare reads an earlier report and sets it beside r.
func Compare(r *Report, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("bench: the report to compare with: %w", err)
	}
	var old Report
	if err := json.Unmarshal(b, &old); err != nil {
		return fmt.Errorf("bench: %s is not a report written by --json: %w", path, err)
	}
	c := &Comparison{File: path, Scale: old.Scale, Dialect: old.Dialect, Scenarios: old.Scenarios}
	if now, then := r.Scenario(ScenarioSearch), old.Scenario(ScenarioSearch); now != nil && then != nil && then.P50 > 0 &&
		old.Scale != r.Scale && old.Dialect == r.Dialect {
		c.SearchP50Ratio = float64(now.P50) / float64(then.P50)
	}
	r.Comparison = c
	return nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Print writes the report as aligned tables.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "\ncoopdec bench — scale %s, seed %d, %s, %d clients (surge %d), %s per scenario\n\n",
		r.Scale, r.Seed, r.Dialect, r.Concurrency, r.Surge, time.Duration(r.Duration))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tclients\treq/s\tp50 ms\tp95 ms\tp99 ms\terrors\tbytes/req\tlimit req/s\t% limit\tpeak MB\tCPU mean\tCPU peak\t")
	for _, s := range r.Scenarios {
		if s.Skipped != "" {
			fmt.Fprintf(tw, "%s\t%d\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t\n", s.Name, s.Concurrency)
			continue
		}
		limit, share := "-", "-"
		if s.Limit != nil && s.Limit.Rate > 0 {
			limit, share = fmt.Sprintf("%.0f", s.Limit.Rate), fmt.Sprintf("%.1f %%", s.LimitRatio*100)
		}
		peak, mean, cpu := "-", "-", "-"
		if s.Server.PeakRSSBytes > 0 {
			peak = fmt.Sprintf("%.0f", float64(s.Server.PeakRSSBytes)/megabyte)
			mean, cpu = fmt.Sprintf("%.2f", s.Server.MeanCPU), fmt.Sprintf("%.2f", s.Server.PeakCPU)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", s.Name, s.Concurrency, s.Rate,
			s.P50, s.P95, s.P99, s.ErrorCount, s.MeanBytes, limit, share, peak, mean, cpu)
	}
	tw.Flush()

	for _, s := range r.Scenarios {
		var lines []string
		if s.Skipped != "" {
			lines = append(lines, "skipped: "+s.Skipped)
		}
		if len(s.Errors) > 0 {
			lines = append(lines, "errors: "+errorKinds(s.Errors))
		}
		lines = append(lines, s.Notes...)
		if sr := s.SurgeResult; sr != nil {
			lines = append(lines, fmt.Sprintf("deadline %s: %d acknowledged (%.0f/s), %d refused late, %d other errors",
				sr.Deadline.Format(time.TimeOnly), sr.Acknowledged, sr.AckPerSecond, sr.RefusedLate, sr.OtherErrors))
			if sr.Killed {
				lines = append(lines, fmt.Sprintf("server killed (SIGKILL) and restarted: down %s, %d errors meanwhile",
					time.Duration(sr.Downtime).Round(time.Millisecond), sr.DowntimeErrors))
			}
			lines = append(lines, fmt.Sprintf("in the database: %d intact, %d missing, %d corrupt", sr.Verified, len(sr.Missing), len(sr.Corrupt)))
			for _, c := range sr.Corrupt {
				lines = append(lines, "  "+c)
			}
			if len(sr.Missing) > 0 {
				lines = append(lines, fmt.Sprintf("  missing applications: %v", sr.Missing))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "\n%s:\n", s.Name)
			for _, l := range lines {
				fmt.Fprintln(w, "  "+l)
			}
		}
	}

	if c := r.Comparison; c != nil {
		fmt.Fprintf(w, "\nBeside %s (scale %s, %s):\n", c.File, c.Scale, c.Dialect)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "scenario\treq/s %s\treq/s %s\tp50 %s\tp50 %s\tp99 %s\tp99 %s\t\n", r.Dialect, c.Dialect, r.Dialect, c.Dialect, r.Dialect, c.Dialect)
		for _, s := range r.Scenarios {
			var o *ScenarioReport
			for _, x := range c.Scenarios {
				if x.Name == s.Name {
					o = x
				}
			}
			if o == nil {
				continue
			}
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Name, s.Rate, o.Rate, s.P50, o.P50, s.P99, o.P99)
		}
		tw.Flush()
	}

	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "\nTargets:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "scenario\ttarget\tmeasured\tresult")
		for _, t := range r.Targets {
			verdict := "FAIL"
			switch {
			case t.Unknown:
				verdict = "n/a"
			case t.Pass:
				verdict = "PASS"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Scenario, t.Target, t.Measured, verdict)
		}
		tw.Flush()
	}
}

func errorKinds(m map[string]int) string {
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s ×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
