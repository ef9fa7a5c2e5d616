"""A student's own standing in their class: per deck and topic, your true
retention and mastery (mean predicted recall now) against the class's lower
quartile, median and upper quartile. The class's figures are shown only where
at least 5 students contribute, so nobody can infer a classmate's results;
the server enforces it (you cannot read anyone else's figures at all).

  studyapp class me --db postgresql://alice@host:5432/pharm101
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class me"
HELP = "your retention and mastery per topic against the class's median and quartiles"


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_on_server(lambda: _me(args.db))


def _me(url: str) -> int:
    from studyapp.render.class_report import clean, percent
    from studyapp.server.migrate import open_class
    from studyapp.server.report import MIN_STUDENTS, standing

    with open_class(url) as conn:
        rows = standing(conn)
    if not rows:
        print("nobody in the class has studied yet")
        return 0

    def versus(
        mine: float | None, n: int, q1: float | None, q2: float | None, q3: float | None
    ) -> str:
        you = f"you {percent(mine)}"
        if q2 is None:
            return f"{you}; class: fewer than {MIN_STUDENTS} students ({n}), not shown"
        spread = f"quartiles {percent(q1)}-{percent(q3)}, {n} students"
        return f"{you}; class median {percent(q2)} ({spread})"

    for deck, topic, my_r, my_m, rn, r1, r2, r3, mn, m1, m2, m3 in rows:
        print(f"{clean(deck)} / {clean(topic) or '-'}")
        print(f"  retention: {versus(my_r, rn, r1, r2, r3)}")
        print(f"  mastery:   {versus(my_m, mn, m1, m2, m3)}")
    return 0
