package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
)

// The JSON API under /api/v1. Every handler calls the same account
// operations and domain rules as the pages; openapi.json describes each
// route, and the tests check real responses against it.

//go:embed openapi.json
var openAPIBase []byte

// Each area of the API describes its operations in its own fragment under
// openapi/: an object with "paths", "components" (schemas, parameters,
// responses) and "tags", merged into the base document once at start.
//
//go:embed openapi
var openAPIFragments embed.FS

// openAPIDocument is the whole document the API serves.
var openAPIDocument = mustMergeOpenAPI(openAPIBase, openAPIFragments)

// mustMergeOpenAPI adds every fragment to base; a fragment that does not
// parse or names an operation or component twice is a programming error.
func mustMergeOpenAPI(base []byte, fragments fs.FS) []byte {
	doc, err := mergeOpenAPI(base, fragments)
	if err != nil {
		panic(err)
	}
	return doc
}

func mergeOpenAPI(base []byte, fragments fs.FS) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	var paths map[string]json.RawMessage
	var comps map[string]map[string]json.RawMessage
	var tags []json.RawMessage
	for key, into := range map[string]any{"paths": &paths, "components": &comps, "tags": &tags} {
		if err := json.Unmarshal(doc[key], into); err != nil {
			return nil, fmt.Errorf("openapi.json %s: %w", key, err)
		}
	}
	names, err := fs.Glob(fragments, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := fs.ReadFile(fragments, name)
		if err != nil {
			return nil, err
		}
		var frag struct {
			Paths      map[string]json.RawMessage            `json:"paths"`
			Components map[string]map[string]json.RawMessage `json:"components"`
			Tags       []json.RawMessage                     `json:"tags"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, item := range frag.Paths {
			merged, err := mergePathItem(paths[p], item)
			if err != nil {
				return nil, fmt.Errorf("%s: path %s: %w", name, p, err)
			}
			paths[p] = merged
		}
		for kind, items := range frag.Components {
			if comps[kind] == nil {
				comps[kind] = map[string]json.RawMessage{}
			}
			for n, item := range items {
				if _, dup := comps[kind][n]; dup {
					return nil, fmt.Errorf("%s: components.%s.%s is already described", name, kind, n)
				}
				comps[kind][n] = item
			}
		}
		tags = append(tags, frag.Tags...)
	}
	for key, v := range map[string]any{"paths": paths, "components": comps, "tags": tags} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		doc[key] = b
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDocument)
}

// mergePathItem adds the operations of item to those of have: two areas
// may describe different methods of one path, never the same one.
func mergePathItem(have, item json.RawMessage) (json.RawMessage, error) {
	if have == nil {
		return item, nil
	}
	var a, b map[string]json.RawMessage
	if err := json.Unmarshal(have, &a); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(item, &b); err != nil {
		return nil, err
	}
	for k, v := range b {
		if prev, dup := a[k]; dup {
			if k == "parameters" && bytes.Equal(prev, v) {
				continue // the path's own parameters, described alike
			}
			return nil, fmt.Errorf("%s is already described", k)
		}
		a[k] = v
	}
	return json.Marshal(a)
}

// apiTime formats an instant as RFC 3339 in UTC, to the second.
func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func apiTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := apiTime(*t)
	return &s
}

// apiOptional turns an empty string into a JSON null.
func apiOptional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiPathID reads a numeric path value; anything else names nothing, so it is
// answered as not found with notFoundKey.
func apiPathID(r *http.Request, name, notFoundKey string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, coopdec.Errorf(coopdec.ENOTFOUND, notFoundKey)
	}
	return id, nil
}

// apiMaxPerPage bounds the size of a page of results.
const apiMaxPerPage = 100

// apiPageQuery reads page and per_page, refusing values out of range rather
// than silently replacing them.
func apiPageQuery(q url.Values, errs *coopdec.Errors) coopdec.Page {
	p := coopdec.NewPage(1, 20)
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			*errs = append(*errs, coopdec.FieldError("page", "api.query.page.invalid"))
		} else {
			p.Page = n
		}
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxPerPage {
			*errs = append(*errs, coopdec.FieldError("per_page", "api.query.per_page.invalid", apiMaxPerPage))
		} else {
			p.PerPage = n
		}
	}
	return p
}

// apiPage is a page of a longer list.
type apiPage[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func newAPIPage[T any](items []T, p coopdec.Page) apiPage[T] {
	if items == nil {
		items = []T{}
	}
	return apiPage[T]{Items: items, Total: p.Total, Page: p.Page, PerPage: p.PerPage}
}

// apiList is a complete list.
type apiList[T any] struct {
	Items []T `json:"items"`
}

func newAPIList[T any](items []T) apiList[T] {
	if items == nil {
		items = []T{}
	}
	return apiList[T]{Items: items}
}

// apiQueryLang is the language asked for with ?lang=, else the reader's.
func apiQueryLang(w http.ResponseWriter, r *http.Request) (string, error) {
	l := r.URL.Query().Get("lang")
	if l == "" {
		return info(r).lang, nil
	}
	if !i18n.Valid(l) {
		return "", coopdec.FieldError("lang", "user.language.invalid")
	}
	w.Header().Set("Content-Language", l)
	return l, nil
}

// Tokens.

type apiTokenCreated struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
}

type apiTokenDoc struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  string  `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
	RevokedAt  *string `json:"revoked_at"`
	Active     bool    `json:"active"`
}

// apiIssueToken creates an API token for u, named name or, when empty, with the
// default name in the reader's language.
func (s *Server) apiIssueToken(r *http.Request, u *coopdec.User, name string) (apiTokenCreated, error) {
	if strings.TrimSpace(name) == "" {
		name = s.cat.T(info(r).lang, "api.token.default_name")
	}
	secret, t, err := s.db.CreateAPIToken(r.Context(), u.ID, name, coopdec.Actor{UserID: u.ID, IP: clientIP(r)})
	if err != nil {
		return apiTokenCreated{}, err
	}
	return apiTokenCreated{ID: t.ID, Name: t.Name, Token: secret, ExpiresAt: apiTime(t.ExpiresAt)}, nil
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	// A bad name is refused before the password is tried, so that a
	// correct password is never spent on a request that fails anyway.
	if strings.TrimSpace(req.Name) != "" {
		if _, err := coopdec.ValidateTokenName(req.Name); err != nil {
			s.error(w, r, err)
			return
		}
	}
	u, err := s.checkCredentials(r.Context(), req.Email, req.Password, clientIP(r))
	if err != nil {
		if coopdec.ErrorCode(err) == coopdec.ETOOMANY {
			w.Header().Set("Retry-After", strconv.Itoa(int(coopdec.LoginWindow.Seconds())))
		}
		s.error(w, r, err)
		return
	}
	created, err := s.apiIssueToken(r, u, req.Name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, created)
}

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.db.ListAPITokens(r.Context(), currentUser(r).ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := s.db.Now()
	docs := make([]apiTokenDoc, 0, len(tokens))
	for _, t := range tokens {
		docs = append(docs, apiTokenDoc{ID: t.ID, Name: t.Name, CreatedAt: apiTime(t.CreatedAt), ExpiresAt: apiTime(t.ExpiresAt),
			LastUsedAt: apiTimePtr(t.LastUsedAt), RevokedAt: apiTimePtr(t.RevokedAt), Active: t.Active(now)})
	}
	writeJSON(w, http.StatusOK, newAPIList(docs))
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "token.not_found")
	if err == nil {
		err = s.db.RevokeAPIToken(r.Context(), currentUser(r).ID, id, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// The current user.

type apiMembership struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Role string `json:"role"`
}

type apiMeDoc struct {
	ID            int64           `json:"id"`
	Email         string          `json:"email"`
	Name          string          `json:"name"`
	Language      string          `json:"language"`
	Roles         []string        `json:"roles"`
	Organisations []apiMembership `json:"organisations"`
}

func apiRoleNames(rs []coopdec.Role) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, string(r))
	}
	return out
}

