"""Command line entry point.

``studyapp`` with no command starts the TUI, and ``studyapp exam`` starts it in
an exam. The other commands (``check``, ``due``, ``rebuild``, ``exam --history``)
never import Textual, so they start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp import __version__
from studyapp.commands import Command, discover
from studyapp.config import ConfigError, Paths, Settings, load_settings, resolve_paths
from studyapp.core.evidence import EVIDENCE

if TYPE_CHECKING:
    from datetime import timedelta

__all__ = ["main"]

POOLS = ("all", "unseen", "missed", "flagged", "leeches")
"""The exam pools (:class:`studyapp.core.exam.Pool`; a test checks they match)."""


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default_list: object = argparse.SUPPRESS if suppress else []
    default_none: object = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--decks",
        metavar="DIR",
        action="append",
        type=Path,
        default=default_list,
        help="also load decks from DIR (repeatable)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=default_none,
        help="keep config and data in DIR (like STUDYAPP_HOME)",
    )


def _parser(commands: dict[str, Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Study pharmacology flashcards with FSRS spaced repetition.",
        epilog="Run without a command to start the study app.",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="validate and lint deck files; report errors and warnings",
        description="Validate and lint deck files. Exit status: 0 when there is no error "
        "(with --strict: no error and no warning), 1 otherwise, 2 for a usage or config error.",
    )
    _common(check, suppress=True)
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="deck files or folders")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json, or github (GitHub Actions annotations)",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    check.add_argument(
        "--list-rules", action="store_true", help="list every rule id with its severity and exit"
    )

    due = sub.add_parser("due", help="print what is due today per deck")
    _common(due, suppress=True)
    due.add_argument("--json", action="store_true", help="print JSON")

    rebuild = sub.add_parser("rebuild", help="recompute every card state from the review log")
    _common(rebuild, suppress=True)

    suspend = sub.add_parser("suspend", help="suspend cards (every prompt of each card)")
    _common(suspend, suppress=True)
    suspend.add_argument("deck", help="deck id")
    suspend.add_argument("cards", nargs="+", metavar="CARD", help="card ids")

    unsuspend = sub.add_parser(
        "unsuspend", help="unsuspend cards; without CARD, list the suspended ones and leeches"
    )
    _common(unsuspend, suppress=True)
    unsuspend.add_argument("deck", help="deck id")
    unsuspend.add_argument("cards", nargs="*", metavar="CARD", help="card ids")
    unsuspend.add_argument("--all", action="store_true", help="unsuspend every suspended card")

    exam = sub.add_parser(
        "exam",
        help="self-test in the study app (exam answers do not change your review schedule)",
        description="Start the study app in an exam. Exam answers do not change your "
        "review schedule.",
    )
    _common(exam, suppress=True)
    exam.add_argument(
        "--deck",
        dest="exam_decks",
        action="append",
        default=[],
        metavar="DECK",
        help="a deck id (repeatable; default: every deck)",
    )
    exam.add_argument(
        "--topic",
        dest="topics",
        action="append",
        default=[],
        metavar="TOPIC",
        help="a topic (repeatable; any case)",
    )
    exam.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="TAG",
        help="a card tag (repeatable; a card with any of them matches)",
    )
    exam.add_argument(
        "--evidence",
        dest="evidence",
        action="append",
        default=[],
        choices=list(EVIDENCE),
        metavar="LEVEL",
        help="cards whose evidence level is LEVEL (repeatable; a card with any of them "
        f"matches): {', '.join(EVIDENCE)}",
    )
    exam.add_argument("--pool", choices=POOLS, default="all", help="which cards (default: all)")
    exam.add_argument(
        "-n", "--count", type=_positive, default=20, help="number of questions (default: 20)"
    )
    exam.add_argument(
        "--time",
        type=_duration,
        default=None,
        metavar="DURATION",
        help="time limit, e.g. 15m, 90s, 1h (default: none)",
    )
    exam.add_argument("--tutor", action="store_true", help="grade and explain each answer at once")
    exam.add_argument("--history", action="store_true", help="print past exams and exit")
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {"": sub}
    for command in commands.values():
        *group, word = command.name.split()  # "class init": `init` in the `class` group
        command_parser = _group(groups, group, commands).add_parser(
            word,
            help=command.help,
            description=command.description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command_parser.set_defaults(command=command.name)
        _common(command_parser, suppress=True)
        command.configure(command_parser)
    return parser


def _group(
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]],
    words: list[str],
    commands: dict[str, Command],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The subcommands of the group named by ``words`` (``[]``: the top level)."""
    key = " ".join(words)
    if key not in groups:
        members = sorted(
            n.split()[len(words)] for n in commands if n.split()[: len(words)] == words
        )
        parser = _group(groups, words[:-1], commands).add_parser(
            words[-1], help=f"{key} commands: {', '.join(dict.fromkeys(members))}"
        )
        groups[key] = parser.add_subparsers(dest=f"{key} command", metavar="COMMAND", required=True)
    return groups[key]


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1")
    return int(text)


def _duration(text: str) -> timedelta:
    from studyapp.core.exam import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


