package web

import (
	"context"
	"net/http"

	"github.com/coopdec/coopdec/coopdec"
)

// The envelope dashboards: per call, each funder's envelope, what final
// decisions committed and what remains, with the ledger; per funder, the
// same across the calls it funds. Each has a bar chart drawn on the server
// as inline SVG, with the same figures in a table for those who do not see
// it.

// balanceRow is one envelope's figures.
type balanceRow struct {
	CallID         int64  `json:"call_id"`
	CallReference  string `json:"call_reference"`
	FunderID       int64  `json:"funder_organisation_id"`
	Funder         string `json:"funder"`
	EnvelopeCents  int64  `json:"envelope_cents"`
	CommittedCents int64  `json:"committed_cents"`
	ReleasedCents  int64  `json:"released_cents"`
	RemainingCents int64  `json:"remaining_cents"`
	Label          string `json:"-"` // the chart's label: the funder or the call
	Envelope       string `json:"-"`
	Committed      string `json:"-"`
	Remaining      string `json:"-"`
}

func newBalanceRow(lang string, c *coopdec.Call, b coopdec.Balance, funder string) balanceRow {
	return balanceRow{CallID: c.ID, CallReference: c.Reference, FunderID: b.FunderOrganisationID, Funder: funder,
		EnvelopeCents: b.AmountCents, CommittedCents: b.NetCommittedCents(), ReleasedCents: b.ReleasedCents,
		RemainingCents: b.RemainingCents, Envelope: coopdec.FormatEuroCents(lang, b.AmountCents),
		Committed: coopdec.FormatEuroCents(lang, b.NetCommittedCents()), Remaining: coopdec.FormatEuroCents(lang, b.RemainingCents)}
}

// chartBar is one bar of an envelope chart, in SVG units: the committed
// part from X0 to X1, the remaining part from X1 to X2.
type chartBar struct {
	Label     string
	Y, TextY  int
	X1, X2    int
	CommitW   int
	RemainW   int
	Committed string
	Remaining string
}

// envelopeChart is an inline SVG bar chart: one horizontal bar per
// envelope, committed then remaining, scaled on the largest envelope.
type envelopeChart struct {
	Width, Height int
	Left          int // where bars start, after the labels
	Bars          []chartBar
	Label         string // the chart's text alternative
}

const (
	chartWidth  = 640
	chartLeft   = 200
	chartBarH   = 24
	chartRowH   = 44
	chartLegend = 40
)

func newEnvelopeChart(label string, rows []balanceRow) *envelopeChart {
	if len(rows) == 0 {
		return nil
	}
	ch := &envelopeChart{Width: chartWidth, Left: chartLeft, Label: label, Height: chartLegend + chartRowH*len(rows)}
	var scale int64 = 1
	for _, r := range rows {
		scale = max(scale, r.EnvelopeCents, r.CommittedCents+max(r.RemainingCents, 0))
	}
	span := int64(chartWidth - chartLeft - 10)
	for i, r := range rows {
		committed := max(r.CommittedCents, 0)
		remaining := max(r.RemainingCents, 0)
		cw := int(committed * span / scale)
		rw := int(remaining * span / scale)
		y := chartLegend + i*chartRowH
		ch.Bars = append(ch.Bars, chartBar{Label: r.Label, Y: y, TextY: y + chartBarH/2 + 5, X1: chartLeft + cw,
			X2: chartLeft + cw + rw, CommitW: cw, RemainW: rw, Committed: r.Committed, Remaining: r.Remaining})
	}
	return ch
}

// envelopePageData is what an envelope dashboard shows.
type envelopePageData struct {
	Call          *coopdec.Call // the call's dashboard; nil for a funder's
	CallTitle     string
	CallTitleLang string
	Funder        *coopdec.Organisation // the funder's dashboard
	Rows          []balanceRow
	Chart         *envelopeChart
	Ledger        []ledgerRow
	Pager         *pager
	Nav           callNav
	Totals        balanceRow
}

// ledgerRow is one ledger entry as the dashboard lists it.
type ledgerRow struct {
	ID          int64   `json:"id"`
	FunderID    int64   `json:"funder_organisation_id"`
	Funder      string  `json:"funder"`
	Kind        string  `json:"kind"`
	AmountCents int64   `json:"amount_cents"`
	Application int64   `json:"application_id"`
	Reference   string  `json:"application_reference"`
	DecisionID  int64   `json:"decision_id"`
	Note        string  `json:"note"`
	At          string  `json:"at"`
	Amount      string  `json:"-"`
	When        instant `json:"-"`
}

