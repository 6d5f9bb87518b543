// Package territoires reads the official French territorial referential
// (Etalab's « découpage administratif » JSON files: regions.json,
// departements.json, epci.json, communes.json) and imports it into the store.
package territoires

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// The files Load reads, in the order it reads them: each one refers to
// codes of the previous ones.
const (
	RegionsFile      = "regions.json"
	DepartementsFile = "departements.json"
	CommunesFile     = "communes.json"
	EPCIFile         = "epci.json"
)

// Zones of the referential. The collectivités d'outre-mer (zone "com":
// Saint-Pierre-et-Miquelon, Polynésie française, Nouvelle-Calédonie…) are
// neither régions nor départements: the files repeat each of them at every
// level under a pseudo-code (975, 988…), without SIREN. Load leaves them out,
// so that every territory it returns belongs to a real région and département.
const (
	zoneMetro = "metro"
	zoneDROM  = "drom"
	zoneCOM   = "com"
)

var (
	reRegion      = regexp.MustCompile(`^[0-9]{2}$`)
	reDepartement = regexp.MustCompile(`^([0-9]{2}|2[AB]|97[0-9])$`)
	reCommune     = regexp.MustCompile(`^[0-9][0-9AB][0-9]{3}$`)
	reSIREN       = regexp.MustCompile(`^[0-9]{9}$`)
	rePostcode    = regexp.MustCompile(`^[0-9]{5}$`)
	reNature      = regexp.MustCompile(`^[A-Z][A-Z0-9]*$`)
)

type regionEntry struct {
	Code string `json:"code"`
	Nom  string `json:"nom"`
	Zone string `json:"zone"`
}

type departementEntry struct {
	Code   string `json:"code"`
	Region string `json:"region"`
	Nom    string `json:"nom"`
	Zone   string `json:"zone"`
}

type communeEntry struct {
	Code         string   `json:"code"`
	Nom          string   `json:"nom"`
	Type         string   `json:"type"`
	Zone         string   `json:"zone"`
	Departement  string   `json:"departement"`
	Region       string   `json:"region"`
	Siren        string   `json:"siren"`
	CodesPostaux []string `json:"codesPostaux"`
	Population   int64    `json:"population"`
}

type epciEntry struct {
	Code                 string `json:"code"`
	Nom                  string `json:"nom"`
	Type                 string `json:"type"`
	PopulationMunicipale int64  `json:"populationMunicipale"`
	Membres              []struct {
		Code                 string `json:"code"`
		PopulationMunicipale int64  `json:"populationMunicipale"`
	} `json:"membres"`
}

