package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The application form's repeated controls, drawn in Go: each row of the
// partners, expenses and financing lines repeats labelled inputs and
// selects of dozens of options, and the template engine spent on them
// most of the page's CPU, option by option. Every value is escaped here
// with template.HTMLEscapeString, as html/template would; the markup is
// the application_input partial's (TestAplFieldHTML holds them equal).

// esc escapes text and attribute values exactly as html/template does.
func esc(s string) string {
	s = template.HTMLEscapeString(s)
	if strings.IndexByte(s, '+') >= 0 {
		s = strings.ReplaceAll(s, "+", "&#43;")
	}
	return s
}

// HTML draws the control as the application_input partial does.
func (f aplField) HTML() template.HTML {
	var b strings.Builder
	b.Grow(256 + len(f.Value) + len(f.Hint))
	name := esc(f.Name)
	b.WriteString("\n<div class=\"field\">\n  <label for=\"" + name + "\">" + esc(f.Label))
	if f.Required {
		b.WriteString(` <span class="call-required" aria-hidden="true">*</span><span class="visually-hidden"> ` + esc(f.ReqText) + `</span>`)
	}
	b.WriteString("</label>\n  ")
	textarea := f.Type == "textarea" || f.Type == "long"
	if textarea {
		rows := "3"
		if f.Type == "long" {
			rows = "7"
		}
		b.WriteString(`<textarea id="` + name + `" name="` + name + `" rows="` + rows + `"`)
	} else {
		b.WriteString(`<input type="text" id="` + name + `" name="` + name + `" value="` + esc(f.Value) + `"`)
	}
	if f.Lang != "" {
		b.WriteString(` lang="` + esc(f.Lang) + `"`)
	}
	if !textarea {
		switch f.Type {
		case "months":
			b.WriteString(` inputmode="numeric" autocomplete="off" class="apl-short"`)
		case "decimal":
			b.WriteString(` inputmode="decimal" autocomplete="off" class="apl-short"`)
		case "money":
			b.WriteString(` inputmode="decimal" autocomplete="off" class="call-money"`)
		}
	}
	aplDescribed(&b, name, f.Hint != "", f.Error != "")
	if f.Focus {
		b.WriteString(" autofocus")
	}
	if textarea {
		b.WriteString(">" + esc(f.Value) + "</textarea>\n  ")
	} else {
		b.WriteString(">")
		if f.Type == "money" {
			b.WriteString(` <span aria-hidden="true">€</span>`)
		}
		b.WriteString("\n  ")
	}
	b.WriteString("\n  ")
	if f.Hint != "" {
		b.WriteString(`<p class="hint" id="` + name + `-hint">` + esc(f.Hint) + `</p>`)
	}
	b.WriteString("\n  ")
	if f.Error != "" {
		b.WriteString(`<p class="field-error" id="` + name + `-error">` + esc(f.Error) + `</p>`)
	}
	b.WriteString("\n</div>\n")
	return template.HTML(b.String())
}

// aplDescribed writes a control's aria-describedby and aria-invalid: name
// is escaped.
func aplDescribed(b *strings.Builder, name string, hint, invalid bool) {
	if hint || invalid {
		b.WriteString(` aria-describedby="`)
		if hint {
			b.WriteString(name + "-hint")
		}
		if invalid {
			b.WriteString(" " + name + "-error")
		}
		b.WriteString(`"`)
	}
	if invalid {
		b.WriteString(` aria-invalid="true"`)
	}
}

// aplSelectSpec is how a select of a numbered row is drawn: its label is
// applicant.field.<group>.<field>, its hint the label's key with ".hint".
type aplSelectSpec struct {
	empty    string // the key of the empty option's label
	required bool   // required to submit
	hint     bool
	focus    bool // the select focused on a row just added
	options  func(d *aplPageData, b *strings.Builder, cur string)
}

var aplSelectSpecs = map[string]aplSelectSpec{
	"partners.organisation_id": {empty: "applicant.partner.not_registered", hint: true, focus: true,
		options: func(d *aplPageData, b *strings.Builder, cur string) {
			aplDrawOptionsTo(b, d.options("registered", func() []aplOption { return aplChoiceOptions(d.Registered) }), cur)
		}},
	"partners.kind": {empty: "applicant.form.choose", required: true, options: func(d *aplPageData, b *strings.Builder, cur string) {
		aplDrawOptionsTo(b, d.options("kinds", func() []aplOption { return aplCodeOptions(d.t, "orgs.kind.", aplPartnerKinds) }), cur)
	}},
	"partners.country": {empty: "applicant.form.choose", required: true, options: (*aplPageData).countryOptions},
	"partners.role": {empty: "applicant.form.choose", required: true, options: func(d *aplPageData, b *strings.Builder, cur string) {
		aplDrawOptionsTo(b, d.options("roles", func() []aplOption {
			return aplCodeOptions(d.t, "applicant.role.", coopdec.PartnerRoles)
		}), cur)
	}},
	"budget.expenses.category": {empty: "applicant.form.choose", focus: true, options: func(d *aplPageData, b *strings.Builder, cur string) {
		aplDrawOptionsTo(b, d.options("categories", func() []aplOption {
			return aplCodeOptions(d.t, "applicant.category.", coopdec.ExpenseCategories)
		}), cur)
	}},
	"budget.financing.source": {empty: "applicant.form.choose", focus: true, options: func(d *aplPageData, b *strings.Builder, cur string) {
		aplDrawOptionsTo(b, d.options("sources", func() []aplOption {
			return aplCodeOptions(d.t, "applicant.source.", coopdec.FundingSources)
		}), cur)
	}},
	"budget.financing.funder_organisation_id": {empty: "applicant.form.none",
		options: func(d *aplPageData, b *strings.Builder, cur string) {
			aplDrawOptionsTo(b, d.options("funders", func() []aplOption { return aplChoiceOptions(d.Funders) }), cur)
		}},
	"budget.financing.partner_organisation_id": {empty: "applicant.form.none", hint: true,
		options: func(d *aplPageData, b *strings.Builder, cur string) {
			aplDrawOptionsTo(b, d.options("consortium", func() []aplOption { return aplChoiceOptions(d.Consortium) }), cur)
		}},
}

