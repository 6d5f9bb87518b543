package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// An application's files and its message thread.

type apiAttachmentDoc struct {
	ID           int64  `json:"id"`
	DocumentCode string `json:"document_code"`
	Name         string `json:"name"`
	MediaType    string `json:"media_type"`
	SizeBytes    int64  `json:"size_bytes"`
	SHA256       string `json:"sha256"`
	CreatedAt    string `json:"created_at"`
	URL          string `json:"url"` // where to download it
}

func apiAttachmentOf(att coopdec.Attachment) apiAttachmentDoc {
	return apiAttachmentDoc{ID: att.ID, DocumentCode: att.DocumentCode, Name: att.Name, MediaType: att.MediaType,
		SizeBytes: att.SizeBytes, SHA256: att.SHA256, CreatedAt: apiTime(att.CreatedAt),
		URL: fmt.Sprintf("/api/v1/applications/%d/attachments/%d", att.ApplicationID, att.ID)}
}

func apiAttachmentsOf(list []coopdec.Attachment) []apiAttachmentDoc {
	out := make([]apiAttachmentDoc, 0, len(list))
	for _, att := range list {
		out = append(out, apiAttachmentOf(att))
	}
	return out
}

// apiRequiredDocument is a document the call requires, and whether the
// application has it.
type apiRequiredDocument struct {
	Code          string  `json:"code"`
	Name          string  `json:"name"`
	State         string  `json:"state"` // provided or missing
	AttachmentIDs []int64 `json:"attachment_ids"`
}

type apiAttachmentsDoc struct {
	Items    []apiAttachmentDoc    `json:"items"`
	Pending  []apiAttachmentDoc    `json:"pending"`
	Required []apiRequiredDocument `json:"required"`
	Limits   apiAttachmentLimits   `json:"limits"`
}

type apiAttachmentLimits struct {
	FileBytes  int64 `json:"file_bytes"`
	TotalBytes int64 `json:"total_bytes"`
	Files      int   `json:"files"`
	UsedBytes  int64 `json:"used_bytes"`
}

func (s *Server) apiAttachmentList(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	current, err := s.db.ListAttachments(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	pending, err := s.db.PendingAttachments(r.Context(), a.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	lang := info(r).lang
	d := apiAttachmentsDoc{Items: apiAttachmentsOf(current), Pending: apiAttachmentsOf(pending), Required: []apiRequiredDocument{},
		Limits: apiAttachmentLimits{FileBytes: coopdec.MaxAttachmentBytes, TotalBytes: coopdec.MaxApplicationAttachmentBytes,
			Files: coopdec.MaxAttachments}}
	for _, att := range append(slices.Clone(current), pending...) {
		d.Limits.UsedBytes += att.SizeBytes
	}
	for _, doc := range coopdec.RequiredDocuments(c, current) {
		rd := apiRequiredDocument{Code: doc.Code, Name: s.documentName(lang, doc.Code), State: "missing", AttachmentIDs: []int64{}}
		if doc.Provided() {
			rd.State = "provided"
		}
		for _, att := range doc.Files {
			rd.AttachmentIDs = append(rd.AttachmentIDs, att.ID)
		}
		d.Required = append(d.Required, rd)
	}
	writeJSON(w, http.StatusOK, d)
}

// apiMultipartFieldMax bounds a text field of a multipart body.
const apiMultipartFieldMax = 64 << 10

// apiMultipart reads a multipart/form-data body as it streams, within
// limit bytes: text fields into the map returned, each file part through
// file, which must consume it.
func (s *Server) apiMultipart(w http.ResponseWriter, r *http.Request, limit int64,
	file func(field, name string, body io.Reader) error) (map[string]string, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		return nil, coopdec.Errorf(coopdec.EINVALID, "apiapp.multipart.required")
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, coopdec.Errorf(coopdec.EINVALID, "apiapp.multipart.invalid")
	}
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, nil
		}
		if err != nil {
			return nil, uploadError(err)
		}
		if p.FileName() != "" {
			err = file(p.FormName(), p.FileName(), p)
			p.Close()
			if err != nil {
				return nil, err
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, apiMultipartFieldMax+1))
		p.Close()
		if err != nil {
			return nil, uploadError(err)
		}
		if len(b) > apiMultipartFieldMax {
			return nil, coopdec.FieldError(p.FormName(), "apiapp.multipart.field_too_long", apiMultipartFieldMax>>10)
		}
		fields[p.FormName()] = string(b)
	}
}

// apiMultipartOverhead is what a multipart body may hold besides its files.
const apiMultipartOverhead = 1 << 20

