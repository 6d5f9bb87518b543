-- +goose Up
-- The valid labels of given authorities (an expertise profile, the labels
-- shown beside an application's partners) are found by authority first:
-- without this index the planner read every granted label by its state
-- and expiry.
CREATE INDEX label_applications_org_valid ON label_applications (organisation_id, state, expires_at);

-- +goose Down
DROP INDEX label_applications_org_valid;
