package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// TestApplicationMails builds every application email in the four
// languages: each finds its texts in the catalogue, fills every verb, and
// says what its reader needs (the number, the answer, the link…). The
// author of a message, a correction request or an answer is not told of
// their own act.
func TestApplicationMails(t *testing.T) {
	e := newTestEnv(t)
	s := e.srv
	base := e.ts.URL
	at := time.Date(2026, 6, 15, 12, 3, 27, 0, time.UTC) // 14:03:27 in Paris
	c := &coopdec.Call{ID: 3, Reference: "AAP-FR-AR-01", Texts: map[string]coopdec.CallText{
		"fr": {Title: "Appel franco-argentin"}, "es": {Title: "Convocatoria franco-argentina"}}}
	a := &coopdec.Application{ID: 42, CallID: c.ID, Status: coopdec.ApplicationSubmitted, SubmittedAt: at,
		ReceiptNumber: "AAP-FR-AR-01-2026-0007", Texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Mobilités douces à Rosario"}, "es": {Title: "Movilidad sostenible en Rosario"}}}
	// One reader per language, one without a language (French), and the
	// event's author (id 9).
	people := []sqldb.DraftHolder{{UserID: 1, Email: "fr@example.org", Language: "fr"}, {UserID: 2, Email: "en@example.org", Language: "en"},
		{UserID: 3, Email: "es@example.org", Language: "es"}, {UserID: 4, Email: "pt@example.org", Language: "pt"},
		{UserID: 5, Email: "none@example.org"}, {UserID: 9, Email: "author@example.org", Language: "fr"}}
	rec := coopdec.Receipt{Number: a.ReceiptNumber, SubmittedAt: at, ContentSHA256: strings.Repeat("c", 64),
		Attachments: []coopdec.AttachmentHash{{Name: "délibération.pdf", SHA256: strings.Repeat("d", 64)}}}
	pc := &coopdec.PartnerConfirmation{Email: "relaciones@rosario.example.org", Language: "es", ExpiresAt: at.Add(30 * 24 * time.Hour),
		Status: coopdec.ConfirmationDeclined, Representative: "Ana Pérez, intendenta", Comment: "La contribución está mal.",
		PartnerEntry: coopdec.Partner{Name: "Municipalidad de Rosario", Role: coopdec.RolePartner}}
	confirmed := *pc
	confirmed.Status, confirmed.Comment = coopdec.ConfirmationConfirmed, ""
	m := &coopdec.Message{AuthorID: 9, AuthorName: "Claire Officier", Body: "Merci de préciser le calendrier. " + strings.Repeat("x", 700)}
	cr := &coopdec.CorrectionRequest{Reason: "Le budget des missions paraît sous-estimé.", Fields: []string{"budget"},
		Documents: []string{"council_deliberation"}, DueAt: at.Add(10 * 24 * time.Hour), RequestedBy: 9,
		Answer: "Missions réévaluées.", AnsweredBy: 9, Version: 2}
	withdrawn := *a
	withdrawn.Status, withdrawn.WithdrawalReason = coopdec.ApplicationWithdrawn, "Le conseil municipal a renoncé."
	draft := withdrawn
	draft.SubmittedAt, draft.ReceiptNumber = time.Time{}, ""

	page, review := fmt.Sprintf("%s/candidatures/%d", base, a.ID), fmt.Sprintf("%s/candidatures/%d/instruction", base, a.ID)
	for _, tc := range []struct {
		event string
		jobs  []sqldb.Job
		to    int      // emails sent: 5 when the author (id 9) is left out
		want  []string // in every email
		fr    []string // in the French one
	}{
		{"receipt", receiptMailsOf(t, s, s.receiptMailArgs(people, rec, a, c)), 6,
			[]string{rec.Number, rec.ContentSHA256, "délibération.pdf: " + strings.Repeat("d", 64), "2026-06-15 12:03:27 UTC",
				"15/06/2026 14:03:27", page + "/recepisse", base + "/recepisses/verification?"},
			[]string{"Accusé de réception AAP-FR-AR-01-2026-0007", "heure de Paris", "Appel franco-argentin"}},
		{"partner invitation", s.partnerInvitationMail(pc, "pc_token", a, c, "Lyon", "Municipalidad de Rosario"), 1,
			[]string{"Lyon", "Movilidad sostenible en Rosario", "Convocatoria franco-argentina", "Municipalidad de Rosario", "Socio",
				base + "/confirmation/pc_token", "15/07/2026 14:03"}, nil},
		{"partner confirmed", s.partnerAnswerMails(people, &confirmed, a, "Municipalidad de Rosario"), 6,
			[]string{"Municipalidad de Rosario", "Ana Pérez, intendenta", page}, []string{"a confirmé sa participation", "(aucun commentaire)"}},
		{"partner declined", s.partnerAnswerMails(people, pc, a, "Municipalidad de Rosario"), 6,
			[]string{"Municipalidad de Rosario", "La contribución está mal.", page}, []string{"a refusé de participer"}},
		{"message", s.messageMails(people, m, a), 5,
			[]string{"Claire Officier", a.ReceiptNumber, "Merci de préciser le calendrier.", "x…", page + "/messages"}, nil},
		{"correction request", s.correctionRequestMails(people, cr, a), 5,
			[]string{a.ReceiptNumber, cr.Reason, "25/06/2026 14:03", page},
			[]string{"- Rubrique : Budget (dépenses et plan de financement)", "- Pièce à fournir : délibération de l'assemblée"}},
		{"correction answer", s.correctionAnswerMails(people, cr, a), 5,
			[]string{a.ReceiptNumber, cr.Answer, review}, []string{"version 2 du dossier"}},
		{"correction cancel", s.correctionCancelMails(people, cr, a), 6,
			[]string{a.ReceiptNumber, cr.Reason, page}, []string{"Demande de correction annulée"}},
		{"withdrawal", s.withdrawalMails(people, &withdrawn), 6,
			[]string{a.ReceiptNumber, withdrawn.WithdrawalReason, review}, []string{"Candidature retirée"}},
		{"withdrawal of a draft", s.withdrawalMails(people, &draft), 0, nil, nil},
	} {
		t.Run(tc.event, func(t *testing.T) {
			if len(tc.jobs) != tc.to {
				t.Fatalf("got %d emails; want %d", len(tc.jobs), tc.to)
			}
			subjects := map[string]bool{}
			for _, j := range tc.jobs {
				mail, ok := j.Args.(jobs.MailArgs)
				if !ok {
					t.Fatalf("got job %T; want jobs.MailArgs", j.Args)
				}
				text := mail.Subject + "\n" + mail.Text
				if mail.To == "author@example.org" && tc.to == 5 {
					t.Errorf("the event's author is told of it:\n%s", text)
				}
				if strings.Contains(text, "%!") || strings.Contains(text, "mail.application.") || strings.Contains(text, "applicant.role.") {
					t.Errorf("email to %s has a missing text or verb:\n%s", mail.To, text)
				}
				wantContains(t, tc.event+" to "+mail.To, text, tc.want...)
				if mail.To == "fr@example.org" || mail.To == "none@example.org" {
					wantContains(t, tc.event+" in French to "+mail.To, text, tc.fr...)
				}
				subjects[mail.Subject] = true
			}
			// Each language has its own text: fr and none@ share French.
			if tc.to > 1 && len(subjects) != 4 {
				t.Errorf("got %d distinct subjects; want one per language: %v", len(subjects), subjects)
			}
		})
	}
}

// TestMailSubjectIsOneLine: a title typed with line breaks (the API takes
// any text) never splits an email's subject.
func TestMailSubjectIsOneLine(t *testing.T) {
	e := newTestEnv(t)
	job := e.srv.mailJob("fr", "lyon@example.org", "mail.application.message", "Lyon", "Eau\r\nBcc: x@example.org\n à Pune", "AAP-1", "https://example.org")
	subject := job.Args.(jobs.MailArgs).Subject
	if strings.ContainsAny(subject, "\r\n") {
		t.Fatalf("got subject %q; want one line", subject)
	}
}

// receiptMailsOf returns the emails the receipt's worker writes from
// what they say, one job each, as the table compares them.
func receiptMailsOf(t *testing.T, s *Server, r jobs.ReceiptMailArgs) []sqldb.Job {
	t.Helper()
	msgs := r.Messages(s.cat)
	out := make([]sqldb.Job, len(msgs))
	for i, m := range msgs {
		out[i] = sqldb.Job{Args: m}
	}
	return out
}

// TestReceiptJobIsSmall: a submission enqueues one receipt job naming its
// application and nothing else: at the deadline its insert holds SQLite's
// single writer, and the worker reads the rest (composeReceipt, checked by
// the submissions' tests, whose emails arrive).
func TestReceiptJobIsSmall(t *testing.T) {
	t.Parallel()
	list := receiptJob(coopdec.Submission{ApplicationID: 123456, Receipt: coopdec.Receipt{Number: "AAP-1-2026-0001",
		ContentSHA256: strings.Repeat("c", 64)}})
	if len(list) != 1 {
		t.Fatalf("got %d jobs; want one receipt job", len(list))
	}
	r, ok := list[0].Args.(jobs.ReceiptMailArgs)
	if !ok {
		t.Fatalf("got job %T; want jobs.ReceiptMailArgs", list[0].Args)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"application_id":123456}` {
		t.Errorf("the receipt's job holds %s; want its application only", b)
	}
}
