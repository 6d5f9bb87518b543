package web

import (
	"html/template"
	"strconv"
	"strings"
)

// The sections of the application's page drawn in Go: the form's fields
// (texts, places, activities, results, partners, budget), the documents
// and the eligibility. The template engine spent some 2 µs on each of
// their hundreds of actions, most of the owner's page; the partials of
// application_fields.html and application_side.html stay the markup's
// reference, held equal to these by TestAplSectionsAsTemplates. Every
// value is escaped with esc (text and attributes) or escHref (links), as
// html/template would.

// markup is markup written in Go, its values escaped by the writer.
type markup struct{ strings.Builder }

// w writes markup as it is.
func (m *markup) w(parts ...string) {
	for _, p := range parts {
		m.WriteString(p)
	}
}

// aplHTML writes a page's sections.
type aplHTML struct {
	markup
	v *view
	d *aplPageData
}

func newAplHTML(v *view, d *aplPageData, size int) *aplHTML {
	h := &aplHTML{v: v, d: d}
	h.Grow(size)
	return h
}

// e writes text, escaped.
func (h *aplHTML) e(s string) { h.WriteString(esc(s)) }

// t writes a translation, escaped.
func (h *aplHTML) t(key string, args ...any) { h.WriteString(esc(h.v.T(key, args...))) }

// fieldError writes the error of a field, as the fielderror partial does.
func (h *aplHTML) fieldError(field string) {
	if e := h.v.Errors[field]; e != "" {
		h.w(`<p class="field-error" id="`, esc(field), `-error">`, esc(e), `</p>`)
	}
}

// describedByError writes the aria-describedby of a fieldset whose field
// has an error.
func (h *aplHTML) describedByError(field string) {
	if h.v.Errors[field] != "" {
		h.w(` aria-describedby="`, esc(field), `-error"`)
	}
}

func (h *aplHTML) html() template.HTML { return template.HTML(h.String()) }

// escHref escapes a link as html/template does in an href: a scheme other
// than http, https or mailto is refused, characters that a URL does not
// hold as they are are percent-encoded (existing escapes kept), and the
// result is escaped as an attribute.
func escHref(s string) string {
	if i := strings.IndexAny(s, ":/?#"); i > 0 && s[i] == ':' {
		switch strings.ToLower(s[:i]) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	return esc(percentEncode(s, true))
}

// percentEncode escapes, as html/template does in URLs, every byte but
// letters, digits and -._~; with reserved, also keeps the characters a URL
// holds as they are (!#$&*+,/:;=?@[]) and existing escapes (a link
// normalised); without, it escapes a part (a fragment).
func percentEncode(s string, reserved bool) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~", c) >= 0,
			reserved && strings.IndexByte("!#$&*+,/:;=?@[]", c) >= 0,
			reserved && c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			b.WriteByte(c)
		default:
			b.WriteString("%" + string(hex[c>>4]) + string(hex[c&15]))
		}
	}
	return b.String()
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// FieldsHTML draws the form's editable parts, as the application_fields
// partial does: all of them on a draft, those a correction request opens
// on an answer.
func (d *aplPageData) FieldsHTML(v *view) template.HTML {
	h := newAplHTML(v, d, 64<<10)
	h.fields()
	return h.html()
}

// fields writes what FieldsHTML returns.
func (h *aplHTML) fields() {
	d := h.d
	if d.Edits("texts") {
		h.texts()
	}
	if d.Edits("themes") || d.Edits("countries") || d.Edits("places") || d.Edits("beneficiary_countries") || d.Edits("duration_months") {
		h.where()
	}
	if d.Edits("activities") {
		h.numbered("activities", []aplRowField{{"title", "text", true}, {"description", "textarea", false}},
			[]aplRowField{{"start", "months", true}, {"end", "months", true}})
	}
	if d.Edits("results") {
		h.numbered("results", []aplRowField{{"indicator", "text", true}},
			[]aplRowField{{"unit", "text", false}, {"baseline", "decimal", false}, {"target", "decimal", true}})
	}
	if d.Edits("partners") {
		h.partners()
	}
	if d.Edits("budget") {
		h.budget()
	}
}

