"""A student's own standing in their class: per deck and topic, your true
retention and mastery (mean predicted recall now) against the class's lower
quartile, median and upper quartile. The class's figures are shown only where
at least 5 students contribute, so nobody can infer a classmate's results;
the server enforces it (you cannot read anyone else's figures at all).

  studyapp class me                   # the server of [sync] url in config.toml
  studyapp class me --db postgresql://alice@host:5432/pharm101
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands._class import add_student_db, run_as_student

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class me"
HELP = "your retention and mastery per topic against the class's median and quartiles"


def configure(parser: argparse.ArgumentParser) -> None:
    add_student_db(parser)


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_as_student(args, paths, settings, _me)


def _me(url: str) -> int:
    from studyapp.render.standing import standing_lines
    from studyapp.server.migrate import open_class
    from studyapp.server.report import MIN_STUDENTS, standing

    with open_class(url) as conn:
        rows = standing(conn)
    if not rows:
        print("nobody in the class has studied yet")
        return 0
    print("\n".join(standing_lines(rows, MIN_STUDENTS)))
    return 0
