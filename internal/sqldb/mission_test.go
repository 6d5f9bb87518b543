package sqldb

import (
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

type missionEnv struct {
	db                    *DB
	jobs                  *jobRecorder
	officer, embassy      *coopdec.User
	lyonMember, nantesMbr *coopdec.User
	senegal, lyon, nantes *coopdec.Organisation
}

func newMissionEnv(t *testing.T) *missionEnv {
	t.Helper()
	db := openTestDB(t)
	e := &missionEnv{db: db, jobs: &jobRecorder{}}
	org := func(o *coopdec.Organisation) *coopdec.Organisation {
		if err := db.CreateOrganisation(t.Context(), o, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		return o
	}
	member := func(u *coopdec.User, o *coopdec.Organisation) *coopdec.User {
		if err := db.AddMembership(t.Context(), u.ID, o.ID, coopdec.MemberRoleMember, coopdec.Actor{}); err != nil {
			t.Fatal(err)
		}
		u, err := db.UserByID(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.senegal = org(&coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Sénégal", Country: "SN"})
	e.lyon = org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Métropole de Lyon", Country: "FR",
		AuthorityType: coopdec.AuthorityEPCI, SIREN: "200046977"})
	e.nantes = org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Ville de Nantes", Country: "FR",
		AuthorityType: coopdec.AuthorityCommune, SIREN: "214401093"})
	e.officer = mustCreateUser(t, db, "agent@diplomatie.gouv.fr", "Agent", coopdec.RoleOfficer)
	e.embassy = member(mustCreateUser(t, db, "ambassade.sn@example.org", "Ambassade", coopdec.RoleEmbassy), e.senegal)
	e.lyonMember = member(mustCreateUser(t, db, "lyon@example.org", "Lyon"), e.lyon)
	e.nantesMbr = member(mustCreateUser(t, db, "nantes@example.org", "Nantes"), e.nantes)
	return e
}

func (e *missionEnv) viewer(t *testing.T, u *coopdec.User) coopdec.MissionViewer {
	t.Helper()
	v, err := e.db.MissionViewer(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func missionTerms(country string) coopdec.MissionTerms {
	return coopdec.MissionTerms{Country: country, PartnerName: "Commune de Saint-Louis", Themes: []string{"urban_development"},
		Need: "Appui à la planification urbaine.", From: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), DurationDays: 10, Languages: []string{"fr"}, BudgetCents: 1_500_000}
}

func TestMissionFlow(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	emb := e.viewer(t, e.embassy)

	other := &coopdec.MissionRequest{MissionTerms: missionTerms("ML")}
	wantError(t, e.db.CreateMissionRequest(ctx, emb, other, coopdec.Actor{}), coopdec.EINVALID, "country", "mission.country.not_yours")
	m := &coopdec.MissionRequest{MissionTerms: missionTerms("sn")}
	if err := e.db.CreateMissionRequest(ctx, emb, m, coopdec.Actor{UserID: e.embassy.ID}); err != nil {
		t.Fatalf("CreateMissionRequest: got error %v; want nil", err)
	}
	if m.EmbassyID != e.senegal.ID || m.State != coopdec.MissionOpen || m.Country != "SN" {
		t.Fatalf("request: got embassy %d state %s country %s; want %d open SN", m.EmbassyID, m.State, m.Country, e.senegal.ID)
	}
	// The embassy may not invite: officers manage.
	_, err := e.db.InviteToMission(ctx, e.jobs, emb, m.ID, []int64{e.lyon.ID}, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.EFORBIDDEN, "", "")
	off := e.viewer(t, e.officer)
	_, err = e.db.InviteToMission(ctx, e.jobs, off, m.ID, []int64{e.senegal.ID}, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.EINVALID, "organisation_ids", "mission.invite.not_authority")
	notify := func(m *coopdec.MissionRequest, invited []coopdec.Organisation, members map[int64][]DraftHolder) []Job {
		var out []Job
		for _, o := range invited {
			for _, h := range members[o.ID] {
				out = append(out, Job{Args: testJob{What: "invite " + h.Email}})
			}
		}
		return out
	}
	if _, err := e.db.InviteToMission(ctx, e.jobs, off, m.ID, []int64{e.lyon.ID}, coopdec.Actor{UserID: e.officer.ID}, notify); err != nil {
		t.Fatalf("InviteToMission: got error %v; want nil", err)
	}
	if got := e.jobs.committed(t, e.db); len(got) != 1 || got[0] != "invite lyon@example.org" {
		t.Fatalf("jobs: got %v; want [invite lyon@example.org]", got)
	}

	// Nantes was not invited: it does not see the request, nor may it reply.
	list, _, err := e.db.ListMissionRequests(ctx, MissionFilterFor(e.viewer(t, e.nantesMbr)), coopdec.NewPage(1, 20))
	if err != nil || len(list) != 0 {
		t.Fatalf("Nantes's list: got %d requests, error %v; want none", len(list), err)
	}
	reply := &coopdec.MissionReply{Interested: true, Experts: []coopdec.MissionExpert{{Name: "Anne Urbaniste", Role: "Cheffe de projet", Languages: []string{"fr", "en"}}}}
	err = e.db.ReplyToMission(ctx, e.jobs, e.viewer(t, e.nantesMbr), m.ID, e.nantes.ID, reply, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.ENOTFOUND, "", "mission.not_found")
	err = e.db.ReplyToMission(ctx, e.jobs, e.viewer(t, e.nantesMbr), m.ID, e.lyon.ID, reply, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.ENOTFOUND, "", "mission.not_found")

	lyon := e.viewer(t, e.lyonMember)
	list, _, err = e.db.ListMissionRequests(ctx, MissionFilterFor(lyon), coopdec.NewPage(1, 20))
	if err != nil || len(list) != 1 {
		t.Fatalf("Lyon's list: got %d requests, error %v; want 1", len(list), err)
	}
	if err := e.db.ReplyToMission(ctx, e.jobs, lyon, m.ID, e.lyon.ID, reply, coopdec.Actor{UserID: e.lyonMember.ID},
		func(m *coopdec.MissionRequest, r *MissionReplyRecord, to *DraftHolder) []Job {
			return []Job{{Args: testJob{What: "reply " + r.AuthorityName + " to " + to.Email}}}
		}); err != nil {
		t.Fatalf("ReplyToMission: got error %v; want nil", err)
	}
	err = e.db.ReplyToMission(ctx, e.jobs, lyon, m.ID, e.lyon.ID, reply, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "mission.reply.already")
	if got := e.jobs.committed(t, e.db); len(got) != 2 || got[1] != "reply Métropole de Lyon to ambassade.sn@example.org" {
		t.Fatalf("jobs: got %v", got)
	}
	if err := e.db.SelectMissionReply(ctx, emb, m.ID, reply.ID, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Fatalf("embassy selects: got %v; want forbidden", err)
	}
	if err := e.db.SelectMissionReply(ctx, off, m.ID, reply.ID, coopdec.Actor{UserID: e.officer.ID}); err != nil {
		t.Fatalf("SelectMissionReply: got error %v; want nil", err)
	}
	rec, err := e.db.MissionRequest(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Request.State != coopdec.MissionSelected || rec.Request.AuthorityID != e.lyon.ID || len(rec.Replies) != 1 ||
		rec.Replies[0].Experts[0].Name != "Anne Urbaniste" || rec.Replies[0].Experts[0].Languages[1] != "en" {
		t.Fatalf("record: got %+v", rec)
	}
	if err := e.db.SelectMissionReply(ctx, off, m.ID, reply.ID, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Fatalf("second selection: got %v; want conflict", err)
	}
	for _, action := range []string{coopdec.AuditMissionRequest, coopdec.AuditMissionInvite, coopdec.AuditMissionReply, coopdec.AuditMissionSelect} {
		if n := countRows(t, e.db, `SELECT COUNT(*) FROM audit_events WHERE action = $1`, action); n != 1 {
			t.Errorf("audit %s: got %d events; want 1", action, n)
		}
	}
	// Filters.
	all, page, err := e.db.ListMissionRequests(ctx, MissionFilter{All: true, State: coopdec.MissionSelected, Theme: "urban_development", Country: "sn"}, coopdec.NewPage(1, 20))
	if err != nil || len(all) != 1 || page.Total != 1 {
		t.Fatalf("filtered list: got %d (%d), %v; want 1", len(all), page.Total, err)
	}
	all, _, err = e.db.ListMissionRequests(ctx, MissionFilter{All: true, Theme: "culture"}, coopdec.NewPage(1, 20))
	if err != nil || len(all) != 0 {
		t.Fatalf("theme filter: got %d, %v; want 0", len(all), err)
	}
}

func TestMissionProposals(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	p := &coopdec.MissionProposal{AuthorityID: e.lyon.ID, MissionTerms: missionTerms("SN")}
	if err := e.db.ProposeMission(ctx, e.nantesMbr, p, coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EINVALID {
		t.Fatalf("Nantes proposes for Lyon: got %v; want invalid", err)
	}
	if err := e.db.ProposeMission(ctx, e.lyonMember, p, coopdec.Actor{UserID: e.lyonMember.ID}); err != nil {
		t.Fatalf("ProposeMission: got error %v; want nil", err)
	}
	q := &coopdec.MissionProposal{AuthorityID: e.lyon.ID, MissionTerms: missionTerms("MA")}
	if err := e.db.ProposeMission(ctx, e.lyonMember, q, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ReviewMissionProposal(ctx, e.lyonMember, p.ID, true, "", coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.EFORBIDDEN {
		t.Fatalf("member reviews: got %v; want forbidden", err)
	}
	got, err := e.db.ReviewMissionProposal(ctx, e.officer, p.ID, true, "", coopdec.Actor{UserID: e.officer.ID})
	if err != nil {
		t.Fatalf("accept: got error %v; want nil", err)
	}
	rec, err := e.db.MissionRequest(ctx, got.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Request.AuthorityID != e.lyon.ID || rec.Request.State != coopdec.MissionSelected || rec.Request.ProposalID != p.ID {
		t.Fatalf("request from proposal: got %+v", rec.Request)
	}
	_, err = e.db.ReviewMissionProposal(ctx, e.officer, q.ID, false, "  ", coopdec.Actor{})
	wantError(t, err, coopdec.EINVALID, "reason", "mission.text.required")
	got, err = e.db.ReviewMissionProposal(ctx, e.officer, q.ID, false, " Hors des priorités. ", coopdec.Actor{UserID: e.officer.ID})
	if err != nil || got.State != coopdec.ProposalDeclined || got.Reason != "Hors des priorités." {
		t.Fatalf("decline: got %+v, %v", got, err)
	}
	if _, err := e.db.ReviewMissionProposal(ctx, e.officer, q.ID, true, "", coopdec.Actor{}); coopdec.ErrorCode(err) != coopdec.ECONFLICT {
		t.Fatalf("second review: got %v; want conflict", err)
	}
	mine, page, err := e.db.ListMissionProposals(ctx, ProposalFilter{AuthorityIDs: coopdec.AuthoritiesOf(e.nantesMbr)}, coopdec.NewPage(1, 20))
	if err != nil || len(mine) != 0 || page.Total != 0 {
		t.Fatalf("Nantes's proposals: got %d, %v; want none", len(mine), err)
	}
	mine, _, err = e.db.ListMissionProposals(ctx, ProposalFilter{AuthorityIDs: coopdec.AuthoritiesOf(e.lyonMember)}, coopdec.NewPage(1, 20))
	if err != nil || len(mine) != 2 || mine[0].AuthorityName != "Métropole de Lyon" {
		t.Fatalf("Lyon's proposals: got %+v, %v", mine, err)
	}
	// Lyon sees the request its accepted proposal became.
	list, _, err := e.db.ListMissionRequests(ctx, MissionFilterFor(e.viewer(t, e.lyonMember)), coopdec.NewPage(1, 20))
	if err != nil || len(list) != 1 {
		t.Fatalf("Lyon's requests: got %d, %v; want 1", len(list), err)
	}
}
