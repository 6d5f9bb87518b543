package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
)

// The searches' repeated parts drawn in Go (calls, funded projects): the
// themes' checkboxes, the lists' options and the result rows, some four
// hundred template actions on a page drawn anew for a search not kept
// yet. TestSearchHTMLAsTemplate holds them equal to the template markup
// they replace.

// themeChecks draws a checkbox per theme, those searched (has) checked;
// the first bears the list's name as its ID, for the errors' links.
func themeChecks(d callRef, themes []coopdec.Theme, has func(name, value string) bool) template.HTML {
	var b strings.Builder
	b.Grow(len(themes) * 200)
	for i, t := range themes {
		code := esc(t.Code)
		id := "theme"
		if i > 0 {
			id = "theme-" + code
		}
		b.WriteString("\n" + `<div class="checkbox"><input type="checkbox" id="` + id + `" name="theme" value="` + code + `"`)
		if has("theme", t.Code) {
			b.WriteString(" checked")
		}
		b.WriteString(">\n" + `<label for="` + id + `">` + esc(d.ThemeName(t)) + "</label></div>\n")
	}
	return template.HTML(b.String())
}

// idOptions draws an option per ID, named by name(i), cur selected.
func idOptions(n int, id func(i int) int64, name func(i int) string, cur string) template.HTML {
	var b strings.Builder
	for i := range n {
		v := strconv.FormatInt(id(i), 10)
		b.WriteString(`<option value="` + v + `"`)
		if v == cur {
			b.WriteString(" selected")
		}
		b.WriteString(">" + esc(name(i)) + "</option>")
	}
	return template.HTML(b.String())
}

// ThemeChecks draws a checkbox per theme, those searched checked.
func (d *projectSearchData) ThemeChecks() template.HTML {
	return themeChecks(d.callRef, d.Themes, d.Has)
}

// ProgrammeOptions draws an option per programme, cur selected.
func (d *projectSearchData) ProgrammeOptions(cur string) template.HTML {
	return idOptions(len(d.Programmes), func(i int) int64 { return d.Programmes[i].ID },
		func(i int) string { return d.ProgrammeName(d.Programmes[i]) }, cur)
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

// cardTitle opens a result's card with its title, linked to path+id; a
// title shown for want of the reader's language says its own.
func (m *markup) cardTitle(path string, id int64, title, lang string, fallback bool) {
	m.w("\n", `<li class="call-card">`, "\n", `<h3><a href="`, path, strconv.FormatInt(id, 10), `"`)
	if fallback {
		m.w(` lang="`, esc(lang), `"`)
	}
	m.w(">", esc(title), "</a></h3>\n")
}

// RowsHTML draws the result rows.
func (d *projectSearchData) RowsHTML() template.HTML {
	l := d.Labels
	var b markup
	b.Grow(len(d.Rows) * 800)
	w := b.w
	for _, r := range d.Rows {
		b.cardTitle("/projets/", r.ID, r.Title, r.TitleLang, r.Fallback)
		w(`<p class="call-meta">`, esc(r.Lead))
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

// ThemeChecks draws a checkbox per theme, those searched checked.
func (d *callSearchData) ThemeChecks() template.HTML { return themeChecks(d.callRef, d.Themes, d.Has) }

// ProgrammeOptions draws an option per programme, cur selected.
func (d *callSearchData) ProgrammeOptions(cur string) template.HTML {
	return idOptions(len(d.Programmes), func(i int) int64 { return d.Programmes[i].ID },
		func(i int) string { return d.ProgrammeName(d.Programmes[i]) }, cur)
}

// OrganisationOptions draws an option per organisation, cur selected.
func (d *callSearchData) OrganisationOptions(cur string) template.HTML {
	return idOptions(len(d.Organisations), func(i int) int64 { return d.Organisations[i].ID },
		func(i int) string { return d.Organisations[i].Name }, cur)
}

// RowsHTML draws the result rows.
func (d *callSearchData) RowsHTML() template.HTML {
	l := d.Labels
	var b markup
	b.Grow(len(d.Rows) * 900)
	w := b.w
	for _, r := range d.Rows {
		b.cardTitle("/appels/", r.ID, r.Title, r.TitleLang, r.Fallback)
		if r.Fallback {
			w(`<p class="call-fallback">`, esc(l.Fallback), "</p>")
		}
		w("\n", `<p class="call-meta"><span class="call-badge call-badge-`, esc(string(r.Status)), `">`, esc(r.StatusName),
			`</span> <span class="muted">`, esc(r.Reference), "</span> · ", esc(r.Programme), "</p>\n", `<dl class="call-facts">`, "\n")
		if r.Deadline.ISO != "" {
			w("<dt>", esc(l.Deadline), "</dt>\n", `<dd><time datetime="`, esc(r.Deadline.ISO), `">`, esc(r.DeadlineText), "</time>")
			if r.Left != "" {
				w(" — <strong>", esc(r.Left), "</strong>")
			}
			w("</dd>")
		}
		w("\n<dt>", esc(l.Countries), "</dt><dd>", esc(r.Countries), "</dd>\n")
		if len(r.Themes) > 0 {
			w("<dt>", esc(l.Themes), "</dt><dd>", esc(r.ThemeNames), "</dd>")
		}
		w("\n</dl>\n</li>\n")
	}
	return template.HTML(b.String())
}

// ItemsHTML draws the directory's result list, as the template did.
func (d expertiseData) ItemsHTML() template.HTML {
	var b markup
	b.Grow(len(d.Items) * 600)
	w := b.w
	for _, it := range d.Items {
		w("\n", `<li><h2><a href="/expertise/`, strconv.FormatInt(it.OrganisationID, 10), `">`, esc(it.OrganisationName), "</a></h2>\n",
			"<p>", esc(d.RegionName(it.RegionCode)), " — ", esc(it.Number), "</p>\n<p>")
		for i, t := range it.Themes {
			if i > 0 {
				w(", ")
			}
			w(esc(d.ThemeLabel(t)))
		}
		w("</p>\n<p>", esc(it.Competencies.Description), "</p></li>\n")
	}
	return template.HTML(b.String())
}
