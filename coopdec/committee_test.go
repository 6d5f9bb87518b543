package coopdec

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var lineStart = time.Date(2011, time.September, 1, 10, 0, 0, 0, time.UTC)

func lineAt(hours int) time.Time { return lineStart.Add(time.Duration(hours) * time.Hour) }

// lineFunders are the ministry and India, half each, 100 000 € each.
func lineFunders() []Funder {
	return []Funder{{OrganisationID: 100, EnvelopeCents: 10_000_000, ShareBP: 5000}, {OrganisationID: evIndia, EnvelopeCents: 10_000_000, ShareBP: 5000}}
}

// lineCandidates rank 1, 2, 3, 5, 4, 6 (by total), then 8 (no consensus),
// then 7 (inadmissible). Application 1 takes 60 % of the envelopes, 2 does
// not fit in what is left, 3 would.
func lineCandidates() []Candidate {
	return []Candidate{
		{ApplicationID: 7, Reference: "R-7", SubmittedAt: lineAt(7), Admissible: false, Consensus: scores(10, 10, 10), RequestedCents: 1_000_000},
		{ApplicationID: 5, Reference: "R-5", SubmittedAt: lineAt(1), Admissible: true, Consensus: scores(3, 10, 10), RequestedCents: 1_000_000},
		{ApplicationID: 1, Reference: "R-1", SubmittedAt: lineAt(5), Admissible: true, Consensus: scores(10, 10, 10), RequestedCents: 12_000_000},
		{ApplicationID: 3, Reference: "R-3", SubmittedAt: lineAt(3), Admissible: true, Consensus: scores(7, 7, 7), RequestedCents: 2_000_000},
		{ApplicationID: 8, Reference: "R-8", SubmittedAt: lineAt(8), Admissible: true, RequestedCents: 1_000_000},
		{ApplicationID: 2, Reference: "R-2", SubmittedAt: lineAt(2), Admissible: true, Consensus: scores(8, 8, 8), RequestedCents: 10_000_000},
		{ApplicationID: 6, Reference: "R-6", SubmittedAt: lineAt(6), Admissible: true, Consensus: scores(5, 5, 5), RequestedCents: 1_000_000},
		{ApplicationID: 4, Reference: "R-4", SubmittedAt: lineAt(4), Admissible: true, Consensus: scores(6, 6, 6)},
	}
}

