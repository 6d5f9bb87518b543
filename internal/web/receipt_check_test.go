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

func TestReceiptCheck(t *testing.T) {
	f := newOfficerFixture(t)
	ctx := context.Background()
	a := f.draft(f.application(f.lyon, "Mobilités douces à Rosario"), f.lyonUser)
	info, err := f.e.blobs.Put(ctx, strings.NewReader("%PDF-1.4 budget détaillé"), coopdec.MaxAttachmentBytes)
	if err != nil {
		t.Fatal(err)
	}
	att := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: "budget", Name: "budget: 2026.pdf", MediaType: "application/pdf",
		SizeBytes: info.Size, SHA256: info.SHA256}
	if err := f.e.db.AddAttachment(ctx, att, coopdec.Actor{UserID: f.lyonUser.ID}); err != nil {
		t.Fatal(err)
	}
	// f.submitted makes its own draft: this one, with a file, is submitted here.
	token := f.invite(a, 1, "es")
	if _, err := f.e.db.RespondPartnerConfirmation(ctx, nil, token, coopdec.ConfirmationConfirmed, "María", "", coopdec.Actor{}, nil); err != nil {
		t.Fatal(err)
	}
	sub, err := f.e.db.SubmitApplication(ctx, nil, submitRequest(f, a.ID, f.lyonUser))
	if err != nil {
		t.Fatal(err)
	}
	rc := sub.Receipt
	if len(rc.Attachments) != 1 {
		t.Fatalf("receipt: got %+v; want one file", rc)
	}
	shown := rc.SubmittedAt.In(Paris).Format("02/01/2006 15:04:05")
	file := rc.Attachments[0].Name + ": " + rc.Attachments[0].SHA256
	c := f.e.client() // anyone may check a receipt
	check := func(form url.Values, want int) string {
		t.Helper()
		res := c.post("/recepisses/verification", form)
		b := body(t, res)
		if res.StatusCode != want {
			t.Fatalf("check %v: got %d; want %d\n%s", form, res.StatusCode, want, pageExcerpt(b))
		}
		return b
	}

	b := f.page(c, "/recepisses/verification", http.StatusOK)
	wantContains(t, "form", b, "Vérifier un récépissé de dépôt", `name="sha256"`, `name="attachments"`)

	b = check(url.Values{"number": {rc.Number}, "submitted_at": {shown}, "sha256": {strings.ToUpper(rc.ContentSHA256)}}, http.StatusOK)
	wantContains(t, "valid receipt", b, "correspond au dossier conservé", shown[:16], "pas été vérifiées : aucune empreinte")
	if strings.Contains(b, "Mobilités douces") {
		t.Error("the check shows the application's content")
	}
	b = check(url.Values{"number": {rc.Number}, "submitted_at": {rc.SubmittedAt.UTC().Format(time.RFC3339)},
		"sha256": {rc.ContentSHA256}, "attachments": {"\n" + file + "\r\n"}}, http.StatusOK)
	wantContains(t, "valid receipt with its file", b, "correspond au dossier conservé", "Les empreintes de 1 pièce(s) jointe(s)")
	// Shown to the minute, the time matches to the minute; the number's case does not matter.
	b = check(url.Values{"number": {strings.ToLower(rc.Number)}, "submitted_at": {shown[:16]}, "sha256": {rc.ContentSHA256}}, http.StatusOK)
	wantContains(t, "time to the minute", b, "correspond au dossier conservé")

	wrong := strings.Repeat("0", 64)
	b = check(url.Values{"number": {rc.Number}, "submitted_at": {shown}, "sha256": {wrong},
		"attachments": {rc.Attachments[0].Name + ": " + wrong + "\nautre.pdf: " + wrong}}, http.StatusOK)
	wantContains(t, "wrong hashes", b, "ne correspond pas au dossier conservé", "Le contenu du dossier ne correspond pas",
		"budget 2026.pdf", "a changé depuis le dépôt", "autre.pdf", "du récépissé est introuvable")
	if strings.Contains(b, "correspond au dossier conservé.") {
		t.Error("a wrong receipt is said to match")
	}
	later := rc.SubmittedAt.Add(time.Second).In(Paris).Format("02/01/2006 15:04:05")
	b = check(url.Values{"number": {rc.Number}, "submitted_at": {later}, "sha256": {rc.ContentSHA256}}, http.StatusOK)
	wantContains(t, "wrong time", b, "La date de dépôt ne correspond pas")
	if strings.Contains(b, shown) {
		t.Error("a wrong receipt reveals the time of submission")
	}

	b = check(url.Values{"number": {"AAP-XX-2026-000999"}, "submitted_at": {shown}, "sha256": {rc.ContentSHA256}}, http.StatusNotFound)
	wantContains(t, "unknown number", b, "Aucun dossier déposé ne porte ce numéro", `href="#number"`)

	b = check(url.Values{"submitted_at": {"hier"}, "sha256": {"abc"}, "attachments": {"sans empreinte"}}, http.StatusUnprocessableEntity)
	wantContains(t, "bad input", b, "Indiquez le numéro du récépissé.", "Date illisible", "64 caractères hexadécimaux", "Ligne 1 illisible",
		`href="#submitted_at"`, `href="#attachments"`, `value="hier"`)
}

func submitRequest(f *officerFixture, appID int64, author *coopdec.User) sqldb.SubmitRequest {
	return sqldb.SubmitRequest{ApplicationID: appID, User: f.account(author), Actor: coopdec.Actor{UserID: author.ID}}
}

func TestParseReceiptTime(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		in             string
		want           time.Time
		seconds, local bool
		ok             bool
	}{
		{"15/06/2026 14:03:27", utc("2026-06-15T12:03:27Z"), true, true, true},
		{"15/06/2026 à 14:03:27 (heure de Paris)", utc("2026-06-15T12:03:27Z"), true, true, true},
		{"15/01/2026 14h03", utc("2026-01-15T13:03:00Z"), false, true, true},
		{"2026-06-15T12:03:27Z", utc("2026-06-15T12:03:27Z"), true, false, true},
		{"2026-06-15T14:03:27+02:00", utc("2026-06-15T12:03:27Z"), true, false, true},
		{"2026-06-15 14:03:27", utc("2026-06-15T12:03:27Z"), true, true, true},
		{"31/02/2026 10:00", time.Time{}, false, false, false},
		{"demain", time.Time{}, false, false, false},
	} {
		got, seconds, local, ok := parseReceiptTime(tc.in)
		if ok != tc.ok || ok && (!got.Equal(tc.want) || seconds != tc.seconds || local != tc.local) {
			t.Errorf("parseReceiptTime(%q): got %v, %v, %v, %v; want %v, %v, %v, %v", tc.in, got, seconds, local, ok,
				tc.want, tc.seconds, tc.local, tc.ok)
		}
	}
	// The hour repeated when summer time ends reads either way.
	for _, stored := range []time.Time{utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:30:00Z")} {
		at, seconds, local, _ := parseReceiptTime("25/10/2026 02:30:00")
		if !sameShownTime(at, seconds, local, stored) {
			t.Errorf("25/10/2026 02:30:00 in Paris does not show %v", stored)
		}
	}
	at, seconds, local, _ := parseReceiptTime("15/06/2026 14:03")
	if !sameShownTime(at, seconds, local, utc("2026-06-15T12:03:59Z")) || sameShownTime(at, seconds, local, utc("2026-06-15T12:04:00Z")) {
		t.Error("a time shown to the minute does not match its minute only")
	}
}
