package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// Deadline day: hundreds of authorities submit in the last seconds before
// the deadline, and some after it, through the API of a real server, each
// with its own token; some press the button twice. Whatever the machine's
// speed and the order in which the database serves them, every
// acknowledged submission was made before the deadline and is stored
// intact, every other one is refused for lateness with a clear message,
// and none is recorded twice.

const deadlineApplicants = 200

type deadlineClient struct {
	token  string
	appID  int64
	fireAt time.Time
	twice  bool // sends the same request twice at once, with one key
	late   bool // fires after the deadline
}

type deadlineAnswer struct {
	status int
	body   []byte
}

func TestDeadlineDaySubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("deadline-day load test: skipped with -short")
	}
	e := newTestEnv(t)
	ctx := context.Background()
	ministry := e.org(&coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère (DAECT)", Country: "FR"})
	programme := &coopdec.Programme{Code: "joint-calls", Names: map[string]string{"fr": "Appels conjoints"}}
	if err := e.db.CreateProgramme(ctx, programme, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	call := &coopdec.Call{ProgrammeID: programme.ID, Reference: "AAP-DEADLINE-01", Status: coopdec.CallPublished,
		Texts:   map[string]coopdec.CallText{"fr": {Title: "Appel au dernier moment", Summary: "Dépôts en rafale."}},
		Funders: []coopdec.Funder{{OrganisationID: ministry.ID, EnvelopeCents: 1_000_000_000, ShareBP: 10000}},
		Themes:  []string{"water_sanitation"},
		Rules: coopdec.EligibilityRules{Countries: []string{"IN"}, MaxGrantCents: 10_000_000, MaxFundersShareBP: 5000,
			MinOwnShareBP: 2500, RequiredDocuments: []string{"budget"}},
		PublishAt: now.Add(-48 * time.Hour), OpensAt: now.Add(-24 * time.Hour), Deadline: now.Add(time.Hour)}
	if err := e.db.CreateCall(ctx, call, coopdec.Actor{}); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n% budget\n%%EOF\n")
	file, err := e.srv.receiveFile(ctx, bytes.NewReader(pdf), "budget.pdf")
	if err != nil {
		t.Fatal(err)
	}

	clients := make([]*deadlineClient, deadlineApplicants)
	for i := range clients {
		u := e.user(fmt.Sprintf("agent%d@commune%d.example.org", i, i))
		org := e.org(&coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: fmt.Sprintf("Commune n° %d", i),
			Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: testSIREN(20_000_000 + i)})
		e.member(u, org, coopdec.MemberRoleMember)
		a := deadlineApplication(call, org.ID, ministry.ID, i)
		if err := e.db.CreateApplication(ctx, a, coopdec.Actor{UserID: u.ID}); err != nil {
			t.Fatalf("application %d: %v", i, err)
		}
		att := file
		att.ApplicationID, att.DocumentCode = a.ID, "budget"
		if err := e.db.AddAttachment(ctx, &att, coopdec.Actor{UserID: u.ID}); err != nil {
			t.Fatal(err)
		}
		clients[i] = &deadlineClient{token: e.token(u), appID: a.ID}
	}

	// The server's clock is moved forward so that the deadline falls a few
	// seconds from now: half the clients fire well before it, a quarter
	// around it, a quarter after it. fireAt and realDeadline are on the
	// test's clock, deadline on the server's.
	deadline := call.Deadline
	start := time.Now().Add(200 * time.Millisecond)
	realDeadline := start.Add(3 * time.Second)
	offset := deadline.Sub(realDeadline)
	e.db.Now = func() time.Time { return time.Now().Add(offset) }
	rng := rand.New(rand.NewPCG(4, 25))
	for i, c := range clients {
		switch {
		case i < deadlineApplicants/2:
			c.fireAt = start.Add(time.Duration(rng.Int64N(int64(2 * time.Second))))
			c.twice = i%5 == 0
		case i < deadlineApplicants*3/4:
			c.fireAt = realDeadline.Add(time.Duration(rng.Int64N(int64(time.Second))) - 500*time.Millisecond)
		default:
			c.fireAt = realDeadline.Add(100*time.Millisecond + time.Duration(rng.Int64N(int64(500*time.Millisecond))))
			c.late = true
		}
	}

	answers := make([][]deadlineAnswer, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(c.fireAt))
			key := fmt.Sprintf("submit-%d", c.appID)
			if !c.twice {
				answers[i] = []deadlineAnswer{deadlineSubmit(t, e.ts.URL, c, key)}
				return
			}
			var mu sync.Mutex
			var both sync.WaitGroup
			for range 2 {
				both.Add(1)
				go func() {
					defer both.Done()
					a := deadlineSubmit(t, e.ts.URL, c, key)
					mu.Lock()
					answers[i] = append(answers[i], a)
					mu.Unlock()
				}()
			}
			both.Wait()
		}()
	}
	wg.Wait()

	numbers := map[string]int64{}
	acknowledged, refused := 0, 0
	for i, c := range clients {
		var receipt struct {
			Number      string    `json:"number"`
			SubmittedAt time.Time `json:"submitted_at"`
			SHA256      string    `json:"sha256"`
		}
		got := ""
		for _, a := range answers[i] {
			switch a.status {
			case http.StatusCreated, http.StatusOK:
				if err := json.Unmarshal(a.body, &receipt); err != nil || receipt.Number == "" {
					t.Fatalf("client %d: got %s; want a receipt", i, a.body)
				}
				if got != "" && got != receipt.Number {
					t.Errorf("client %d: submitted twice, as %s and %s", i, got, receipt.Number)
				}
				got = receipt.Number
			case http.StatusConflict:
				var p problem
				if err := json.Unmarshal(a.body, &p); err != nil || !strings.Contains(p.Detail, "date limite") {
					t.Errorf("client %d: got %s; want a refusal for lateness", i, a.body)
				}
			default:
				t.Errorf("client %d: got status %d, %s; want 201, 200 or 409", i, a.status, a.body)
			}
		}
		stored, err := e.db.Application(ctx, c.appID)
		if err != nil {
			t.Fatal(err)
		}
		if got == "" {
			refused++
			if stored.Status != coopdec.ApplicationDraft || stored.ReceiptNumber != "" {
				t.Errorf("client %d: refused, yet stored as %s %q", i, stored.Status, stored.ReceiptNumber)
			}
			continue
		}
		acknowledged++
		if c.late {
			t.Errorf("client %d fired after the deadline and was acknowledged as %s", i, got)
		}
		if !receipt.SubmittedAt.Before(deadline) {
			t.Errorf("client %d: acknowledged at %v, after the deadline %v", i, receipt.SubmittedAt, deadline)
		}
		if other, dup := numbers[got]; dup {
			t.Errorf("number %s given to applications %d and %d", got, other, c.appID)
		}
		numbers[got] = c.appID
		v, err := e.db.SubmittedVersion(ctx, got)
		if err != nil || v.ApplicationID != c.appID {
			t.Fatalf("client %d: %s not stored for its application: %v", i, got, err)
		}
		r, err := e.db.ApplicationReceipt(ctx, c.appID)
		if err != nil {
			t.Fatal(err)
		}
		hashes, err := e.srv.attachmentHashes(ctx, v.Attachments)
		if err != nil {
			t.Fatal(err)
		}
		if r.ContentSHA256 != receipt.SHA256 || r.Verify(&v.Application, hashes) != nil {
			t.Errorf("client %d: stored submission does not match its receipt %s", i, got)
		}
	}
	if acknowledged == 0 || refused < deadlineApplicants/4 {
		t.Fatalf("got %d acknowledged and %d refused; want some of each, every late one refused", acknowledged, refused)
	}
	t.Logf("%d submissions acknowledged before the deadline, %d refused after it", acknowledged, refused)
}