func (h *aplHTML) texts() {
	v, d := h.v, h.d
	h.sectionStart("texts", "")
	for _, l := range d.Langs {
		h.w(`<fieldset lang="`, esc(l), `" class="apl-texts">`, "\n", `<legend lang="`, esc(v.Lang), `">`)
		if l == "fr" {
			h.t("applicant.texts.fr")
		} else {
			h.t("applicant.texts.other", d.LangName(l))
		}
		h.w("</legend>\n")
		if l != "fr" {
			h.w(`<p class="hint" lang="`, esc(v.Lang), `">`)
			h.t("applicant.texts.other.hint")
			h.w("</p>")
		}
		h.w("\n", string(d.TextIn(v, l, "title").HTML()), "\n", string(d.TextIn(v, l, "summary").HTML()), "\n")
		more := func() {
			for _, f := range []string{"context", "objectives", "sustainability"} {
				h.w(string(d.TextIn(v, l, f).HTML()), "\n")
			}
		}
		if l == "fr" {
			more()
		} else {
			h.w(`<details class="apl-more"`)
			if d.Val("texts."+l+".context") != "" || d.Val("texts."+l+".objectives") != "" || d.Val("texts."+l+".sustainability") != "" {
				h.w(" open")
			}
			h.w(">\n", `<summary lang="`, esc(v.Lang), `">`)
			h.t("applicant.texts.more")
			h.w("</summary>\n")
			more()
			h.w("</details>\n")
		}
		h.w("</fieldset>\n")
	}
	h.w("</section>\n")
}

// sectionStart opens the form's section name with its title; attrs are
// more of the section's attributes.
func (h *aplHTML) sectionStart(name, attrs string) {
	h.w("\n", `<section class="apl-section" aria-labelledby="sec-`, name, `"`, attrs, ">\n", `<h2 id="sec-`, name, `">`)
	h.t("applicant.section." + name)
	h.w("</h2>\n")
}

// checksFieldset draws a fieldset of checkboxes (themes, countries).
func (h *aplHTML) checksFieldset(name, class string, required bool) {
	h.w("<fieldset")
	h.describedByError(name)
	h.w(">\n<legend>")
	h.t("applicant.field." + name)
	if required {
		h.required()
	}
	h.w("</legend>\n", `<p class="hint">`)
	h.t("applicant.field." + name + ".hint")
	h.w("</p>\n", `<div class="`, class, `">`, string(h.d.Checks(h.v, name)), "\n</div>\n")
	h.fieldError(name)
	h.w("\n</fieldset>\n")
}

// required writes the mark of a required field.
func (h *aplHTML) required() {
	h.w(` <span class="call-required" aria-hidden="true">*</span><span class="visually-hidden"> `)
	h.t("applicant.form.required_short")
	h.w("</span>")
}

func (h *aplHTML) where() {
	v, d := h.v, h.d
	h.sectionStart("where", "")
	if d.Edits("themes") {
		h.checksFieldset("themes", "apl-choices", true)
	}
	if d.Edits("countries") {
		h.checksFieldset("countries", "apl-choices apl-countries", true)
	}
	if d.Edits("places") {
		h.w(string(d.In(v, "places", "applicant.field.places", "textarea", "applicant.field.places.hint", false).HTML()), "\n")
	}
	if d.Edits("beneficiary_countries") {
		if d.ShowBenef {
			h.checksFieldset("beneficiary_countries", "apl-choices apl-countries", false)
		} else {
			for _, c := range d.App.BeneficiaryCountries {
				h.w(`<input type="hidden" name="beneficiary_countries" value="`, esc(c), `">`)
			}
			h.w("\n")
		}
	}
	if d.Edits("duration_months") {
		h.w(string(d.In(v, "duration_months", "applicant.field.duration_months", "months", "applicant.field.duration_months.hint", true).HTML()), "\n")
	}
	h.w("</section>\n")
}

// group opens a section's fieldset of numbered rows: its ID is the
// group's name.
func (h *aplHTML) group(name, legendKey, hintKey string) {
	h.w(`<fieldset id="`, esc(name), `"`)
	h.describedByError(name)
	h.w(">\n<legend>")
	h.t(legendKey)
	h.w("</legend>\n")
	if hintKey != "" {
		h.w(`<p class="hint">`)
		h.t(hintKey)
		h.w("</p>\n")
	}
	h.fieldError(name)
	h.w("\n")
}

