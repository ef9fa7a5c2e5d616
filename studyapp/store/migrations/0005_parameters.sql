-- 0005: FSRS parameter sets fitted by `studyapp optimize`, append-only.
-- The parameters in use are those of the latest row with adopted = 1
-- (parameters NULL there: the defaults, after `studyapp optimize --reset`).
CREATE TABLE fsrs_parameters (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT    NOT NULL,               -- ISO 8601, UTC
    parameters  TEXT,                           -- JSON list of 21 numbers; NULL: defaults
    metrics     TEXT    NOT NULL,               -- JSON: counts, held-out metrics, fit time
    adopted     INTEGER NOT NULL CHECK (adopted IN (0, 1))
);
CREATE INDEX fsrs_parameters_adopted ON fsrs_parameters (adopted, id);