func deadlineSubmit(t *testing.T, base string, c *deadlineClient, key string) deadlineAnswer {
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/applications/%d/submit", base, c.appID), nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("submit %d: %v", c.appID, err)
		return deadlineAnswer{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return deadlineAnswer{status: res.StatusCode, body: b}
}

// deadlineApplication is a complete, eligible application to call.
func deadlineApplication(call *coopdec.Call, lead, funder int64, i int) *coopdec.Application {
	const euro = 100
	return &coopdec.Application{CallID: call.ID, LeadOrganisationID: lead,
		Texts: map[string]coopdec.ApplicationText{"fr": {Title: fmt.Sprintf("Eau potable, projet %d", i),
			Summary: "Réhabilitation d'un réseau d'eau.", Context: "Un réseau ancien.", Objectives: "Réduire les fuites.",
			Sustainability: "Un service municipal formé."}},
		Themes: []string{"water_sanitation"}, Countries: []string{"IN"}, Places: []string{"Pune"}, DurationMonths: 12,
		Activities: []coopdec.Activity{{Title: "Travaux", StartMonth: 1, EndMonth: 12}},
		Results:    []coopdec.Result{{Indicator: "Fuites", Unit: "%", Baseline: "30", Target: "15"}},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{{Category: coopdec.ExpenseServices, Label: "Travaux", AmountCents: 100_000 * euro}},
			Financing: []coopdec.FinancingLine{
				{Source: coopdec.FundingGrant, FunderOrganisationID: funder, Label: "Subvention", AmountCents: 50_000 * euro},
				{Source: coopdec.FundingOwnCash, Label: "Budget communal", AmountCents: 50_000 * euro},
			}},
	}
}

// testSIREN makes a SIREN that passes the Luhn check from 8 digits.
func testSIREN(n int) string {
	base := fmt.Sprintf("%08d", n%100_000_000)
	for d := 0; d <= 9; d++ {
		s := base + string(rune('0'+d))
		if coopdec.ValidateSIREN(s) == nil {
			return s
		}
	}
	panic("no SIREN check digit for " + base)
}
