-- 0006: class exams. An instructor publishes one fixed set of questions with
-- a time limit and a window (opens_at to closes_at); students read an exam
-- while it is open. A student's sitting arrives as an `exam` event whose
-- payload names the exam (`class_exam`); a trigger keeps the first sitting
-- started before the exam closed, one row per question answered, matched to
-- the published question by deck, card and sibling (so a per-student order
-- is graded right). Later sittings and late starts are kept as events only.

CREATE TABLE studyapp.class_exam (
    exam_id      integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title        text        NOT NULL UNIQUE CHECK (length(title) BETWEEN 1 AND 200),
    deck_id      text        NOT NULL CHECK (length(deck_id) BETWEEN 1 AND 200),
    topic        text        CHECK (length(topic) <= 200),
    time_limit_s integer     NOT NULL CHECK (time_limit_s > 0),
    opens_at     timestamptz NOT NULL,
    closes_at    timestamptz NOT NULL,
    -- [{deck, card, sibling, kind, topic}, ...] in the published order.
    questions    jsonb       NOT NULL,
    published_by text        NOT NULL DEFAULT current_user,
    published_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT class_exam_window CHECK (closes_at > opens_at),
    CONSTRAINT class_exam_questions CHECK (
        jsonb_typeof(questions) = 'array' AND jsonb_array_length(questions) BETWEEN 1 AND 500)
);

CREATE TABLE studyapp.exam_sitting (
    exam_id     integer     NOT NULL REFERENCES studyapp.class_exam,
    student     text        NOT NULL,
    event_id    uuid        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    PRIMARY KEY (exam_id, student)
);

CREATE TABLE studyapp.exam_response (
    exam_id  integer          NOT NULL,
    student  text             NOT NULL,
    position integer          NOT NULL,    -- 1-based, in the published order
    score    double precision NOT NULL,    -- 0 to 1
    answer   text,                         -- the option(s) picked or the text typed
    PRIMARY KEY (exam_id, student, position),
    FOREIGN KEY (exam_id, student) REFERENCES studyapp.exam_sitting
);

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['class_exam', 'exam_sitting', 'exam_response'] LOOP
        EXECUTE format('ALTER TABLE studyapp.%I ENABLE ROW LEVEL SECURITY', name);
        EXECUTE format('ALTER TABLE studyapp.%I FORCE ROW LEVEL SECURITY', name);
        EXECUTE format('CREATE POLICY %I ON studyapp.%I FOR ALL TO CURRENT_USER '
                       'USING (true) WITH CHECK (true)', name || '_admin', name);
    END LOOP;
END
$$;

-- Instructors publish (the server fills in who and when) and read everything.
GRANT SELECT, INSERT (title, deck_id, topic, time_limit_s, opens_at, closes_at, questions)
    ON studyapp.class_exam TO @instructors@;
GRANT SELECT ON studyapp.exam_sitting, studyapp.exam_response TO @instructors@;
CREATE POLICY class_exam_instructors_read ON studyapp.class_exam
    FOR SELECT TO @instructors@ USING (true);
CREATE POLICY class_exam_publish ON studyapp.class_exam
    FOR INSERT TO @instructors@ WITH CHECK (published_by = current_user);
CREATE POLICY exam_sitting_instructors ON studyapp.exam_sitting
    FOR SELECT TO @instructors@ USING (true);
CREATE POLICY exam_response_instructors ON studyapp.exam_response
    FOR SELECT TO @instructors@ USING (true);
-- Students read an exam while it is open, and their own sittings.
GRANT SELECT ON studyapp.class_exam, studyapp.exam_sitting TO @students@;
CREATE POLICY class_exam_open ON studyapp.class_exam
    FOR SELECT TO @students@ USING (now() >= opens_at AND now() < closes_at);
CREATE POLICY exam_sitting_own ON studyapp.exam_sitting
    FOR SELECT TO @students@ USING (student = current_user);

CREATE FUNCTION studyapp.record_sittings() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    -- Most pushes hold reviews only: skip planning the statement below.
    IF NOT EXISTS (SELECT FROM pushed WHERE kind = 'exam') THEN
        RETURN NULL;
    END IF;
    WITH sat AS (
        SELECT DISTINCT ON (e.student, x.exam_id)
               x.exam_id, e.student, e.event_id,
               coalesce((e.payload ->> 'started_at')::timestamptz, e.occurred_at) AS started_at,
               e.occurred_at, e.payload -> 'answers' AS answers, x.questions
        FROM pushed e
        JOIN studyapp.class_exam x ON x.exam_id = (e.payload ->> 'class_exam')::integer
        WHERE e.kind = 'exam' AND jsonb_typeof(e.payload -> 'class_exam') = 'number'
          AND coalesce((e.payload ->> 'started_at')::timestamptz, e.occurred_at) < x.closes_at
        ORDER BY e.student, x.exam_id, e.occurred_at, e.event_id
    ), kept AS (
        INSERT INTO studyapp.exam_sitting (exam_id, student, event_id, started_at, finished_at)
        SELECT exam_id, student, event_id, started_at, occurred_at FROM sat
        ON CONFLICT (exam_id, student) DO NOTHING
        RETURNING exam_id, student
    )
    INSERT INTO studyapp.exam_response (exam_id, student, position, score, answer)
    SELECT DISTINCT ON (s.exam_id, s.student, q.position)
           s.exam_id, s.student, q.position::integer,
           greatest(0, least(1, coalesce(
               (a.value ->> 'score')::double precision,
               CASE WHEN (a.value ->> 'correct')::boolean THEN 1 ELSE 0 END))),
           left(coalesce(
               CASE jsonb_typeof(a.value -> 'picked')
                   WHEN 'string' THEN a.value ->> 'picked'
                   WHEN 'array' THEN (SELECT string_agg(p #>> '{}', '+' ORDER BY p #>> '{}')
                                      FROM jsonb_array_elements(a.value -> 'picked') p)
                   ELSE CASE WHEN a.value -> 'picked' <> 'null'
                             THEN (a.value -> 'picked')::text END END,
               a.value ->> 'answer'), 200)
    FROM sat s
    JOIN kept k USING (exam_id, student)
    CROSS JOIN LATERAL jsonb_array_elements(s.questions) WITH ORDINALITY AS q(value, position)
    JOIN LATERAL jsonb_array_elements(
        CASE jsonb_typeof(s.answers) WHEN 'array' THEN s.answers ELSE '[]' END) a(value)
      ON a.value ->> 'deck' = q.value ->> 'deck' AND a.value ->> 'card' = q.value ->> 'card'
     AND coalesce(a.value ->> 'sibling', 'main') = coalesce(q.value ->> 'sibling', 'main')
    ORDER BY s.exam_id, s.student, q.position;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION studyapp.record_sittings() FROM PUBLIC;

CREATE TRIGGER events_exam_sittings AFTER INSERT ON studyapp.events
    REFERENCING NEW TABLE AS pushed
    FOR EACH STATEMENT EXECUTE FUNCTION studyapp.record_sittings();
