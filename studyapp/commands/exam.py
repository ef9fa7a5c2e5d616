"""Start the study app in an exam. Exam answers do not change your review
schedule. With --history, print past exams instead (without starting the app).
With --class ID, take the class exam ID (`studyapp class exams` lists them): its
published questions, in their order, with its time limit; once, while it is open.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands import fail
from studyapp.core.deck.evidence import EVIDENCE

if TYPE_CHECKING:
    from datetime import timedelta

    from studyapp.app.config import Paths, Settings

NAME = "exam"
HELP = "self-test in the study app (exam answers do not change your review schedule)"

POOLS = ("all", "unseen", "missed", "flagged", "leeches")
"""The exam pools (:class:`studyapp.core.study.exam.Pool`; a test checks they match),
named here so building the parser does not import the exam code."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--deck",
        dest="exam_decks",
        action="append",
        default=[],
        metavar="DECK",
        help="a deck id (repeatable; default: every deck)",
    )
    parser.add_argument(
        "--topic",
        dest="topics",
        action="append",
        default=[],
        metavar="TOPIC",
        help="a topic (repeatable; any case)",
    )
    parser.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="TAG",
        help="a card tag (repeatable; a card with any of them matches)",
    )
    parser.add_argument(
        "--evidence",
        dest="evidence",
        action="append",
        default=[],
        choices=list(EVIDENCE),
        metavar="LEVEL",
        help="cards whose evidence level is LEVEL (repeatable; a card with any of them "
        f"matches): {', '.join(EVIDENCE)}",
    )
    parser.add_argument("--pool", choices=POOLS, default="all", help="which cards (default: all)")
    parser.add_argument(
        "-n", "--count", type=_positive, default=20, help="number of questions (default: 20)"
    )
    parser.add_argument(
        "--time",
        type=_duration,
        default=None,
        metavar="DURATION",
        help="time limit, e.g. 15m, 90s, 1h (default: none)",
    )
    parser.add_argument(
        "--tutor", action="store_true", help="grade and explain each answer at once"
    )
    parser.add_argument("--history", action="store_true", help="print past exams and exit")
    parser.add_argument(
        "--class",
        dest="class_exam",
        type=_positive,
        metavar="ID",
        help="take the class exam ID (published by the instructor; known after a sync)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1")
    return int(text)


def _duration(text: str) -> timedelta:
    from studyapp.core.study.exam import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """Start the TUI in an exam, after checking it has questions; or print the history."""
    if args.history:
        return history(paths)
    if args.class_exam is not None:
        return class_exam(paths, settings, args.class_exam)
    from random import Random

    from studyapp.app.services import load_decks
    from studyapp.core.study.exam import ExamMode, ExamSpec, Pool, select_prompts
    from studyapp.store import Store

    spec = ExamSpec(
        deck_ids=tuple(args.exam_decks),
        topics=tuple(args.topics),
        tags=tuple(args.tags),
        evidence=tuple(dict.fromkeys(args.evidence)),
        pool=Pool(args.pool),
        count=args.count,
        time_limit=args.time,
        mode=ExamMode.TUTOR if args.tutor else ExamMode.TIMED,
    )
    library = load_decks(paths, settings)
    known = [deck.id for deck in library.decks]
    unknown = [deck_id for deck_id in spec.deck_ids if deck_id not in known]
    if unknown:
        return fail(f"no deck {', '.join(unknown)} (decks: {', '.join(known) or 'none'})")
    decks = [deck for deck in library.decks if not spec.deck_ids or deck.id in spec.deck_ids]
    with Store.open(paths.database) as store:
        facts = store.pool_facts([deck.id for deck in decks])
    if not select_prompts(decks, spec, facts, Random(0)):
        return fail(f"no question matches this exam ({spec.describe()})")
    from studyapp.tui.app import run as run_app

    exit_code: int = run_app(paths, settings, exam=spec)
    return exit_code


def history(paths: Paths) -> int:
    """Print past exams, newest first (no Textual)."""
    exams = []
    if paths.database.exists():
        from studyapp.store import Store

        with Store.open(paths.database) as store:
            exams = store.exam_history()
    if not exams:
        print("no exams yet: `studyapp exam` starts one")
        return 0
    print(f"{'id':>4}  {'finished':<16}  {'mode':<5}  {'questions':>9}  {'score':>12}  on")
    for exam in exams:
        score = f"{exam.score:g}/{exam.total} ({exam.score / exam.total if exam.total else 0:.0%})"
        print(
            f"{exam.id:>4}  {exam.finished_at.astimezone():%Y-%m-%d %H:%M}  "
            f"{exam.mode.value:<5}  {exam.total:>9}  {score:>12}  {exam.spec.describe()}"
        )
    print("Exam answers do not change your review schedule.")
    return 0


def class_exam(paths: Paths, settings: Settings, exam_id: int) -> int:
    """Start the app in class exam ``exam_id``, after checking it can be started
    now (as the app does again): known from a sync, open, not taken, its deck here."""
    from datetime import UTC, datetime

    from studyapp.app.class_exams import cached_exams, pick
    from studyapp.app.services import load_decks
    from studyapp.core.study.class_exam import ClassExamRefused, class_prompts, status
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        known = cached_exams(store)
    exam = pick(known, datetime.now(UTC), exam_id)
    if exam is None:
        return fail(
            f"no class exam {exam_id} is known on this device: `studyapp sync` reads the open "
            "ones from the class server (`studyapp class exams` lists them)"
        )
    refused = status(exam, datetime.now(UTC), known.taken)
    if refused:
        return fail(refused)
    try:
        class_prompts(exam, load_decks(paths, settings).decks)
    except ClassExamRefused as exc:
        return fail(str(exc))
    from studyapp.tui.app import run as run_app

    exit_code: int = run_app(paths, settings, exam=exam.spec())
    return exit_code
