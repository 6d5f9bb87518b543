// Package coopdec holds the domain of the platform: its types, error codes,
// access rules and the pure functions that decide. It performs no I/O.
package coopdec
