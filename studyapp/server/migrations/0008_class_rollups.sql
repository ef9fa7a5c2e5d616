-- 0008: summaries of the summaries, so the class report reads thousands of
-- rows where it read hundreds of thousands (per student x prompt, per student
-- x day x deck x topic, per student x wrong answer). Each rollup is kept by
-- statement-level triggers on the summary it rolls up (their transition
-- tables: rows added +1, rows taken away -1), set-based per statement, so a
-- push costs a few grouped upserts; nothing here reads the events.
--
--   stat_student_day  per student x day             from stat_day
--   stat_topic        per student x deck x topic    from stat_day
--   stat_card         per prompt x topic x kind     from stat_prompt
--   stat_answer_class per prompt x wrong answer x kind, over the students
--                                                    from stat_answer
--
-- Each holds exactly what a grouped query over its source gives (a test
-- compares them after pushes, undos and pushes again): the report uses a
-- rollup where its filters allow (studyapp.server.report) and the source
-- otherwise. The topic and kind are part of the keys (as '' when missing) so
-- that the report's max(topic) and max(card_kind) over students stay exact.
-- Pushes update rollup rows in place: room left on each page (fillfactor)
-- lets an update stay on its page without touching the index (HOT).
-- Definitions of the figures: docs/class-report.md.

CREATE TABLE studyapp.stat_student_day (
    student text    NOT NULL,
    day     date    NOT NULL,
    reviews integer NOT NULL,
    recalls integer NOT NULL,
    passes  integer NOT NULL,
    PRIMARY KEY (student, day)
) WITH (fillfactor = 70);

CREATE TABLE studyapp.stat_topic (
    student  text    NOT NULL,
    deck_id  text    NOT NULL,
    topic    text    NOT NULL,
    recalls  integer NOT NULL,
    passes   integer NOT NULL,
    last_day date    NOT NULL,                -- the latest stat_day row's day
    PRIMARY KEY (student, deck_id, topic)
) WITH (fillfactor = 70);

CREATE TABLE studyapp.stat_card (
    deck_id   text    NOT NULL,
    card_id   text    NOT NULL,
    sibling   text    NOT NULL,
    topic     text    NOT NULL,               -- coalesce(stat_prompt.topic, '')
    card_kind text    NOT NULL,               -- coalesce(stat_prompt.card_kind, '')
    students  integer NOT NULL,               -- stat_prompt rows
    reviews   integer NOT NULL,
    recalls   integer NOT NULL,
    passes    integer NOT NULL,
    lapses    integer NOT NULL,
    leeches   integer NOT NULL,               -- rows with 8 lapses or more (LEECH_LAPSES)
    PRIMARY KEY (deck_id, card_id, sibling, topic, card_kind)
) WITH (fillfactor = 70);

CREATE TABLE studyapp.stat_answer_class (
    deck_id   text    NOT NULL,
    card_id   text    NOT NULL,
    sibling   text    NOT NULL,
    source    text    NOT NULL,
    answer    text    NOT NULL,
    card_kind text    NOT NULL,               -- coalesce(stat_answer.card_kind, '')
    students  integer NOT NULL,               -- stat_answer rows
    times     integer NOT NULL,
    PRIMARY KEY (deck_id, card_id, sibling, source, answer, card_kind)
) WITH (fillfactor = 70);

-- Overdue prompts (due before the report's moment) found without reading the rest.
CREATE INDEX stat_prompt_due ON studyapp.stat_prompt (last_due);

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['stat_student_day', 'stat_topic', 'stat_card',
                                'stat_answer_class'] LOOP
        EXECUTE format('ALTER TABLE studyapp.%I ENABLE ROW LEVEL SECURITY', name);
        EXECUTE format('ALTER TABLE studyapp.%I FORCE ROW LEVEL SECURITY', name);
        EXECUTE format('GRANT SELECT ON studyapp.%I TO @instructors@', name);
        EXECUTE format('CREATE POLICY %I ON studyapp.%I FOR SELECT TO @instructors@ USING (true)',
                       name || '_instructors', name);
        -- The triggers' functions run as the administering role (SECURITY
        -- DEFINER), which keeps the rollups; nobody else writes them.
        EXECUTE format('CREATE POLICY %I ON studyapp.%I FOR ALL TO CURRENT_USER '
                       'USING (true) WITH CHECK (true)', name || '_admin', name);
    END LOOP;
END
$$;

-- The rollups of what is there now (one statement each).
INSERT INTO studyapp.stat_student_day
SELECT student, day, sum(reviews), sum(recalls), sum(passes)
FROM studyapp.stat_day GROUP BY 1, 2;

