package coopdec

// TerritoryKind is the level of a territory in the official referential.
type TerritoryKind string

const (
	TerritoryRegion      TerritoryKind = "region"
	TerritoryDepartement TerritoryKind = "departement"
	TerritoryEPCI        TerritoryKind = "epci"
	TerritoryCommune     TerritoryKind = "commune"
)

// TerritoryKinds lists the levels of the referential, from the largest.
var TerritoryKinds = []TerritoryKind{TerritoryRegion, TerritoryDepartement, TerritoryEPCI, TerritoryCommune}

// Territory is one entry of the official French territorial referential
// (découpage administratif): a région, a département, an EPCI or a commune.
type Territory struct {
	Kind       TerritoryKind
	Code       string // INSEE code (SIREN for EPCI)
	Name       string
	SIREN      string   // empty when the referential lacks it
	Population int64    // 0 when unknown
	Postcodes  []string // communes only
	Region     string   // INSEE code of the région, when known
	Department string   // INSEE code of the département, when known
	Nature     string   // EPCI legal nature (CC, CA, CU, METRO…), when known
}

// AuthorityType maps a territory kind to the type of local authority.
func (t TerritoryKind) AuthorityType() AuthorityType {
	switch t {
	case TerritoryRegion:
		return AuthorityRegion
	case TerritoryDepartement:
		return AuthorityDepartement
	case TerritoryEPCI:
		return AuthorityEPCI
	default:
		return AuthorityCommune
	}
}
