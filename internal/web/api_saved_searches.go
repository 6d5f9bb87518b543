package web

import (
	"net/http"

	"github.com/coopdec/coopdec/internal/sqldb"
)

// apiSavedSearch is a saved search in the API.
type apiSavedSearch struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Query string `json:"query"`
	// Filters says what the search selects, in the reader's language.
	Filters    []string `json:"filters"`
	Valid      bool     `json:"valid"`
	Subscribed bool     `json:"subscribed"`
	CreatedAt  string   `json:"created_at"`
	LastSentAt *string  `json:"last_sent_at"`
}

func apiSavedSearchOf(it savedItem) apiSavedSearch {
	return apiSavedSearch{ID: it.ID, Name: it.Name, Query: it.Query, Filters: it.Filters, Valid: !it.Invalid,
		Subscribed: it.UnsubscribedAt == nil, CreatedAt: apiTime(it.CreatedAt), LastSentAt: apiTimePtr(it.LastSentAt)}
}

func (s *Server) apiSavedSearchList(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.SavedSearches(r.Context(), currentUser(r).ID)
	var items []savedItem
	if err == nil {
		items, err = s.savedItems(r.Context(), info(r).lang, list)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]apiSavedSearch, len(items))
	for i, it := range items {
		out[i] = apiSavedSearchOf(it)
	}
	writeJSON(w, http.StatusOK, newAPIList(out))
}

type apiSavedSearchInput struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// apiSavedSearchCreate saves a search; its query is read as GET
// /api/v1/calls reads its parameters, and errors name the parameter at
// fault as query.<name>.
func (s *Server) apiSavedSearchCreate(w http.ResponseWriter, r *http.Request) {
	var in apiSavedSearchInput
	if err := readJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	ss := &sqldb.SavedSearch{UserID: currentUser(r).ID, Name: in.Name}
	query, _, err := normalizeSavedQuery(in.Query)
	if err == nil {
		ss.Query = query
		err = s.db.CreateSavedSearch(r.Context(), ss, actor(r))
	}
	var items []savedItem
	if err == nil {
		items, err = s.savedItems(r.Context(), info(r).lang, []sqldb.SavedSearch{*ss})
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/saved-searches")
	writeJSON(w, http.StatusCreated, apiSavedSearchOf(items[0]))
}

func (s *Server) apiSavedSearchDelete(w http.ResponseWriter, r *http.Request) {
	id, err := apiPathID(r, "id", "saved.not_found")
	if err == nil {
		err = s.db.DeleteSavedSearch(r.Context(), currentUser(r).ID, id, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
