package web

import (
	"html/template"
	"strconv"
)

// The application's header and the draft's page around its sections, drawn
// in Go as the application_header and application_edit_page partials do:
// they are on every page an applicant opens while writing, and the
// template engine spent more on their few lines than on the form's
// hundreds (TestAplSectionsAsTemplates holds them to the partials).

// HeaderHTML draws the application's title, call, lead, status and
// deadline, as the application_header partial does.
func (d *aplPageData) HeaderHTML(v *view) template.HTML {
	h := newAplHTML(v, d, 4<<10)
	h.header()
	return h.html()
}

// EditHTML draws the draft's page: its header, the form with its sections
// and submission, the withdrawal and the eligibility beside, as the
// application_edit_page partial does.
func (d *aplPageData) EditHTML(v *view) template.HTML {
	h := newAplHTML(v, d, 96<<10)
	h.header()
	action := escHref(d.Action)
	h.w("\n", `<div class="apl-layout">`, "\n", `<div class="apl-main">`, "\n",
		`<form method="post" action="`, action, `" id="application-form" class="form apl-form" novalidate`, "\n",
		` data-autosave="`, esc(d.Action), `/brouillon"`)
	for _, m := range []string{"pending", "saving", "offline", "conflict", "stopped", "leave"} {
		h.w("\n", ` data-msg-`, m, `="`)
		h.t("applicant.autosave." + m)
		h.w(`"`)
	}
	h.w(">\n", `<input type="hidden" name="content" value="1">`, "\n",
		`<input type="hidden" name="version" value="`, esc(v.Form.Get("version")), `">`, "\n",
		`<input type="hidden" name="idempotency_key" value="`, esc(d.SubmitKey), `">`, "\n",
		`<div class="apl-savebar">`, "\n", `<button type="submit" name="action" value="save">`)
	h.t("applicant.form.save")
	h.w("</button>\n", `<p id="autosave-status" class="apl-status" role="status" aria-live="polite">`)
	h.t("applicant.autosave.manual")
	h.w("</p>\n</div>\n", `<div id="autosave-errors" class="apl-autosave-errors"></div>`, "\n", `<p class="hint">`)
	h.t("applicant.form.required")
	h.w("</p>\n")
	h.fields()
	h.w("\n")
	h.documents()
	h.w("\n", `<section class="apl-section apl-submit panel" aria-labelledby="sec-submit" id="submit" tabindex="-1">`, "\n",
		`<h2 id="sec-submit">`)
	h.t("applicant.submit.title")
	h.w("</h2>\n")
	if d.SubmitRefused {
		h.w(`<p class="notice error">`)
		h.t("applicant.submit.refused")
		h.w("</p>")
	}
	h.w("\n")
	if d.CallOpen {
		h.w("<p>")
		h.t("applicant.submit.intro")
		h.w("</p>\n<p>")
		if d.Eligible {
			h.t("applicant.submit.ready")
		} else {
			h.t("applicant.submit.not_ready", d.RulesPassed, d.RulesTotal)
		}
		h.w("</p>\n")
		if d.Deadline.ISO != "" {
			h.w("<p>")
			h.t("applicant.submit.deadline")
			h.w(` <time datetime="`, esc(d.Deadline.ISO), `">`)
			h.t("callpages.time.paris", d.Deadline.Paris)
			h.w("</time>")
			if d.Left != "" {
				h.w(" — <strong>", esc(d.Left), "</strong>")
			}
			h.w("</p>")
		}
		h.w("\n", `<button type="submit" formaction="`, action, `/depot" class="apl-submit-button">`)
		h.t("applicant.submit.button")
		h.w("</button>\n", `<p class="hint">`)
		h.t("applicant.submit.hint")
		h.w("</p>\n")
	} else {
		h.w("<p>")
		if d.Deadline.ISO != "" {
			h.t("applicant.submit.closed", d.Deadline.Paris)
		} else {
			h.t("applicant.submit.not_open")
		}
		h.w("</p>\n")
	}
	h.w("</section>\n</form>\n")
	if d.CanWithdraw {
		h.withdrawal()
	}
	h.w("</div>\n", `<aside class="apl-aside" tabindex="0" aria-labelledby="elig-title">`, "\n")
	h.eligibility()
	h.w("\n</aside>\n</div>\n", `<script src="/static/application.js" defer></script>`, "\n")
	return h.html()
}

// WithdrawalHTML draws the application's withdrawal, folded unless its
// reason was refused, as the application_withdraw partial does.
func (d *aplPageData) WithdrawalHTML(v *view) template.HTML {
	h := newAplHTML(v, d, 2<<10)
	h.withdrawal()
	return h.html()
}

