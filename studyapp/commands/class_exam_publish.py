"""Publish a class exam: one fixed set of questions drawn from the newest
published version of a deck (and topic), the same prompts in the same order
for every student, with a time limit and a window. Students' apps show it
while it is open; a student sits it once, and a start after --closes is not
counted. The report (`studyapp class report`) analyses each question.

  studyapp class exam publish --db URL --deck pharm --topic dosing -n 20 \\
      --time 15m --opens 2026-12-01T09:00 --closes 2026-12-01T12:00

Times without a zone are local; the draw is random unless --seed is given.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.commands import fail
from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class exam publish"
HELP = "publish a class exam: fixed questions from a published deck, a time limit, a window"


def moment(text: str) -> datetime:
    """An ISO date and time; without a zone, local time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date and time (e.g. 2026-12-01T09:00)"
        ) from None
    return value if value.tzinfo else value.astimezone()


def duration(text: str) -> int:
    from studyapp.core.study.exam_spec import parse_duration

    try:
        return int(parse_duration(text).total_seconds())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    parser.add_argument("--deck", required=True, metavar="D", help="a deck published to the class")
    parser.add_argument("--topic", metavar="T", help="only this topic")
    parser.add_argument("-n", type=int, default=20, metavar="N", help="questions (default: 20)")
    parser.add_argument("--time", type=duration, required=True, help="time limit: 15m, 1h...")
    parser.add_argument("--opens", type=moment, required=True, metavar="DATETIME")
    parser.add_argument("--closes", type=moment, required=True, metavar="DATETIME")
    parser.add_argument("--title", help="the exam's title (default: deck, topic and opening)")
    parser.add_argument("--seed", type=int, help="draw the questions with this seed")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    if args.n < 1:
        return fail("an exam needs at least one question (-n 1 or more)")
    return run_on_server(lambda: _publish(args))


def questions(content: bytes, file_name: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The prompts drawn from one deck file's bytes."""
    from studyapp.core.library import load_library
    from studyapp.core.study.exam_spec import ExamSpec, PoolFacts, select_prompts

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_bytes(content)
        library = load_library([path])
    decks = [r.deck for r in library.results if r.deck is not None]
    spec = ExamSpec(deck_ids=(args.deck,), topics=(args.topic,) if args.topic else (), count=args.n)
    rng = random.Random(args.seed)
    return [
        {
            "deck": p.deck.id,
            "card": p.card.id,
            "sibling": p.sibling,
            "kind": p.card.kind,
            "topic": p.card.topic,
        }
        for p in select_prompts(decks, spec, PoolFacts(), rng)
    ]


def _publish(args: argparse.Namespace) -> int:
    from studyapp.server.decks import latest
    from studyapp.server.exams import publish_exam
    from studyapp.server.migrate import open_class

    with open_class(args.db) as conn:
        published = {d.deck_id: d for d in latest(conn)}
        deck = published.get(args.deck)
        if deck is None:
            return fail(
                f"no deck '{args.deck}' is published to this class: "
                "`studyapp class publish --db URL DECK` first"
            )
        asked = questions(deck.content, deck.file_name, args)
        if not asked:
            topic = f" on the topic '{args.topic}'" if args.topic else ""
            return fail(f"deck '{args.deck}' has no card{topic}")
        title = args.title or (
            f"{args.deck}{' ' + args.topic if args.topic else ''} {args.opens:%Y-%m-%d %H:%M}"
        )
        exam = publish_exam(
            conn,
            title=title,
            deck_id=args.deck,
            topic=args.topic,
            time_limit_s=args.time,
            opens_at=args.opens,
            closes_at=args.closes,
            questions=asked,
        )
    print(
        f"published exam {exam.exam_id} '{exam.title}': {len(exam.questions)} questions, "
        f"{exam.time_limit_s // 60} min, open {exam.opens_at.astimezone():%Y-%m-%d %H:%M} "
        f"to {exam.closes_at.astimezone():%Y-%m-%d %H:%M}"
    )
    return 0
