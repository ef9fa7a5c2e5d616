-- 0006: sync identities (issue 14). Every local event gets a globally unique
-- event_id (uuid text) and the device_id that wrote it, existing rows included;
-- undo becomes an event (undo_log) naming the event it takes back.
-- Independent of the other migrations after 0005.

-- This database's identity: device_id (a random uuid) and the prefix of the ids
-- its events get (a device's ids sort in the order it wrote them).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value)
SELECT 'device_id', substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3)
       || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12)
FROM (SELECT lower(hex(randomblob(16))) AS h);
INSERT INTO meta (key, value)
SELECT 'event_prefix', substr(value, 1, 19) FROM meta WHERE key = 'device_id';

-- Undo (kind 'undo') and removing a plan (kind 'plan_remove') as events that
-- name what they take back. review_log.undone_at stays, derived from this
-- table in the same transaction, so every query that skips undone rows is unchanged.
CREATE TABLE undo_log (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('undo', 'plan_remove')),
    refers_to  TEXT    NOT NULL,                -- the event_id taken back
    at         TEXT    NOT NULL,                -- ISO 8601, UTC
    event_id   TEXT    UNIQUE,
    device_id  TEXT
);
CREATE INDEX undo_log_refers_to ON undo_log (refers_to);

-- The events this device wrote, in order: sync pushes those after the
-- acknowledged cursor (meta 'pushed_through'). Events pulled from other devices
-- carry their own ids and are not listed.
CREATE TABLE local_event (
    n         INTEGER PRIMARY KEY,
    source    TEXT    NOT NULL,
    event_id  TEXT    NOT NULL UNIQUE
);

ALTER TABLE review_log ADD COLUMN event_id TEXT;
ALTER TABLE review_log ADD COLUMN device_id TEXT;
ALTER TABLE answer_alias ADD COLUMN event_id TEXT;
ALTER TABLE answer_alias ADD COLUMN device_id TEXT;
ALTER TABLE exam ADD COLUMN event_id TEXT;
ALTER TABLE exam ADD COLUMN device_id TEXT;
ALTER TABLE exam_plan ADD COLUMN event_id TEXT;
ALTER TABLE exam_plan ADD COLUMN device_id TEXT;
ALTER TABLE fsrs_parameters ADD COLUMN event_id TEXT;
ALTER TABLE fsrs_parameters ADD COLUMN device_id TEXT;

-- Backfill: device prefix, a table code, the row id (an exam's answers are
-- part of the exam's event; an alias has no row id and gets a random id).
UPDATE review_log SET
    event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8001-' || printf('%012x', id),
    device_id = (SELECT value FROM meta WHERE key = 'device_id');
UPDATE exam SET
    event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8003-' || printf('%012x', id),
    device_id = (SELECT value FROM meta WHERE key = 'device_id');
UPDATE exam_plan SET
    event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8004-' || printf('%012x', id),
    device_id = (SELECT value FROM meta WHERE key = 'device_id');
UPDATE fsrs_parameters SET
    event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8005-' || printf('%012x', id),
    device_id = (SELECT value FROM meta WHERE key = 'device_id');
UPDATE answer_alias SET
    event_id = (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3)
                || '-9' || substr(h, 18, 3) || '-' || substr(h, 21, 12)
                FROM (SELECT lower(hex(randomblob(16))) AS h WHERE answer_alias.alias IS NOT NULL)),
    device_id = (SELECT value FROM meta WHERE key = 'device_id');
-- Every undo done so far becomes an undo event, at the time it was done.
INSERT INTO undo_log (kind, refers_to, at)
SELECT 'undo', event_id, undone_at FROM review_log WHERE undone_at IS NOT NULL ORDER BY id;
UPDATE undo_log SET
    event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8006-' || printf('%012x', id),
    device_id = (SELECT value FROM meta WHERE key = 'device_id');

-- Every event so far waits to be pushed, oldest first.
INSERT INTO local_event (source, event_id)
SELECT source, event_id FROM (
    SELECT 'review_log' AS source, event_id, reviewed_at AS at, 1 AS t, id FROM review_log
    UNION ALL SELECT 'answer_alias', event_id, created_at, 2, 0 FROM answer_alias
    UNION ALL SELECT 'exam', event_id, finished_at, 3, id FROM exam
    UNION ALL SELECT 'exam_plan', event_id, created_at, 4, id FROM exam_plan
    UNION ALL SELECT 'fsrs_parameters', event_id, created_at, 5, id FROM fsrs_parameters
    UNION ALL SELECT 'undo_log', event_id, at, 6, id FROM undo_log
) ORDER BY at, t, id;

