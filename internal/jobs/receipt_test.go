package jobs

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopdec/coopdec/internal/mail"
)

// A receipt job naming its application is written from what the composer
// reads; one enqueued with its emails' content (before the composer) is
// sent as it is; without a composer, or when the composer fails, the job
// fails and is run again later; without recipients, nothing is sent.
func TestReceiptMailWorkerComposes(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 6, 15, 12, 3, 27, 0, time.UTC)
	full := ReceiptMailArgs{To: []Recipient{{Email: "lyon@example.org", Language: "fr"}, {Email: "pune@example.org", Language: "en"}},
		Titles: map[string]string{"fr": "Eau à Pune", "en": "Water in Pune"}, CallTitles: map[string]string{"fr": "Appel", "en": "Call"},
		Number: "AAP-1-2026-0001", SubmittedAt: at, ContentSHA256: strings.Repeat("c", 64), Page: "https://example.org/r", Check: "https://example.org/c"}
	composed := func(_ context.Context, id int64) (ReceiptMailArgs, error) {
		if id != 42 {
			return ReceiptMailArgs{}, errors.New("unknown application")
		}
		return full, nil
	}
	for _, tc := range []struct {
		name     string
		args     ReceiptMailArgs
		composer ReceiptComposer
		sent     []string
		wantErr  bool
	}{
		{"composed", ReceiptMailArgs{ApplicationID: 42}, composed, []string{"lyon@example.org", "pune@example.org"}, false},
		{"enqueued whole", full, nil, []string{"lyon@example.org", "pune@example.org"}, false},
		{"no composer", ReceiptMailArgs{ApplicationID: 42}, nil, nil, true},
		{"composer fails", ReceiptMailArgs{ApplicationID: 7}, composed, nil, true},
		{"nobody to tell", ReceiptMailArgs{ApplicationID: 42}, func(context.Context, int64) (ReceiptMailArgs, error) {
			return ReceiptMailArgs{}, nil
		}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec mail.Recorder
			w := &ReceiptMailWorker{batch: &MailBatchWorker{sender: &rec}}
			if tc.composer != nil {
				w.compose.Store(&tc.composer)
			}
			err := w.Work(ctx, &river.Job[ReceiptMailArgs]{Args: tc.args})
			if (err != nil) != tc.wantErr {
				t.Fatalf("Work: %v; want error %v", err, tc.wantErr)
			}
			if got := sentTo(&rec); !slices.Equal(got, tc.sent) {
				t.Errorf("sent to %v; want %v", got, tc.sent)
			}
			for _, m := range rec.Messages() {
				if !strings.Contains(m.Subject+m.Text, full.Number) || !strings.Contains(m.Text, full.Check) {
					t.Errorf("email to %s lacks the number or the check's link:\n%s\n%s", m.To, m.Subject, m.Text)
				}
			}
		})
	}
}
