package coopdec

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultEvaluatorsPerApplication is how many evaluators score each
// application unless the call says otherwise: one from the ministry's pool
// and one from the partner's.
const DefaultEvaluatorsPerApplication = 2

const (
	evaluatorsPerApplicationMax = 10
	reassignmentReasonMax       = 2000
)

// Pool is the evaluators one party brings to a call's evaluation.
type Pool struct {
	Party        Party
	EvaluatorIDs []int64 // user IDs
	// PerApplication is how many of each application's evaluators come from
	// this pool. When no pool of the setup sets it, the setup's
	// PerApplication is shared out evenly, the first pools (the ministry's
	// first) taking what does not divide.
	PerApplication int
}

// EvaluationSetup is how a call's applications are evaluated: how many
// evaluators score each, from which parties' pools, and the gap between
// two evaluations that flags a divergence.
type EvaluationSetup struct {
	PerApplication int // 0: DefaultEvaluatorsPerApplication
	Pools          []Pool
	DivergenceBP   int // 0: DefaultDivergenceBP
}

// Validate normalises a setup (fills the defaults, puts the pools in the
// order of CallParties, sorts each pool's evaluators) and checks it against
// c: 1 to 10 evaluators per application; one pool per party of c, each
// naming distinct evaluators who sit in no other pool; explicit shares that
// add up to the evaluators per application; pools large enough for their
// share; a divergence gap from 0.01 % to 100 %. Fields: per_application,
// pools.0.party, pools.0.evaluator_ids, pools.0.per_application,
// divergence_bp.
func (s *EvaluationSetup) Validate(c *Call) error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if s.PerApplication == 0 {
		s.PerApplication = DefaultEvaluatorsPerApplication
	}
	if s.PerApplication < 1 || s.PerApplication > evaluatorsPerApplicationMax {
		add("per_application", "assignment.per_application.range", evaluatorsPerApplicationMax)
	}
	if s.DivergenceBP == 0 {
		s.DivergenceBP = DefaultDivergenceBP
	}
	if s.DivergenceBP < 1 || s.DivergenceBP > 10000 {
		add("divergence_bp", "assignment.divergence.range")
	}
	if len(s.Pools) == 0 {
		add("pools", "assignment.pools.required")
		return errs.Err()
	}
	parties := CallParties(c)
	rank := func(p Party) int {
		if i := slices.Index(parties, p); i >= 0 {
			return i
		}
		return len(parties)
	}
	slices.SortStableFunc(s.Pools, func(a, b Pool) int { return cmp.Compare(rank(a.Party), rank(b.Party)) })

	explicit, sum := false, 0
	seen := map[int64]bool{}
	for i := range s.Pools {
		pl := &s.Pools[i]
		p := fmt.Sprintf("pools.%d.", i)
		switch {
		case rank(pl.Party) == len(parties):
			add(p+"party", "assignment.pool.party.unknown", OrganisationArg(pl.Party))
		case i > 0 && s.Pools[i-1].Party == pl.Party:
			add(p+"party", "assignment.pool.party.duplicate")
		}
		pl.EvaluatorIDs = slices.Clone(pl.EvaluatorIDs)
		slices.Sort(pl.EvaluatorIDs)
		for j, id := range pl.EvaluatorIDs {
			switch {
			case id <= 0:
				add(p+"evaluator_ids", "assignment.pool.evaluator.invalid")
			case j > 0 && pl.EvaluatorIDs[j-1] == id:
				add(p+"evaluator_ids", "assignment.pool.evaluator.duplicate")
			case seen[id]:
				add(p+"evaluator_ids", "assignment.pool.evaluator.two_pools")
			}
			seen[id] = true
		}
		if pl.PerApplication < 0 || pl.PerApplication > evaluatorsPerApplicationMax {
			add(p+"per_application", "assignment.per_application.range", evaluatorsPerApplicationMax)
		}
		if pl.PerApplication > 0 {
			explicit = true
			sum += pl.PerApplication
		}
	}
	if explicit && sum != s.PerApplication {
		add("per_application", "assignment.per_application.sum", sum, s.PerApplication)
	}
	if errs != nil {
		return errs
	}
	for i, q := range s.Quotas() {
		if len(s.Pools[i].EvaluatorIDs) < q {
			add(fmt.Sprintf("pools.%d.evaluator_ids", i), "assignment.pool.too_small", q)
		}
	}
	return errs.Err()
}