func apiMemberships(ms []coopdec.Membership) []apiMembership {
	out := make([]apiMembership, 0, len(ms))
	for _, m := range ms {
		out = append(out, apiMembership{ID: m.OrganisationID, Name: m.OrganisationName, Kind: string(m.OrganisationKind), Role: string(m.Role)})
	}
	return out
}

func apiMeOf(u *coopdec.User) apiMeDoc {
	return apiMeDoc{ID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, Roles: apiRoleNames(u.Roles),
		Organisations: apiMemberships(u.Memberships)}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, apiMeOf(currentUser(r)))
}

func (s *Server) apiMeUpdate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Language *string `json:"language"`
		Name     *string `json:"name"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	// Both fields are checked before either is stored, so that a request
	// is applied whole or not at all.
	var errs coopdec.Errors
	if req.Language != nil && *req.Language != "" && !coopdec.ValidLanguage(*req.Language) {
		errs = append(errs, coopdec.FieldError("language", "user.language.invalid"))
	}
	if req.Name != nil {
		if _, err := coopdec.ValidateName(*req.Name); err != nil {
			errs = append(errs, asErrors(err)...)
		}
	}
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	if req.Name != nil && strings.TrimSpace(*req.Name) != u.Name {
		if err := s.db.SetName(r.Context(), u.ID, *req.Name, actor(r)); err != nil {
			s.error(w, r, err)
			return
		}
	}
	if req.Language != nil && *req.Language != u.Language {
		if err := s.db.SetLanguage(r.Context(), u.ID, *req.Language, actor(r)); err != nil {
			s.error(w, r, err)
			return
		}
	}
	u, err := s.db.UserByID(r.Context(), u.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiMeOf(u))
}

func (s *Server) apiMePassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CurrentPassword string `json:"current_password"`
		Password        string `json:"password"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	// A machine client has no confirmation field: the password is its own.
	if err := s.changePassword(r, req.CurrentPassword, req.Password, req.Password); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Password resets.

