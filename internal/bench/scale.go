package bench

// Scale is the size of a generated dataset.
type Scale struct {
	FrenchAuthorities  int // French local authorities leading applications
	ForeignAuthorities int // their partners abroad
	Labels             int // French authorities holding the label of expertise
	Calls              int // calls of every status, the surge and open ones included
	SurgeCalls         int // open calls closing together, for the deadline surge
	OpenCalls          int // other open calls, holding the drafts
	EvaluationCalls    int // closed calls in evaluation: assignments accepted, not scored yet
	Applications       int // all of them: surge drafts, drafts and submitted ones
	SurgeDrafts        int // complete, eligible drafts on the surge calls, one owner each
	Drafts             int // other drafts on the open calls
	EvaluatorsPerApp   int // evaluators assigned to each submitted application
	Evaluators         int
	Missions           int // mission requests open for matching
}

// Submitted is the number of submitted applications.
func (s Scale) Submitted() int { return s.Applications - s.SurgeDrafts - s.Drafts }

// Scales are the named scales: large has at least the numbers,
// medium a tenth of it, small enough for tests.
var Scales = map[string]Scale{
	"small": {FrenchAuthorities: 60, ForeignAuthorities: 80, Labels: 20, Calls: 10, SurgeCalls: 2, OpenCalls: 2,
		EvaluationCalls: 1, Applications: 300, SurgeDrafts: 80, Drafts: 20, EvaluatorsPerApp: 2, Evaluators: 12, Missions: 30},
	"medium": {FrenchAuthorities: 500, ForeignAuthorities: 800, Labels: 200, Calls: 60, SurgeCalls: 4, OpenCalls: 6,
		EvaluationCalls: 4, Applications: 10_000, SurgeDrafts: 4_000, Drafts: 400, EvaluatorsPerApp: 4, Evaluators: 60, Missions: 500},
	"large": {FrenchAuthorities: 5_000, ForeignAuthorities: 8_000, Labels: 2_000, Calls: 60, SurgeCalls: 4, OpenCalls: 6,
		EvaluationCalls: 4, Applications: 100_000, SurgeDrafts: 40_000, Drafts: 4_000, EvaluatorsPerApp: 4, Evaluators: 400, Missions: 5_000},
}
