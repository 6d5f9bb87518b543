package coopdec

import "time"

// Session and credential lifetimes.
const (
	SessionIdleTimeout     = 30 * time.Minute
	SessionAbsoluteTimeout = 12 * time.Hour
	PasswordResetValidity  = 15 * time.Minute
	InvitationValidity     = 7 * 24 * time.Hour
	APITokenValidity       = 90 * 24 * time.Hour
	LoginWindow            = 15 * time.Minute
)

// DemoPassword is the password of every demonstration account. It is
// accepted only when the platform runs in demo mode.
const DemoPassword = "coopdec-demo"

// LoginDelay says how long to make a login attempt wait, and whether to refuse
// it outright, given the failures recorded for the same address (or the same
// client IP) within LoginWindow. The first few mistakes cost nothing; then
// each failure doubles the wait, and past a ceiling attempts are refused until
// the window has passed.
func LoginDelay(recentFailures int) (delay time.Duration, refuse bool) {
	const free = 3
	switch {
	case recentFailures < free:
		return 0, false
	case recentFailures >= 10:
		return 0, true
	}
	d := 250 * time.Millisecond << (recentFailures - free)
	if d > 4*time.Second {
		d = 4 * time.Second
	}
	return d, false
}

// SessionValid reports whether a session created at created and last used at
// lastSeen is still valid at now.
func SessionValid(created, lastSeen, now time.Time) bool {
	return now.Sub(lastSeen) < SessionIdleTimeout && now.Sub(created) < SessionAbsoluteTimeout
}