type apiMessage struct {
	Message string `json:"message"`
}

func (s *Server) apiResetRequest(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email string `json:"email"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.requestPasswordReset(r, req.Email); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, apiMessage{Message: s.cat.T(info(r).lang, "forgot.sent", int(coopdec.PasswordResetValidity.Minutes()))})
}

func (s *Server) apiResetConfirm(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Password string `json:"password"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.resetPassword(r, r.PathValue("token"), req.Password, req.Password); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Invitations.

type apiInvitationCreated struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	ExpiresAt string `json:"expires_at"`
}

type apiOrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiInvitationDoc struct {
	Email          string     `json:"email"`
	Organisation   *apiOrgRef `json:"organisation"`
	LocalAuthority bool       `json:"local_authority"`
	Roles          []string   `json:"roles"`
	ExpiresAt      string     `json:"expires_at"`
}

type apiInvitationAccepted struct {
	User      apiMeDoc `json:"user"`
	Token     string   `json:"token"`
	ExpiresAt string   `json:"expires_at"`
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email          string   `json:"email"`
		OrganisationID int64    `json:"organisation_id"`
		MemberRole     string   `json:"member_role"`
		Roles          []string `json:"roles"`
		LocalAuthority bool     `json:"local_authority"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	inv := &coopdec.Invitation{Email: req.Email, OrganisationID: req.OrganisationID, MemberRole: coopdec.MemberRole(req.MemberRole),
		ForLocalAuthority: req.LocalAuthority}
	for _, role := range req.Roles {
		inv.Roles = append(inv.Roles, coopdec.Role(role))
	}
	if err := s.invite(r, inv); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiInvitationCreated{ID: inv.ID, Email: inv.Email, ExpiresAt: apiTime(inv.ExpiresAt)})
}

func (s *Server) apiInvitation(w http.ResponseWriter, r *http.Request) {
	inv, err := s.db.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := apiInvitationDoc{Email: inv.Email, LocalAuthority: inv.ForLocalAuthority, Roles: apiRoleNames(inv.Roles), ExpiresAt: apiTime(inv.ExpiresAt)}
	if inv.OrganisationID != 0 {
		d.Organisation = &apiOrgRef{ID: inv.OrganisationID, Name: inv.OrganisationName}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, d)
}

// apiInvitationAccept creates the invited account and, since a machine
// client has no session to go on with, an API token for it.
func (s *Server) apiInvitationAccept(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name      string `json:"name"`
		Password  string `json:"password"`
		Territory *struct {
			Kind string `json:"kind"`
			Code string `json:"code"`
		} `json:"territory"`
	}
	if err := readJSON(w, r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	var kind, code string
	if req.Territory != nil {
		kind, code = req.Territory.Kind, req.Territory.Code
	}
	u, err := s.acceptInvitation(r, r.PathValue("token"), req.Name, req.Password, req.Password, kind, code)
	if err != nil {
		s.error(w, r, err)
		return
	}
	created, err := s.apiIssueToken(r, u, "")
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, apiInvitationAccepted{User: apiMeOf(u), Token: created.Token, ExpiresAt: created.ExpiresAt})
}
