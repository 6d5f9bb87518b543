package mail

import (
	"fmt"
	"sync"
	"testing"
)

func TestRecorder(t *testing.T) {
	var r Recorder
	if _, ok := r.Last(); ok {
		t.Fatal("Last on an empty Recorder reported a message")
	}

	first := Message{To: "a@example.org", Subject: "un"}
	second := Message{To: "b@example.org", Subject: "deux", HTML: "<p>deux</p>"}
	for _, m := range []Message{first, second} {
		if err := r.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	if last, ok := r.Last(); !ok || last != second {
		t.Errorf("Last = %v, %v; want %v, true", last, ok, second)
	}
	msgs := r.Messages()
	if len(msgs) != 2 || msgs[0] != first || msgs[1] != second {
		t.Errorf("Messages = %v, want [%v %v]", msgs, first, second)
	}

	msgs[0].Subject = "changed"
	if r.Messages()[0] != first {
		t.Error("Messages returned the Recorder's own slice")
	}

	r.Reset()
	if n := len(r.Messages()); n != 0 {
		t.Errorf("after Reset, %d messages, want 0", n)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	var r Recorder
	const senders, perSender = 16, 50

	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range perSender {
				m := Message{To: fmt.Sprintf("membre%d-%d@example.org", i, j)}
				if err := r.Send(t.Context(), m); err != nil {
					t.Error(err)
				}
			}
		})
		// Readers race with the senders; -race checks the locking.
		wg.Go(func() {
			for range perSender {
				_ = r.Messages()
				_, _ = r.Last()
			}
		})
	}
	wg.Wait()

	msgs := r.Messages()
	if len(msgs) != senders*perSender {
		t.Fatalf("recorded %d messages, want %d", len(msgs), senders*perSender)
	}
	seen := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		if seen[m.To] {
			t.Errorf("message to %s recorded twice", m.To)
		}
		seen[m.To] = true
	}
}
