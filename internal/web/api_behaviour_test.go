package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
)

// Behaviour of the JSON API. Every request goes through the contract
// helpers, so each is also checked against openapi.json.

func TestAPITokenLifecycle(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	var created apiTokenCreated
	r := c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "PLAIN@example.org ", "password": testPassword}, http.StatusCreated)
	r.decode(&created)
	if !strings.HasPrefix(created.Token, "cdk_") || created.Name != "Jeton API" {
		t.Errorf("created token: got %+v; want a cdk_ secret named Jeton API", created)
	}
	exp, err := time.Parse(time.RFC3339, created.ExpiresAt)
	if err != nil || !strings.HasSuffix(created.ExpiresAt, "Z") {
		t.Fatalf("expires_at %q is not RFC 3339 UTC: %v", created.ExpiresAt, err)
	}
	if d := time.Until(exp); d < coopdec.APITokenValidity-time.Hour || d > coopdec.APITokenValidity {
		t.Errorf("token validity: got %v; want %v", d, coopdec.APITokenValidity)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control of a new secret: got %q; want no-store", cc)
	}

	var me apiMeDoc
	c.call("GET", "/api/v1/me", created.Token, nil, http.StatusOK).decode(&me)
	if me.ID != f.plain.ID {
		t.Fatalf("the new token acts for user %d; want %d", me.ID, f.plain.ID)
	}

	var list apiList[apiTokenDoc]
	c.call("GET", "/api/v1/auth/tokens", created.Token, nil, http.StatusOK).decode(&list)
	if len(list.Items) != 2 {
		t.Fatalf("tokens of plain: got %d; want 2 (the fixture's and the new one)", len(list.Items))
	}
	if got := list.Items[0]; got.ID != created.ID || !got.Active || got.RevokedAt != nil || got.LastUsedAt == nil {
		t.Errorf("newest token: got %+v; want the new one, active, used, not revoked", got)
	}
	// Only one's own tokens are listed.
	var others apiList[apiTokenDoc]
	c.call("GET", "/api/v1/auth/tokens", f.tMemberA, nil, http.StatusOK).decode(&others)
	for _, tok := range others.Items {
		if tok.ID == created.ID {
			t.Errorf("member A sees plain's token")
		}
	}

	// Another user cannot revoke it; its owner can, from another token.
	p := c.call("DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", created.ID), f.tMemberA, nil, http.StatusNotFound).problem()
	if p.Code != coopdec.ENOTFOUND || p.Status != http.StatusNotFound {
		t.Errorf("revoking another's token: got %+v", p)
	}
	c.call("DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", created.ID), f.tPlain, nil, http.StatusNoContent)
	c.call("DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", created.ID), f.tPlain, nil, http.StatusNotFound)
	c.call("GET", "/api/v1/me", created.Token, nil, http.StatusUnauthorized)
	c.call("GET", "/api/v1/auth/tokens", f.tPlain, nil, http.StatusOK).decode(&list)
	if got := list.Items[0]; got.Active || got.RevokedAt == nil {
		t.Errorf("revoked token: got %+v; want inactive with revoked_at", got)
	}

	// The name given is kept; a missing password is a clear 422.
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword, "name": "  ETL nightly "},
		http.StatusCreated).decode(&created)
	if created.Name != "ETL nightly" {
		t.Errorf("token name: got %q; want ETL nightly", created.Name)
	}
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": ""}, http.StatusUnprocessableEntity)
	// An unknown address and a wrong password get the same answer.
	a := c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "nobody@example.org", "password": testPassword}, http.StatusUnauthorized).problem()
	b := c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": "wrong password"}, http.StatusUnauthorized).problem()
	if a.Detail != b.Detail {
		t.Errorf("unknown address and wrong password answer differently: %q / %q", a.Detail, b.Detail)
	}
}

func TestAPIAuthenticationRefusals(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	p := c.anonymous("GET", "/api/v1/me", nil).problem()
	if p.Code != coopdec.EUNAUTHORIZED || p.Type != "urn:coopdec:problem:unauthorized" || p.Instance != "/api/v1/me" {
		t.Errorf("anonymous /me: got %+v", p)
	}
	c.call("GET", "/api/v1/me", apiBadToken, nil, http.StatusUnauthorized)
	// Authorization headers that are not a bearer token at all.
	for _, h := range []string{"Basic YWRtaW46YWRtaW4=", "Token " + f.tPlain} {
		r := c.send(apiCall{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": h}, want: http.StatusUnauthorized, invalid: true})
		if r.problem().Code != coopdec.EUNAUTHORIZED {
			t.Errorf("Authorization %q: not an unauthorized problem", h)
		}
	}
	// Even public routes refuse a bad token rather than ignore it.
	c.call("GET", "/api/v1/themes", apiBadToken, nil, http.StatusUnauthorized)
	// An expired token is refused.
	f.db.Now = func() time.Time { return time.Now().Add(coopdec.APITokenValidity + time.Hour) }
	c.call("GET", "/api/v1/me", f.tPlain, nil, http.StatusUnauthorized)
}

func TestAPITokenThrottled(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	for range 10 {
		c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": "wrong password 123"}, http.StatusUnauthorized)
	}
	r := c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword}, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra != int(coopdec.LoginWindow.Seconds()) {
		t.Errorf("Retry-After: got %q; want %d", r.header.Get("Retry-After"), int(coopdec.LoginWindow.Seconds()))
	}
	if p := r.problem(); p.Code != coopdec.ETOOMANY {
		t.Errorf("throttled: got code %q; want %q", p.Code, coopdec.ETOOMANY)
	}
	f.db.Now = func() time.Time { return time.Now().Add(coopdec.LoginWindow + time.Minute) }
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword}, http.StatusCreated)
}

