package coopdec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// canonicalFormat names the layout of CanonicalContent: a change to it is a
// new format, so that receipts issued before stay verifiable.
const canonicalFormat = "coopdec.application.v1"

// The canonical form of an application: structs marshal their fields in
// declaration order and maps with sorted keys, so the bytes depend only on
// the content.
type (
	canonApplication struct {
		Format               string               `json:"format"`
		ID                   int64                `json:"id"`
		CallID               int64                `json:"call_id"`
		LeadOrganisationID   int64                `json:"lead_organisation_id"`
		SubmittedAt          string               `json:"submitted_at"`
		Texts                map[string]canonText `json:"texts"`
		Themes               []string             `json:"themes"`
		Countries            []string             `json:"countries"`
		Places               []string             `json:"places"`
		DurationMonths       int                  `json:"duration_months"`
		Activities           []canonActivity      `json:"activities"`
		Results              []canonResult        `json:"results"`
		Partners             []canonPartner       `json:"partners"`
		BeneficiaryCountries []string             `json:"beneficiary_countries"`
		Expenses             []canonExpenseLine   `json:"expenses"`
		Financing            []canonFinancingLine `json:"financing"`
	}
	canonText struct {
		Title          string `json:"title"`
		Summary        string `json:"summary"`
		Context        string `json:"context"`
		Objectives     string `json:"objectives"`
		Sustainability string `json:"sustainability"`
	}
	canonActivity struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		StartMonth  int    `json:"start_month"`
		EndMonth    int    `json:"end_month"`
	}
	canonResult struct {
		Indicator string `json:"indicator"`
		Unit      string `json:"unit"`
		Baseline  string `json:"baseline"`
		Target    string `json:"target"`
	}
	canonPartner struct {
		OrganisationID    int64  `json:"organisation_id"`
		Name              string `json:"name"`
		Kind              string `json:"kind"`
		Country           string `json:"country"`
		Role              string `json:"role"`
		Contribution      string `json:"contribution"`
		ContributionCents int64  `json:"contribution_cents"`
		InKind            bool   `json:"in_kind"`
	}
	canonExpenseLine struct {
		Category    string `json:"category"`
		Label       string `json:"label"`
		AmountCents int64  `json:"amount_cents"`
	}
	canonFinancingLine struct {
		Source                string `json:"source"`
		FunderOrganisationID  int64  `json:"funder_organisation_id"`
		PartnerOrganisationID int64  `json:"partner_organisation_id"`
		Label                 string `json:"label"`
		AmountCents           int64  `json:"amount_cents"`
		InKind                bool   `json:"in_kind"`
	}
)

