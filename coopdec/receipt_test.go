package coopdec

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func submitted() *Application {
	a := validApplication()
	a.Status = ApplicationSubmitted
	a.SubmittedAt = time.Date(2026, 3, 31, 23, 59, 58, 123, time.FixedZone("CEST", 2*3600))
	return a
}

func TestCanonicalContentDeterministic(t *testing.T) {
	a, b := submitted(), submitted()
	// The same content built in another order: map insertion, code sets.
	b.Texts = map[string]ApplicationText{}
	b.Texts["pt"] = a.Texts["pt"]
	b.Texts["fr"] = a.Texts["fr"]
	b.Texts["es"] = ApplicationText{}
	b.Countries = []string{"SN", "BR"}
	b.SubmittedAt = a.SubmittedAt.UTC()
	b.Version, b.Status, b.UpdatedAt = 9, ApplicationWithdrawn, time.Now()
	ca, err := CanonicalContent(a)
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := CanonicalContent(b)
	if !bytes.Equal(ca, cb) {
		t.Fatalf("got\n%s\n%s\nwant equal", ca, cb)
	}
	for i := 0; i < 20; i++ {
		if c, _ := CanonicalContent(submitted()); !bytes.Equal(c, ca) {
			t.Fatal("canonical content varies between runs")
		}
	}
	s := string(ca)
	for _, want := range []string{`{"format":"coopdec.application.v1","id":1,`, `"submitted_at":"2026-03-31T21:59:58Z"`, `"Mise à disposition d'agents"`, `"places":["Recife","Saint-Louis"]`} {
		if !strings.Contains(s, want) {
			t.Errorf("canonical content lacks %s:\n%s", want, s)
		}
	}
	if strings.ContainsAny(s, "\n\t") || strings.Contains(s, ": ") {
		t.Errorf("insignificant whitespace in %s", s)
	}
}

func TestCanonicalContentChanges(t *testing.T) {
	base, err := ContentHash(submitted())
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*Application){
		"id":                  func(a *Application) { a.ID++ },
		"call":                func(a *Application) { a.CallID++ },
		"lead":                func(a *Application) { a.LeadOrganisationID++ },
		"submitted at":        func(a *Application) { a.SubmittedAt = a.SubmittedAt.Add(time.Second) },
		"title":               func(a *Application) { t := a.Texts["fr"]; t.Title += "!"; a.Texts["fr"] = t },
		"sustainability":      func(a *Application) { t := a.Texts["pt"]; t.Sustainability = "x"; a.Texts["pt"] = t },
		"new language":        func(a *Application) { a.Texts["es"] = ApplicationText{Title: "Agua"} },
		"theme":               func(a *Application) { a.Themes = append(a.Themes, "local_governance") },
		"country":             func(a *Application) { a.Countries = a.Countries[:1] },
		"place order":         func(a *Application) { a.Places[0], a.Places[1] = a.Places[1], a.Places[0] },
		"duration":            func(a *Application) { a.DurationMonths++ },
		"activity end":        func(a *Application) { a.Activities[0].EndMonth++ },
		"activity text":       func(a *Application) { a.Activities[1].Description = "…" },
		"result target":       func(a *Application) { a.Results[0].Target = "1201" },
		"result unit":         func(a *Application) { a.Results[0].Unit = "ménages" },
		"partner role":        func(a *Application) { a.Partners[2].Role = RolePartner },
		"partner in kind":     func(a *Application) { a.Partners[1].InKind = true },
		"partner amount":      func(a *Application) { a.Partners[1].ContributionCents++ },
		"beneficiary":         func(a *Application) { a.BeneficiaryCountries = []string{"HT"} },
		"expense amount":      func(a *Application) { a.Budget.Expenses[0].AmountCents++ },
		"expense category":    func(a *Application) { a.Budget.Expenses[0].Category = ExpenseServices },
		"financing funder":    func(a *Application) { a.Budget.Financing[2].FunderOrganisationID = 102 },
		"financing label":     func(a *Application) { a.Budget.Financing[0].Label = "Budget primitif" },
		"financing line gone": func(a *Application) { a.Budget.Financing = a.Budget.Financing[:4] },
	} {
		a := submitted()
		edit(a)
		if h, _ := ContentHash(a); h == base {
			t.Errorf("%s: hash unchanged", name)
		}
	}
	a := submitted()
	a.Places[0] = "Reci\xfe"
	if _, err := CanonicalContent(a); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func TestReceiptNumber(t *testing.T) {
	for _, tc := range []struct {
		ref  string
		seq  int64
		year int
		want string
	}{
		{"AAP-FR-IN-01", 123, 2026, "AAP-FR-IN-01-2026-000123"},
		{"aap fr/br 02", 7, 2026, "AAP-FR-BR-02-2026-000007"},
		{"", 1, 2027, "AAP-2027-000001"},
		{"AAP-FR-AR-01", 1234567, 2026, "AAP-FR-AR-01-2026-1234567"},
	} {
		if got := ReceiptNumber(tc.ref, tc.seq, tc.year); got != tc.want {
			t.Errorf("ReceiptNumber(%q, %d, %d) = %q; want %q", tc.ref, tc.seq, tc.year, got, tc.want)
		}
	}
}