BUILTIN = ("check", "due", "rebuild", "suspend", "unsuspend", "exam")
"""The commands defined here; the others are modules in :mod:`studyapp.commands`."""


def _command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (None: none), skipping the global options."""
    words = iter(argv)
    for word in words:
        if word in ("--decks", "--data-dir"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _commands_needed(argv: Sequence[str]) -> dict[str, Command]:
    """The command modules, unless ``argv`` runs a built-in command or the app.

    Importing every command module to build the parser costs ~10 ms, a twentieth
    of ``studyapp due``; help and the other commands need them.
    """
    word = _command_word(argv)
    if word in BUILTIN or (word is None and not {"-h", "--help"} & set(argv)):
        return {}
    return discover()


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = _commands_needed(argv)
    args = _parser(commands).parse_args(argv)
    paths = resolve_paths(args.data_dir)
    try:
        settings = load_settings(paths, extra_decks=args.decks)
    except ConfigError as exc:
        print(f"studyapp: config error: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        from studyapp import check

        if args.list_rules:
            return check.list_rules(args.format)
        targets = args.paths or list(settings.deck_dirs)
        return check.run(targets, args.format, strict=args.strict)
    # Only the commands that open the database pay for importing sqlite3.
    import sqlite3

    from studyapp.store.db import StoreError

    try:
        if args.command == "due":
            return cmd_due(paths, settings, as_json=args.json)
        if args.command == "rebuild":
            return cmd_rebuild(paths, settings)
        if args.command in ("suspend", "unsuspend"):
            return cmd_suspend(paths, settings, args)
        if args.command == "exam":
            return cmd_exam(paths, settings, args)
        if args.command in commands:
            return commands[args.command].run(args, paths, settings)
        return cmd_tui(paths, settings)
    except (StoreError, sqlite3.Error) as exc:
        # StoreError (a database from a newer studyapp), a file that is not a
        # database, a locked database: say so, without a traceback.
        print(f"studyapp: cannot use the database {paths.database}: {exc}", file=sys.stderr)
        return 1


def cmd_due(paths: Paths, settings: Settings, *, as_json: bool) -> int:
    from studyapp.services import due_counts

    rows = due_counts(paths, settings)
    if as_json:
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


def cmd_rebuild(paths: Paths, settings: Settings) -> int:
    from studyapp.services import rebuild_states
    from studyapp.store import Store

    if not paths.database.exists():
        print(f"no database at {paths.database}: nothing to rebuild")
        return 0
    with Store.open(paths.database) as store:
        count = rebuild_states(store, settings)  # with the parameters `optimize` adopted
        reviews = store.review_count()
    print(f"rebuilt {count} card states from {reviews} reviews in {paths.database}")
    return 0


def cmd_suspend(paths: Paths, settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from studyapp.services import load_decks, set_suspended, suspended_prompts
    from studyapp.store import Store

    suspend = args.command == "suspend"
    with Store.open(paths.database) as store:
        cards = list(args.cards)
        if not suspend and (args.all or not cards):
            listed = suspended_prompts(store, args.deck)
            if not args.all:
                if not listed:
                    print(f"no suspended cards in deck '{args.deck}'")
                for row in listed:
                    leech = f"  leech, {row.lapses} lapses" if row.leech else ""
                    print(f"{row.card}  ({row.sibling}){leech}")
                return 0
            cards = sorted({row.card for row in listed})
        library = load_decks(paths, settings)
        try:
            changed = set_suspended(store, library, args.deck, cards, suspend, datetime.now(UTC))
        except KeyError as exc:
            print(f"studyapp: {exc.args[0]}", file=sys.stderr)
            return 1
    verb = "suspended" if suspend else "unsuspended"
    print(f"{verb} {len(changed)} prompt{'s' * (len(changed) != 1)} of {len(cards)} card(s)")
    return 0


def cmd_exam(paths: Paths, settings: Settings, args: argparse.Namespace) -> int:
    """Start the TUI in an exam, after checking it has questions; or print the history."""
    if args.history:
        return cmd_exam_history(paths)
    from random import Random

    from studyapp.core.exam import ExamMode, ExamSpec, Pool, select_prompts
    from studyapp.services import load_decks
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
        print(
            f"studyapp: no deck {', '.join(unknown)} (decks: {', '.join(known) or 'none'})",
            file=sys.stderr,
        )
        return 1
    decks = [deck for deck in library.decks if not spec.deck_ids or deck.id in spec.deck_ids]
    with Store.open(paths.database) as store:
        facts = store.pool_facts([deck.id for deck in decks])
    if not select_prompts(decks, spec, facts, Random(0)):
        print(f"studyapp: no question matches this exam ({spec.describe()})", file=sys.stderr)
        return 1
    from studyapp.tui.app import run

    exit_code: int = run(paths, settings, exam=spec)
    return exit_code


def cmd_exam_history(paths: Paths) -> int:
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


def cmd_tui(paths: Paths, settings: Settings) -> int:
    from studyapp.tui.app import run

    exit_code: int = run(paths, settings)
    return exit_code
