"""Suspend cards: no prompt of a suspended card is shown for review until it is
unsuspended (`studyapp unsuspend`). Its review history is kept.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.store import Store

NAME = "suspend"
HELP = "suspend cards (every prompt of each card)"
EXCLUSIVE = True  # rewrites card states: not while the study app is open


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", help="deck id")
    parser.add_argument("cards", nargs="+", metavar="CARD", help="card ids")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        return change(store, paths, settings, args.deck, args.cards, suspend=True)


def change(
    store: Store,
    paths: Paths,
    settings: Settings,
    deck_id: str,
    cards: Sequence[str],
    *,
    suspend: bool,
) -> int:
    """Suspend (or unsuspend) every prompt of ``cards``; say how many changed
    (also used by ``studyapp unsuspend``)."""
    from datetime import UTC, datetime

    from studyapp.app.services import load_decks, set_suspended

    library = load_decks(paths, settings)
    try:
        changed = set_suspended(store, library, deck_id, cards, suspend, datetime.now(UTC))
    except KeyError as exc:
        return fail(exc.args[0])
    verb = "suspended" if suspend else "unsuspended"
    print(f"{verb} {len(changed)} prompt{'s' * (len(changed) != 1)} of {len(cards)} card(s)")
    return 0