// Quotas returns how many of each application's evaluators come from each
// pool, in the order of s.Pools (see Pool.PerApplication).
func (s *EvaluationSetup) Quotas() []int {
	out := make([]int, len(s.Pools))
	n := s.PerApplication
	if n <= 0 {
		n = DefaultEvaluatorsPerApplication
	}
	explicit := false
	for i, p := range s.Pools {
		if p.PerApplication > 0 {
			out[i], explicit = p.PerApplication, true
		}
	}
	if explicit || len(out) == 0 {
		return out
	}
	for i := range out {
		out[i] = n / len(out)
		if i < n%len(out) {
			out[i]++
		}
	}
	return out
}

// poolOf returns the index of the pool evaluatorID sits in.
func (s *EvaluationSetup) poolOf(evaluatorID int64) (int, bool) {
	for i, p := range s.Pools {
		if slices.Contains(p.EvaluatorIDs, evaluatorID) {
			return i, true
		}
	}
	return 0, false
}

// AssignmentEnd says why an assignment ended.
type AssignmentEnd string

const (
	// EndConflictDeclared: the evaluator declared a conflict with the
	// application.
	EndConflictDeclared AssignmentEnd = "conflict_declared"
	// EndReassigned: an officer gave the application to another evaluator.
	EndReassigned AssignmentEnd = "reassigned"
)

// Assignment gives an application to an evaluator.
type Assignment struct {
	ID            int64
	ApplicationID int64
	EvaluatorID   int64 // user ID
	Party         Party // the pool the evaluator sits in
	// Extra: added beyond the pools' shares, after a divergence.
	Extra      bool
	AssignedBy int64 // user ID; 0 for the automatic assignment
	CreatedAt  time.Time
	// ConfirmedAt is when the evaluator confirmed having no conflict with
	// the application, zero until then: only then do they read it in full.
	ConfirmedAt time.Time
	EndedAt     time.Time // zero while active
	EndReason   AssignmentEnd
	EndNote     string // the declared conflict, or the officer's reason
}

// Active reports whether a has not ended.
func (a Assignment) Active() bool { return a.EndedAt.IsZero() }

// AssignmentCandidate is an application to assign.
type AssignmentCandidate struct {
	Application *Application
	Lead        *Organisation // its lead organisation, for the office conflicts
	// Extra asks for this many evaluators beyond the pools' shares, after a
	// divergence: the least loaded eligible ones, from any pool.
	Extra int
}

// AssignmentRequest is what Assign works from.
type AssignmentRequest struct {
	Setup      *EvaluationSetup // validated
	Candidates []AssignmentCandidate
	// Declarations holds the evaluators' declarations of interests, with
	// their memberships (Declaration.WithMemberships). An evaluator without
	// one is never assigned.
	Declarations []Declaration
	// Existing holds the call's assignments so far. Active ones are kept:
	// they count in the shares and the loads. Ended ones keep their
	// evaluator away from the application (a declared conflict, a
	// replacement).
	Existing []Assignment
	// Seed orders evaluators of equal load: 0 by ID, another value in an
	// order drawn from it, the same for the same seed. Record it to replay
	// an assignment.
	Seed uint64
}

// EvaluatorLoad is how many active assignments an evaluator holds in the
// call.
type EvaluatorLoad struct {
	EvaluatorID int64
	Party       Party
	Load        int
}

// AssignmentPlan is what Assign proposes.
type AssignmentPlan struct {
	// Assignments are the new assignments, by application ID, then pool,
	// then evaluator ID.
	Assignments []Assignment
	// Loads are every pooled evaluator's load once the plan is applied, pool
	// by pool, by evaluator ID.
	Loads []EvaluatorLoad
}

// Evaluator states for one application in Assign.
const (
	asgFree       uint8 = iota // may take it
	asgConflict                // a conflict, detected or declared
	asgUndeclared              // no declaration of interests
	asgTaken                   // already on it, or was
)

