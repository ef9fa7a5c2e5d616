"""Sync this device with the class server: push the events the server has not
acknowledged, pull this student's events from their other devices (card
states replayed, so every device shows the same), bring the class's published
decks into the class-decks folder of the data folder, and read the class
exams open now (those you have not taken are printed).

The server is `--db URL` or `[sync] url` in config.toml, e.g.
postgresql://alice@host:5432/pharm101?sslmode=require. The password is never
in either: libpq reads it from ~/.pgpass, PGPASSFILE or PGPASSWORD. A server
that cannot be reached is one line and exit status 1; studying goes on, and
the next sync sends what waits. `--status` says when this device last synced
and how many events wait, without reaching the server.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from studyapp.commands._class import add_student_db, no_server, run_on_server, student_url

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "sync"
HELP = "sync this device with the class server (push, pull, class decks)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_student_db(parser)
    parser.add_argument(
        "--status", action="store_true", help="when this device last synced, what waits"
    )


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.server.redact import redact

    url = student_url(args, settings)
    now = datetime.now(UTC)
    if args.status:
        return _status(paths, url, now)
    if not url:
        return no_server(paths)
    return run_on_server(lambda: _sync(paths, settings, url, redact(url), now))


def _status(paths: Paths, url: str | None, now: datetime) -> int:
    from studyapp.app.sync import last_synced, sync_line
    from studyapp.server.redact import redact
    from studyapp.store import Store

    print(f"class server: {redact(url) if url else 'none set ([sync] url in config.toml)'}")
    if not paths.database.exists():
        print("nothing studied on this device yet")
        return 0
    with Store.open(paths.database) as store:
        last = last_synced(store)
        print(sync_line(store, now))
        if last is not None:
            print(f"last sync: {last.isoformat(timespec='seconds')}")
        print(f"events waiting to be sent: {store.waiting()}")
    return 0


def _sync(paths: Paths, settings: Settings, url: str, shown: str, now: datetime) -> int:
    from studyapp.app.class_exams import cached_exams
    from studyapp.app.lock import data_lock
    from studyapp.app.sync import sync
    from studyapp.store import Store

    # One writer per data folder: not while the study app (which syncs by itself) is open.
    with data_lock(paths.data_dir), Store.open(paths.database) as store:
        done = sync(store, url, settings, paths, now)
        exams = cached_exams(store).startable(now)
    print(f"synced with {shown}")
    print(f"sent {done.pushed} events ({done.stored} new to the server)")
    print(f"received {done.pulled} events from other devices; {done.replayed} card states replayed")
    if done.decks:
        print(f"class decks updated: {', '.join(done.decks)}")
    for exam in exams:
        closes = f"closes {exam.closes_at.astimezone():%a %d %b %H:%M}"
        print(f"class exam open: {exam.title} ({closes}): `studyapp exam --class {exam.exam_id}`")
    return 0
