// Package web serves the platform: HTML pages, the JSON API under /api/v1,
// health and metrics endpoints.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/i18n"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// Config is what the server needs from its caller.
type Config struct {
	DB   *sqldb.DB
	Mail mail.Sender
	// Jobs enqueues background work in storage transactions (the emails
	// that changes cause); Blobs keeps attachments.
	Jobs    sqldb.Enqueuer
	Blobs   blob.Store
	Logger  *slog.Logger
	BaseURL string // public URL, for links in emails; e.g. http://127.0.0.1:8080
	Demo    bool   // demonstration mode: the demo password is accepted
	Version string
	// LabelValidityYears is how long a label granted here is valid;
	// 0: coopdec.LabelValidityYears.
	LabelValidityYears int
	// SlowLogin, when false, skips the login throttling delay (tests that
	// count attempts still see refusals).
	NoLoginDelay bool
	// BenchLimit serves GET /bench/limit/{size}, the load benchmark's
	// measure of the machine's limit (serve --bench-limit).
	BenchLimit bool
}

// Server holds the handlers' dependencies.
type Server struct {
	db      *sqldb.DB
	mail    mail.Sender
	jobs    sqldb.Enqueuer
	blobs   blob.Store
	log     *slog.Logger
	cat     i18n.Catalogues
	base    *url.URL
	demo    bool
	version string
	noDelay bool
	pages   *pages
	metrics *metrics
	handler http.Handler
	public  *publicCache // the pages anonymous visitors read
	uploads spooler      // uploads read whole before they are checked

	warming atomic.Bool // /readyz answers 503 while the warm-up runs (StartWarm)

	benchLimit bool // see Config.BenchLimit
	labelYears int  // validity of the labels granted, see Config.LabelValidityYears
}

// New builds a server; it fails when a template or catalogue is broken, so
// that such errors stop the start and never reach a request.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil || cfg.Mail == nil || cfg.Jobs == nil || cfg.Blobs == nil {
		return nil, errors.New("web: a database, a mail sender, a job queue and a blob store are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("web: base URL %q must be absolute, e.g. http://127.0.0.1:8080", cfg.BaseURL)
	}
	if cfg.LabelValidityYears == 0 {
		cfg.LabelValidityYears = coopdec.LabelValidityYears
	}
	if err := coopdec.CheckLabelValidityYears(cfg.LabelValidityYears); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	p, err := loadPages(cat)
	if err != nil {
		return nil, err
	}
	s := &Server{db: cfg.DB, mail: cfg.Mail, jobs: cfg.Jobs, blobs: cfg.Blobs, log: cfg.Logger, cat: cat, base: base, demo: cfg.Demo,
		version: cfg.Version, noDelay: cfg.NoLoginDelay, benchLimit: cfg.BenchLimit,
		labelYears: cfg.LabelValidityYears, pages: p, metrics: newMetrics(),
		public: newPublicCache(publicCacheBytes)}
	s.handler = s.middleware(recordPattern(s.routes()))
	if r, ok := cfg.Jobs.(interface{ SetReceiptComposer(jobs.ReceiptComposer) }); ok {
		r.SetReceiptComposer(s.composeReceipt)
	}
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// secureCookies reports whether cookies must carry Secure: always, except on
// plain-HTTP loopback where browsers would drop them.
func (s *Server) secureCookies() bool {
	if s.base.Scheme == "https" {
		return true
	}
	host := s.base.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// cookieName applies the __Host- prefix when cookies are Secure (browsers
// refuse the prefix otherwise).
func (s *Server) cookieName(name string) string {
	if s.secureCookies() {
		return "__Host-" + name
	}
	return name
}

// link returns an absolute URL on the platform, for emails.
func (s *Server) link(path string) string { return s.base.String() + path }

// Shutdown-friendly HTTP server settings. Slow clients are cut off at the
// headers; bodies and answers get five minutes, for a 20 MiB attachment
// over a slow line (about 1 Mbit/s) from a town hall abroad.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.Background() },
	}
}

// StartWarm builds in the background what the first requests would
// otherwise build while others wait behind them (sqldb.DB.Warm); /readyz
// answers 503 until it is done, so that a load balancer sends traffic to a
// server started warm. A failure is logged: requests then build as usual.
func (s *Server) StartWarm(ctx context.Context) {
	s.warming.Store(true)
	go func() {
		defer s.warming.Store(false)
		start := time.Now()
		if err := s.db.Warm(ctx); err != nil {
			s.log.Warn("warm-up failed", "err", err)
			return
		}
		s.log.Info("warmed up", "duration_ms", time.Since(start).Milliseconds())
	}()
}
