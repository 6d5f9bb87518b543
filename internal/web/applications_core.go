package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/blob"
	"github.com/coopdec/coopdec/internal/jobs"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// What the application pages and the application API share: loading an
// application for a user with its access rule, receiving and sending files,
// and the emails' jobs (the emails themselves are in applications_mail.go).

var errApplicationNotFound = &coopdec.Error{Code: coopdec.ENOTFOUND, Key: "application.not_found"}

// application loads an application and its call for the request's user.
// Whoever may not read it (coopdec.CanViewApplication) gets ENOTFOUND, as
// if it did not exist: a draft's existence is its authors' business.
func (s *Server) application(r *http.Request, id int64) (*coopdec.Application, *coopdec.Call, error) {
	a, c, _, err := s.applicationWithInvitations(r, id)
	return a, c, err
}

// applicationWithInvitations is application with the partners' invitations
// read with it, for the pages that show them.
func (s *Server) applicationWithInvitations(r *http.Request, id int64) (*coopdec.Application, *coopdec.Call, []coopdec.PartnerConfirmation, error) {
	u := info(r).user
	if u == nil {
		return nil, nil, nil, coopdec.Errorf(coopdec.EUNAUTHORIZED, "error.login_required")
	}
	a, invitations, err := s.db.ApplicationWithInvitations(r.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := s.db.Call(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !coopdec.CanViewApplication(u, a, c) {
		return nil, nil, nil, errApplicationNotFound
	}
	return a, c, invitations, nil
}

// readableAttachment loads a file of application appID for its readers,
// and also for the evaluator assigned to it once they confirmed having no
// conflict with it (coopdec.CanSeeApplicationAsEvaluator): the
// application's own files only, not those of its messages.
func (s *Server) readableAttachment(r *http.Request, appID, attID int64) (*coopdec.Attachment, error) {
	_, _, err := s.application(r, appID)
	u := info(r).user
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND && u.HasRole(coopdec.RoleEvaluator) {
		if p, perr := s.db.EvaluationPanel(r.Context(), appID); perr == nil && coopdec.CanSeeApplicationAsEvaluator(u, p) {
			att, err := s.db.Attachment(r.Context(), appID, attID)
			if err == nil && (att.MessageID != 0 || att.DocumentCode == "message") {
				return nil, coopdec.Errorf(coopdec.ENOTFOUND, "attachment.not_found")
			}
			return att, err
		}
	}
	if err != nil {
		return nil, err
	}
	return s.db.Attachment(r.Context(), appID, attID)
}

// leadApplication is application for an action of the lead's members
// only (submitting, uploading, withdrawing, answering a correction): the
// other readers get EFORBIDDEN.
func (s *Server) leadApplication(r *http.Request, id int64) (*coopdec.Application, *coopdec.Call, error) {
	a, c, err := s.application(r, id)
	if err != nil {
		return nil, nil, err
	}
	if _, member := info(r).user.Membership(a.LeadOrganisationID); !member {
		return nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "application.forbidden")
	}
	return a, c, nil
}

// editableApplication is application for a change to a draft: the lead's
// members only (EFORBIDDEN for other readers), while it is a draft
// (ECONFLICT application.not_draft).
func (s *Server) editableApplication(r *http.Request, id int64) (*coopdec.Application, *coopdec.Call, error) {
	a, c, err := s.application(r, id)
	if err != nil {
		return nil, nil, err
	}
	u := info(r).user
	if _, member := u.Membership(a.LeadOrganisationID); !member {
		return nil, nil, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden")
	}
	if !coopdec.CanEditApplication(u, a) {
		return nil, nil, &coopdec.Error{Code: coopdec.ECONFLICT, Key: "application.not_draft"}
	}
	return a, c, nil
}

// receiveFile checks an uploaded file by its content (type by magic bytes,
// size within coopdec.MaxAttachmentBytes) and stores it as a blob. The
// returned attachment has its name, type, size and hash; the caller sets
// what it is attached to and its document code.
func (s *Server) receiveFile(ctx context.Context, body io.Reader, name string) (coopdec.Attachment, error) {
	// The body is read whole first: type detection reads the end of zip
	// files (ODT, DOCX…), and the blob store hashes as it copies.
	sp, err := s.uploads.spool(body, coopdec.MaxAttachmentBytes)
	if errors.Is(err, errSpoolFile) {
		return coopdec.Attachment{}, err
	} else if err != nil {
		return coopdec.Attachment{}, uploadError(err)
	}
	defer sp.close()
	n := sp.size
	if n > coopdec.MaxAttachmentBytes {
		return coopdec.Attachment{}, coopdec.FieldError("file", "attachment.too_large", coopdec.MaxAttachmentBytes>>20)
	}
	if n == 0 {
		return coopdec.Attachment{}, coopdec.FieldError("file", "attachment.empty")
	}
	typ, err := coopdec.DetectType(sp, n, name)
	if err != nil {
		return coopdec.Attachment{}, err
	}
	src, err := sp.reader()
	if err != nil {
		return coopdec.Attachment{}, err
	}
	info, err := s.blobs.Put(ctx, src, coopdec.MaxAttachmentBytes)
	if err != nil {
		return coopdec.Attachment{}, err
	}
	return coopdec.Attachment{Name: coopdec.SafeFilename(name), MediaType: typ.MediaType(), SizeBytes: info.Size, SHA256: info.SHA256}, nil
}

// uploadError turns a request body cut short by http.MaxBytesReader into a
// clear message.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return coopdec.FieldError("file", "attachment.too_large", coopdec.MaxAttachmentBytes>>20)
	}
	return coopdec.FieldError("file", "attachment.unreadable")
}

