-- +goose Up
-- The student's own word is destroyed with the file when its retention ends
-- (or on erasure). Its triggers (00020) run care_file_append_only(), which
-- since 00017 lets a delete pass while the destroying transaction holds a
-- permit: nothing to change here; the number keeps both engines in step.
SELECT 'own words follow care_file_append_only()';

-- +goose Down
SELECT 'append-only: no down migration';