// assigner holds Assign's working state. Evaluators and applications are
// numbered; state[a*nEv+e] says what evaluator e is to application a.
type assigner struct {
	setup  *EvaluationSetup
	cands  []AssignmentCandidate
	evIDs  []int64 // evaluator number → user ID
	evPool []int   // evaluator number → pool
	order  []int   // evaluator number → rank among equal loads
	load   []int
	state  []uint8
	nEv    int
	// held[e] lists the applications of e's new, movable assignments.
	held  [][]int
	extra [][]int // application → evaluators added as extras
	errs  Errors
}

// Assign proposes assignments for req.Candidates: each application gets,
// from each pool, the pool's share of evaluators (less those already
// assigned), plus its extras; never an evaluator with a conflict of
// interest (Conflicts on their declaration, or one declared), without a
// declaration, or already assigned to it. Within each pool the loads are
// balanced: the plan minimises the sum of the squared loads, so the most
// and the least loaded evaluators differ by at most one whenever the
// conflicts allow it.
//
// It is deterministic: the same request gives the same plan, whatever the
// order of its lists. When an application cannot get what it needs, it
// returns nil and one ECONFLICT error per application and pool, naming the
// application by its receipt number and saying how many evaluators of the
// pool have a conflict and how many have not filed their declaration.
func Assign(req AssignmentRequest) (*AssignmentPlan, error) {
	s := req.Setup
	if s == nil || len(s.Pools) == 0 {
		return nil, Errorf(EINVALID, "assignment.pools.required")
	}
	as := &assigner{setup: s}

	index := map[int64]int{}
	for p, pl := range s.Pools {
		for _, id := range pl.EvaluatorIDs {
			if _, dup := index[id]; dup {
				continue // Validate refuses it; the first pool wins
			}
			index[id] = len(as.evIDs)
			as.evIDs = append(as.evIDs, id)
			as.evPool = append(as.evPool, p)
		}
	}
	as.nEv = len(as.evIDs)
	as.order = tieOrder(as.evIDs, req.Seed)
	as.load = make([]int, as.nEv)
	as.held = make([][]int, as.nEv)

	as.cands = make([]AssignmentCandidate, 0, len(req.Candidates))
	for _, c := range req.Candidates {
		if c.Application != nil {
			as.cands = append(as.cands, c)
		}
	}
	slices.SortStableFunc(as.cands, func(x, y AssignmentCandidate) int { return cmp.Compare(x.Application.ID, y.Application.ID) })
	as.cands = slices.CompactFunc(as.cands, func(x, y AssignmentCandidate) bool { return x.Application.ID == y.Application.ID })
	appIndex := make(map[int64]int, len(as.cands))
	for i, c := range as.cands {
		appIndex[c.Application.ID] = i
	}
	as.extra = make([][]int, len(as.cands))

	// Each declaration and application is indexed once, and each pair
	// checked by the same scan as Conflicts.
	decls := make([]*declIndex, as.nEv)
	for i := range req.Declarations {
		if e, ok := index[req.Declarations[i].EvaluatorID]; ok && decls[e] == nil {
			decls[e] = newDeclIndex(&req.Declarations[i])
		}
	}
	as.state = make([]uint8, len(as.cands)*as.nEv)
	for a, c := range as.cands {
		ai := newAppIndex(c.Application, c.Lead)
		for e := range as.nEv {
			switch {
			case decls[e] == nil:
				as.state[a*as.nEv+e] = asgUndeclared
			case hasConflict(decls[e], ai):
				as.state[a*as.nEv+e] = asgConflict
			}
		}
	}

	// have[a*len(pools)+p] counts the active assignments application a
	// already has from pool p's party, extras apart, even by evaluators
	// since taken out of the pool: they still evaluate it.
	have := make([]int, len(as.cands)*len(s.Pools))
	poolOfParty := map[Party]int{}
	for p := len(s.Pools) - 1; p >= 0; p-- {
		poolOfParty[s.Pools[p].Party] = p
	}
	for _, x := range req.Existing {
		e, pooled := index[x.EvaluatorID]
		if x.Active() && pooled {
			as.load[e]++
		}
		a, listed := appIndex[x.ApplicationID]
		if !listed {
			continue
		}
		if p, ok := poolOfParty[x.Party]; ok && x.Active() && !x.Extra {
			have[a*len(s.Pools)+p]++
		}
		if !pooled {
			continue
		}
		st := &as.state[a*as.nEv+e]
		switch {
		case x.Active():
			*st = asgTaken
		case x.EndReason == EndConflictDeclared:
			*st = asgConflict
		case *st == asgFree:
			*st = asgTaken
		}
	}

	as.assignExtras()
	for p, q := range s.Quotas() {
		as.fillPool(p, q, have)
		as.balance(p)
	}
	if err := as.errs.Err(); err != nil {
		return nil, err
	}
	return as.plan(), nil
}

