"""Grade an answer to one card exactly as the study app would, without studying.

DECK is a deck id (from the configured deck folders) or the path of a deck
file; CARD_ID is the card's id; ANSWER is what a student would type. For a
choice, true/false, select-all, ordering or matching card, name the options
by the letters the question shows (printed first): one for a choice ("B", or
the option's text), any for select-all ("AC"; "" for none), every one in
order for ordering ("BADC"), and for matching one right-hand letter per
left-hand item in order ("CAB"; "." leaves one unmatched).

Prints the question as asked (options shuffled and numbers drawn with
--seed, as the app would with that seed), then the verdict, score, expected
answer, feedback (naming the rule that decided), and the rating the app
would propose for an answer given at once. Nothing is written to the study
database; answers students kept with "I was right" are not used. Instructors
use it to test accept lists, tolerances and units:

    studyapp try selank trkb-receptor "TrkB receptor"
    studyapp try decks/pharm.yaml recon-volume "0.1 mL" --seed 3 --json
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from studyapp.app.config import Paths, Settings
    from studyapp.core.deck.model import Deck
    from studyapp.core.kinds.grading import Grade, Question
    from studyapp.core.study.scheduling import Rating

NAME = "try"
HELP = "grade an answer to one card exactly as the app would (writes nothing)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", metavar="DECK", help="a deck id or a deck file")
    parser.add_argument("card", metavar="CARD_ID", help="the card's id")
    parser.add_argument("answer", metavar="ANSWER", help="the answer, as a student would type it")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="draws the options' order and a generated card's numbers (default: 0)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


class _NoAliases:
    """The answers students kept: none here, and nothing is ever stored."""

    def aliases(self, deck_id: str) -> dict[str, tuple[str, ...]]:
        return {}

    def add_alias(self, deck_id: str, card_id: str, alias: str, at: datetime) -> None:
        raise RuntimeError("studyapp try never stores an answer")  # pragma: no cover


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from datetime import UTC, datetime
    from random import Random

    from studyapp.commands import fail
    from studyapp.commands.preview import find_deck
    from studyapp.core.kinds import units
    from studyapp.core.kinds.grading import Interaction
    from studyapp.core.study.quiz import Quizzer, response_from_text
    from studyapp.core.study.session import prompts_of

    units.use_cache_folder(paths.units_cache_dir)  # pint's parsed definitions, if it is needed
    deck = find_deck(args.deck, paths, settings)
    if deck is None:
        return 1
    card = deck.card(args.card)
    if card is None:
        return fail(_unknown_card(deck, args.card))
    quizzer = Quizzer(
        _NoAliases(),
        lambda: datetime.now(UTC),
        rng=Random(args.seed),
        hard_after_ms=settings.hard_after_ms,
    )
    prompt = next(p for p in prompts_of(deck) if p.card.id == card.id)
    if quizzer.interaction(prompt) is Interaction.FLIP:
        return fail(
            f"card '{card.id}' is a {card.kind} card: it is not graded. The student "
            "reveals the answer and rates their own recall (1 Again, 2 Hard, 3 Good, 4 Easy)"
        )
    question = quizzer.ask(prompt)  # the same calls, in the same order, as the review screen
    try:
        response = response_from_text(question, args.answer)
    except ValueError as exc:
        return fail(f"cannot read the answer {args.answer!r} for card '{card.id}': {exc}")
    grade = quizzer.grade(prompt, question, response)
    rating = quizzer.propose(grade, 0)
    result = _result(deck, card.id, card.kind, args.seed, question, grade, rating)
    if args.json:
        import json

        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print("\n".join(_lines(result)))
    return 0


def _unknown_card(deck: Deck, card_id: str) -> str:
    import difflib

    ids = [card.id for card in deck.cards]
    close = difflib.get_close_matches(card_id, ids, n=1)
    hint = (
        f"; did you mean '{close[0]}'?" if close else f" ({len(ids)} cards; see: studyapp preview)"
    )
    return f"no card '{card_id}' in deck '{deck.id}'{hint}"


def _result(
    deck: Deck,
    card_id: str,
    kind: str,
    seed: int,
    question: Question,
    grade: Grade,
    rating: Rating | None,
) -> dict[str, Any]:
    """Everything shown, as JSON-ready data."""
    from studyapp.core.deck.text import plain
    from studyapp.core.kinds import units
    from studyapp.core.kinds.grading import option_letters

    count = len(question.options)  # a matching's left items are numbered, as on screen
    labels = [str(n) for n in range(1, count + 1)] if question.targets else option_letters(count)
    return {
        "deck": deck.id,
        "card": card_id,
        "kind": kind,
        "seed": seed,
        "question": plain(list(question.prompt)),
        "options": dict(zip(labels, question.options, strict=True)),
        "targets": dict(zip(option_letters(len(question.targets)), question.targets, strict=True)),
        "unit": question.unit,
        "values": {name: units.format_number(value) for name, value in question.values.items()},
        "answer": grade.answer,
        "verdict": grade.verdict.value,
        "score": grade.score,
        "expected": grade.expected,
        "feedback": list(grade.feedback),
        "rule": grade.rule,
        "diff": [list(run) for run in grade.diff],
        "items": [
            {"label": i.label, "expected": i.expected, "given": i.given, "ok": i.ok}
            for i in grade.items
        ],
        "solution": list(grade.solution),
        "proposed_rating": rating.name.lower() if rating is not None else None,
    }


def _lines(result: dict[str, Any]) -> list[str]:
    """The result as text; deck text is printed as is (no markup is interpreted)."""
    lines = [f"{result['deck']} / {result['card']} ({result['kind']}, seed {result['seed']})"]
    if result["values"]:
        drawn = ", ".join(f"{name} = {value}" for name, value in result["values"].items())
        lines.append(f"Numbers drawn: {drawn}")
    lines.append(f"Question: {result['question']}")
    lines += [f"  {label}. {text}" for label, text in result["options"].items()]
    if result["targets"]:
        lines.append("  match each with one of:")
        lines += [f"  {label}. {text}" for label, text in result["targets"].items()]
    lines.append(f"Answer: {result['answer']}")
    if result["verdict"] == "unreadable":
        lines.append("Verdict: not read - the app asks again; nothing is graded or rated")
    else:
        lines.append(f"Verdict: {result['verdict']} (score {result['score']:.0%})")
        lines.append(f"Expected: {result['expected']}")
    lines += [
        f"  {'✓' if item['ok'] else '✗'} {item['label']}: expected {item['expected']}, "
        f"given {item['given'] or '-'}"
        for item in result["items"]
    ]
    lines += [f"Feedback: {line}" for line in result["feedback"]]
    if result["rule"]:
        lines.append(f"Rule: {result['rule']}")
    lines += [f"Solution: {line}" for line in result["solution"]]
    rating = result["proposed_rating"]
    lines.append(f"Proposed rating: {rating.title() if rating else 'none'}")
    return lines
