package coopdec

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Programme groups calls: PACT2, the joint calls with partner states, the
// Mediterranean fund, ISI@MED. Programmes are data, configured by officers.
type Programme struct {
	ID    int64
	Code  string            // stable slug, e.g. "pact2", "joint-calls", "med-fund", "isimed"
	Names map[string]string // language → name; French always
}

// Name returns the programme's name in lang, in French when it has none in
// lang.
func (p Programme) Name(lang string) string {
	if n := strings.TrimSpace(p.Names[lang]); n != "" {
		return n
	}
	return p.Names["fr"]
}

// CallStatus is where a call stands in its lifecycle.
type CallStatus string

const (
	CallDraft      CallStatus = "draft"      // visible to its officers and co-managers only
	CallPublished  CallStatus = "published"  // announced, not open yet ("forecast" in the public search)
	CallOpen       CallStatus = "open"       // applications may be submitted
	CallClosed     CallStatus = "closed"     // deadline passed
	CallEvaluation CallStatus = "evaluation" // under evaluation
	CallDecided    CallStatus = "decided"    // decision signed by every party
	CallResults    CallStatus = "results"    // results published
)

// CallText is what a call says in one language.
type CallText struct {
	Title   string
	Summary string
	Body    string
}

// DecisionRule says who must approve a call's decisions.
type DecisionRule string

const (
	// DecisionAllParties: the ministry and every co-manager must approve (the default).
	DecisionAllParties DecisionRule = "all_parties"
	// DecisionMinistry: the ministry decides alone, co-managers advise.
	DecisionMinistry DecisionRule = "ministry"
)

// Funder is an organisation that funds a call from an envelope of its own.
type Funder struct {
	OrganisationID int64
	EnvelopeCents  int64 // the funder's envelope for the call, in euro cents
	ShareBP        int   // the funder's share of each grant, in basis points (10000 = 100 %)
}

// Exclusion sends applicants of a country to the call that handles it
// (Morocco → the Franco-Moroccan call).
type Exclusion struct {
	Country        string
	RedirectCallID int64 // 0 when no call handles it
}

// EligibilityRules are a call's conditions, as data: officers set them, and
// one pure function checks an application against them.
type EligibilityRules struct {
	// Countries where the action may take place: ISO codes or "group:…".
	// Empty: any country but France.
	Countries []string
	Excluded  []Exclusion

	// Who may lead: the types of French local authority (empty: any), and
	// optionally the région they must lie in (INSEE code, e.g. "93" for PACA).
	LeadTypes  []AuthorityType
	LeadRegion string

	// At least one foreign local authority from one of these countries
	// (codes or groups) must be a partner; empty: no such requirement.
	PartnerCountries []string
	// Trilateral calls: a beneficiary country from this list is required
	// (e.g. group:africa and HT for the Franco-Brazilian call).
	BeneficiaryCountries []string

	// Money, in euro cents and basis points (10000 = 100 %); 0: no limit.
	MaxGrantCents     int64
	MaxFundersShareBP int // the most the funders together may cover of the total cost
	MinOwnShareBP     int // the least the lead must bring itself, cash and in kind
	MaxInKindOfOwnBP  int // the most of the lead's own contribution that may be in kind
	MinDurationMonths int
	MaxDurationMonths int
	RequiredDocuments []string // document codes, e.g. "council_deliberation", "letters_of_intent", "budget"
	NoOverdueReports  bool     // the applicant must have no overdue report on an earlier grant
	// PartnersMustConfirm: submission waits for every partner's confirmation.
	PartnersMustConfirm bool
}

// Call is a call for projects (appel à projets).
type Call struct {
	ID           int64
	ProgrammeID  int64
	Reference    string              // human reference, e.g. "AAP-FR-IN-2011"
	Texts        map[string]CallText // language → text; French always
	CoManagers   []int64             // organisations that run the call with the ministry
	DecisionRule DecisionRule
	Funders      []Funder
	Themes       []string // theme codes (coopdec.Themes)
	Rules        EligibilityRules
	Status       CallStatus

	PublishAt    time.Time // when the call becomes public
	OpensAt      time.Time // when applications may start
	Deadline     time.Time // a precise instant, enforced by the server
	EvaluationAt time.Time // planned start of the evaluation
	ResultsAt    time.Time // planned publication of the results

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Clone returns a copy of c that shares no map or slice with it.
func (c *Call) Clone() *Call {
	if c == nil {
		return nil
	}
	out := *c
	out.Texts = maps.Clone(c.Texts)
	out.CoManagers = slices.Clone(c.CoManagers)
	out.Funders = slices.Clone(c.Funders)
	out.Themes = slices.Clone(c.Themes)
	r := &out.Rules
	r.Countries = slices.Clone(r.Countries)
	r.Excluded = slices.Clone(r.Excluded)
	r.LeadTypes = slices.Clone(r.LeadTypes)
	r.PartnerCountries = slices.Clone(r.PartnerCountries)
	r.BeneficiaryCountries = slices.Clone(r.BeneficiaryCountries)
	r.RequiredDocuments = slices.Clone(r.RequiredDocuments)
	return &out
}

// Text returns what c says in lang, in French when c has no title in lang,
// and the language of the text returned.
func (c *Call) Text(lang string) (CallText, string) {
	if t, ok := c.Texts[lang]; ok && strings.TrimSpace(t.Title) != "" {
		return t, lang
	}
	return c.Texts["fr"], "fr"
}

// Amendment records a change to a call after it opened.
type Amendment struct {
	ID       int64
	CallID   int64
	At       time.Time
	AuthorID int64
	Reason   string
	Changes  []CallChange
}

// Kinds of CallChange value, which say how to read Old and New.
const (
	ChangeDate    = "date"    // an instant, RFC 3339 in UTC
	ChangeMoney   = "money"   // euro cents
	ChangePercent = "percent" // basis points (10000 = 100 %)
	ChangeText    = "text"    // free text, in the language its field names
	ChangeList    = "list"    // codes or organisation IDs, comma-separated
	ChangePlain   = "plain"   // a code, number or boolean
)

// CallChange is one change an amendment made, in machine values, so that a
// page can show it in its reader's language and time zone. An empty value
// is one not set: no date, no limit, no such funder or text.
type CallChange struct {
	// Field is a stable code: reference, programme (an ID), decision_rule,
	// publish_at, opens_at, deadline, evaluation_at, results_at, status,
	// text.<lang> (the title, when a language is added or removed),
	// text.<lang>.title, text.<lang>.summary, text.<lang>.body, co_managers,
	// funders (their order), funder.<orgID> (added or removed: the ID),
	// funder.<orgID>.envelope, funder.<orgID>.share, themes, rules.<field>.
	Field string
	Kind  string
	Old   string
	New   string
}

// String writes c in a neutral form, for logs and the audit trail.
func (c CallChange) String() string {
	if c.Field == "" {
		return c.New
	}
	return c.Field + ": " + c.Old + " → " + c.New
}
