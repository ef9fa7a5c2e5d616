"""Back up the study database now, through SQLite's backup API (safe while
the study app is open): into the `backups` folder beside it, or to FILE with
--output. The copy is checked (PRAGMA quick_check) before it counts.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "backup"
HELP = "back up the study database now"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", metavar="FILE", type=Path, help="write the backup to FILE")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    import sqlite3
    from datetime import UTC, datetime

    from studyapp.app.output import OutputError, check_output
    from studyapp.store.backup import backup_dir, backup_to, stamp

    if not paths.database.is_file():
        return fail(f"no database at {paths.database}: nothing to back up")
    if args.output is not None:
        target: Path = args.output
        try:
            check_output(target, args.force)
        except OutputError as exc:
            return fail(str(exc))
    else:
        target = backup_dir(paths.database) / f"manual-{stamp(datetime.now(UTC))}.db"
    conn = sqlite3.connect(str(paths.database))
    try:
        info = backup_to(conn, target)
    finally:
        conn.close()
    print(f"backed up {info.reviews} reviews to {info.path} ({_size(info.size)}, check ok)")
    return 0


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"