// callBalanceRows returns the figures of c's envelopes.
func (s *Server) callBalanceRows(ctx context.Context, lang string, n *names, c *coopdec.Call) ([]balanceRow, error) {
	bs, err := s.db.CallBalances(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]balanceRow, 0, len(bs))
	for _, b := range bs {
		row := newBalanceRow(lang, c, b, n.org(b.FunderOrganisationID))
		row.Label = row.Funder
		out = append(out, row)
	}
	return out, nil
}

func (s *Server) ledgerRows(ctx context.Context, lang string, n *names, entries []coopdec.LedgerEntry) []ledgerRow {
	out := make([]ledgerRow, 0, len(entries))
	for _, e := range entries {
		row := ledgerRow{ID: e.ID, FunderID: e.FunderOrganisationID, Funder: n.org(e.FunderOrganisationID), Kind: string(e.Kind),
			AmountCents: e.AmountCents, Application: e.ApplicationID, DecisionID: e.DecisionID, Note: e.Note,
			At: e.At.UTC().Format(timeFormat), Amount: coopdec.FormatEuroCents(lang, e.AmountCents), When: newInstant(e.At)}
		if a, err := s.db.Application(ctx, e.ApplicationID); err == nil {
			row.Reference = a.ReceiptNumber
		}
		out = append(out, row)
	}
	return out
}

func totalRow(lang string, rows []balanceRow) balanceRow {
	var t balanceRow
	for _, r := range rows {
		t.EnvelopeCents += r.EnvelopeCents
		t.CommittedCents += r.CommittedCents
		t.RemainingCents += r.RemainingCents
	}
	t.Envelope = coopdec.FormatEuroCents(lang, t.EnvelopeCents)
	t.Committed = coopdec.FormatEuroCents(lang, t.CommittedCents)
	t.Remaining = coopdec.FormatEuroCents(lang, t.RemainingCents)
	return t
}

func (s *Server) callEnvelopesPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.decisionCall(r, coopdec.CanSeeCallEnvelopes)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	n := s.newNames(r.Context())
	rows, err := s.callBalanceRows(r.Context(), lang, n, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	entries, page, err := s.db.LedgerPage(r.Context(), c.ID, 0, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &envelopePageData{Call: c, Rows: rows, Nav: newCallNav(r, c, navEnvelopes), Totals: totalRow(lang, rows),
		Ledger: s.ledgerRows(r.Context(), lang, n, entries), Pager: newPager(r, page)}
	t, tl := c.Text(lang)
	d.CallTitle, d.CallTitleLang = t.Title, tl
	v := s.newView(r, "envelope.call.title", d)
	d.Chart = newEnvelopeChart(v.T("envelope.chart.label", c.Reference), rows)
	s.render(w, r, http.StatusOK, "envelope_call", v)
}

// funderOrganisation loads the funder of the path for those who may read
// its envelopes: officers and its members (ENOTFOUND for anyone else).
func (s *Server) funderOrganisation(r *http.Request, name string) (*coopdec.Organisation, error) {
	id, err := apiPathID(r, name, "envelope.funder.not_found")
	if err != nil {
		return nil, err
	}
	if !coopdec.CanSeeFunderEnvelopes(currentUser(r), id) {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "envelope.funder.not_found")
	}
	return s.db.Organisation(r.Context(), id)
}

// funderBalanceRows returns a page of the envelopes org holds, one per call
// it funds.
func (s *Server) funderBalanceRows(ctx context.Context, lang string, org *coopdec.Organisation, p coopdec.Page) ([]balanceRow, coopdec.Page, error) {
	calls, page, err := s.db.FundedCalls(ctx, org.ID, p)
	if err != nil {
		return nil, page, err
	}
	var out []balanceRow
	for _, c := range calls {
		entries, err := s.db.LedgerEntries(ctx, c.ID)
		if err != nil {
			return nil, page, err
		}
		for _, b := range coopdec.CallBalances(c, entries) {
			if b.FunderOrganisationID != org.ID {
				continue
			}
			row := newBalanceRow(lang, c, b, org.Name)
			row.Label = c.Reference
			out = append(out, row)
		}
	}
	return out, page, nil
}

func (s *Server) funderEnvelopesPage(w http.ResponseWriter, r *http.Request) {
	org, err := s.funderOrganisation(r, "orgID")
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	rows, page, err := s.funderBalanceRows(r.Context(), lang, org, pageParam(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &envelopePageData{Funder: org, Rows: rows, Totals: totalRow(lang, rows), Pager: newPager(r, page)}
	v := s.newView(r, "envelope.funder.title", d)
	d.Chart = newEnvelopeChart(v.T("envelope.chart.funder_label", org.Name), rows)
	s.render(w, r, http.StatusOK, "envelope_funder", v)
}
