"""Check the study database: its integrity (PRAGMA integrity_check), its schema
version, every card state against a replay of the review log, and orphan rows;
report in plain words. Exits 1 when something is wrong.

With --repair (not while the study app is open): salvage a damaged database.
Every readable row of the review log, exams, answer aliases, exam plans and
FSRS parameters is copied into a fresh database, the card states are rebuilt
from the log, and the damaged file is kept beside it. It says how many rows
were saved and how many could not be read, and offers the latest good backup
when that holds more reviews. A healthy database only gets its states rebuilt.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.store.doctor import Examination

NAME = "doctor"
HELP = "check the study database (--repair: salvage a damaged one)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repair", action="store_true", help="salvage a damaged database")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.store.doctor import examine

    if not paths.database.is_file():
        return fail(f"no database at {paths.database}: nothing to check")
    found = examine(paths.database, settings.scheduler)
    _report(found, paths)
    if found.error is not None and "disk is full" in found.error:
        return fail(found.error)  # nothing is damaged: there is no room to read it
    if not args.repair:
        if found.healthy:
            return 0
        return fail("the database needs care: run `studyapp doctor --repair`")
    from studyapp.app.lock import data_lock

    with data_lock(paths.data_dir):
        if found.healthy or (found.integrity == ["ok"] and found.error is None):
            return _rebuild(paths, settings)
        return _repair(paths, settings)


def _report(found: Examination, paths: Paths) -> None:
    print(f"database: {paths.database}")
    if not found.opened or (found.error and not found.integrity):
        print(f"  cannot be read: {found.error}")
        return
    integrity = "ok" if found.integrity == ["ok"] else "; ".join(found.integrity)
    print(f"  integrity: {integrity}")
    if found.version is not None:
        print(f"  schema version: {found.version}")
    if found.reviews is not None:
        print(f"  reviews in the log: {found.reviews:,}")
    if found.state_mismatches is not None:
        what = "all equal" if not found.state_mismatches else f"{found.state_mismatches} differ"
        print(f"  card states against a replay of the log: {what}")
    for name, count in found.orphans.items():
        if count:
            print(f"  {name}: {count}")
    if found.error:
        print(f"  stopped: {found.error}")
    if found.healthy:
        print("  all good")


def _rebuild(paths: Paths, settings: Settings) -> int:
    """A readable database: delete orphan rows and rebuild the states from the log."""
    from studyapp.app.services import rebuild_states
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        store.conn.execute("DELETE FROM exam_answer WHERE exam_id NOT IN (SELECT id FROM exam)")
        count = rebuild_states(store, settings)
        store.checkpoint()
    print(f"repaired: {count} card states rebuilt from the review log")
    return 0


def _repair(paths: Paths, settings: Settings) -> int:
    """Salvage into a fresh database, rebuild its states, swap it in, keep the damaged file."""
    from datetime import UTC, datetime

    from studyapp.app.services import rebuild_states
    from studyapp.store import Store
    from studyapp.store.backup import list_backups, move_aside
    from studyapp.store.doctor import salvage

    fresh_path = paths.database.with_name(f".{paths.database.name}.repair.tmp")
    for leftover in (
        fresh_path,
        *(fresh_path.with_name(fresh_path.name + s) for s in ("-wal", "-shm")),
    ):
        leftover.unlink(missing_ok=True)
    with Store.open(fresh_path) as fresh:
        saved = salvage(paths.database, fresh.conn)
        rebuild_states(fresh, settings)
        fresh.checkpoint()
    aside = move_aside(paths.database, datetime.now(UTC))
    fresh_path.replace(paths.database)
    print(f"salvaged into a fresh database; the damaged file is kept as {aside}")
    if saved.error:
        print(f"  nothing could be read: {saved.error}")
    for table, count in saved.saved.items():
        lost = saved.unreadable.get(table, 0)
        print(f"  {table}: {count:,} rows saved" + (f", {lost:,} unreadable" if lost else ""))
    reviews = _reviews(paths)
    good = [b for b in list_backups(paths.database) if b.ok and b.reviews is not None]
    if good and (good[0].reviews or 0) > reviews:
        print(
            f"the backup {good[0].path.name} holds {good[0].reviews:,} reviews against "
            f"{reviews:,} saved: `studyapp restore latest` brings it back"
        )
    return 0


def _reviews(paths: Paths) -> int:
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        return store.review_count()
