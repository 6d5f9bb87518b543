package mail

import (
	"context"
	"slices"
	"sync"
)

// Recorder is a Sender that keeps messages in memory, for tests of packages
// that send mail. The zero value is ready to use and safe for concurrent use.
type Recorder struct {
	mu       sync.Mutex
	messages []Message
}

var _ Sender = (*Recorder)(nil)

// Send records m. It never fails, even for an invalid recipient, so that tests
// can see exactly what their code asked to send.
func (r *Recorder) Send(_ context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, m)
	return nil
}

// Messages returns a copy of the recorded messages, oldest first.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.messages)
}

// Last returns the most recently recorded message, if any.
func (r *Recorder) Last() (Message, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.messages) == 0 {
		return Message{}, false
	}
	return r.messages[len(r.messages)-1], true
}

// Reset forgets the recorded messages.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = nil
}