// Load reads the referential in dir and returns its régions, départements,
// EPCI and current communes, in that order. Any missing file or malformed
// entry fails the whole load: a partial referential would silently lose
// territories.
func Load(dir string) ([]coopdec.Territory, error) {
	var out []coopdec.Territory
	seen := map[string]bool{}
	add := func(t coopdec.Territory) error {
		if strings.TrimSpace(t.Name) == "" {
			return fmt.Errorf("code %q: missing name", t.Code)
		}
		k := string(t.Kind) + "/" + t.Code
		if seen[k] {
			return fmt.Errorf("duplicate code %q", t.Code)
		}
		seen[k] = true
		out = append(out, t)
		return nil
	}

	regions := map[string]int{} // code → index in out
	err := decodeFile(dir, RegionsFile, func(e *regionEntry) error {
		if skip, err := checkZone(e.Zone); skip || err != nil {
			return err
		}
		if !reRegion.MatchString(e.Code) {
			return fmt.Errorf("invalid code %q", e.Code)
		}
		regions[e.Code] = len(out)
		return add(coopdec.Territory{Kind: coopdec.TerritoryRegion, Code: e.Code, Name: e.Nom, Region: e.Code})
	})
	if err != nil {
		return nil, err
	}

	deps := map[string]int{}
	err = decodeFile(dir, DepartementsFile, func(e *departementEntry) error {
		if skip, err := checkZone(e.Zone); skip || err != nil {
			return err
		}
		if !reDepartement.MatchString(e.Code) {
			return fmt.Errorf("invalid code %q", e.Code)
		}
		if _, ok := regions[e.Region]; !ok {
			return fmt.Errorf("code %q: unknown région %q", e.Code, e.Region)
		}
		deps[e.Code] = len(out)
		return add(coopdec.Territory{Kind: coopdec.TerritoryDepartement, Code: e.Code, Name: e.Nom,
			Region: e.Region, Department: e.Code})
	})
	if err != nil {
		return nil, err
	}

	// Communes come before EPCI in the reading order (EPCI are defined by
	// their member communes) but after them in the result.
	var communes []coopdec.Territory
	communeIdx := map[string]int{}
	err = decodeFile(dir, CommunesFile, func(e *communeEntry) error {
		switch e.Type {
		case "commune-actuelle":
		case "commune-deleguee", "commune-associee", "arrondissement-municipal":
			return nil // parts of a current commune, not local authorities
		default:
			return fmt.Errorf("code %q: unknown type %q", e.Code, e.Type)
		}
		if skip, err := checkZone(e.Zone); skip || err != nil {
			return err
		}
		if !reCommune.MatchString(e.Code) {
			return fmt.Errorf("invalid code %q", e.Code)
		}
		d, ok := deps[e.Departement]
		if !ok {
			return fmt.Errorf("code %q: unknown département %q", e.Code, e.Departement)
		}
		if out[d].Region != e.Region {
			return fmt.Errorf("code %q: région %q does not match that of département %q", e.Code, e.Region, e.Departement)
		}
		if e.Siren != "" && !reSIREN.MatchString(e.Siren) {
			return fmt.Errorf("code %q: invalid SIREN %q", e.Code, e.Siren)
		}
		if e.Population < 0 {
			return fmt.Errorf("code %q: negative population", e.Code)
		}
		for _, p := range e.CodesPostaux {
			if !rePostcode.MatchString(p) {
				return fmt.Errorf("code %q: invalid postcode %q", e.Code, p)
			}
		}
		if strings.TrimSpace(e.Nom) == "" {
			return fmt.Errorf("code %q: missing name", e.Code)
		}
		if _, dup := communeIdx[e.Code]; dup {
			return fmt.Errorf("duplicate code %q", e.Code)
		}
		communeIdx[e.Code] = len(communes)
		pcs := slices.Compact(slices.Sorted(slices.Values(e.CodesPostaux)))
		communes = append(communes, coopdec.Territory{Kind: coopdec.TerritoryCommune, Code: e.Code, Name: e.Nom,
			SIREN: e.Siren, Population: e.Population, Postcodes: pcs, Region: e.Region, Department: e.Departement})
		return nil
	})
	if err != nil {
		return nil, err
	}

	// The files give no population for régions and départements; the sum
	// of their communes' lets searches rank them sensibly.
	for _, c := range communes {
		out[deps[c.Department]].Population += c.Population
		out[regions[c.Region]].Population += c.Population
	}

	err = decodeFile(dir, EPCIFile, func(e *epciEntry) error {
		// An EPCI's code is its SIREN.
		if !reSIREN.MatchString(e.Code) {
			return fmt.Errorf("invalid code %q", e.Code)
		}
		if !reNature.MatchString(e.Type) {
			return fmt.Errorf("code %q: invalid type %q", e.Code, e.Type)
		}
		if e.PopulationMunicipale < 0 {
			return fmt.Errorf("code %q: negative population", e.Code)
		}
		if len(e.Membres) == 0 {
			return fmt.Errorf("code %q: no member", e.Code)
		}
		// The file gives neither the seat nor the département of an EPCI:
		// take the département holding the largest share of its members'
		// population, which is where the seat (nearly always its main town)
		// lies, also for the few EPCI spanning several départements; ties
		// go to the most members, then to the smallest code.
		type share struct {
			pop     int64
			members int
		}
		shares := map[string]*share{}
		for _, m := range e.Membres {
			i, ok := communeIdx[m.Code]
			if !ok {
				return fmt.Errorf("code %q: unknown member commune %q", e.Code, m.Code)
			}
			d := communes[i].Department
			if shares[d] == nil {
				shares[d] = &share{}
			}
			shares[d].pop += m.PopulationMunicipale
			shares[d].members++
		}
		keys := slices.Sorted(maps.Keys(shares))
		best := slices.MaxFunc(keys, func(a, b string) int {
			return cmp.Or(cmp.Compare(shares[a].pop, shares[b].pop),
				cmp.Compare(shares[a].members, shares[b].members),
				cmp.Compare(b, a))
		})
		return add(coopdec.Territory{Kind: coopdec.TerritoryEPCI, Code: e.Code, Name: e.Nom, SIREN: e.Code,
			Population: e.PopulationMunicipale, Region: out[deps[best]].Region, Department: best, Nature: e.Type})
	})
	if err != nil {
		return nil, err
	}
	return append(out, communes...), nil
}

