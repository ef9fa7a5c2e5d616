-- 0005: summaries for the class report, kept up to date as events arrive.
-- The report reads these (a few rows per student and card), never the events.
-- A statement-level trigger on studyapp.events aggregates each push's rows
-- (its transition table) with the same SQL that backfills the events already
-- stored (studyapp.summary_sql), so a class upgraded with history is summarised too.
-- Only instructors read the summaries; students see aggregates of at least
-- 5 students through studyapp.class_standing() (no grant on the tables).
-- Definitions of every figure: docs/class-report.md.

-- Undo events name what they undo: found by the (student, refers_to) index.
CREATE INDEX events_refers_to ON studyapp.events (student, refers_to)
    WHERE refers_to IS NOT NULL;

-- One row per student x prompt (deck, card, sibling).
CREATE TABLE studyapp.stat_prompt (
    student        text        NOT NULL,
    deck_id        text        NOT NULL,
    card_id        text        NOT NULL,
    sibling        text        NOT NULL,
    topic          text,                    -- of the latest review
    card_kind      text,                    -- of the latest review
    reviews        integer     NOT NULL,    -- answers, undone ones taken back
    recalls        integer     NOT NULL,    -- answers to a prompt seen before (reps > 1)
    passes         integer     NOT NULL,    -- recalls rated Hard, Good or Easy
    lapses         integer     NOT NULL,    -- the device's lapse count, greatest seen
    last_at        timestamptz,             -- the latest review: when, which, rating,
    last_event     uuid,                    -- stability and due (the device's FSRS state)
    last_rating    smallint,
    last_stability double precision,
    last_due       timestamptz,
    PRIMARY KEY (student, deck_id, card_id, sibling)
);
CREATE INDEX stat_prompt_card ON studyapp.stat_prompt (deck_id, card_id, sibling);

-- One row per student x day (UTC) x deck x topic: participation and retention over time.
CREATE TABLE studyapp.stat_day (
    student  text    NOT NULL,
    day      date    NOT NULL,
    deck_id  text    NOT NULL,
    topic    text    NOT NULL,              -- '' when the review carried none
    reviews  integer NOT NULL,
    recalls  integer NOT NULL,
    passes   integer NOT NULL,
    PRIMARY KEY (student, day, deck_id, topic)
);

-- Wrong answers: options picked ('picked') and typed text ('typed'), per student.
CREATE TABLE studyapp.stat_answer (
    deck_id   text    NOT NULL,
    card_id   text    NOT NULL,
    sibling   text    NOT NULL,
    source    text    NOT NULL CHECK (source IN ('picked', 'typed')),
    answer    text    NOT NULL,
    student   text    NOT NULL,
    card_kind text,
    times     integer NOT NULL,
    PRIMARY KEY (deck_id, card_id, sibling, source, answer, student)
);

-- The secret that makes --anonymous pseudonyms stable per class and
-- unguessable from a login alone.
CREATE TABLE studyapp.report_key (
    id     boolean PRIMARY KEY DEFAULT true CHECK (id),
    secret text    NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text,
                                            '-', '')
);
INSERT INTO studyapp.report_key DEFAULT VALUES;

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['stat_prompt', 'stat_day', 'stat_answer', 'report_key'] LOOP
        EXECUTE format('ALTER TABLE studyapp.%I ENABLE ROW LEVEL SECURITY', name);
        EXECUTE format('ALTER TABLE studyapp.%I FORCE ROW LEVEL SECURITY', name);
    END LOOP;
END
$$;
GRANT SELECT ON studyapp.stat_prompt, studyapp.stat_day, studyapp.stat_answer,
                studyapp.report_key TO @instructors@;
CREATE POLICY stat_prompt_instructors ON studyapp.stat_prompt
    FOR SELECT TO @instructors@ USING (true);
CREATE POLICY stat_day_instructors ON studyapp.stat_day
    FOR SELECT TO @instructors@ USING (true);
CREATE POLICY stat_answer_instructors ON studyapp.stat_answer
    FOR SELECT TO @instructors@ USING (true);
CREATE POLICY report_key_instructors ON studyapp.report_key
    FOR SELECT TO @instructors@ USING (true);
-- The trigger's function runs as the administering role (SECURITY DEFINER),
-- which keeps the summaries; nobody else writes them.
CREATE POLICY stat_prompt_admin ON studyapp.stat_prompt
    FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY stat_day_admin ON studyapp.stat_day
    FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY stat_answer_admin ON studyapp.stat_answer
    FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- FSRS-6 predicted recall after `days` at `stability`, with the default decay
