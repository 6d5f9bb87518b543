package coopdec

import "testing"

func TestRequiredDocuments(t *testing.T) {
	c := &Call{Rules: EligibilityRules{RequiredDocuments: []string{"council_deliberation", "budget"}}}
	files := []Attachment{
		{ID: 1, DocumentCode: "budget", Name: "budget.pdf"},
		{ID: 2, DocumentCode: "other", Name: "photo.png"},
		{ID: 3, DocumentCode: "budget", Name: "budget-annexe.ods"},
	}
	got := RequiredDocuments(c, files)
	if len(got) != 2 || got[0].Code != "council_deliberation" || got[0].Provided() ||
		got[1].Code != "budget" || !got[1].Provided() || len(got[1].Files) != 2 || got[1].Files[1].ID != 3 {
		t.Fatalf("got %+v; want the deliberation missing and the budget provided by files 1 and 3", got)
	}
	if got := RequiredDocuments(&Call{}, files); len(got) != 0 {
		t.Errorf("no required document: got %+v; want none", got)
	}
}
