package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// The receipt check: anyone holding a receipt (its number, the time of
// submission, the SHA-256 of the content and of each file) checks it
// against the application as stored, whose files are hashed afresh.

// receiptCheckData is what the check page shows.
type receiptCheckData struct {
	Checked     bool
	Match       bool
	Number      string
	SubmittedAt instant // set when the receipt matches
	Differences []string
	// FilesChecked is false when no file was given: the files were not
	// compared.
	FilesChecked bool
	Files        int // the stored files compared
}

func (s *Server) receiptCheckPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "officer.receipt.title", &receiptCheckData{})
	v.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "receipt_check", v)
}

var (
	sha256RE = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	// A time as people copy it: 15/06/2025 14:03:27, "15/06/2025 à 14:03",
	// 2025-06-15 14:03:27, or RFC 3339 with its offset.
	frenchTimeRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})\D+?(\d{1,2})[:h](\d{2})(?::(\d{2}))?`)
	isoTimeRE    = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?`)
)

// parseReceiptTime reads the submission time of a receipt as it is shown:
// in Paris (local) unless it gives its offset. seconds is false when it
// was given to the minute only.
func parseReceiptTime(s string) (t time.Time, seconds, local, ok bool) {
	s = strings.TrimSpace(s)
	var y, mo, d, h, mi, sec string
	loc := Paris
	if m := isoTimeRE.FindStringSubmatch(s); m != nil {
		y, mo, d, h, mi, sec = m[1], m[2], m[3], m[4], m[5], m[6]
		switch z := strings.ReplaceAll(m[7], ":", ""); {
		case z == "Z":
			loc = time.UTC
		case z != "":
			hh, _ := strconv.Atoi(z[1:3])
			mm, _ := strconv.Atoi(z[3:5])
			off := hh*3600 + mm*60
			if z[0] == '-' {
				off = -off
			}
			loc = time.FixedZone(z, off)
		}
	} else if m := frenchTimeRE.FindStringSubmatch(s); m != nil {
		d, mo, y, h, mi, sec = m[1], m[2], m[3], m[4], m[5], m[6]
	} else {
		return time.Time{}, false, false, false
	}
	n := func(v string) int { i, _ := strconv.Atoi(v); return i }
	t = time.Date(n(y), time.Month(n(mo)), n(d), n(h), n(mi), n(sec), 0, loc)
	if t.Day() != n(d) || t.Month() != time.Month(n(mo)) || n(h) > 23 || n(mi) > 59 || n(sec) > 59 {
		return time.Time{}, false, false, false
	}
	return t, sec != "", loc == Paris, true
}

// sameShownTime reports whether at, as read by parseReceiptTime, shows
// stored: to the second or the minute it was given to, and for a time in
// Paris by its wall clock, so that the hour repeated when summer time ends
// reads either way.
func sameShownTime(at time.Time, seconds, local bool, stored time.Time) bool {
	layout := "2006-01-02 15:04:05"
	if !seconds {
		layout = "2006-01-02 15:04"
	}
	if local {
		return at.Format(layout) == stored.In(Paris).Format(layout)
	}
	return at.UTC().Format(layout) == stored.UTC().Format(layout)
}

// parseReceiptFiles reads the files of a receipt, one "name: sha256" a
// line; the name may hold colons, the hash is after the last one.
func parseReceiptFiles(s string) ([]coopdec.AttachmentHash, error) {
	var out []coopdec.AttachmentHash
	var errs coopdec.Errors
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k := strings.LastIndexByte(line, ':')
		if k <= 0 {
			errs = append(errs, coopdec.FieldError("attachments", "officer.receipt.attachments.invalid", i+1))
			continue
		}
		name, sum := strings.TrimSpace(line[:k]), strings.TrimSpace(line[k+1:])
		if name == "" || !sha256RE.MatchString(sum) {
			errs = append(errs, coopdec.FieldError("attachments", "officer.receipt.attachments.invalid", i+1))
			continue
		}
		out = append(out, coopdec.AttachmentHash{Name: name, SHA256: strings.ToLower(sum)})
	}
	return out, errs.Err()
}

