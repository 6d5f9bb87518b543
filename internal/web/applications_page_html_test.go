package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// aplCapture replaces the application pages' templates of a test server
// by one that keeps the view each page would have been drawn from.
type aplCapture struct {
	mu    sync.Mutex
	views []*view
}

func newAplCapture(t *testing.T, s *Server) *aplCapture {
	t.Helper()
	c := &aplCapture{}
	capture := func(v *view) template.HTML {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.views = append(c.views, v)
		return ""
	}
	s.pages.byName["application_show"] = template.Must(template.New("capture").Funcs(template.FuncMap{"capture": capture}).
		Parse(`{{capture .}}`))
	s.pages.drawn["application_edit"] = capture
	return c
}

// last is the view of the last page drawn.
func (c *aplCapture) last(t *testing.T) (*view, *aplPageData) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.views) == 0 {
		t.Fatal("no application page drawn")
	}
	v := c.views[len(c.views)-1]
	return v, v.Data.(*aplPageData)
}

// aplSpaces collapses white space, which the templates and the Go code lay
// out differently: the markup must be the same, and white space where the
// templates have some.
var aplSpaces = regexp.MustCompile(`\s+`)

// sameMarkup reports, as an error of the test, where got differs from want
// once their white space is collapsed.
func sameMarkup(t *testing.T, name, got, want string) {
	t.Helper()
	g := strings.TrimSpace(aplSpaces.ReplaceAllString(got, " "))
	w := strings.TrimSpace(aplSpaces.ReplaceAllString(want, " "))
	if g == w {
		return
	}
	k := 0
	for k < len(g) && k < len(w) && g[k] == w[k] {
		k++
	}
	t.Errorf("%s: differs from the template at byte %d:\ngot  …%s…\nwant …%s…", name, k,
		g[max(0, k-200):min(len(g), k+200)], w[max(0, k-200):min(len(w), k+200)])
}