INSERT INTO studyapp.stat_topic
SELECT student, deck_id, topic, sum(recalls), sum(passes), max(day)
FROM studyapp.stat_day GROUP BY 1, 2, 3;

INSERT INTO studyapp.stat_card
SELECT deck_id, card_id, sibling, coalesce(topic, ''), coalesce(card_kind, ''), count(*),
       sum(reviews), sum(recalls), sum(passes), sum(lapses), count(*) FILTER (WHERE lapses >= 8)
FROM studyapp.stat_prompt GROUP BY 1, 2, 3, 4, 5;

INSERT INTO studyapp.stat_answer_class
SELECT deck_id, card_id, sibling, source, answer, coalesce(card_kind, ''), count(*), sum(times)
FROM studyapp.stat_answer GROUP BY 1, 2, 3, 4, 5, 6;

-- stat_day's rows are only ever added or updated (an undo adds negative
-- counts), so a day or topic once seen keeps its row, as in stat_day.
CREATE FUNCTION studyapp.roll_up_day() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO studyapp.stat_student_day AS s
        SELECT n.student, n.day, sum(n.reviews), sum(n.recalls), sum(n.passes)
        FROM added n GROUP BY 1, 2
        ON CONFLICT (student, day) DO UPDATE SET
            reviews = s.reviews + excluded.reviews, recalls = s.recalls + excluded.recalls,
            passes = s.passes + excluded.passes;
        INSERT INTO studyapp.stat_topic AS s
        SELECT n.student, n.deck_id, n.topic, sum(n.recalls), sum(n.passes), max(n.day)
        FROM added n GROUP BY 1, 2, 3
        ON CONFLICT (student, deck_id, topic) DO UPDATE SET
            recalls = s.recalls + excluded.recalls, passes = s.passes + excluded.passes,
            last_day = greatest(s.last_day, excluded.last_day);
        RETURN NULL;
    END IF;
    -- UPDATE: the key columns never change (ON CONFLICT updates the counts).
    INSERT INTO studyapp.stat_student_day AS s
    SELECT d.student, d.day, sum(d.reviews), sum(d.recalls), sum(d.passes)
    FROM (SELECT n.student, n.day, n.reviews, n.recalls, n.passes FROM added n
          UNION ALL
          SELECT o.student, o.day, -o.reviews, -o.recalls, -o.passes FROM removed o) d
    GROUP BY 1, 2
    ON CONFLICT (student, day) DO UPDATE SET
        reviews = s.reviews + excluded.reviews, recalls = s.recalls + excluded.recalls,
        passes = s.passes + excluded.passes;
    INSERT INTO studyapp.stat_topic AS s
    SELECT d.student, d.deck_id, d.topic, sum(d.recalls), sum(d.passes), max(d.day)
    FROM (SELECT n.student, n.deck_id, n.topic, n.recalls, n.passes, n.day FROM added n
          UNION ALL
          SELECT o.student, o.deck_id, o.topic, -o.recalls, -o.passes, o.day FROM removed o) d
    GROUP BY 1, 2, 3
    ON CONFLICT (student, deck_id, topic) DO UPDATE SET
        recalls = s.recalls + excluded.recalls, passes = s.passes + excluded.passes,
        last_day = greatest(s.last_day, excluded.last_day);
    RETURN NULL;
END
$fn$;

