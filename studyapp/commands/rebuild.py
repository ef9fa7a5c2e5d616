"""Recompute every card state from the review log, with the parameters
`studyapp optimize` adopted. The review log is the source of truth: this only
rewrites the states derived from it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "rebuild"
HELP = "recompute every card state from the review log"
EXCLUSIVE = True  # rewrites card states: not while the study app is open


def configure(parser: argparse.ArgumentParser) -> None:
    """No arguments of its own."""


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.services import rebuild_states
    from studyapp.store import Store

    if not paths.database.exists():
        print(f"no database at {paths.database}: nothing to rebuild")
        return 0
    with Store.open(paths.database) as store:
        count = rebuild_states(store, settings)  # with the parameters `optimize` adopted
        reviews = store.review_count()
        store.checkpoint()  # the database file alone now holds it all
    print(f"rebuilt {count} card states from {reviews} reviews in {paths.database}")
    return 0