// receiptCheck checks a receipt against the stored application.
func (s *Server) receiptCheck(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.error(w, r, coopdec.Errorf(coopdec.EINVALID, "callpages.form.unreadable"))
		return
	}
	f := r.PostForm
	d := &receiptCheckData{}
	v := s.newView(r, "officer.receipt.title", d)
	v.Form = f
	fail := func(status int, err error) {
		v.addError(err)
		s.render(w, r, status, "receipt_check", v)
	}

	var errs coopdec.Errors
	number := strings.TrimSpace(f.Get("number"))
	if number == "" {
		errs = append(errs, coopdec.FieldError("number", "officer.receipt.number.required"))
	}
	at, seconds, local, ok := parseReceiptTime(f.Get("submitted_at"))
	switch {
	case strings.TrimSpace(f.Get("submitted_at")) == "":
		errs = append(errs, coopdec.FieldError("submitted_at", "officer.receipt.submitted_at.required"))
	case !ok:
		errs = append(errs, coopdec.FieldError("submitted_at", "officer.receipt.submitted_at.invalid"))
	}
	sum := strings.TrimSpace(f.Get("sha256"))
	if !sha256RE.MatchString(sum) {
		errs = append(errs, coopdec.FieldError("sha256", "officer.receipt.sha256.invalid"))
	}
	files, err := parseReceiptFiles(f.Get("attachments"))
	if err != nil {
		errs = append(errs, asErrors(err)...)
	}
	if len(errs) > 0 {
		fail(http.StatusUnprocessableEntity, errs)
		return
	}

	rc := coopdec.Receipt{Number: number, SubmittedAt: at, ContentSHA256: strings.ToLower(sum), Attachments: files}
	stored, n, err := s.checkReceipt(r.Context(), rc, func(stored time.Time) bool { return sameShownTime(at, seconds, local, stored) })
	switch coopdec.ErrorCode(err) {
	case "":
		// Only a holder of the whole receipt learns the time it attests.
		d.Match, d.SubmittedAt = true, newInstant(stored.Application.SubmittedAt)
	case coopdec.ECONFLICT:
		for _, e := range asErrors(err) {
			key, args := coopdec.ErrorKey(e)
			d.Differences = append(d.Differences, v.T(key, localizeArgs(v.Lang, key, args, v.T)...))
		}
	case coopdec.ENOTFOUND:
		fail(http.StatusNotFound, coopdec.FieldError("number", "receipt.not_found"))
		return
	default:
		s.error(w, r, err)
		return
	}
	d.Checked, d.Number, d.FilesChecked, d.Files = true, stored.Application.ReceiptNumber, len(files) > 0, n
	s.render(w, r, http.StatusOK, "receipt_check", v)
}

// checkReceipt checks a receipt against the submitted version of the
// application its number names (ENOTFOUND receipt.not_found when there is
// none). It returns that version, and nil when everything matches or the
// ECONFLICT errors of coopdec.Receipt.Verify naming what differs. The files
// are compared only when rc lists some, hashed afresh from their blobs; n
// is how many were. shown, when not nil, says whether rc's time, as its
// holder copied it, shows the stored one: then that one is taken.
func (s *Server) checkReceipt(ctx context.Context, rc coopdec.Receipt, shown func(stored time.Time) bool) (v *coopdec.ApplicationVersion, n int, err error) {
	// Numbers are written in capitals; a holder may type them otherwise.
	v, err = s.db.SubmittedVersion(ctx, strings.ToUpper(strings.TrimSpace(rc.Number)))
	if err != nil {
		return nil, 0, err
	}
	if shown != nil && shown(v.Application.SubmittedAt) {
		rc.SubmittedAt = v.Application.SubmittedAt
	}
	var hashes []coopdec.AttachmentHash
	if len(rc.Attachments) > 0 {
		if hashes, err = s.attachmentHashes(ctx, v.Attachments); err != nil {
			return nil, 0, err
		}
	}
	return v, len(hashes), rc.Verify(&v.Application, hashes)
}
