-- 0004: published decks. A deck file is stored once, under the sha256 of
-- its bytes (content-addressed); each publication of a deck id that changed
-- its content adds a version pointing at one.
CREATE TABLE studyapp.deck_file (
    sha256  text    PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea   NOT NULL,
    CONSTRAINT deck_file_address CHECK (sha256 = encode(sha256(content), 'hex'))
);
CREATE TABLE studyapp.deck_version (
    deck_id      text        NOT NULL CHECK (length(deck_id) BETWEEN 1 AND 200),
    version      integer     NOT NULL CHECK (version > 0),
    sha256       text        NOT NULL REFERENCES studyapp.deck_file,
    file_name    text        NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text        NOT NULL DEFAULT current_user,
    PRIMARY KEY (deck_id, version)
);
ALTER TABLE studyapp.deck_file ENABLE ROW LEVEL SECURITY;
ALTER TABLE studyapp.deck_file FORCE ROW LEVEL SECURITY;
ALTER TABLE studyapp.deck_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE studyapp.deck_version FORCE ROW LEVEL SECURITY;

-- Everyone in the class reads published decks; instructors publish (the
-- server fills in when and by whom).
GRANT SELECT ON studyapp.deck_file, studyapp.deck_version TO @students@, @instructors@;
GRANT INSERT ON studyapp.deck_file TO @instructors@;
GRANT INSERT (deck_id, version, sha256, file_name) ON studyapp.deck_version TO @instructors@;
CREATE POLICY deck_file_read ON studyapp.deck_file
    FOR SELECT TO @students@, @instructors@ USING (true);
CREATE POLICY deck_file_publish ON studyapp.deck_file
    FOR INSERT TO @instructors@ WITH CHECK (true);
CREATE POLICY deck_version_read ON studyapp.deck_version
    FOR SELECT TO @students@, @instructors@ USING (true);
CREATE POLICY deck_version_publish ON studyapp.deck_version
    FOR INSERT TO @instructors@ WITH CHECK (published_by = current_user);