// rowStart opens row i of a group.
func (h *aplHTML) rowStart(group, class, id string, i int) {
	h.w(`<fieldset class="`, class, `"`)
	if id != "" {
		h.w(` id="`, id, `"`)
	}
	h.w(">\n<legend>")
	h.t("applicant.group." + group)
	h.w(" ", strconv.Itoa(i+1), "</legend>\n")
}

// rowEnd closes row i with its button that removes it.
func (h *aplHTML) rowEnd(group string, i int) {
	h.w(`<button type="submit" name="action" value="remove:`, esc(group), ".", strconv.Itoa(i), `" class="secondary apl-remove">`)
	h.t("applicant.row.remove."+group, i+1)
	h.w("</button>\n</fieldset>\n")
}

// groupEnd closes a group's fieldset with its button that adds a row.
func (h *aplHTML) groupEnd(group string) {
	h.w(`<button type="submit" name="action" value="add:`, esc(group), `" class="secondary">`)
	h.t("applicant.row.add." + group)
	h.w("</button>\n</fieldset>\n")
}

// in writes a control of row i.
func (h *aplHTML) in(group string, i int, field, typ string, required bool) {
	h.w(string(h.d.RowIn(h.v, group, i, field, typ, required).HTML()), "\n")
}

// aplRowField is a control of a numbered row.
type aplRowField struct {
	field, typ string
	required   bool
}

// numbered writes the section of a group of numbered rows (activities,
// results): each row's fields, then its inline ones side by side.
func (h *aplHTML) numbered(group string, fields, inline []aplRowField) {
	h.sectionStart(group, "")
	h.group(group, "applicant."+group+".legend", "applicant."+group+".hint")
	for _, i := range h.d.Row(group) {
		h.rowStart(group, "apl-row", "", i)
		for _, f := range fields {
			h.in(group, i, f.field, f.typ, f.required)
		}
		h.w(`<div class="apl-inline">`, "\n")
		for _, f := range inline {
			h.in(group, i, f.field, f.typ, f.required)
		}
		h.w("</div>\n")
		h.rowEnd(group, i)
	}
	h.groupEnd(group)
	h.w("</section>\n")
}

func (h *aplHTML) partners() {
	v, d := h.v, h.d
	h.sectionStart("partners", "")
	h.group("partners", "applicant.partners.legend", "applicant.partners.hint")
	note := d.OrgSearchNote()
	h.w(`<div class="field apl-find" id="partner-search">`, "\n", `<label for="organisations">`)
	h.t("applicant.partners.find.label")
	h.w("</label>\n", `<p class="hint" id="organisations-hint">`)
	h.t("applicant.partners.find.hint")
	h.w("</p>\n", `<div class="apl-inline">`, "\n",
		`<input type="search" id="organisations" name="organisations" value="`, esc(d.OrgQuery), `" aria-describedby="organisations-hint`)
	if note != "" {
		h.w(" organisations-note")
	}
	h.w(`">`, "\n", `<button type="submit" name="action" value="find:partners" class="secondary">`)
	h.t("applicant.partners.find.button")
	h.w("</button>\n</div>\n")
	if note != "" {
		h.w(`<p class="hint" id="organisations-note" role="status">`, esc(note), "</p>")
	}
	h.w("\n</div>\n")
	for _, i := range d.Row("partners") {
		n := strconv.Itoa(i)
		h.rowStart("partners", "apl-row", "partner-"+n, i)
		d.rowSelect(&h.Builder, v, "partners", i, "organisation_id")
		h.w("\n")
		h.in("partners", i, "name", "text", false)
		h.w(`<div class="apl-inline">`, "\n")
		for _, f := range []string{"kind", "country", "role"} {
			d.rowSelect(&h.Builder, v, "partners", i, f)
			h.w("\n")
		}
		h.w("</div>\n")
		h.in("partners", i, "contribution", "textarea", false)
		h.w(`<div class="apl-inline">`, "\n")
		h.in("partners", i, "contribution_cents", "money", false)
		h.w(string(d.RowCheck(v, "partners", i, "in_kind")), "\n</div>\n")
		if d.Draft() {
			if p := d.PartnerAt(i); p != nil {
				if !p.Lead {
					h.confirmation(i, p)
				}
			} else if d.Val(d.Key("partners", i, "name")) != "" && d.Val(d.Key("partners", i, "role")) != "lead" {
				h.w(`<p class="hint">`)
				h.t("applicant.partner.save_first")
				h.w("</p>")
			}
		}
		h.w("\n")
		h.rowEnd("partners", i)
	}
	h.groupEnd("partners")
	h.w("</section>\n")
}