func TestReceiptVerify(t *testing.T) {
	deliberation := AttachmentHash{Name: "Délibération.pdf", SHA256: SHA256Hex([]byte("%PDF-1.7 délibération"))}
	budget := AttachmentHash{Name: "Budget.xlsx", SHA256: SHA256Hex([]byte("PK budget"))}
	r, err := NewReceipt("AAP-FR-BR-01-2026-000001", submitted(), []AttachmentHash{deliberation, budget})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ContentSHA256) != 64 || r.SubmittedAt.Location() != time.UTC {
		t.Errorf("got receipt %+v", r)
	}
	if _, err := NewReceipt("x", validApplication(), nil); err == nil {
		t.Error("receipt of a draft issued")
	}

	changed := budget
	changed.SHA256 = SHA256Hex([]byte("PK budget v2"))
	upper := deliberation
	upper.SHA256 = strings.ToUpper(upper.SHA256)
	for _, tc := range []struct {
		name        string
		app         func(*Application)
		attachments []AttachmentHash
		keys        []string
	}{
		{"intact", func(*Application) {}, []AttachmentHash{budget, deliberation}, nil},
		{"hash in upper case", func(*Application) {}, []AttachmentHash{budget, upper}, nil},
		{"status and version changed", func(a *Application) { a.Status, a.Version = ApplicationWithdrawn, 12 }, []AttachmentHash{budget, deliberation}, nil},
		{"attachment changed", func(*Application) {}, []AttachmentHash{changed, deliberation}, []string{"receipt.attachment.changed"}},
		{"attachment missing", func(*Application) {}, []AttachmentHash{deliberation}, []string{"receipt.attachment.missing"}},
		{"attachment added", func(*Application) {}, []AttachmentHash{budget, deliberation, {Name: "x.png", SHA256: "00"}}, []string{"receipt.attachment.added"}},
		{"content changed", func(a *Application) { a.Budget.Expenses[0].AmountCents++ }, []AttachmentHash{budget, deliberation}, []string{"receipt.content.mismatch"}},
		{"time changed", func(a *Application) { a.SubmittedAt = a.SubmittedAt.Add(time.Hour) }, []AttachmentHash{budget, deliberation},
			[]string{"receipt.submitted_at.mismatch", "receipt.content.mismatch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := submitted()
			tc.app(a)
			err := r.Verify(a, tc.attachments)
			var got []string
			if list, ok := err.(Errors); ok {
				for _, e := range list {
					got = append(got, e.Key)
					if e.Code != ECONFLICT {
						t.Errorf("%s: code %s; want %s", e.Key, e.Code, ECONFLICT)
					}
				}
			} else if err != nil {
				t.Fatalf("got %v; want Errors", err)
			}
			if strings.Join(got, " ") != strings.Join(tc.keys, " ") {
				t.Errorf("got %v; want %v", got, tc.keys)
			}
		})
	}
	err = r.Verify(submitted(), []AttachmentHash{changed, deliberation})
	if key, args := ErrorKey(err); key != "receipt.attachment.changed" || args[0] != "Budget.xlsx" {
		t.Errorf("got %s %v; want the changed attachment named", key, args)
	}
}
