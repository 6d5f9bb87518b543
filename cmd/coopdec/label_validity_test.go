package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestServeLabelValidityYears: serve refuses, before touching anything, a
// label validity that is not a whole number of years from 1 to 10, given
// as a flag or in the environment.
func TestServeLabelValidityYears(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"--label-validity-years", "11"}, "must be 1 to 10 years; got 11"},
		{"", []string{"--label-validity-years", "0"}, "must be 1 to 10 years; got 0"},
		{"trois", nil, `"trois" is not a whole number of years; give 1 to 10`},
		{"5", []string{"--label-validity-years", "2.5"}, `"2.5" is not a whole number of years`},
	} {
		t.Setenv("COOPDEC_LABEL_VALIDITY_YEARS", tt.env)
		var out, errOut bytes.Buffer
		args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tt.args...)
		err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "--label-validity-years") {
			t.Errorf("serve %v with env %q: got %v; want an error naming the setting and saying %q", tt.args, tt.env, err, tt.want)
		}
	}
	for in, want := range map[string]int{"1": 1, " 5 ": 5, "10": 10} {
		if got, err := labelValidityYears(in); err != nil || got != want {
			t.Errorf("labelValidityYears(%q): got %d, %v; want %d", in, got, err, want)
		}
	}
}
