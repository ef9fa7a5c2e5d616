"""Import a review history exported by another FSRS tool into a deck's log.

The CSV needs the columns card_id, review_rating (1 Again .. 4 Easy),
review_time (ISO 8601 with a UTC offset) and review_duration (milliseconds).
Every row is checked first; if any is bad, each error is printed as
path:line: error: message and nothing is imported. Reviews already in the
log (same deck, card and time) are skipped, so importing a file twice adds
nothing. Card ids that are not in the deck keep their history under the
sibling "main" (a basic card's). The states of the prompts it touches are then
replayed from the log.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "import-reviews"
HELP = "import a review history (CSV: card_id, review_rating, review_time, review_duration)"
EXCLUSIVE = True  # rewrites card states: not while the study app is open

MAX_ERRORS_SHOWN = 50


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE.csv", help="the review history")
    parser.add_argument(
        "--deck", required=True, metavar="DECK_ID", help="the deck the reviews belong to"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the file and count, import nothing"
    )


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from datetime import UTC, datetime

    from studyapp.app.services import load_one_deck, policy_for
    from studyapp.core.progress.review_import import DEFAULT_SIBLING, parse_reviews
    from studyapp.store import Store

    path: Path = args.file
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reviews, errors = parse_reviews(handle, str(path), now=datetime.now(UTC))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"studyapp: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    if errors:
        for error in errors[:MAX_ERRORS_SHOWN]:
            print(error, file=sys.stderr)
        if len(errors) > MAX_ERRORS_SHOWN:
            print(f"... and {len(errors) - MAX_ERRORS_SHOWN} more errors", file=sys.stderr)
        print(
            f"studyapp: {len(errors)} bad row{'s' * (len(errors) != 1)} in {path}: "
            "nothing imported",
            file=sys.stderr,
        )
        return 1
    deck, ids = load_one_deck(paths, settings, args.deck)  # not the whole library
    if deck is None:
        known = ", ".join(ids) or "none"
        print(f"studyapp: no deck '{args.deck}' (decks: {known})", file=sys.stderr)
        return 1
    from studyapp.core.study.session import prompts_of

    siblings: dict[str, tuple[str, str]] = {}
    for prompt in prompts_of(deck):
        siblings.setdefault(prompt.card.id, (prompt.sibling, prompt.card.kind))
    with Store.open(paths.database) as store:
        adopted = store.adopted_parameters()
        counts = store.import_reviews(
            deck.id,
            reviews,
            siblings,
            DEFAULT_SIBLING,
            policy_for(store, settings),
            reschedule_before=adopted.since,
            dry_run=args.dry_run,
        )
        store.checkpoint()  # the database file alone now holds the import
    cards = counts.cards_in_deck + counts.cards_unknown
    verb = "would import" if args.dry_run else "imported"
    print(
        f"{path}: {counts.rows:,} rows; {verb} {counts.imported:,}, "
        f"skipped {counts.duplicates:,} already in the log"
    )
    print(
        f"{cards:,} cards: {counts.cards_in_deck:,} in deck '{deck.id}', "
        f"{counts.cards_unknown:,} not in it (kept under sibling '{DEFAULT_SIBLING}')"
    )
    if not args.dry_run and counts.imported:
        print("card states of the imported prompts replayed from the review log")
    return 0
