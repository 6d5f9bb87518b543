package sqldb

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// What the matching and the country pages read of the valid labels: each
// labelled authority as a coopdec.ExpertiseProfile, built from its label's
// three parts in one query, and the missions a country page may show.

// labelParts of a valid label, decoded.
type validLabelRow struct {
	orgID        int64
	name, region string
	comp         coopdec.LabelCompetencies
	refs         []coopdec.LabelReference
	cond         coopdec.LabelConditions
	expires      time.Time
}

// validLabelRows reads the labels granted and still valid at now, one per
// authority (the most recently granted), by authority name. With country
// set, only the labels whose evidence names it are decoded.
func (db *DB) validLabelRows(ctx context.Context, now time.Time, country string) ([]validLabelRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.organisation_id, o.name, o.region_code, l.competencies, l.evidence,
		l.conditions, l.expires_at FROM label_applications l JOIN organisations o ON o.id = l.organisation_id
		WHERE l.state = 'granted' AND l.expires_at > $1 ORDER BY o.name, l.organisation_id, l.granted_at DESC, l.id DESC`, now.UTC())
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []validLabelRow
	needle := `"Country":"` + strings.ToUpper(country) + `"`
	var comp, ev, cond string
	var last int64
	for rows.Next() {
		var r validLabelRow
		if err := rows.Scan(&r.orgID, &r.name, &r.region, &comp, &ev, &cond, &r.expires); err != nil {
			return nil, translate(err)
		}
		if r.orgID == last {
			continue
		}
		last = r.orgID
		if country != "" && !strings.Contains(ev, needle) {
			continue
		}
		if err := json.Unmarshal([]byte(comp), &r.comp); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ev), &r.refs); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cond), &r.cond); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// ExpertiseProfiles returns the profile of every authority holding a valid
// label at now, by name: themes from its competencies; experience per
// country from its references (first and last years, with 0 as the last
// year when one is still going on, the references that are missions
// counted as missions, and the places they name as Regions); languages
// from its conditions; its région; as availability the period, the
// unavailable windows and the longest mission its conditions state; and as
// PastRatings the evaluations of the missions it carried out, oldest
// first.
//
// Every mission page ranks every labelled authority, so the profiles are
// kept between calls (see spanCache): building them decodes each
// label's three parts. The slice returned is shared: callers must not
// change it.
func (db *DB) ExpertiseProfiles(ctx context.Context, now time.Time) ([]coopdec.ExpertiseProfile, error) {
	version, err := db.publicVersion(ctx)
	if err != nil {
		return nil, err
	}
	return db.expertiseProfilesAt(ctx, version, now)
}

// expertiseProfilesAt is ExpertiseProfiles for a caller that has read the
// public version: kept by it and the labels' first expiry (spanCache).
func (db *DB) expertiseProfilesAt(ctx context.Context, version int64, now time.Time) ([]coopdec.ExpertiseProfile, error) {
	return db.profiles.at(version, now, func() ([]coopdec.ExpertiseProfile, time.Time, error) {
		rows, err := db.validLabelRows(ctx, now, "")
		if err != nil {
			return nil, time.Time{}, err
		}
		ratings, err := db.missionRatings(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		out := make([]coopdec.ExpertiseProfile, len(rows))
		until := time.Time{}
		for i := range rows {
			out[i] = expertiseProfile(&rows[i])
			out[i].PastRatings = ratings[rows[i].orgID]
			if e := rows[i].expires; until.IsZero() || e.Before(until) {
				until = e
			}
		}
		return out, until, nil
	})
}

// missionRatings reads the evaluation of every evaluated mission, by the
// authority that carried it out. Only missions that went to an authority
// are ever evaluated (a report must come first), so the table stays as
// small as the missions themselves.
func (db *DB) missionRatings(ctx context.Context) (map[int64][]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.authority_organisation_id, e.rating FROM mission_evaluations e
		JOIN mission_requests m ON m.id = e.mission_id WHERE m.authority_organisation_id IS NOT NULL
		ORDER BY e.evaluated_at, e.mission_id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[int64][]int{}
	for rows.Next() {
		var org int64
		var rating int
		if err := rows.Scan(&org, &rating); err != nil {
			return nil, translate(err)
		}
		out[org] = append(out[org], rating)
	}
	return out, translate(rows.Err())
}

func expertiseProfile(r *validLabelRow) coopdec.ExpertiseProfile {
	p := coopdec.ExpertiseProfile{OrganisationID: r.orgID, Name: r.name, RegionCode: r.region, Themes: r.comp.Themes,
		Languages: r.cond.Languages, Availability: coopdec.ExpertiseAvailability{From: r.cond.AvailableFrom,
			To: r.cond.AvailableTo, Unavailable: r.cond.Unavailable, MaxMissionDays: r.cond.MaxDurationDays}}
	for _, ref := range r.refs {
		c := strings.ToUpper(strings.TrimSpace(ref.Country))
		if c == "" {
			continue
		}
		var x *coopdec.CountryExperience
		for i := range p.Experience {
			if p.Experience[i].Country == c {
				x = &p.Experience[i]
			}
		}
		if x == nil {
			p.Experience = append(p.Experience, coopdec.CountryExperience{Country: c, FromYear: ref.FromYear, ToYear: ref.ToYear})
			x = &p.Experience[len(p.Experience)-1]
		} else {
			if ref.FromYear > 0 && (x.FromYear == 0 || ref.FromYear < x.FromYear) {
				x.FromYear = ref.FromYear
			}
			if x.ToYear != 0 && (ref.ToYear == 0 || ref.ToYear > x.ToYear) {
				x.ToYear = ref.ToYear
			}
		}
		if ref.Kind == coopdec.ReferenceMission {
			x.Missions++
		}
		if place := strings.TrimSpace(ref.Place); place != "" &&
			!slices.ContainsFunc(x.Regions, func(q string) bool { return strings.EqualFold(q, place) }) {
			x.Regions = append(x.Regions, place)
		}
	}
	return p
}

// LabelledExperience is a labelled authority's work in one country: the
// titles of its references there, with its label's themes.
type LabelledExperience struct {
	OrganisationID int64
	Name           string
	Themes         []string
	Titles         []string
	FromYear       int
	ToYear         int // 0: still going on
}

// LabelledExperienceIn lists the authorities holding a valid label at now
// whose references include work in country, by name.
func (db *DB) LabelledExperienceIn(ctx context.Context, now time.Time, country string) ([]LabelledExperience, error) {
	country = strings.ToUpper(strings.TrimSpace(country))
	if country == "" {
		return nil, nil
	}
	rows, err := db.validLabelRows(ctx, now, country)
	if err != nil {
		return nil, err
	}
	var out []LabelledExperience
	for i := range rows {
		r := &rows[i]
		x := LabelledExperience{OrganisationID: r.orgID, Name: r.name, Themes: r.comp.Themes}
		for _, ref := range r.refs {
			if !strings.EqualFold(strings.TrimSpace(ref.Country), country) {
				continue
			}
			x.Titles = append(x.Titles, ref.Title)
			if ref.FromYear > 0 && (x.FromYear == 0 || ref.FromYear < x.FromYear) {
				x.FromYear = ref.FromYear
			}
			if ref.ToYear > x.ToYear {
				x.ToYear = ref.ToYear
			}
		}
		if len(x.Titles) > 0 {
			out = append(out, x)
		}
	}
	return out, nil
}

// PublicMission is a mission as the public country page shows it (see
// coopdec.PublicMission): the authority it went to, the partner institution
// and the themes.
type PublicMission struct {
	ID            int64
	AuthorityID   int64
	AuthorityName string
	PartnerName   string
	Themes        []string
	From, To      time.Time
}

// PublicMissionsIn lists the missions in country that went to an
// authority, newest first.
func (db *DB) PublicMissionsIn(ctx context.Context, country string) ([]PublicMission, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.authority_organisation_id, o.name, m.partner_name, m.themes,
		m.date_from, m.date_to FROM mission_requests m JOIN organisations o ON o.id = m.authority_organisation_id
		WHERE m.country = $1 AND m.state = $2 ORDER BY m.date_from DESC, m.id DESC`,
		strings.ToUpper(strings.TrimSpace(country)), string(coopdec.MissionSelected))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []PublicMission
	for rows.Next() {
		var p PublicMission
		var themes, from, to string
		if err := rows.Scan(&p.ID, &p.AuthorityID, &p.AuthorityName, &p.PartnerName, &themes, &from, &to); err != nil {
			return nil, translate(err)
		}
		p.Themes, p.From, p.To = parseCodeList(themes), parseDay(from), parseDay(to)
		m := coopdec.MissionRequest{ID: p.ID, State: coopdec.MissionSelected, AuthorityID: p.AuthorityID}
		if coopdec.PublicMission(&m) {
			out = append(out, p)
		}
	}
	return out, translate(rows.Err())
}
