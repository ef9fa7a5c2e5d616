-- 0004: PLACEHOLDER on the optimize branch only. Number 0004 belongs to the
-- exam-date planning migration of another branch: delete this file when that
-- one is merged (0005_parameters.sql then creates everything by itself).
-- Until then it creates the fsrs_parameters table early, so that every
-- migration changes the schema and the numbering has no gap.
CREATE TABLE IF NOT EXISTS fsrs_parameters (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT    NOT NULL,
    parameters  TEXT,
    metrics     TEXT    NOT NULL,
    adopted     INTEGER NOT NULL CHECK (adopted IN (0, 1))
);
