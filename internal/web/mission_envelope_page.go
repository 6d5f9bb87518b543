package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The officers' page of the PACT2 envelope that pays mission orders: its
// amount, what approved orders committed, what remains, the ledger and the
// changes of the amount; a form to set or raise it, with a reason, never
// below what is committed (coopdec.CheckEnvelopeChange).

// envelopeCommitmentRow is a line of the ledger as the page shows it.
type envelopeCommitmentRow struct {
	MissionID          int64
	Country, Authority string
	Amount             string
	At                 instant
}

// envelopeChangeRow is a change of the amount as the page shows it.
type envelopeChangeRow struct {
	Amount, Reason, By string
	At                 instant
}

// envelopeData is what the envelope's page shows.
type envelopeData struct {
	refData
	Balance map[string]string // amount, committed, remaining; nil before any amount is set
	Ledger  []envelopeCommitmentRow
	Changes []envelopeChangeRow
}

func (s *Server) envelopeView(r *http.Request, form url.Values) (*view, int64, error) {
	p, err := s.db.ProgrammeByCode(r.Context(), followupProgramme)
	if err != nil {
		return nil, 0, err
	}
	lang := info(r).lang
	eur := func(c int64) string { return coopdec.FormatEuroCents(lang, c) }
	d := &envelopeData{refData: refData{lang}}
	b, err := s.db.ProgrammeBalance(r.Context(), p.ID)
	switch {
	case err == nil:
		d.Balance = map[string]string{"amount": eur(b.AmountCents), "committed": eur(b.CommittedCents), "remaining": eur(b.RemainingCents())}
		if form == nil {
			form = url.Values{"amount": {centsInput(b.AmountCents)}}
		}
	case coopdec.ErrorCode(err) != coopdec.ENOTFOUND:
		return nil, 0, err
	}
	ledger, err := s.db.ProgrammeLedger(r.Context(), p.ID)
	if err != nil {
		return nil, 0, err
	}
	for _, c := range ledger {
		d.Ledger = append(d.Ledger, envelopeCommitmentRow{MissionID: c.MissionID, Country: d.CountryName(c.Country),
			Authority: c.AuthorityName, Amount: eur(c.AmountCents), At: newInstant(c.At)})
	}
	changes, err := s.db.ProgrammeEnvelopeChanges(r.Context(), p.ID)
	if err != nil {
		return nil, 0, err
	}
	for _, c := range changes {
		d.Changes = append(d.Changes, envelopeChangeRow{Amount: eur(c.AmountCents), Reason: c.Reason, By: c.By, At: newInstant(c.At)})
	}
	v := s.newView(r, "missionenvelope.title", d)
	v.Form = form
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return v, p.ID, nil
}

func (s *Server) envelopePage(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanSeeProgrammeEnvelope(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	v, _, err := s.envelopeView(r, nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if r.URL.Query().Get("ok") == "set" {
		v.Flash = v.T("missionenvelope.flash.set")
	}
	s.render(w, r, http.StatusOK, "mission_envelope", v)
}

func (s *Server) envelopeSet(w http.ResponseWriter, r *http.Request) {
	if !coopdec.CanSetProgrammeEnvelope(currentUser(r)) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	v, id, err := s.envelopeView(r, r.PostForm)
	if err != nil {
		s.error(w, r, err)
		return
	}
	amount, given, err := parseEuroCents("amount", r.PostForm.Get("amount"))
	if err == nil && !given {
		err = coopdec.FieldError("amount", "missionenvelope.amount.required")
	}
	if err == nil {
		err = renameFields(s.db.ChangeProgrammeEnvelope(r.Context(), currentUser(r), id, amount,
			strings.TrimSpace(r.PostForm.Get("reason")), actor(r)), map[string]string{"amount_cents": "amount"})
	}
	if err == nil {
		http.Redirect(w, r, "/missions/enveloppe?ok=set", http.StatusSeeOther)
		return
	}
	status := statusOf(coopdec.ErrorCode(err))
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		s.error(w, r, err)
		return
	}
	v.addError(err)
	s.render(w, r, status, "mission_envelope", v)
}
