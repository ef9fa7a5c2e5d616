"""The security model, proved by connecting as each role: two students, an
instructor, a role not enrolled, and a non-superuser who administers the class.
Nothing here trusts the client: every refusal comes from the server."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg import errors, sql

from studyapp.server import ServerError
from studyapp.server.decks import latest, publish
from studyapp.server.events import Event
from studyapp.server.handout import Person
from studyapp.server.migrate import SCHEMA_VERSION, migrate
from studyapp.server.roles import drop, enroll
from studyapp.server.sync import pull, push
from tests.server.conftest import ClassDb

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def reviews(count: int) -> list[Event]:
    device = uuid4()
    return [
        Event(uuid4(), device, "review", NOW, "pharm", f"card{i}", "main", payload={"rating": 3})
        for i in range(count)
    ]


@pytest.fixture
def classroom(class_db: ClassDb) -> ClassDb:
    """alice (3 events) and bob (2 events), students; teach, an instructor."""
    alice, bob = class_db.enroll("alice", "bob")
    class_db.enroll("teach", instructor=True)
    for login, count in ((alice, 3), (bob, 2)):
        with class_db.connect_as(login) as conn:
            assert push(conn, reviews(count)) == count
    return class_db


def insert_sql(student: str) -> tuple[str, tuple[Any, ...]]:
    return (
        "INSERT INTO studyapp.events (student, event_id, device_id, seq, kind, occurred_at,"
        " deck_id, card_id, sibling, payload) VALUES (%s, %s, %s, 99, 'review', now(),"
        " 'pharm', 'c', 'main', '{\"rating\": 3}')",
        (student, uuid4(), uuid4()),
    )


def test_a_role_not_enrolled_cannot_connect(classroom: ClassDb) -> None:
    outsider = classroom.outsider()
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        classroom.connect_as(outsider)


def test_a_wrong_password_is_refused(classroom: ClassDb) -> None:
    alice = classroom.login("alice")
    classroom.passwords[alice] = "not-" + classroom.passwords[alice]
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        classroom.connect_as(alice)


def test_a_student_reads_only_their_own_events(classroom: ClassDb) -> None:
    alice, bob = classroom.login("alice"), classroom.login("bob")
    with classroom.connect_as(alice) as conn:
        students = conn.execute("SELECT student, count(*) FROM studyapp.events GROUP BY 1")
        assert students.fetchall() == [(alice, 3)]
        theirs = conn.execute("SELECT count(*) FROM studyapp.events WHERE student = %s", (bob,))
        assert theirs.fetchone() == (0,)


def test_a_student_cannot_insert_an_event_in_another_students_name(classroom: ClassDb) -> None:
    alice, bob = classroom.login("alice"), classroom.login("bob")
    with classroom.connect_as(alice) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(*insert_sql(bob))
        conn.execute(*insert_sql(alice))  # the same statement in their own name is allowed


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE studyapp.events SET payload = '{\"rating\": 4}'",
        "DELETE FROM studyapp.events",
        "TRUNCATE studyapp.events",
        "TRUNCATE studyapp.events_p00",
        "SELECT * FROM studyapp.events_p00",
        "INSERT INTO studyapp.events_p00 SELECT * FROM studyapp.events LIMIT 0",
        "UPDATE studyapp.roster SET display_name = 'x'",
        "DELETE FROM studyapp.roster",
        "INSERT INTO studyapp.roster (login, role) VALUES ('mallory', 'instructor')",
        "INSERT INTO studyapp.deck_file (sha256, content) VALUES ('0', '')",
        "DELETE FROM studyapp.deck_version",
        "INSERT INTO studyapp.schema_version (version, name) VALUES (99, 'x')",
        "CREATE TABLE studyapp.mine (x integer)",
        "CREATE TABLE public.mine (x integer)",
        "ALTER TABLE studyapp.events DISABLE ROW LEVEL SECURITY",
    ],
)
def test_a_student_is_refused(classroom: ClassDb, statement: str) -> None:
    with (
        classroom.connect_as(classroom.login("alice")) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_a_student_cannot_set_the_servers_received_time(classroom: ClassDb) -> None:
    alice = classroom.login("alice")
    with classroom.connect_as(alice) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO studyapp.events (student, event_id, device_id, seq, kind, occurred_at,"
            " received_at, refers_to) VALUES (%s, %s, %s, 99, 'undo', now(), now(), %s)",
            (alice, uuid4(), uuid4(), uuid4()),
        )


def test_a_student_reads_only_their_own_roster_row(classroom: ClassDb) -> None:
    alice = classroom.login("alice")
    with classroom.connect_as(alice) as conn:
        rows = conn.execute("SELECT login, role FROM studyapp.roster").fetchall()
    assert rows == [(alice, "student")]


def test_passwords_are_unreadable_and_what_pg_roles_shows(classroom: ClassDb) -> None:
    """pg_authid (the password hashes) is for superusers only; pg_roles, which
    PostgreSQL lets every role read, shows role names but masks passwords.
    docs/class-server.md says so."""
    alice, bob = classroom.login("alice"), classroom.login("bob")
    with classroom.connect_as(alice) as conn:
        for catalog in ("pg_authid", "pg_shadow"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(f"SELECT * FROM pg_catalog.{catalog}")
        shown = conn.execute(
            "SELECT rolname, rolpassword FROM pg_roles WHERE rolname IN (%s, %s) ORDER BY 1",
            (alice, bob),
        ).fetchall()
        assert shown == [(alice, "********"), (bob, "********")]
        # Other sessions' queries are hidden from a student.
        hidden = conn.execute(
            "SELECT DISTINCT query FROM pg_stat_activity"
            " WHERE usename IS NOT NULL AND usename <> current_user"
        ).fetchall()
        assert set(hidden) <= {("<insufficient privilege>",)}


def test_the_instructor_reads_every_students_events(classroom: ClassDb) -> None:
    alice, bob = classroom.login("alice"), classroom.login("bob")
    with classroom.connect_as(classroom.login("teach")) as conn:
        counts = conn.execute("SELECT student, count(*) FROM studyapp.events GROUP BY 1 ORDER BY 1")
        assert counts.fetchall() == [(alice, 3), (bob, 2)]
        roster = conn.execute("SELECT login FROM studyapp.roster ORDER BY 1").fetchall()
        assert [login for (login,) in roster] == sorted([alice, bob, classroom.login("teach")])


@pytest.mark.parametrize("whose", ["alice", "teach"])
def test_the_instructor_cannot_write_events(classroom: ClassDb, whose: str) -> None:
    with classroom.connect_as(classroom.login("teach")) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(*insert_sql(classroom.login(whose)))
        for statement in ("UPDATE studyapp.events SET seq = seq", "DELETE FROM studyapp.events"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(
            ServerError, match=r"^pushing events: permission denied for table events$"
        ):
            push(conn, reviews(1))
        assert conn.execute("SELECT 1").fetchone() == (1,)  # the refused batch was rolled back


def test_the_instructor_publishes_and_students_read_but_cannot(classroom: ClassDb) -> None:
    with classroom.connect_as(classroom.login("teach")) as conn:
        done = publish(conn, "pharm", "pharm.yaml", b"id: pharm\n")
        assert (done.version, done.new) == (1, True)
    with classroom.connect_as(classroom.login("alice")) as conn:
        (deck,) = latest(conn)
        assert (deck.deck_id, deck.content, deck.published_by) == (
            "pharm",
            b"id: pharm\n",
            classroom.login("teach"),
        )
        with pytest.raises(ServerError, match=r"^publishing pharm: permission denied for table"):
            publish(conn, "pharm", "pharm.yaml", b"id: pharm\nchanged: 1\n")


def test_a_dropped_student_cannot_connect_and_their_history_stays(classroom: ClassDb) -> None:
    bob = classroom.login("bob")
    assert drop(classroom.admin, bob) is True
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        classroom.connect_as(bob)
    assert classroom.admin.execute(
        "SELECT count(*) FROM studyapp.events WHERE student = %s", (bob,)
    ).fetchone() == (2,)
    assert drop(classroom.admin, bob) is False  # already dropped
    # Enrolling again brings the login back, with the same password.
    (again,) = enroll(classroom.admin, [Person(bob)])
    assert (again.created, again.password) == (False, None)
    with classroom.connect_as(bob) as conn:
        assert pull(conn, None, 0).cursor == 2


def test_students_connect_over_tls_with_sslmode_require(classroom: ClassDb) -> None:
    with classroom.connect_as(classroom.login("alice"), sslmode="require") as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()


def test_verify_full_checks_the_certificate_and_the_servers_name(classroom: ClassDb) -> None:
    """The test server's certificate is self-signed for CN=localhost: with it as
    the root, verify-full accepts `localhost` and refuses the same server
    reached as 127.0.0.1; without it, verification fails."""
    certificate = classroom.pg.passfile.parent / "data" / "server.crt"
    if not certificate.exists():
        pytest.skip(f"the server's certificate is not at {certificate}")
    alice = classroom.login("alice")
    options = {"sslmode": "verify-full", "sslrootcert": str(certificate)}
    with classroom.connect_as(alice, host="localhost", hostaddr="127.0.0.1", **options) as conn:
        conn.execute("SELECT 1")  # connected to host "localhost"
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect(
            host="127.0.0.1",
            port=classroom.pg.port,
            dbname=classroom.name,
            user=alice,
            password=classroom.passwords[alice],
            **options,
        )


def test_passwords_reach_the_server_only_hashed(class_db: ClassDb) -> None:
    """With every statement logged, the server's log holds the SCRAM verifier
    and never the password."""
    log = class_db.pg.passfile.parent / "log"
    if not log.exists():
        pytest.skip(f"the server's log is not at {log}")
    class_db.admin.execute(
        sql.SQL("ALTER DATABASE {} SET log_statement = 'all'").format(sql.Identifier(class_db.name))
    )
    logged_before = log.stat().st_size
    with psycopg.connect(class_db.url(), autocommit=True) as conn:
        (done,) = enroll(conn, [Person(class_db.login("carol"))])
    assert done.password
    conn2 = psycopg.connect(class_db.url(), autocommit=True)
    conn2.close()  # a statement after the enrolment, so the log has been written
    with log.open("rb") as handle:
        handle.seek(logged_before)
        logged = handle.read().decode("utf-8", "replace")
    assert re.search(r"CREATE ROLE .*PASSWORD 'SCRAM-SHA-256\$4096:", logged)
    assert done.password not in logged


def test_a_non_superuser_administers_the_class_and_is_bound_by_its_policies(
    pg: Any,
) -> None:
    """The role running `class init` needs only CREATEROLE and the database; it
    owns the tables, and FORCE ROW LEVEL SECURITY still keeps it from writing
    events in a student's name."""
    from tests.server.conftest import _drop

    name = f"c{secrets.token_hex(4)}"
    owner, password = f"owner_{name}", secrets.token_urlsafe(12)
    with psycopg.connect(pg.url("postgres"), autocommit=True) as root:
        root.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
                sql.Identifier(owner), sql.Literal(password)
            )
        )
        root.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)
            )
        )
    try:
        with psycopg.connect(
            host=pg.host, port=pg.port, dbname=name, user=owner, password=password, autocommit=True
        ) as conn:
            assert migrate(conn) == list(range(1, SCHEMA_VERSION + 1))
            (student,) = enroll(conn, [Person(f"alice_{name}")])
            assert publish(conn, "pharm", "pharm.yaml", b"id: pharm\n").new
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(*insert_sql(student.login))
            with psycopg.connect(
                host=pg.host,
                port=pg.port,
                dbname=name,
                user=student.login,
                password=student.password,
                autocommit=True,
            ) as alice:
                assert push(alice, reviews(2)) == 2
            rows = conn.execute("SELECT student, count(*) FROM studyapp.events GROUP BY 1")
            assert rows.fetchall() == [(student.login, 2)]
            # The summaries' trigger runs as this owner, bound by its policies too.
            summed = conn.execute("SELECT sum(reviews)::int FROM studyapp.stat_prompt")
            assert summed.fetchone() == (2,)
    finally:
        _drop(pg, name)
        with psycopg.connect(pg.url("postgres"), autocommit=True) as root:
            root.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(owner)))


def test_an_administrative_role_is_never_enrolled(class_db: ClassDb) -> None:
    powerful = class_db.login("dba")
    class_db.admin.execute(
        sql.SQL("CREATE ROLE {} LOGIN BYPASSRLS").format(sql.Identifier(powerful))
    )
    with pytest.raises(ServerError, match="administrative powers"):
        enroll(class_db.admin, [Person(powerful)])
    rows = class_db.admin.execute("SELECT count(*) FROM studyapp.roster").fetchone()
    assert rows == (0,)