// RowSelect draws the select of field on row i of a group, with its label,
// options (the form's value selected), hint and error.
func (d *aplPageData) RowSelect(v *view, prefix string, i int, field string) template.HTML {
	var b strings.Builder
	b.Grow(1024)
	d.rowSelect(&b, v, prefix, i, field)
	return template.HTML(b.String())
}

// rowSelect is RowSelect writing to b.
func (d *aplPageData) rowSelect(b *strings.Builder, v *view, prefix string, i int, field string) {
	spec, ok := aplSelectSpecs[prefix+"."+field]
	if !ok {
		panic("web: no select " + prefix + "." + field)
	}
	key := d.Key(prefix, i, field)
	labelKey := "applicant.field." + prefix + "." + field
	name, cur, errText := esc(key), d.form.Get(key), v.Errors[key]
	b.WriteString("<div class=\"field\">\n  <label for=\"" + name + "\">" + esc(v.T(labelKey)))
	if spec.required {
		b.WriteString(` <span class="call-required" aria-hidden="true">*</span><span class="visually-hidden"> ` +
			esc(v.T("applicant.form.required_short")) + `</span>`)
	}
	b.WriteString("</label>\n  <select id=\"" + name + "\" name=\"" + name + "\"")
	if spec.hint {
		aplDescribed(b, name, true, errText != "")
	} else if errText != "" {
		b.WriteString(` aria-invalid="true" aria-describedby="` + name + `-error"`)
	}
	if spec.focus && d.Last(prefix, i) && d.form.Get("focus") == prefix {
		b.WriteString(" autofocus")
	}
	b.WriteString(">\n    <option value=\"\">" + esc(v.T(spec.empty)) + "</option>\n    ")
	spec.options(d, b, cur)
	b.WriteString("\n  </select>\n")
	if spec.hint {
		b.WriteString(`  <p class="hint" id="` + name + `-hint">` + esc(v.T(labelKey+".hint")) + "</p>\n")
	}
	if errText != "" {
		b.WriteString(`  <p class="field-error" id="` + name + `-error">` + esc(errText) + "</p>\n")
	}
	b.WriteString("</div>\n")
}

// inviteLangOptions draws the languages an invitation may be written in,
// each named in itself, cur selected.
func (d *aplPageData) inviteLangOptions(v *view, cur string) template.HTML {
	return aplDrawOptions(d.options("invite_langs", func() []aplOption {
		out := make([]aplOption, len(coopdec.Languages))
		for i, l := range coopdec.Languages {
			o := aplOptionOf(l, v.LangName(l))
			o.attrs += ` lang="` + esc(l) + `"`
			out[i] = o
		}
		return out
	}), cur)
}

// aplOption is an option of a select, escaped: every row of a group
// repeats its group's selects, so their options are translated and escaped
// once per page.
type aplOption struct {
	value string // as the form holds it
	attrs string // value="…" and any other attribute, escaped
	label string // escaped
}

// aplOptionOf is the option of value, named label (neither escaped yet).
func aplOptionOf(value, label string) aplOption {
	return aplOption{value: value, attrs: `value="` + esc(value) + `"`, label: esc(label)}
}

// aplDrawOptions draws options, those whose value is cur selected.
func aplDrawOptions(opts []aplOption, cur string) template.HTML {
	n := 0
	for _, o := range opts {
		n += len(o.attrs) + len(o.label) + 35
	}
	var b strings.Builder
	b.Grow(n)
	aplDrawOptionsTo(&b, opts, cur)
	return template.HTML(b.String())
}

