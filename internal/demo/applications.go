package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// The demonstration applications: Lyon's project with Pune, submitted with
// its partner's confirmation and its receipt; Marseille's project with
// Sousse, submitted, with an open correction request and a message thread;
// and Lyon's trilateral draft with Belo Horizonte for Haiti, waiting for its
// partner's answer. They go through the same storage methods as the
// platform's pages, so they are what a user would have made.

// appSpec is one demo application.
type appSpec struct {
	call    string // reference
	lead    string // organisation key
	author  string // account email
	build   func(ids map[string]int64, c *coopdec.Call) *coopdec.Application
	confirm []int // indexes of the partners that confirm
	invite  []int // indexes of the partners invited who have not answered
	submit  bool
	after   func(ctx context.Context, db *sqldb.DB, a *coopdec.Application, ids map[string]int64) error
}

func loadApplications(ctx context.Context, db *sqldb.DB, blobs blob.Store, ids map[string]int64) error {
	existing, _, err := db.ListApplicationsByOrganisation(ctx, ids["lyon"], coopdec.NewPage(1, 1))
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil // loaded before
	}
	for _, spec := range demoApplications {
		if err := spec.load(ctx, db, blobs, ids); err != nil {
			return fmt.Errorf("demo: application to %s: %w", spec.call, err)
		}
	}
	return nil
}

