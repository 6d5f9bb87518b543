package sqldb

import (
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestCancelMissionRequest(t *testing.T) {
	e := newMissionEnv(t)
	ctx := t.Context()
	emb, off := e.viewer(t, e.embassy), e.viewer(t, e.officer)
	mali := &coopdec.Organisation{Kind: coopdec.OrgEmbassy, Name: "Ambassade de France au Mali", Country: "ML"}
	if err := e.db.CreateOrganisation(ctx, mali, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	maliStaff := mustCreateUser(t, e.db, "ambassade.ml@example.org", "Ambassade Mali", coopdec.RoleEmbassy)
	if err := e.db.AddMembership(ctx, maliStaff.ID, mali.ID, coopdec.MemberRoleMember, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	maliStaff, err := e.db.UserByID(ctx, maliStaff.ID)
	if err != nil {
		t.Fatal(err)
	}
	notify := func(m *coopdec.MissionRequest, reason string, invited []coopdec.Organisation, members map[int64][]DraftHolder) []Job {
		var out []Job
		for _, o := range invited {
			for _, h := range members[o.ID] {
				out = append(out, Job{Args: testJob{What: "cancel " + o.Name + " " + h.Email + ": " + reason}})
			}
		}
		return out
	}

	// The embassy's request, Lyon and Nantes invited.
	m := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	if err := e.db.CreateMissionRequest(ctx, emb, m, coopdec.Actor{UserID: e.embassy.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.InviteToMission(ctx, nil, off, m.ID, []int64{e.lyon.ID, e.nantes.ID}, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	const why = "La commune a obtenu un autre financement."
	err = e.db.CancelMissionRequest(ctx, e.jobs, e.viewer(t, e.lyonMember), m.ID, why, coopdec.Actor{}, notify)
	wantError(t, err, coopdec.EFORBIDDEN, "", "error.forbidden")
	err = e.db.CancelMissionRequest(ctx, e.jobs, e.viewer(t, maliStaff), m.ID, why, coopdec.Actor{}, notify)
	wantError(t, err, coopdec.EFORBIDDEN, "", "error.forbidden")
	err = e.db.CancelMissionRequest(ctx, e.jobs, emb, m.ID, "  ", coopdec.Actor{}, notify)
	wantError(t, err, coopdec.EINVALID, "reason", "mission.text.required")
	err = e.db.CancelMissionRequest(ctx, e.jobs, emb, 999999, why, coopdec.Actor{}, notify)
	wantError(t, err, coopdec.ENOTFOUND, "", "mission.not_found")
	if got := e.jobs.committed(t, e.db); len(got) != 0 {
		t.Fatalf("jobs after refusals: got %v; want none", got)
	}
	if _, err := e.db.MissionCancellation(ctx, m.ID); coopdec.ErrorCode(err) != coopdec.ENOTFOUND {
		t.Fatalf("cancellation of an open request: got %v; want not found", err)
	}

	if err := e.db.CancelMissionRequest(ctx, e.jobs, emb, m.ID, " "+why+" ", coopdec.Actor{UserID: e.embassy.ID}, notify); err != nil {
		t.Fatalf("CancelMissionRequest: got error %v; want nil", err)
	}
	rec, err := e.db.MissionRequest(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Request.State != coopdec.MissionCancelled {
		t.Fatalf("state: got %s; want cancelled", rec.Request.State)
	}
	got := e.jobs.committed(t, e.db)
	want := []string{"cancel Métropole de Lyon lyon@example.org: " + why, "cancel Ville de Nantes nantes@example.org: " + why}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("jobs: got %v; want %v", got, want)
	}
	c, err := e.db.MissionCancellation(ctx, m.ID)
	if err != nil || c.Reason != why || c.By != e.embassy.ID || c.At.IsZero() {
		t.Fatalf("cancellation: got %+v, %v; want the trimmed reason, by the embassy's staff", c, err)
	}
	if n := countRows(t, e.db, `SELECT COUNT(*) FROM audit_events WHERE action = $1 AND subject = $2`,
		coopdec.AuditMissionCancel, missionSubject(m.ID)); n != 1 {
		t.Errorf("audit: got %d cancellations; want 1", n)
	}
	// Closed: nothing more happens to it.
	wantError(t, e.db.CancelMissionRequest(ctx, e.jobs, off, m.ID, why, coopdec.Actor{}, notify), coopdec.ECONFLICT, "", "mission.cancel.already")
	_, err = e.db.InviteToMission(ctx, nil, off, m.ID, []int64{e.lyon.ID}, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "mission.closed")
	reply := &coopdec.MissionReply{Interested: true, Experts: []coopdec.MissionExpert{{Name: "Anne Urbaniste"}}}
	err = e.db.ReplyToMission(ctx, nil, e.viewer(t, e.lyonMember), m.ID, e.lyon.ID, reply, coopdec.Actor{}, nil)
	wantError(t, err, coopdec.ECONFLICT, "", "mission.closed")

	// The officer's request: once an authority is selected, it stays.
	s := &coopdec.MissionRequest{MissionTerms: missionTerms("SN")}
	if err := e.db.CreateMissionRequest(ctx, off, s, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	// The embassy did not make it, even if it is in its country.
	wantError(t, e.db.CancelMissionRequest(ctx, nil, emb, s.ID, why, coopdec.Actor{}, nil), coopdec.EFORBIDDEN, "", "error.forbidden")
	if _, err := e.db.InviteToMission(ctx, nil, off, s.ID, []int64{e.lyon.ID}, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	reply = &coopdec.MissionReply{Interested: true, Experts: []coopdec.MissionExpert{{Name: "Anne Urbaniste"}}}
	if err := e.db.ReplyToMission(ctx, nil, e.viewer(t, e.lyonMember), s.ID, e.lyon.ID, reply, coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SelectMissionReply(ctx, off, s.ID, reply.ID, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.db.CancelMissionRequest(ctx, nil, off, s.ID, why, coopdec.Actor{}, nil), coopdec.ECONFLICT, "", "mission.cancel.selected")
	if rec, err := e.db.MissionRequest(ctx, s.ID); err != nil || rec.Request.State != coopdec.MissionSelected {
		t.Fatalf("selected request after a refused cancellation: got %+v, %v; want it selected", rec, err)
	}

	// An open request nobody was invited to: cancelled, no email.
	o := &coopdec.MissionRequest{MissionTerms: missionTerms("ML")}
	if err := e.db.CreateMissionRequest(ctx, off, o, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	before := len(e.jobs.committed(t, e.db))
	if err := e.db.CancelMissionRequest(ctx, e.jobs, off, o.ID, why, coopdec.Actor{UserID: e.officer.ID}, notify); err != nil {
		t.Fatalf("officer cancels: got error %v; want nil", err)
	}
	if after := len(e.jobs.committed(t, e.db)); after != before {
		t.Errorf("jobs for a request nobody was invited to: got %d more; want none", after-before)
	}
}
