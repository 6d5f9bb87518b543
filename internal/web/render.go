package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
)

//go:embed templates static
var assets embed.FS

// Paris is the zone every date is shown in.
var Paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded by the main package
	}
	return loc
}

type pages struct {
	byName map[string]*template.Template
	// drawn are the pages drawn in Go, content and chrome, without the
	// template engine, which prints a value through fmt, one more copy of
	// a form of tens of kilobytes each time. Their partials stay as their
	// reference (TestAplSectionsAsTemplates).
	drawn map[string]func(v *view) template.HTML
}

var funcs = template.FuncMap{
	"paris": func(t time.Time) string { return t.In(Paris).Format("02/01/2006 15:04") },
	"isoTime": func(t time.Time) string {
		return t.UTC().Format(time.RFC3339)
	},
	"derefTime": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"add": func(a, b int) int { return a + b },
	"fieldErr": func(v *view, field string) map[string]any {
		return map[string]any{"Errors": v.Errors, "Field": field}
	},
	"query": func(base url.Values, kv ...string) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = append([]string(nil), vs...)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v.Encode()
	},
}

// loadPages parses every page with the layout once, at start-up. Each page
// file defines "title" and "content"; partials live in templates/partials.
func loadPages(cat i18n.Catalogues) (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}, drawn: map[string]func(v *view) template.HTML{
		"application_edit": func(v *view) template.HTML { return v.Data.(*aplPageData).EditHTML(v) },
	}}
	partials, err := fs.Glob(assets, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t := template.New("layout.html").Funcs(funcs)
		used, err := partialsFor(assets, "templates/layout.html", f, partials)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", f, err)
		}
		list := append([]string{"templates/layout.html"}, used...)
		list = append(list, f)
		if t, err = t.ParseFS(assets, list...); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", f, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// formError is one line of a form's error summary.
type formError struct {
	Field   string // the id of the control at fault, when there is one
	Message string
}