// tieOrder ranks evaluators for ties: by ID, or in a permutation drawn
// from seed with its own generator (splitmix64), so that a recorded seed
// replays the same plan whatever the Go version.
func tieOrder(ids []int64, seed uint64) []int {
	perm := make([]int, len(ids))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(x, y int) int { return cmp.Compare(ids[x], ids[y]) })
	if seed != 0 {
		x := seed
		for i := len(perm) - 1; i > 0; i-- {
			x += 0x9e3779b97f4a7c15
			z := x
			z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
			z = (z ^ z>>27) * 0x94d049bb133111eb
			z ^= z >> 31
			j := int(z % uint64(i+1))
			perm[i], perm[j] = perm[j], perm[i]
		}
	}
	order := make([]int, len(ids))
	for rank, e := range perm {
		order[e] = rank
	}
	return order
}

// less reports whether evaluator x should be picked before y: the lower
// load, then the earlier rank.
func (as *assigner) less(x, y int) bool {
	if as.load[x] != as.load[y] {
		return as.load[x] < as.load[y]
	}
	return as.order[x] < as.order[y]
}

// assignExtras gives each application its extra evaluators first, from any
// pool, so that the pools' shares are then balanced around them.
func (as *assigner) assignExtras() {
	for a, c := range as.cands {
		for range c.Extra {
			best := -1
			for e := range as.nEv {
				if as.state[a*as.nEv+e] == asgFree && (best < 0 || as.less(e, best)) {
					best = e
				}
			}
			if best < 0 {
				as.errs = append(as.errs, Errorf(ECONFLICT, "assignment.extra.impossible", applicationRef(c.Application), c.Extra))
				break
			}
			as.state[a*as.nEv+best] = asgTaken
			as.load[best]++
			as.extra[a] = append(as.extra[a], best)
		}
	}
}

// fillPool gives each application what it still needs from pool p, whose
// share is q: the most constrained applications first, each to its least
// loaded free evaluators.
func (as *assigner) fillPool(p, q int, have []int) {
	nPools := len(as.setup.Pools)
	var members []int
	for e := range as.nEv {
		if as.evPool[e] == p {
			members = append(members, e)
		}
	}
	type job struct{ a, need, slack int }
	var jobs []job
	for a, c := range as.cands {
		need := q - have[a*nPools+p]
		if need <= 0 {
			continue
		}
		free, conflict, undeclared := 0, 0, 0
		for _, e := range members {
			switch as.state[a*as.nEv+e] {
			case asgFree:
				free++
			case asgConflict:
				conflict++
			case asgUndeclared:
				undeclared++
			}
		}
		if free < need {
			as.errs = append(as.errs, poolError(c.Application, as.setup.Pools[p].Party, need, free, conflict, undeclared))
			continue
		}
		jobs = append(jobs, job{a, need, free - need})
	}
	slices.SortStableFunc(jobs, func(x, y job) int { return cmp.Compare(x.slack, y.slack) })
	for _, j := range jobs {
		for range j.need {
			best := -1
			for _, e := range members {
				if as.state[j.a*as.nEv+e] == asgFree && (best < 0 || as.less(e, best)) {
					best = e
				}
			}
			as.state[j.a*as.nEv+best] = asgTaken
			as.load[best]++
			as.held[best] = append(as.held[best], j.a)
		}
	}
}

