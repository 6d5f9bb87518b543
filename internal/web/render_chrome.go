package web

import (
	"html/template"
	"strings"
)

// The page around every page's content (head, header with its menu and
// language switch, messages, footer), drawn in Go: some ninety template
// actions on every page, a tenth of the owner's application page and of a
// search page drawn anew. The partials of layout_chrome.html are the
// markup's reference, held equal to these by TestChromeAsTemplate.

// navLink is an entry of the main menu.
type navLink struct{ href, key string }

var (
	navPublic    = []navLink{{"/appels", "nav.calls"}, {"/organisations", "nav.organisations"}, {"/pays", "nav.countries"}, {"/projets", "nav.projects"}}
	navEmbassy   = []navLink{{"/ambassade/avis", "nav.embassy"}, {"/ambassade/priorites", "nav.embassy_priorities"}}
	navApplicant = navLink{"/candidatures", "applicant.nav"}
	navEvaluator = navLink{"/evaluateur", "nav.evaluator"}
	navAccount   = navLink{"/compte", "nav.account"}
	navAdmin     = navLink{"/admin", "nav.admin"}
	navLogin     = navLink{"/connexion", "nav.login"}
)

// Head draws the page before its content, as layout_head does.
func (v *view) Head() template.HTML {
	var b markup
	b.Grow(4 << 10)
	w := b.w
	t := func(key string, args ...any) string { return esc(v.T(key, args...)) }
	link := func(l navLink) {
		w(`<li><a href="`, l.href, `"`)
		if v.Path == l.href {
			w(` aria-current="page"`)
		}
		w(">", t(l.key), "</a></li>")
	}
	w("<!DOCTYPE html>\n", `<html lang="`, esc(v.Lang), `">`, "\n<head>\n", `<meta charset="utf-8">`, "\n",
		`<meta name="viewport" content="width=device-width, initial-scale=1">`, "\n<title>")
	if v.Title != "" {
		w(t(v.Title), " · ")
	}
	w("coopdec</title>\n", `<link rel="stylesheet" href="/static/coopdec.css">`, "\n",
		`<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`, "\n",
		`<script src="/static/coopdec.js" defer></script>`, "\n</head>\n<body>\n",
		`<a class="skip" href="#contenu">`, t("nav.skip"), "</a>\n", `<header class="site">`, "\n", `<div class="bar">`, "\n",
		`<a class="brand" href="/">coopdec<span>`, t("site.tagline"), "</span></a>\n", `<nav aria-label="`, t("nav.main"), `">`, "\n<ul>\n")
	for _, l := range navPublic {
		link(l)
		w("\n")
	}
	if v.User != nil {
		link(navApplicant)
		w("\n")
		if v.HasRole("evaluator") {
			link(navEvaluator)
		}
		w("\n")
		if v.HasRole("embassy") {
			link(navEmbassy[0])
			w("\n")
			link(navEmbassy[1])
		}
		w("\n")
		link(navAccount)
		w("\n")
		if v.IsAdmin() {
			link(navAdmin)
		}
		w("\n", `<li><form method="post" action="/deconnexion" class="inline"><button type="submit" class="link">`, t("nav.logout"),
			"</button></form></li>\n")
	} else {
		link(navLogin)
		w("\n")
	}
	w("</ul>\n</nav>\n", `<form method="post" action="/langue" class="lang-switch">`, "\n", `<label for="lang-select">`, t("nav.language"),
		"</label>\n", `<select id="lang-select" name="lang">`, "\n")
	for _, l := range v.Languages {
		w(`<option value="`, esc(l), `" lang="`, esc(l), `"`)
		if l == v.Lang {
			w(" selected")
		}
		w(">", esc(v.LangName(l)), "</option>")
	}
	next := v.Path
	if q := v.Query.Encode(); q != "" {
		next += "?" + q
	}
	w("\n</select>\n", `<input type="hidden" name="next" value="`, esc(next), `">`, "\n", `<button type="submit">`, t("nav.language.apply"),
		"</button>\n</form>\n</div>\n")
	if v.Demo {
		w(`<p class="demo-banner">`, t("site.demo_banner"), "</p>")
	}
	w("\n</header>\n", `<main id="contenu" tabindex="-1">`, "\n")
	if v.Flash != "" {
		w(`<div class="notice success" role="status">`, esc(v.Flash), "</div>")
	}
	w("\n")
	if len(v.ErrorList) > 0 {
		w(`<div class="notice error" role="alert" id="errors">`, "\n", `<p class="notice-title">`, t("form.errors.title"), "</p>\n<ul>")
		for _, e := range v.ErrorList {
			w("<li>")
			if e.Field != "" {
				w(`<a href="#`, esc(percentEncode(e.Field, false)), `">`, esc(e.Message), "</a>")
			} else {
				w(esc(e.Message))
			}
			w("</li>")
		}
		w("</ul>\n</div>")
	}
	w("\n")
	return template.HTML(b.String())
}

// Foot draws the page after its content, as layout_foot does.
func (v *view) Foot() template.HTML {
	var b strings.Builder
	b.WriteString("\n</main>\n" + `<footer class="site">` + "\n<p>" + esc(v.T("site.footer")) + "</p>\n" +
		`<p><a href="/api/v1/openapi.json">` + esc(v.T("site.api")) + "</a>")
	if v.Version != "" {
		b.WriteString(" · " + esc(v.T("site.version", v.Version)))
	}
	b.WriteString("</p>\n</footer>\n</body>\n</html>")
	return template.HTML(b.String())
}
