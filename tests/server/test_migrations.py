"""Server migrations: one test per migration, re-running, a failing migration,
a schema newer than this studyapp, and two `class init` at once."""

from __future__ import annotations

import threading

import pytest

from studyapp.server import SchemaTooNew, ServerError
from studyapp.server import migrate as migrate_module
from studyapp.server.connection import class_names, connect
from studyapp.server.migrate import (
    SCHEMA_VERSION,
    Migration,
    migrate,
    migrations,
    open_class,
    schema_version,
)
from tests.server.conftest import ClassDb


def one(db: ClassDb, query: str, *params: object) -> object:
    row = db.admin.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def rls(db: ClassDb, table: str) -> tuple[bool, bool]:
    row = db.admin.execute(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
        (table,),
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def test_the_schema_version_is_the_newest_file() -> None:
    files = migrations()
    assert [m.number for m in files] == list(range(1, SCHEMA_VERSION + 1))
    assert all(m.name.endswith(".sql") and m.sql.startswith("-- ") for m in files)


def test_0001_group_roles_connect_grants_and_the_schema(fresh_db: ClassDb) -> None:
    assert migrate(fresh_db.admin, target=1) == [1]
    names = class_names(fresh_db.name)
    rows = fresh_db.admin.execute(
        "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (%s, %s) ORDER BY 1",
        (names.instructors, names.students),
    ).fetchall()
    assert rows == [(names.instructors, False), (names.students, False)]
    connect_to = "SELECT has_database_privilege(%s, %s, 'CONNECT, TEMPORARY')"
    assert one(fresh_db, connect_to, names.students, fresh_db.name) is True
    assert one(fresh_db, connect_to, names.instructors, fresh_db.name) is True
    # PUBLIC (every other role) lost CONNECT and TEMPORARY.
    public = (
        "SELECT count(*) FROM pg_database, aclexplode(datacl) WHERE datname = %s AND grantee = 0"
    )
    assert one(fresh_db, public, fresh_db.name) == 0
    assert one(fresh_db, "SELECT pg_has_role(current_user, %s, 'MEMBER')", names.instructors)
    assert one(fresh_db, "SELECT to_regnamespace('studyapp') IS NOT NULL") is True
    assert schema_version(fresh_db.admin) == 1
    assert rls(fresh_db, "studyapp.schema_version") == (True, True)


def test_0002_the_roster_under_row_level_security(fresh_db: ClassDb) -> None:
    migrate(fresh_db.admin, target=1)
    assert migrate(fresh_db.admin, target=2) == [2]
    assert rls(fresh_db, "studyapp.roster") == (True, True)
    policies = fresh_db.admin.execute(
        "SELECT policyname, cmd FROM pg_policies WHERE tablename = 'roster' ORDER BY 1"
    ).fetchall()
    assert policies == [("roster_instructors", "ALL"), ("roster_own", "SELECT")]


def test_0003_events_hash_partitioned_keyed_by_student(fresh_db: ClassDb) -> None:
    migrate(fresh_db.admin, target=2)
    assert migrate(fresh_db.admin, target=3) == [3]
    strategy = "SELECT partstrat FROM pg_partitioned_table WHERE partrelid = %s::regclass"
    assert one(fresh_db, strategy, "studyapp.events") == "h"
    partitions = fresh_db.admin.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits"
        " WHERE inhparent = 'studyapp.events'::regclass ORDER BY 1"
    ).fetchall()
    assert [p for (p,) in partitions] == [f"studyapp.events_p{i:02d}" for i in range(16)]
    for name in ["studyapp.events", *(p for (p,) in partitions)]:
        assert rls(fresh_db, name) == (True, True), name
    keys = fresh_db.admin.execute(
        "SELECT indexrelid::regclass::text, indisprimary, indisunique,"
        " pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = 'studyapp.events'::regclass ORDER BY 1"
    ).fetchall()
    assert [(name, primary, unique) for name, primary, unique, _ in keys] == [
        ("studyapp.events_pkey", True, True),
        ("studyapp.events_student_seq", False, True),
    ]
    assert "(student, event_id)" in keys[0][3] and "(student, seq)" in keys[1][3]


