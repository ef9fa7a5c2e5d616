"""The instructor's class report: participation and the students at risk (with
the reason), topics weakest first, the hardest cards, misconceptions (wrong
options picked, frequent wrong typed answers), each student's figures, and
the item analysis of every class exam. Every figure is summed by the class
server from its summary tables; docs/class-report.md defines each one.

Only the class's instructors may run it; --anonymous replaces every login by
a stable pseudonym and leaves names out, in every format.

  studyapp class report --db URL
  studyapp class report --db URL --deck pharm --since 2026-09-01 --anonymous \\
      --format html --output report.html
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail
from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.core.progress.class_report import ClassReport
    from studyapp.core.progress.item_analysis import ExamAnalysis
    from studyapp.server.connection import Connection
    from studyapp.server.exams import Sittings

NAME = "class report"
HELP = "the instructor's report on a class: at-risk students, weak topics, misconceptions, exams"


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def configure(parser: argparse.ArgumentParser) -> None:
    from studyapp.render.class_report import FORMATS

    add_db(parser)
    parser.add_argument("--deck", metavar="D", help="only this deck")
    parser.add_argument("--topic", metavar="T", help="only this topic")
    parser.add_argument(
        "--since", type=day, metavar="DATE", help="count reviews from DATE (YYYY-MM-DD) on"
    )
    parser.add_argument(
        "--anonymous", action="store_true", help="stable pseudonyms instead of logins and names"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument(
        "--daily-limit",
        type=int,
        default=200,
        metavar="N",
        help="an overdue backlog above N puts a student at risk (default: 200)",
    )
    parser.add_argument(
        "--as-of", type=day, metavar="DATE", help="the report as at the end of DATE (default: now)"
    )


def moment(as_of: date | None) -> datetime:
    """Now, or the end of ``as_of`` (UTC)."""
    if as_of is None:
        return datetime.now(UTC)
    return datetime.combine(as_of + timedelta(days=1), time(), UTC) - timedelta(microseconds=1)


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.output import OutputError, check_output, write_text

    if args.output is not None:
        try:
            check_output(args.output, args.force)
        except OutputError as exc:
            return fail(str(exc))

    def report() -> int:
        from studyapp.render.class_report import render
        from studyapp.server.migrate import open_class
        from studyapp.server.report import Filters

        filters = Filters(moment(args.as_of), args.deck, args.topic, args.since)
        with open_class(args.db) as conn:
            made = gather(conn, filters, anonymous=args.anonymous, daily_limit=args.daily_limit)
        text = render(made, args.format)
        if args.output is None:
            print(text, end="")
            return 0
        problem = write_text(args.output, text, force=args.force)
        return fail(problem) if problem else 0

    return run_on_server(report)


def gather(
    conn: Connection, filters: object, *, anonymous: bool = False, daily_limit: int = 200
) -> ClassReport:
    """The report, from the server's summaries (instructors only)."""
    from studyapp.core.progress.class_report import (
        AnswerFacts,
        CardFacts,
        StudentFacts,
        TopicFacts,
        build_report,
        spelling_groups,
    )
    from studyapp.server import report as server
    from studyapp.server.exams import sittings

    assert isinstance(filters, server.Filters)
    server.require_instructor(conn)
    # The queries are sent at once, the longest (topics: mastery now over every
    # student's prompts) last, and their rows read as they come: the server
    # computes while this process builds the facts already read.
    with server.snapshot(conn) as pipe:
        first = {
            name: server.send(conn, query(filters), pipe)
            for name, query in (
                ("answers", server.answers_query),
                ("students", server.students_query),
                ("cards", server.cards_query),
            )
        }
        sat = sittings(conn, filters.deck)
        topic_rows = server.send(conn, server.topics_query(filters), pipe)
        answers = [AnswerFacts(*row) for row in first["answers"]()]
        groups = spelling_groups(answers)
        grouped = server.send(conn, server.typed_students_query(groups), pipe)
        students = [StudentFacts(*row) for row in first["students"]()]
        cards = [CardFacts(*row) for row in first["cards"]()]
        exams, scores = _analyse(sat)
        topics = [TopicFacts(*row) for row in topic_rows()]
        group_students = {tuple(row[:4]): row[4] for row in grouped()}
        secret = server.report_secret(conn) if anonymous else None
    return build_report(
        today=filters.now.date(),
        students=students,
        topics=topics,
        cards=cards,
        answers=answers,
        group_students=group_students,
        exams=exams,
        exam_scores=scores,
        daily_limit=daily_limit,
        secret=secret,
    )


def _analyse(held: list[Sittings]) -> tuple[dict[str, ExamAnalysis], dict[str, dict[str, float]]]:
    """Each exam's item analysis, and each student's score (a fraction)."""
    from studyapp.core.progress.item_analysis import analyse_exam

    exams = {}
    scores: dict[str, dict[str, float]] = {}
    for one in held:
        labels = [f"{q.get('deck')}/{q.get('card')}" for q in one.exam.questions]
        exams[one.exam.title] = analyse_exam(one.scores, labels, one.answers)
        scores[one.exam.title] = {
            student: sum(row.values()) / len(labels) for student, row in one.scores.items()
        }
    return exams, scores
