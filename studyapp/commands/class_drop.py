"""Take logins out of a class: their membership of the class's group is
revoked and, unless they belong to another class on the same server, their
login is disabled (NOLOGIN). Their events and roster row are kept;
`studyapp class enroll` brings a login back, with its password."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class drop"
HELP = "disable logins in a class, keeping their history"


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    parser.add_argument("names", nargs="+", metavar="NAME", help="logins to drop")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_on_server(lambda: _drop(args.db, args.names))


def _drop(url: str, names: list[str]) -> int:
    from studyapp.server.migrate import open_class
    from studyapp.server.roles import drop

    with open_class(url) as conn:
        for name in names:
            changed = drop(conn, name)
            print(f"{name}: {'dropped' if changed else 'already dropped'}; history kept")
    return 0
