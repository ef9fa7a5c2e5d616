"""List everyone enrolled in a class: login, role, name, whether they may log
in, how many events the server holds for them and when the last arrived.
Dropped logins are listed too (their history is kept)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class students"
HELP = "list the logins enrolled in a class, with their event counts"


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_on_server(lambda: _students(args.db))


def _students(url: str) -> int:
    from studyapp.server.migrate import open_class
    from studyapp.server.roles import roster

    with open_class(url) as conn:
        rows = roster(conn)
    if not rows:
        print("nobody is enrolled yet: `studyapp class enroll --db URL NAME...`")
        return 0
    width = max(5, *(len(row.login) for row in rows))
    print(
        f"{'login':<{width}}  {'role':<10}  {'status':<8}  {'events':>8}  {'last event':<16}  name"
    )
    for row in rows:
        status = "dropped" if row.dropped_at else ("active" if row.can_login else "no login")
        last = f"{row.last_event_at.astimezone():%Y-%m-%d %H:%M}" if row.last_event_at else "-"
        print(
            f"{row.login:<{width}}  {row.role:<10}  {status:<8}  {row.events:>8}  {last:<16}  "
            f"{row.display_name or ''}".rstrip()
        )
    return 0
