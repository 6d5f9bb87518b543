package mail

import (
	"context"
	"log/slog"
	"time"
)

// LogSender wraps a Sender and logs each message's recipient and subject,
// and any error. Bodies are never logged: they carry one-time links.
type LogSender struct {
	Next Sender
	// Logger defaults to slog.Default() when nil.
	Logger *slog.Logger
}

var _ Sender = (*LogSender)(nil)

// NewLogSender returns a LogSender that logs to logger the messages given to
// next.
func NewLogSender(next Sender, logger *slog.Logger) *LogSender {
	return &LogSender{Next: next, Logger: logger}
}

// Send passes m to the wrapped Sender and logs the outcome.
func (l *LogSender) Send(ctx context.Context, m Message) error {
	logger := l.Logger
	if logger == nil {
		logger = slog.Default()
	}
	start := time.Now()
	err := l.Next.Send(ctx, m)
	attrs := []slog.Attr{
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.Any("error", err))
		logger.LogAttrs(ctx, slog.LevelError, "mail not sent", attrs...)
		return err
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "mail sent", attrs...)
	return nil
}