def test_0004_published_decks_are_addressed_by_their_sha256(fresh_db: ClassDb) -> None:
    migrate(fresh_db.admin, target=3)
    assert migrate(fresh_db.admin, target=4) == [4]
    assert rls(fresh_db, "studyapp.deck_file") == (True, True)
    assert rls(fresh_db, "studyapp.deck_version") == (True, True)
    with pytest.raises(Exception, match="deck_file_address"):
        fresh_db.admin.execute(
            "INSERT INTO studyapp.deck_file (sha256, content) VALUES (%s, %s)",
            ("0" * 64, b"id: x\n"),
        )


def test_init_is_harmless_to_rerun(class_db: ClassDb) -> None:
    assert schema_version(class_db.admin) == SCHEMA_VERSION
    class_db.enroll("alice")
    assert migrate(class_db.admin) == []
    rows = class_db.admin.execute("SELECT version FROM studyapp.schema_version ORDER BY 1")
    assert [v for (v,) in rows.fetchall()] == list(range(1, SCHEMA_VERSION + 1))
    assert one(class_db, "SELECT count(*) FROM studyapp.roster") == 1


def test_a_failing_migration_leaves_nothing_behind(
    class_db: ClassDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Migration(
        SCHEMA_VERSION + 1,
        f"{SCHEMA_VERSION + 1:04d}_broken.sql",
        "CREATE TABLE studyapp.half (x integer); SELECT 1 / 0;",
    )
    real = migrations()
    monkeypatch.setattr(migrate_module, "migrations", lambda: [*real, broken])
    monkeypatch.setattr(migrate_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(ServerError, match=r"^migration .*_broken\.sql: division by zero$"):
        migrate(class_db.admin)
    assert schema_version(class_db.admin) == SCHEMA_VERSION
    assert one(class_db, "SELECT to_regclass('studyapp.half') IS NULL") is True


def test_a_newer_schema_is_refused_and_nothing_is_written(fresh_db: ClassDb) -> None:
    migrate(fresh_db.admin, target=2)
    fresh_db.admin.execute(
        "INSERT INTO studyapp.schema_version (version, name) VALUES (%s, 'from the future')",
        (SCHEMA_VERSION + 5,),
    )
    message = (
        f"the class database has schema version {SCHEMA_VERSION + 5}, newer than this "
        f"studyapp understands ({SCHEMA_VERSION}): upgrade studyapp; nothing was written"
    )
    with pytest.raises(SchemaTooNew) as raised:
        migrate(fresh_db.admin)
    assert str(raised.value) == message
    assert one(fresh_db, "SELECT to_regclass('studyapp.events') IS NULL") is True
    with pytest.raises(SchemaTooNew):
        open_class(fresh_db.url())


def test_a_client_refuses_a_database_that_is_not_initialised(fresh_db: ClassDb) -> None:
    with pytest.raises(ServerError, match=r"is not an up-to-date class database \(schema 0 of"):
        open_class(fresh_db.url())


def test_two_inits_at_once_apply_each_migration_once(fresh_db: ClassDb) -> None:
    results: list[object] = []
    start = threading.Barrier(2)

    def init() -> None:
        with connect(fresh_db.url()) as conn:
            start.wait()
            try:
                results.append(migrate(conn))
            except Exception as exc:  # reported by the assertion below
                results.append(exc)

    threads = [threading.Thread(target=init) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(n for applied in results if isinstance(applied, list) for n in applied) == list(
        range(1, SCHEMA_VERSION + 1)
    ), results
    assert schema_version(fresh_db.admin) == SCHEMA_VERSION


def test_a_database_name_that_cannot_name_roles_is_refused() -> None:
    with pytest.raises(ServerError, match="cannot be a class database name"):
        class_names("Pharm-101")
