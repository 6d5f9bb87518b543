package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// surgeAttachmentBytes is the size of the file each applicant sends.
const surgeAttachmentBytes = 100 << 10

// surge is the deadline day: each hit uploads a file to one ready draft,
// then submits it. The pair is one request for the load generator (its
// round trip does both) and is measured as one.
type surge struct {
	base string
	apps []OwnedApplication
	next atomic.Uint64

	mu       sync.Mutex
	uploaded map[int64]bool // by application, whose file was accepted
}

// uploadedFile returns the hash and size of the file sent for an
// application, or "" when none was accepted.
func (s *surge) uploadedFile(appID int64) (sha256hex string, size int64) {
	if !s.uploaded[appID] {
		return "", 0
	}
	f := surgeFile(appID)
	sum := sha256.Sum256(f)
	return hex.EncodeToString(sum[:]), int64(len(f))
}

func (s *surge) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		n := s.next.Add(1) - 1
		if n >= uint64(len(s.apps)) {
			return errExhausted
		}
		a := s.apps[n]
		h := bearer(a.Owner.Token)
		h.Set("Idempotency-Key", fmt.Sprintf("bench-%d", a.ApplicationID))
		*t = vegeta.Target{Method: http.MethodPost, URL: fmt.Sprintf("%s/api/v1/applications/%d/submit", s.base, a.ApplicationID), Header: h}
		return nil
	}
}

// surgeFile is a deterministic PDF of surgeAttachmentBytes for an
// application: the same run sends the same files, and no two applications
// send the same content (blobs are stored by hash, so identical files would
// be stored once). The load generator shares the machine with the server:
// each file is a copy of one body drawn once, made distinct by a line naming
// its application and a few bytes drawn for it.
func surgeFile(appID int64) []byte {
	b := slices.Clone(surgeBody())
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(appID))
	copy(seed[8:], "coopdec surge file")
	stamp := fmt.Appendf(nil, "%%PDF-1.7\n%%bench application %d ", appID)
	salt := make([]byte, 32)
	_, _ = rand.NewChaCha8(seed).Read(salt)
	for _, c := range salt {
		stamp = append(stamp, 'a'+c%26)
	}
	copy(b, append(stamp, '\n'))
	return b
}

// surgeBody is the body the surge's files share: letters drawn from a
// fixed seed, ending as a PDF ends.
var surgeBody = sync.OnceValue(func() []byte {
	b := make([]byte, surgeAttachmentBytes)
	_, _ = rand.NewChaCha8([32]byte{'c', 'o', 'o', 'p', 'd', 'e', 'c'}).Read(b)
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	copy(b[len(b)-7:], "\n%%EOF\n")
	return b
})