// CanonicalContent returns what was submitted of a, as deterministic JSON:
// fields in a fixed order, map keys sorted, no insignificant whitespace, no
// HTML escaping, times in UTC to the second, empty lists as [], languages
// without text left out, and the sets of codes (themes, countries) sorted.
// Lists that carry an order (activities, results, partners, budget lines)
// keep it. What changes after submission without changing the content
// (status, version, timestamps other than SubmittedAt, partners'
// confirmations) is left out. It fails on text that is not valid UTF-8,
// which JSON could not carry unchanged.
func CanonicalContent(a *Application) ([]byte, error) {
	var bad []string
	str := func(field, s string) string {
		if !utf8.ValidString(s) {
			bad = append(bad, field)
		}
		return s
	}
	codes := func(field string, list []string) []string {
		out := make([]string, 0, len(list))
		for _, s := range list {
			out = append(out, str(field, s))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	c := canonApplication{
		Format:               canonicalFormat,
		ID:                   a.ID,
		CallID:               a.CallID,
		LeadOrganisationID:   a.LeadOrganisationID,
		Texts:                map[string]canonText{},
		Themes:               codes("themes", a.Themes),
		Countries:            codes("countries", a.Countries),
		Places:               make([]string, 0, len(a.Places)),
		DurationMonths:       a.DurationMonths,
		Activities:           make([]canonActivity, 0, len(a.Activities)),
		Results:              make([]canonResult, 0, len(a.Results)),
		Partners:             make([]canonPartner, 0, len(a.Partners)),
		BeneficiaryCountries: codes("beneficiary_countries", a.BeneficiaryCountries),
		Expenses:             make([]canonExpenseLine, 0, len(a.Budget.Expenses)),
		Financing:            make([]canonFinancingLine, 0, len(a.Budget.Financing)),
	}
	if !a.SubmittedAt.IsZero() {
		c.SubmittedAt = a.SubmittedAt.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	for l, t := range a.Texts {
		if t.empty() {
			continue
		}
		p := "texts." + str("texts", l) + "."
		c.Texts[l] = canonText{
			Title: str(p+"title", t.Title), Summary: str(p+"summary", t.Summary), Context: str(p+"context", t.Context),
			Objectives: str(p+"objectives", t.Objectives), Sustainability: str(p+"sustainability", t.Sustainability),
		}
	}
	for i, s := range a.Places {
		c.Places = append(c.Places, str(fmt.Sprintf("places.%d", i), s))
	}
	for i, ac := range a.Activities {
		p := fmt.Sprintf("activities.%d.", i)
		c.Activities = append(c.Activities, canonActivity{str(p+"title", ac.Title), str(p+"description", ac.Description), ac.StartMonth, ac.EndMonth})
	}
	for i, r := range a.Results {
		p := fmt.Sprintf("results.%d.", i)
		c.Results = append(c.Results, canonResult{str(p+"indicator", r.Indicator), str(p+"unit", r.Unit), str(p+"baseline", r.Baseline), str(p+"target", r.Target)})
	}
	for i, pa := range a.Partners {
		p := fmt.Sprintf("partners.%d.", i)
		c.Partners = append(c.Partners, canonPartner{
			OrganisationID: pa.OrganisationID, Name: str(p+"name", pa.Name), Kind: str(p+"kind", string(pa.Kind)),
			Country: str(p+"country", pa.Country), Role: str(p+"role", string(pa.Role)),
			Contribution: str(p+"contribution", pa.Contribution), ContributionCents: pa.ContributionCents, InKind: pa.InKind,
		})
	}
	for i, e := range a.Budget.Expenses {
		p := fmt.Sprintf("budget.expenses.%d.", i)
		c.Expenses = append(c.Expenses, canonExpenseLine{str(p+"category", string(e.Category)), str(p+"label", e.Label), e.AmountCents})
	}
	for i, f := range a.Budget.Financing {
		p := fmt.Sprintf("budget.financing.%d.", i)
		c.Financing = append(c.Financing, canonFinancingLine{
			Source: str(p+"source", string(f.Source)), FunderOrganisationID: f.FunderOrganisationID,
			PartnerOrganisationID: f.PartnerOrganisationID, Label: str(p+"label", f.Label), AmountCents: f.AmountCents, InKind: f.InKind,
		})
	}
	if len(bad) > 0 {
		return nil, FieldError(bad[0], "application.field.invalid_text")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("coopdec: canonical content: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ContentHash returns the SHA-256 of a's canonical content, in lower-case
// hexadecimal.
func ContentHash(a *Application) (string, error) {
	b, err := CanonicalContent(a)
	if err != nil {
		return "", err
	}
	return SHA256Hex(b), nil
}

// SHA256Hex returns the SHA-256 of b in lower-case hexadecimal, as receipts
// and content-addressed attachments name it.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AttachmentHash names an attachment of a submitted application by its file
// name and the SHA-256 of its content.
type AttachmentHash struct {
	Name   string
	SHA256 string // lower-case hexadecimal
}

// Receipt is what an applicant gets on submission: anyone holding it can
// check later that the stored application is what was submitted.
type Receipt struct {
	Number        string
	SubmittedAt   time.Time
	ContentSHA256 string
	Attachments   []AttachmentHash
}

// NewReceipt makes the receipt of a submitted application: a.SubmittedAt
// must be set (the server's clock), since the content hash covers it.
func NewReceipt(number string, a *Application, attachments []AttachmentHash) (Receipt, error) {
	if a.SubmittedAt.IsZero() {
		return Receipt{}, errors.New("coopdec: receipt of an application not submitted")
	}
	h, err := ContentHash(a)
	if err != nil {
		return Receipt{}, err
	}
	list := slices.Clone(attachments)
	for i := range list {
		list[i].SHA256 = strings.ToLower(list[i].SHA256)
	}
	slices.SortFunc(list, compareAttachmentHash)
	return Receipt{
		Number:        number,
		SubmittedAt:   a.SubmittedAt.UTC().Truncate(time.Second),
		ContentSHA256: h,
		Attachments:   list,
	}, nil
}

func compareAttachmentHash(x, y AttachmentHash) int {
	if c := strings.Compare(x.Name, y.Name); c != 0 {
		return c
	}
	return strings.Compare(x.SHA256, y.SHA256)
}

// ReceiptNumber writes a submission number: the call's reference, the year
// and the submission's sequence number in that call and year, six digits at
// least, e.g. "AAP-FR-IN-01-2026-000123". The reference is upper-cased,
// with anything but ASCII letters and digits turned into single hyphens.
func ReceiptNumber(callRef string, seq int64, year int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToUpper(callRef) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		} else {
			hyphen = true
		}
	}
	ref := b.String()
	if ref == "" {
		ref = "AAP"
	}
	return fmt.Sprintf("%s-%04d-%06d", ref, year, seq)
}

// Verify checks the receipt against an application as stored and the hashes
// of its stored attachments (computed afresh from the blobs). It returns nil
// when everything matches, and otherwise ECONFLICT errors naming each part
// that differs: the submission time, the content, or an attachment
// changed, missing or added.
func (r Receipt) Verify(a *Application, attachments []AttachmentHash) error {
	var errs Errors
	add := func(field, key string, args ...any) {
		errs = append(errs, &Error{Code: ECONFLICT, Key: key, Args: args, Field: field})
	}
	if !a.SubmittedAt.UTC().Truncate(time.Second).Equal(r.SubmittedAt.UTC().Truncate(time.Second)) {
		add("submitted_at", "receipt.submitted_at.mismatch")
	}
	switch h, err := ContentHash(a); {
	case err != nil:
		return err
	case !strings.EqualFold(h, r.ContentSHA256):
		add("content", "receipt.content.mismatch")
	}

	group := func(list []AttachmentHash) map[string][]string {
		m := map[string][]string{}
		for _, h := range list {
			m[h.Name] = append(m[h.Name], strings.ToLower(h.SHA256))
		}
		for _, v := range m {
			slices.Sort(v)
		}
		return m
	}
	want, got := group(r.Attachments), group(attachments)
	names := make([]string, 0, len(want)+len(got))
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		w, wok := want[n]
		g, gok := got[n]
		switch {
		case !gok:
			add("attachments", "receipt.attachment.missing", n)
		case !wok:
			add("attachments", "receipt.attachment.added", n)
		case !slices.Equal(w, g):
			add("attachments", "receipt.attachment.changed", n)
		}
	}
	return errs.Err()
}
