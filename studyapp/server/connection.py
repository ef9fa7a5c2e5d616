"""Connecting to the class server, the role names a class database implies, and
driver errors turned into one line.

Rule: every connection is opened by :func:`connect` and every psycopg error
that reaches a user goes through :func:`server_errors` or :func:`error_line`:
the result is a :class:`~studyapp.server.ServerError` of one line with the
password masked (:mod:`studyapp.server.redact`). Connections are autocommit;
code that writes opens ``conn.transaction()`` blocks. The password is never
an argument here: libpq reads it from the URL, ``PGPASSFILE``, ``~/.pgpass``
or ``PGPASSWORD``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from studyapp.server import ServerError
from studyapp.server.redact import redact, secrets_in

__all__ = [
    "ClassNames",
    "Connection",
    "class_names",
    "connect",
    "database_of",
    "error_line",
    "open_or_create",
    "parse",
    "server_errors",
]

Connection = psycopg.Connection[Any]
DATABASE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
"""A class database name: short and plain, because role names are derived from it."""
CONNECT_TIMEOUT = 10
"""Seconds to wait for the server, unless the URL says ``connect_timeout``."""


@dataclass(frozen=True)
class ClassNames:
    """The database of one class and its two group roles (roles are cluster-wide,
    so their names carry the database's)."""

    database: str
    instructors: str
    students: str


def class_names(database: str) -> ClassNames:
    """The names for the class in ``database`` (a :class:`ServerError` if unusable)."""
    if not DATABASE_NAME.match(database):
        raise ServerError(
            f"'{database}' cannot be a class database name: use 1-40 lowercase letters, "
            "digits and _, starting with a letter (e.g. pharm101)"
        )
    return ClassNames(database, f"{database}_instructors", f"{database}_students")


def parse(url: str) -> dict[str, Any]:
    """The connection parameters written in ``url`` (a one-line :class:`ServerError`
    if it is not a connection string)."""
    try:
        return conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        # Neither the string nor the driver's message (which quotes a fragment of
        # it) is shown: a password written where it cannot be recognised would be.
        raise ServerError(
            "the class server URL is not a connection URL (expected "
            "postgresql://USER@HOST:PORT/DATABASE); not shown, in case it holds a password"
        ) from None


def database_of(url: str) -> ClassNames:
    """The class named by the database in ``url``."""
    database = parse(url).get("dbname")
    if not database:
        raise ServerError(f"{redact(url)} names no database (postgresql://USER@HOST/DATABASE)")
    return class_names(str(database))


def connect(url: str) -> Connection:
    """An autocommit connection to ``url``, or a one-line :class:`ServerError`."""
    shown = redact(url)
    params = parse(url)
    options: dict[str, Any] = {"application_name": "studyapp"}
    if "connect_timeout" not in params:
        options["connect_timeout"] = CONNECT_TIMEOUT
    try:
        return psycopg.connect(url, autocommit=True, **options)
    except psycopg.Error as exc:
        raise ServerError(f"cannot connect to {shown}: {error_line(exc, url)}") from None


def open_or_create(url: str) -> tuple[Connection, bool]:
    """A connection to the database of ``url``, created first (True) if the
    server has no such database yet, through its ``postgres`` database."""
    names = database_of(url)
    try:
        return connect(url), False
    except ServerError as first:
        try:
            maintenance = connect(make_conninfo(url, dbname="postgres"))
        except ServerError:
            raise first from None
        with maintenance:
            row = maintenance.execute(
                "SELECT 1 FROM pg_catalog.pg_database WHERE datname = %s", (names.database,)
            ).fetchone()
            if row is not None:
                raise first from None
            with server_errors(f"creating the database {names.database}", url):
                maintenance.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(names.database))
                )
    return connect(url), True


def error_line(exc: BaseException, url: str = "") -> str:
    """A driver error as one line, passwords (those of ``url`` too) masked."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text.removeprefix("connection failed: ")
    return redact(text, secrets_in(url))


@contextmanager
def server_errors(doing: str, url: str = "") -> Iterator[None]:
    """Turn a psycopg error raised in the block into ``ServerError("doing: reason")``."""
    try:
        yield
    except psycopg.OperationalError as exc:
        if isinstance(exc, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
            raise ServerError(f"{doing}: {error_line(exc, url)}") from None
        raise ServerError(
            f"{doing}: the connection to the class server was lost ({error_line(exc, url)}); "
            "what was not acknowledged is sent again by the next attempt"
        ) from None
    except psycopg.Error as exc:
        raise ServerError(f"{doing}: {error_line(exc, url)}") from None
