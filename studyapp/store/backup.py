"""Backups of the study database, with SQLite's online backup API only (never a
file copy: a copy of ``studyapp.db`` alone misses what is still in the ``-wal``).

A backup is written to a temporary name, checked with ``PRAGMA quick_check``,
then renamed: a file named like a backup is a whole, checked database. They
live in ``backups/`` beside the database:

* ``daily-YYYY-MM-DD.db``: the first start of each study day; the last 7 days
  and the newest of each of the last 4 weeks are kept, older ones pruned;
* ``schemaN-STAMP.db``: before a migration of a database at schema version N;
* ``restore-STAMP.db``: the database as it was before ``studyapp restore``;
* ``manual-STAMP.db``: ``studyapp backup``.

Only daily backups are pruned. Nothing here runs at import time.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from studyapp.store.db import SCHEMA_VERSION, StoreError, checkpoint, migrate, why

__all__ = [
    "BACKUP_DIR",
    "BackupInfo",
    "Restored",
    "backup_dir",
    "backup_to",
    "before_migration",
    "daily",
    "inspect",
    "list_backups",
    "move_aside",
    "prune",
    "restore",
    "stamp",
]

BACKUP_DIR = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One database file as a backup: its check result and how many reviews it holds."""

    path: Path
    taken: datetime
    size: int
    reviews: int | None
    """Live reviews in its log (``None``: unreadable)."""
    check: str
    """``ok``, or what ``PRAGMA quick_check`` (or opening it) said."""
    version: int | None = None

    @property
    def ok(self) -> bool:
        return self.check == "ok"


def backup_dir(database: Path) -> Path:
    return database.parent / BACKUP_DIR


def stamp(moment: datetime) -> str:
    """A file-name-safe UTC time stamp, in time order when sorted as text."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def backup_to(conn: sqlite3.Connection, target: Path) -> BackupInfo:
    """Copy the database of ``conn`` to ``target`` through the backup API;
    checked before it is renamed into place (``StoreError`` if it fails the check)."""

    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove_leftovers(target.parent)
    try:
        copy = sqlite3.connect(str(temporary), isolation_level=None)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            result = _quick_check(copy)
        except sqlite3.Error as exc:
            raise StoreError(f"the backup could not be written: {why(exc, target)}") from exc
        finally:
            copy.close()
        if result != "ok":
            raise StoreError(f"the backup failed its check ({result}); nothing was kept")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return inspect(target)


LEFTOVER_SECONDS = 600
"""A backup's temporary file untouched this long is a killed backup's leftover
(a younger one may be another backup still being written)."""


def _remove_leftovers(folder: Path) -> None:
    import time

    for leftover in folder.glob(".*.db.*.tmp"):
        try:
            if time.time() - leftover.stat().st_mtime > LEFTOVER_SECONDS:
                leftover.unlink()
        except FileNotFoundError:
            continue  # another process removed it


def _quick_check(conn: sqlite3.Connection) -> str:
    rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    return "ok" if rows == ["ok"] else "; ".join(rows)


def inspect(path: Path) -> BackupInfo:
    """Check one database file (read-only) and count its reviews."""
    info = path.stat()
    taken = datetime.fromtimestamp(info.st_mtime, UTC)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return BackupInfo(path, taken, info.st_size, None, str(exc))
    try:
        check = _quick_check(conn)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        reviews = int(
            conn.execute(
                "SELECT count(*) FROM review_log WHERE action = 'review' AND undone_at IS NULL"
            ).fetchone()[0]
        )
    except sqlite3.Error as exc:
        return BackupInfo(path, taken, info.st_size, None, str(exc))
    finally:
        conn.close()
    return BackupInfo(path, taken, info.st_size, reviews, check, version)


def list_backups(database: Path) -> list[BackupInfo]:
    """Every backup of ``database``, newest first, each checked."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return []
    found = [inspect(p) for p in folder.glob("*.db") if p.is_file()]
    found.sort(key=lambda b: (b.taken, b.path.name), reverse=True)
    return found


