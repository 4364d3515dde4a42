-- +goose Up
-- Who was at a meeting: each expected member present, excused (afgemeld)
-- or absent, as the chair or the minute taker records it. The time each
-- partner spent follows from the items they attended (the items' minutes).
CREATE TABLE meeting_attendance (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    status      TEXT NOT NULL CHECK (status IN ('present', 'excused', 'absent')),
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

-- +goose Down
DROP TABLE meeting_attendance;
