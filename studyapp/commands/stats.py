"""Statistics from the review log: the forecast of due reviews, a calendar of
reviews per day with the current streak, true retention, mastery per topic,
prompts by state, answer buttons, time spent and the most confused options.

Definitions: docs/statistics.md. The TUI shows the same figures (key t).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "stats"
HELP = "print statistics: forecast, streak, retention, mastery per topic"


def _now() -> datetime:
    """The time the statistics are computed at (tests replace it)."""
    return datetime.now(UTC)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--deck",
        dest="stats_decks",
        action="append",
        default=[],
        metavar="DECK",
        help="only this deck (repeatable; default: every deck)",
    )
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    import json
    import sys

    from studyapp.app.services import load_decks
    from studyapp.core.study.scheduling import Policy

    library = load_decks(paths, settings)
    decks = library.decks
    wanted: list[str] = args.stats_decks
    if wanted:
        known = {deck.id for deck in decks}
        missing = [deck_id for deck_id in wanted if deck_id not in known]
        if missing:
            names = ", ".join(sorted(known)) or "none"
            print(
                f"studyapp: no loaded deck {', '.join(missing)} (decks: {names})", file=sys.stderr
            )
            return 1
        decks = [deck for deck in decks if deck.id in wanted]
    report = None
    if paths.database.exists():
        from studyapp.store import Store
        from studyapp.store.stats import stats_report

        with Store.open(paths.database) as store:
            report = stats_report(
                store,
                decks,
                Policy(store.scheduler_config(settings.scheduler)),
                _now(),
                rollover_hour=settings.rollover_hour,
                history_of=wanted or None,
            )
    else:
        from studyapp.core.progress.stats import compute_stats

        report = compute_stats(
            [],
            {},
            decks,
            Policy(settings.scheduler),
            _now(),
            rollover_hour=settings.rollover_hour,
        )
    try:
        if args.json:
            payload = {"decks": [deck.id for deck in decks], **report.to_json()}
            print(json.dumps(payload, indent=2, ensure_ascii=False))
            return 0
        from rich.console import Console

        from studyapp.render.stats import report_renderables

        console = Console()
        for renderable in report_renderables(report):
            console.print(renderable)
    except BrokenPipeError:  # `studyapp stats | head`: the reader has seen enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