func (spec appSpec) load(ctx context.Context, db *sqldb.DB, blobs blob.Store, ids map[string]int64) error {
	c, err := db.CallByReference(ctx, spec.call)
	if err != nil {
		return err
	}
	u, err := db.UserByEmail(ctx, spec.author)
	if err != nil {
		return err
	}
	actor := coopdec.Actor{UserID: u.ID}
	a := spec.build(ids, c)
	a.CallID, a.LeadOrganisationID = c.ID, ids[spec.lead]
	if err := db.CreateApplication(ctx, a, actor); err != nil {
		return err
	}
	docs := c.Rules.RequiredDocuments
	if !spec.submit {
		docs = docs[:1]
	}
	for _, code := range docs {
		body := PDF(documentTitles[code], asciiTitle(a.Texts["fr"].Title))
		info, err := blobs.Put(ctx, bytes.NewReader(body), coopdec.MaxAttachmentBytes)
		if err != nil {
			return err
		}
		att := &coopdec.Attachment{ApplicationID: a.ID, DocumentCode: code, Name: code + ".pdf",
			MediaType: coopdec.AttachmentPDF.MediaType(), SizeBytes: info.Size, SHA256: info.SHA256}
		if err := db.AddAttachment(ctx, att, actor); err != nil {
			return err
		}
	}
	for _, i := range append(append([]int{}, spec.confirm...), spec.invite...) {
		p := a.Partners[i]
		lang := partnerLanguage(p.Country)
		email := fmt.Sprintf("partenaire-%d-%d@demo.coopdec.test", a.ID, i)
		var token string
		keep := func(_ *coopdec.PartnerConfirmation, _ *coopdec.Application, t string) []sqldb.Job {
			token = t
			return nil
		}
		if _, err := db.InvitePartner(ctx, nil, a.ID, 0, i, email, lang, actor, keep); err != nil {
			return err
		}
		if !containsInt(spec.confirm, i) {
			continue
		}
		if _, err := db.RespondPartnerConfirmation(ctx, nil, token, coopdec.ConfirmationConfirmed,
			partnerRepresentatives[p.Country], "", coopdec.Actor{}, nil); err != nil {
			return err
		}
	}
	if spec.submit {
		if _, err := db.SubmitApplication(ctx, nil, sqldb.SubmitRequest{ApplicationID: a.ID, At: db.Now(),
			User: u, Actor: actor, IdempotencyKey: fmt.Sprintf("demo-%d", a.ID)}); err != nil {
			return err
		}
	}
	if spec.after != nil {
		return spec.after(ctx, db, a, ids)
	}
	return nil
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func partnerLanguage(country string) string {
	switch country {
	case "BR", "PT":
		return "pt"
	case "AR", "ES":
		return "es"
	case "IN":
		return "en"
	}
	return "fr"
}

var partnerRepresentatives = map[string]string{
	"IN": "Anil Deshpande, Additional Municipal Commissioner",
	"TN": "Mme Leila Ben Salah, présidente de la municipalité",
	"BR": "Marcos Oliveira, Secretário Municipal de Relações Internacionais",
}

var documentTitles = map[string]string{
	"council_deliberation": "Deliberation du conseil",
	"letters_of_intent":    "Lettres d'intention des partenaires",
	"budget":               "Budget previsionnel detaille",
	"partner_agreement":    "Convention de partenariat",
}

var demoApplications = []appSpec{
	{call: "AAP-FR-IN-01", lead: "lyon", author: "lyon@demo.coopdec.test", build: lyonPune, confirm: []int{0}, submit: true},
	{call: "FRCDM-PACA-01", lead: "marseille", author: "marseille@demo.coopdec.test", build: marseilleSousse, confirm: []int{0},
		submit: true, after: correctionAndMessages},
	{call: "AAP-FR-BR-01", lead: "lyon", author: "lyon@demo.coopdec.test", build: lyonBeloHorizonte, invite: []int{0}},
}

func grantLines(c *coopdec.Call, total int64) []coopdec.FinancingLine {
	var out []coopdec.FinancingLine
	for _, f := range c.Funders {
		out = append(out, coopdec.FinancingLine{Source: coopdec.FundingGrant, FunderOrganisationID: f.OrganisationID,
			Label: "Subvention demandée", AmountCents: total * int64(f.ShareBP) / 10000})
	}
	return out
}

func lyonPune(ids map[string]int64, c *coopdec.Call) *coopdec.Application {
	const euro = 100
	return &coopdec.Application{
		Texts: map[string]coopdec.ApplicationText{
			"fr": {
				Title:   "Eau potable et assainissement dans les quartiers de Pune",
				Summary: "Lyon et Pune réhabilitent le réseau d'eau de trois quartiers, forment les agents municipaux à la détection des fuites et ouvrent un service de relation aux usagers.",
				Context: "Pune compte plus de trois millions d'habitants ; dans les quartiers anciens, près d'un tiers de l'eau distribuée est perdue en fuites. " +
					"La Métropole de Lyon coopère avec Pune depuis 2008 sur la gestion urbaine.",
				Objectives:     "Réduire de moitié les pertes du réseau dans trois quartiers pilotes ; former quarante agents ; créer un guichet des usagers.",
				Sustainability: "Les équipements et les méthodes sont repris dans le budget de la Pune Municipal Corporation ; les agents formés forment à leur tour leurs collègues.",
			},
			"en": {
				Title:   "Drinking water and sanitation in Pune's neighbourhoods",
				Summary: "Lyon and Pune rehabilitate the water network of three neighbourhoods, train municipal staff in leak detection and open a customer service.",
			},
		},
		Themes:         []string{"water_sanitation", "urban_development"},
		Countries:      []string{"IN"},
		Places:         []string{"Pune", "Maharashtra"},
		DurationMonths: 24,
		Activities: []coopdec.Activity{
			{Title: "Diagnostic du réseau", Description: "Sectorisation et campagne de mesure des débits nocturnes.", StartMonth: 1, EndMonth: 6},
			{Title: "Formation des agents", Description: "Quatre sessions à Pune, une mission d'étude à Lyon.", StartMonth: 4, EndMonth: 18},
			{Title: "Travaux pilotes", Description: "Remplacement des branchements les plus fuyards.", StartMonth: 7, EndMonth: 22},
			{Title: "Guichet des usagers", Description: "Ouverture et suivi des réclamations.", StartMonth: 12, EndMonth: 24},
		},
		Results: []coopdec.Result{
			{Indicator: "Part de l'eau perdue en fuites dans les quartiers pilotes", Unit: "%", Baseline: "32", Target: "16"},
			{Indicator: "Agents municipaux formés", Unit: "personnes", Baseline: "0", Target: "40"},
		},
		Partners: []coopdec.Partner{{OrganisationID: ids["pune"], Name: "Pune Municipal Corporation", Kind: coopdec.OrgForeignAuthority,
			Country: "IN", Role: coopdec.RolePartner, Contribution: "Personnel technique, locaux et travaux de voirie", ContributionCents: 30_000 * euro}},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Ingénieurs et formateurs", AmountCents: 80_000 * euro},
				{Category: coopdec.ExpenseTravel, Label: "Missions Lyon–Pune", AmountCents: 40_000 * euro},
				{Category: coopdec.ExpenseEquipment, Label: "Débitmètres et corrélateurs acoustiques", AmountCents: 50_000 * euro},
				{Category: coopdec.ExpenseServices, Label: "Travaux de branchement", AmountCents: 40_000 * euro},
				{Category: coopdec.ExpenseCommunication, Label: "Information des habitants", AmountCents: 10_000 * euro},
				{Category: coopdec.ExpenseInKind, Label: "Temps des agents lyonnais", AmountCents: 20_000 * euro},
			},
			Financing: append(grantLines(c, 120_000*euro),
				coopdec.FinancingLine{Source: coopdec.FundingOwnCash, Label: "Budget de la Ville de Lyon", AmountCents: 70_000 * euro},
				coopdec.FinancingLine{Source: coopdec.FundingOwnInKind, Label: "Temps des agents lyonnais", AmountCents: 20_000 * euro},
				coopdec.FinancingLine{Source: coopdec.FundingPartner, PartnerOrganisationID: ids["pune"], Label: "Pune Municipal Corporation", AmountCents: 30_000 * euro},
			),
		},
	}
}

