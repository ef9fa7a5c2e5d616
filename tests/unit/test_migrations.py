"""Numbered migrations: a fresh schema, one test per migration, WAL, refusing
newer databases, idempotence, and rolling back a failing migration."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.store import Store, db
from studyapp.store.db import SCHEMA_VERSION, connect, migrate, migrations

REVIEW_LOG_COLUMNS = [
    "id",
    "deck_id",
    "card_id",
    "sibling",
    "action",
    "reviewed_at",
    "rating",
    "duration_ms",
    "state_before",
    "state_after",
    "scheduled_due",
    "stability",
    "difficulty",
    "kind",
    "answer",
    "undone_at",
]
CARD_STATE_COLUMNS = [
    "deck_id",
    "card_id",
    "sibling",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "lapses",
    "reps",
    "suspended",
    "leech",
]


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = raw(tmp_path / "raw.db")
    yield connection
    connection.close()


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
    return {row[0] for row in rows if not row[0].startswith("sqlite_")}


def indexes(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
    return {row[0] for row in rows if not row[0].startswith("sqlite_")}


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


# -- the list of migrations -----------------------------------------------------------


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    found = migrations()
    assert [number for number, _, _ in found] == list(range(1, len(found) + 1))
    assert SCHEMA_VERSION == len(found) >= 1
    assert found[0][1] == "0001_initial.sql"
    assert all(sql.strip() for _, _, sql in found)


# -- a fresh database -----------------------------------------------------------------


def test_a_fresh_database_gets_the_whole_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "study.db"
    conn = connect(path)
    try:
        assert path.exists()
        assert version(conn) == SCHEMA_VERSION
        assert {"review_log", "card_state"} <= tables(conn)
        assert {"review_log_card", "review_log_time"} <= indexes(conn)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    finally:
        conn.close()
    # WAL is a property of the file: a plain connection sees it too.
    other = raw(path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert version(other) == SCHEMA_VERSION
    finally:
        other.close()


def test_an_in_memory_database_is_migrated() -> None:
    conn = connect(":memory:")
    try:
        assert version(conn) == SCHEMA_VERSION
        assert {"review_log", "card_state"} <= tables(conn)
    finally:
        conn.close()


# -- one test per migration -----------------------------------------------------------


def test_0001_creates_the_log_and_the_state_table(conn: sqlite3.Connection) -> None:
    assert version(conn) == 0
    assert migrate(conn, target=1) == 1
    assert version(conn) == 1
    assert tables(conn) == {"review_log", "card_state"}
    assert indexes(conn) == {"review_log_card", "review_log_time"}
    assert columns(conn, "review_log") == REVIEW_LOG_COLUMNS
    assert columns(conn, "card_state") == CARD_STATE_COLUMNS
    index_cols = [row[2] for row in conn.execute("PRAGMA index_info(review_log_card)")]
    assert index_cols == ["deck_id", "card_id", "sibling", "id"]
    pk = [row[1] for row in conn.execute("PRAGMA table_info(card_state)") if row[5]]
    assert pk == ["deck_id", "card_id", "sibling"]
    # The log's constraints.
    insert = (
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating) "
        "VALUES ('d', 'c', 'main', ?, '2026-01-01T00:00:00.000000+00:00', ?)"
    )
    conn.execute(insert, ("review", 4))
    conn.execute(insert, ("suspend", None))
    for action, rating in (("review", 0), ("review", 5), ("forget", None)):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert, (action, rating))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO review_log (deck_id, card_id, sibling, action) "
            "VALUES ('d', 'c', 'm', 'review')"
        )
    # One state row per prompt, with defaults.
    conn.execute(
        "INSERT INTO card_state (deck_id, card_id, sibling, state) VALUES ('d','c','m','new')"
    )
    assert conn.execute("SELECT lapses, reps, suspended, leech FROM card_state").fetchone() == (
        0,
        0,
        0,
        0,
    )
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO card_state (deck_id, card_id, sibling, state) VALUES ('d','c','m','new')"
        )


def test_each_migration_applies_on_the_version_before(tmp_path: Path) -> None:
    """Migration N on a database at N-1 brings it to N and changes the schema."""
    for number, name, _ in migrations():
        conn = raw(tmp_path / f"at{number}.db")
        try:
            assert migrate(conn, target=number - 1) == number - 1
            before = schema(conn)
            assert migrate(conn, target=number) == number, name
            assert version(conn) == number
            assert schema(conn) != before, f"{name} changed nothing"
        finally:
            conn.close()


def test_migrate_to_a_target_and_then_the_rest(conn: sqlite3.Connection) -> None:
    assert migrate(conn, target=0) == 0
    assert tables(conn) == set()
    assert migrate(conn) == SCHEMA_VERSION
    assert version(conn) == SCHEMA_VERSION


# -- idempotence, newer databases ------------------------------------------------------


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    conn = connect(path)
    try:
        conn.execute(
            "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at) "
            "VALUES ('d', 'c', 'main', 'suspend', '2026-01-01T00:00:00.000000+00:00')"
        )
        before = schema(conn)
        assert migrate(conn) == SCHEMA_VERSION
        assert migrate(conn) == SCHEMA_VERSION
        assert schema(conn) == before
    finally:
        conn.close()
    with Store.open(path) as store:  # reopening migrates again: a no-op
        assert store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    connect(path).close()
    conn = raw(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match=r"newer than this studyapp understands.*upgrade"):
        connect(path)
    with pytest.raises(RuntimeError, match=str(SCHEMA_VERSION + 1)):
        Store.open(path)
    conn = raw(path)
    try:
        assert version(conn) == SCHEMA_VERSION + 1  # left alone
    finally:
        conn.close()


# -- failures -------------------------------------------------------------------------


def _with_extra(monkeypatch: pytest.MonkeyPatch, extra: list[tuple[int, str, str]]) -> int:
    real = migrations()
    monkeypatch.setattr(db, "migrations", lambda: real + extra)
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(real) + len(extra))
    return len(real)


def test_a_failing_migration_is_rolled_back(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = _with_extra(
        monkeypatch,
        [
            (
                SCHEMA_VERSION + 1,
                "9999_broken.sql",
                "CREATE TABLE half_done (a);\n"
                "ALTER TABLE card_state ADD COLUMN note TEXT;\n"
                "CREATE TABLE broken (;\n",
            )
        ],
    )
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert not conn.in_transaction
    assert version(conn) == known  # the good migrations stay applied
    assert "half_done" not in tables(conn)
    assert "note" not in columns(conn, "card_state")
    assert columns(conn, "card_state") == CARD_STATE_COLUMNS


def test_a_failing_first_migration_leaves_an_empty_database(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        db,
        "migrations",
        lambda: [(1, "0001_x.sql", "CREATE TABLE a (x);\nINSERT INTO nope VALUES (1);")],
    )
    monkeypatch.setattr(db, "SCHEMA_VERSION", 1)
    with pytest.raises(sqlite3.OperationalError, match="nope"):
        migrate(conn)
    assert version(conn) == 0
    assert tables(conn) == set()


def test_a_new_migration_is_applied_to_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "study.db"
    connect(path).close()
    known = _with_extra(
        monkeypatch,
        [
            (
                SCHEMA_VERSION + 1,
                "9999_notes.sql",
                "-- notes; with a semicolon\n"
                "CREATE TABLE notes (t TEXT DEFAULT 'a;b', n INTEGER DEFAULT 0);\n"
                "/* a trigger: semicolons inside BEGIN ... END */\n"
                "CREATE TRIGGER notes_n AFTER INSERT ON notes BEGIN\n"
                "  UPDATE notes SET n = n + 1 WHERE rowid = new.rowid;\n"
                "  UPDATE notes SET n = n + 10 WHERE rowid = new.rowid;\n"
                "END;\n",
            )
        ],
    )
    conn = connect(path)
    try:
        assert version(conn) == known + 1
        assert "notes" in tables(conn)
        conn.execute("INSERT INTO notes DEFAULT VALUES")
        assert conn.execute("SELECT t, n FROM notes").fetchone() == ("a;b", 11)
    finally:
        conn.close()


def test_two_processes_migrating_at_once_apply_each_migration_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "study.db"
    first, second = raw(path), raw(path)
    real = migrations()

    def racing() -> list[tuple[int, str, str]]:
        # The other process migrates after ``second`` read the version but
        # before it started applying.
        monkeypatch.setattr(db, "migrations", lambda: real)
        migrate(first)
        return real

    try:
        monkeypatch.setattr(db, "migrations", racing)
        assert migrate(second) == SCHEMA_VERSION
        assert version(second) == SCHEMA_VERSION
        assert {"review_log", "card_state"} <= tables(second)
    finally:
        first.close()
        second.close()


def test_migration_0002_adds_picked_and_answer_aliases(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating) "
        "VALUES ('d', 'c', 'main', 'review', '2026-01-01T00:00:00.000000+00:00', 3)"
    )
    assert migrate(conn, target=2) == 2
    columns = [row[1] for row in conn.execute("PRAGMA table_info(review_log)")]
    assert columns[-1] == "picked"
    # Existing rows survive, with nothing picked.
    assert conn.execute("SELECT rating, picked FROM review_log").fetchall() == [(3, None)]
    alias_columns = [row[1] for row in conn.execute("PRAGMA table_info(answer_alias)")]
    assert alias_columns == ["deck_id", "card_id", "alias", "created_at"]
    conn.execute("INSERT INTO answer_alias VALUES ('d', 'c', 'x', 't')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO answer_alias VALUES ('d', 'c', 'x', 't2')")


def test_migration_0003_adds_the_exam_tables_apart_from_the_log(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    assert migrate(conn, target=2) == 2
    conn.execute(
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating) "
        "VALUES ('d', 'c', 'main', 'review', '2026-01-01T00:00:00.000000+00:00', 3)"
    )
    log_before = conn.execute("SELECT * FROM review_log").fetchall()
    assert migrate(conn, target=3) == 3
    assert {"exam", "exam_answer"} <= tables(conn)
    assert {"exam_started", "exam_answer_card"} <= indexes(conn)
    assert columns(conn, "exam") == [
        "id",
        "started_at",
        "finished_at",
        "spec",
        "mode",
        "score",
        "total",
    ]
    assert columns(conn, "exam_answer") == [
        "exam_id",
        "position",
        "deck_id",
        "card_id",
        "sibling",
        "kind",
        "topic",
        "answer",
        "correct",
        "score",
        "time_ms",
        "flagged",
    ]
    # The log and the card states are left as they were.
    assert conn.execute("SELECT * FROM review_log").fetchall() == log_before
    assert columns(conn, "review_log")[-1] == "picked"
    assert columns(conn, "card_state") == CARD_STATE_COLUMNS
    exam = (
        "INSERT INTO exam (started_at, finished_at, spec, mode, score, total) "
        "VALUES ('s', 'f', '{}', ?, 1.5, 2)"
    )
    conn.execute(exam, ("timed",))
    conn.execute(exam, ("tutor",))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(exam, ("cram",))
    answer = (
        "INSERT INTO exam_answer (exam_id, position, deck_id, card_id, sibling, kind, topic, "
        "answer, correct, score, time_ms) "
        "VALUES (1, ?, 'd', 'c', 'main', 'basic', 't', NULL, ?, ?, 0)"
    )
    conn.execute(answer, (0, 0, 0.0))
    assert conn.execute("SELECT flagged FROM exam_answer").fetchone() == (0,)
    for position, correct, score in ((0, 1, 1.0), (1, 2, 1.0), (1, 1, 1.5)):
        with pytest.raises(sqlite3.IntegrityError):  # one row per position; 0/1; 0..1
            conn.execute(answer, (position, correct, score))
    conn.close()


def test_migration_0004_adds_exam_plans_apart_from_the_log(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    assert migrate(conn, target=3) == 3
    conn.execute(
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating) "
        "VALUES ('d', 'c', 'main', 'review', '2026-01-01T00:00:00.000000+00:00', 3)"
    )
    log_before = conn.execute("SELECT * FROM review_log").fetchall()
    assert migrate(conn, target=4) == 4
    assert "exam_plan" in tables(conn)
    assert "exam_plan_date" in indexes(conn)
    assert columns(conn, "exam_plan") == [
        "id",
        "deck_id",
        "exam_date",
        "topics",
        "target",
        "created_at",
    ]
    assert conn.execute("SELECT * FROM review_log").fetchall() == log_before
    assert columns(conn, "card_state") == CARD_STATE_COLUMNS
    plan = "INSERT INTO exam_plan (deck_id, exam_date, target, created_at) VALUES ('d', ?, ?, 't')"
    conn.execute(plan, ("2026-12-15", 0.9))
    assert conn.execute("SELECT topics FROM exam_plan").fetchone() == ("[]",)
    for target in (0.0, 1.0, 1.5):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(plan, ("2026-12-15", target))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO exam_plan (deck_id, target, created_at) VALUES ('d', 0.9, 't')")
    conn.close()


def test_migration_0005_adds_parameter_sets_apart_from_the_log(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    assert migrate(conn, target=4) == 4
    conn.execute(
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating) "
        "VALUES ('d', 'c', 'main', 'review', '2026-01-01T00:00:00.000000+00:00', 3)"
    )
    conn.execute(
        "INSERT INTO exam_plan (deck_id, exam_date, target, created_at) "
        "VALUES ('d', '2026-12-15', 0.9, 't')"
    )
    log_before = conn.execute("SELECT * FROM review_log").fetchall()
    plans_before = conn.execute("SELECT * FROM exam_plan").fetchall()
    assert migrate(conn, target=5) == 5
    assert "fsrs_parameters" in tables(conn)
    assert "fsrs_parameters_adopted" in indexes(conn)
    assert columns(conn, "fsrs_parameters") == [
        "id",
        "created_at",
        "parameters",
        "metrics",
        "adopted",
    ]
    assert conn.execute("SELECT * FROM review_log").fetchall() == log_before
    assert conn.execute("SELECT * FROM exam_plan").fetchall() == plans_before
    row = "INSERT INTO fsrs_parameters (created_at, parameters, metrics, adopted) VALUES (?,?,?,?)"
    conn.execute(row, ("t", None, "{}", 1))  # NULL parameters: back to the defaults
    for bad in (("t", "[]", "{}", 2), ("t", "[]", None, 0), (None, "[]", "{}", 0)):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(row, bad)
    conn.close()


UUID_SHAPE = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def test_migration_0006_gives_every_event_an_id_and_a_device(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    assert migrate(conn, target=5) == 5
    review = (
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating, "
        "undone_at) VALUES ('d', ?, 'main', ?, ?, ?, ?)"
    )
    t1, t2 = "2026-01-01T00:00:00.000000+00:00", "2026-01-02T00:00:00.000000+00:00"
    for card, action, at, rating, undone in [
        ("c", "review", t1, 3, None),
        ("c", "review", t1, 1, None),  # the same time: the row id orders them
        ("c", "review", t2, 4, "2026-01-02T00:00:05.000000+00:00"),
        ("c", "suspend", t2, None, None),
        ("e", "review", t1, 2, None),
    ]:
        conn.execute(review, (card, action, at, rating, undone))
    conn.execute("INSERT INTO answer_alias VALUES ('d', 'c', 'ACh', ?)", (t1,))
    conn.execute(
        "INSERT INTO exam (started_at, finished_at, spec, mode, score, total) "
        "VALUES (?, ?, '{}', 'tutor', 1, 1)",
        (t1, t2),
    )
    conn.execute(
        "INSERT INTO exam_answer VALUES (1, 0, 'd', 'c', 'main', 'basic', 't', 'x', 1, 1, 5, 0)"
    )
    conn.execute(
        "INSERT INTO exam_plan (deck_id, exam_date, target, created_at) "
        "VALUES ('d', '2026-12-15', 0.9, ?)",
        (t1,),
    )
    conn.execute(
        "INSERT INTO fsrs_parameters (created_at, parameters, metrics, adopted) "
        "VALUES (?, NULL, '{}', 1)",
        (t2,),
    )
    log_before = conn.execute("SELECT * FROM review_log").fetchall()
    assert migrate(conn, target=6) == 6

    device = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    assert re.match(UUID_SHAPE, device)
    ids: list[str] = []
    for table in ("review_log", "answer_alias", "exam", "exam_plan", "fsrs_parameters"):
        assert columns(conn, table)[-2:] == ["event_id", "device_id"]
        rows = conn.execute(f"SELECT event_id, device_id FROM {table}").fetchall()
        assert rows and all(d == device and re.match(UUID_SHAPE, e) for e, d in rows), table
        ids += [e for e, _ in rows]
    # The old columns are untouched; the undone review became an undo event naming it.
    assert [row[:-2] for row in conn.execute("SELECT * FROM review_log")] == log_before
    undone = conn.execute("SELECT event_id FROM review_log WHERE undone_at IS NOT NULL").fetchone()
    undos = conn.execute("SELECT kind, refers_to, at, event_id, device_id FROM undo_log").fetchall()
    assert undos == [("undo", undone[0], "2026-01-02T00:00:05.000000+00:00", undos[0][3], device)]
    ids.append(undos[0][3])
    assert len(set(ids)) == len(ids) == 10
    # One device's ids sort as its rows were written: replaying by (time, event id)
    # gives the order (time, row id) gave before.
    by_id = conn.execute("SELECT id FROM review_log ORDER BY reviewed_at, id").fetchall()
    assert conn.execute("SELECT id FROM review_log ORDER BY reviewed_at, event_id").fetchall() == (
        by_id
    )
    # Every event so far waits to be pushed, oldest first; nothing is acknowledged.
    waiting = conn.execute("SELECT source, event_id FROM local_event ORDER BY n").fetchall()
    assert sorted(e for _, e in waiting) == sorted(ids)
    assert waiting[0] == ("review_log", log_ids(conn)[0])
    assert conn.execute("SELECT value FROM meta WHERE key = 'pushed_through'").fetchone() is None
    # Rows written from now on get ids too, and wait to be pushed.
    conn.execute(review, ("c", "review", t2, 3, None))
    conn.execute(
        "INSERT INTO answer_alias VALUES ('d', 'c', 'acetylcholine', ?, NULL, NULL)", (t2,)
    )
    new = conn.execute("SELECT event_id FROM local_event WHERE n > 10").fetchall()
    assert len(new) == 2 and all(re.match(UUID_SHAPE, e) for (e,) in new)
    assert not {e for (e,) in new} & set(ids)
    with pytest.raises(sqlite3.IntegrityError):  # an event id is stored once
        conn.execute(
            "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, event_id) "
            "VALUES ('d', 'c', 'main', 'suspend', ?, ?)",
            (t2, ids[0]),
        )
    conn.close()
    # Each database is a device of its own.
    other = connect(tmp_path / "other.db")
    assert other.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0] != device
    other.close()


def log_ids(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT event_id FROM review_log ORDER BY id").fetchall()
    return [row[0] for row in rows]
