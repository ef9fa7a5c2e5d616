-- 0007: a student's own standing against the class, per deck and topic:
-- their true retention and mastery, and the class's quartiles of each, the
-- quartiles only where at least 5 students contribute (fewer could let a
-- student infer a classmate's results). Students have no grant on the
-- summaries: this function is their only way to them, and it returns only
-- the caller's own figures and the class's aggregates.

CREATE FUNCTION studyapp.class_standing(at timestamptz DEFAULT now())
RETURNS TABLE (
    deck_id text, topic text,
    my_retention double precision, my_mastery double precision,
    retention_students integer, retention_q1 double precision,
    retention_median double precision, retention_q3 double precision,
    mastery_students integer, mastery_q1 double precision,
    mastery_median double precision, mastery_q3 double precision)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
    WITH enrolled AS (
        SELECT login FROM studyapp.roster WHERE role = 'student' AND dropped_at IS NULL
    ), retention AS (
        SELECT d.student, d.deck_id, d.topic, sum(d.passes)::double precision
                                              / sum(d.recalls) AS value
        FROM studyapp.stat_day d JOIN enrolled e ON e.login = d.student
        GROUP BY 1, 2, 3 HAVING sum(d.recalls) > 0
    ), mastery AS (
        SELECT p.student, p.deck_id, coalesce(p.topic, '') AS topic,
               avg(studyapp.recall(p.last_stability,
                                   extract(epoch FROM at - p.last_at) / 86400)) AS value
        FROM studyapp.stat_prompt p JOIN enrolled e ON e.login = p.student
        WHERE p.last_stability > 0
        GROUP BY 1, 2, 3
    ), topics AS (
        SELECT r.deck_id, r.topic FROM retention r UNION SELECT m.deck_id, m.topic FROM mastery m
    ), r AS (
        SELECT deck_id, topic, count(*)::integer AS n,
               percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY value) AS q
        FROM retention GROUP BY 1, 2
    ), m AS (
        SELECT deck_id, topic, count(*)::integer AS n,
               percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY value) AS q
        FROM mastery GROUP BY 1, 2
    )
    SELECT t.deck_id, t.topic,
           (SELECT value FROM retention x WHERE x.student = session_user
              AND x.deck_id = t.deck_id AND x.topic = t.topic),
           (SELECT value FROM mastery x WHERE x.student = session_user
              AND x.deck_id = t.deck_id AND x.topic = t.topic),
           coalesce(r.n, 0),
           CASE WHEN r.n >= 5 THEN r.q[1] END, CASE WHEN r.n >= 5 THEN r.q[2] END,
           CASE WHEN r.n >= 5 THEN r.q[3] END,
           coalesce(m.n, 0),
           CASE WHEN m.n >= 5 THEN m.q[1] END, CASE WHEN m.n >= 5 THEN m.q[2] END,
           CASE WHEN m.n >= 5 THEN m.q[3] END
    FROM topics t
    LEFT JOIN r USING (deck_id, topic)
    LEFT JOIN m USING (deck_id, topic)
    ORDER BY 1, 2
$fn$;
REVOKE ALL ON FUNCTION studyapp.class_standing(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION studyapp.class_standing(timestamptz) TO @students@, @instructors@;