func TestAPIMe(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	r := c.call("GET", "/api/v1/me", f.tPlain, nil, http.StatusOK)
	var raw map[string]json.RawMessage
	r.decode(&raw)
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"email", "id", "language", "name", "organisations", "roles"}; !slices.Equal(keys, want) {
		t.Errorf("me fields: got %v; want %v", keys, want)
	}
	if string(raw["roles"]) != "[]" || string(raw["organisations"]) != "[]" || string(raw["language"]) != `""` {
		t.Errorf("me of an account without roles: got roles %s, organisations %s, language %s; want [], [] and \"\"",
			raw["roles"], raw["organisations"], raw["language"])
	}

	var me apiMeDoc
	c.call("GET", "/api/v1/me", f.tAdminA, nil, http.StatusOK).decode(&me)
	want := []apiMembership{{ID: f.orgA.ID, Name: "Lyon", Kind: "french_authority", Role: "admin"}}
	if !slices.Equal(me.Organisations, want) || me.Email != "admin.a@example.org" {
		t.Errorf("me of A's admin: got %+v; want organisations %+v", me, want)
	}
	c.call("GET", "/api/v1/me", f.tAdmin, nil, http.StatusOK).decode(&me)
	if !slices.Equal(me.Roles, []string{"admin"}) {
		t.Errorf("admin roles: got %v", me.Roles)
	}
}

func TestAPIMeUpdate(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	var me apiMeDoc
	c.call("PATCH", "/api/v1/me", f.tPlain, map[string]string{"language": "es"}, http.StatusOK).decode(&me)
	if me.Language != "es" || me.Name != "plain" {
		t.Errorf("after choosing Spanish: got %+v", me)
	}
	// Answers now speak Spanish, whatever the browser says.
	r := c.send(apiCall{method: "GET", path: "/api/v1/organisations?page=0", token: f.tPlain, header: map[string]string{"Accept-Language": "en"},
		want: http.StatusUnprocessableEntity, invalid: true})
	if got := r.header.Get("Content-Language"); got != "es" {
		t.Errorf("Content-Language after choosing Spanish: got %q; want es", got)
	}
	if p := r.problem(); len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, "número entero") {
		t.Errorf("error after choosing Spanish: got %+v; want a Spanish message", p)
	}

	c.call("PATCH", "/api/v1/me", f.tPlain, map[string]string{"name": "  Ana Souza  "}, http.StatusOK).decode(&me)
	if me.Name != "Ana Souza" || me.Language != "es" {
		t.Errorf("after renaming: got %+v; want Ana Souza, still in Spanish", me)
	}
	// A request with an error changes nothing.
	r = c.call("PATCH", "/api/v1/me", f.tPlain, map[string]string{"language": "", "name": " "}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"name"}) {
		t.Errorf("fields at fault: got %v; want [name]", fields)
	}
	c.invalid("PATCH", "/api/v1/me", f.tPlain, map[string]string{"language": "de", "name": "X"}, http.StatusUnprocessableEntity)
	c.invalid("PATCH", "/api/v1/me", f.tPlain, map[string]any{"email": "other@example.org"}, http.StatusUnprocessableEntity)
	c.call("GET", "/api/v1/me", f.tPlain, nil, http.StatusOK).decode(&me)
	if me.Name != "Ana Souza" || me.Language != "es" {
		t.Errorf("after refused changes: got %+v; want them unchanged", me)
	}
	// An empty language follows the browser again.
	c.call("PATCH", "/api/v1/me", f.tPlain, map[string]string{"language": ""}, http.StatusOK).decode(&me)
	if me.Language != "" {
		t.Errorf("language after reset: got %q; want empty", me.Language)
	}
	events, _, err := f.db.ListAudit(t.Context(), sqldbAuditFilter(coopdec.AuditLanguageChange), coopdec.NewPage(1, 10))
	if err != nil || len(events) != 2 {
		t.Errorf("audited language changes: got %d (%v); want 2", len(events), err)
	}
}

func TestAPIPasswordChange(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	newPw := "une autre phrase de passe solide"
	r := c.call("POST", "/api/v1/me/password", f.tPlain, map[string]string{"current_password": "not it", "password": newPw}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"current_password"}) {
		t.Errorf("wrong current password: fields %v; want [current_password]", fields)
	}
	r = c.invalid("POST", "/api/v1/me/password", f.tPlain, map[string]string{"current_password": testPassword, "password": "short"}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"password"}) {
		t.Errorf("short password: fields %v; want [password]", fields)
	}
	c.call("POST", "/api/v1/me/password", f.tPlain, map[string]string{"current_password": testPassword, "password": "azertyuiopqsdfgh"},
		http.StatusUnprocessableEntity)
	c.call("POST", "/api/v1/me/password", f.tPlain, map[string]string{"current_password": testPassword, "password": newPw}, http.StatusNoContent)
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": testPassword}, http.StatusUnauthorized)
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "plain@example.org", "password": newPw}, http.StatusCreated)
	// The token that made the change still works.
	c.call("GET", "/api/v1/me", f.tPlain, nil, http.StatusOK)
}