// TestAplSectionsAsTemplates holds the application page's sections drawn
// in Go (fields, documents, eligibility) equal to the partials that drew
// them, which stay their reference: on a draft with every kind of row,
// partners invited or confirmed, files and hostile text; on a refused save
// with its errors and a row added; on a search of organisations; on an
// answer to a correction request that opens some fields and documents.
func TestAplSectionsAsTemplates(t *testing.T) {
	ref, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/partials/application_fields.html",
		"templates/partials/application_side.html", "templates/partials/field.html", "templates/partials/application_edit.html")
	if err != nil {
		t.Fatal(err)
	}
	f := newAplFixture(t)
	e := f.e
	ctx := context.Background()
	capture := newAplCapture(t, e.srv)
	rosario := e.org(&coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: `Municipalidad de "Rosario" & <Co>`, Country: "AR"})
	c := e.client().login(f.marseilleUser.Email)
	id := f.start(c)
	a := f.app(id)
	f.content(a)
	a.Texts["fr"] = coopdec.ApplicationText{Title: `<script>alert("x")</script> & 'quotes' + plus`, Summary: "Ligne 1\nLigne 2",
		Context: "Contexte", Objectives: "Objectifs", Sustainability: "Durabilité"}
	a.Texts["es"] = coopdec.ApplicationText{Title: "Título", Summary: "Resumen", Context: "Contexto"}
	a.Partners = append(a.Partners,
		coopdec.Partner{OrganisationID: rosario.ID, Name: rosario.Name, Kind: coopdec.OrgForeignAuthority, Country: "AR",
			Role: coopdec.RolePartner, Contribution: "Salles", ContributionCents: 150_000, InKind: true},
		coopdec.Partner{Name: "Universidad <Nacional>", Kind: coopdec.OrgUniversity, Country: "AR", Role: coopdec.RoleAssociated})
	a.Budget.Financing = append(a.Budget.Financing,
		coopdec.FinancingLine{Source: coopdec.FundingPartner, PartnerOrganisationID: rosario.ID, Label: "Rosario", AmountCents: 150_000, InKind: true})
	path := fmt.Sprintf("/candidatures/%d", id)
	aplStatus(t, "save", c.post(path, aplForm(a)), http.StatusSeeOther)
	tokens := make(chan string, 1)
	for i, email := range []string{"p@rosario.example.org", "q@rosario.example.org"} {
		if _, err := e.db.InvitePartner(ctx, e.runner, id, f.app(id).Version, i+1, email, "es", coopdec.Actor{},
			func(pc *coopdec.PartnerConfirmation, _ *coopdec.Application, token string) []sqldb.Job {
				tokens <- token
				return nil
			}); err != nil {
			t.Fatal(err)
		}
		tok := <-tokens
		if i == 0 {
			if _, err := e.db.RespondPartnerConfirmation(ctx, e.runner, tok, coopdec.ConfirmationConfirmed, "Intendencia",
				"Con gusto <3", coopdec.Actor{}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	up := aplForm(f.app(id))
	up.Set("document_code", "council_deliberation")
	aplStatus(t, "upload", c.postFile(path+"/pieces", up, "file", `délibération "n°1" <a>.pdf`, smallPDF), http.StatusSeeOther)

	check := func(name string) {
		t.Helper()
		v, d := capture.last(t)
		sections := []struct {
			partial string
			got     template.HTML
		}{{"application_fields", d.FieldsHTML(v)}, {"application_documents", d.DocumentsHTML(v)},
			{"application_eligibility", d.EligibilityHTML(v)}, {"application_header", d.HeaderHTML(v)}}
		if d.Draft() {
			sections = append(sections, struct {
				partial string
				got     template.HTML
			}{"application_edit_page", d.EditHTML(v)})
		}
		if d.CanWithdraw {
			sections = append(sections, struct {
				partial string
				got     template.HTML
			}{"application_withdraw", d.WithdrawalHTML(v)})
		}
		for _, s := range sections {
			var want strings.Builder
			if err := ref.ExecuteTemplate(&want, s.partial, v); err != nil {
				t.Fatal(err)
			}
			sameMarkup(t, name+", "+s.partial, string(s.got), want.String())
			if len(strings.TrimSpace(want.String())) < 200 && s.partial != "application_eligibility" {
				t.Errorf("%s, %s: the partial drew %q; want the section", name, s.partial, want.String())
			}
		}
	}

	aplStatus(t, "draft", c.get(path), http.StatusOK)
	check("draft")
	// The header and the draft's page in states the flows here do not
	// reach, with hostile text.
	v, d := capture.last(t)
	d.SubmitRefused, d.CallOpen, d.Left, d.CanWithdraw = true, false, "", true
	v.Form.Set("reason", `<script>"x" & 'y' + z</script>`)
	v.Errors["reason"] = "Motif <requis> & +"
	check("draft: submission refused, call closed, withdrawal refused")
	d.Deadline, d.Untitled, d.Title, d.Member, d.Manager, d.Status = instant{}, true, "<Sans titre> +", false, true, "withdrawn"
	d.App.ReceiptNumber, d.App.SubmittedAt, d.App.WithdrawalReason = `R<"1">`, e.db.Now(), "Reporté <b>& +</b>"
	d.Submitted, d.Withdrawn, d.CallTitle, d.CallLang = newInstant(e.db.Now()), newInstant(e.db.Now()), `Appel "<x>"`, "es"
	check("withdrawn, read by the call's manager")
	d.Member, d.Manager, d.App.SubmittedAt, d.Deadline, d.Left, d.CallOpen = true, false, time.Time{}, newInstant(e.db.Now()), "3 jours", true
	delete(v.Errors, "reason")
	check("draft of an open call, read by its lead's member")

	bad := aplForm(f.app(id))
	bad.Set("texts.fr.title", "")
	bad.Set("budget.expenses.0.amount_cents", "douze")
	bad.Set("partners.1.country", "")
	bad.Set("activities.1.end", "-3")
	bad.Set("action", "add:partners")
	c.post(path, bad)
	if v, _ := capture.last(t); len(v.Errors) < 2 {
		t.Errorf("refused save: got errors %v; want those of the amount and the month", v.Errors)
	}
	check("refused save, a partner's row added")

	find := aplForm(f.app(id))
	find.Set("action", "find:partners")
	find.Set("organisations", "Rosario")
	c.post(path, find)
	check("search of organisations")

	// Another draft, complete, submitted, then under a correction request.
	id = f.start(c)
	path = fmt.Sprintf("/candidatures/%d", id)
	a = f.app(id)
	f.content(a)
	aplStatus(t, "save the second draft", c.post(path, aplForm(a)), http.StatusSeeOther)
	if _, err := e.db.InvitePartner(ctx, e.runner, id, f.app(id).Version, 0, "p@rosario.example.org", "es", coopdec.Actor{},
		func(pc *coopdec.PartnerConfirmation, _ *coopdec.Application, token string) []sqldb.Job {
			tokens <- token
			return nil
		}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RespondPartnerConfirmation(ctx, e.runner, <-tokens, coopdec.ConfirmationConfirmed, "Intendencia", "",
		coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	up = aplForm(f.app(id))
	up.Set("document_code", "council_deliberation")
	aplStatus(t, "upload", c.postFile(path+"/pieces", up, "file", "d.pdf", smallPDF), http.StatusSeeOther)
	sub := aplForm(f.app(id))
	sub.Set("idempotency_key", "web-test-sections")
	aplStatus(t, "submit", c.post(path+"/depot", sub), http.StatusSeeOther)
	officer, err := e.db.UserByID(ctx, f.officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	cr := &coopdec.CorrectionRequest{ApplicationID: id, Reason: "Précisez.", Fields: []string{"texts", "budget", "activities"},
		Documents: []string{"council_deliberation"}, DueAt: e.db.Now().Add(10 * 24 * time.Hour)}
	if err := e.db.RequestCorrection(ctx, e.runner, officer, cr, coopdec.Actor{UserID: officer.ID}, nil); err != nil {
		t.Fatal(err)
	}
	aplStatus(t, "correction", c.get(path), http.StatusOK)
	check("answer to a correction request")
	up = url.Values{"document_code": {"council_deliberation"}}
	c.postFile(path+"/pieces", up, "file", "nouvelle délibération.pdf", smallPDF)
	aplStatus(t, "correction with a file", c.get(path), http.StatusOK)
	if _, d := capture.last(t); len(d.Pending) != 1 {
		t.Errorf("correction with a file: got %d pending files; want 1", len(d.Pending))
	}
	check("answer to a correction request, with a file")
	answer := aplFormValues(f.app(id))
	answer.Set("texts.fr.summary", "")
	c.post(fmt.Sprintf("%s/corrections/%d/reponse", path, cr.ID), answer)
	check("answer refused")
}

// TestEscHref holds escHref equal to html/template in an href.
func TestEscHref(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`<a href="{{.}}">`))
	for _, s := range []string{"#budget.expenses.0.amount_cents", "/expertise?q=eau&theme=water+x", "/a b/é", "javascript:alert(1)",
		"https://example.org/x?y='1'", "mailto:a@b.c", "/x%2Fy%zz", `/"<>`, "/pieces/12/suppression", ""} {
		var want strings.Builder
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		if got := `<a href="` + escHref(s) + `">`; got != want.String() {
			t.Errorf("%q: got %s; want %s", s, got, want.String())
		}
	}
}
