-- 0003: self-test exams, kept apart from the review log (they never change a schedule).
CREATE TABLE exam (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT    NOT NULL,               -- ISO 8601, UTC
    finished_at TEXT    NOT NULL,               -- ISO 8601, UTC
    spec        TEXT    NOT NULL,               -- JSON: decks, topics, tags, pool, count, limit
    mode        TEXT    NOT NULL CHECK (mode IN ('timed', 'tutor')),
    score       REAL    NOT NULL,               -- partial credit summed
    total       INTEGER NOT NULL CHECK (total >= 0)
);
CREATE INDEX exam_started ON exam (started_at);

-- One row per question, in the order asked.
CREATE TABLE exam_answer (
    exam_id  INTEGER NOT NULL REFERENCES exam (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,                  -- 0-based
    deck_id  TEXT    NOT NULL,
    card_id  TEXT    NOT NULL,
    sibling  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    topic    TEXT    NOT NULL,
    answer   TEXT,                              -- NULL: not answered
    correct  INTEGER NOT NULL CHECK (correct IN (0, 1)),
    score    REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
    time_ms  INTEGER NOT NULL CHECK (time_ms >= 0),
    flagged  INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    PRIMARY KEY (exam_id, position)
) WITHOUT ROWID;
-- The "missed" and "flagged" pools read each prompt's latest exam answer.
CREATE INDEX exam_answer_card ON exam_answer (deck_id, card_id, sibling, exam_id);
