-- 0004: exam-date plans. A plan only changes which prompts are due when;
-- the review log and card_state stay what FSRS makes of the answers.
CREATE TABLE exam_plan (
    id         INTEGER PRIMARY KEY,
    deck_id    TEXT    NOT NULL,
    exam_date  TEXT    NOT NULL,                -- local date, YYYY-MM-DD
    topics     TEXT    NOT NULL DEFAULT '[]',   -- JSON list; empty: the whole deck
    target     REAL    NOT NULL CHECK (target > 0 AND target < 1),
    created_at TEXT    NOT NULL                 -- ISO 8601, UTC
);
CREATE INDEX exam_plan_date ON exam_plan (exam_date);