// balance moves pool p's new assignments along chains of evaluators (x
// hands an application to y, who hands another to z…) from an evaluator to
// one at least two assignments lighter, until no chain is left. Each move
// lowers the sum of the squared loads, so it ends, and when it ends no
// evaluator can lighten another's load without a conflict: the loads are as
// even as the conflicts allow.
func (as *assigner) balance(p int) {
	var members []int
	for e := range as.nEv {
		if as.evPool[e] == p {
			members = append(members, e)
		}
	}
	if len(members) < 2 {
		return
	}
	type step struct{ from, app int }
	parent := make([]step, as.nEv)
	visited := make([]bool, as.nEv)
	queue := make([]int, 0, len(members))
	sources := slices.Clone(members)
	for {
		minLoad := as.load[members[0]]
		for _, e := range members {
			minLoad = min(minLoad, as.load[e])
		}
		slices.SortFunc(sources, func(x, y int) int {
			if c := cmp.Compare(as.load[y], as.load[x]); c != 0 {
				return c
			}
			return cmp.Compare(as.order[x], as.order[y])
		})
		moved := false
		for _, u := range sources {
			if as.load[u] < minLoad+2 {
				break
			}
			for _, e := range members {
				visited[e] = false
			}
			visited[u] = true
			queue = append(queue[:0], u)
			target := -1
		search:
			for len(queue) > 0 {
				x := queue[0]
				queue = queue[1:]
				for _, a := range as.held[x] {
					row := as.state[a*as.nEv : (a+1)*as.nEv]
					for _, y := range members {
						if visited[y] || row[y] != asgFree {
							continue
						}
						visited[y] = true
						parent[y] = step{x, a}
						if as.load[y] <= as.load[u]-2 {
							target = y
							break search
						}
						queue = append(queue, y)
					}
				}
			}
			if target < 0 {
				continue
			}
			for y := target; y != u; {
				st := parent[y]
				as.move(st.app, st.from, y)
				y = st.from
			}
			as.load[u]--
			as.load[target]++
			moved = true
			break
		}
		if !moved {
			return
		}
	}
}

// move hands application a's new assignment from evaluator x to y; loads
// are adjusted by the caller, at the ends of the chain.
func (as *assigner) move(a, x, y int) {
	i := slices.Index(as.held[x], a)
	as.held[x] = slices.Delete(as.held[x], i, i+1)
	as.held[y] = append(as.held[y], a)
	as.state[a*as.nEv+x] = asgFree
	as.state[a*as.nEv+y] = asgTaken
}

