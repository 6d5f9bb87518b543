package coopdec

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind says what an organisation is.
type OrgKind string

const (
	OrgFrenchAuthority   OrgKind = "french_authority"   // collectivité territoriale française
	OrgForeignAuthority  OrgKind = "foreign_authority"  // collectivité locale étrangère
	OrgPartnerGovernment OrgKind = "partner_government" // ministry or agency of a partner state
	OrgRegionalCouncil   OrgKind = "regional_council"   // e.g. the PACA regional council as co-manager
	OrgInternational     OrgKind = "international"      // e.g. UNDP
	OrgEmbassy           OrgKind = "embassy"
	OrgUniversity        OrgKind = "university"
	OrgResearchCentre    OrgKind = "research_centre"
	OrgCluster           OrgKind = "cluster" // pôle de compétitivité
	OrgAssociation       OrgKind = "association"
	OrgMinistry          OrgKind = "ministry" // the French ministry (DAECT)
)

// OrgKinds lists every kind, in the order forms show them.
var OrgKinds = []OrgKind{
	OrgFrenchAuthority, OrgForeignAuthority, OrgPartnerGovernment, OrgRegionalCouncil,
	OrgInternational, OrgEmbassy, OrgUniversity, OrgResearchCentre, OrgCluster,
	OrgAssociation, OrgMinistry,
}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	for _, x := range OrgKinds {
		if x == k {
			return true
		}
	}
	return false
}

// AuthorityType is the type of a French local authority.
type AuthorityType string

const (
	AuthorityRegion      AuthorityType = "region"
	AuthorityDepartement AuthorityType = "departement"
	AuthorityCommune     AuthorityType = "commune"
	AuthorityEPCI        AuthorityType = "epci"     // établissement public de coopération intercommunale
	AuthorityGrouping    AuthorityType = "grouping" // other groupings (syndicats, métropoles hors EPCI…)
)

// AuthorityTypes lists the types of French local authority.
var AuthorityTypes = []AuthorityType{AuthorityRegion, AuthorityDepartement, AuthorityCommune, AuthorityEPCI, AuthorityGrouping}

// Valid reports whether t is a known type.
func (t AuthorityType) Valid() bool {
	for _, x := range AuthorityTypes {
		if x == t {
			return true
		}
	}
	return false
}

// Organisation is any body users act for.
type Organisation struct {
	ID      int64
	Kind    OrgKind
	Name    string
	Country string // ISO 3166-1 alpha-2; FR for French bodies

	// French local authorities only.
	AuthorityType AuthorityType
	SIREN         string
	TerritoryCode string // INSEE code of the territory in the referential
	RegionCode    string // INSEE code of the région the authority lies in

	LocalID   string // optional identifier in the foreign country
	Website   string
	CreatedAt time.Time
}

// Validate checks an organisation before it is stored.
func (o *Organisation) Validate() error {
	var errs Errors
	o.Name = strings.TrimSpace(o.Name)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	o.SIREN = strings.Join(strings.Fields(o.SIREN), "") // any spacing, non-breaking spaces included
	o.Website = strings.TrimSpace(o.Website)
	o.LocalID = strings.TrimSpace(o.LocalID)
	if !o.Kind.Valid() {
		errs = append(errs, FieldError("kind", "org.kind.invalid"))
	}
	if o.Name == "" {
		errs = append(errs, FieldError("name", "org.name.required"))
	} else if utf8.RuneCountInString(o.Name) > 200 {
		errs = append(errs, FieldError("name", "org.name.too_long", 200))
	}
	if _, ok := CountryByCode(o.Country); !ok {
		errs = append(errs, FieldError("country", "org.country.invalid", o.Country))
	}
	switch o.Kind {
	case OrgFrenchAuthority:
		if o.Country != "FR" {
			errs = append(errs, FieldError("country", "org.french_authority.country"))
		}
		if !o.AuthorityType.Valid() {
			errs = append(errs, FieldError("authority_type", "org.authority_type.invalid"))
		}
		if err := ValidateSIREN(o.SIREN); err != nil {
			errs = append(errs, err.(*Error))
		}
	case OrgForeignAuthority:
		if o.Country == "FR" {
			errs = append(errs, FieldError("country", "org.foreign_authority.country"))
		}
		o.AuthorityType, o.SIREN = "", ""
	default:
		o.AuthorityType = ""
		if o.SIREN != "" {
			if err := ValidateSIREN(o.SIREN); err != nil {
				errs = append(errs, err.(*Error))
			}
		}
	}
	if o.Website != "" {
		u, err := url.Parse(o.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(o.Website) > 300 {
			errs = append(errs, FieldError("website", "org.website.invalid"))
		}
	}
	if utf8.RuneCountInString(o.LocalID) > 64 {
		errs = append(errs, FieldError("local_id", "org.local_id.too_long", 64))
	}
	return errs.Err()
}

// OrgFilter selects organisations in a search.
type OrgFilter struct {
	Query   string
	Kind    OrgKind
	Country string
}

// OrgMember is a user as listed among an organisation's members.
type OrgMember struct {
	UserID int64
	Name   string
	Email  string
	Role   MemberRole
}
