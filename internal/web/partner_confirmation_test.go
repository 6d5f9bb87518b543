package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// partnerPost answers a partner's invitation as its page's form does.
func partnerPost(c *client, token string, form url.Values) (*http.Response, string) {
	c.e.t.Helper()
	res := c.post("/confirmation/"+token, form)
	return res, body(c.e.t, res)
}

func TestPartnerConfirmationInSpanish(t *testing.T) {
	f := newOfficerFixture(t)
	a := f.draft(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	token := f.invite(a, 1, "es")
	c := f.e.client()
	path := "/confirmation/" + token

	res := c.get(path)
	b := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q; want no-store", cc)
	}
	wantContains(t, "Spanish page", b, `<html lang="es">`, "Confirmar su participación en un proyecto",
		"ES Mobilités douces à Rosario", "Ciclovías y formación de los agentes.", "Lyon", "Convocatoria franco-argentina",
		"Municipalidad de Rosario (Argentina)", "Socio", "Terrains et personnel", "10.000\u00a0€", "(en especie)",
		`action="/confirmation/`+token+`"`)
	if strings.Contains(b, "Ce projet n") {
		t.Error("the Spanish page says it is shown in French")
	}

	// Declining needs a comment; nothing is recorded without it.
	res, b = partnerPost(c, token, url.Values{"decision": {"declined"}, "representative": {"María Pérez, directora"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("decline without a comment: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	wantContains(t, "decline without a comment", b, `<html lang="es">`, `href="#comment"`, `value="declined" checked`,
		`value="María Pérez, directora"`)
	res, b = partnerPost(c, token, url.Values{"representative": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `href="#status"`) || !strings.Contains(b, `href="#representative"`) {
		t.Fatalf("empty answer: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}
	if list, _ := f.e.db.ListPartnerConfirmations(context.Background(), a.ID); list[0].Status != coopdec.ConfirmationPending {
		t.Fatalf("after refused answers: got status %q; want pending", list[0].Status)
	}

	res, _ = partnerPost(c, token, url.Values{"decision": {"confirmed"}, "representative": {"María Pérez, directora"},
		"comment": {"Con gusto."}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?ok=1" {
		t.Fatalf("confirm: got %d, %q; want 303 to the page", res.StatusCode, res.Header.Get("Location"))
	}
	b = f.page(c, path+"?ok=1", http.StatusOK)
	wantContains(t, "answered page", b, "Gracias: su confirmación se ha registrado", "Usted confirmó su participación.",
		"María Pérez, directora", "Con gusto.")
	if strings.Contains(b, `<form method="post" action="/confirmation/`) {
		t.Error("an answered link still shows the form")
	}
	got, err := f.e.db.Application(context.Background(), a.ID)
	if err != nil || !got.Partners[1].Confirmed {
		t.Fatalf("after confirming: got %+v, %v; want Rosario confirmed", got.Partners, err)
	}
	f.e.startJobs()
	for _, u := range []*coopdec.User{f.lyonUser, f.lyon2User} {
		m := f.e.waitMail(u.Email, "Municipalidad de Rosario a confirmé sa participation")
		wantContains(t, "email", m.Text, "Mobilités douces à Rosario", "María Pérez, directora", "Con gusto.",
			f.e.ts.URL+"/candidatures/")
	}

	// The link works once.
	res, b = partnerPost(c, token, url.Values{"decision": {"declined"}, "representative": {"Otro"}, "comment": {"No"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(b, "Ya se respondió mediante este enlace") {
		t.Fatalf("second answer: got %d\n%s", res.StatusCode, pageExcerpt(b))
	}

	// The header's language switch still works on the page.
	sw := c.post("/langue", url.Values{"lang": {"fr"}, "next": {path}})
	if sw.StatusCode != http.StatusSeeOther {
		t.Fatalf("language switch: got %d", sw.StatusCode)
	}
	b = f.page(c, path, http.StatusOK)
	wantContains(t, "switched to French", b, `<html lang="fr">`, "Confirmer votre participation", "Vous avez confirmé votre participation.")
}

func TestPartnerDeclinesInFrenchFallback(t *testing.T) {
	f := newOfficerFixture(t)
	a := f.draft(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	token := f.invite(a, 1, "pt")
	c := f.e.client()
	b := f.page(c, "/confirmation/"+token, http.StatusOK)
	// The application has no Portuguese text: the project is shown in French, and says so.
	wantContains(t, "Portuguese page", b, `<html lang="pt">`, "Confirmar sua participação", `lang="fr">Mobilités douces à Rosario`,
		"Este projeto não foi redigido no seu idioma")

	res, _ := partnerPost(c, token, url.Values{"decision": {"declined"}, "representative": {"Ana Souza"},
		"comment": {"A contribuição está errada."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decline: got %d", res.StatusCode)
	}
	b = f.page(c, "/confirmation/"+token, http.StatusOK)
	wantContains(t, "declined page", b, "Você recusou participar.", "A contribuição está errada.")
	f.e.startJobs()
	m := f.e.waitMail(f.lyonUser.Email, "a refusé de participer")
	wantContains(t, "email", m.Text, "A contribuição está errada.", "Ana Souza")
}

func TestPartnerLinkStates(t *testing.T) {
	f := newOfficerFixture(t)
	ctx := context.Background()
	c := f.e.client()

	b := f.page(c, "/confirmation/pc_nothing-here", http.StatusNotFound)
	wantContains(t, "unknown link", b, "Ce lien de confirmation n’est pas valide")
	if res, _ := partnerPost(c, "pc_nothing-here", url.Values{"decision": {"confirmed"}, "representative": {"María"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("answering an unknown link: got %d; want 404", res.StatusCode)
	}

	// The entry changed after the invitation: the link lapsed.
	a := f.draft(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	lapsed := f.invite(a, 1, "es")
	cur, err := f.e.db.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Partners[1].Contribution = "Terrains seulement"
	if err := f.e.db.UpdateApplicationDraft(ctx, cur, coopdec.Actor{UserID: f.lyonUser.ID}); err != nil {
		t.Fatal(err)
	}
	b = f.page(c, "/confirmation/"+lapsed, http.StatusGone)
	wantContains(t, "lapsed link", b, `<html lang="es">`, "ES Mobilités douces à Rosario", "La solicitud cambió desde el envío de este enlace")
	if strings.Contains(b, `name="decision"`) {
		t.Error("a lapsed link shows the form")
	}
	if res, _ := partnerPost(c, lapsed, url.Values{"decision": {"confirmed"}, "representative": {"María"}}); res.StatusCode != http.StatusGone {
		t.Errorf("answering a lapsed link: got %d; want 410", res.StatusCode)
	}

	// A link past its date has expired.
	fresh := f.invite(a, 1, "es")
	f.e.db.Now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
	b = f.page(c, "/confirmation/"+fresh, http.StatusGone)
	wantContains(t, "expired link", b, "Este enlace de confirmación ha caducado")
	if strings.Contains(b, `name="decision"`) {
		t.Error("an expired link shows the form")
	}
	if res, _ := partnerPost(c, fresh, url.Values{"decision": {"confirmed"}, "representative": {"María"}}); res.StatusCode != http.StatusGone {
		t.Errorf("answering an expired link: got %d; want 410", res.StatusCode)
	}
	f.e.db.Now = func() time.Time { return time.Now().UTC() }

	// Once the application is submitted, a link still pending takes no
	// answer: here the university's, whose confirmation the call does not
	// require.
	d := f.application(f.marseille, "Dossier marseillais")
	d.Partners = append(d.Partners, coopdec.Partner{Name: "Universidad Nacional de Rosario", Kind: coopdec.OrgUniversity,
		Country: "AR", Role: coopdec.RoleAssociated, Contribution: "Évaluation"})
	f.draft(d, f.marseilleUser)
	university := f.invite(d, 2, "es")
	rosario := f.invite(d, 1, "es")
	if _, err := f.e.db.RespondPartnerConfirmation(ctx, nil, rosario, coopdec.ConfirmationConfirmed, "María", "", coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.db.SubmitApplication(ctx, nil, sqldb.SubmitRequest{ApplicationID: d.ID, User: f.account(f.marseilleUser),
		Actor: coopdec.Actor{UserID: f.marseilleUser.ID}}); err != nil {
		t.Fatalf("SubmitApplication: %v", err)
	}
	b = f.page(c, "/confirmation/"+university, http.StatusGone)
	wantContains(t, "closed link", b, "Este expediente ya se presentó o se retiró", "Universidad Nacional de Rosario")
	if res, _ := partnerPost(c, university, url.Values{"decision": {"confirmed"}, "representative": {"Juan"}}); res.StatusCode != http.StatusGone {
		t.Errorf("answering once submitted: got %d; want 410", res.StatusCode)
	}
	// Rosario's answered link still shows its answer.
	b = f.page(c, "/confirmation/"+rosario, http.StatusOK)
	wantContains(t, "answered link", b, "Usted confirmó su participación.")
}
