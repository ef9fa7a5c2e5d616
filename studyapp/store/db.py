"""SQLite connection set-up and numbered migrations.

Migrations are the files ``migrations/NNNN_name.sql`` shipped in the package,
applied in order, each in its own transaction, with the schema version kept
in ``PRAGMA user_version``.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "SCHEMA_VERSION",
    "StoreError",
    "WriteFailed",
    "checkpoint",
    "connect",
    "migrate",
    "migrations",
    "rollback",
    "why",
]

_NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """Every migration as ``(number, file name, sql)``, in order."""
    from importlib import resources  # only needed when the schema is behind

    found: list[tuple[int, str, str]] = []
    for entry in resources.files("studyapp.store.migrations").iterdir():
        match = _NAME_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


SCHEMA_VERSION = 6
"""The number of the newest migration (a test checks it matches the files), kept
as a constant so opening an up-to-date database reads no migration file."""


class StoreError(RuntimeError):
    """The database cannot be used: newer than this studyapp, or not a studyapp database."""


class WriteFailed(StoreError):
    """A write could not be committed (disk full, read-only, I/O error, locked):
    nothing of it was kept, and the message says why in plain words."""


_PLAIN = (
    ("disk is full", "the disk is full: free some space, then try again"),
    ("database or disk is full", "the disk is full: free some space, then try again"),
    ("readonly", "the database is read-only: check the permissions of its folder"),
    ("read-only", "the database is read-only: check the permissions of its folder"),
    ("locked", "another program is writing to the database: try again in a moment"),
    ("busy", "another program is writing to the database: try again in a moment"),
    ("disk i/o error", "the disk reported an input/output error"),
    ("malformed", "the database is damaged: run `studyapp doctor`"),
    ("not a database", "the file is not a studyapp database: run `studyapp doctor`"),
    ("unable to open", "the database file cannot be opened"),
)


def why(exc: BaseException, database: Path | None = None) -> str:
    """What a database error means, in plain words (the SQLite text when unknown).

    SQLite reports a full disk met while writing its shared-memory index as an
    I/O error: with ``database`` given, the free space of its disk tells which."""
    text = str(exc)
    lowered = text.lower()
    if database is not None and "i/o" in lowered and _disk_full(database):
        return _PLAIN[0][1]
    for needle, plain in _PLAIN:
        if needle in lowered:
            return plain
    return text


def _disk_full(database: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(database.parent).free < 64 * 1024
    except OSError:
        return False


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it rolls back
    by itself on a full disk or an I/O error, and a second ROLLBACK then fails
    with "no transaction is active", hiding the real error)."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:  # the original error says more; it is re-raised
            return


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the write-ahead log into the database file and empty it
    (``wal_checkpoint(TRUNCATE)``), so the database file alone holds every commit.
    Returns whether it completed (another reader can keep it from finishing)."""
    try:
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # busy or read-only: the WAL still holds everything
        return False
    return row is not None and row[0] == 0


def _version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this studyapp "
            f"understands ({SCHEMA_VERSION}); upgrade studyapp"
        )
    return version


def _statements(sql: str) -> list[str]:
    """Split a migration script into complete SQL statements."""
    out: list[str] = []
    pending = ""
    for chunk in sql.split(";"):
        pending += chunk + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                out.append(pending)
            pending = ""
    if pending.rstrip(";").strip():
        out.append(pending.rstrip(";"))
    return out


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Apply pending migrations up to ``target`` (default: all); return the new version.

    Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together
    with its ``user_version`` bump, so a failing one leaves no partial schema,
    and the version is read again under the write lock, so two processes
    opening a new database at once do not both apply the same migration.
    """
    current = _version(conn)
    if current == SCHEMA_VERSION:
        return current
    for number, _name, sql in migrations():
        if number <= current or (target is not None and number > target):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = _version(conn)
            if number > current:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
                current = number
        except BaseException:
            rollback(conn)
            raise
        conn.execute("COMMIT")
    return current


def connect(path: Path | str, *, busy_ms: int = 5000) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path``, in WAL mode, migrated.

    A database with data whose schema is behind is backed up first (into
    ``backups/`` beside it, named with its schema version; see :mod:`.backup`).
    """
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = _version(conn)
        if 0 < version < SCHEMA_VERSION and not memory:
            from studyapp.store.backup import before_migration

            before_migration(conn, Path(path), version)
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def to_iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a fixed width, so text order is time order."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("datetimes stored must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
