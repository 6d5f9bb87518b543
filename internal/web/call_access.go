package web

import (
	"net/http"

	"github.com/coopdec/coopdec/coopdec"
)

// callRule is a domain permission on a call: who lists its applications,
// who runs its evaluation and committee, who asks embassies' opinions.
type callRule func(*coopdec.User, *coopdec.Call) bool

// pageCall loads the call of the path for a page, for those rule allows;
// anyone else is told it does not exist, as a co-manager is of another's
// calls.
func (s *Server) pageCall(r *http.Request, rule callRule) (*coopdec.Call, error) {
	id, err := apiPathID(r, "id", "call.not_found")
	if err != nil {
		return nil, err
	}
	return s.pageCallByID(r, id, rule)
}

// pageCallByID is pageCall for a call named otherwise than by the path.
func (s *Server) pageCallByID(r *http.Request, id int64, rule callRule) (*coopdec.Call, error) {
	c, err := s.db.Call(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !rule(currentUser(r), c) {
		return nil, coopdec.Errorf(coopdec.ENOTFOUND, "call.not_found")
	}
	return c, nil
}

// apiCallFor loads the call of the path for the API: a call its reader may
// not see is not found; one they see but rule does not allow them to act
// on is forbidden.
func (s *Server) apiCallFor(r *http.Request, rule callRule) (*coopdec.Call, error) {
	c, err := s.viewableCall(r)
	if err != nil {
		return nil, err
	}
	if !rule(currentUser(r), c) {
		return nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	return c, nil
}
