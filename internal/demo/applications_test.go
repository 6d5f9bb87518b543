package demo

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb/sqldbtest"
)

func TestDemoPDFIsDetectedAsPDF(t *testing.T) {
	b := PDF("Délibération (n° 12)", "Eau potable à Pune")
	typ, err := coopdec.DetectType(bytes.NewReader(b), int64(len(b)), "budget.pdf")
	if err != nil || typ != coopdec.AttachmentPDF {
		t.Fatalf("got %q, %v; want a PDF", typ, err)
	}
	if !bytes.HasSuffix(b, []byte("%%EOF\n")) || bytes.Contains(b, []byte("é")) {
		t.Fatalf("got %q; want an ASCII PDF ending with %%%%EOF", b)
	}
}

func TestLoadApplications(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	db.Now = func() time.Time { return fixedNow }
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Blobs: blobs}
	if err := Load(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	// Loaded again later, nothing is added.
	db.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	if err := Load(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	all, _, err := db.ListApplications(ctx, coopdec.ApplicationFilter{}, coopdec.NewPage(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	// The evaluation step adds applications to calls of its own: count
	// those of this step's calls.
	byRef := map[string]coopdec.ApplicationSummary{}
	n := 0
	for _, s := range all {
		for _, spec := range demoApplications {
			if s.CallReference == spec.call {
				byRef[s.CallReference] = s
				n++
			}
		}
	}
	if n != len(demoApplications) {
		t.Fatalf("got %d applications to the applications step's calls; want %d", n, len(demoApplications))
	}

	pune := byRef["AAP-FR-IN-01"]
	if pune.Application.Status != coopdec.ApplicationSubmitted || pune.Eligible == nil || !*pune.Eligible ||
		!pune.Application.Partners[0].Confirmed {
		t.Errorf("Lyon–Pune: got status %s, eligible %v, partner %+v; want submitted, eligible, confirmed",
			pune.Application.Status, pune.Eligible, pune.Application.Partners[0])
	}
	r, err := db.ApplicationReceipt(ctx, pune.Application.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SubmittedVersion(ctx, r.Number)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(&v.Application, hashesOf(v.Attachments)); err != nil || len(r.Attachments) != 4 {
		t.Errorf("receipt %+v: %v; want it to verify, with 4 files", r, err)
	}

	sousse := byRef["FRCDM-PACA-01"]
	if sousse.Application.Status != coopdec.ApplicationSubmitted || sousse.CorrectionDue.IsZero() || sousse.Messages != 2 {
		t.Errorf("Marseille–Sousse: got %s, correction due %v, %d messages; want submitted, a correction, 2 messages",
			sousse.Application.Status, sousse.CorrectionDue, sousse.Messages)
	}

	draft := byRef["AAP-FR-BR-01"]
	confirmations, err := db.ListPartnerConfirmations(ctx, draft.Application.ID)
	if err != nil {
		t.Fatal(err)
	}
	if draft.Application.Status != coopdec.ApplicationDraft || len(confirmations) != 1 ||
		confirmations[0].Status != coopdec.ConfirmationPending || confirmations[0].Language != "pt" {
		t.Errorf("Lyon–Belo Horizonte: got %s, %+v; want a draft with a pending invitation in Portuguese",
			draft.Application.Status, confirmations)
	}
}

func hashesOf(files []coopdec.Attachment) []coopdec.AttachmentHash {
	out := make([]coopdec.AttachmentHash, len(files))
	for i, f := range files {
		out[i] = coopdec.AttachmentHash{Name: f.Name, SHA256: f.SHA256}
	}
	return out
}
