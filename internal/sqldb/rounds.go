package sqldb

import (
	"sync"
	"time"
)

// rounds runs a function every interval in the background until halted:
// the writing of the touches, the checkpoints.
type rounds struct {
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startRounds(every time.Duration, fn func()) *rounds {
	r := &rounds{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-tick.C:
				fn()
			}
		}
	}()
	return r
}

// halt stops the rounds and waits for the one running, if any; it may be
// called more than once.
func (r *rounds) halt() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}
