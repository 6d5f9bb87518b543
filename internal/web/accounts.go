package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/mail"
	"github.com/coopdec/coopdec/internal/password"
)

// Account operations shared by the pages and the JSON API.

var errBadCredentials = coopdec.Errorf(coopdec.EUNAUTHORIZED, "login.failed")

// checkCredentials verifies an email and password with throttling: repeated
// failures for an address or from an IP slow the answer down, then refuse it
// for a while. Every attempt is recorded and audited.
func (s *Server) checkCredentials(ctx context.Context, email, pw, ip string) (*coopdec.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || pw == "" {
		return nil, coopdec.Errorf(coopdec.EINVALID, "login.missing")
	}
	byEmail, byIP, err := s.db.RecentLoginFailures(ctx, email, ip)
	if err != nil {
		return nil, err
	}
	delay, refuse := coopdec.LoginDelay(max(byEmail, byIP/3))
	if refuse {
		_ = s.db.Audit(ctx, coopdec.Actor{IP: ip}, coopdec.AuditLoginThrottled, email, "")
		return nil, coopdec.Errorf(coopdec.ETOOMANY, "login.throttled", int(coopdec.LoginWindow.Minutes()))
	}
	if delay > 0 && !s.noDelay {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	u, err := s.db.UserByEmail(ctx, email)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		password.CheckNone(pw)
		return nil, errorsJoin(s.db.RecordLoginAttempt(ctx, email, ip, false, 0), errBadCredentials)
	}
	if err != nil {
		return nil, err
	}
	ok := password.Check(pw, u.PasswordHash) && u.DisabledAt == nil
	// The demo password opens the demo accounts only while the platform runs
	// in demo mode.
	if ok && coopdec.IsDemoPassword(pw) && !s.demo {
		ok = false
	}
	if !ok {
		return nil, errorsJoin(s.db.RecordLoginAttempt(ctx, email, ip, false, u.ID), errBadCredentials)
	}
	if err := s.db.RecordLoginAttempt(ctx, email, ip, true, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

// errorsJoin returns the first non-nil error: a storage failure wins over
// the domain error it was recording.
func errorsJoin(storeErr, domainErr error) error {
	if storeErr != nil {
		return storeErr
	}
	return domainErr
}

// validateNewPassword applies the password policy, and refuses the demo
// password outside demo mode.
func (s *Server) validateNewPassword(pw, confirm, email, name string) error {
	if confirm != pw {
		return coopdec.FieldError("password_confirm", "password.mismatch")
	}
	if err := coopdec.CheckPassword(pw, email, name); err != nil {
		return err
	}
	if coopdec.IsDemoPassword(pw) && !s.demo {
		return coopdec.FieldError("password", "password.common")
	}
	return nil
}

// changePassword replaces a logged-in user's password after checking the
// current one; other sessions end.
func (s *Server) changePassword(r *http.Request, current, pw, confirm string) error {
	u := currentUser(r)
	if !password.Check(current, u.PasswordHash) {
		return coopdec.FieldError("current_password", "password.current_wrong")
	}
	if err := s.validateNewPassword(pw, confirm, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	return s.db.SetPassword(r.Context(), u.ID, hash, info(r).session, actor(r))
}

// requestPasswordReset emails a one-time link when the address has an
// account. It answers the same either way, so it reveals no account.
func (s *Server) requestPasswordReset(r *http.Request, email string) error {
	email, err := coopdec.NormalizeEmail(email)
	if err != nil {
		return err
	}
	u, err := s.db.UserByEmail(r.Context(), email)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	token, err := s.db.CreatePasswordReset(r.Context(), u.ID, clientIP(r))
	if err != nil {
		return err
	}
	lang := u.Language
	if lang == "" {
		lang = info(r).lang
	}
	return s.send(r.Context(), lang, u.Email, "mail.reset", s.link("/reinitialisation/"+token),
		int(coopdec.PasswordResetValidity.Minutes()))
}

// resetPassword sets a new password through a reset link.
func (s *Server) resetPassword(r *http.Request, token, pw, confirm string) error {
	userID, err := s.db.PasswordResetUser(r.Context(), token)
	if err != nil {
		return err
	}
	u, err := s.db.UserByID(r.Context(), userID)
	if err != nil {
		return err
	}
	if err := s.validateNewPassword(pw, confirm, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	_, err = s.db.ResetPassword(r.Context(), token, hash, clientIP(r))
	return err
}

// invite checks that the current user may send inv, stores it and emails the
// link.
func (s *Server) invite(r *http.Request, inv *coopdec.Invitation) error {
	u := currentUser(r)
	if !coopdec.CanInvite(u, inv) {
		return coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	if inv.OrganisationID != 0 {
		org, err := s.db.Organisation(r.Context(), inv.OrganisationID)
		if err != nil {
			return err
		}
		inv.OrganisationName = org.Name
	}
	token, err := s.db.CreateInvitation(r.Context(), inv, actor(r))
	if err != nil {
		return err
	}
	target := inv.OrganisationName
	if target == "" {
		target = "coopdec"
	}
	return s.send(r.Context(), info(r).lang, inv.Email, "mail.invitation", s.link("/invitation/"+token),
		u.Name, target, int(coopdec.InvitationValidity.Hours()/24))
}

// acceptInvitation creates the invited account.
func (s *Server) acceptInvitation(r *http.Request, token, name, pw, confirm, territoryKind, territoryCode string) (*coopdec.User, error) {
	inv, err := s.db.Invitation(r.Context(), token)
	if err != nil {
		return nil, err
	}
	var errs coopdec.Errors
	name, err = coopdec.ValidateName(name)
	if err != nil {
		errs = append(errs, err.(*coopdec.Error))
	}
	if err := s.validateNewPassword(pw, confirm, inv.Email, name); err != nil {
		errs = append(errs, asErrors(err)...)
	}
	var territory *coopdec.Territory
	if inv.ForLocalAuthority {
		t, err := s.db.Territory(r.Context(), coopdec.TerritoryKind(territoryKind), territoryCode)
		if err != nil {
			errs = append(errs, coopdec.FieldError("territory", "signup.authority.required"))
		} else {
			territory = &t
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return nil, err
	}
	u := &coopdec.User{Name: name, Language: info(r).lang, PasswordHash: hash}
	if err := s.db.AcceptInvitation(r.Context(), token, u, territory, clientIP(r)); err != nil {
		return nil, err
	}
	return s.db.UserByID(r.Context(), u.ID)
}

func asErrors(err error) coopdec.Errors {
	switch e := err.(type) {
	case coopdec.Errors:
		return e
	case *coopdec.Error:
		return coopdec.Errors{e}
	}
	return coopdec.Errors{coopdec.Errorf(coopdec.EINTERNAL, "error.internal")}
}

// send emails a message whose subject and text are the catalogue keys
// key+".subject" and key+".body" in lang.
func (s *Server) send(ctx context.Context, lang, to, key string, args ...any) error {
	return s.mail.Send(ctx, mail.Message{
		To:      to,
		Subject: s.cat.T(lang, key+".subject"),
		Text:    s.cat.T(lang, key+".body", args...),
	})
}