func TestAPIPasswordResetFlow(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	var msg apiMessage
	c.call("POST", "/api/v1/password-resets", "", map[string]string{"email": "Member.A@example.org"}, http.StatusAccepted).decode(&msg)
	if !strings.Contains(msg.Message, "15 minutes") {
		t.Errorf("reset answer: got %q; want the link's validity", msg.Message)
	}
	token := f.lastLinkToken("member.a@example.org")
	n := len(f.mail.Messages())

	// No account enumeration: an unknown address gets the same answer and
	// no email.
	var other apiMessage
	c.call("POST", "/api/v1/password-resets", "", map[string]string{"email": "nobody@example.org"}, http.StatusAccepted).decode(&other)
	if other != msg || len(f.mail.Messages()) != n {
		t.Errorf("unknown address: got %q and %d emails; want the same answer and no email", other.Message, len(f.mail.Messages())-n)
	}
	r := c.call("POST", "/api/v1/password-resets", "", map[string]string{"email": "ana@"}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"email"}) {
		t.Errorf("malformed address: fields %v; want [email]", fields)
	}

	c.call("POST", "/api/v1/password-resets/not-a-token", "", map[string]string{"password": "une toute nouvelle phrase"}, http.StatusNotFound)
	// A weak password is refused and the link stays usable.
	c.invalid("POST", "/api/v1/password-resets/"+token, "", map[string]string{"password": "short"}, http.StatusUnprocessableEntity)
	newPw := "une toute nouvelle phrase secrète"
	c.call("POST", "/api/v1/password-resets/"+token, "", map[string]string{"password": newPw}, http.StatusNoContent)
	c.call("POST", "/api/v1/password-resets/"+token, "", map[string]string{"password": newPw}, http.StatusNotFound)
	c.call("POST", "/api/v1/auth/token", "", map[string]string{"email": "member.a@example.org", "password": newPw}, http.StatusCreated)

	// A link expires after 15 minutes.
	c.call("POST", "/api/v1/password-resets", "", map[string]string{"email": "member.b@example.org"}, http.StatusAccepted)
	token = f.lastLinkToken("member.b@example.org")
	f.db.Now = func() time.Time { return time.Now().Add(16 * time.Minute) }
	c.call("POST", "/api/v1/password-resets/"+token, "", map[string]string{"password": newPw}, http.StatusNotFound)
}

func TestAPIInvitations(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	pw := "la phrase de passe du nouveau compte"

	// The administrator invites a ministry officer.
	var created apiInvitationCreated
	c.call("POST", "/api/v1/invitations", f.tAdmin, map[string]any{"email": " New.Officer@Example.org", "roles": []string{"officer"}},
		http.StatusCreated).decode(&created)
	if created.Email != "new.officer@example.org" || created.ID == 0 {
		t.Errorf("invitation: got %+v", created)
	}
	token := f.lastLinkToken("new.officer@example.org")
	var info apiInvitationDoc
	c.call("GET", "/api/v1/invitations/"+token, "", nil, http.StatusOK).decode(&info)
	if info.Email != "new.officer@example.org" || info.Organisation != nil || info.LocalAuthority || !slices.Equal(info.Roles, []string{"officer"}) ||
		info.ExpiresAt != created.ExpiresAt {
		t.Errorf("invitation info: got %+v", info)
	}
	var accepted apiInvitationAccepted
	c.send(apiCall{method: "POST", path: "/api/v1/invitations/" + token + "/accept", body: map[string]any{"name": "Nouvel Agent", "password": pw},
		header: map[string]string{"Accept-Language": "pt-BR"}, want: http.StatusCreated}).decode(&accepted)
	if accepted.User.Email != "new.officer@example.org" || accepted.User.Name != "Nouvel Agent" || !slices.Equal(accepted.User.Roles, []string{"officer"}) ||
		accepted.User.Language != "pt" {
		t.Errorf("accepted account: got %+v", accepted.User)
	}
	var me apiMeDoc
	c.call("GET", "/api/v1/me", accepted.Token, nil, http.StatusOK).decode(&me)
	if me.ID != accepted.User.ID {
		t.Errorf("the token returned on acceptance acts for %d; want %d", me.ID, accepted.User.ID)
	}
	c.call("GET", "/api/v1/invitations/"+token, "", nil, http.StatusNotFound)

	// An organisation admin invites into their organisation.
	c.call("POST", "/api/v1/invitations", f.tAdminA, map[string]any{"email": "colleague@example.org", "organisation_id": f.orgA.ID},
		http.StatusCreated)
	token = f.lastLinkToken("colleague@example.org")
	c.call("GET", "/api/v1/invitations/"+token, "", nil, http.StatusOK).decode(&info)
	if info.Organisation == nil || *info.Organisation != (apiOrgRef{ID: f.orgA.ID, Name: "Lyon"}) {
		t.Errorf("invitation into A: organisation %+v", info.Organisation)
	}
	c.call("POST", "/api/v1/invitations/"+token+"/accept", "", map[string]any{"name": "Collègue", "password": pw}, http.StatusCreated).decode(&accepted)
	want := []apiMembership{{ID: f.orgA.ID, Name: "Lyon", Kind: "french_authority", Role: "member"}}
	if !slices.Equal(accepted.User.Organisations, want) {
		t.Errorf("colleague's organisations: got %+v; want %+v", accepted.User.Organisations, want)
	}

	// Refusals.
	c.call("POST", "/api/v1/invitations", f.tMemberA, map[string]any{"email": "x@example.org", "organisation_id": f.orgA.ID}, http.StatusForbidden)
	c.call("POST", "/api/v1/invitations", f.tAdminA, map[string]any{"email": "x@example.org", "organisation_id": f.orgB.ID}, http.StatusForbidden)
	c.call("POST", "/api/v1/invitations", f.tMemberB, map[string]any{"email": "x@example.org", "organisation_id": f.orgA.ID}, http.StatusForbidden)
	c.call("POST", "/api/v1/invitations", f.tAdminA, map[string]any{"email": "x@example.org", "organisation_id": f.orgA.ID, "roles": []string{"admin"}},
		http.StatusForbidden)
	c.call("POST", "/api/v1/invitations", f.tAdminA, map[string]any{"email": "x@example.org", "local_authority": true}, http.StatusForbidden)
	r := c.call("POST", "/api/v1/invitations", f.tAdminA, map[string]any{"email": "member.b@example.org", "organisation_id": f.orgA.ID},
		http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"email"}) {
		t.Errorf("inviting an existing account: fields %v; want [email]", fields)
	}
	r = c.call("POST", "/api/v1/invitations", f.tAdmin, map[string]any{"email": "x@example.org"}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"organisation_id"}) {
		t.Errorf("invitation to nothing: fields %v; want [organisation_id]", fields)
	}
	c.invalid("POST", "/api/v1/invitations", f.tAdmin, map[string]any{"email": "x@example.org", "roles": "officer"}, http.StatusUnprocessableEntity)
	if n := len(f.mail.Messages()); n != 2 {
		t.Errorf("emails sent: got %d; want 2 (refused invitations send none)", n)
	}
}

