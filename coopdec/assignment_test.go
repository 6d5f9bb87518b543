package coopdec

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestEvaluationSetupValidate(t *testing.T) {
	c := evCall()
	s := &EvaluationSetup{Pools: []Pool{
		{Party: Party(evIndia), EvaluatorIDs: []int64{22, 21}},
		{Party: MinistryParty, EvaluatorIDs: []int64{12, 11, 13}},
	}}
	if err := s.Validate(c); err != nil {
		t.Fatalf("got %v; want valid", err)
	}
	if s.PerApplication != 2 || s.DivergenceBP != 3000 {
		t.Errorf("got %d per application, gap %d; want the defaults 2 and 3000", s.PerApplication, s.DivergenceBP)
	}
	if s.Pools[0].Party != MinistryParty || !slices.Equal(s.Pools[0].EvaluatorIDs, []int64{11, 12, 13}) || !slices.Equal(s.Pools[1].EvaluatorIDs, []int64{21, 22}) {
		t.Errorf("got %+v; want the ministry's pool first, evaluators sorted", s.Pools)
	}
	if q := s.Quotas(); !slices.Equal(q, []int{1, 1}) {
		t.Errorf("Quotas: got %v; want one from each", q)
	}

	valid := func() *EvaluationSetup {
		return &EvaluationSetup{Pools: []Pool{{Party: MinistryParty, EvaluatorIDs: []int64{11, 12}}, {Party: Party(evIndia), EvaluatorIDs: []int64{21, 22}}}}
	}
	for _, tc := range []struct {
		name       string
		edit       func(*EvaluationSetup)
		field, key string
	}{
		{"no pool", func(s *EvaluationSetup) { s.Pools = nil }, "pools", "assignment.pools.required"},
		{"too many per application", func(s *EvaluationSetup) { s.PerApplication = 11 }, "per_application", "assignment.per_application.range"},
		{"negative per application", func(s *EvaluationSetup) { s.PerApplication = -1 }, "per_application", "assignment.per_application.range"},
		{"gap above the scale", func(s *EvaluationSetup) { s.DivergenceBP = 10001 }, "divergence_bp", "assignment.divergence.range"},
		{"a party that does not co-manage the call", func(s *EvaluationSetup) { s.Pools[1].Party = Party(evOtherCoMgr) }, "pools.1.party", "assignment.pool.party.unknown"},
		{"two pools for one party", func(s *EvaluationSetup) { s.Pools[1].Party = MinistryParty }, "pools.1.party", "assignment.pool.party.duplicate"},
		{"an unknown evaluator", func(s *EvaluationSetup) { s.Pools[0].EvaluatorIDs = []int64{0, 11} }, "pools.0.evaluator_ids", "assignment.pool.evaluator.invalid"},
		{"an evaluator twice", func(s *EvaluationSetup) { s.Pools[0].EvaluatorIDs = []int64{11, 11} }, "pools.0.evaluator_ids", "assignment.pool.evaluator.duplicate"},
		{"an evaluator in two pools", func(s *EvaluationSetup) { s.Pools[1].EvaluatorIDs = []int64{11, 21} }, "pools.1.evaluator_ids", "assignment.pool.evaluator.two_pools"},
		{"shares that do not add up", func(s *EvaluationSetup) { s.PerApplication, s.Pools[0].PerApplication = 3, 1 }, "per_application", "assignment.per_application.sum"},
		{"a negative share", func(s *EvaluationSetup) { s.Pools[0].PerApplication = -1 }, "pools.0.per_application", "assignment.per_application.range"},
		{"a pool too small for its share", func(s *EvaluationSetup) {
			s.PerApplication, s.Pools[0].PerApplication, s.Pools[1].PerApplication = 4, 3, 1
		},
			"pools.0.evaluator_ids", "assignment.pool.too_small"},
		{"an empty partner pool", func(s *EvaluationSetup) { s.Pools[1].EvaluatorIDs = nil }, "pools.1.evaluator_ids", "assignment.pool.too_small"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.edit(s)
			if err := s.Validate(c); !hasError(err, tc.field, tc.key) {
				t.Errorf("got %v; want %s on %s", err, tc.key, tc.field)
			}
		})
	}
}

