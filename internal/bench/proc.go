package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is the platform as a child process, so that its memory and CPU
// can be read from /proc and the surge can kill it outright.
type Server struct {
	Command []string // the coopdec binary and anything before "serve"
	Args    []string // after "serve": --data, --database-url, --bench-limit…
	Env     []string // added to the environment
	Log     string   // file the server's output is appended to
	Addr    string   // host:port, chosen at the first start

	mu  sync.Mutex
	cmd *exec.Cmd
}

// URL is where the server answers.
func (s *Server) URL() string { return "http://" + s.Addr }

// Start starts the server and waits until /readyz answers.
func (s *Server) Start(ctx context.Context) error {
	if s.Addr == "" {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		s.Addr = addr
	}
	args := append(append(append([]string{}, s.Command[1:]...), "serve", "--addr", s.Addr, "--log-format", "json"), s.Args...)
	cmd := exec.Command(s.Command[0], args...)
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.Log != "" {
		f, err := os.OpenFile(s.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("bench: the server's log: %w", err)
		}
		defer f.Close() // the child holds its own descriptor
		cmd.Stdout, cmd.Stderr = f, f
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("bench: unable to start the server: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	if err := waitReady(ctx, s.URL(), exited, 2*time.Minute); err != nil {
		_ = cmd.Process.Kill()
		return fmt.Errorf("%w (see %s)", err, s.Log)
	}
	go func() {
		// Reaped by the goroutine above; keep the channel drained.
		<-exited
	}()
	return nil
}

// PID is the running server's process id, 0 when none.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Kill ends the server with SIGKILL: no shutdown, no flush, as a power cut.
func (s *Server) Kill() error {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	return cmd.Process.Signal(syscall.SIGKILL)
}

// Stop asks the server to shut down and waits for it, then kills it.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("bench: no free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls /readyz until it answers 200, the process exits or the
// time is up.
func waitReady(ctx context.Context, base string, exited <-chan error, limit time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("bench: the server stopped before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := client.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("bench: the server was not ready within " + limit.String())
}

// Usage is what a process used while a scenario ran.
type Usage struct {
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	MeanCPU      float64 `json:"mean_cpu_cores"`
	PeakCPU      float64 `json:"peak_cpu_cores"`
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// Sampler reads a process's resident memory and CPU time from /proc at a
// fixed interval until stopped. The PID is asked again at every sample, so
// that a restarted server is followed.
type Sampler struct {
	pid  func() int
	stop chan struct{}
	done chan Usage
}

// Sample starts sampling; Stop returns the figures. A nil pid function (a
// server not started by the bench) gives zero figures.
func Sample(pid func() int, every time.Duration) *Sampler {
	s := &Sampler{pid: pid, stop: make(chan struct{}), done: make(chan Usage, 1)}
	go s.loop(every)
	return s
}

func (s *Sampler) loop(every time.Duration) {
	var u Usage
	if s.pid == nil {
		<-s.stop
		s.done <- u
		return
	}
	cpu := cpuTracker{window: peakWindow}
	tick := time.NewTicker(every)
	defer tick.Stop()
	read := func() {
		pid := s.pid()
		if pid == 0 {
			return
		}
		rss, t, err := procStat(pid)
		if err != nil {
			return
		}
		u.PeakRSSBytes = max(u.PeakRSSBytes, rss)
		cpu.add(cpuPoint{pid: pid, cpu: t, at: time.Now()})
	}
	read()
	for {
		select {
		case <-tick.C:
			read()
		case <-s.stop:
			read()
			u.MeanCPU, u.PeakCPU = cpu.usage()
			s.done <- u
			return
		}
	}
}

// peakWindow is the shortest span a peak of CPU use is measured over. The
// kernel counts a process's CPU time in ticks of 10 ms: over a shorter
// span (the last read at Stop, a few milliseconds after a tick; a read
// served late and the next one on time) one tick more or less makes the
// rate several cores wrong (a peak of 19.4 cores was reported on two).
const peakWindow = time.Second

// cpuPoint is a process's CPU time (seconds) read at a moment.
type cpuPoint struct {
	pid int
	cpu float64
	at  time.Time
}

// cpuTracker turns a process's CPU time, read at intervals, into its mean
// use over the reads and its highest use over one of the consecutive
// windows of at least window the reads are cut into, across restarts (a
// new PID starts a window again).
type cpuTracker struct {
	window      time.Duration
	start, last cpuPoint
	busy        float64       // CPU seconds over the intervals read
	wall        time.Duration // the intervals' length
	peak        float64
}

func (t *cpuTracker) add(p cpuPoint) {
	if t.last.at.IsZero() || t.last.pid != p.pid {
		t.start, t.last = p, p
		return
	}
	if d := p.at.Sub(t.last.at); d > 0 {
		t.busy += p.cpu - t.last.cpu
		t.wall += d
	}
	t.last = p
	if d := p.at.Sub(t.start.at); d >= t.window {
		t.peak = max(t.peak, (p.cpu-t.start.cpu)/d.Seconds())
		t.start = p
	}
}

// usage returns the mean and the peak, in cores. A run shorter than the
// window has no peak of its own: its mean stands for it.
func (t *cpuTracker) usage() (mean, peak float64) {
	if t.wall > 0 {
		mean = t.busy / t.wall.Seconds()
	}
	if t.peak == 0 {
		return mean, mean
	}
	return mean, t.peak
}

// Stop ends the sampling and returns what was seen.
func (s *Sampler) Stop() Usage {
	close(s.stop)
	return <-s.done
}

// procStat reads a process's resident set (bytes) and CPU time (seconds,
// user and system).
func procStat(pid int) (rss int64, cpu float64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, errors.New("bench: unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	// After the name: state(3) … utime(14) stime(15), so 11 and 12 here.
	if len(f) < 13 {
		return 0, 0, errors.New("bench: short /proc stat")
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	cpu = (ut + st) / clockTicks

	st2, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	defer st2.Close()
	sc := bufio.NewScanner(st2)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			rss = kb << 10
			break
		}
	}
	return rss, cpu, sc.Err()
}