func (as *assigner) plan() *AssignmentPlan {
	type row struct {
		a    Assignment
		pool int
	}
	var rows []row
	for e, apps := range as.held {
		for _, a := range apps {
			rows = append(rows, row{as.assignment(a, e, false), as.evPool[e]})
		}
	}
	for a, evs := range as.extra {
		for _, e := range evs {
			rows = append(rows, row{as.assignment(a, e, true), as.evPool[e]})
		}
	}
	slices.SortFunc(rows, func(x, y row) int {
		if c := cmp.Compare(x.a.ApplicationID, y.a.ApplicationID); c != 0 {
			return c
		}
		if x.a.Extra != y.a.Extra {
			if x.a.Extra {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(x.pool, y.pool); c != 0 {
			return c
		}
		return cmp.Compare(x.a.EvaluatorID, y.a.EvaluatorID)
	})
	pl := &AssignmentPlan{Assignments: make([]Assignment, len(rows))}
	for i, r := range rows {
		pl.Assignments[i] = r.a
	}
	for e, id := range as.evIDs {
		pl.Loads = append(pl.Loads, EvaluatorLoad{EvaluatorID: id, Party: as.setup.Pools[as.evPool[e]].Party, Load: as.load[e]})
	}
	return pl
}

func (as *assigner) assignment(a, e int, extra bool) Assignment {
	return Assignment{
		ApplicationID: as.cands[a].Application.ID,
		EvaluatorID:   as.evIDs[e],
		Party:         as.setup.Pools[as.evPool[e]].Party,
		Extra:         extra,
	}
}

// applicationRef names an application in messages: its receipt number, or
// its ID before it has one.
func applicationRef(a *Application) string {
	if r := strings.TrimSpace(a.ReceiptNumber); r != "" {
		return r
	}
	return "#" + strconv.FormatInt(a.ID, 10)
}

func poolError(a *Application, party Party, need, free, conflict, undeclared int) *Error {
	if party == MinistryParty {
		return Errorf(ECONFLICT, "assignment.impossible.ministry", applicationRef(a), need, free, conflict, undeclared)
	}
	return Errorf(ECONFLICT, "assignment.impossible.partner", applicationRef(a), OrganisationArg(party), need, free, conflict, undeclared)
}

// CanManageAssignments allows running the assignment of c's applications
// and changing it by hand: ministry officers.
func CanManageAssignments(u *User, c *Call) bool { return c != nil && u.HasRole(RoleOfficer) }

// Reassignment is an officer's change of an application's evaluator.
type Reassignment struct {
	ApplicationID   int64
	FromEvaluatorID int64
	ToEvaluatorID   int64
	Reason          string // why, for the record and the evaluators concerned
}

// Validate trims the reason and checks the change: two different
// evaluators, and a reason of at most 2000 characters.
func (r *Reassignment) Validate() error {
	var errs Errors
	add := func(field, key string, args ...any) { errs = append(errs, FieldError(field, key, args...)) }
	if r.ApplicationID <= 0 {
		add("application_id", "assignment.reassign.application.required")
	}
	if r.FromEvaluatorID <= 0 {
		add("from_evaluator_id", "assignment.reassign.evaluator.required")
	}
	switch {
	case r.ToEvaluatorID <= 0:
		add("to_evaluator_id", "assignment.reassign.evaluator.required")
	case r.ToEvaluatorID == r.FromEvaluatorID:
		add("to_evaluator_id", "assignment.reassign.same")
	}
	r.Reason = strings.TrimSpace(r.Reason)
	checkText("reason", r.Reason, reassignmentReasonMax, true, add)
	return errs.Err()
}

// CheckReassignment decides whether u may make r on p's application, whose
// call is set up by s and whose lead is lead; to is the new evaluator's
// declaration. It refuses, in order: a user who may not manage assignments
// (EFORBIDDEN); r's field errors; then (ECONFLICT) an evaluator who is not
// on the application, active or having declared a conflict; one whose
// evaluation is submitted; a new evaluator from another pool than the one
// they replace (extras may come from any); one already on the application,
// or who was; one without a declaration or with a conflict.
func CheckReassignment(u *User, s *EvaluationSetup, p *Panel, lead *Organisation, to *Declaration, r *Reassignment) error {
	if !p.ok() || !CanManageAssignments(u, p.Call) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if r.ApplicationID != p.Application.ID {
		return FieldError("application_id", "assignment.reassign.application.mismatch")
	}
	var from *Assignment
	for i := range p.Assignments {
		x := &p.Assignments[i]
		if x.EvaluatorID == r.FromEvaluatorID && x.ApplicationID == r.ApplicationID &&
			(x.Active() || x.EndReason == EndConflictDeclared) {
			from = x
		}
	}
	if from == nil {
		return Errorf(ECONFLICT, "assignment.reassign.not_assigned")
	}
	if e := p.evaluation(r.FromEvaluatorID); e != nil && e.Submitted {
		return Errorf(ECONFLICT, "assignment.reassign.submitted")
	}
	toPool, ok := s.poolOf(r.ToEvaluatorID)
	switch {
	case !ok:
		return Errorf(ECONFLICT, "assignment.reassign.not_in_pool")
	case !from.Extra && s.Pools[toPool].Party != from.Party:
		return Errorf(ECONFLICT, "assignment.reassign.other_party")
	}
	if slices.ContainsFunc(p.Assignments, func(x Assignment) bool {
		return x.EvaluatorID == r.ToEvaluatorID && x.ApplicationID == r.ApplicationID
	}) {
		return Errorf(ECONFLICT, "assignment.reassign.already")
	}
	if to == nil || to.EvaluatorID != r.ToEvaluatorID {
		return Errorf(ECONFLICT, "assignment.reassign.undeclared")
	}
	if cs := Conflicts(to, p.Application, lead); len(cs) > 0 {
		return &Error{Code: ECONFLICT, Key: cs[0].Key(), Args: cs[0].Args()}
	}
	return nil
}