-- (w20 = 0.1542): (1 + factor * t / S) ^ -decay, factor = 0.9 ^ (-1 / decay) - 1.
CREATE FUNCTION studyapp.recall(stability double precision, days double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN stability > 0 THEN
    power(1 + (power(0.9, -1 / 0.1542) - 1) * greatest(days, 0) / stability, -0.1542) END;

-- The statements that add the reviews of `source` (a relation of events: a
-- push's transition table, or studyapp.events to backfill) to the summaries
-- (part 'add'), and take back the reviews that its undo events undo (part
-- 'undo', run only when the source holds an undo). One text serves both.
CREATE FUNCTION studyapp.summary_sql(source text, part text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    -- Reviews of the source that no undo (stored, or in the source) takes back.
    added text := format($q$
        SELECT e.* FROM %1$s e WHERE e.kind = 'review' AND NOT EXISTS (
            SELECT FROM studyapp.events u
            WHERE u.student = e.student AND u.refers_to = e.event_id AND u.kind = 'undo')
    $q$, source);
    -- Stored reviews that an undo of the source takes back, counted before
    -- (not in the source, and no other undo of them stored before it).
    undone text := format($q$
        SELECT DISTINCT t.* FROM %1$s u
        JOIN studyapp.events t ON t.student = u.student AND t.event_id = u.refers_to
        WHERE u.kind = 'undo' AND t.kind = 'review'
          AND NOT EXISTS (SELECT FROM %1$s x
                          WHERE x.student = t.student AND x.event_id = t.event_id)
          AND NOT EXISTS (SELECT FROM studyapp.events v
                          WHERE v.student = t.student AND v.refers_to = t.event_id
                            AND v.kind = 'undo'
                            AND NOT EXISTS (SELECT FROM %1$s y
                                            WHERE y.student = v.student
                                              AND y.event_id = v.event_id))
    $q$, source);
    facts text := $q$
        SELECT r.student, r.event_id, r.deck_id, r.card_id, r.sibling, r.occurred_at,
               r.payload ->> 'topic' AS topic, r.payload ->> 'card_kind' AS card_kind,
               (r.payload ->> 'rating')::smallint AS rating,
               coalesce((r.payload ->> 'reps')::integer, 0) > 1 AS recall,
               coalesce((r.payload ->> 'lapses')::integer, 0) AS lapses,
               (r.payload ->> 'stability')::double precision AS stability,
               (r.payload ->> 'due')::timestamptz AS due,
               r.payload -> 'picked' AS picked, r.payload ->> 'answer' AS answer
        FROM (%s) r
    $q$;
    plus text := format(facts, added);
    minus text := format(facts, undone);
    -- Each prompt's reviews counted, and its latest review (n = 1) kept.
    prompt text := $q$
        INSERT INTO studyapp.stat_prompt AS s
        SELECT f.student, f.deck_id, f.card_id, f.sibling,
               max(f.topic) FILTER (WHERE f.n = 1), max(f.card_kind) FILTER (WHERE f.n = 1),
               %2$s * count(*), %2$s * count(*) FILTER (WHERE f.recall),
               %2$s * count(*) FILTER (WHERE f.recall AND f.rating > 1), %3$s,
               max(f.occurred_at) FILTER (WHERE f.n = 1),
               (array_agg(f.event_id) FILTER (WHERE f.n = 1))[1],
               max(f.rating) FILTER (WHERE f.n = 1), max(f.stability) FILTER (WHERE f.n = 1),
               max(f.due) FILTER (WHERE f.n = 1)
        FROM (SELECT r.*, row_number() OVER (
                  PARTITION BY r.student, r.deck_id, r.card_id, r.sibling
                  ORDER BY r.occurred_at DESC, r.event_id DESC) AS n
              FROM (%1$s) r) f
        GROUP BY f.student, f.deck_id, f.card_id, f.sibling
        ON CONFLICT (student, deck_id, card_id, sibling) DO UPDATE SET
            reviews = s.reviews + excluded.reviews,
            recalls = s.recalls + excluded.recalls,
            passes = s.passes + excluded.passes,
            lapses = greatest(s.lapses, excluded.lapses)
    $q$;
    -- Added reviews replace the latest review if one of them is later.
    later text := '(s.last_at IS NULL OR (excluded.last_at, excluded.last_event)'
                  ' > (s.last_at, s.last_event))';
    newer text := format($q$,
            topic = CASE WHEN %1$s THEN excluded.topic ELSE s.topic END,
            card_kind = CASE WHEN %1$s THEN excluded.card_kind ELSE s.card_kind END,
            last_event = CASE WHEN %1$s THEN excluded.last_event ELSE s.last_event END,
            last_rating = CASE WHEN %1$s THEN excluded.last_rating ELSE s.last_rating END,
            last_stability = CASE WHEN %1$s THEN excluded.last_stability
                                  ELSE s.last_stability END,
            last_due = CASE WHEN %1$s THEN excluded.last_due ELSE s.last_due END,
            last_at = CASE WHEN %1$s THEN excluded.last_at ELSE s.last_at END
    $q$, later);
    day text := $q$
        INSERT INTO studyapp.stat_day AS s
        SELECT f.student, (f.occurred_at AT TIME ZONE 'UTC')::date, f.deck_id,
               coalesce(f.topic, ''), %2$s * count(*),
               %2$s * count(*) FILTER (WHERE f.recall),
               %2$s * count(*) FILTER (WHERE f.recall AND f.rating > 1)
        FROM (%1$s) f
        GROUP BY 1, 2, 3, 4
        ON CONFLICT (student, day, deck_id, topic) DO UPDATE SET
            reviews = s.reviews + excluded.reviews,
            recalls = s.recalls + excluded.recalls,
            passes = s.passes + excluded.passes
    $q$;
    -- A wrong answer's picked options (a string, or a list of them; a pair or
    -- other structure is kept as its JSON text) and its typed text.
    answer text := $q$
        INSERT INTO studyapp.stat_answer AS s
        SELECT a.deck_id, a.card_id, a.sibling, a.source, a.answer, a.student,
               max(a.card_kind), %2$s * count(*)
        FROM (
            SELECT f.deck_id, f.card_id, f.sibling, f.student, f.card_kind, 'picked' AS source,
                   left(CASE jsonb_typeof(p) WHEN 'string' THEN p #>> '{}' ELSE p::text END,
                        200) AS answer
            FROM (%1$s) f,
                 jsonb_array_elements(CASE jsonb_typeof(f.picked) WHEN 'array' THEN f.picked
                                           ELSE jsonb_build_array(f.picked) END) p
            WHERE f.rating = 1 AND f.picked IS NOT NULL AND f.picked <> 'null'
            UNION ALL
            SELECT f.deck_id, f.card_id, f.sibling, f.student, f.card_kind, 'typed',
                   left(btrim(f.answer), 200)
            FROM (%1$s) f
            WHERE f.rating = 1 AND f.answer IS NOT NULL AND btrim(f.answer) <> ''
              AND (f.picked IS NULL OR f.picked = 'null')
        ) a
        GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (deck_id, card_id, sibling, source, answer, student) DO UPDATE SET
            times = s.times + excluded.times
    $q$;
    -- After taking reviews back: the latest review and lapse count left.
    refresh text := $q$
        UPDATE studyapp.stat_prompt s SET
            (topic, card_kind, lapses, last_at, last_event, last_rating, last_stability,
             last_due) = (
            SELECT l.topic, l.card_kind, coalesce(m.lapses, 0), l.occurred_at, l.event_id,
                   l.rating, l.stability, l.due
            FROM (SELECT 1) one
            LEFT JOIN LATERAL (
                SELECT g.* FROM (%1$s) g
                WHERE g.student = s.student AND g.deck_id = s.deck_id
                  AND g.card_id = s.card_id AND g.sibling = s.sibling
                ORDER BY g.occurred_at DESC, g.event_id DESC LIMIT 1) l ON true
            LEFT JOIN LATERAL (
                SELECT max(g.lapses) AS lapses FROM (%1$s) g
                WHERE g.student = s.student AND g.deck_id = s.deck_id
                  AND g.card_id = s.card_id AND g.sibling = s.sibling) m ON true)
        WHERE (s.student, s.deck_id, s.card_id, s.sibling) IN (
            SELECT f.student, f.deck_id, f.card_id, f.sibling FROM (%2$s) f)
    $q$;
    stored text := format(facts, $q$
        SELECT e.* FROM studyapp.events e WHERE e.kind = 'review' AND NOT EXISTS (
            SELECT FROM studyapp.events u
            WHERE u.student = e.student AND u.refers_to = e.event_id AND u.kind = 'undo')
    $q$);
BEGIN
    IF part = 'add' THEN
        RETURN ARRAY[
            format(prompt, plus, '1', 'max(f.lapses)') || newer,
            format(day, plus, '1'),
            format(answer, plus, '1')
        ];
    END IF;
    RETURN ARRAY[
        format(prompt, minus, '-1', '0'),
        format(day, minus, '-1'),
        format(answer, minus, '-1'),
        format(refresh, stored, minus),
        'DELETE FROM studyapp.stat_answer WHERE times <= 0'
    ];
END
$fn$;

-- The trigger's function holds the statements as static SQL (built here from
-- studyapp.summary_sql), so PL/pgSQL prepares them once per session instead of
-- planning dynamic SQL on every push.
DO $$
DECLARE
    statement text;
    added text := '';
    undone text := '';
BEGIN
    FOREACH statement IN ARRAY studyapp.summary_sql('pushed', 'add') LOOP
        added := added || statement || E';\n';
    END LOOP;
    FOREACH statement IN ARRAY studyapp.summary_sql('pushed', 'undo') LOOP
        undone := undone || statement || E';\n';
    END LOOP;
    EXECUTE format($create$
        CREATE FUNCTION studyapp.summarise_push() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp
        AS %L
    $create$, format($body$
        BEGIN
            IF EXISTS (SELECT FROM pushed WHERE kind = 'review') THEN
                %s
            END IF;
            IF EXISTS (SELECT FROM pushed WHERE kind = 'undo') THEN
                %s
            END IF;
            RETURN NULL;
        END
    $body$, added, undone));
END
$$;
REVOKE ALL ON FUNCTION studyapp.summarise_push() FROM PUBLIC;

CREATE TRIGGER events_summarise AFTER INSERT ON studyapp.events
    REFERENCING NEW TABLE AS pushed
    FOR EACH STATEMENT EXECUTE FUNCTION studyapp.summarise_push();

-- The events stored before this migration.
DO $$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY studyapp.summary_sql('studyapp.events', 'add') LOOP
        EXECUTE statement;
    END LOOP;
END
$$;