-- stat_prompt's rows are added or updated (never deleted); an update may move
-- a row to another topic or kind (its latest review's), hence the rows added
-- +1 and taken away -1 by key, and the keys left without a student deleted.
CREATE FUNCTION studyapp.roll_up_prompt() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO studyapp.stat_card AS s
        SELECT n.deck_id, n.card_id, n.sibling, coalesce(n.topic, ''),
               coalesce(n.card_kind, ''), count(*), sum(n.reviews), sum(n.recalls),
               sum(n.passes), sum(n.lapses), count(*) FILTER (WHERE n.lapses >= 8)
        FROM added n GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (deck_id, card_id, sibling, topic, card_kind) DO UPDATE SET
            students = s.students + excluded.students, reviews = s.reviews + excluded.reviews,
            recalls = s.recalls + excluded.recalls, passes = s.passes + excluded.passes,
            lapses = s.lapses + excluded.lapses, leeches = s.leeches + excluded.leeches;
        RETURN NULL;
    END IF;
    INSERT INTO studyapp.stat_card AS s
    SELECT d.deck_id, d.card_id, d.sibling, d.topic, d.card_kind, d.students, d.reviews,
           d.recalls, d.passes, d.lapses, d.leeches
    FROM (SELECT c.deck_id, c.card_id, c.sibling, coalesce(c.topic, '') AS topic,
                 coalesce(c.card_kind, '') AS card_kind, sum(c.one) AS students,
                 sum(c.one * c.reviews) AS reviews, sum(c.one * c.recalls) AS recalls,
                 sum(c.one * c.passes) AS passes, sum(c.one * c.lapses) AS lapses,
                 coalesce(sum(c.one) FILTER (WHERE c.lapses >= 8), 0) AS leeches
          FROM (SELECT n.*, 1 AS one FROM added n UNION ALL SELECT o.*, -1 FROM removed o) c
          GROUP BY 1, 2, 3, 4, 5) d
    -- An update of the latest review only (same key, same counts) changes nothing here.
    WHERE (d.students, d.reviews, d.recalls, d.passes, d.lapses, d.leeches)
          <> (0, 0, 0, 0, 0, 0)
    ON CONFLICT (deck_id, card_id, sibling, topic, card_kind) DO UPDATE SET
        students = s.students + excluded.students, reviews = s.reviews + excluded.reviews,
        recalls = s.recalls + excluded.recalls, passes = s.passes + excluded.passes,
        lapses = s.lapses + excluded.lapses, leeches = s.leeches + excluded.leeches;
    -- A key loses its last student only where a row left it.
    DELETE FROM studyapp.stat_card c USING removed o
    WHERE c.students = 0 AND c.deck_id = o.deck_id AND c.card_id = o.card_id
      AND c.sibling = o.sibling AND c.topic = coalesce(o.topic, '')
      AND c.card_kind = coalesce(o.card_kind, '');
    RETURN NULL;
END
$fn$;

-- stat_answer's rows are added, updated (times) and deleted (taken back to
-- none by undos): the rollup counts its rows (students) and sums their times.
CREATE FUNCTION studyapp.roll_up_answer() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO studyapp.stat_answer_class AS s
        SELECT n.deck_id, n.card_id, n.sibling, n.source, n.answer, coalesce(n.card_kind, ''),
               count(*), sum(n.times)
        FROM added n GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (deck_id, card_id, sibling, source, answer, card_kind) DO UPDATE SET
            students = s.students + excluded.students, times = s.times + excluded.times;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Only times changes (the key, the student and the kind stay).
        INSERT INTO studyapp.stat_answer_class AS s
        SELECT d.deck_id, d.card_id, d.sibling, d.source, d.answer, coalesce(d.card_kind, ''),
               0, sum(d.times)
        FROM (SELECT n.deck_id, n.card_id, n.sibling, n.source, n.answer, n.card_kind, n.times
              FROM added n
              UNION ALL
              SELECT o.deck_id, o.card_id, o.sibling, o.source, o.answer, o.card_kind, -o.times
              FROM removed o) d
        GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (deck_id, card_id, sibling, source, answer, card_kind) DO UPDATE SET
            times = s.times + excluded.times;
        RETURN NULL;
    END IF;
    UPDATE studyapp.stat_answer_class s SET
        students = s.students - g.students, times = s.times - g.times
    FROM (SELECT o.deck_id, o.card_id, o.sibling, o.source, o.answer,
                 coalesce(o.card_kind, '') AS card_kind, count(*) AS students,
                 sum(o.times) AS times
          FROM removed o GROUP BY 1, 2, 3, 4, 5, 6) g
    WHERE (s.deck_id, s.card_id, s.sibling, s.source, s.answer, s.card_kind)
          = (g.deck_id, g.card_id, g.sibling, g.source, g.answer, g.card_kind);
    DELETE FROM studyapp.stat_answer_class c USING removed o
    WHERE c.students = 0
      AND (c.deck_id, c.card_id, c.sibling, c.source, c.answer, c.card_kind)
          = (o.deck_id, o.card_id, o.sibling, o.source, o.answer, coalesce(o.card_kind, ''));
    RETURN NULL;
END
$fn$;

DO $$
DECLARE
    source text;
    fn text;
BEGIN
    FOR source, fn IN VALUES ('stat_day', 'roll_up_day'), ('stat_prompt', 'roll_up_prompt'),
                             ('stat_answer', 'roll_up_answer') LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION studyapp.%I() FROM PUBLIC', fn);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON studyapp.%I '
                       'REFERENCING NEW TABLE AS added '
                       'FOR EACH STATEMENT EXECUTE FUNCTION studyapp.%I()',
                       source || '_roll_up_insert', source, fn);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON studyapp.%I '
                       'REFERENCING OLD TABLE AS removed NEW TABLE AS added '
                       'FOR EACH STATEMENT EXECUTE FUNCTION studyapp.%I()',
                       source || '_roll_up_update', source, fn);
    END LOOP;
END
$$;
CREATE TRIGGER stat_answer_roll_up_delete AFTER DELETE ON studyapp.stat_answer
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION studyapp.roll_up_answer();
