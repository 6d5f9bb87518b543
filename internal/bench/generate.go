package bench

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/demo"
	"github.com/coopdec/coopdec/internal/password"
	"github.com/coopdec/coopdec/internal/sqldb"
	"github.com/coopdec/coopdec/internal/territoires"
)

// GenerateOptions tune Generate.
type GenerateOptions struct {
	Scale string // a key of Scales
	Seed  int64
	// Referentiel is the folder of the official territorial referential:
	// when set, the French local authorities are its largest ones;
	// otherwise they are made up.
	Referentiel string
	// Blobs, when set, keeps the attachments' content; without it only
	// their metadata is stored.
	Blobs    blob.Store
	Progress io.Writer
	// BatchSize is how many objects a write transaction holds (Bulk); 0:
	// 500.
	BatchSize int
}

// Generate fills a fresh, migrated database with a synthetic dataset of
// the scale, through the storage methods the platform uses, and returns
// its manifest. It is deterministic for a scale and seed: the same counts,
// texts and identifiers on a fresh database; only the API tokens' secrets
// and the dates, placed relative to the day of generation so that the
// open calls are open, differ.
func Generate(ctx context.Context, db *sqldb.DB, opt GenerateOptions) (*Manifest, error) {
	sc, ok := Scales[opt.Scale]
	if !ok {
		return nil, fmt.Errorf("bench: unknown scale %q (small, medium or large)", opt.Scale)
	}
	if opt.Progress == nil {
		opt.Progress = io.Discard
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	g := &generator{sc: sc, opt: opt, rnd: rand.New(rand.NewPCG(uint64(opt.Seed), 0x636f6f70646563))}
	g.w = newWriter(g.rnd)
	// The story happens during the year before today; the database's clock
	// follows it and is given back at the end.
	g.today = time.Now().UTC().Truncate(24 * time.Hour)
	g.now = g.today.AddDate(-1, 0, -30)
	realClock := db.Now
	db.Now = func() time.Time { return g.now }
	defer func() { db.Now = realClock }()
	g.db = db
	g.m = &Manifest{Scale: opt.Scale, Seed: opt.Seed, Dialect: string(db.Dialect), Counts: map[string]int{}}

	stages := []func(context.Context) error{
		g.organisations, g.calls, g.submitted, g.evaluations, g.labels, g.missions, g.openDrafts, g.tokens,
	}
	for _, stage := range stages {
		if err := stage(ctx); err != nil {
			return nil, err
		}
	}
	g.now = g.today
	g.m.Generated = g.today
	g.m.CommonWords = g.w.common()
	g.m.RareWords = g.w.rare(500)
	g.m.Counts["documents"] = g.w.docs
	return g.m, nil
}

// generator holds what the stages share.
type generator struct {
	db    *sqldb.DB
	sc    Scale
	opt   GenerateOptions
	rnd   *rand.Rand
	w     *writer
	m     *Manifest
	today time.Time
	now   time.Time
	hash  string // one password hash for every account: hashing is slow by design

	ministry  int64
	officer   *coopdec.User
	programme int64
	french    []*coopdec.Organisation
	admins    map[int64]*coopdec.User // first member of each French authority
	foreign   map[string][]*coopdec.Organisation
	countries []string // of the foreign authorities, in a fixed order
	users     int

	evaluators []*coopdec.User
	decls      map[int64]coopdec.Declaration
	surgeCalls []*coopdec.Call
	openCalls  []*coopdec.Call
	closed     []*closedCall
	docs       map[string]docBlob
	tokenFor   []*coopdec.User // users whose tokens go in the manifest, in order
	tokenIdx   map[int64]int
}

type closedCall struct {
	call *coopdec.Call
	apps []*coopdec.Application
}

type docBlob struct {
	sha  string
	size int64
}

// tick moves the clock a little: events keep their order.
func (g *generator) tick() { g.now = g.now.Add(time.Millisecond) }

// bulk runs fn in batches of the options' size.
func (g *generator) bulk(ctx context.Context, fn func(b *sqldb.DB) error) error {
	return g.db.Bulk(ctx, g.opt.BatchSize, fn)
}

// countries and their languages: the partner's language of the calls and
// applications there.
var partnerCountries = []struct{ code, lang string }{
	{"TN", "fr"}, {"MA", "fr"}, {"SN", "fr"}, {"BF", "fr"}, {"ML", "fr"}, {"BJ", "fr"}, {"MG", "fr"}, {"CM", "fr"},
	{"HT", "fr"}, {"LB", "fr"}, {"VN", "fr"}, {"IN", "en"}, {"GH", "en"}, {"KE", "en"}, {"ZA", "en"},
	{"AR", "es"}, {"CL", "es"}, {"PE", "es"}, {"MX", "es"}, {"CO", "es"}, {"BR", "pt"}, {"MZ", "pt"}, {"CV", "pt"},
}

func languageOf(country string) string {
	for _, c := range partnerCountries {
		if c.code == country {
			return c.lang
		}
	}
	return "fr"
}

var frenchRegions = []string{"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"}

// organisations creates the ministry and its officer, the French and
// foreign authorities with one admin each, and the evaluators.
func (g *generator) organisations(ctx context.Context) error {
	h, err := password.Hash("bench-" + strconv.FormatInt(g.opt.Seed, 10))
	if err != nil {
		return err
	}
	g.hash = h
	var territories []coopdec.Territory
	if g.opt.Referentiel != "" {
		if _, err := territoires.Import(ctx, g.db, g.opt.Referentiel, g.opt.Progress); err != nil {
			return err
		}
		all, err := territoires.Load(g.opt.Referentiel)
		if err != nil {
			return err
		}
		for _, t := range all {
			if t.SIREN != "" && t.Kind.AuthorityType() != "" {
				territories = append(territories, t)
			}
		}
		// The largest first: the authorities that cooperate most.
		slices.SortFunc(territories, func(a, b coopdec.Territory) int {
			if c := cmp.Compare(b.Population, a.Population); c != 0 {
				return c
			}
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Code, b.Code))
		})
		if len(territories) < g.sc.FrenchAuthorities {
			return fmt.Errorf("bench: the referential has %d authorities with a SIREN; the scale needs %d", len(territories), g.sc.FrenchAuthorities)
		}
	}
	g.admins, g.foreign, g.decls = map[int64]*coopdec.User{}, map[string][]*coopdec.Organisation{}, map[int64]coopdec.Declaration{}
	total := 2 + g.sc.FrenchAuthorities + g.sc.ForeignAuthorities + g.sc.Evaluators
	p := g.progress("organisations and accounts", total)
	err = g.bulk(ctx, func(b *sqldb.DB) error {
		min := &coopdec.Organisation{Kind: coopdec.OrgMinistry, Name: "Ministère de l'Europe et des Affaires étrangères — DAECT", Country: "FR"}
		if err := b.CreateOrganisation(ctx, min, coopdec.Actor{}); err != nil {
			return err
		}
		g.ministry = min.ID
		g.officer, err = g.user(ctx, b, "Agent du ministère", min, coopdec.RoleOfficer)
		if err != nil {
			return err
		}
		p.add(2)
		for i := range g.sc.FrenchAuthorities {
			var o *coopdec.Organisation
			if territories != nil {
				o, _, err = b.AuthorityFromTerritory(ctx, territories[i], coopdec.Actor{})
			} else {
				place := g.w.place()
				o = &coopdec.Organisation{Kind: coopdec.OrgFrenchAuthority, Name: "Commune de " + place + "-sur-" + g.w.uniform(realPlaces[:20]),
					Country: "FR", AuthorityType: coopdec.AuthorityCommune, SIREN: siren(i), TerritoryCode: fmt.Sprintf("%05d", 1000+i),
					RegionCode: frenchRegions[i%len(frenchRegions)]}
				err = b.CreateOrganisation(ctx, o, coopdec.Actor{})
			}
			if err != nil {
				return fmt.Errorf("bench: French authority %d: %w", i, err)
			}
			g.tick()
			g.french = append(g.french, o)
			if g.admins[o.ID], err = g.user(ctx, b, "", o, ""); err != nil {
				return err
			}
			p.add(1)
		}
		for _, c := range partnerCountries {
			g.countries = append(g.countries, c.code)
		}
		for i := range g.sc.ForeignAuthorities {
			c := partnerCountries[i%len(partnerCountries)]
			o := &coopdec.Organisation{Kind: coopdec.OrgForeignAuthority, Name: foreignName(c.lang, g.w.place()), Country: c.code}
			if err := b.CreateOrganisation(ctx, o, coopdec.Actor{}); err != nil {
				return fmt.Errorf("bench: foreign authority %d: %w", i, err)
			}
			g.tick()
			g.foreign[c.code] = append(g.foreign[c.code], o)
			p.add(1)
		}
		for i := range g.sc.Evaluators {
			u, err := g.user(ctx, b, "", nil, coopdec.RoleEvaluator)
			if err != nil {
				return err
			}
			d := coopdec.Declaration{EvaluatorID: u.ID, Organisations: []coopdec.DeclaredOrganisation{{
				Name: "Cabinet " + lastNames[i%len(lastNames)] + " Conseil", Role: "Consultant en coopération internationale", Current: true}}}
			if err := b.SaveDeclaration(ctx, u, &d, coopdec.Actor{UserID: u.ID}); err != nil {
				return fmt.Errorf("bench: declaration of evaluator %d: %w", i, err)
			}
			g.evaluators = append(g.evaluators, u)
			g.decls[u.ID] = d.WithMemberships(u)
			p.add(1)
		}
		return nil
	})
	p.done()
	g.m.Counts["french_authorities"] = len(g.french)
	g.m.Counts["foreign_authorities"] = g.sc.ForeignAuthorities
	g.m.Counts["evaluators"] = len(g.evaluators)
	g.m.Countries = slices.Clone(g.countries)
	slices.Sort(g.m.Countries)
	return err
}

