"""Print what is due today in each deck: new prompts, prompts in learning, and
reviews, within today's limits; with --json, the same rows as JSON. An error
in a deck is shown on its row; the other decks are counted as usual.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "due"
HELP = "print what is due today per deck"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.services import due_counts

    rows = due_counts(paths, settings)
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(row) for row in rows], indent=2))
        return 0
    width = max([len(r.deck) for r in rows] + [4])
    print(f"{'deck':<{width}}  {'new':>5}  {'learn':>5}  {'due':>5}")
    for row in rows:
        if row.error:
            print(f"{row.deck:<{width}}  error: {row.error}")
        else:
            print(f"{row.deck:<{width}}  {row.new:>5}  {row.learning:>5}  {row.review:>5}")
    return 0