def before_migration(conn: sqlite3.Connection, database: Path, version: int) -> Path:
    """Back up a database at schema ``version`` before it is migrated."""
    target = backup_dir(database) / f"schema{version}-{stamp(datetime.now(UTC))}.db"
    backup_to(conn, target)
    return target


def daily(database: Path, day: date) -> Path | None:
    """The backup of study day ``day``, if there is none yet (then prune the old
    ones); ``None`` when today's exists already or there is no database.

    It reads through a connection of its own, so it can run in a worker thread
    while answers are committed (WAL: readers never block the writer)."""
    target = backup_dir(database) / f"daily-{day.isoformat()}.db"
    if target.exists() or not database.is_file():
        return None
    conn = sqlite3.connect(str(database))
    try:
        backup_to(conn, target)
    finally:
        conn.close()
    prune(database)
    return target


def _daily_day(path: Path) -> date | None:
    name = path.name
    if not (name.startswith("daily-") and name.endswith(".db")):
        return None
    try:
        return date.fromisoformat(name[len("daily-") : -len(".db")])
    except ValueError:
        return None


def prune(database: Path) -> list[Path]:
    """Keep the daily backups of the last :data:`KEEP_DAILY` days and, older than
    those, the newest of each of :data:`KEEP_WEEKLY` weeks; delete the others and
    return them."""
    folder = backup_dir(database)
    days = sorted(
        ((d, p) for p in folder.glob("daily-*.db") if (d := _daily_day(p)) is not None),
        reverse=True,
    )
    keep = {p for _, p in days[:KEEP_DAILY]}
    weeks: dict[tuple[int, int], Path] = {}
    for day, path in days[KEEP_DAILY:]:  # newest first: the first of a week is its newest
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks[week] = path
    keep.update(weeks.values())
    removed = [p for _, p in days if p not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


@dataclass(frozen=True, slots=True)
class Restored:
    """What ``restore`` did: the copy it restored, the one it kept, the review counts."""

    source: BackupInfo
    kept: Path | None
    """The database as it was, kept as a backup (or, when damaged, moved aside)."""
    current_reviews: int | None


def restore(database: Path, source: Path, now: datetime) -> Restored:
    """Replace the database with ``source`` after checking it: the current
    database is kept first (a ``restore-`` backup, or moved aside when it is too
    damaged to back up), then ``source`` is copied in through the backup API,
    in one write, and migrated if it is older. ``StoreError`` when ``source`` fails
    its check or is not a studyapp database (then nothing changed)."""
    info = inspect(source)
    if not info.ok or info.reviews is None or info.version is None:
        raise StoreError(f"{source} is not a good studyapp backup ({info.check}); nothing changed")
    if info.version > SCHEMA_VERSION:
        raise StoreError(f"{source} is from a newer studyapp (schema {info.version}); upgrade")
    kept, current = _keep_current(database, now)
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(str(database), isolation_level=None)
        try:
            target.execute("PRAGMA busy_timeout = 5000")
            reader.backup(target)
            target.execute("PRAGMA journal_mode = WAL")
            migrate(target)
            checkpoint(target)
        finally:
            target.close()
            reader.close()
    except sqlite3.Error as exc:
        raise StoreError(f"the restore failed: {why(exc)}") from exc
    return Restored(info, kept, current)


def _keep_current(database: Path, now: datetime) -> tuple[Path | None, int | None]:
    """Keep the database about to be replaced: backed up when readable, else its
    files moved aside (``studyapp.db.damaged-STAMP``). Returns where, and its reviews."""
    if not database.exists():
        return None, None
    target = backup_dir(database) / f"restore-{stamp(now)}.db"
    try:
        conn = sqlite3.connect(str(database))
        try:
            kept = backup_to(conn, target)
        finally:
            conn.close()
        return kept.path, kept.reviews
    except (StoreError, sqlite3.Error):
        return move_aside(database, now), None


def move_aside(database: Path, now: datetime) -> Path:
    """Rename a damaged database (and its ``-wal``/``-shm``) out of the way; return its new name."""
    aside = database.with_name(f"{database.name}.damaged-{stamp(now)}")
    for suffix in ("-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    os.replace(database, aside)
    return aside