// checkZone reports whether an entry of zone z is left out (see zoneCOM),
// or an error when z is unknown.
func checkZone(z string) (skip bool, err error) {
	switch z {
	case zoneMetro, zoneDROM:
		return false, nil
	case zoneCOM:
		return true, nil
	default:
		return true, fmt.Errorf("unknown zone %q", z)
	}
}

// decodeFile streams the JSON array in dir/name, passing each entry to fn.
// Errors name the file and the entry (counted from 1).
func decodeFile[T any](dir, name string, fn func(*T) error) error {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("territoires: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<16))
	if tok, err := dec.Token(); err != nil {
		return fmt.Errorf("territoires: %s: %w", name, err)
	} else if tok != json.Delim('[') {
		return fmt.Errorf("territoires: %s: not a JSON array", name)
	}
	n := 0
	for dec.More() {
		n++
		var e T
		if err := dec.Decode(&e); err != nil {
			return fmt.Errorf("territoires: %s: entry %d: %w", name, n, err)
		}
		if err := fn(&e); err != nil {
			return fmt.Errorf("territoires: %s: entry %d: %w", name, n, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return fmt.Errorf("territoires: %s: after entry %d: %w", name, n, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("territoires: %s: unexpected data after the array", name)
	}
	if n == 0 {
		return fmt.Errorf("territoires: %s: no entry", name)
	}
	return nil
}

// Store is where Import writes the referential; *sqldb.DB implements it.
type Store interface {
	// UpsertTerritories inserts or updates ts, calling progress with the
	// number of territories handled so far.
	UpsertTerritories(ctx context.Context, ts []coopdec.Territory, progress func(done int)) (inserted, updated, unchanged int, err error)
}

// Report sums up an import.
type Report struct {
	Regions, Departements, EPCI, Communes int
	Inserted, Updated, Unchanged          int
	Elapsed                               time.Duration
}

// Import loads the referential in dir and upserts it into store, drawing a
// progress bar on progress unless it is nil.
func Import(ctx context.Context, store Store, dir string, progress io.Writer) (Report, error) {
	start := time.Now()
	ts, err := Load(dir)
	if err != nil {
		return Report{}, err
	}
	var r Report
	for _, t := range ts {
		switch t.Kind {
		case coopdec.TerritoryRegion:
			r.Regions++
		case coopdec.TerritoryDepartement:
			r.Departements++
		case coopdec.TerritoryEPCI:
			r.EPCI++
		case coopdec.TerritoryCommune:
			r.Communes++
		}
	}
	bar := newBar(progress, len(ts))
	r.Inserted, r.Updated, r.Unchanged, err = store.UpsertTerritories(ctx, ts, func(done int) {
		if bar != nil {
			_ = bar.Set(done)
		}
	})
	if bar != nil {
		if err == nil {
			_ = bar.Finish()
		} else {
			_ = bar.Exit()
		}
	}
	r.Elapsed = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("territoires: import: %w", err)
	}
	return r, nil
}

// newBar returns a progress bar writing to w, or nil when w is nil. On a
// terminal it redraws ten times a second; elsewhere (a log file, a pipe)
// the carriage returns would pile up, so it draws only the start, the end
// and at most one state every ten seconds in between.
func newBar(w io.Writer, total int) *progressbar.ProgressBar {
	if w == nil || total == 0 {
		return nil
	}
	tty := false
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	throttle := 10 * time.Second
	if tty {
		throttle = 100 * time.Millisecond
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("Import du référentiel territorial"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionSetRenderBlankState(tty),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionSetItsString("territoires"),
		progressbar.OptionOnCompletion(func() { _, _ = fmt.Fprintln(w) }),
	)
}
