-- +goose Up
-- Time per agenda item, and the on-call partners and guests invited for an
-- item: an on-call partner sees only the items they are invited for.
ALTER TABLE agenda_items ADD COLUMN minutes INTEGER NOT NULL DEFAULT 15;

CREATE TABLE agenda_invitations (
    item_id    UUID NOT NULL REFERENCES agenda_items(id),
    user_id    UUID NOT NULL REFERENCES users(id),
    invited_by UUID NOT NULL REFERENCES users(id),
    invited_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, user_id)
);
CREATE INDEX agenda_invitations_user ON agenda_invitations (user_id);

-- +goose Down
SELECT 'append-only: no down migration';
