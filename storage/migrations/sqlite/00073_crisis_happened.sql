-- +goose Up
-- What happened, in the recorder's words: the team that discusses the
-- crisis afterwards reads it before who was called and what was agreed.
ALTER TABLE crises ADD COLUMN happened TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE crises DROP COLUMN happened;