func marseilleSousse(ids map[string]int64, c *coopdec.Call) *coopdec.Application {
	const euro = 100
	return &coopdec.Application{
		Texts: map[string]coopdec.ApplicationText{
			"fr": {
				Title:          "Appui à la gouvernance locale de Sousse : budget participatif",
				Summary:        "Marseille accompagne Sousse dans la création d'un budget participatif de quartier, de la consultation des habitants au suivi des réalisations.",
				Context:        "La réforme de la décentralisation tunisienne confie aux municipalités de nouvelles compétences et l'obligation d'associer les habitants.",
				Objectives:     "Concevoir la procédure, former les élus et les agents, mener un premier cycle dans deux arrondissements.",
				Sustainability: "La procédure est adoptée par délibération du conseil municipal de Sousse et inscrite à son budget annuel.",
			},
			"en": {
				Title:   "Supporting local governance in Sousse: participatory budgeting",
				Summary: "Marseille supports Sousse in setting up neighbourhood participatory budgeting, from consulting residents to following up the works.",
			},
		},
		Themes:         []string{"local_governance"},
		Countries:      []string{"TN"},
		Places:         []string{"Sousse"},
		DurationMonths: 18,
		Activities: []coopdec.Activity{
			{Title: "Conception de la procédure", StartMonth: 1, EndMonth: 4},
			{Title: "Formation des élus et des agents", StartMonth: 3, EndMonth: 9},
			{Title: "Premier cycle dans deux arrondissements", StartMonth: 8, EndMonth: 18},
		},
		Results: []coopdec.Result{
			{Indicator: "Habitants ayant voté", Unit: "personnes", Baseline: "0", Target: "3000"},
			{Indicator: "Projets de quartier réalisés", Unit: "projets", Baseline: "0", Target: "6"},
		},
		Partners: []coopdec.Partner{{OrganisationID: ids["sousse"], Name: "Municipalité de Sousse", Kind: coopdec.OrgForeignAuthority,
			Country: "TN", Role: coopdec.RolePartner, Contribution: "Salles, agents et communication locale", ContributionCents: 20_000 * euro, InKind: true}},
		Budget: coopdec.Budget{
			Expenses: []coopdec.ExpenseLine{
				{Category: coopdec.ExpenseStaff, Label: "Chargée de mission", AmountCents: 40_000 * euro},
				{Category: coopdec.ExpenseTravel, Label: "Missions Marseille–Sousse", AmountCents: 20_000 * euro},
				{Category: coopdec.ExpenseServices, Label: "Animation des assemblées de quartier", AmountCents: 25_000 * euro},
				{Category: coopdec.ExpenseCommunication, Label: "Supports en arabe et en français", AmountCents: 5_000 * euro},
				{Category: coopdec.ExpenseInKind, Label: "Apports en nature", AmountCents: 30_000 * euro},
			},
			Financing: append(grantLines(c, 60_000*euro),
				coopdec.FinancingLine{Source: coopdec.FundingOwnCash, Label: "Budget de la Ville de Marseille", AmountCents: 30_000 * euro},
				coopdec.FinancingLine{Source: coopdec.FundingOwnInKind, Label: "Temps des agents marseillais", AmountCents: 10_000 * euro},
				coopdec.FinancingLine{Source: coopdec.FundingPartner, PartnerOrganisationID: ids["sousse"], Label: "Municipalité de Sousse", AmountCents: 20_000 * euro, InKind: true},
			),
		},
	}
}

