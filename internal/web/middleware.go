package web

import (
	"context"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/i18n"
)

type ctxKey struct{}

type patternKey struct{}

// recordPattern wraps the mux to report the route it matched to observe.
func recordPattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(patternKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

// reqInfo is what the middleware learns about a request.
type reqInfo struct {
	user     *coopdec.User
	session  string // the session secret, for browser requests
	viaToken bool   // authenticated by an API token
	lang     string
}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{lang: i18n.Default}
}

func currentUser(r *http.Request) *coopdec.User { return info(r).user }

// actor returns who makes the request, for the audit trail.
func actor(r *http.Request) coopdec.Actor {
	a := coopdec.Actor{IP: clientIP(r)}
	if u := currentUser(r); u != nil {
		a.UserID = u.ID
	}
	return a
}

// clientIP is the peer address. Behind a load balancer, the operator puts the
// platform behind a proxy that sets RemoteAddr correctly (e.g. PROXY
// protocol); X-Forwarded-For is not trusted since anyone can send it.
func clientIP(r *http.Request) string {
	addr := r.RemoteAddr
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		addr = addr[:i]
	}
	return strings.Trim(addr, "[]")
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.cross_origin"))
	}))
	h := s.authenticate(cop.Handler(next))
	h = s.securityHeaders(h)
	h = s.observe(h)
	return s.recoverer(h)
}

// recoverer turns a panic into a generic error page; the stack goes to the
// log only.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.error(w, r, coopdec.Errorf(coopdec.EINTERNAL, "error.internal"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request and feeds the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		// The mux sets the matched pattern on the request it receives, a
		// copy made further in; it reports it back through this holder.
		var pattern string
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), patternKey{}, &pattern)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, sw.status, d)
		if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" {
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status,
				"bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000)
		}
	})
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	hsts := s.base.Scheme == "https"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate identifies the user from a Bearer token (API) or the session
// cookie (browser), and picks the language.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &reqInfo{}
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			ri.lang = i18n.Default
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)))
			return
		}
		if authz := r.Header.Get("Authorization"); authz != "" {
			token, ok := strings.CutPrefix(authz, "Bearer ")
			if !ok {
				ri.lang = i18n.FromRequest(r, "")
				s.error(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)), coopdec.Errorf(coopdec.EUNAUTHORIZED, "token.invalid"))
				return
			}
			u, err := s.db.APITokenUser(r.Context(), strings.TrimSpace(token))
			if err != nil {
				ri.lang = i18n.FromRequest(r, "")
				s.error(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)), err)
				return
			}
			ri.user, ri.viaToken = u, true
		} else if c, err := r.Cookie(s.cookieName("session")); err == nil && c.Value != "" {
			u, _, err := s.db.SessionUser(r.Context(), c.Value)
			switch {
			case err == nil:
				ri.user, ri.session = u, c.Value
			case coopdec.ErrorCode(err) == coopdec.EUNAUTHORIZED:
				s.clearCookie(w, "session")
			default:
				s.log.Error("session lookup", "err", err)
			}
		}
		// The account's language first; an account that follows the browser
		// keeps what its user picked on the header switch before logging in.
		pref := ""
		if ri.user != nil {
			pref = ri.user.Language
		}
		if c, err := r.Cookie(s.cookieName("lang")); err == nil && pref == "" {
			pref = c.Value
		}
		ri.lang = i18n.FromRequest(r, pref)
		if ri.user != nil {
			w.Header().Set("Cache-Control", "no-store")
		}
		w.Header().Set("Content-Language", ri.lang)
		w.Header().Add("Vary", "Cookie, Accept-Language")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)))
	})
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(name), Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: "", Path: "/", MaxAge: -1,
		Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