func TestQuotas(t *testing.T) {
	pools := func(n int, shares ...int) []Pool {
		out := make([]Pool, n)
		for i := range out {
			out[i].Party = Party(i)
			if i < len(shares) {
				out[i].PerApplication = shares[i]
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		s    EvaluationSetup
		want []int
	}{
		{"ministry and partner, default", EvaluationSetup{Pools: pools(2)}, []int{1, 1}},
		{"ministry alone, default", EvaluationSetup{Pools: pools(1)}, []int{2}},
		{"three parties, two each: the first two", EvaluationSetup{PerApplication: 2, Pools: pools(3)}, []int{1, 1, 0}},
		{"three per application, two parties", EvaluationSetup{PerApplication: 3, Pools: pools(2)}, []int{2, 1}},
		{"explicit shares, a reserve pool", EvaluationSetup{PerApplication: 3, Pools: pools(3, 1, 2, 0)}, []int{1, 2, 0}},
		{"no pool", EvaluationSetup{}, []int{}},
	} {
		if got := tc.s.Quotas(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}

// assignFixture builds n applications (IDs 1000…) led by organisation 10+i
// with partner 500+i, a ministry pool (evaluators 1…m) and a partner pool
// (evaluators 101…100+p), every evaluator with an empty declaration.
func assignFixture(n, m, p int) AssignmentRequest {
	setup := &EvaluationSetup{Pools: []Pool{{Party: MinistryParty}, {Party: Party(evIndia)}}}
	var decls []Declaration
	for i := 1; i <= m; i++ {
		setup.Pools[0].EvaluatorIDs = append(setup.Pools[0].EvaluatorIDs, int64(i))
		decls = append(decls, Declaration{EvaluatorID: int64(i)})
	}
	for i := 1; i <= p; i++ {
		setup.Pools[1].EvaluatorIDs = append(setup.Pools[1].EvaluatorIDs, int64(100+i))
		decls = append(decls, Declaration{EvaluatorID: int64(100 + i)})
	}
	if err := setup.Validate(evCall()); err != nil {
		panic(err)
	}
	req := AssignmentRequest{Setup: setup, Declarations: decls}
	for i := range n {
		a := &Application{ID: int64(1000 + i), CallID: evCallID, LeadOrganisationID: int64(10 + i), Status: ApplicationSubmitted,
			ReceiptNumber: fmt.Sprintf("AAP-%04d", i),
			Partners:      []Partner{{OrganisationID: int64(500 + i), Name: "Partner", Kind: OrgForeignAuthority, Country: "IN", Role: RolePartner}}}
		lead := &Organisation{ID: a.LeadOrganisationID, Kind: OrgFrenchAuthority, AuthorityType: AuthorityCommune,
			TerritoryCode: fmt.Sprintf("69%03d", i), RegionCode: "84"}
		req.Candidates = append(req.Candidates, AssignmentCandidate{Application: a, Lead: lead})
	}
	return req
}

// checkPlan checks the rules every plan keeps: each application gets its
// share from each pool, no evaluator twice on one application, nobody with
// a conflict or without a declaration, loads that match the assignments.
func checkPlan(t *testing.T, req AssignmentRequest, plan *AssignmentPlan) {
	t.Helper()
	quotas := req.Setup.Quotas()
	decls := map[int64]*Declaration{}
	for i := range req.Declarations {
		decls[req.Declarations[i].EvaluatorID] = &req.Declarations[i]
	}
	type key struct{ app, ev int64 }
	seen := map[key]bool{}
	perPool := map[int64][]int{}
	load := map[int64]int{}
	for _, x := range req.Existing {
		if x.Active() {
			load[x.EvaluatorID]++
			if !x.Extra {
				p, _ := req.Setup.poolOf(x.EvaluatorID)
				if perPool[x.ApplicationID] == nil {
					perPool[x.ApplicationID] = make([]int, len(quotas))
				}
				perPool[x.ApplicationID][p]++
			}
			seen[key{x.ApplicationID, x.EvaluatorID}] = true
		}
	}
	cands := map[int64]AssignmentCandidate{}
	for _, c := range req.Candidates {
		cands[c.Application.ID] = c
	}
	for _, x := range plan.Assignments {
		k := key{x.ApplicationID, x.EvaluatorID}
		if seen[k] {
			t.Fatalf("evaluator %d twice on application %d", x.EvaluatorID, x.ApplicationID)
		}
		seen[k] = true
		load[x.EvaluatorID]++
		c := cands[x.ApplicationID]
		d := decls[x.EvaluatorID]
		if d == nil {
			t.Fatalf("evaluator %d has no declaration but got application %d", x.EvaluatorID, x.ApplicationID)
		}
		if cs := Conflicts(d, c.Application, c.Lead); len(cs) > 0 {
			t.Fatalf("evaluator %d has a conflict (%v) but got application %d", x.EvaluatorID, cs, x.ApplicationID)
		}
		p, ok := req.Setup.poolOf(x.EvaluatorID)
		if !ok || req.Setup.Pools[p].Party != x.Party {
			t.Fatalf("assignment %+v: party does not match the evaluator's pool", x)
		}
		if !x.Extra {
			if perPool[x.ApplicationID] == nil {
				perPool[x.ApplicationID] = make([]int, len(quotas))
			}
			perPool[x.ApplicationID][p]++
		}
	}
	for id := range cands {
		if !slices.Equal(perPool[id], quotas) {
			t.Fatalf("application %d got %v from the pools; want %v", id, perPool[id], quotas)
		}
	}
	for _, l := range plan.Loads {
		if l.Load != load[l.EvaluatorID] {
			t.Fatalf("evaluator %d: plan says load %d; counted %d", l.EvaluatorID, l.Load, load[l.EvaluatorID])
		}
	}
	if !slices.IsSortedFunc(plan.Assignments, func(x, y Assignment) int {
		if x.ApplicationID != y.ApplicationID {
			return int(x.ApplicationID - y.ApplicationID)
		}
		return 0
	}) {
		t.Fatal("assignments not in application order")
	}
}

// spread returns max − min of the loads in pool party.
func spread(plan *AssignmentPlan, party Party) int {
	lo, hi := -1, -1
	for _, l := range plan.Loads {
		if l.Party != party {
			continue
		}
		if lo < 0 || l.Load < lo {
			lo = l.Load
		}
		if hi < 0 || l.Load > hi {
			hi = l.Load
		}
	}
	return hi - lo
}

func TestAssignBalanced(t *testing.T) {
	req := assignFixture(10, 4, 3)
	plan, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, req, plan)
	if len(plan.Assignments) != 20 {
		t.Errorf("got %d assignments; want 20", len(plan.Assignments))
	}
	if s := spread(plan, MinistryParty); s > 1 {
		t.Errorf("ministry loads spread by %d; want at most 1: %+v", s, plan.Loads)
	}
	if s := spread(plan, Party(evIndia)); s > 1 {
		t.Errorf("partner loads spread by %d; want at most 1: %+v", s, plan.Loads)
	}
	if a := plan.Assignments[0]; a.ApplicationID != 1000 || a.Party != MinistryParty || plan.Assignments[1].Party != Party(evIndia) {
		t.Errorf("got %+v first; want application 1000, the ministry's evaluator then the partner's", plan.Assignments[:2])
	}

	// The same request in another order gives the same plan.
	shuffled := assignFixture(10, 4, 3)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(shuffled.Candidates), func(i, j int) {
		shuffled.Candidates[i], shuffled.Candidates[j] = shuffled.Candidates[j], shuffled.Candidates[i]
	})
	rng.Shuffle(len(shuffled.Declarations), func(i, j int) {
		shuffled.Declarations[i], shuffled.Declarations[j] = shuffled.Declarations[j], shuffled.Declarations[i]
	})
	again, err := Assign(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plan.Assignments, again.Assignments) {
		t.Error("the order of the input changed the plan")
	}

	// A seed changes the order of ties, and replays.
	req.Seed = 42
	seeded, _ := Assign(req)
	seeded2, _ := Assign(req)
	checkPlan(t, req, seeded)
	if !slices.Equal(seeded.Assignments, seeded2.Assignments) {
		t.Error("the same seed gave two plans")
	}
	differs := false
	for seed := uint64(1); seed < 20 && !differs; seed++ {
		req.Seed = seed
		p, _ := Assign(req)
		differs = !slices.Equal(p.Assignments, plan.Assignments)
	}
	if !differs {
		t.Error("no seed changed the plan; want ties drawn from the seed")
	}
}

func TestAssignExcludesConflicts(t *testing.T) {
	req := assignFixture(6, 3, 3)
	// Evaluator 1 worked for application 1000's lead; 2 holds office in
	// the région of every lead; 101 has a link with 1001's partner; 103
	// has not filed a declaration.
	req.Declarations[0].Organisations = []DeclaredOrganisation{{OrganisationID: 10}}
	req.Declarations[1].Offices = []Office{{Kind: TerritoryRegion, Code: "84"}}
	req.Declarations[3].Links = []InterestLink{{Description: "Cousin", OrganisationIDs: []int64{501}}}
	req.Declarations = slices.DeleteFunc(req.Declarations, func(d Declaration) bool { return d.EvaluatorID == 103 })
	plan, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, req, plan)
	for _, a := range plan.Assignments {
		switch {
		case a.EvaluatorID == 2, a.EvaluatorID == 103:
			t.Errorf("evaluator %d assigned to %d", a.EvaluatorID, a.ApplicationID)
		case a.EvaluatorID == 1 && a.ApplicationID == 1000, a.EvaluatorID == 101 && a.ApplicationID == 1001:
			t.Errorf("conflicted evaluator %d assigned to %d", a.EvaluatorID, a.ApplicationID)
		}
	}
	// Ministry: 6 applications for evaluators 1 and 3 (1 not on 1000): 3 each.
	for _, l := range plan.Loads {
		if (l.EvaluatorID == 1 || l.EvaluatorID == 3) && l.Load != 3 {
			t.Errorf("evaluator %d: load %d; want 3", l.EvaluatorID, l.Load)
		}
	}
}

func TestAssignImpossible(t *testing.T) {
	req := assignFixture(3, 2, 2)
	// Both ministry evaluators worked for application 1001's lead; one
	// partner evaluator has a conflict with 1002, the other no declaration.
	req.Declarations[0].Organisations = []DeclaredOrganisation{{OrganisationID: 11}}
	req.Declarations[1].Organisations = []DeclaredOrganisation{{OrganisationID: 11}}
	req.Declarations[2].Organisations = []DeclaredOrganisation{{OrganisationID: 502}}
	req.Declarations = req.Declarations[:3]
	plan, err := Assign(req)
	if plan != nil {
		t.Fatalf("got a plan %+v; want none", plan)
	}
	errs := errorList(err)
	if len(errs) != 2 {
		t.Fatalf("got %v; want two errors", err)
	}
	if e := errs[0]; e.Code != ECONFLICT || e.Key != "assignment.impossible.ministry" ||
		fmt.Sprint(e.Args) != fmt.Sprint([]any{"AAP-0001", 1, 0, 2, 0}) {
		t.Errorf("got %s %v; want application AAP-0001, 1 needed, 0 free, 2 conflicts, 0 undeclared", e.Key, e.Args)
	}
	if e := errs[1]; e.Key != "assignment.impossible.partner" ||
		fmt.Sprint(e.Args) != fmt.Sprint([]any{"AAP-0002", OrganisationArg(evIndia), 1, 0, 1, 1}) {
		t.Errorf("got %s %v; want application AAP-0002 from India's pool, 1 conflict, 1 undeclared", e.Key, e.Args)
	}

	// An application without a receipt number is named by its ID.
	req.Candidates[1].Application.ReceiptNumber = ""
	_, err = Assign(req)
	if e := errorList(err)[0]; e.Args[0] != "#1001" {
		t.Errorf("got %v; want #1001", e.Args[0])
	}
	if _, err := Assign(AssignmentRequest{}); ErrorCode(err) != EINVALID {
		t.Errorf("no setup: got %v; want EINVALID", err)
	}
}

func TestAssignKeepsExisting(t *testing.T) {
	req := assignFixture(4, 3, 2)
	req.Existing = []Assignment{
		// Application 1000 has both its evaluators already.
		{ApplicationID: 1000, EvaluatorID: 1, Party: MinistryParty},
		{ApplicationID: 1000, EvaluatorID: 101, Party: Party(evIndia)},
		// On 1001, evaluator 2 declared a conflict: never again there.
		{ApplicationID: 1001, EvaluatorID: 2, Party: MinistryParty, EndedAt: evNow, EndReason: EndConflictDeclared},
		// Evaluator 3 carries two assignments from another batch.
		{ApplicationID: 900, EvaluatorID: 3, Party: MinistryParty},
		{ApplicationID: 901, EvaluatorID: 3, Party: MinistryParty},
	}
	plan, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, req, plan)
	for _, a := range plan.Assignments {
		if a.ApplicationID == 1000 {
			t.Errorf("application 1000 was complete; got %+v", a)
		}
		if a.ApplicationID == 1001 && a.EvaluatorID == 2 {
			t.Error("evaluator 2 reassigned to the application they declared a conflict with")
		}
	}
	// Ministry loads: 1 had 1, 3 had 2; three new (1001, 1002, 1003) go
	// so that the loads end 2, 2, 2 or as near.
	if s := spread(plan, MinistryParty); s > 1 {
		t.Errorf("ministry spread %d; want at most 1: %+v", s, plan.Loads)
	}
}