func TestAPIInvitationLocalAuthority(t *testing.T) {
	f := newAPIFixture(t)
	f.territories()
	c := f.c
	pw := "la phrase de passe du nouveau compte"
	c.call("POST", "/api/v1/invitations", f.tOfficer, map[string]any{"email": "maire@example.org", "local_authority": true}, http.StatusCreated)
	token := f.lastLinkToken("maire@example.org")
	var info apiInvitationDoc
	c.call("GET", "/api/v1/invitations/"+token, "", nil, http.StatusOK).decode(&info)
	if !info.LocalAuthority || info.Organisation != nil || len(info.Roles) != 0 {
		t.Errorf("local-authority invitation: got %+v", info)
	}

	accept := "/api/v1/invitations/" + token + "/accept"
	r := c.call("POST", accept, "", map[string]any{"name": "Maire", "password": pw}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"territory"}) {
		t.Errorf("no territory: fields %v; want [territory]", fields)
	}
	c.call("POST", accept, "", map[string]any{"name": "Maire", "password": pw, "territory": map[string]string{"kind": "commune", "code": "00000"}},
		http.StatusUnprocessableEntity)
	c.invalid("POST", accept, "", map[string]any{"name": "Maire", "password": pw, "territory": map[string]string{"kind": "canton", "code": "1"}},
		http.StatusUnprocessableEntity)
	r = c.invalid("POST", accept, "", map[string]any{"name": "", "password": "", "territory": map[string]string{"kind": "commune", "code": "31555"}},
		http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Contains(fields, "name") || !slices.Contains(fields, "password") {
		t.Errorf("empty name and password: fields %v; want both", fields)
	}

	var accepted apiInvitationAccepted
	c.call("POST", accept, "", map[string]any{"name": "Maire de Toulouse", "password": pw, "territory": map[string]string{"kind": "commune", "code": "31555"}},
		http.StatusCreated).decode(&accepted)
	if len(accepted.User.Organisations) != 1 {
		t.Fatalf("the mayor's organisations: got %+v; want Toulouse", accepted.User.Organisations)
	}
	m := accepted.User.Organisations[0]
	if m.Name != "Toulouse" || m.Kind != "french_authority" || m.Role != "admin" {
		t.Errorf("the first member of a new authority: got %+v; want admin of Toulouse", m)
	}
	var org apiOrgDoc
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d", m.ID), "", nil, http.StatusOK).decode(&org)
	if org.SIREN == nil || *org.SIREN != "213105554" || org.AuthorityType == nil || *org.AuthorityType != "commune" || org.Country != "FR" {
		t.Errorf("authority registered from the referential: got %+v", org)
	}
	var members apiList[apiMemberDoc]
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d/members", m.ID), accepted.Token, nil, http.StatusOK).decode(&members)
	if len(members.Items) != 1 || members.Items[0].Email != "maire@example.org" {
		t.Errorf("members of the new authority: got %+v", members.Items)
	}
}

