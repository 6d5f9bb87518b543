package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Values of SMTPConfig.TLS.
const (
	// TLSNone sends everything, credentials included, in clear text. Use it
	// only for a relay on the same host or a trusted private network.
	TLSNone = "none"
	// TLSStartTLS connects in clear text, then requires STARTTLS before
	// authenticating or sending anything (usually port 587).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (usually port 465).
	TLSImplicit = "tls"
)

// DefaultTimeout bounds one SMTP exchange when SMTPConfig.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// SMTPConfig describes the SMTP server used to send mail.
type SMTPConfig struct {
	Host string
	// Port defaults to 587 for starttls, 465 for tls and 25 for none.
	Port int
	// TLS is "starttls" (the default when empty), "tls" or "none".
	TLS string
	// Username and Password enable authentication (PLAIN or LOGIN, whichever
	// the server offers) when Username is set.
	Username, Password string
	// From is the sender of every message, e.g. "Coopdec <no-reply@example.org>".
	From string
	// Timeout bounds the whole exchange with the server, connection included.
	// It defaults to DefaultTimeout.
	Timeout time.Duration
	// InsecureSkipVerify disables certificate verification. Tests only.
	InsecureSkipVerify bool
	// RootCAs replaces the system roots when verifying the server's
	// certificate, for tests with a self-signed certificate.
	RootCAs *x509.CertPool
}

func (c SMTPConfig) tlsMode() string {
	mode := strings.ToLower(strings.TrimSpace(c.TLS))
	if mode == "" {
		return TLSStartTLS
	}
	return mode
}

func (c SMTPConfig) port() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.tlsMode() {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	default:
		return 587
	}
}

func (c SMTPConfig) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// Validate reports every configuration mistake it finds, in words meant for
// the operator who set the COOPDEC_SMTP_* environment variables.
func (c SMTPConfig) Validate() error {
	var errs []error
	host := strings.TrimSpace(c.Host)
	if host == "" {
		errs = append(errs, errors.New("mail: SMTP host is empty: set COOPDEC_SMTP_HOST"))
	} else if _, _, err := net.SplitHostPort(host); err == nil {
		errs = append(errs, fmt.Errorf("mail: SMTP host %q includes a port: put the host alone in COOPDEC_SMTP_HOST and the port in COOPDEC_SMTP_PORT", c.Host))
	}

	mode := c.tlsMode()
	switch mode {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		errs = append(errs, fmt.Errorf("mail: unknown SMTP TLS mode %q: set COOPDEC_SMTP_TLS to %q, %q or %q", c.TLS, TLSStartTLS, TLSImplicit, TLSNone))
	}

	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("mail: SMTP port %d is not between 1 and 65535: fix COOPDEC_SMTP_PORT", c.Port))
	} else if c.Port == 465 && mode == TLSStartTLS {
		// Otherwise each send hangs until the timeout: the client waits for
		// a greeting while the server waits for a TLS handshake.
		errs = append(errs, fmt.Errorf("mail: SMTP port 465 expects implicit TLS, not STARTTLS: set COOPDEC_SMTP_TLS=%s, or use port 587", TLSImplicit))
	}

	switch {
	case strings.TrimSpace(c.From) == "" && host != "":
		errs = append(errs, errors.New("mail: SMTP host is set but From is empty: set COOPDEC_SMTP_FROM"))
	case strings.TrimSpace(c.From) == "":
		errs = append(errs, errors.New("mail: From is empty: set COOPDEC_SMTP_FROM"))
	default:
		if _, err := netmail.ParseAddress(c.From); err != nil {
			errs = append(errs, fmt.Errorf("mail: From address %q is invalid (%v): set COOPDEC_SMTP_FROM to an address such as \"Coopdec <no-reply@example.org>\"", c.From, err))
		}
	}

	switch {
	case c.Username != "" && c.Password == "":
		errs = append(errs, errors.New("mail: SMTP username is set but password is empty: set COOPDEC_SMTP_PASSWORD"))
	case c.Username == "" && c.Password != "":
		errs = append(errs, errors.New("mail: SMTP password is set but username is empty: set COOPDEC_SMTP_USERNAME"))
	}

	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("mail: SMTP timeout %s is negative: fix COOPDEC_SMTP_TIMEOUT", c.Timeout))
	}
	return errors.Join(errs...)
}

