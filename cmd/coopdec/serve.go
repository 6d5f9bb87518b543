package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/demo"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var dbf dbFlags
	dbf.register(fs)
	addr := fs.String("addr", env("COOPDEC_ADDR", "127.0.0.1:8080"), "address to listen on (env COOPDEC_ADDR)")
	baseURL := fs.String("base-url", env("COOPDEC_BASE_URL", ""), "public URL, for links in emails; default http://ADDR (env COOPDEC_BASE_URL)")
	demoMode := fs.Bool("demo", false, "load and enable the demonstration data and accounts")
	referentiel := fs.String("referentiel", env("COOPDEC_REFERENTIEL", demo.DefaultReferentiel), "with --demo: territorial referential to import on first start (env COOPDEC_REFERENTIEL)")
	noMigrate := fs.Bool("no-migrate", false, "do not apply database migrations at start")
	labelYears := fs.String("label-validity-years", env("COOPDEC_LABEL_VALIDITY_YEARS", strconv.Itoa(coopdec.LabelValidityYears)),
		"years a label of expertise is valid once granted, 1 to 10 (env COOPDEC_LABEL_VALIDITY_YEARS)")
	pprofAddr := fs.String("pprof", env("COOPDEC_PPROF", ""), "address of a separate listener serving Go's profiles (/debug/pprof/), loopback only, e.g. 127.0.0.1:6060; empty: none (env COOPDEC_PPROF)")
	benchLimit := fs.Bool("bench-limit", false, "serve GET /bench/limit/{size} for coopdec bench's limit (benchmarks only)")
	memoryLimit := fs.String("memory-limit", memoryLimitDefault(), "soft limit of the Go runtime's memory, e.g. 150MiB; off: none; default "+
		defaultMemoryLimit+" unless GOMEMLIMIT is set (env COOPDEC_MEMORY_LIMIT)")
	procs := fs.String("procs", procsDefault(), "threads running Go code at once (GOMAXPROCS), or auto: half as many again as "+
		"the processors, since requests wait in file system calls; default auto unless GOMAXPROCS is set (env COOPDEC_PROCS)")
	logFormat := fs.String("log-format", env("COOPDEC_LOG_FORMAT", "json"), "log format: json or text (env COOPDEC_LOG_FORMAT)")
	var smtp mail.SMTPConfig
	fs.StringVar(&smtp.Host, "smtp-host", env("COOPDEC_SMTP_HOST", ""), "SMTP server; empty: emails go to the outbox at /admin/outbox (env COOPDEC_SMTP_HOST)")
	fs.IntVar(&smtp.Port, "smtp-port", envInt("COOPDEC_SMTP_PORT", 0), "SMTP port; 0: 587 for starttls, 465 for tls, 25 for none (env COOPDEC_SMTP_PORT)")
	fs.StringVar(&smtp.TLS, "smtp-tls", env("COOPDEC_SMTP_TLS", "starttls"), "SMTP TLS mode: starttls, tls or none (env COOPDEC_SMTP_TLS)")
	fs.StringVar(&smtp.Username, "smtp-username", env("COOPDEC_SMTP_USERNAME", ""), "SMTP user (env COOPDEC_SMTP_USERNAME)")
	smtpPassword := env("COOPDEC_SMTP_PASSWORD", "") // never a flag: it would show in the process list
	fs.DurationVar(&smtp.Timeout, "smtp-timeout", envDuration("COOPDEC_SMTP_TIMEOUT", 15*time.Second), "SMTP timeout per step (env COOPDEC_SMTP_TIMEOUT)")
	fs.StringVar(&smtp.From, "smtp-from", env("COOPDEC_SMTP_FROM", ""), "sender address (env COOPDEC_SMTP_FROM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	smtp.Password = smtpPassword
	labelValidity, err := labelValidityYears(*labelYears)
	if err != nil {
		return err
	}
	if err := applyMemoryLimit(*memoryLimit); err != nil {
		return err
	}
	if err := applyProcs(*procs); err != nil {
		return err
	}

	var handler slog.Handler = slog.NewJSONHandler(stderr, nil)
	if *logFormat == "text" {
		handler = slog.NewTextHandler(stderr, nil)
	}
	logger := slog.New(handler)

	db, err := dbf.open(ctx, !*noMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	var sender mail.Sender = &mail.OutboxSender{Store: db}
	if smtp.Host != "" {
		s, err := mail.NewSMTPSender(smtp)
		if err != nil {
			return err
		}
		sender = s
	}
	sender = &mail.LogSender{Next: sender, Logger: logger}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("unable to listen on %s: %w (choose another with --addr)", *addr, err)
	}
	defer ln.Close() // for the early returns; closing twice is harmless
	if *baseURL == "" {
		*baseURL = "http://" + displayAddr(ln.Addr().String())
	}

	runner, err := jobs.New(ctx, db, logger, jobs.Options{Mail: sender, BaseURL: *baseURL, Digest: jobs.DigestOptions{
		Mail: sender, Filter: web.SavedSearchFilter,
	}})
	if err != nil {
		return err
	}
	// Deferred after db.Close, so it runs before; a no-op after the Stop below.
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = runner.Stop(stopCtx)
	}()
	if !*noMigrate {
		if err := runner.Migrate(ctx); err != nil {
			return err
		}
	}
	blobs, err := dbf.blobStore(ctx)
	if err != nil {
		return err
	}
	if *demoMode {
		if err := demo.Load(ctx, db, demo.Options{Referentiel: *referentiel, Progress: stdout, Blobs: blobs,
			LabelValidityYears: labelValidity}); err != nil {
			return err
		}
	}

	srv, err := web.New(web.Config{DB: db, Mail: sender, Jobs: runner, Blobs: blobs, Logger: logger,
		BaseURL: *baseURL, Demo: *demoMode, Version: appVersion(), BenchLimit: *benchLimit,
		LabelValidityYears: labelValidity})
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(*addr)
	if *pprofAddr != "" {
		stop, err := servePprof(*pprofAddr, logger)
		if err != nil {
			return err
		}
		defer stop()
	}

	fmt.Fprintf(stdout, "coopdec %s sur %s — %s\n", appVersion(), db.Dialect, *baseURL)
	if smtp.Host == "" {
		fmt.Fprintf(stdout, "Pas de serveur SMTP configuré : les courriels sont visibles par les administrateurs sur %s/admin/outbox\n", *baseURL)
	}
	if *demoMode {
		printDemoAccounts(stdout)
	}

	if err := runner.Start(ctx); err != nil {
		return err
	}
	srv.StartWarm(ctx)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "Arrêt en cours…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	// After the HTTP server: a request being served may still enqueue jobs.
	if err := runner.Stop(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "Arrêté.")
	return nil
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func printDemoAccounts(w io.Writer) {
	fmt.Fprintln(w, "\nComptes de démonstration (mot de passe : coopdec-demo) :")
	width := 0
	for _, a := range demo.Accounts {
		width = max(width, len(a.Email))
	}
	for _, a := range demo.Accounts {
		fmt.Fprintf(w, "  %s%s  %s\n", a.Email, strings.Repeat(" ", width-len(a.Email)), a.What)
	}
	fmt.Fprintln(w)
	_ = os.Stdout.Sync()
}