// withdrawal writes what WithdrawalHTML returns.
func (h *aplHTML) withdrawal() {
	errText := h.v.Errors["reason"]
	h.w(`<details class="apl-withdraw"`)
	if errText != "" {
		h.w(" open")
	}
	h.w(">\n<summary>")
	h.t("applicant.withdraw.title")
	h.w("</summary>\n", `<form method="post" action="`, escHref(h.d.Action), `/retrait" class="form">`, "\n<p>")
	if h.d.Draft() {
		h.t("applicant.withdraw.draft_hint")
	} else {
		h.t("applicant.withdraw.hint")
	}
	h.w("</p>\n", `<div class="field">`, "\n", `<label for="reason">`)
	h.t("applicant.withdraw.reason")
	h.w("</label>\n", `<textarea id="reason" name="reason" rows="3"`)
	if errText != "" {
		h.w(` aria-invalid="true" aria-describedby="reason-error"`)
	}
	h.w(">", esc(h.v.Form.Get("reason")), "</textarea>\n")
	h.fieldError("reason")
	h.w("\n</div>\n", `<button type="submit" class="danger">`)
	h.t("applicant.withdraw.button")
	h.w("</button>\n</form>\n</details>\n")
}

// header draws what HeaderHTML returns.
func (h *aplHTML) header() {
	d := h.d
	id, callID := strconv.FormatInt(d.App.ID, 10), strconv.FormatInt(d.Call.ID, 10)
	h.w("\n", `<p class="call-breadcrumb">`)
	if d.Member {
		h.w(`<a href="/candidatures">`)
		h.t("applicant.back")
	} else {
		h.w(`<a href="/appels/`, callID, `">`)
		h.t("applicant.back.call")
	}
	h.w("</a></p>\n", `<header class="apl-header">`, "\n", `<p class="call-meta"><span class="call-badge apl-badge-`, esc(d.Status), `">`)
	h.t("applicant.status." + d.Status)
	h.w("</span>")
	if r := d.App.ReceiptNumber; r != "" {
		h.w(` <span class="muted">`, esc(r), "</span>")
	}
	h.w("</p>\n<h1>")
	if d.Untitled {
		h.w(`<span class="muted">`, esc(d.Title), "</span>")
	} else {
		h.e(d.Title)
	}
	h.w("</h1>\n", `<dl class="call-facts">`, "\n<dt>")
	h.t("applicant.meta.call")
	h.w(`</dt><dd><a href="/appels/`, callID, `" lang="`, esc(d.CallLang), `">`, esc(d.CallTitle), `</a> <span class="muted">(`,
		esc(d.Call.Reference), ")</span></dd>\n<dt>")
	h.t("applicant.meta.lead")
	h.w("</dt><dd>", esc(d.LeadName), "</dd>\n")
	if d.Deadline.ISO != "" {
		h.w("<dt>")
		h.t("applicant.meta.deadline")
		h.w(`</dt><dd><time datetime="`, esc(d.Deadline.ISO), `" data-local="`)
		h.t("callpages.time.local")
		h.w(`">`)
		h.t("callpages.time.paris", d.Deadline.Paris)
		h.w("</time>")
		if d.Left != "" && d.Status == "draft" {
			h.w(" — <strong>", esc(d.Left), "</strong>")
		}
		h.w("</dd>")
	}
	h.w("\n")
	// An instant of the application's, with what follows it.
	at := func(key string, t instant, after string) {
		if t.ISO != "" {
			h.w("<dt>")
			h.t(key)
			h.w(`</dt><dd><time datetime="`, esc(t.ISO), `">`)
			h.t("callpages.time.paris", t.Paris)
			h.w("</time>", after, "</dd>")
		}
		h.w("\n")
	}
	at("applicant.meta.submitted", d.Submitted, "")
	at("applicant.meta.withdrawn", d.Withdrawn, " — "+esc(d.App.WithdrawalReason))
	h.w("</dl>\n", `<ul class="apl-links">`, "\n")
	submitted := !d.App.SubmittedAt.IsZero()
	link := func(path, key string, args ...any) {
		h.w(`<li><a href="/candidatures/`, id, path, `">`)
		h.t(key, args...)
		h.w("</a></li>")
	}
	if d.App.ReceiptNumber != "" {
		link("/recepisse", "applicant.link.receipt")
	}
	h.w("\n")
	if (d.Member || d.Manager) && submitted {
		link("/versions", "applicant.link.versions")
	}
	h.w("\n")
	if d.Member || d.Manager && submitted {
		link("/messages", "applicant.link.messages", d.MessagesCount)
	}
	h.w("\n")
	if d.Manager && submitted {
		link("/instruction", "applicant.link.instruction")
	}
	h.w("\n</ul>\n</header>\n")
}
