"""Plan toward an exam date: until the exam, the deck's (or its topics') cards are
reviewed so that their predicted recall on the exam day reaches the target.

  studyapp plan --deck selank --exam 2026-12-15 [--topic T ...] [--retention 0.9]
  studyapp plan --list
  studyapp plan --remove ID

A plan only changes which cards are due when; answers are scheduled and logged
as usual, so after the exam normal scheduling simply carries on.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from studyapp.app.config import Paths, Settings
    from studyapp.core.deck.model import Deck
    from studyapp.store import Store

NAME = "plan"
HELP = "plan reviews toward an exam date (--list, --remove ID)"


def _retention(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.5 <= value <= 0.99:
        raise argparse.ArgumentTypeError("the target retention must be from 0.5 to 0.99")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deck", metavar="DECK", help="the deck id the exam is on")
    parser.add_argument("--exam", metavar="YYYY-MM-DD", help="the exam date (local)")
    parser.add_argument(
        "--topic",
        dest="plan_topics",
        action="append",
        default=[],
        metavar="TOPIC",
        help="only cards on this topic (repeatable; default: the whole deck)",
    )
    parser.add_argument(
        "--retention",
        type=_retention,
        default=None,
        metavar="R",
        help="predicted recall to reach on the exam day (default: desired_retention)",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list the plans and exit")
    action.add_argument("--remove", type=int, metavar="ID", help="remove plan ID")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from datetime import UTC, datetime

    from studyapp.app.plan_service import describe_outcome, new_plan, plan_outcomes
    from studyapp.app.services import load_decks
    from studyapp.core.study.planning import study_date
    from studyapp.store import Store

    now = datetime.now(UTC)
    if args.list or args.remove is not None:
        if args.deck or args.exam or args.plan_topics or args.retention is not None:
            return fail("--list and --remove take no --deck, --exam, --topic or --retention")
    elif not args.deck or not args.exam:
        return fail("a plan needs --deck DECK and --exam YYYY-MM-DD (or use --list)")
    with Store.open(paths.database) as store:
        if args.remove is not None:
            if not store.remove_plan(args.remove):
                return fail(f"no plan {args.remove} (see studyapp plan --list)")
            print(f"removed plan {args.remove}; your reviews and schedule are unchanged")
            return 0
        library = load_decks(paths, settings)
        if args.list:
            return _list(store, library.decks, settings, now)
        deck = library.deck(args.deck)
        if deck is None:
            known = ", ".join(d.id for d in library.decks) or "none"
            return fail(f"no deck {args.deck} (decks: {known})")
        target = args.retention or settings.scheduler.desired_retention
        today = study_date(now, settings.rollover_hour)
        try:
            plan = new_plan(deck, args.exam, args.plan_topics, target, today)
        except ValueError as exc:
            return fail(str(exc))
        plan = store.add_plan(plan, now)
        print(f"plan {plan.id}: {plan.describe()}")
        for outcome in plan_outcomes(store, [deck], settings, now):
            if outcome.plan.id == plan.id:
                for line in describe_outcome(outcome, settings.limits_for(deck.id).new):
                    print(f"  {line}")
    return 0


def _list(store: Store, decks: Sequence[Deck], settings: Settings, now: datetime) -> int:
    from studyapp.app.plan_service import describe_outcome, plan_outcomes

    outcomes = {o.plan.id: o for o in plan_outcomes(store, decks, settings, now)}
    plans = store.exam_plans()
    if not plans:
        print("no exam plans: `studyapp plan --deck DECK --exam YYYY-MM-DD` makes one")
        return 0
    for plan in plans:
        outcome = outcomes.get(plan.id)
        status = "" if outcome is not None else "  (past, or its deck is missing)"
        print(f"plan {plan.id}: {plan.describe()}{status}")
        if outcome is not None:
            for line in describe_outcome(outcome, settings.limits_for(plan.deck_id).new):
                print(f"  {line}")
    return 0