func testLine(t *testing.T) *FundingLine {
	t.Helper()
	l, err := DrawFundingLine(testGrid(), lineFunders(), lineCandidates(), FundingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRankApplications(t *testing.T) {
	g := testGrid()
	ranked := RankApplications(g, lineCandidates())
	var order []int64
	for i, r := range ranked {
		order = append(order, r.ApplicationID)
		if r.Rank != i+1 {
			t.Errorf("position %d has rank %d", i, r.Rank)
		}
	}
	if want := []int64{1, 2, 3, 5, 4, 6, 8, 7}; !slices.Equal(order, want) {
		t.Errorf("got %v; want %v", order, want)
	}
	fundable := map[int64]bool{}
	for _, r := range ranked {
		fundable[r.ApplicationID] = r.Fundable
	}
	for id, want := range map[int64]bool{1: true, 2: true, 3: true, 4: true, 5: false, 6: false, 7: false, 8: false} {
		if fundable[id] != want {
			t.Errorf("application %d: fundable %v; want %v", id, fundable[id], want)
		}
	}

	// Ties: b beats a on relevance; c beats a by submitting earlier; d
	// ties a on everything and wins by its lower ID; e has no submission
	// date and comes last of the tie.
	tie := []Candidate{
		{ApplicationID: 20, SubmittedAt: lineAt(5), Admissible: true, Consensus: scores(6, 6, 6)},                    // a: 36, relevance 6
		{ApplicationID: 21, SubmittedAt: lineAt(9), Admissible: true, Consensus: scores(8, 3, 6)},                    // b: 24+6+6 = 36, relevance 8
		{ApplicationID: 22, SubmittedAt: lineAt(1), Admissible: true, Consensus: scores(6, 6, 6)},                    // c
		{ApplicationID: 19, SubmittedAt: lineAt(5), Admissible: true, Consensus: scores(6, 6, 6)},                    // d
		{ApplicationID: 18, Admissible: true, Consensus: scores(6, 6, 6)},                                            // e
		{ApplicationID: 23, SubmittedAt: lineAt(0), Admissible: true, Consensus: scores(10, 10, 10)[:2]},             // incomplete: after
		{ApplicationID: 24, SubmittedAt: lineAt(0), Admissible: true, Consensus: scores(5, 5, 5), RequestedCents: 1}, // 30
	}
	want := []int64{21, 22, 19, 20, 18, 24, 23}
	for trial := range 20 {
		in := slices.Clone(tie)
		rand.New(rand.NewPCG(uint64(trial), 1)).Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		var got []int64
		for _, r := range RankApplications(g, in) {
			got = append(got, r.ApplicationID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: got %v; want %v", trial, got, want)
		}
	}

	// Without tie-breaks, the earlier submission, then the lower ID.
	plain := testGrid()
	plain.TieBreaks = nil
	var got []int64
	for _, r := range RankApplications(plain, tie[:5]) {
		got = append(got, r.ApplicationID)
	}
	if want := []int64{22, 19, 20, 21, 18}; !slices.Equal(got, want) {
		t.Errorf("no tie-breaks: got %v; want %v", got, want)
	}

	// The smaller request first.
	smaller := testGrid()
	smaller.TieBreaks = []TieBreak{{Kind: TieBreakSmallerRequest}}
	got = nil
	for _, r := range RankApplications(smaller, []Candidate{
		{ApplicationID: 1, SubmittedAt: lineAt(1), Admissible: true, Consensus: scores(6, 6, 6), RequestedCents: 5_000_000},
		{ApplicationID: 2, SubmittedAt: lineAt(2), Admissible: true, Consensus: scores(6, 6, 6), RequestedCents: 4_000_000},
	}) {
		got = append(got, r.ApplicationID)
	}
	if !slices.Equal(got, []int64{2, 1}) {
		t.Errorf("smaller request: got %v; want [2 1]", got)
	}
	if len(RankApplications(g, nil)) != 0 {
		t.Error("no candidates: want an empty ranking")
	}
}

func TestSplitGrant(t *testing.T) {
	half := []Funder{{OrganisationID: 1, ShareBP: 5000}, {OrganisationID: 2, ShareBP: 5000}}
	thirds := []Funder{{OrganisationID: 1, ShareBP: 3333}, {OrganisationID: 2, ShareBP: 3333}, {OrganisationID: 3, ShareBP: 3334}}
	for _, tc := range []struct {
		name    string
		total   int64
		funders []Funder
		want    []int64
	}{
		{"even", 10_000_000, half, []int64{5_000_000, 5_000_000}},
		{"odd cent to the first on a tie", 101, half, []int64{51, 50}},
		{"thirds: the cent to the largest remainder", 100, thirds, []int64{33, 33, 34}},
		{"thirds of 200: the cents to the two largest remainders", 200, thirds, []int64{67, 66, 67}},
		{"one funder", 123_456, []Funder{{OrganisationID: 1, ShareBP: 10000}}, []int64{123_456}},
		{"a funder at 0 %", 101, []Funder{{OrganisationID: 1, ShareBP: 0}, {OrganisationID: 2, ShareBP: 10000}}, []int64{0, 101}},
		{"zero", 0, half, []int64{0, 0}},
	} {
		var got []int64
		for _, s := range SplitGrant(tc.total, tc.funders) {
			got = append(got, s.AmountCents)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 1000 {
		n := 1 + rng.IntN(5)
		fs := make([]Funder, n)
		left := 10000
		for i := range fs {
			fs[i] = Funder{OrganisationID: int64(i + 1), ShareBP: left}
			if i < n-1 {
				fs[i].ShareBP = rng.IntN(left + 1)
			}
			left -= fs[i].ShareBP
		}
		total := rng.Int64N(callCentsMax)
		var sum int64
		for i, s := range SplitGrant(total, fs) {
			sum += s.AmountCents
			exact := float64(total) * float64(fs[i].ShareBP) / 10000
			if d := float64(s.AmountCents) - exact; d < -1.01 || d > 1.01 || s.FunderOrganisationID != fs[i].OrganisationID {
				t.Fatalf("SplitGrant(%d, %v): part %d is %d, %v from exact", total, fs, i, s.AmountCents, d)
			}
		}
		if sum != total {
			t.Fatalf("SplitGrant(%d, %v): parts add up to %d", total, fs, sum)
		}
	}
}

type lineWant struct {
	list    ListKind
	key     string
	args    string
	granted int64
}

func checkLine(t *testing.T, l *FundingLine, want map[int64]lineWant) {
	t.Helper()
	for id, w := range want {
		e := l.Entry(id)
		if e == nil {
			t.Errorf("application %d: not on the line", id)
			continue
		}
		if e.List != w.list || e.Key != w.key || fmt.Sprint(e.Args) != w.args || e.GrantedCents != w.granted {
			t.Errorf("application %d: got %s %s %v %d; want %s %s %s %d", id, e.List, e.Key, e.Args, e.GrantedCents, w.list, w.key, w.args, w.granted)
		}
	}
}

func TestDrawFundingLine(t *testing.T) {
	g := testGrid()
	l := testLine(t)
	checkLine(t, l, map[int64]lineWant{
		1: {ListMain, "committee.line.main", "[12000000]", 12_000_000},
		2: {ListReserve, "committee.line.reserve.envelope", "[100 5000000 4000000]", 10_000_000},
		3: {ListReserve, "committee.line.reserve.below_line", "[2]", 2_000_000},
		5: {ListRejected, "committee.line.rejected.below_criterion", "[relevance]", 0},
		4: {ListRejected, "committee.line.rejected.no_request", "[]", 0},
		6: {ListRejected, "committee.line.rejected.below_overall", "[3]", 0},
		8: {ListRejected, "committee.line.rejected.no_consensus", "[]", 0},
		7: {ListRejected, "committee.line.rejected.not_admissible", "[]", 0},
	})
	if !slices.Equal(l.Remaining, []int64{4_000_000, 4_000_000}) || l.MainCents != 12_000_000 {
		t.Errorf("got remaining %v, main %d; want 40 000 € each left, 120 000 € granted", l.Remaining, l.MainCents)
	}
	if e := l.Entry(2); !slices.Equal(e.RemainingBefore, []int64{4_000_000, 4_000_000}) ||
		!slices.Equal(e.Shares, []FunderShare{{100, 5_000_000}, {evIndia, 5_000_000}}) {
		t.Errorf("entry 2: got before %v, shares %v", e.RemainingBefore, e.Shares)
	}
	if l.Entry(99) != nil {
		t.Error("Entry(99): want nil")
	}

	// Skipping what does not fit funds application 3.
	skip, err := DrawFundingLine(g, lineFunders(), lineCandidates(), FundingOptions{SkipUnaffordable: true})
	if err != nil {
		t.Fatal(err)
	}
	checkLine(t, skip, map[int64]lineWant{
		2: {ListReserve, "committee.line.reserve.envelope", "[100 5000000 4000000]", 10_000_000},
		3: {ListMain, "committee.line.main", "[2000000]", 2_000_000},
	})
	if !slices.Equal(skip.Remaining, []int64{3_000_000, 3_000_000}) {
		t.Errorf("skip: got remaining %v", skip.Remaining)
	}

	// A reserve list of one.
	short, _ := DrawFundingLine(g, lineFunders(), lineCandidates(), FundingOptions{ReserveMax: 1})
	checkLine(t, short, map[int64]lineWant{
		2: {ListReserve, "committee.line.reserve.envelope", "[100 5000000 4000000]", 10_000_000},
		3: {ListRejected, "committee.line.rejected.reserve_full", "[1]", 2_000_000},
	})

	// The committee brings 2 down to 80 000 €: it fits exactly, and 3 no
	// longer does. An adjustment of a rejected application is ignored.
	adj, err := DrawFundingLine(g, lineFunders(), lineCandidates(), FundingOptions{Granted: map[int64]int64{2: 8_000_000, 6: 1}})
	if err != nil {
		t.Fatal(err)
	}
	checkLine(t, adj, map[int64]lineWant{
		2: {ListMain, "committee.line.main.adjusted", "[8000000 10000000]", 8_000_000},
		3: {ListReserve, "committee.line.reserve.envelope", "[100 1000000 0]", 2_000_000},
		6: {ListRejected, "committee.line.rejected.below_overall", "[3]", 0},
	})
	if !slices.Equal(adj.Remaining, []int64{0, 0}) {
		t.Errorf("adjusted: got remaining %v; want nothing left", adj.Remaining)
	}

	// What the ledger says is left, not the whole envelopes.
	ledger, _ := DrawFundingLine(g, lineFunders(), lineCandidates(), FundingOptions{Remaining: []int64{20_000_000, 5_999_999}})
	checkLine(t, ledger, map[int64]lineWant{
		1: {ListReserve, "committee.line.reserve.envelope", fmt.Sprint([]any{evIndia, 6000000, 5999999}), 12_000_000},
		2: {ListReserve, "committee.line.reserve.below_line", "[1]", 10_000_000},
	})

	// Unequal shares: the ministry pays 70 %.
	unequal := []Funder{{OrganisationID: 100, EnvelopeCents: 9_000_000, ShareBP: 7000}, {OrganisationID: evIndia, EnvelopeCents: 9_000_000, ShareBP: 3000}}
	ul, _ := DrawFundingLine(g, unequal, lineCandidates(), FundingOptions{})
	checkLine(t, ul, map[int64]lineWant{
		1: {ListMain, "committee.line.main", "[12000000]", 12_000_000}, // 8.4M + 3.6M
		2: {ListReserve, "committee.line.reserve.envelope", "[100 7000000 600000]", 10_000_000},
	})

	for _, tc := range []struct {
		name    string
		funders []Funder
		opt     FundingOptions
		key     string
	}{
		{"shares below 100 %", []Funder{{OrganisationID: 1, ShareBP: 5000}}, FundingOptions{}, "committee.funders.invalid"},
		{"negative share", []Funder{{OrganisationID: 1, ShareBP: -5000}, {OrganisationID: 2, ShareBP: 15000}}, FundingOptions{}, "committee.funders.invalid"},
		{"no funder", nil, FundingOptions{}, "committee.funders.invalid"},
		{"remaining for one funder of two", lineFunders(), FundingOptions{Remaining: []int64{1}}, "committee.remaining.mismatch"},
		{"above the request", lineFunders(), FundingOptions{Granted: map[int64]int64{1: 12_000_001}}, "committee.adjustment.invalid"},
		{"zero granted", lineFunders(), FundingOptions{Granted: map[int64]int64{1: 0}}, "committee.adjustment.invalid"},
	} {
		if _, err := DrawFundingLine(g, tc.funders, lineCandidates(), tc.opt); ErrorCode(err) != EINVALID || mustKey(err) != tc.key {
			t.Errorf("%s: got %v; want EINVALID %s", tc.name, err, tc.key)
		}
	}

	entries := l.DecisionEntries()
	if len(entries) != 8 || entries[0].ApplicationID != 1 || entries[0].GrantedCents != 12_000_000 || len(entries[0].Shares) != 2 ||
		entries[1].List != ListReserve || entries[1].GrantedCents != 0 || entries[1].Shares != nil || entries[3].Rank != 4 {
		t.Errorf("DecisionEntries: got %+v", entries)
	}
	entries[0].Shares[0].AmountCents = 1
	if l.Entries[0].Shares[0].AmountCents != 6_000_000 {
		t.Error("DecisionEntries shares the line's shares")
	}
}

func TestLineEntryMessageArgs(t *testing.T) {
	g := testGrid()
	l := testLine(t)
	org := func(id int64) string { return map[int64]string{100: "MEAE", evIndia: "MoHUA"}[id] }
	for _, tc := range []struct {
		id   int64
		lang string
		want string
	}{
		{5, "en", "[Relevance]"},
		{5, "fr", "[Pertinence]"},
		{5, "es", "[Pertinence]"},
		{6, "fr", "[3]"},
		{2, "en", "[MEAE €50,000 €40,000]"},
		{1, "fr", "[120\u202f000\u00a0€]"},
	} {
		if got := fmt.Sprint(l.Entry(tc.id).MessageArgs(tc.lang, g, org)); got != tc.want {
			t.Errorf("entry %d in %s: got %q; want %q", tc.id, tc.lang, got, tc.want)
		}
	}
	e := LineEntry{Args: []any{Score(7)}}
	if got := fmt.Sprint(e.MessageArgs("fr", g, nil)); got != "[3,5]" {
		t.Errorf("got %q; want [3,5]", got)
	}
	if got := fmt.Sprint(CriteriaArg{"a", "b"}); got != "a, b" {
		t.Errorf("got %q", got)
	}
}

func TestCheckAdjustment(t *testing.T) {
	l := testLine(t)
	for _, tc := range []struct {
		name       string
		adj        Adjustment
		code       string
		field, key string
	}{
		{"main list, lowered", Adjustment{ApplicationID: 1, GrantedCents: 10_000_000, Justification: "Coûts de mission surévalués."}, "", "", ""},
		{"main list, back to the request", Adjustment{ApplicationID: 1, GrantedCents: 12_000_000, Justification: "x"}, "", "", ""},
		{"reserve list, brought within the envelopes", Adjustment{ApplicationID: 2, GrantedCents: 8_000_000, Justification: "x"}, "", "", ""},
		{"reserve list, one cent too many", Adjustment{ApplicationID: 2, GrantedCents: 8_000_002, Justification: "x"}, EINVALID, "granted_cents", "committee.adjustment.above_envelope"},
		{"above the request", Adjustment{ApplicationID: 1, GrantedCents: 12_000_001, Justification: "x"}, EINVALID, "granted_cents", "committee.adjustment.above_request"},
		{"zero", Adjustment{ApplicationID: 1, Justification: "x"}, EINVALID, "granted_cents", "committee.adjustment.amount.positive"},
		{"no justification", Adjustment{ApplicationID: 1, GrantedCents: 10_000_000, Justification: "  "}, EINVALID, "justification", "evaluation.text.required"},
		{"justification too long", Adjustment{ApplicationID: 1, GrantedCents: 10_000_000, Justification: strings.Repeat("x", 4001)}, EINVALID, "justification", "evaluation.text.too_long"},
		{"not on the line", Adjustment{ApplicationID: 99, GrantedCents: 1, Justification: "x"}, EINVALID, "application_id", "committee.adjustment.unknown"},
		{"not fundable", Adjustment{ApplicationID: 6, GrantedCents: 1, Justification: "x"}, ECONFLICT, "", "committee.adjustment.not_fundable"},
	} {
		adj := tc.adj
		err := CheckAdjustment(&adj, l)
		if ErrorCode(err) != tc.code || err != nil && !hasError(err, tc.field, tc.key) {
			t.Errorf("%s: got %v; want %q %s on %q", tc.name, err, tc.code, tc.key, tc.field)
		}
	}
	adj := Adjustment{ApplicationID: 1, GrantedCents: 1, Justification: "  Réduit.  "}
	if CheckAdjustment(&adj, l); adj.Justification != "Réduit." {
		t.Errorf("got %q; want the justification trimmed", adj.Justification)
	}
	c := evCall()
	if !CanRunCommittee(evOfficer, c) || !CanRunCommittee(evCoManager, c) || CanRunCommittee(evOtherCoMan, c) || CanRunCommittee(evEval1, c) || CanRunCommittee(evAdmin, c) {
		t.Error("CanRunCommittee: want officers and the call's co-managers")
	}
}

func TestCommitteeSessionValidate(t *testing.T) {
	s := &CommitteeSession{HeldAt: lineStart, Participants: []string{" Claire Martin ", "", "Priya Raman"}, Minutes: " Séance ouverte à 10 h. "}
	if err := s.Validate(); err != nil || len(s.Participants) != 2 || s.Minutes != "Séance ouverte à 10 h." {
		t.Errorf("got %v, %+v; want valid and trimmed", err, s)
	}
	if err := (&CommitteeSession{}).Validate(); !hasError(err, "held_at", "committee.session.date.required") {
		t.Errorf("no date: got %v", err)
	}
	if err := (&CommitteeSession{HeldAt: lineStart, Participants: make([]string, 101)}).Validate(); err != nil {
		t.Errorf("blank participants are dropped: got %v", err)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "P"
	}
	if err := (&CommitteeSession{HeldAt: lineStart, Participants: many}).Validate(); !hasError(err, "participants", "committee.session.participants.too_many") {
		t.Errorf("too many: got %v", err)
	}
	if err := (&CommitteeSession{HeldAt: lineStart, Minutes: strings.Repeat("x", minutesMax+1)}).Validate(); !hasError(err, "minutes", "evaluation.text.too_long") {
		t.Errorf("long minutes: got %v", err)
	}
}

func TestDecisionState(t *testing.T) {
	c := evCall()
	ministry := evCall()
	ministry.DecisionRule = DecisionMinistry
	paca := &Call{ID: 9, CoManagers: []int64{103}}
	twoCoManagers := &Call{ID: 10, CoManagers: []int64{102, 104}, DecisionRule: DecisionAllParties}
	for _, tc := range []struct {
		name string
		c    *Call
		want []Party
	}{
		{"joint call: the ministry and the partner state", c, []Party{MinistryParty, Party(evIndia)}},
		{"ministry decides", ministry, []Party{MinistryParty}},
		{"default rule: every party", paca, []Party{MinistryParty, 103}},
		{"two co-managers", twoCoManagers, []Party{MinistryParty, 102, 104}},
		{"no call", nil, nil},
	} {
		if got := RequiredParties(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("RequiredParties %s: got %v; want %v", tc.name, got, tc.want)
		}
	}

	req := RequiredParties(c)
	yes := func(p Party, v int) Approval { return Approval{Version: v, Party: p, Approved: true} }
	no := func(p Party, v int) Approval { return Approval{Version: v, Party: p, Comment: "Non."} }
	india := Party(evIndia)
	for _, tc := range []struct {
		name      string
		required  []Party
		version   int
		approvals []Approval
		want      DecisionStatus
	}{
		{"nothing yet", req, 1, nil, DecisionPending},
		{"the ministry alone", req, 1, []Approval{yes(MinistryParty, 1)}, DecisionPending},
		{"both", req, 1, []Approval{yes(india, 1), yes(MinistryParty, 1)}, DecisionFinal},
		{"the partner rejects", req, 1, []Approval{yes(MinistryParty, 1), no(india, 1)}, DecisionRejected},
		{"the ministry rejects first", req, 1, []Approval{no(MinistryParty, 1)}, DecisionRejected},
		{"approvals of the last version do not count", req, 2, []Approval{yes(india, 1), yes(MinistryParty, 1), no(india, 1)}, DecisionPending},
		{"version 2 approved after a rejection of version 1", req, 2, []Approval{no(india, 1), yes(india, 2), yes(MinistryParty, 2)}, DecisionFinal},
		{"an advising co-manager's rejection does not count", RequiredParties(ministry), 1, []Approval{no(india, 1), yes(MinistryParty, 1)}, DecisionFinal},
		{"a party that is not required", req, 1, []Approval{yes(MinistryParty, 1), yes(india, 1), no(Party(999), 1)}, DecisionFinal},
		{"nobody required is never final", nil, 1, []Approval{yes(MinistryParty, 1)}, DecisionPending},
	} {
		if got := DecisionState(tc.required, tc.version, tc.approvals); got != tc.want {
			t.Errorf("%s: got %s; want %s", tc.name, got, tc.want)
		}
	}
}

func TestCheckApproval(t *testing.T) {
	c := evCall()
	d := &Decision{ID: 5, CallID: evCallID, Version: 2}
	india := Party(evIndia)
	ans := func(p Party, approved bool, comment string) *Approval {
		return &Approval{DecisionID: 5, Version: 2, Party: p, Approved: approved, Comment: comment}
	}
	ministryYes := Approval{DecisionID: 5, Version: 2, Party: MinistryParty, Approved: true}
	indiaYes := Approval{DecisionID: 5, Version: 2, Party: india, Approved: true}
	indiaNo := Approval{DecisionID: 5, Version: 2, Party: india, Comment: "Budget à revoir."}
	for _, tc := range []struct {
		name     string
		u        *User
		c        *Call
		d        *Decision
		ap       *Approval
		existing []Approval
		code     string
		key      string
	}{
		{"officer approves for the ministry", evOfficer, c, d, ans(MinistryParty, true, ""), nil, "", ""},
		{"co-manager approves for India", evCoManager, c, d, ans(india, true, ""), []Approval{ministryYes}, "", ""},
		{"co-manager rejects with a comment", evCoManager, c, d, ans(india, false, "Le projet 4 doit passer en liste principale."), nil, "", ""},
		{"rejects without a comment", evCoManager, c, d, ans(india, false, "  "), nil, EINVALID, "evaluation.text.required"},
		{"comment too long", evOfficer, c, d, ans(MinistryParty, true, strings.Repeat("x", 4001)), nil, EINVALID, "evaluation.text.too_long"},
		{"co-manager for the ministry", evCoManager, c, d, ans(MinistryParty, true, ""), nil, EFORBIDDEN, "error.forbidden"},
		{"officer for India", evOfficer, c, d, ans(india, true, ""), nil, EFORBIDDEN, "error.forbidden"},
		{"co-manager of another call", evOtherCoMan, c, d, ans(Party(evOtherCoMgr), true, ""), nil, EFORBIDDEN, "error.forbidden"},
		{"member without the role", evMemberOnly, c, d, ans(india, true, ""), nil, EFORBIDDEN, "error.forbidden"},
		{"administrator", evAdmin, c, d, ans(MinistryParty, true, ""), nil, EFORBIDDEN, "error.forbidden"},
		{"decision of another call", evOfficer, c, &Decision{ID: 5, CallID: 8, Version: 2}, ans(MinistryParty, true, ""), nil, EFORBIDDEN, "error.forbidden"},
		{"answer to an old version", evOfficer, c, d, &Approval{DecisionID: 5, Version: 1, Party: MinistryParty, Approved: true}, nil, ECONFLICT, "decision.version.stale"},
		{"answer to another decision", evOfficer, c, d, &Approval{DecisionID: 6, Version: 2, Party: MinistryParty, Approved: true}, nil, ECONFLICT, "decision.version.stale"},
		{"already final", evOfficer, c, d, ans(MinistryParty, true, ""), []Approval{ministryYes, indiaYes}, ECONFLICT, "decision.final"},
		{"already rejected", evOfficer, c, d, ans(MinistryParty, true, ""), []Approval{indiaNo}, ECONFLICT, "decision.rejected"},
		{"the ministry answered already", evOfficer, c, d, ans(MinistryParty, false, "Revoir."), []Approval{ministryYes}, ECONFLICT, "decision.already_answered"},
	} {
		err := CheckApproval(tc.u, tc.c, tc.d, tc.ap, tc.existing)
		if ErrorCode(err) != tc.code || err != nil && mustKey(err) != tc.key {
			t.Errorf("%s: got %v; want %q %s", tc.name, err, tc.code, tc.key)
		}
	}

	// Under the ministry's rule, a co-manager's answer is advice: allowed,
	// and the ministry's approval alone makes the decision final.
	ministry := evCall()
	ministry.DecisionRule = DecisionMinistry
	if err := CheckApproval(evCoManager, ministry, d, ans(india, false, "Réserves."), []Approval{}); err != nil {
		t.Errorf("advice: got %v", err)
	}
	if got := DecisionState(RequiredParties(ministry), 2, []Approval{indiaNo, ministryYes}); got != DecisionFinal {
		t.Errorf("got %s; want final", got)
	}
}

func TestCheckReviewRequest(t *testing.T) {
	a := evApplication()
	rejected := &DecisionEntry{ApplicationID: evAppID, List: ListRejected}
	notified := lineStart
	r := func(reason string) *ReviewRequest { return &ReviewRequest{ApplicationID: evAppID, Reason: reason} }
	for _, tc := range []struct {
		name     string
		u        *User
		entry    *DecisionEntry
		notified time.Time
		existing []ReviewRequest
		req      *ReviewRequest
		now      time.Time
		code     string
		key      string
	}{
		{"the next day", evLeadMember, rejected, notified, nil, r("Le seuil n'a pas tenu compte de la lettre de l'État partenaire."), notified.Add(24 * time.Hour), "", ""},
		{"at the last instant", evLeadMember, rejected, notified, nil, r("x"), notified.Add(30 * 24 * time.Hour), "", ""},
		{"a second too late", evLeadMember, rejected, notified, nil, r("x"), notified.Add(30*24*time.Hour + time.Second), ECONFLICT, "review.too_late"},
		{"on the reserve list", evLeadMember, &DecisionEntry{ApplicationID: evAppID, List: ListReserve}, notified, nil, r("x"), notified, ECONFLICT, "review.not_rejected"},
		{"funded", evLeadMember, &DecisionEntry{ApplicationID: evAppID, List: ListMain}, notified, nil, r("x"), notified, ECONFLICT, "review.not_rejected"},
		{"no decision", evLeadMember, nil, notified, nil, r("x"), notified, ECONFLICT, "review.not_rejected"},
		{"another application's entry", evLeadMember, &DecisionEntry{ApplicationID: 71, List: ListRejected}, notified, nil, r("x"), notified, ECONFLICT, "review.not_rejected"},
		{"not notified", evLeadMember, rejected, time.Time{}, nil, r("x"), notified, ECONFLICT, "review.not_notified"},
		{"asked already", evLeadMember, rejected, notified, []ReviewRequest{{ApplicationID: evAppID}}, r("x"), notified, ECONFLICT, "review.already"},
		{"no reason", evLeadMember, rejected, notified, nil, r("  "), notified, EINVALID, "evaluation.text.required"},
		{"reason too long", evLeadMember, rejected, notified, nil, r(strings.Repeat("x", 4001)), notified, EINVALID, "evaluation.text.too_long"},
		{"not the applicant", evOfficer, rejected, notified, nil, r("x"), notified, EFORBIDDEN, "error.forbidden"},
		{"request about another application", evLeadMember, rejected, notified, nil, &ReviewRequest{ApplicationID: 71, Reason: "x"}, notified, EFORBIDDEN, "error.forbidden"},
	} {
		err := CheckReviewRequest(tc.u, a, tc.entry, tc.notified, tc.existing, tc.req, tc.now)
		if ErrorCode(err) != tc.code || err != nil && mustKey(err) != tc.key {
			t.Errorf("%s: got %v; want %q %s", tc.name, err, tc.code, tc.key)
		}
	}
	if got := ReviewDeadline(notified); !got.Equal(notified.Add(720 * time.Hour)) {
		t.Errorf("ReviewDeadline: got %v", got)
	}

	c := evCall()
	open := &ReviewRequest{ApplicationID: evAppID, Reason: "x"}
	for _, tc := range []struct {
		name    string
		u       *User
		r       *ReviewRequest
		outcome ReviewOutcome
		comment string
		code    string
		key     string
	}{
		{"officer upholds", evOfficer, open, ReviewUpheld, "Le classement est confirmé.", "", ""},
		{"co-manager revises", evCoManager, open, ReviewRevised, "Nouvelle évaluation.", "", ""},
		{"co-manager of another call", evOtherCoMan, open, ReviewUpheld, "x", EFORBIDDEN, "error.forbidden"},
		{"the applicant", evLeadMember, open, ReviewUpheld, "x", EFORBIDDEN, "error.forbidden"},
		{"answered already", evOfficer, &ReviewRequest{Outcome: ReviewUpheld}, ReviewRevised, "x", ECONFLICT, "review.decided"},
		{"unknown outcome", evOfficer, open, "maybe", "x", EINVALID, "review.outcome.invalid"},
		{"no comment", evOfficer, open, ReviewUpheld, " ", EINVALID, "evaluation.text.required"},
	} {
		err := CheckReviewOutcome(tc.u, c, tc.r, tc.outcome, tc.comment)
		if ErrorCode(err) != tc.code || err != nil && mustKey(err) != tc.key {
			t.Errorf("outcome %s: got %v; want %q %s", tc.name, err, tc.code, tc.key)
		}
	}
}

// benchCandidates are n applications on a five-criterion grid with random
// consensus scores (a few missing or inadmissible) and requests of 20 000
// to 200 000 €.
func benchCandidates(n int) (*Grid, []Candidate) {
	g := &Grid{Threshold: 5, TieBreaks: []TieBreak{{Kind: TieBreakCriterion, Criterion: "c0"}, {Kind: TieBreakSubmission}}}
	for i := range 5 {
		g.Criteria = append(g.Criteria, Criterion{Code: fmt.Sprintf("c%d", i), Texts: map[string]CriterionText{"fr": {Title: "C"}}, Weight: 1 + i, Threshold: 2})
	}
	rng := rand.New(rand.NewPCG(1, 1))
	cands := make([]Candidate, n)
	for i := range cands {
		c := Candidate{ApplicationID: int64(i + 1), SubmittedAt: lineAt(rng.IntN(1000)), Admissible: rng.IntN(20) != 0,
			RequestedCents: 2_000_000 + rng.Int64N(18_000_000)}
		if rng.IntN(50) != 0 {
			for _, cr := range g.Criteria {
				c.Consensus = append(c.Consensus, CriterionScore{Criterion: cr.Code, Score: Score(rng.IntN(11))})
			}
		}
		cands[i] = c
	}
	return g, cands
}

func BenchmarkRankApplications(b *testing.B) {
	g, cands := benchCandidates(2000)
	b.ReportAllocs()
	for b.Loop() {
		RankApplications(g, cands)
	}
}

func BenchmarkDrawFundingLine(b *testing.B) {
	g, cands := benchCandidates(2000)
	// Envelopes for about a quarter of the fundable applications.
	funders := []Funder{{OrganisationID: 1, EnvelopeCents: 2_500_000_000, ShareBP: 5000}, {OrganisationID: 2, EnvelopeCents: 2_500_000_000, ShareBP: 5000}}
	l, err := DrawFundingLine(g, funders, cands, FundingOptions{})
	if err != nil {
		b.Fatal(err)
	}
	main := 0
	for _, e := range l.Entries {
		if e.List == ListMain {
			main++
		}
	}
	if main == 0 || main == len(cands) {
		b.Fatalf("%d on the main list; want some", main)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DrawFundingLine(g, funders, cands, FundingOptions{SkipUnaffordable: true}); err != nil {
			b.Fatal(err)
		}
	}
}
