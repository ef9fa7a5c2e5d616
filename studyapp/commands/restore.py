"""Restore the study database from a backup: FILE, or `latest` (the newest
backup that passes its check). The backup is checked first; the current
database is kept as a backup (or moved aside when it is damaged) before it is
replaced, and the review counts of both are printed. Not while the study app
is open.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "restore"
HELP = "restore the study database from a backup (FILE or latest)"
EXCLUSIVE = True  # rewrites card states: not while the study app is open


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="FILE|latest", help="a backup file, or latest")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from studyapp.store.backup import list_backups, restore

    if args.source == "latest":
        good = [b for b in list_backups(paths.database) if b.ok and b.reviews is not None]
        if not good:
            return fail("no good backup to restore (studyapp backups lists them)")
        source = good[0].path
    else:
        source = Path(args.source)
        if not source.is_file():
            return fail(f"no backup file {source}")
    done = restore(paths.database, source, datetime.now(UTC))
    print(f"restored {done.source.reviews:,} reviews from {source}")
    if done.kept is not None:
        before = "?" if done.current_reviews is None else f"{done.current_reviews:,}"
        print(f"the database it replaced ({before} reviews) is kept as {done.kept}")
    return 0
