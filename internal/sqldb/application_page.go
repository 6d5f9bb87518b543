package sqldb

import (
	"context"

	"github.com/coopdec/coopdec/coopdec"
)

// ApplicationFacts is what an application's page shows around its
// content: its current files, its partners' invitations, and the call's
// rules checked on it.
type ApplicationFacts struct {
	Attachments   []coopdec.Attachment
	Confirmations []coopdec.PartnerConfirmation
	Eligibility   coopdec.Eligibility
}

// FactsRead is what the caller of ApplicationFacts has read already and
// need not be read again.
type FactsRead struct {
	// Lead is the application's lead organisation; nil: read it.
	Lead *coopdec.Organisation
	// Invitations are the partners' invitations as ApplicationWithInvitations
	// read them with the application, when InvitationsRead.
	Invitations     []coopdec.PartnerConfirmation
	InvitationsRead bool
}

// ApplicationFacts reads the facts of a, an application of call c, each
// once: Eligibility, ListAttachments and ListPartnerConfirmations would
// each read the files, the invitations or the call again; what the caller
// read already (known) is not read again. The confirmations are applied to
// a, as Eligibility does.
func (db *DB) ApplicationFacts(ctx context.Context, a *coopdec.Application, c *coopdec.Call, known FactsRead) (*ApplicationFacts, error) {
	files, err := listAttachments(ctx, db.read, `application_id = $1 AND message_id IS NULL AND state = $2`, a.ID, attachmentCurrent)
	if err != nil {
		return nil, translate(err)
	}
	confirmations := known.Invitations
	if !known.InvitationsRead {
		if confirmations, err = listConfirmations(ctx, db.read, a.ID); err != nil {
			return nil, translate(err)
		}
	}
	coopdec.ApplyConfirmations(a, confirmations)
	el, err := db.eligibilityWith(ctx, db.read, a, c, files, known.Lead)
	if err != nil {
		return nil, translate(err)
	}
	return &ApplicationFacts{Attachments: stripState(files), Confirmations: confirmations, Eligibility: el}, nil
}