func TestAssignExtra(t *testing.T) {
	req := assignFixture(3, 2, 2)
	req.Existing = []Assignment{{ApplicationID: 1000, EvaluatorID: 1, Party: MinistryParty}, {ApplicationID: 1000, EvaluatorID: 101, Party: Party(evIndia)}}
	req.Candidates = req.Candidates[:1]
	req.Candidates[0].Extra = 1
	plan, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Assignments) != 1 || !plan.Assignments[0].Extra || plan.Assignments[0].EvaluatorID != 2 {
		t.Fatalf("got %+v; want one extra, evaluator 2 (the first of the least loaded)", plan.Assignments)
	}
	// Three extras: only 2 and 102 are free.
	req.Candidates[0].Extra = 3
	if _, err := Assign(req); mustKey(err) != "assignment.extra.impossible" {
		t.Errorf("got %v; want extra.impossible", err)
	}
}

// TestAssignOptimal compares Assign with every possible assignment on small
// random instances with random conflicts: it must reach the smallest sum of
// squared loads, and hence the smallest spread whenever one of at most one
// exists.
func TestAssignOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 300 {
		nApps, nEvs, quota := 2+rng.IntN(4), 2+rng.IntN(3), 1+rng.IntN(2)
		if quota > nEvs {
			quota = nEvs
		}
		setup := &EvaluationSetup{PerApplication: quota, Pools: []Pool{{Party: MinistryParty}}}
		var decls []Declaration
		for e := range nEvs {
			setup.Pools[0].EvaluatorIDs = append(setup.Pools[0].EvaluatorIDs, int64(e+1))
			decls = append(decls, Declaration{EvaluatorID: int64(e + 1)})
		}
		conflict := make([][]bool, nApps)
		req := AssignmentRequest{Setup: setup, Seed: uint64(trial)}
		for a := range nApps {
			conflict[a] = make([]bool, nEvs)
			app := &Application{ID: int64(a + 1), LeadOrganisationID: int64(1000 + a)}
			for e := range nEvs {
				if rng.IntN(4) == 0 {
					conflict[a][e] = true
					decls[e].Organisations = append(decls[e].Organisations, DeclaredOrganisation{OrganisationID: int64(1000 + a)})
				}
			}
			req.Candidates = append(req.Candidates, AssignmentCandidate{Application: app})
		}
		req.Declarations = decls
		best, feasible := bruteForce(conflict, nEvs, quota)
		plan, err := Assign(req)
		if !feasible {
			if err == nil {
				t.Fatalf("trial %d: got a plan for an impossible instance", trial)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v; want a plan", trial, err)
		}
		checkPlan(t, req, plan)
		sum := 0
		for _, l := range plan.Loads {
			sum += l.Load * l.Load
		}
		if sum != best {
			t.Fatalf("trial %d (%d apps, %d evaluators, %d each, conflicts %v): sum of squares %d; best %d; loads %+v",
				trial, nApps, nEvs, quota, conflict, sum, best, plan.Loads)
		}
	}
}