func TestAPIOrganisationsList(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	for _, o := range []*coopdec.Organisation{
		{Kind: coopdec.OrgForeignAuthority, Name: "Prefeitura de Belo Horizonte", Country: "BR"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Municipalidad de Rosario", Country: "AR"},
		{Kind: coopdec.OrgForeignAuthority, Name: "Municipalité de Sfax", Country: "TN"},
		{Kind: coopdec.OrgPartnerGovernment, Name: "Ministério das Relações Exteriores", Country: "BR"},
		{Kind: coopdec.OrgInternational, Name: "PNUD", Country: "US"},
	} {
		f.org(o)
	}
	list := func(query string) apiPage[apiOrgDoc] {
		t.Helper()
		var p apiPage[apiOrgDoc]
		c.call("GET", "/api/v1/organisations"+query, "", nil, http.StatusOK).decode(&p)
		return p
	}
	names := func(p apiPage[apiOrgDoc]) []string {
		var out []string
		for _, o := range p.Items {
			out = append(out, o.Name)
		}
		return out
	}
	all := list("")
	if all.Total != 7 || len(all.Items) != 7 || all.Page != 1 || all.PerPage != 20 {
		t.Errorf("all organisations: got total %d, %d items, page %d, per_page %d; want 7, 7, 1, 20", all.Total, len(all.Items), all.Page, all.PerPage)
	}
	if got := names(list("?type=foreign_authority")); len(got) != 3 {
		t.Errorf("foreign authorities: got %v; want 3", got)
	}
	if got := names(list("?country=br")); len(got) != 2 {
		t.Errorf("in Brazil: got %v; want 2", got)
	}
	if got := names(list("?country=BR&type=partner_government")); !slices.Equal(got, []string{"Ministério das Relações Exteriores"}) {
		t.Errorf("Brazilian government: got %v", got)
	}
	if got := names(list("?q=municipalite")); len(got) != 1 || got[0] != "Municipalité de Sfax" {
		t.Errorf("search ignoring accents: got %v; want Sfax", got)
	}
	if got := names(list("?q=2169")); !slices.Equal(got, []string{"Lyon"}) {
		t.Errorf("search by SIREN start: got %v; want Lyon", got)
	}
	// Paging.
	p1, p2, p3 := list("?per_page=3&page=1"), list("?per_page=3&page=2"), list("?per_page=3&page=3")
	if p1.Total != 7 || len(p1.Items) != 3 || len(p2.Items) != 3 || len(p3.Items) != 1 || p3.Page != 3 || p3.PerPage != 3 {
		t.Errorf("pages of 3: got %d, %d, %d items (total %d)", len(p1.Items), len(p2.Items), len(p3.Items), p1.Total)
	}
	seen := map[string]bool{}
	for _, n := range append(append(names(p1), names(p2)...), names(p3)...) {
		seen[n] = true
	}
	if len(seen) != 7 {
		t.Errorf("pages overlap or miss organisations: %v", seen)
	}
	if p := list("?page=9"); p.Total != 7 || len(p.Items) != 0 || string(mustJSON(t, p.Items)) != "[]" {
		t.Errorf("page past the end: got %+v; want no item and the total", p)
	}

	// Public fields only, with the country named in the reader's language.
	var raw map[string]any
	r := c.send(apiCall{method: "GET", path: fmt.Sprintf("/api/v1/organisations/%d", f.orgA.ID), header: map[string]string{"Accept-Language": "en"},
		want: http.StatusOK})
	r.decode(&raw)
	if len(raw) != 11 || raw["country_name"] != "France" || raw["siren"] != "216901231" || raw["local_id"] != nil {
		t.Errorf("organisation document: got %v", raw)
	}
	var br apiOrgDoc
	c.send(apiCall{method: "GET", path: "/api/v1/organisations?country=BR&type=foreign_authority", header: map[string]string{"Accept-Language": "es"},
		want: http.StatusOK}).decode(&raw)
	b, _ := json.Marshal(raw["items"].([]any)[0])
	_ = json.Unmarshal(b, &br)
	if br.CountryName != "Brasil" || br.AuthorityType != nil || br.SIREN != nil {
		t.Errorf("Brazilian authority in Spanish: got %+v", br)
	}

	// Bad filters are named.
	r = c.invalid("GET", "/api/v1/organisations?type=town_hall&country=XX&page=0&per_page=500", "", nil, http.StatusUnprocessableEntity)
	p := r.problem()
	if fields := r.fields(); !slices.Equal(fields, []string{"type", "country", "page", "per_page"}) {
		t.Errorf("bad filters: fields %v; want type, country, page, per_page", fields)
	}
	if !strings.Contains(p.Errors[0].Message, "french_authority") || !strings.Contains(p.Errors[0].Message, "town_hall") {
		t.Errorf("unknown type: message %q does not name the allowed values", p.Errors[0].Message)
	}
	c.invalid("GET", "/api/v1/organisations?page=two", "", nil, http.StatusUnprocessableEntity)
	c.invalid("GET", "/api/v1/organisations/lyon", "", nil, http.StatusNotFound)
	c.call("GET", "/api/v1/organisations/424242", "", nil, http.StatusNotFound)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAPIOrganisationCreate(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	org := map[string]any{"kind": "french_authority", "name": " Toulouse ", "country": "fr", "authority_type": "commune", "siren": "213 105 554",
		"territory_code": "31555", "region_code": "76", "website": "https://www.toulouse.fr"}
	r := c.call("POST", "/api/v1/organisations", f.tOfficer, org, http.StatusCreated)
	var created apiOrgDoc
	r.decode(&created)
	if created.Name != "Toulouse" || created.Country != "FR" || created.CountryName != "France" || created.SIREN == nil || *created.SIREN != "213105554" ||
		created.Website == nil || *created.Website != "https://www.toulouse.fr" {
		t.Errorf("created: got %+v", created)
	}
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/organisations/%d", created.ID) {
		t.Errorf("Location: got %q", loc)
	}
	var got apiOrgDoc
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d", created.ID), "", nil, http.StatusOK).decode(&got)
	if g, w := mustJSON(t, got), mustJSON(t, created); string(g) != string(w) {
		t.Errorf("stored: got %s; want %s", g, w)
	}
	events, _, _ := f.db.ListAudit(t.Context(), sqldbAuditFilter(coopdec.AuditOrganisationAdd), coopdec.NewPage(1, 10))
	if len(events) == 0 || events[0].ActorID != f.officer.ID {
		t.Errorf("creation not audited with the officer as actor: %+v", events)
	}

	// Validation errors name their fields.
	cases := []struct {
		body   map[string]any
		fields []string
	}{
		{map[string]any{"kind": "french_authority", "name": "Toulouse bis", "country": "FR", "authority_type": "commune", "siren": "213105555"}, []string{"siren"}},
		{map[string]any{"kind": "french_authority", "name": "Toulouse bis", "country": "FR", "authority_type": "commune", "siren": "21310555"}, []string{"siren"}},
		{map[string]any{"kind": "french_authority", "name": "Toulouse bis", "country": "FR", "authority_type": "commune", "siren": "213105554"}, []string{"siren"}},
		{map[string]any{"kind": "french_authority", "name": "Lyon bis", "country": "BR", "authority_type": "commune", "siren": "216901231"}, []string{"country"}},
		{map[string]any{"kind": "foreign_authority", "name": "", "country": "FR"}, []string{"name", "country"}},
		{map[string]any{"kind": "embassy", "name": "Ambassade", "country": "ZZ"}, []string{"country"}},
	}
	for _, tc := range cases {
		r := c.call("POST", "/api/v1/organisations", f.tAdmin, tc.body, http.StatusUnprocessableEntity)
		p := r.problem()
		if fields := r.fields(); !slices.Equal(fields, tc.fields) {
			t.Errorf("%v: fields %v; want %v", tc.body, fields, tc.fields)
		}
		if p.Code != coopdec.EINVALID || p.Detail == "" || p.Errors[0].Message == "" {
			t.Errorf("%v: problem %+v", tc.body, p)
		}
	}
	c.invalid("POST", "/api/v1/organisations", f.tAdmin, map[string]any{"kind": "village", "name": "X", "country": "FR"}, http.StatusUnprocessableEntity)
	c.invalid("POST", "/api/v1/organisations", f.tAdmin, map[string]any{"kind": "association", "name": "X", "country": "FR", "id": 4}, http.StatusUnprocessableEntity)
	c.invalid("POST", "/api/v1/organisations", f.tAdmin, map[string]any{"kind": "association", "name": 4, "country": "FR"}, http.StatusUnprocessableEntity)
	c.send(apiCall{method: "POST", path: "/api/v1/organisations", token: f.tAdmin, raw: `{"kind": "association",`, want: http.StatusUnprocessableEntity, invalid: true})

	// Only officers and administrators register organisations.
	for _, tok := range []string{f.tAdminA, f.tMemberA, f.tPlain} {
		c.call("POST", "/api/v1/organisations", tok, map[string]any{"kind": "association", "name": "Cités Unies", "country": "FR"}, http.StatusForbidden)
	}
}

func TestAPIOrganisationMembers(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	path := fmt.Sprintf("/api/v1/organisations/%d/members", f.orgA.ID)
	for _, tok := range []string{f.tMemberA, f.tAdminA, f.tOfficer, f.tAdmin} {
		var members apiList[apiMemberDoc]
		c.call("GET", path, tok, nil, http.StatusOK).decode(&members)
		want := []apiMemberDoc{
			{UserID: f.adminA.ID, Name: "admin.a", Email: "admin.a@example.org", Role: "admin"},
			{UserID: f.memberA.ID, Name: "member.a", Email: "member.a@example.org", Role: "member"},
		}
		if !slices.Equal(members.Items, want) {
			t.Errorf("members of A: got %+v; want %+v", members.Items, want)
		}
	}
	// A member of another local authority, and anyone else, is refused.
	for _, tok := range []string{f.tMemberB, f.tPlain} {
		p := c.call("GET", path, tok, nil, http.StatusForbidden).problem()
		if p.Code != coopdec.EFORBIDDEN || len(p.Errors) != 0 {
			t.Errorf("refusal: got %+v", p)
		}
	}
	c.anonymous("GET", path, nil)
	var members apiList[apiMemberDoc]
	c.call("GET", fmt.Sprintf("/api/v1/organisations/%d/members", f.orgB.ID), f.tMemberB, nil, http.StatusOK).decode(&members)
	if len(members.Items) != 1 || members.Items[0].UserID != f.memberB.ID {
		t.Errorf("members of B seen by B: got %+v", members.Items)
	}
}

func TestAPITerritories(t *testing.T) {
	f := newAPIFixture(t)
	f.territories()
	c := f.c
	var list apiList[apiTerritoryDoc]
	c.call("GET", "/api/v1/territories?q=lyon", "", nil, http.StatusOK).decode(&list)
	if len(list.Items) != 2 {
		t.Fatalf("lyon: got %+v; want Lyon and the Métropole", list.Items)
	}
	lyon := list.Items[0]
	pop := int64(519_127)
	if lyon.Name != "Lyon" || lyon.Kind != "commune" || lyon.KindLabel != "commune" || lyon.Departement == nil || *lyon.Departement != "69" ||
		lyon.Region == nil || *lyon.Region != "84" || lyon.SIREN == nil || *lyon.SIREN != "216901231" || lyon.Population == nil || *lyon.Population != pop ||
		!slices.Equal(lyon.Postcodes, []string{"69001", "69002", "69003"}) {
		t.Errorf("Lyon: got %+v", lyon)
	}
	if list.Items[1].KindLabel != "EPCI" {
		t.Errorf("Métropole de Lyon kind label: got %q; want EPCI", list.Items[1].KindLabel)
	}
	c.call("GET", "/api/v1/territories?q=lyon&kind=epci", "", nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 || list.Items[0].Code != "200046977" || len(list.Items[0].Postcodes) != 0 {
		t.Errorf("lyon among EPCI: got %+v", list.Items)
	}
	c.call("GET", "/api/v1/territories?q=69&limit=1", "", nil, http.StatusOK).decode(&list)
	if len(list.Items) != 1 {
		t.Errorf("limit=1: got %d items", len(list.Items))
	}
	var raw map[string][]map[string]any
	c.call("GET", "/api/v1/territories?q=sans+siren", "", nil, http.StatusOK).decode(&raw)
	if len(raw["items"]) != 1 || raw["items"][0]["siren"] != nil || raw["items"][0]["population"] != nil {
		t.Errorf("a territory without SIREN nor population: got %v; want nulls", raw["items"])
	}
	if r := c.call("GET", "/api/v1/territories", "", nil, http.StatusOK); strings.TrimSpace(string(r.body)) != `{"items":[]}` {
		t.Errorf("no query: got %s; want no items", r.body)
	}
	r := c.invalid("GET", "/api/v1/territories?q=lyon&kind=canton&limit=500", "", nil, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"kind", "limit"}) {
		t.Errorf("bad kind and limit: fields %v", fields)
	}
}

func TestAPICountriesAndThemes(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	var fr apiCountriesDoc
	c.call("GET", "/api/v1/countries", "", nil, http.StatusOK).decode(&fr)
	if len(fr.Items) != len(coopdec.Countries()) {
		t.Errorf("countries: got %d; want %d", len(fr.Items), len(coopdec.Countries()))
	}
	index := func(d apiCountriesDoc, code string) int {
		return slices.IndexFunc(d.Items, func(c apiCountryDoc) bool { return c.Code == code })
	}
	// Sorted by the French collation: Égypte among the E, before Espagne.
	if eg, es, dz := index(fr, "EG"), index(fr, "ES"), index(fr, "DZ"); !(dz < eg && eg < es) || fr.Items[eg].Name != "Égypte" {
		t.Errorf("French order: Algérie %d, Égypte %d, Espagne %d", dz, eg, es)
	}
	var en apiCountriesDoc
	r := c.call("GET", "/api/v1/countries?lang=en", "", nil, http.StatusOK)
	r.decode(&en)
	if r.header.Get("Content-Language") != "en" || en.Items[index(en, "DE")].Name != "Germany" {
		t.Errorf("lang=en: Content-Language %q, DE named %q", r.header.Get("Content-Language"), en.Items[index(en, "DE")].Name)
	}
	g := slices.IndexFunc(en.Groups, func(g apiCountryGroupDoc) bool { return g.Code == "mediterranean_fund" })
	if g < 0 || len(en.Groups[g].Countries) != 8 || en.Groups[g].Countries[0].Name != "Algeria" {
		t.Errorf("Mediterranean fund group: got %+v", en.Groups)
	}

	var themes apiList[apiThemeDoc]
	c.send(apiCall{method: "GET", path: "/api/v1/themes", header: map[string]string{"Accept-Language": "es"}, want: http.StatusOK}).decode(&themes)
	if len(themes.Items) != len(coopdec.Themes()) || themes.Items[0].Code != "economic_development" || themes.Items[0].Name != "Desarrollo económico" ||
		themes.Items[0].Sectors[0] != "25010" {
		t.Errorf("themes in Spanish: got %+v", themes.Items[0])
	}
	c.call("GET", "/api/v1/themes?lang=pt", "", nil, http.StatusOK).decode(&themes)
	if themes.Items[0].Name != "Desenvolvimento econômico" {
		t.Errorf("lang=pt overrides: got %q", themes.Items[0].Name)
	}
}

func TestAPIAdmin(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	ctx := t.Context()
	if err := f.db.AddOutbox(ctx, mail.Message{To: "ana@example.org", Subject: "Bonjour", Text: "Texte", HTML: "<p>Texte</p>"}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddOutbox(ctx, mail.Message{To: "bruno@example.org", Subject: "Olá", Text: "Texto"}); err != nil {
		t.Fatal(err)
	}
	admin := []struct{ method, path string }{
		{"GET", "/api/v1/admin/users"},
		{"POST", fmt.Sprintf("/api/v1/admin/users/%d/roles", f.plain.ID)},
		{"DELETE", fmt.Sprintf("/api/v1/admin/users/%d/roles/officer", f.officer.ID)},
		{"GET", "/api/v1/admin/audit"},
		{"GET", "/api/v1/admin/outbox"},
	}
	for _, a := range admin {
		var body any
		if a.method == "POST" {
			body = map[string]string{"role": "officer"}
		}
		c.anonymous(a.method, a.path, body)
		for _, tok := range []string{f.tOfficer, f.tAdminA, f.tPlain} {
			c.call(a.method, a.path, tok, body, http.StatusForbidden)
		}
	}
	var me apiMeDoc
	c.call("GET", "/api/v1/me", f.tOfficer, nil, http.StatusOK).decode(&me)
	if !slices.Equal(me.Roles, []string{"officer"}) {
		t.Fatalf("refused requests changed the officer's roles: %v", me.Roles)
	}

	// Users.
	var users apiPage[apiAdminUserDoc]
	c.call("GET", "/api/v1/admin/users?per_page=2", f.tAdmin, nil, http.StatusOK).decode(&users)
	if users.Total != 6 || len(users.Items) != 2 || users.PerPage != 2 {
		t.Errorf("users: got total %d, %+v", users.Total, users.Items)
	}
	c.call("GET", "/api/v1/admin/users?q=member.a", f.tAdmin, nil, http.StatusOK).decode(&users)
	if users.Total != 1 || len(users.Items[0].Organisations) != 1 || users.Items[0].Organisations[0].ID != f.orgA.ID ||
		len(users.Items[0].Roles) != 0 || users.Items[0].DisabledAt != nil {
		t.Errorf("member A: got %+v", users.Items)
	}

	// Roles.
	grant := fmt.Sprintf("/api/v1/admin/users/%d/roles", f.plain.ID)
	c.call("POST", grant, f.tAdmin, map[string]string{"role": "evaluator"}, http.StatusNoContent)
	c.call("POST", grant, f.tAdmin, map[string]string{"role": "evaluator"}, http.StatusNoContent)
	c.call("GET", "/api/v1/admin/users?role=evaluator", f.tAdmin, nil, http.StatusOK).decode(&users)
	if users.Total != 1 || users.Items[0].ID != f.plain.ID || !slices.Equal(users.Items[0].Roles, []string{"evaluator"}) {
		t.Errorf("evaluators: got %+v", users.Items)
	}
	c.call("GET", "/api/v1/me", f.tPlain, nil, http.StatusOK).decode(&me)
	if !slices.Equal(me.Roles, []string{"evaluator"}) {
		t.Errorf("granted role not seen by the user: %v", me.Roles)
	}
	r := c.invalid("POST", grant, f.tAdmin, map[string]string{"role": "superuser"}, http.StatusUnprocessableEntity)
	if fields := r.fields(); !slices.Equal(fields, []string{"role"}) {
		t.Errorf("unknown role: fields %v", fields)
	}
	c.invalid("POST", "/api/v1/admin/users/x/roles", f.tAdmin, map[string]string{"role": "evaluator"}, http.StatusNotFound)
	c.call("DELETE", grant+"/evaluator", f.tAdmin, nil, http.StatusNoContent)
	c.call("DELETE", grant+"/evaluator", f.tAdmin, nil, http.StatusNoContent)
	c.call("GET", "/api/v1/me", f.tPlain, nil, http.StatusOK).decode(&me)
	if len(me.Roles) != 0 {
		t.Errorf("revoked role still held: %v", me.Roles)
	}
	// Nobody removes their own administrator role.
	p := c.call("DELETE", fmt.Sprintf("/api/v1/admin/users/%d/roles/admin", f.admin.ID), f.tAdmin, nil, http.StatusForbidden).problem()
	if !strings.Contains(p.Detail, "administrateur") {
		t.Errorf("removing one's own admin role: got %+v", p)
	}

	// Audit trail.
	var audit apiPage[apiAuditDoc]
	c.call("GET", "/api/v1/admin/audit?action=role.grant", f.tAdmin, nil, http.StatusOK).decode(&audit)
	// The fixture's accounts were created with their roles: three grants.
	if audit.Total != 3 || audit.Items[0].ActorID == nil || *audit.Items[0].ActorID != f.admin.ID ||
		audit.Items[0].Subject != fmt.Sprintf("user:%d", f.plain.ID) || audit.Items[0].Details != "evaluator" {
		t.Errorf("role grants: got %+v", audit.Items)
	}
	c.call("GET", fmt.Sprintf("/api/v1/admin/audit?actor_id=%d&per_page=100", f.admin.ID), f.tAdmin, nil, http.StatusOK).decode(&audit)
	for _, e := range audit.Items {
		if e.ActorID == nil || *e.ActorID != f.admin.ID {
			t.Errorf("actor filter let through %+v", e)
		}
	}
	c.call("GET", "/api/v1/admin/audit?per_page=100", f.tAdmin, nil, http.StatusOK).decode(&audit)
	if audit.Total < 10 || audit.Items[0].ID < audit.Items[len(audit.Items)-1].ID {
		t.Errorf("audit: got total %d; want newest first", audit.Total)
	}

	// Outbox.
	var outbox apiPage[apiOutboxDoc]
	c.call("GET", "/api/v1/admin/outbox", f.tAdmin, nil, http.StatusOK).decode(&outbox)
	if outbox.Total != 2 || outbox.Items[0].To != "bruno@example.org" || outbox.Items[0].HTML != nil {
		t.Errorf("outbox: got %+v", outbox.Items)
	}
	c.call("GET", "/api/v1/admin/outbox?to=ana@example.org", f.tAdmin, nil, http.StatusOK).decode(&outbox)
	if outbox.Total != 1 || outbox.Items[0].Subject != "Bonjour" || outbox.Items[0].HTML == nil {
		t.Errorf("outbox for ana: got %+v", outbox.Items)
	}
}

// TestAPIProblemLanguage checks that errors speak the reader's language,
// chosen by Accept-Language for anonymous clients.
func TestAPIProblemLanguage(t *testing.T) {
	f := newAPIFixture(t)
	c := f.c
	want := map[string]string{
		"":   "Type d'organisation inconnu",
		"fr": "Type d'organisation inconnu",
		"en": "Unknown organisation type",
		"es": "Tipo de organización desconocido",
		"pt": "Tipo de organização desconhecido",
	}
	for lang, text := range want {
		r := c.send(apiCall{method: "GET", path: "/api/v1/organisations?type=mairie", header: map[string]string{"Accept-Language": lang},
			want: http.StatusUnprocessableEntity, invalid: true})
		p := r.problem()
		wantLang := lang
		if wantLang == "" {
			wantLang = "fr"
		}
		if got := r.header.Get("Content-Language"); got != wantLang {
			t.Errorf("Accept-Language %q: Content-Language %q; want %q", lang, got, wantLang)
		}
		if !strings.HasPrefix(p.Detail, text) || len(p.Errors) != 1 || p.Errors[0].Field != "type" || !strings.HasPrefix(p.Errors[0].Message, text) {
			t.Errorf("Accept-Language %q: got %+v; want a detail starting %q", lang, p, text)
		}
		if p.Title == "" || p.Status != http.StatusUnprocessableEntity || p.Type != "urn:coopdec:problem:invalid" || p.Code != coopdec.EINVALID ||
			p.Instance != "/api/v1/organisations" {
			t.Errorf("Accept-Language %q: problem structure %+v", lang, p)
		}
	}
	// Unknown API paths are problems too, never pages.
	res := f.api("GET", "/api/v1/organisations/1/unknown", "", nil)
	var p problem
	decode(t, res, &p)
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" || p.Code != coopdec.ENOTFOUND {
		t.Errorf("unknown API path: got %d %s %+v; want a not-found problem", res.StatusCode, res.Header.Get("Content-Type"), p)
	}
}
