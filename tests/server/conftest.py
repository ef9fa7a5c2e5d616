"""Fixtures for the class-server tests: a fresh database per test on the
session's real PostgreSQL (``pg_server``), dropped afterwards with every role
the test made.

Roles are cluster-wide, so every name a test makes ends with its database's
name (``db.login("alice")`` is ``alice_c1a2b3c4``): tests never collide, and
clean-up finds them all. Tests connect as each role over TCP to 127.0.0.1
with its password, as a student's device would.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg")

from studyapp.server.connection import connect  # noqa: E402
from studyapp.server.handout import Person  # noqa: E402
from studyapp.server.migrate import migrate  # noqa: E402
from studyapp.server.roles import enroll  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402


@dataclass
class ClassDb:
    """One test's class database, reached as its superuser through ``admin``."""

    pg: PgServer
    name: str
    admin: Any
    passwords: dict[str, str] = field(default_factory=dict)

    def url(self, user: str | None = None) -> str:
        return self.pg.url(self.name, user)

    def login(self, base: str) -> str:
        """A login name unique to this test's database."""
        return f"{base}_{self.name}"

    def enroll(self, *bases: str, instructor: bool = False) -> list[str]:
        """Enroll ``login(base)`` for each base; their passwords go in ``passwords``."""
        logins = [self.login(base) for base in bases]
        for done in enroll(self.admin, [Person(login) for login in logins], instructor=instructor):
            assert done.password is not None
            self.passwords[done.login] = done.password
        return logins

    def outsider(self, base: str = "outsider") -> str:
        """A login role on the same server that is not enrolled in this class."""
        login = self.login(base)
        password = secrets.token_urlsafe(12)
        verifier = self.admin.pgconn.encrypt_password(
            password.encode(), login.encode(), b"scram-sha-256"
        )
        self.admin.execute(
            psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                psycopg.sql.Identifier(login), psycopg.sql.Literal(verifier.decode())
            )
        )
        self.passwords[login] = password
        return login

    def connect_as(self, login: str, **options: Any) -> Any:
        """An autocommit connection as ``login``, with its password, over TCP."""
        return psycopg.connect(
            host=options.pop("host", self.pg.host),
            port=self.pg.port,
            dbname=self.name,
            user=login,
            password=self.passwords[login],
            autocommit=True,
            **options,
        )


def _drop(pg: PgServer, name: str) -> None:
    with psycopg.connect(pg.url("postgres"), autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                psycopg.sql.Identifier(name)
            )
        )
        roles = conn.execute(
            "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE %s ORDER BY rolname",
            (f"%\\_{name}%",),
        ).fetchall()
        for (role,) in roles:
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))


@pytest.fixture
def pg(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> PgServer:
    """The session's server, its superuser's passfile in ``PGPASSFILE`` (as
    libpq reads it for the studyapp commands too)."""
    for key, value in pg_server.env().items():
        monkeypatch.setenv(key, value)
    return pg_server


@pytest.fixture
def fresh_db(pg: PgServer) -> Iterator[ClassDb]:
    """An empty database (no class schema yet)."""
    pg_server = pg
    name = f"c{secrets.token_hex(4)}"
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    try:
        with connect(pg_server.url(name)) as admin:
            yield ClassDb(pg_server, name, admin)
    finally:
        _drop(pg_server, name)


@pytest.fixture
def class_db(fresh_db: ClassDb) -> ClassDb:
    """A class database, initialised (every migration applied)."""
    migrate(fresh_db.admin)
    return fresh_db
