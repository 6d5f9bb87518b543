package sqldb

import (
	"reflect"
	"testing"

	"github.com/coopdec/coopdec/coopdec"
)

func TestCallManagers(t *testing.T) {
	e := newFlowEnv(t)
	ctx := t.Context()
	// The call is co-managed by Région Sud (pacaManager) and the Brazilian
	// agency; moroccoManager co-manages only the Moroccan call.
	brazilManager := e.member(t, mustCreateUser(t, e.db, "abc@example.org", "ABC", coopdec.RoleCoManager).ID, e.brazil.ID)
	// A member of Région Sud without the co_manager role, an officer who is
	// also one of its co-managers, an administrator, a disabled officer.
	e.member(t, mustCreateUser(t, e.db, "sud@example.org", "Agent de la Région Sud").ID, e.paca.ID)
	both := e.member(t, mustCreateUser(t, e.db, "both@example.org", "Officier et co-gestionnaire",
		coopdec.RoleOfficer, coopdec.RoleCoManager).ID, e.paca.ID)
	mustCreateUser(t, e.db, "admin@example.org", "Administrateur", coopdec.RoleAdmin)
	gone := mustCreateUser(t, e.db, "gone@example.org", "Ancien officier", coopdec.RoleOfficer)
	exec(t, e.db, `UPDATE users SET disabled_at = $1 WHERE id = $2`, e.db.now(), gone.ID)
	moroccan := e.fullCall()
	moroccan.Reference = "AAP-MA-2025"
	moroccan.CoManagers = []int64{e.morocco.ID}
	moroccan = e.mustCreateCall(t, moroccan)
	bare := e.fullCall()
	bare.Reference = "AAP-SANS-2025"
	bare.CoManagers = nil
	bare = e.mustCreateCall(t, bare)

	staff := func(list ...*coopdec.User) []DraftHolder {
		out := make([]DraftHolder, len(list))
		for i, u := range list {
			out[i] = DraftHolder{UserID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language}
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		callID int64
		want   []DraftHolder
	}{
		{"co-managed call", e.call.ID, staff(e.officer, e.pacaManager, brazilManager, both)},
		{"another call's co-managers", moroccan.ID, staff(e.officer, e.moroccoManager, both)},
		{"no co-managers", bare.ID, staff(e.officer, both)},
		{"unknown call", 999_999, staff(e.officer, both)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.db.CallManagers(ctx, tc.callID)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("CallManagers:\ngot  %+v, %v\nwant %+v", got, err, tc.want)
			}
		})
	}

	// A co-manager leaving the organisation is no longer told.
	exec(t, e.db, `DELETE FROM memberships WHERE user_id = $1`, e.pacaManager.ID)
	if got, _ := e.db.CallManagers(ctx, e.call.ID); !reflect.DeepEqual(got, staff(e.officer, brazilManager, both)) {
		t.Fatalf("after pacaManager left Région Sud: got %+v", got)
	}
}