// SMTPSender sends messages through an SMTP server, one connection per
// message. It is safe for concurrent use.
type SMTPSender struct {
	host        string
	from        *netmail.Address
	domain      string // for Message-IDs
	timeout     time.Duration
	implicitTLS bool
	tlsConfig   *tls.Config
	opts        []gomail.Option
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender validates cfg and returns a sender for it. It does not
// connect to the server.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	host := strings.TrimSpace(cfg.Host)
	from, _ := netmail.ParseAddress(cfg.From) // checked by Validate
	mode := cfg.tlsMode()
	s := &SMTPSender{
		host:        host,
		from:        from,
		domain:      from.Address[strings.LastIndexByte(from.Address, '@')+1:],
		timeout:     cfg.timeout(),
		implicitTLS: mode == TLSImplicit,
		tlsConfig: &tls.Config{
			ServerName:         host,
			MinVersion:         tls.VersionTLS12,
			RootCAs:            cfg.RootCAs,
			InsecureSkipVerify: cfg.InsecureSkipVerify,
		},
	}

	s.opts = []gomail.Option{
		gomail.WithPort(cfg.port()),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tlsConfig),
	}
	switch mode {
	case TLSNone:
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		// Mandatory: never fall back to clear text if STARTTLS is missing.
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		// Our dialer does the handshake; this stops go-mail from trying
		// STARTTLS on top.
		s.opts = append(s.opts, gomail.WithSSL())
	}
	if cfg.Username != "" {
		// go-mail refuses PLAIN and LOGIN without TLS unless asked for the
		// NOENC variants; with TLS none the operator has made that choice.
		mechs := []gomail.SMTPAuthType{gomail.SMTPAuthPlain, gomail.SMTPAuthLogin}
		if mode == TLSNone {
			mechs = []gomail.SMTPAuthType{gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc}
		}
		s.opts = append(s.opts,
			gomail.WithOpportunisticSMTPAuth(mechs...),
			gomail.WithUsername(cfg.Username),
			gomail.WithPassword(cfg.Password),
		)
	}

	// Surface option errors now rather than on the first message.
	if _, err := s.client(context.Background(), new(net.Conn)); err != nil {
		return nil, fmt.Errorf("mail: invalid SMTP configuration: %w", err)
	}
	return s, nil
}

// client builds a go-mail client for one message. go-mail's Client keeps
// per-connection state (and changes its auth type during opportunistic
// authentication), so sharing one between goroutines is not safe. The
// connection it opens is stored in *dialed.
func (s *SMTPSender) client(ctx context.Context, dialed *net.Conn) (*gomail.Client, error) {
	opts := append(s.opts[:len(s.opts):len(s.opts)], gomail.WithDialContextFunc(s.dialer(ctx, dialed)))
	return gomail.NewClient(s.host, opts...)
}

// dialer connects as go-mail would, but ties the connection to sendCtx:
// go-mail only watches the context while connecting, and we want cancelling
// or a deadline on Send's context to abort the whole exchange.
func (s *SMTPSender) dialer(sendCtx context.Context, dialed *net.Conn) gomail.DialContextFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		conn := newCtxConn(sendCtx, raw)
		*dialed = conn
		if !s.implicitTLS {
			return conn, nil
		}
		tlsConn := tls.Client(conn, s.tlsConfig)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, err
		}
		return tlsConn, nil
	}
}

// Send delivers m. The exchange stops when ctx is done; otherwise the
// configured timeout bounds connecting and each step of the exchange.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	to, err := parseRecipient(m.To)
	if err != nil {
		return fmt.Errorf("mail: unable to send to %q: %w", m.To, err)
	}
	if err := s.send(ctx, to, m); err != nil {
		return fmt.Errorf("mail: unable to send to %s: %w", to.Address, err)
	}
	return nil
}

func (s *SMTPSender) send(ctx context.Context, to *netmail.Address, m Message) error {
	if err := contextErr(ctx); err != nil {
		return err
	}
	var conn net.Conn
	client, err := s.client(ctx, &conn)
	if err != nil {
		return err
	}
	err = client.DialAndSendWithContext(ctx, s.build(to, m))
	if conn != nil {
		// go-mail leaves the connection open when EHLO, STARTTLS or AUTH
		// fails; after a successful QUIT this is a harmless second close.
		_ = conn.Close()
	}
	if ctxErr := contextErr(ctx); ctxErr != nil && err != nil &&
		errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, ctxErr) {
		// ctxConn aborted the exchange, which shows as a bare i/o timeout.
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return err
}

// contextErr is ctx.Err(), but also reports a deadline that has passed
// before the context's own timer has fired: ctxConn's deadline can expire
// first.
func contextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func (s *SMTPSender) build(to *netmail.Address, m Message) *gomail.Msg {
	// Without WithNoDefaultUserAgent go-mail adds a User-Agent header naming
	// itself and its version.
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDate()
	// go-mail's default Message-ID uses os.Hostname, which in a container is
	// a meaningless id that spam filters dislike; use the sender's domain.
	msg.SetMessageIDWithValue(rand.Text() + "@" + s.domain)

	if m.Text == "" && m.HTML != "" {
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
		return msg
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg
}

// ctxConn clamps every deadline to its context's, and expires the
// connection as soon as the context is cancelled.
type ctxConn struct {
	net.Conn
	ctx  context.Context
	stop func() bool

	// mu orders deadline changes against cancellation, so that a deadline
	// set by go-mail cannot overwrite the one set on cancellation.
	mu sync.Mutex
}

// expired is a deadline in the past, used to abort pending I/O.
var expired = time.Unix(1, 0)

func newCtxConn(ctx context.Context, conn net.Conn) *ctxConn {
	c := &ctxConn{Conn: conn, ctx: ctx}
	c.stop = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		_ = c.Conn.SetDeadline(expired)
	})
	return c
}

func (c *ctxConn) clamp(t time.Time) time.Time {
	if c.ctx.Err() != nil {
		return expired
	}
	if d, ok := c.ctx.Deadline(); ok && (t.IsZero() || d.Before(t)) {
		return d
	}
	return t
}

func (c *ctxConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetDeadline(c.clamp(t))
}

func (c *ctxConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetReadDeadline(c.clamp(t))
}

func (c *ctxConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(c.clamp(t))
}

func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}