func lyonBeloHorizonte(ids map[string]int64, c *coopdec.Call) *coopdec.Application {
	return &coopdec.Application{
		Texts: map[string]coopdec.ApplicationText{
			"fr": {Title: "Gestion des déchets à Jacmel avec Belo Horizonte",
				Summary: "Lyon et Belo Horizonte partagent avec Jacmel leur expérience du tri et de la collecte des déchets."},
		},
		Themes:               []string{"sustainable_development"},
		Countries:            []string{"HT"},
		BeneficiaryCountries: []string{"HT"},
		Places:               []string{"Jacmel"},
		DurationMonths:       24,
		Partners: []coopdec.Partner{{OrganisationID: ids["belo-horizonte"], Name: "Prefeitura de Belo Horizonte", Kind: coopdec.OrgForeignAuthority,
			Country: "BR", Role: coopdec.RolePartner, Contribution: "Experts de la Superintendência de Limpeza Urbana"}},
	}
}

// correctionAndMessages: the officer asks Marseille for its partner
// agreement signed by both mayors, and the two sides exchange messages.
func correctionAndMessages(ctx context.Context, db *sqldb.DB, a *coopdec.Application, ids map[string]int64) error {
	officer, err := db.UserByEmail(ctx, "officer@demo.coopdec.test")
	if err != nil {
		return err
	}
	applicant, err := db.UserByEmail(ctx, "marseille@demo.coopdec.test")
	if err != nil {
		return err
	}
	r := &coopdec.CorrectionRequest{ApplicationID: a.ID,
		Reason:    "La convention de partenariat jointe n'est signée que par la Ville de Marseille : joignez la version signée par les deux maires, et précisez le calendrier du premier cycle.",
		Fields:    []string{"activities"},
		Documents: []string{"partner_agreement"},
		DueAt:     db.Now().AddDate(0, 0, 10)}
	if err := db.RequestCorrection(ctx, nil, officer, r, coopdec.Actor{UserID: officer.ID}, nil); err != nil {
		return err
	}
	for _, m := range []struct {
		u    *coopdec.User
		body string
	}{
		{applicant, "Bonjour, la municipalité de Sousse signera la convention lors de son conseil du mois prochain. Pouvons-nous joindre la version signée à ce moment-là ?"},
		{officer, "Bonjour, oui : la demande de correction vous laisse dix jours ; si le conseil se tient plus tard, écrivez-nous et nous prolongerons le délai."},
	} {
		msg := &coopdec.Message{ApplicationID: a.ID, Body: m.body}
		if err := db.PostMessage(ctx, nil, m.u, msg, coopdec.Actor{UserID: m.u.ID}, nil); err != nil {
			return err
		}
	}
	return nil
}

// asciiTitle keeps a text printable by a PDF standard font without an
// encoding table: accents stripped, PDF string delimiters dropped.
func asciiTitle(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	return strings.Map(func(r rune) rune {
		if r < 32 || r > 126 || r == '(' || r == ')' || r == '\\' {
			return -1
		}
		return r
	}, s)
}

// PDF writes a one-page PDF with a title and a line of text: small, but a
// real document that viewers open. Demo attachments and browser tests use
// it.
func PDF(title, text string) []byte {
	content := fmt.Sprintf("BT /F1 18 Tf 72 760 Td (%s) Tj /F1 11 Tf 0 -28 Td (%s) Tj 0 -16 Td (Document de demonstration coopdec) Tj ET",
		asciiTitle(title), asciiTitle(text))
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
