-- +goose Up
-- The place of a mission within its country (coopdec.MissionTerms.Place):
-- a city or a region in free text, '' when none is named. The matching
-- compares it with the places of the authorities' references.
ALTER TABLE mission_requests ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE mission_proposals ADD COLUMN place TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE mission_proposals DROP COLUMN place;
ALTER TABLE mission_requests DROP COLUMN place;
