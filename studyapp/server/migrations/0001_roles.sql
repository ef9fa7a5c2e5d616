-- 0001: the class's two group roles, who may connect, and the studyapp schema.
-- Roles are cluster-wide, so their names carry the database's name:
-- @instructors@ is <database>_instructors, @students@ is <database>_students.
-- Logins (students, instructors) are members of one group; grants and
-- row-level-security policies name the groups, never a login.
DO $$
DECLARE
    wanted text;
BEGIN
    FOREACH wanted IN ARRAY ARRAY[@instructors_name@, @students_name@] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = wanted) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', wanted);
        ELSIF EXISTS (
            SELECT FROM pg_catalog.pg_roles
            WHERE rolname = wanted
              AND (rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)
        ) THEN
            RAISE EXCEPTION 'role % exists and is not a plain group role', wanted;
        END IF;
    END LOOP;
END
$$;

-- The role running `class init` administers the class: it owns the tables
-- and, being subject to row-level security too (FORCE below), needs the
-- instructors' policies to publish decks and keep the roster.
GRANT @instructors@ TO CURRENT_USER;

-- Only the class's groups may connect (CONNECT), and make the temporary
-- table a push copies into (TEMPORARY); PUBLIC had both by default.
REVOKE ALL ON DATABASE @database@ FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE @database@ TO @instructors@, @students@;
-- PostgreSQL before 15 let every role create objects in schema public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA studyapp;
GRANT USAGE ON SCHEMA studyapp TO @instructors@, @students@;

CREATE TABLE studyapp.schema_version (
    version    integer     PRIMARY KEY CHECK (version > 0),
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE studyapp.schema_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE studyapp.schema_version FORCE ROW LEVEL SECURITY;
GRANT SELECT ON studyapp.schema_version TO @instructors@, @students@;
CREATE POLICY schema_version_read ON studyapp.schema_version
    FOR SELECT TO @instructors@, @students@ USING (true);
-- Only the administering role records migrations (it owns the table, and
-- FORCE subjects it to policies too).
CREATE POLICY schema_version_admin ON studyapp.schema_version
    FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
