package sqldb

import (
	"context"
	"strconv"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
)

// OutboxMessage is an email kept in the database because no SMTP server is
// configured.
type OutboxMessage struct {
	ID        int64
	CreatedAt time.Time
	mail.Message
}

// AddOutbox stores an email; it makes *DB a mail.OutboxStore.
func (db *DB) AddOutbox(ctx context.Context, m mail.Message) error {
	_, err := db.exec(ctx, `INSERT INTO outbox (created_at, recipient, subject, body_text, body_html) VALUES ($1, $2, $3, $4, $5)`,
		db.now(), m.To, m.Subject, m.Text, m.HTML)
	return err
}

// ListOutbox returns stored emails, newest first, optionally for one recipient.
func (db *DB) ListOutbox(ctx context.Context, recipient string, page coopdec.Page) ([]OutboxMessage, coopdec.Page, error) {
	where, args := "", []any{}
	if recipient != "" {
		where, args = " WHERE recipient = $1", append(args, recipient)
	}
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM outbox"+where, args...).Scan(&page.Total); err != nil {
		return nil, page, translate(err)
	}
	args = append(args, page.PerPage, page.Offset())
	rows, err := db.read.QueryContext(ctx, `SELECT id, created_at, recipient, subject, body_text, body_html FROM outbox`+where+
		` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, page, translate(err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		if err := rows.Scan(&m.ID, &m.CreatedAt, &m.To, &m.Subject, &m.Text, &m.HTML); err != nil {
			return nil, page, translate(err)
		}
		out = append(out, m)
	}
	return out, page, translate(rows.Err())
}