// sendAttachment answers with a stored file as a download under its safe
// name: never shown inline, so that a file cannot run in the platform's
// origin.
func (s *Server) sendAttachment(w http.ResponseWriter, r *http.Request, att *coopdec.Attachment) {
	f, _, err := s.blobs.Open(r.Context(), att.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		s.log.Error("attachment blob missing", "attachment", att.ID, "sha256", att.SHA256)
		s.error(w, r, coopdec.Errorf(coopdec.EINTERNAL, "error.internal"))
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", att.MediaType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("ETag", `"`+att.SHA256+`"`)
	http.ServeContent(w, r, "", att.CreatedAt, f)
}

// attachmentHashes recomputes the SHA-256 of stored files from their blobs,
// for a receipt's check: a blob altered on disk no longer matches.
func (s *Server) attachmentHashes(ctx context.Context, files []coopdec.Attachment) ([]coopdec.AttachmentHash, error) {
	out := make([]coopdec.AttachmentHash, 0, len(files))
	for _, f := range files {
		h := coopdec.AttachmentHash{Name: f.Name}
		rc, _, err := s.blobs.Open(ctx, f.SHA256)
		switch {
		case errors.Is(err, blob.ErrNotFound):
			h.SHA256 = "missing"
		case err != nil:
			return nil, err
		default:
			sum, err := hashReader(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			h.SHA256 = sum
		}
		out = append(out, h)
	}
	return out, nil
}

// mailJob is an email whose subject and text are the catalogue keys
// key+".subject" and key+".body" in lang, sent by the job queue once the
// transaction that enqueues it commits.
func (s *Server) mailJob(lang, to, key string, args ...any) sqldb.Job {
	return sqldb.Job{Args: jobs.NewMail(s.cat, lang, to, key, args...)}
}

// callTitle is a call's title in lang, or in French.
func callTitle(c *coopdec.Call, lang string) string {
	t, _ := c.Text(lang)
	return t.Title
}

// applicationTitle is an application's title in lang, or in French.
func applicationTitle(a *coopdec.Application, lang string) string {
	if t := strings.TrimSpace(a.Texts[lang].Title); t != "" {
		return t
	}
	return a.Texts["fr"].Title
}

func hashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