// aplDrawOptionsTo is aplDrawOptions writing to b.
func aplDrawOptionsTo(b *strings.Builder, opts []aplOption, cur string) {
	for _, o := range opts {
		b.WriteString("<option ")
		b.WriteString(o.attrs)
		if o.value == cur {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(o.label)
		b.WriteString("</option>")
	}
}

// options returns the page's options of a list, built on first use.
func (d *aplPageData) options(list string, build func() []aplOption) []aplOption {
	if o, ok := d.opts[list]; ok {
		return o
	}
	if d.opts == nil {
		d.opts = map[string][]aplOption{}
	}
	o := build()
	d.opts[list] = o
	return o
}

// aplChoiceOptions are the options of organisations, by ID.
func aplChoiceOptions(list []aplChoice) []aplOption {
	out := make([]aplOption, len(list))
	for i, c := range list {
		out[i] = aplOptionOf(strconv.FormatInt(c.ID, 10), c.Label)
	}
	return out
}

// aplCodeOptions are the options of a list of codes, each named by the
// translation of prefix+code.
func aplCodeOptions[T ~string](t func(string, ...any) string, prefix string, codes []T) []aplOption {
	out := make([]aplOption, len(codes))
	for i, c := range codes {
		out[i] = aplOptionOf(string(c), t(prefix+string(c)))
	}
	return out
}

// RowCheck draws the checkbox of field on row i of a group, with its label
// and error.
func (d *aplPageData) RowCheck(v *view, prefix string, i int, field string) template.HTML {
	key := d.Key(prefix, i, field)
	name := esc(key)
	var b strings.Builder
	b.Grow(256)
	b.WriteString(`<div class="checkbox apl-check"><input type="checkbox" id="` + name + `" name="` + name + `" value="1"`)
	if d.form.Get(key) != "" {
		b.WriteString(" checked")
	}
	b.WriteString(`> <label for="` + name + `">` + esc(v.T("applicant.field."+prefix+"."+field)) + "</label>")
	if e := v.Errors[key]; e != "" {
		b.WriteString(`<p class="field-error" id="` + name + `-error">` + esc(e) + "</p>")
	}
	b.WriteString("</div>")
	return template.HTML(b.String())
}

// Checks draws the checkboxes of a list the form repeats under name
// (themes, countries, beneficiary_countries), those it holds checked; the
// first box bears the list's name as its ID, for the errors' links.
func (d *aplPageData) Checks(v *view, name string) template.HTML {
	list := d.Countries
	switch name {
	case "themes":
		list = make([]aplCountryChoice, len(d.Themes))
		for i, t := range d.Themes {
			list[i] = aplCountryChoice{Code: t.Code, Name: d.ThemeName(t.Code), Eligible: true}
		}
	case "beneficiary_countries":
		list = d.Beneficiaries
	}
	n, warn := esc(name), ""
	var b strings.Builder
	b.Grow(len(list) * 200)
	for i, c := range list {
		code := esc(c.Code)
		id := n
		if i > 0 {
			id = n + "-" + code
		}
		b.WriteString("\n    <div class=\"checkbox\"><input type=\"checkbox\" id=\"" + id + "\" name=\"" + n + "\" value=\"" + code + "\"")
		if d.Has(name, c.Code) {
			b.WriteString(" checked")
		}
		b.WriteString(">\n      <label for=\"" + id + "\">" + esc(c.Name))
		if !c.Eligible {
			if warn == "" {
				warn = ` <span class="apl-warn">(` + esc(v.T("applicant.country.not_eligible")) + `)</span>`
			}
			b.WriteString(warn)
		}
		b.WriteString("</label></div>")
	}
	return template.HTML(b.String())
}

// InviteFields draws the email and language of the invitation of the
// partner on row i: the form's values, else the last invitation's.
func (d *aplPageData) InviteFields(v *view, i int, p *aplPartnerState) template.HTML {
	n := strconv.Itoa(i)
	e, l := "invite."+n+".email", "invite."+n+".language"
	email := d.form.Get(e)
	if email == "" {
		email = p.Email
	}
	lang := d.form.Get(l)
	if lang == "" {
		lang = p.Language
	}
	var b strings.Builder
	b.Grow(1024)
	b.WriteString("<div class=\"apl-inline\">\n  <div class=\"field\">\n    <label for=\"" + e + "\">" + esc(v.T("applicant.invite.email")) +
		"</label>\n    <input type=\"email\" id=\"" + e + "\" name=\"" + e + "\" value=\"" + esc(email) + "\" autocomplete=\"off\"")
	errE, errL := v.Errors[e], v.Errors[l]
	if errE != "" {
		b.WriteString(` aria-invalid="true" aria-describedby="` + e + `-error"`)
	}
	b.WriteString(">\n")
	if errE != "" {
		b.WriteString(`    <p class="field-error" id="` + e + `-error">` + esc(errE) + "</p>\n")
	}
	b.WriteString("  </div>\n  <div class=\"field\">\n    <label for=\"" + l + "\">" + esc(v.T("applicant.invite.language")) +
		"</label>\n    <select id=\"" + l + "\" name=\"" + l + "\"")
	if errL != "" {
		b.WriteString(` aria-invalid="true" aria-describedby="` + l + `-error"`)
	}
	b.WriteString(">\n      " + string(d.inviteLangOptions(v, lang)) + "\n    </select>\n")
	if errL != "" {
		b.WriteString(`    <p class="field-error" id="` + l + `-error">` + esc(errL) + "</p>\n")
	}
	b.WriteString("  </div>\n</div>")
	return template.HTML(b.String())
}
