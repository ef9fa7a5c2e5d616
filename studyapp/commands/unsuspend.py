"""Unsuspend cards, or every suspended card of a deck with --all. Without a
card id (and without --all), list the deck's suspended prompts and leeches.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands.suspend import change

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "unsuspend"
HELP = "unsuspend cards; without CARD, list the suspended ones and leeches"
EXCLUSIVE = True  # rewrites card states: not while the study app is open


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", help="deck id")
    parser.add_argument("cards", nargs="*", metavar="CARD", help="card ids")
    parser.add_argument("--all", action="store_true", help="unsuspend every suspended card")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.services import suspended_prompts
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        cards = list(args.cards)
        if args.all or not cards:
            listed = suspended_prompts(store, args.deck)
            if not args.all:
                if not listed:
                    print(f"no suspended cards in deck '{args.deck}'")
                for row in listed:
                    leech = f"  leech, {row.lapses} lapses" if row.leech else ""
                    print(f"{row.card}  ({row.sibling}){leech}")
                return 0
            cards = sorted({row.card for row in listed})
        return change(store, paths, settings, args.deck, cards, suspend=False)
