"""The instructor's class screen: the class report (`studyapp class report`)
in the terminal, topics weakest first with a plot; enter drills from a topic
to its cards and from a card to its wrong answers, escape goes back, q quits.

  studyapp class --db postgresql://teacher@db.example.edu/pharm101 [--deck D] [--anonymous]

The other class commands are its subcommands (`studyapp class report ...`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands import fail
from studyapp.commands._class import DB_HELP, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class"
HELP = "the instructor's class screen (and the class commands below)"


def configure(parser: argparse.ArgumentParser) -> None:
    # Not required here: `studyapp class init --db URL` gives it to the subcommand.
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--deck", metavar="D", help="only this deck")
    parser.add_argument("--topic", metavar="T", help="only this topic")
    parser.add_argument(
        "--anonymous", action="store_true", help="stable pseudonyms instead of logins and names"
    )


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    if args.db is None:
        return fail("the class screen needs --db URL (the class commands: studyapp class --help)")

    def screen() -> int:
        from studyapp.commands.class_report import gather, moment
        from studyapp.server.migrate import open_class
        from studyapp.server.report import Filters

        with open_class(args.db) as conn:
            report = gather(
                conn, Filters(moment(None), args.deck, args.topic), anonymous=args.anonymous
            )
        from studyapp.tui.screens.class_report import ClassApp

        ClassApp(report).run()
        return 0

    return run_on_server(screen)
