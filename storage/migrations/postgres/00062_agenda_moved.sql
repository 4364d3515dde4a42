-- +goose Up
-- An agenda item the team did not get to moves on to the team's next
-- meeting: the new item names the one it came from, so the old agenda says
-- where it went and the new one where it came from. An item moves on once.
ALTER TABLE agenda_items ADD COLUMN moved_from UUID REFERENCES agenda_items(id);
CREATE UNIQUE INDEX agenda_items_moved_from ON agenda_items (moved_from);

-- +goose Down
SELECT 'append-only: no down migration';
