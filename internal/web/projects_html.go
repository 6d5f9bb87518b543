package web

import (
	"html/template"
	"strconv"
	"strings"
)

// The funded-project search's repeated parts drawn in Go: the themes'
// checkboxes, the programmes' and régions' options, and the result rows,
// some four hundred template actions on a page drawn anew for a search
// not kept yet. TestProjectSearchHTMLAsTemplate holds them equal to the
// template markup they replace.

// ThemeChecks draws a checkbox per theme, those searched checked; the
// first bears the list's name as its ID, for the errors' links.
func (d *projectSearchData) ThemeChecks() template.HTML {
	var b strings.Builder
	b.Grow(len(d.Themes) * 200)
	for i, t := range d.Themes {
		code := esc(t.Code)
		id := "theme"
		if i > 0 {
			id = "theme-" + code
		}
		b.WriteString("\n" + `<div class="checkbox"><input type="checkbox" id="` + id + `" name="theme" value="` + code + `"`)
		if d.Has("theme", t.Code) {
			b.WriteString(" checked")
		}
		b.WriteString(">\n" + `<label for="` + id + `">` + esc(d.ThemeName(t)) + "</label></div>\n")
	}
	return template.HTML(b.String())
}

// ProgrammeOptions draws an option per programme, cur selected.
func (d *projectSearchData) ProgrammeOptions(cur string) template.HTML {
	var b strings.Builder
	for _, p := range d.Programmes {
		id := strconv.FormatInt(p.ID, 10)
		b.WriteString(`<option value="` + id + `"`)
		if id == cur {
			b.WriteString(" selected")
		}
		b.WriteString(">" + esc(d.ProgrammeName(p)) + "</option>")
	}
	return template.HTML(b.String())
}

// RegionOptions draws an option per région, cur selected.
func (d *projectSearchData) RegionOptions(cur string) template.HTML {
	var b strings.Builder
	for _, r := range d.Regions() {
		b.WriteString(`<option value="` + esc(r) + `"`)
		if r == cur {
			b.WriteString(" selected")
		}
		b.WriteString(">" + esc(d.RegionName(r)) + "</option>")
	}
	return template.HTML(b.String())
}

// RowsHTML draws the result rows.
func (d *projectSearchData) RowsHTML() template.HTML {
	l := d.Labels
	var b strings.Builder
	b.Grow(len(d.Rows) * 800)
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	for _, r := range d.Rows {
		w("\n", `<li class="call-card">`, "\n", `<h3><a href="/projets/`, strconv.FormatInt(r.ID, 10), `"`)
		if r.Fallback {
			w(` lang="`, esc(r.TitleLang), `"`)
		}
		w(">", esc(r.Title), "</a></h3>\n", `<p class="call-meta">`, esc(r.Lead))
		if r.Region != "" {
			w(" (", esc(r.Region), ")")
		}
		w(" · ", esc(r.Programme), " · ", esc(l.Year), " ", strconv.Itoa(r.Year), "</p>\n", `<dl class="call-facts">`, "\n",
			"<dt>", esc(l.Countries), "</dt><dd>", esc(r.CountryNames), "</dd>\n")
		if len(r.Partners) > 0 {
			w("<dt>", esc(l.Partners), "</dt><dd>", esc(r.PartnerNames), "</dd>")
		}
		w("\n")
		if len(r.Themes) > 0 {
			w("<dt>", esc(l.Themes), "</dt><dd>", esc(r.ThemeNames), "</dd>")
		}
		w("\n<dt>", esc(l.Granted), "</dt><dd>", esc(r.Granted), "</dd>\n</dl>\n</li>\n")
	}
	return template.HTML(b.String())
}
