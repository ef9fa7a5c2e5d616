"""Enrolling logins in a class, listing them, and dropping one.

Rule: a login is a PostgreSQL role (cluster-wide) made a member of the class's
student or instructor group; the groups carry every grant and policy. A new
login gets a password made with :mod:`secrets`, sent to the server already
hashed (SCRAM-SHA-256, computed by libpq here), so the plaintext never reaches
the server or its logs; it is returned once, for the hand-out, and stored
nowhere. Enrolling an existing login only adds the membership (and its LOGIN
back), keeping its password unless asked to reset it. Dropping a login keeps
its events and roster row. Roles with powers beyond a plain login (superuser,
BYPASSRLS, CREATEROLE, CREATEDB, REPLICATION) are never enrolled: row-level
security would not bind them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from psycopg import sql

from studyapp.server import ServerError
from studyapp.server.connection import Connection, class_names, server_errors
from studyapp.server.handout import Person, login_problem

__all__ = ["Enrolled", "RosterRow", "drop", "enroll", "new_password", "roster"]

STUDENT_CONNECTION_LIMIT = 8
"""Connections one student login may hold at once (a few devices syncing)."""
PASSWORD_BYTES = 18
"""Random bytes in a generated password (24 URL-safe characters)."""


@dataclass(frozen=True)
class Enrolled:
    """One login enrolled: ``password`` is set only when one was made (new or reset)."""

    person: Person
    role: str
    created: bool
    password: str | None

    @property
    def login(self) -> str:
        return self.person.login


@dataclass(frozen=True)
class RosterRow:
    login: str
    role: str
    display_name: str | None
    enrolled_at: datetime
    dropped_at: datetime | None
    can_login: bool
    events: int
    last_event_at: datetime | None


def new_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def _hashed(conn: Connection, login: str, password: str) -> sql.Composable:
    verifier = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    return sql.Literal(verifier.decode("ascii"))


def enroll(
    conn: Connection,
    people: Sequence[Person],
    *,
    instructor: bool = False,
    reset_password: bool = False,
) -> list[Enrolled]:
    """Enroll ``people``, all or none, in one transaction."""
    names = class_names(conn.info.dbname)
    for person in people:
        problem = login_problem(person.login, (names.instructors, names.students))
        if problem:
            raise ServerError(problem)
    role = "instructor" if instructor else "student"
    group = names.instructors if instructor else names.students
    done = []
    with server_errors("enrolling"), conn.transaction():
        for person in people:
            done.append(_enroll_one(conn, person, role, group, reset_password))
    return done


def _enroll_one(conn: Connection, person: Person, role: str, group: str, reset: bool) -> Enrolled:
    login = person.login
    existing = conn.execute(
        "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication"
        " FROM pg_catalog.pg_roles WHERE rolname = %s",
        (login,),
    ).fetchone()
    enrolled_as = conn.execute(
        "SELECT role FROM studyapp.roster WHERE login = %s", (login,)
    ).fetchone()
    if enrolled_as and enrolled_as[0] != role:
        raise ServerError(f"'{login}' is enrolled as {enrolled_as[0]}: a login has one role")
    if existing and existing[0]:
        raise ServerError(
            f"'{login}' is an existing role with administrative powers: enroll a plain login"
        )
    password = new_password() if existing is None or reset else None
    ident, group_ident = sql.Identifier(login), sql.Identifier(group)
    if existing is None:
        limit = sql.SQL(" CONNECTION LIMIT {}").format(STUDENT_CONNECTION_LIMIT)
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}{} IN ROLE {}").format(
                ident,
                _hashed(conn, login, password or ""),
                limit if role == "student" else sql.SQL(""),
                group_ident,
            )
        )
    else:
        conn.execute(sql.SQL("GRANT {} TO {}").format(group_ident, ident))
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN").format(ident))
        if password is not None:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(ident, _hashed(conn, login, password))
            )
    conn.execute(
        "INSERT INTO studyapp.roster (login, role, display_name) VALUES (%s, %s, %s)"
        " ON CONFLICT (login) DO UPDATE SET dropped_at = NULL,"
        " display_name = coalesce(excluded.display_name, roster.display_name)",
        (login, role, person.name),
    )
    return Enrolled(person, role, existing is None, password)


def drop(conn: Connection, login: str) -> bool:
    """Take ``login`` out of the class: its membership goes, and its LOGIN too
    unless it belongs to another group (another class on the same server).
    Its events and roster row stay. False if it was already dropped."""
    names = class_names(conn.info.dbname)
    with server_errors(f"dropping {login}"), conn.transaction():
        row = conn.execute(
            "SELECT role, dropped_at IS NOT NULL FROM studyapp.roster WHERE login = %s FOR UPDATE",
            (login,),
        ).fetchone()
        if row is None:
            raise ServerError(f"'{login}' is not enrolled in {names.database}")
        role, dropped = row
        group = names.instructors if role == "instructor" else names.students
        if conn.execute(
            "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (login,)
        ).fetchone():
            conn.execute(sql.SQL("REVOKE {} FROM {}").format(*map(sql.Identifier, (group, login))))
            others = conn.execute(
                "SELECT count(*) FROM pg_catalog.pg_auth_members m"
                " JOIN pg_catalog.pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
                (login,),
            ).fetchone()
            if others and others[0] == 0:
                conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(login)))
        conn.execute(
            "UPDATE studyapp.roster SET dropped_at = coalesce(dropped_at, now()) WHERE login = %s",
            (login,),
        )
    return not dropped


def roster(conn: Connection) -> list[RosterRow]:
    """Everyone enrolled, instructors first, with their event count and last event."""
    with server_errors("reading the roster"):
        rows = conn.execute(
            """
            SELECT r.login, r.role, r.display_name, r.enrolled_at, r.dropped_at,
                   coalesce(a.rolcanlogin, false), n.events, e.received_at
            FROM studyapp.roster r
            LEFT JOIN pg_catalog.pg_roles a ON a.rolname = r.login
            LEFT JOIN LATERAL (
                SELECT seq, received_at FROM studyapp.events
                WHERE student = r.login ORDER BY seq DESC LIMIT 1
            ) e ON true
            CROSS JOIN LATERAL (
                SELECT count(*) AS events FROM studyapp.events WHERE student = r.login
            ) n
            ORDER BY r.role, r.login
            """
        ).fetchall()
    return [RosterRow(*row) for row in rows]
