-- 0001: the review log (source of truth) and the derived card state.
CREATE TABLE review_log (
    id            INTEGER PRIMARY KEY,
    deck_id       TEXT    NOT NULL,
    card_id       TEXT    NOT NULL,
    sibling       TEXT    NOT NULL,
    action        TEXT    NOT NULL CHECK (action IN ('review', 'suspend', 'unsuspend')),
    reviewed_at   TEXT    NOT NULL,             -- ISO 8601, UTC
    rating        INTEGER CHECK (rating BETWEEN 1 AND 4),
    duration_ms   INTEGER,
    state_before  TEXT,
    state_after   TEXT,
    scheduled_due TEXT,                         -- ISO 8601, UTC (fuzz and cap included)
    stability     REAL,
    difficulty    REAL,
    kind          TEXT,
    answer        TEXT,
    undone_at     TEXT                          -- set by undo; such rows count nowhere
);
CREATE INDEX review_log_card ON review_log (deck_id, card_id, sibling, id);
CREATE INDEX review_log_time ON review_log (reviewed_at);

CREATE TABLE card_state (
    deck_id     TEXT    NOT NULL,
    card_id     TEXT    NOT NULL,
    sibling     TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    step        INTEGER,
    stability   REAL,
    difficulty  REAL,
    due         TEXT,
    last_review TEXT,
    lapses      INTEGER NOT NULL DEFAULT 0,
    reps        INTEGER NOT NULL DEFAULT 0,
    suspended   INTEGER NOT NULL DEFAULT 0,
    leech       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (deck_id, card_id, sibling)
) WITHOUT ROWID;
