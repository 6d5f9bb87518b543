package coopdec

import "time"

// This file holds the types of what happens to an application around its
// content: attachments, partners' confirmations, submission, corrections,
// withdrawal and messages. Their rules are in application_rules.go.

// Attachment describes a file attached to an application or a message; the
// file itself is a content-addressed blob named by SHA256, stored apart.
type Attachment struct {
	ID            int64
	ApplicationID int64
	// MessageID is set for a file attached to a message rather than to the
	// application itself.
	MessageID int64
	// CorrectionID is set for a file sent with a correction request.
	CorrectionID int64
	DocumentCode string // what the file is, e.g. "council_deliberation", "budget"
	Name         string // file name, as SafeFilename makes it
	MediaType    string
	SizeBytes    int64
	SHA256       string // lower-case hexadecimal
	UploadedBy   int64  // user ID
	CreatedAt    time.Time
}

// ConfirmationStatus is where a partner's confirmation stands.
type ConfirmationStatus string

const (
	ConfirmationPending   ConfirmationStatus = "pending"
	ConfirmationConfirmed ConfirmationStatus = "confirmed"
	ConfirmationDeclined  ConfirmationStatus = "declined"
	// ConfirmationLapsed: the application changed the partner's entry
	// (name, country, role or contribution) after the invitation was sent,
	// so what the partner saw or confirmed is no longer what is declared.
	ConfirmationLapsed ConfirmationStatus = "lapsed"
)

// PartnerConfirmation is one invitation to a declared partner to review its
// part of an application and confirm or decline it. It keeps what the
// partner was shown (its entry in the consortium, PartnerEntry), so that a
// confirmation holds only while the application still says the same.
type PartnerConfirmation struct {
	ID             int64
	ApplicationID  int64
	PartnerEntry   Partner // the partner's entry when invited
	Email          string  // where the invitation was sent
	Language       string  // the page's and the email's language
	Status         ConfirmationStatus
	Representative string // who answered, as they named themselves
	Comment        string
	InvitedBy      int64 // user ID
	CreatedAt      time.Time
	ExpiresAt      time.Time
	RespondedAt    time.Time // zero until answered
}

// CorrectionStatus is where a correction request stands.
type CorrectionStatus string

const (
	CorrectionOpen      CorrectionStatus = "open"      // waiting for the applicant
	CorrectionAnswered  CorrectionStatus = "answered"  // the applicant answered
	CorrectionCancelled CorrectionStatus = "cancelled" // withdrawn by an officer
)

// CorrectionRequest is an officer's request to the applicant of a submitted
// application to correct or complete it: while it is open, the applicant
// may change the fields and documents it names, and answers with a new
// version of the application.
type CorrectionRequest struct {
	ID            int64
	ApplicationID int64
	Reason        string
	Fields        []string // field names, as Validate names them, e.g. "budget", "texts.fr.summary"
	Documents     []string // document codes
	DueAt         time.Time
	Status        CorrectionStatus
	RequestedBy   int64 // user ID
	CreatedAt     time.Time
	Answer        string
	AnsweredBy    int64
	AnsweredAt    time.Time
	// Version is the application version the answer made, 0 until answered.
	Version int
}

// ApplicationVersion is one kept version of a submitted application: the
// submission is version 1 of the record, each answered correction adds one.
// Drafts are not versioned here: their every save is only the latest state.
type ApplicationVersion struct {
	ApplicationID int64
	Number        int       // 1 for the submission
	At            time.Time // when it was made
	AuthorID      int64
	CorrectionID  int64 // the correction it answers, 0 for the submission
	Application   Application
	Attachments   []Attachment
	ContentSHA256 string
}

// Submission is what a submission returns: the receipt, and whether it was
// made by this request or an earlier one with the same idempotency key.
type Submission struct {
	ApplicationID int64
	Receipt       Receipt
	Replayed      bool
}

// Message is one message of an application's thread between its applicant
// and the officers and co-managers of its call.
type Message struct {
	ID            int64
	ApplicationID int64
	AuthorID      int64
	AuthorName    string
	// FromApplicant is true when the author wrote as a member of the lead
	// organisation, false when as an officer or co-manager.
	FromApplicant bool
	Body          string
	Attachments   []Attachment
	CreatedAt     time.Time
}

// ApplicationFilter selects applications in lists: officers' (by call) and
// applicants' dashboards (by lead organisation).
type ApplicationFilter struct {
	CallID int64
	// CallIDs, when not nil, keeps only these calls (a co-manager's); an
	// empty non-nil list selects nothing.
	CallIDs []int64
	// LeadOrganisationIDs, when not nil, keeps only these leads'
	// applications; an empty non-nil list selects nothing.
	LeadOrganisationIDs []int64
	Status              ApplicationStatus
	Country             string // ISO code of a country of action
	Theme               string
	Eligible            string // "yes", "no", "unknown" or "" for all
	Query               string // words of the title
	// SubmittedOnly leaves drafts and applications withdrawn before their
	// submission out: officers never see them.
	SubmittedOnly bool
}

// ApplicationSummary is an application as lists show it, with what is
// known around it.
type ApplicationSummary struct {
	Application   Application
	CallReference string
	CallTitles    map[string]string // language → the call's title
	Deadline      time.Time
	LeadName      string
	Eligible      *bool // nil while a rule waits for a fact
	Messages      int
	LastMessageAt time.Time
	// CorrectionDue is the due date of the open correction request, zero
	// when there is none.
	CorrectionDue time.Time
}

// RequiredDocument is a document a call requires, with the files of an
// application that provide it: none while it is missing.
type RequiredDocument struct {
	Code  string
	Files []Attachment
}

// Provided reports whether at least one file provides the document.
func (d RequiredDocument) Provided() bool { return len(d.Files) > 0 }

// RequiredDocuments lists c's required documents, in the call's order, with
// the files among files that provide each.
func RequiredDocuments(c *Call, files []Attachment) []RequiredDocument {
	out := make([]RequiredDocument, 0, len(c.Rules.RequiredDocuments))
	for _, code := range c.Rules.RequiredDocuments {
		d := RequiredDocument{Code: code}
		for _, f := range files {
			if f.DocumentCode == code {
				d.Files = append(d.Files, f)
			}
		}
		out = append(out, d)
	}
	return out
}