func foreignName(lang, place string) string {
	switch lang {
	case "en":
		return place + " Municipal Corporation"
	case "es":
		return "Municipalidad de " + place
	case "pt":
		return "Prefeitura de " + place
	}
	return "Municipalité de " + place
}

// siren makes the i-th made-up SIREN of a commune, with its Luhn key.
func siren(i int) string {
	base := fmt.Sprintf("21%06d", i)
	for d := range 10 {
		s := base + strconv.Itoa(d)
		if luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

func luhn(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// user creates an account, member of org when given; its memberships are
// filled in as storage would load them.
func (g *generator) user(ctx context.Context, b *sqldb.DB, name string, org *coopdec.Organisation, role coopdec.Role) (*coopdec.User, error) {
	g.users++
	if name == "" {
		name = firstNames[g.rnd.IntN(len(firstNames))] + " " + lastNames[g.rnd.IntN(len(lastNames))]
	}
	u := &coopdec.User{Email: fmt.Sprintf("compte-%d@bench.coopdec.test", g.users), Name: name, PasswordHash: g.hash}
	if role != "" {
		u.Roles = []coopdec.Role{role}
	}
	if err := b.CreateUser(ctx, u, coopdec.Actor{}); err != nil {
		return nil, fmt.Errorf("bench: account %s: %w", u.Email, err)
	}
	g.tick()
	if org != nil {
		if err := b.AddMembership(ctx, u.ID, org.ID, coopdec.MemberRoleAdmin, coopdec.Actor{}); err != nil {
			return nil, fmt.Errorf("bench: membership of %s: %w", u.Email, err)
		}
		u.Memberships = []coopdec.Membership{{OrganisationID: org.ID, OrganisationName: org.Name, OrganisationKind: org.Kind, Role: coopdec.MemberRoleAdmin}}
	}
	return u, nil
}

// credential issues u an API token (once) and returns it as the manifest
// names it; the secrets are filled in by the tokens stage.
func (g *generator) credential(u *coopdec.User) Credential {
	if g.tokenIdx == nil {
		g.tokenIdx = map[int64]int{}
	}
	if _, ok := g.tokenIdx[u.ID]; !ok {
		g.tokenIdx[u.ID] = len(g.tokenFor)
		g.tokenFor = append(g.tokenFor, u)
	}
	return Credential{UserID: u.ID}
}

// tokens issues the API tokens of the manifest's users, valid from today.
func (g *generator) tokens(ctx context.Context) error {
	g.now = g.today
	secrets := make(map[int64]string, len(g.tokenFor))
	p := g.progress("API tokens", len(g.tokenFor))
	err := g.bulk(ctx, func(b *sqldb.DB) error {
		for _, u := range g.tokenFor {
			tok, _, err := b.CreateAPIToken(ctx, u.ID, "bench", coopdec.Actor{UserID: u.ID})
			if err != nil {
				return fmt.Errorf("bench: token of %s: %w", u.Email, err)
			}
			secrets[u.ID] = tok
			g.tick()
			p.add(1)
		}
		return nil
	})
	p.done()
	if err != nil {
		return err
	}
	set := func(c *Credential) { c.Token = secrets[c.UserID] }
	set(&g.m.Officer)
	for i := range g.m.Drafts {
		set(&g.m.Drafts[i].Owner)
	}
	for i := range g.m.Surge {
		set(&g.m.Surge[i].Owner)
	}
	for i := range g.m.Assignments {
		set(&g.m.Assignments[i].Evaluator)
	}
	g.m.Counts["api_tokens"] = len(secrets)
	return nil
}

// projectDocuments are what every generated call requires.
var projectDocuments = []string{"council_deliberation", "letters_of_intent", "budget"}

var documentTitles = map[string]string{
	"council_deliberation": "Deliberation du conseil",
	"letters_of_intent":    "Lettres d'intention des partenaires",
	"budget":               "Budget previsionnel detaille",
}

// blobs stores one file per document code (or only hashes it, without a
// store): every application attaches the same few contents, as blobs are
// addressed by content.
func (g *generator) blobs(ctx context.Context) error {
	g.docs = map[string]docBlob{}
	for _, code := range projectDocuments {
		body := demo.PDF(documentTitles[code], "Jeu de donnees de mesure de coopdec")
		if g.opt.Blobs != nil {
			info, err := g.opt.Blobs.Put(ctx, bytes.NewReader(body), coopdec.MaxAttachmentBytes)
			if err != nil {
				return err
			}
			g.docs[code] = docBlob{sha: info.SHA256, size: info.Size}
			continue
		}
		sum := sha256.Sum256(body)
		g.docs[code] = docBlob{sha: hex.EncodeToString(sum[:]), size: int64(len(body))}
	}
	return nil
}

// progress prints one line per stage, at most every second.
type progress struct {
	w           io.Writer
	name        string
	total, n    int
	start, last time.Time
}

func (g *generator) progress(name string, total int) *progress {
	now := time.Now()
	return &progress{w: g.opt.Progress, name: name, total: total, start: now, last: now}
}

func (p *progress) add(n int) {
	p.n += n
	if now := time.Now(); now.Sub(p.last) >= time.Second {
		p.last = now
		p.print()
	}
}

func (p *progress) print() {
	secs := time.Since(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.n) / secs
	}
	fmt.Fprintf(p.w, "%-28s %8d / %-8d %8.0f/s %6.1fs\n", p.name, p.n, p.total, rate, secs)
}

func (p *progress) done() { p.print() }