// confirmation writes where the confirmation of the partner on row i
// stands, and the invitation to send when it is not confirmed.
func (h *aplHTML) confirmation(i int, p *aplPartnerState) {
	status := p.Status
	if status == "" {
		status = "none"
	}
	h.w("\n", `<div class="apl-confirm apl-confirm-`, esc(status), `">`, "\n<p><strong>")
	h.t("applicant.partner.confirmation")
	h.w("</strong> ", esc(p.Label), "</p>\n")
	if p.Comment != "" {
		h.w(`<blockquote class="apl-quote">`, esc(p.Comment), "</blockquote>")
	}
	h.w("\n")
	if p.Status != "confirmed" {
		h.w(string(h.d.InviteFields(h.v, i, p)), "\n",
			`<button type="submit" class="secondary" formaction="`, escHref(h.d.Action+"/partenaires/"+strconv.Itoa(i)+"/invitation"), `">`)
		if p.Status != "" {
			h.t("applicant.invite.again")
		} else {
			h.t("applicant.invite.send")
		}
		h.w("</button>\n", `<p class="hint">`)
		h.t("applicant.invite.hint")
		h.w("</p>\n")
	}
	h.w("</div>\n")
}

func (h *aplHTML) budget() {
	v, d := h.v, h.d
	h.sectionStart("budget", ` id="budget" tabindex="-1"`)
	h.w(`<p class="hint">`)
	h.t("applicant.budget.hint")
	h.w("</p>\n")
	const exp, fin = "budget.expenses", "budget.financing"
	h.group(exp, "applicant.budget.expenses", "")
	for _, i := range d.Row(exp) {
		h.rowStart(exp, "apl-row apl-line", "", i)
		d.rowSelect(&h.Builder, v, exp, i, "category")
		h.w("\n")
		h.in(exp, i, "label", "text", true)
		h.in(exp, i, "amount_cents", "money", false)
		h.rowEnd(exp, i)
	}
	h.groupEnd(exp)
	h.group(fin, "applicant.budget.financing", "applicant.budget.financing.hint")
	for _, i := range d.Row(fin) {
		h.rowStart(fin, "apl-row apl-line", "", i)
		d.rowSelect(&h.Builder, v, fin, i, "source")
		h.w("\n")
		if len(d.Funders) > 0 {
			d.rowSelect(&h.Builder, v, fin, i, "funder_organisation_id")
		}
		h.w("\n")
		if len(d.Consortium) > 0 || d.Val(d.Key(fin, i, "source")) == "partner" {
			d.rowSelect(&h.Builder, v, fin, i, "partner_organisation_id")
		}
		h.w("\n")
		h.in(fin, i, "label", "text", false)
		h.in(fin, i, "amount_cents", "money", false)
		h.w(string(d.RowCheck(v, fin, i, "in_kind")), "\n")
		h.rowEnd(fin, i)
	}
	h.groupEnd(fin)
	h.budgetSummary()
	h.w("</section>\n")
}

