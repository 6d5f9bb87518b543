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

// ApplicationFacts reads the facts of a, an application of call c, each
// once: Eligibility, ListAttachments and ListPartnerConfirmations would
// each read the files, the invitations or the call again. The
// confirmations read are applied to a, as Eligibility does.
func (db *DB) ApplicationFacts(ctx context.Context, a *coopdec.Application, c *coopdec.Call) (*ApplicationFacts, error) {
	files, err := listAttachments(ctx, db.read, `application_id = $1 AND message_id IS NULL AND state = $2`, a.ID, attachmentCurrent)
	if err != nil {
		return nil, translate(err)
	}
	confirmations, err := listConfirmations(ctx, db.read, a.ID)
	if err != nil {
		return nil, translate(err)
	}
	coopdec.ApplyConfirmations(a, confirmations)
	el, err := db.eligibilityWith(ctx, db.read, a, c, files)
	if err != nil {
		return nil, translate(err)
	}
	return &ApplicationFacts{Attachments: stripState(files), Confirmations: confirmations, Eligibility: el}, nil
}