// apiAttachmentAdd attaches a file to a draft, or, while a correction
// request asks for it, to a submitted application. The file is checked by
// its content (type and size) before anything is stored.
func (s *Server) apiAttachmentAdd(w http.ResponseWriter, r *http.Request) {
	h, a, c, err := s.apiMemberHead(r, s.apiMemberApplication)
	if err == nil {
		// Refused before the file is received and stored: a withdrawn
		// application, or a submitted one without an open correction.
		err = s.apiAttachable(r, h.ID, h.Status)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	var att *coopdec.Attachment
	fields, err := s.apiMultipart(w, r, coopdec.MaxAttachmentBytes+apiMultipartOverhead, func(field, name string, body io.Reader) error {
		if field != "file" {
			return coopdec.FieldError(field, "apiapp.multipart.unexpected_file", field)
		}
		if att != nil {
			return coopdec.FieldError("file", "apiapp.attachment.one_file")
		}
		received, err := s.receiveFile(r.Context(), body, name)
		att = &received
		return err
	})
	if err == nil && att == nil {
		err = coopdec.FieldError("file", "apiapp.attachment.file_required")
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	att.ApplicationID, att.DocumentCode = h.ID, fields["document_code"]
	if err := s.db.AddAttachment(r.Context(), att, actor(r)); err != nil {
		s.error(w, r, s.apiRefusal(r, err, h.ID, a, c))
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/applications/%d/attachments/%d", h.ID, att.ID))
	writeJSON(w, http.StatusCreated, apiAttachmentOf(*att))
}

// apiAttachable says whether application id, whose status is status, may
// take a file at all; which documents it takes is storage's to check
// (sqldb.AddAttachment).
func (s *Server) apiAttachable(r *http.Request, id int64, status coopdec.ApplicationStatus) error {
	switch status {
	case coopdec.ApplicationDraft:
		return nil
	case coopdec.ApplicationSubmitted:
		list, err := s.db.ListCorrections(r.Context(), id)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(list, func(cr coopdec.CorrectionRequest) bool { return cr.Status == coopdec.CorrectionOpen }) {
			return nil
		}
		return coopdec.Errorf(coopdec.ECONFLICT, "application.not_draft")
	}
	return coopdec.Errorf(coopdec.ECONFLICT, "application.withdrawn")
}

func apiAttachmentID(r *http.Request) (int64, error) {
	return apiPathID(r, "aid", "attachment.not_found")
}

// apiAttachmentGet downloads a file of the application, a message's or an
// earlier version's included, for whoever may read the application.
func (s *Server) apiAttachmentGet(w http.ResponseWriter, r *http.Request) {
	id, err := apiApplicationID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	aid, err := apiAttachmentID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	att, err := s.readableAttachment(r, id, aid)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.sendAttachment(w, r, att)
}

func (s *Server) apiAttachmentDelete(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiMemberApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	aid, err := apiAttachmentID(r)
	if err == nil {
		err = s.db.DeleteAttachment(r.Context(), a.ID, aid, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Messages.

type apiMessageDoc struct {
	ID            int64              `json:"id"`
	AuthorID      *int64             `json:"author_id"`
	AuthorName    string             `json:"author_name"`
	FromApplicant bool               `json:"from_applicant"`
	Body          string             `json:"body"`
	Attachments   []apiAttachmentDoc `json:"attachments"`
	CreatedAt     string             `json:"created_at"`
}

func apiMessageOf(m *coopdec.Message) apiMessageDoc {
	return apiMessageDoc{ID: m.ID, AuthorID: idOrNull(m.AuthorID), AuthorName: m.AuthorName, FromApplicant: m.FromApplicant,
		Body: m.Body, Attachments: apiAttachmentsOf(m.Attachments), CreatedAt: apiTime(m.CreatedAt)}
}

func (s *Server) apiMessageList(w http.ResponseWriter, r *http.Request) {
	a, _, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var errs coopdec.Errors
	page := apiPageQuery(r.URL.Query(), &errs)
	if err := errs.Err(); err != nil {
		s.error(w, r, err)
		return
	}
	list, page, err := s.db.ListMessages(r.Context(), a.ID, page)
	if err != nil {
		s.error(w, r, err)
		return
	}
	docs := make([]apiMessageDoc, 0, len(list))
	for i := range list {
		docs = append(docs, apiMessageOf(&list[i]))
	}
	writeJSON(w, http.StatusOK, newAPIPage(docs, page))
}

// apiMessagePost writes in the application's thread: JSON {"body"}, or a
// multipart form with body and files (each field named files or file).
// The other side is told by email: the officers and the call's co-managers
// of a submitted application when the applicant writes, the lead's members
// when an officer or co-manager does.
func (s *Server) apiMessagePost(w http.ResponseWriter, r *http.Request) {
	a, c, err := s.apiReadableApplication(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	u := currentUser(r)
	if !coopdec.CanMessage(u, a, c) {
		s.error(w, r, coopdec.Errorf(coopdec.EFORBIDDEN, "error.forbidden"))
		return
	}
	m := &coopdec.Message{ApplicationID: a.ID}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		limit := coopdec.MaxApplicationAttachmentBytes + apiMultipartOverhead
		fields, err := s.apiMultipart(w, r, limit, func(field, name string, body io.Reader) error {
			if field != "files" && field != "file" {
				return coopdec.FieldError(field, "apiapp.multipart.unexpected_file", field)
			}
			att, err := s.receiveFile(r.Context(), body, name)
			if err != nil {
				return apiRenameFileError(err, "files."+strconv.Itoa(len(m.Attachments)))
			}
			att.DocumentCode = "message"
			m.Attachments = append(m.Attachments, att)
			return nil
		})
		if err != nil {
			s.error(w, r, err)
			return
		}
		m.Body = fields["body"]
	} else {
		var req struct {
			Body string `json:"body"`
		}
		if err := readJSON(w, r, &req); err != nil {
			s.error(w, r, err)
			return
		}
		m.Body = req.Body
	}
	to, err := s.messageRecipients(r.Context(), u, a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.db.PostMessage(r.Context(), s.jobs, u, m, actor(r), func(m *coopdec.Message, a *coopdec.Application, _ *coopdec.Call) []sqldb.Job {
		return s.messageMails(to, m, a)
	})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiMessageOf(m))
}

// apiRenameFileError names the file at fault by its place among several.
func apiRenameFileError(err error, field string) error {
	var e *coopdec.Error
	if errors.As(err, &e) && e.Field == "file" {
		c := *e
		c.Field = field
		return &c
	}
	return err
}