// budgetSummary writes the budget's totals and what it lacks, as the
// application_budget partial does.
func (h *aplHTML) budgetSummary() {
	d := h.d
	h.w("\n", `<div class="apl-budget-summary">`, "\n", `<h3 id="budget-totals-title">`)
	h.t("applicant.budget.totals")
	h.w("</h3>\n", `<dl class="facts" id="budget-totals" aria-labelledby="budget-totals-title">`, "\n")
	for _, t := range d.Totals {
		h.w("<dt>", esc(t.Label), "</dt><dd>", esc(t.Value), "</dd>")
	}
	h.w("\n</dl>\n", `<h3 id="budget-checks-title">`)
	h.t("applicant.budget.checks")
	h.w("</h3>\n", `<div id="budget-checks" aria-live="polite" data-none="`)
	h.t("applicant.budget.checks.none")
	h.w(`">`, "\n")
	if len(d.BudgetChecks) > 0 {
		h.w(`<ul class="apl-checks">`)
		for _, c := range d.BudgetChecks {
			h.w(`<li><a href="`, escHref(c.Href), `">`, esc(c.Message), "</a></li>")
		}
		h.w("</ul>\n")
	} else {
		h.w("<p>")
		h.t("applicant.budget.checks.none")
		h.w("</p>")
	}
	h.w("\n</div>\n", `<ul class="call-results-list" id="budget-rules">`)
	for _, r := range d.MoneyRules() {
		h.w(`<li class="call-result call-result-`, esc(r.Status), `"><strong>`, esc(r.StatusLabel), "</strong> ", esc(r.Message), "</li>")
	}
	h.w("</ul>\n</div>\n")
}

// EligibilityHTML draws the call's rules checked on the application, rule
// by rule, as the application_eligibility partial does.
func (d *aplPageData) EligibilityHTML(v *view) template.HTML {
	h := newAplHTML(v, d, 4<<10)
	h.eligibility()
	return h.html()
}

// eligibility writes what EligibilityHTML returns.
func (h *aplHTML) eligibility() {
	d, v := h.d, h.v
	h.w("\n", `<section class="apl-eligibility" aria-labelledby="elig-title">`, "\n", `<h2 id="elig-title">`)
	h.t("applicant.eligibility.title")
	h.w("</h2>\n", `<p id="eligibility-summary" class="apl-summary`)
	if d.Eligible {
		h.w(" apl-ok")
	}
	h.w(`" aria-live="polite">`)
	h.t("applicant.eligibility.summary", d.RulesPassed, d.RulesTotal)
	h.w("</p>\n", `<ul class="call-results-list" id="eligibility-list" data-fix="`)
	fix := ""
	if d.Draft() {
		fix = esc(v.T("applicant.eligibility.fix"))
	}
	h.w(fix, `">`, "\n")
	for _, r := range d.Eligibility {
		h.w(`<li class="call-result call-result-`, esc(r.Status), `"><strong class="call-result-status">`, esc(r.StatusLabel), "</strong> ",
			esc(r.Message))
		if r.LinkHref != "" {
			h.w(` <a href="`, escHref(r.LinkHref), `">`, esc(r.LinkText), "</a>")
		}
		if r.Href != "" && d.Draft() && r.Status != "passed" {
			h.w(` <a href="`, escHref(r.Href), `" class="apl-fix">`, fix, "</a>")
		}
		h.w("</li>\n")
	}
	h.w("</ul>\n")
	if d.Draft() {
		h.w(`<p class="hint">`)
		h.t("applicant.eligibility.hint")
		h.w("</p>")
	}
	h.w("\n</section>\n")
}

// DocumentsHTML draws the required documents with their state, the files,
// and in a form the upload, as the application_documents partial does.
func (d *aplPageData) DocumentsHTML(v *view) template.HTML {
	h := newAplHTML(v, d, 8<<10)
	h.documents()
	return h.html()
}