// roundTrip uploads the application's file, then sends the submission;
// the upload's answer is returned when it fails.
func (s *surge) roundTrip(next http.RoundTripper) http.RoundTripper {
	return rtFunc(func(req *http.Request) (*http.Response, error) {
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(req.URL.Path, "/api/v1/applications/"), "/submit"), 10, 64)
		if err != nil {
			return next.RoundTrip(req)
		}
		file := surgeFile(id)
		var body bytes.Buffer
		body.Grow(len(file) + 1024)
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("document_code", "annex")
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="piece-%d.pdf"`, id))
		hdr.Set("Content-Type", "application/pdf")
		part, _ := mw.CreatePart(hdr)
		_, _ = part.Write(file)
		_ = mw.Close()
		up, err := http.NewRequestWithContext(req.Context(), http.MethodPost,
			fmt.Sprintf("%s://%s/api/v1/applications/%d/attachments", req.URL.Scheme, req.URL.Host, id), &body)
		if err != nil {
			return nil, err
		}
		up.Header.Set("Authorization", req.Header.Get("Authorization"))
		up.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := next.RoundTrip(up)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusCreated {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		// Its hash is computed once the surge is over (uploadedFile), so
		// as not to take the server's CPU during it.
		s.mu.Lock()
		s.uploaded[id] = true
		s.mu.Unlock()
		return next.RoundTrip(req)
	})
}

// moveDeadline sets the surge calls' deadline to at, in storage as an
// officer would (an amendment with its reason).
func moveDeadline(ctx context.Context, db *sqldb.DB, m *Manifest, at time.Time) error {
	for _, id := range m.SurgeCallIDs {
		c, err := db.Call(ctx, id)
		if err != nil {
			return fmt.Errorf("bench: surge call %d: %w", id, err)
		}
		c.Deadline = ceilSecond(at)
		// Evaluation and results follow the deadline, which they must not
		// precede.
		if !c.EvaluationAt.IsZero() && !c.EvaluationAt.After(c.Deadline) {
			c.EvaluationAt = c.Deadline.Add(24 * time.Hour)
		}
		if !c.ResultsAt.IsZero() && !c.ResultsAt.After(c.EvaluationAt) {
			c.ResultsAt = c.EvaluationAt.Add(24 * time.Hour)
		}
		c.UpdatedAt = time.Time{}
		if err := db.UpdateCall(ctx, c, coopdec.Actor{UserID: m.Officer.UserID}, "Banc d'essai : échéance placée dans la pointe de dépôts."); err != nil {
			return fmt.Errorf("bench: moving the deadline of surge call %d: %w", id, err)
		}
	}
	return nil
}

// surgeOutcome sorts the results: acknowledged (a receipt), refused for
// lateness (409 answered after the deadline), errors while the server
// was down (--kill), other errors.
type surgeOutcome struct {
	deadline     time.Time
	down, up     time.Time // the kill and the restart's readiness; zero without --kill
	acked        map[int64]string
	late, other  int
	downtimeErrs int
	firstAck     time.Time
	lastAck      time.Time
}

func (o *surgeOutcome) add(r *vegeta.Result) {
	if r.Error == errExhausted.Error() {
		return
	}
	id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.URL[strings.Index(r.URL, "/api/v1/applications/"):],
		"/api/v1/applications/"), "/submit"), 10, 64)
	switch {
	case r.Code == http.StatusCreated || r.Code == http.StatusOK:
		var rc struct {
			Number string `json:"number"`
		}
		if json.Unmarshal(r.Body, &rc) == nil && rc.Number != "" {
			o.acked[id] = rc.Number
			if o.firstAck.IsZero() || r.Timestamp.Before(o.firstAck) {
				o.firstAck = r.Timestamp
			}
			if r.End().After(o.lastAck) {
				o.lastAck = r.End()
			}
			return
		}
		o.other++
	case r.Code == http.StatusConflict && !r.End().Before(o.deadline):
		o.late++
	case !o.down.IsZero() && r.End().After(o.down) && r.Timestamp.Before(o.up):
		o.downtimeErrs++
	default:
		o.other++
	}
}

// Verify checks in the database that every acknowledged submission is
// there as acknowledged: submitted, with its receipt number, and holding
// the file sent, by hash and size, also in its receipt. It sets Verified,
// Missing and Corrupt.
func (res *SurgeResult) Verify(ctx context.Context, db *sqldb.DB) error {
	res.Verified, res.Missing, res.Corrupt = 0, nil, nil
	for _, ack := range res.Submissions {
		problem, err := checkSubmission(ctx, db, ack)
		switch {
		case err != nil:
			return err
		case problem == "missing":
			res.Missing = append(res.Missing, ack.ApplicationID)
		case problem != "":
			res.Corrupt = append(res.Corrupt, fmt.Sprintf("application %d: %s", ack.ApplicationID, problem))
		default:
			res.Verified++
		}
	}
	return nil
}

// checkSubmission says what is wrong with one acknowledged submission in
// the database: "missing", another problem, or "" when it is intact.
func checkSubmission(ctx context.Context, db *sqldb.DB, ack Acknowledged) (string, error) {
	a, err := db.Application(ctx, ack.ApplicationID)
	if coopdec.ErrorCode(err) == coopdec.ENOTFOUND {
		return "missing", nil
	}
	if err != nil {
		return "", err
	}
	if a.Status != coopdec.ApplicationSubmitted || a.ReceiptNumber == "" {
		return "missing", nil
	}
	if a.ReceiptNumber != ack.Receipt {
		return fmt.Sprintf("receipt %s, acknowledged as %s", a.ReceiptNumber, ack.Receipt), nil
	}
	if ack.SHA256 == "" {
		return "acknowledged without the file sent", nil
	}
	atts, err := db.ListAttachments(ctx, ack.ApplicationID)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(atts, func(at coopdec.Attachment) bool { return at.SHA256 == ack.SHA256 && at.SizeBytes == ack.Size }) {
		return fmt.Sprintf("the file sent (sha256 %s…, %d bytes) is not among its attachments", ack.SHA256[:12], ack.Size), nil
	}
	rc, err := db.ApplicationReceipt(ctx, ack.ApplicationID)
	if err != nil {
		return fmt.Sprintf("no receipt: %v", err), nil
	}
	if rc.Number != ack.Receipt || !slices.ContainsFunc(rc.Attachments, func(h coopdec.AttachmentHash) bool { return h.SHA256 == ack.SHA256 }) {
		return "its receipt does not list the file sent", nil
	}
	return "", nil
}