// bruteForce returns the smallest sum of squared loads over every
// assignment of quota evaluators to each application.
func bruteForce(conflict [][]bool, nEvs, quota int) (int, bool) {
	best, found := -1, false
	load := make([]int, nEvs)
	var rec func(a int)
	rec = func(a int) {
		if a == len(conflict) {
			s := 0
			for _, l := range load {
				s += l * l
			}
			if !found || s < best {
				best, found = s, true
			}
			return
		}
		for mask := 0; mask < 1<<nEvs; mask++ {
			n, ok := 0, true
			for e := range nEvs {
				if mask&(1<<e) != 0 {
					n++
					ok = ok && !conflict[a][e]
				}
			}
			if n != quota || !ok {
				continue
			}
			for e := range nEvs {
				if mask&(1<<e) != 0 {
					load[e]++
				}
			}
			rec(a + 1)
			for e := range nEvs {
				if mask&(1<<e) != 0 {
					load[e]--
				}
			}
		}
	}
	rec(0)
	return best, found
}

func TestReassignmentValidate(t *testing.T) {
	r := &Reassignment{ApplicationID: 1, FromEvaluatorID: 2, ToEvaluatorID: 3, Reason: "  Indisponible jusqu'en décembre.  "}
	if err := r.Validate(); err != nil || r.Reason != "Indisponible jusqu'en décembre." {
		t.Errorf("got %v, %q; want valid and trimmed", err, r.Reason)
	}
	for _, tc := range []struct {
		name       string
		r          Reassignment
		field, key string
	}{
		{"no reason", Reassignment{ApplicationID: 1, FromEvaluatorID: 2, ToEvaluatorID: 3, Reason: " "}, "reason", "evaluation.text.required"},
		{"reason too long", Reassignment{ApplicationID: 1, FromEvaluatorID: 2, ToEvaluatorID: 3, Reason: strings.Repeat("x", 2001)}, "reason", "evaluation.text.too_long"},
		{"same evaluator", Reassignment{ApplicationID: 1, FromEvaluatorID: 2, ToEvaluatorID: 2, Reason: "x"}, "to_evaluator_id", "assignment.reassign.same"},
		{"no new evaluator", Reassignment{ApplicationID: 1, FromEvaluatorID: 2, Reason: "x"}, "to_evaluator_id", "assignment.reassign.evaluator.required"},
		{"no former evaluator", Reassignment{ApplicationID: 1, ToEvaluatorID: 2, Reason: "x"}, "from_evaluator_id", "assignment.reassign.evaluator.required"},
		{"no application", Reassignment{FromEvaluatorID: 1, ToEvaluatorID: 2, Reason: "x"}, "application_id", "assignment.reassign.application.required"},
	} {
		if err := tc.r.Validate(); !hasError(err, tc.field, tc.key) {
			t.Errorf("%s: got %v; want %s on %s", tc.name, err, tc.key, tc.field)
		}
	}
}