// documents writes what DocumentsHTML returns.
func (h *aplHTML) documents() {
	d := h.d
	app := "/candidatures/" + strconv.FormatInt(d.App.ID, 10) + "/pieces"
	h.w("\n", `<section class="apl-section" aria-labelledby="sec-documents" id="documents" tabindex="-1">`, "\n", `<h2 id="sec-documents">`)
	h.t("applicant.section.documents")
	h.w("</h2>\n")
	if len(d.Documents) > 0 {
		h.w("<table>\n<caption>")
		h.t("applicant.documents.caption")
		h.w("</caption>\n", `<thead><tr><th scope="col">`)
		h.t("applicant.documents.document")
		h.w(`</th><th scope="col">`)
		h.t("applicant.documents.state")
		h.w("</th></tr></thead>\n<tbody>\n")
		for _, doc := range d.Documents {
			h.w(`<tr><th scope="row">`, esc(doc.Name), "</th><td>")
			if len(doc.Files) > 0 {
				h.w(`<span class="apl-state apl-state-ok">`)
				h.t("applicant.documents.provided")
				h.w("</span> ")
				for i, f := range doc.Files {
					if i > 0 {
						h.w(", ")
					}
					h.e(f)
				}
			} else {
				h.w(`<span class="apl-state apl-state-missing">`)
				h.t("applicant.documents.missing")
				h.w("</span>")
			}
			h.w("</td></tr>")
		}
		h.w("\n</tbody>\n</table>\n")
	} else {
		h.w("<p>")
		h.t("applicant.documents.none_required")
		h.w("</p>")
	}
	h.w("\n")
	files := func(list []aplFile, deletable, novalidate bool) {
		h.w(`<ul class="apl-files">`, "\n")
		for _, f := range list {
			id := strconv.FormatInt(f.ID, 10)
			h.w(`<li><a href="`, escHref(app+"/"+id), `" download>`, esc(f.Name), `</a> <span class="muted">— `, esc(f.Document), ", ", esc(f.Size), "</span>\n")
			if deletable {
				h.w(`<button type="submit" class="link apl-delete" formaction="`, escHref(app+"/"+id+"/suppression"), `"`)
				if novalidate {
					h.w(" formnovalidate")
				}
				h.w(">")
				h.t("applicant.documents.delete", f.Name)
				h.w("</button>")
			}
			h.w("</li>")
		}
		h.w("\n</ul>\n")
	}
	if len(d.Attachments) > 0 {
		h.w("<h3>")
		h.t("applicant.documents.files")
		h.w("</h3>\n")
		files(d.Attachments, d.Draft(), true)
	}
	h.w("\n")
	if d.Correcting() && len(d.Pending) > 0 {
		h.w("<h3>")
		h.t("applicant.documents.pending")
		h.w("</h3>\n")
		files(d.Pending, true, false)
	}
	h.w("\n")
	if (d.Draft() || d.Correcting()) && len(d.DocChoices) > 0 {
		h.upload(app)
	}
	h.w("\n</section>\n")
}

// upload writes the fieldset that adds a file.
func (h *aplHTML) upload(action string) {
	v, d := h.v, h.d
	h.w(`<fieldset class="apl-upload">`, "\n<legend>")
	h.t("applicant.documents.add")
	h.w("</legend>\n", `<div class="field">`, "\n", `<label for="document_code">`)
	h.t("applicant.documents.which")
	h.w("</label>\n", `<select id="document_code" name="document_code"`)
	if v.Errors["document_code"] != "" {
		h.w(` aria-invalid="true" aria-describedby="document_code-error"`)
	}
	h.w(">\n", `<option value="">`)
	h.t("applicant.form.choose")
	h.w("</option>\n")
	cur := d.Val("document_code")
	for _, c := range d.DocChoices {
		h.w(`<option value="`, esc(c.Code), `"`)
		if c.Code == cur {
			h.w(" selected")
		}
		h.w(">", esc(c.Name), "</option>")
	}
	h.w("\n</select>\n")
	h.fieldError("document_code")
	h.w("\n</div>\n", `<div class="field">`, "\n", `<label for="file">`)
	h.t("applicant.documents.file")
	h.w("</label>\n", `<input type="file" id="file" name="file" accept=".pdf,.odt,.docx,.ods,.xlsx,.png,.jpg,.jpeg" data-max-bytes="`,
		strconv.FormatInt(d.MaxFileBytes(), 10), `" data-too-large="`)
	h.t("applicant.documents.too_large_js")
	h.w(`" aria-describedby="file-hint`)
	fileErr := v.Errors["file"] != ""
	if fileErr {
		h.w(" file-error")
	}
	h.w(`"`)
	if fileErr {
		h.w(` aria-invalid="true"`)
	}
	h.w(">\n", `<p class="hint" id="file-hint">`)
	h.t("applicant.documents.file.hint", d.MaxFileMB())
	if d.Draft() {
		h.w(" ")
		h.t("applicant.documents.saved_first")
	}
	h.w("</p>\n")
	h.fieldError("file")
	h.w("\n</div>\n", `<button type="submit" class="secondary" formaction="`, escHref(action), `" formenctype="multipart/form-data">`)
	h.t("applicant.documents.upload")
	h.w("</button>\n</fieldset>\n")
}
