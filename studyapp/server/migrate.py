"""Numbered server migrations, and the version check every client makes.

Rule: the class schema is the files ``migrations/NNNN_name.sql`` shipped in the
package, applied in order, each in its own transaction together with its row
in ``studyapp.schema_version``, under an advisory lock (two ``class init`` at
once apply each migration once). Re-running is harmless: applied migrations
are skipped. A database whose schema is newer than this studyapp is refused
before anything is written (:class:`~studyapp.server.SchemaTooNew`).

Role and database names are cluster-wide and derived from the database name
(:func:`~studyapp.server.connection.class_names`), so the files say
``@students@``, ``@instructors@``, ``@database@`` (quoted identifiers) and
``@students_name@``, ``@instructors_name@`` (quoted literals) instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from psycopg import sql

from studyapp.server import SchemaTooNew, ServerError
from studyapp.server.connection import ClassNames, Connection, class_names, connect, server_errors

__all__ = ["SCHEMA_VERSION", "Migration", "migrate", "migrations", "open_class", "schema_version"]

SCHEMA_VERSION = 8
"""The newest migration this studyapp knows (a test checks it matches the files)."""
LOCK_MIGRATE = 0x53540001
"""Advisory lock key held while a migration runs."""
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_PLACEHOLDER = re.compile(r"@([a-z_]+)@")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration file, in order (numbered 1..n without gaps)."""
    found = []
    for entry in resources.files("studyapp.server.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"server migrations must be numbered 1..n without gaps: {numbers}")
    return found


def render(text: str, names: ClassNames, conn: Connection) -> str:
    """A migration's SQL with its placeholders replaced by quoted names."""
    values = {
        "database": sql.Identifier(names.database),
        "instructors": sql.Identifier(names.instructors),
        "students": sql.Identifier(names.students),
        "instructors_name": sql.Literal(names.instructors),
        "students_name": sql.Literal(names.students),
    }

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise RuntimeError(f"unknown placeholder @{key}@ in a server migration")
        return values[key].as_string(conn)

    return _PLACEHOLDER.sub(replace, text)


def schema_version(conn: Connection) -> int:
    """The class schema's version (0: not a class database yet)."""
    cur = conn.execute("SELECT to_regclass('studyapp.schema_version') IS NOT NULL")
    if not cur.fetchone()[0]:  # type: ignore[index]
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM studyapp.schema_version").fetchone()
    return int(row[0]) if row else 0


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the class database has schema version {version}, newer than this studyapp "
            f"understands ({SCHEMA_VERSION}): upgrade studyapp; nothing was written"
        )


def migrate(conn: Connection, target: int | None = None) -> list[int]:
    """Apply the pending migrations up to ``target`` (default: all); the numbers applied."""
    names = class_names(conn.info.dbname)
    _refuse_newer(schema_version(conn))
    applied = []
    for migration in migrations():
        if target is not None and migration.number > target:
            break
        with server_errors(f"migration {migration.name}"), conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_MIGRATE,))
            current = schema_version(conn)
            _refuse_newer(current)
            if migration.number <= current:
                continue
            conn.execute(render(migration.sql, names, conn).encode())
            conn.execute(
                "INSERT INTO studyapp.schema_version (version, name) VALUES (%s, %s)",
                (migration.number, migration.name),
            )
            applied.append(migration.number)
    return applied


def open_class(url: str) -> Connection:
    """A connection to the class database at ``url``, checked to be one this
    studyapp can use: initialised (``class init``) and not newer."""
    conn = connect(url)
    try:
        with server_errors("reading the class schema version", url):
            version = schema_version(conn)
        _refuse_newer(version)
        if version < SCHEMA_VERSION:
            raise ServerError(
                f"{conn.info.dbname} is not an up-to-date class database "
                f"(schema {version} of {SCHEMA_VERSION}): the instructor runs `studyapp class init`"
            )
    except BaseException:
        conn.close()
        raise
    return conn
