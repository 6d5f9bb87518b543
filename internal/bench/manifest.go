// Package bench measures coopdec under load: it generates a deterministic
// synthetic dataset through the storage code (generate*.go), starts or
// targets a server and runs the load scenarios against it (run*.go), and
// reports the figures (report*.go).
package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Manifest is what the generator leaves next to the dataset for the
// scenarios: the identifiers and credentials they need, so that a run can
// target a server started separately (--url) on the same database. It is
// written as JSON (WriteManifest) and read back (ReadManifest).
type Manifest struct {
	Scale     string    `json:"scale"`     // small, medium, large (see Scales)
	Seed      int64     `json:"seed"`      // generation is deterministic for a scale and seed
	Generated time.Time `json:"generated"` // UTC
	Dialect   string    `json:"dialect"`   // sqlite or postgres

	// Counts of what was generated, for the report.
	Counts map[string]int `json:"counts"`

	// Vocabulary for the public search mix: frequent words (in most
	// documents), rare words (in a handful), and the filters' values.
	CommonWords []string `json:"common_words"`
	RareWords   []string `json:"rare_words"`
	Themes      []string `json:"themes"`
	Countries   []string `json:"countries"` // ISO 3166-1 alpha-2
	Regions     []string `json:"regions"`   // INSEE région codes of the labelled authorities

	// Officer is a ministry officer's API token (matching, deadline moves).
	Officer Credential `json:"officer"`

	// Public pages.
	CallIDs     []int64 `json:"call_ids"`      // public calls (published, open, closed)
	LabelOrgIDs []int64 `json:"label_org_ids"` // organisations with a valid label (/expertise/{id})

	// Applications viewed and saved by their owners (drafts on open calls).
	Drafts []OwnedApplication `json:"drafts"`

	// Deadline surge: complete, eligible drafts ready to be submitted, each
	// owned by a distinct applicant, on the surge calls (whose deadline the
	// run moves to the surge's last minute).
	SurgeCallIDs []int64            `json:"surge_call_ids"`
	Surge        []OwnedApplication `json:"surge"`

	// Evaluators' assignments, accepted (no conflict confirmed), to score.
	Assignments []EvaluatorAssignment `json:"assignments"`

	// Mission requests open for matching.
	MissionIDs []int64 `json:"mission_ids"`
}

// Credential authenticates a scenario's requests as one user:
// "Authorization: Bearer <Token>" on the API and on the pages.
type Credential struct {
	UserID int64  `json:"user_id"`
	Token  string `json:"token"`
}

// OwnedApplication is an application and a member of its lead authority.
type OwnedApplication struct {
	ApplicationID int64      `json:"application_id"`
	CallID        int64      `json:"call_id"`
	Owner         Credential `json:"owner"`
}

// EvaluatorAssignment is an assignment and its evaluator, with the
// criteria of the call's grid to score.
type EvaluatorAssignment struct {
	AssignmentID  int64      `json:"assignment_id"`
	ApplicationID int64      `json:"application_id"`
	Evaluator     Credential `json:"evaluator"`
	Criteria      []string   `json:"criteria"` // criterion keys of the grid
}

// WriteManifest writes m to path as indented JSON.
func WriteManifest(path string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// ReadManifest reads a manifest written by WriteManifest.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: the dataset's manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("bench: the dataset's manifest %s is not valid JSON: %w", path, err)
	}
	return &m, nil
}