func TestCheckReassignment(t *testing.T) {
	setup := &EvaluationSetup{Pools: []Pool{{Party: MinistryParty, EvaluatorIDs: []int64{11, 13, 14, 15, 16}}, {Party: Party(evIndia), EvaluatorIDs: []int64{12, 21}}}}
	if err := setup.Validate(evCall()); err != nil {
		t.Fatal(err)
	}
	p := evPanel() // 11 submitted, 12 draft, 14 nothing, 13 declared a conflict
	p.Assignments = append(p.Assignments, Assignment{ApplicationID: evAppID, EvaluatorID: 21, Party: Party(evIndia), Extra: true})
	decl := func(id int64) *Declaration { return &Declaration{EvaluatorID: id} }
	move := func(from, to int64) *Reassignment {
		return &Reassignment{ApplicationID: evAppID, FromEvaluatorID: from, ToEvaluatorID: to, Reason: "Surcharge."}
	}
	for _, tc := range []struct {
		name string
		u    *User
		to   *Declaration
		r    *Reassignment
		code string
		key  string
	}{
		{"replace a draft's author in the same pool", evOfficer, decl(15), move(14, 15), "", ""},
		{"replace the evaluator who declared a conflict", evOfficer, decl(15), move(13, 15), "", ""},
		{"replace an extra from another pool", evOfficer, decl(15), move(21, 15), "", ""},
		{"co-manager may not", evCoManager, decl(15), move(14, 15), EFORBIDDEN, "error.forbidden"},
		{"evaluator may not", evEval1, decl(15), move(14, 15), EFORBIDDEN, "error.forbidden"},
		{"no reason", evOfficer, decl(15), &Reassignment{ApplicationID: evAppID, FromEvaluatorID: 14, ToEvaluatorID: 15}, EINVALID, "evaluation.text.required"},
		{"another application", evOfficer, decl(15), &Reassignment{ApplicationID: 71, FromEvaluatorID: 14, ToEvaluatorID: 15, Reason: "x"}, EINVALID, "assignment.reassign.application.mismatch"},
		{"not assigned", evOfficer, decl(15), move(16, 15), ECONFLICT, "assignment.reassign.not_assigned"},
		{"already submitted", evOfficer, decl(15), move(11, 15), ECONFLICT, "assignment.reassign.submitted"},
		{"to someone in no pool", evOfficer, decl(99), move(14, 99), ECONFLICT, "assignment.reassign.not_in_pool"},
		{"to the other party's pool", evOfficer, decl(21), move(14, 21), ECONFLICT, "assignment.reassign.other_party"},
		{"to one already on it", evOfficer, decl(11), move(14, 11), ECONFLICT, "assignment.reassign.already"},
		{"to one who declared a conflict with it", evOfficer, decl(13), move(14, 13), ECONFLICT, "assignment.reassign.already"},
		{"to one without a declaration", evOfficer, nil, move(14, 15), ECONFLICT, "assignment.reassign.undeclared"},
		{"to one with a conflict", evOfficer, &Declaration{EvaluatorID: 15, Organisations: []DeclaredOrganisation{{OrganisationID: evLyon}}}, move(14, 15),
			ECONFLICT, "evaluation.conflict.lead"},
	} {
		err := CheckReassignment(tc.u, setup, p, evLead(), tc.to, tc.r)
		if ErrorCode(err) != tc.code || err != nil && mustKey(err) != tc.key {
			t.Errorf("%s: got %v; want %q %s", tc.name, err, tc.code, tc.key)
		}
	}
	if !CanManageAssignments(evOfficer, evCall()) || CanManageAssignments(evCoManager, evCall()) || CanManageAssignments(evOfficer, nil) {
		t.Error("CanManageAssignments: want officers, for a call")
	}
}