func fieldOf(err error) string {
	var e *coopdec.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// view is what every page template receives.
type view struct {
	Lang      string
	Languages []string
	User      *coopdec.User
	Path      string
	Query     url.Values
	Title     string
	Flash     string
	Errors    map[string]string // by form field
	ErrorList []formError       // the summary of every error, linked to its field
	Form      url.Values
	Data      any
	Demo      bool
	Version   string
	cat       i18n.Catalogues
}

// T translates a catalogue key in the page's language.
func (v *view) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// LangName names a language in itself, for the language switch.
func (v *view) LangName(lang string) string { return v.cat.T(lang, "lang.self") }

// Can reports a permission for the templates' menus; handlers check again.
func (v *view) IsAdmin() bool { return coopdec.IsAdmin(v.User) }

// HasRole reports whether the user holds a platform role, for the menus.
func (v *view) HasRole(role string) bool { return v.User.HasRole(coopdec.Role(role)) }

func (s *Server) newView(r *http.Request, title string, data any) *view {
	ri := info(r)
	return &view{Lang: ri.lang, Languages: i18n.Supported, User: ri.user, Path: r.URL.Path, Query: r.URL.Query(),
		Title: title, Data: data, Demo: s.demo, Version: s.version, cat: s.cat, Errors: map[string]string{}}
}

// addError records a (field) error on the view in its language.
func (v *view) addError(err error) {
	var list coopdec.Errors
	if errors.As(err, &list) && len(list) > 0 {
		for _, e := range list {
			v.addError(e)
		}
		return
	}
	key, args := coopdec.ErrorKey(err)
	msg := v.T(key, localizeArgs(v.Lang, key, args, v.T)...)
	var e *coopdec.Error
	if errors.As(err, &e) && e.Field != "" {
		if _, dup := v.Errors[e.Field]; !dup {
			v.Errors[e.Field] = msg
		}
	}
	v.ErrorList = append(v.ErrorList, formError{Field: fieldOf(err), Message: msg})
}

// render writes a page with a status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if draw, ok := s.pages.drawn[name]; ok {
		buf.WriteString(string(v.Head()))
		buf.WriteString(string(draw(v)))
		buf.WriteString(string(v.Foot()))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		writeBody(w, status, buf.Bytes())
		return
	}
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("unknown template", "name", name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	if err := t.Execute(buf, v); err != nil {
		s.log.Error("template", "name", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeBody(w, status, buf.Bytes())
}

// writeBody answers with body, its length said: the client need not read
// it in chunks, and the server writes it at once.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// renderBuffers keeps the buffers pages are rendered into: a page is tens
// of kilobytes, grown by copies each time from an empty buffer.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderBufferMax is the largest buffer kept for reuse: a rare huge page
// does not stay in memory.
const renderBufferMax = 256 << 10

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > renderBufferMax {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

// statusOf maps a domain error code to an HTTP status.
func statusOf(code string) int {
	switch code {
	case coopdec.EINVALID:
		return http.StatusUnprocessableEntity
	case coopdec.ENOTFOUND:
		return http.StatusNotFound
	case coopdec.ECONFLICT:
		return http.StatusConflict
	case coopdec.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case coopdec.EFORBIDDEN:
		return http.StatusForbidden
	case coopdec.ETOOMANY:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	return isAPI(r) || strings.Contains(r.Header.Get("Accept"), "application/json") ||
		strings.Contains(r.Header.Get("Accept"), "application/problem+json")
}

// problem is an RFC 9457 problem details document.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail"`
	Instance string         `json:"instance,omitempty"`
	Code     string         `json:"code"`
	Errors   []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// error answers with an error in HTML or JSON, in the reader's language.
// Internal errors are logged and shown as a generic message.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	code := coopdec.ErrorCode(err)
	status := statusOf(code)
	if code == coopdec.EINTERNAL {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		err = coopdec.Errorf(coopdec.EINTERNAL, "error.internal")
	}
	lang := info(r).lang
	key, args := coopdec.ErrorKey(err)
	t := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	detail := s.cat.T(lang, key, localizeArgs(lang, key, args, t)...)
	if status == http.StatusUnauthorized && isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="coopdec"`)
	}
	if wantsJSON(r) {
		p := problem{Type: "urn:coopdec:problem:" + code, Title: s.cat.T(lang, "problem."+code), Status: status,
			Detail: detail, Instance: r.URL.Path, Code: code}
		var list coopdec.Errors
		if errors.As(err, &list) && len(list) > 0 {
			for _, e := range list {
				p.Errors = append(p.Errors, problemField{Field: e.Field, Message: s.cat.T(lang, e.Key, localizeArgs(lang, e.Key, e.Args, t)...)})
			}
		} else if e := (*coopdec.Error)(nil); errors.As(err, &e) && e.Field != "" {
			p.Errors = []problemField{{Field: e.Field, Message: detail}}
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(p)
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/connexion?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	v := s.newView(r, "problem."+code, errorPage{Status: status, Detail: detail})
	s.render(w, r, status, "error", v)
}

// localizeArgs puts an error's args in the reader's words: eligibility
// messages name countries, documents and amounts; others format typed
// amounts, shares and themes (coopdec.LocalizeArgs) and instants, shown in
// Paris time.
func localizeArgs(lang, key string, args []any, t func(string, ...any) string) []any {
	if len(args) == 0 {
		return args
	}
	if strings.HasPrefix(key, "eligibility.") {
		return coopdec.RuleResult{Key: key, Args: args}.MessageArgs(lang, t)
	}
	out := coopdec.LocalizeArgs(lang, args, nil)
	for i, a := range out {
		if at, ok := a.(time.Time); ok {
			out[i] = at.In(Paris).Format("02/01/2006 15:04")
		}
	}
	return out
}

// errorPage is what the error template shows.
type errorPage struct {
	Status int
	Detail string
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	writeBody(w, status, buf.Bytes())
}

// readJSON decodes a request body, refusing unknown fields, trailing data and
// bodies over 1 MiB with a message that says what is wrong.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return coopdec.Errorf(coopdec.EINVALID, "error.json.content_type")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return coopdec.Errorf(coopdec.EINVALID, "error.json.too_large")
		case errors.As(err, &typ):
			return coopdec.FieldError(typ.Field, "error.json.type", typ.Field)
		case errors.As(err, &syntax):
			return coopdec.Errorf(coopdec.EINVALID, "error.json.syntax", syntax.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return coopdec.FieldError(f, "error.json.unknown_field", f)
		default:
			return coopdec.Errorf(coopdec.EINVALID, "error.json.syntax", 0)
		}
	}
	if dec.More() {
		return coopdec.Errorf(coopdec.EINVALID, "error.json.trailing")
	}
	return nil
}
