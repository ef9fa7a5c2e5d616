-- 0003: the events: every student's append-only log, the union of their
-- devices' logs. Never updated or deleted; an undo is an event of its own.
-- Hash-partitioned on the student, so one student's events live in one
-- partition, found by (student, seq) and (student, event_id).
CREATE TABLE studyapp.events (
    student     text        NOT NULL DEFAULT current_user,
    event_id    uuid        NOT NULL,
    device_id   uuid        NOT NULL,
    seq         bigint      NOT NULL CHECK (seq > 0),   -- the student's pull cursor
    kind        text        NOT NULL,
    occurred_at timestamptz NOT NULL,                   -- the device's clock
    received_at timestamptz NOT NULL DEFAULT now(),     -- the server's clock
    deck_id     text        CHECK (length(deck_id) <= 200),
    card_id     text        CHECK (length(card_id) <= 200),
    sibling     text        CHECK (length(sibling) <= 200),
    refers_to   uuid,                                   -- undo, plan_remove: the event named
    payload     jsonb       NOT NULL DEFAULT '{}',
    -- The rules below are studyapp.server.events.Event.check's too. A missing
    -- key reads as NULL, which a CHECK lets pass: hence the coalesces.
    -- A push is idempotent: an event already stored is skipped.
    PRIMARY KEY (student, event_id),
    CONSTRAINT events_kind CHECK (kind IN (
        'review', 'undo', 'suspend', 'unsuspend', 'alias', 'exam',
        'plan', 'plan_remove', 'parameters')),
    CONSTRAINT events_payload CHECK (
        jsonb_typeof(payload) = 'object' AND pg_column_size(payload) <= 65536),
    CONSTRAINT events_refers_to CHECK (
        (refers_to IS NOT NULL) = (kind IN ('undo', 'plan_remove'))),
    CONSTRAINT events_prompt CHECK (
        kind NOT IN ('review', 'suspend', 'unsuspend')
        OR (deck_id IS NOT NULL AND card_id IS NOT NULL AND sibling IS NOT NULL)),
    CONSTRAINT events_review CHECK (
        kind <> 'review' OR coalesce(payload -> 'rating' IN ('1', '2', '3', '4'), false)),
    CONSTRAINT events_alias CHECK (
        kind <> 'alias' OR (deck_id IS NOT NULL AND card_id IS NOT NULL
                            AND coalesce(jsonb_typeof(payload -> 'alias'), '') = 'string')),
    CONSTRAINT events_plan CHECK (
        kind <> 'plan' OR (deck_id IS NOT NULL
                           AND coalesce(jsonb_typeof(payload -> 'exam_date'), '') = 'string')),
    CONSTRAINT events_exam CHECK (
        kind <> 'exam' OR coalesce(jsonb_typeof(payload -> 'answers'), '') = 'array'),
    CONSTRAINT events_parameters CHECK (
        kind <> 'parameters' OR payload ? 'parameters')
) PARTITION BY HASH (student);

-- Pulls read one student's events in seq order; seq grows per student,
-- assigned under a per-student lock by studyapp.server.sync.
CREATE UNIQUE INDEX events_student_seq ON studyapp.events (student, seq);

DO $$
BEGIN
    FOR remainder IN 0..15 LOOP
        EXECUTE format(
            'CREATE TABLE studyapp.%I PARTITION OF studyapp.events '
            'FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
            'events_p' || lpad(remainder::text, 2, '0'), remainder);
        -- Nobody is granted a partition; were one granted, no policy lets a row out.
        EXECUTE format('ALTER TABLE studyapp.%I ENABLE ROW LEVEL SECURITY',
                       'events_p' || lpad(remainder::text, 2, '0'));
        EXECUTE format('ALTER TABLE studyapp.%I FORCE ROW LEVEL SECURITY',
                       'events_p' || lpad(remainder::text, 2, '0'));
    END LOOP;
END
$$;

ALTER TABLE studyapp.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE studyapp.events FORCE ROW LEVEL SECURITY;

-- Students read and add their own events only. No UPDATE, DELETE or
-- TRUNCATE for anyone; received_at is the server's (no INSERT on it).
GRANT SELECT ON studyapp.events TO @students@;
GRANT INSERT (student, event_id, device_id, seq, kind, occurred_at, deck_id, card_id,
              sibling, refers_to, payload)
    ON studyapp.events TO @students@;
CREATE POLICY events_own_read ON studyapp.events
    FOR SELECT TO @students@ USING (student = current_user);
CREATE POLICY events_own_write ON studyapp.events
    FOR INSERT TO @students@ WITH CHECK (student = current_user);

-- Instructors read every student's events (class reports) and write none:
-- no INSERT grant, and no INSERT policy (which also binds the table owner).
GRANT SELECT ON studyapp.events TO @instructors@;
CREATE POLICY events_instructors_read ON studyapp.events
    FOR SELECT TO @instructors@ USING (true);