// scaleRequest is 500 applications for 60 evaluators, 30 in the
// ministry's pool and 30 in the partner's, perApp evaluators each, with a
// conflict for about one pair in oneIn.
func scaleRequest(perApp, oneIn int) AssignmentRequest {
	req := assignFixture(500, 30, 30)
	req.Setup.PerApplication = perApp
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range req.Declarations {
		for a := range 500 {
			if rng.IntN(oneIn) == 0 {
				req.Declarations[i].Organisations = append(req.Declarations[i].Organisations, DeclaredOrganisation{OrganisationID: int64(10 + a)})
			}
		}
	}
	return req
}

func TestAssignAtScale(t *testing.T) {
	for _, tc := range []struct{ perApp, oneIn int }{{2, 20}, {3, 5}} {
		req := scaleRequest(tc.perApp, tc.oneIn)
		plan, err := Assign(req)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, req, plan)
		if spread(plan, MinistryParty) > 1 || spread(plan, Party(evIndia)) > 1 {
			t.Errorf("%d per application, conflicts 1 in %d: unbalanced %+v", tc.perApp, tc.oneIn, plan.Loads)
		}
	}
}

// BenchmarkAssign assigns 500 applications to 60 evaluators, one from each
// pool per application, with a conflict for about one pair in twenty.
func BenchmarkAssign(b *testing.B) {
	req := scaleRequest(2, 20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assign(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssignThreeEach assigns three evaluators per application (two
// from the ministry), with a conflict for about one pair in five.
func BenchmarkAssignThreeEach(b *testing.B) {
	req := scaleRequest(3, 5)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assign(req); err != nil {
			b.Fatal(err)
		}
	}
}
