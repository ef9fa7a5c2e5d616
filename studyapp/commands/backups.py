"""List the backups of the study database, newest first: when each was taken,
its size, how many reviews it holds and whether it passes its check. Daily
backups are taken at the first start of each study day (the last 7 days and 4
weeks are kept), and one before every change of the database's layout.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "backups"
HELP = "list the backups of the study database"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.commands.backup import _size
    from studyapp.store.backup import backup_dir, list_backups

    found = list_backups(paths.database)
    if args.json:
        import json

        rows = [
            {
                "file": str(b.path),
                "taken": b.taken.isoformat(timespec="seconds"),
                "size": b.size,
                "reviews": b.reviews,
                "check": b.check,
            }
            for b in found
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not found:
        print(f"no backups yet in {backup_dir(paths.database)}")
        return 0
    width = max(len(b.path.name) for b in found)
    print(f"{'backup':<{width}}  {'taken (UTC)':<16}  {'size':>9}  {'reviews':>8}  check")
    for b in found:
        reviews = "?" if b.reviews is None else f"{b.reviews:,}"
        taken = b.taken.strftime("%Y-%m-%d %H:%M")
        print(f"{b.path.name:<{width}}  {taken}  {_size(b.size):>9}  {reviews:>8}  {b.check}")
    print(f"in {backup_dir(paths.database)}")
    return 0
