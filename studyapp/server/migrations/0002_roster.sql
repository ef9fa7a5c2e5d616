-- 0002: the roster: one row per login enrolled in the class. A dropped
-- login keeps its row (dropped_at set) and all its events.
CREATE TABLE studyapp.roster (
    login        text        PRIMARY KEY,
    role         text        NOT NULL CHECK (role IN ('student', 'instructor')),
    display_name text        CHECK (length(display_name) <= 200),
    enrolled_at  timestamptz NOT NULL DEFAULT now(),
    dropped_at   timestamptz
);
ALTER TABLE studyapp.roster ENABLE ROW LEVEL SECURITY;
ALTER TABLE studyapp.roster FORCE ROW LEVEL SECURITY;

-- A student reads their own row and nothing else; instructors keep the roster.
GRANT SELECT ON studyapp.roster TO @students@;
GRANT SELECT, INSERT, UPDATE ON studyapp.roster TO @instructors@;
CREATE POLICY roster_own ON studyapp.roster
    FOR SELECT TO @students@ USING (login = current_user);
CREATE POLICY roster_instructors ON studyapp.roster
    FOR ALL TO @instructors@ USING (true) WITH CHECK (true);
