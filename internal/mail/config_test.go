package mail

import (
	"strings"
	"testing"
	"time"
)

func TestSMTPConfigValidate(t *testing.T) {
	valid := SMTPConfig{
		Host:     "smtp.example.org",
		Username: "coopdec",
		Password: "secret",
		From:     "Coopdec <no-reply@example.org>",
	}
	tests := []struct {
		name   string
		change func(*SMTPConfig)
		want   []string // substrings of the error; none means valid
	}{
		{"valid", func(*SMTPConfig) {}, nil},
		{"no credentials", func(c *SMTPConfig) { c.Username, c.Password = "", "" }, nil},
		{"upper-case mode", func(c *SMTPConfig) { c.TLS = "STARTTLS" }, nil},
		{"implicit TLS on 465", func(c *SMTPConfig) { c.TLS, c.Port = TLSImplicit, 465 }, nil},
		{"no host", func(c *SMTPConfig) { c.Host = "" }, []string{"COOPDEC_SMTP_HOST"}},
		{"host with port", func(c *SMTPConfig) { c.Host = "smtp.example.org:587" }, []string{"includes a port", "COOPDEC_SMTP_PORT"}},
		{"no from", func(c *SMTPConfig) { c.From = "" }, []string{"mail: SMTP host is set but From is empty: set COOPDEC_SMTP_FROM"}},
		{"bad from", func(c *SMTPConfig) { c.From = "no-reply" }, []string{`From address "no-reply" is invalid`, "COOPDEC_SMTP_FROM"}},
		{"bad mode", func(c *SMTPConfig) { c.TLS = "ssl" }, []string{`unknown SMTP TLS mode "ssl"`, "COOPDEC_SMTP_TLS"}},
		{"bad port", func(c *SMTPConfig) { c.Port = 70000 }, []string{"port 70000", "COOPDEC_SMTP_PORT"}},
		{"STARTTLS on 465", func(c *SMTPConfig) { c.Port = 465 }, []string{"implicit TLS", "COOPDEC_SMTP_TLS=tls"}},
		{"no password", func(c *SMTPConfig) { c.Password = "" }, []string{"COOPDEC_SMTP_PASSWORD"}},
		{"no username", func(c *SMTPConfig) { c.Username = "" }, []string{"COOPDEC_SMTP_USERNAME"}},
		{"negative timeout", func(c *SMTPConfig) { c.Timeout = -time.Second }, []string{"COOPDEC_SMTP_TIMEOUT"}},
		{"several mistakes", func(c *SMTPConfig) { c.From, c.TLS = "", "ssl" }, []string{"COOPDEC_SMTP_FROM", "COOPDEC_SMTP_TLS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := NewSMTPSender(cfg); err != nil {
					t.Fatalf("NewSMTPSender: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted the configuration")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if _, err := NewSMTPSender(cfg); err == nil {
				t.Error("NewSMTPSender accepted the configuration")
			}
		})
	}
}

func TestSMTPConfigDefaults(t *testing.T) {
	tests := []struct {
		tls      string
		port     int
		wantPort int
	}{
		{"", 0, 587},
		{TLSStartTLS, 0, 587},
		{TLSImplicit, 0, 465},
		{TLSNone, 0, 25},
		{TLSNone, 2525, 2525},
	}
	for _, tt := range tests {
		cfg := SMTPConfig{TLS: tt.tls, Port: tt.port}
		if got := cfg.port(); got != tt.wantPort {
			t.Errorf("port() with TLS %q and Port %d = %d, want %d", tt.tls, tt.port, got, tt.wantPort)
		}
	}
	if got := (SMTPConfig{}).timeout(); got != DefaultTimeout {
		t.Errorf("default timeout = %v, want %v", got, DefaultTimeout)
	}
}
