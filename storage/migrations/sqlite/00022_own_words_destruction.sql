-- +goose Up
-- The student's own word is destroyed with the file when its retention ends
-- (or on erasure): like the care file, its rows may be deleted only while
-- the destroying transaction holds a permit (00017).
DROP TRIGGER own_words_no_delete;
DROP TRIGGER own_word_withdrawals_no_delete;
-- +goose StatementBegin
CREATE TRIGGER own_words_no_delete BEFORE DELETE ON own_words
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student')
BEGIN
    SELECT RAISE(ABORT, 'own word rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER own_word_withdrawals_no_delete BEFORE DELETE ON own_word_withdrawals
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE kind = 'student')
BEGIN
    SELECT RAISE(ABORT, 'own word rows cannot be changed or deleted');
END;
-- +goose StatementEnd

-- +goose Down
SELECT 'append-only: no down migration';