CREATE UNIQUE INDEX review_log_event ON review_log (event_id);
CREATE UNIQUE INDEX answer_alias_event ON answer_alias (event_id);
CREATE UNIQUE INDEX exam_event ON exam (event_id);
CREATE UNIQUE INDEX exam_plan_event ON exam_plan (event_id);
CREATE UNIQUE INDEX fsrs_parameters_event ON fsrs_parameters (event_id);

-- Events written from now on get their ids the same way, as they are inserted
-- (an event pulled from another device arrives with its ids and is left as is).
CREATE TRIGGER review_log_event_id AFTER INSERT ON review_log WHEN NEW.event_id IS NULL
BEGIN
    UPDATE review_log SET
        event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8001-'
                   || printf('%012x', NEW.id),
        device_id = (SELECT value FROM meta WHERE key = 'device_id')
    WHERE id = NEW.id;
    INSERT INTO local_event (source, event_id)
    SELECT 'review_log', event_id FROM review_log WHERE id = NEW.id;
END;
CREATE TRIGGER exam_event_id AFTER INSERT ON exam WHEN NEW.event_id IS NULL
BEGIN
    UPDATE exam SET
        event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8003-'
                   || printf('%012x', NEW.id),
        device_id = (SELECT value FROM meta WHERE key = 'device_id')
    WHERE id = NEW.id;
    INSERT INTO local_event (source, event_id) SELECT 'exam', event_id FROM exam WHERE id = NEW.id;
END;
CREATE TRIGGER exam_plan_event_id AFTER INSERT ON exam_plan WHEN NEW.event_id IS NULL
BEGIN
    -- A random id: a removed plan's row id is given again.
    UPDATE exam_plan SET
        event_id = (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3)
                    || '-9' || substr(h, 18, 3) || '-' || substr(h, 21, 12)
                    FROM (SELECT lower(hex(randomblob(16))) AS h)),
        device_id = (SELECT value FROM meta WHERE key = 'device_id')
    WHERE id = NEW.id;
    INSERT INTO local_event (source, event_id)
    SELECT 'exam_plan', event_id FROM exam_plan WHERE id = NEW.id;
END;
CREATE TRIGGER fsrs_parameters_event_id AFTER INSERT ON fsrs_parameters
WHEN NEW.event_id IS NULL
BEGIN
    UPDATE fsrs_parameters SET
        event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8005-'
                   || printf('%012x', NEW.id),
        device_id = (SELECT value FROM meta WHERE key = 'device_id')
    WHERE id = NEW.id;
    INSERT INTO local_event (source, event_id)
    SELECT 'fsrs_parameters', event_id FROM fsrs_parameters WHERE id = NEW.id;
END;
CREATE TRIGGER undo_log_event_id AFTER INSERT ON undo_log WHEN NEW.event_id IS NULL
BEGIN
    UPDATE undo_log SET
        event_id = (SELECT value FROM meta WHERE key = 'event_prefix') || '8006-'
                   || printf('%012x', NEW.id),
        device_id = (SELECT value FROM meta WHERE key = 'device_id')
    WHERE id = NEW.id;
    INSERT INTO local_event (source, event_id)
    SELECT 'undo_log', event_id FROM undo_log WHERE id = NEW.id;
END;
CREATE TRIGGER answer_alias_event_id AFTER INSERT ON answer_alias WHEN NEW.event_id IS NULL
BEGIN
    UPDATE answer_alias SET
        event_id = (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3)
                    || '-9' || substr(h, 18, 3) || '-' || substr(h, 21, 12)
                    FROM (SELECT lower(hex(randomblob(16))) AS h)),
        device_id = (SELECT value FROM meta WHERE key = 'device_id')
    WHERE deck_id = NEW.deck_id AND card_id = NEW.card_id AND alias = NEW.alias;
    INSERT INTO local_event (source, event_id)
    SELECT 'answer_alias', event_id FROM answer_alias
    WHERE deck_id = NEW.deck_id AND card_id = NEW.card_id AND alias = NEW.alias;
END;
