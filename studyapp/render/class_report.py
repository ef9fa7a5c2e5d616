"""The class report as plain text, JSON and CSV (the HTML form: :mod:`.class_html`).

Rule: formatting only; the figures are the core's
(:class:`~studyapp.core.progress.class_report.ClassReport`). Text that came
from decks or students (topics, card ids, typed answers) is printed with its
control characters replaced, so it never moves the cursor or colours the
terminal. Column names of JSON and CSV are stable (docs/class-report.md).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass

from studyapp.core.progress.class_report import CSV_COLUMNS, ClassReport, csv_rows
from studyapp.core.progress.item_analysis import ExamAnalysis

__all__ = [
    "FORMATS",
    "Section",
    "clean",
    "headline",
    "percent",
    "render",
    "render_csv",
    "render_json",
    "render_text",
    "sections",
]

FORMATS = ("text", "json", "csv", "html")
MISCONCEPTIONS_SHOWN = 30


def clean(text: object) -> str:
    """``text`` with control characters (escape, newline...) shown as U+FFFD."""
    return "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in str(text))


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _table(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    cells = [tuple(clean(c) for c in row) for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return ["  " + line for line in lines]


@dataclass(frozen=True)
class Section:
    """One table of the report, as every format but JSON and CSV shows it."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]
    numeric: frozenset[int] = frozenset()


def exam_section(title: str, exam: ExamAnalysis) -> Section:
    rows: list[tuple[object, ...]] = [
        (
            item.position,
            item.label,
            percent(item.facility),
            _number(item.discrimination),
            ", ".join(item.flags) or "-",
            "  ".join(f"{a}: {n}" for a, n in list(item.options.items())[:4]),
        )
        for item in exam.items
    ]
    return Section(
        f"exam:{title}",
        f"Exam {clean(title)}: {exam.students} students, {exam.questions} questions, "
        f"mean score {_number(exam.mean, 1)}",
        ("#", "question", "facility", "discrim.", "flags", "answers"),
        rows,
        frozenset({0, 2, 3}),
    )


def sections(report: ClassReport) -> list[Section]:
    """The report's tables, in the order shown."""
    return [
        Section(
            "at_risk",
            f"At risk: {len(report.at_risk)}",
            ("student", "reasons"),
            [(s.student, "; ".join(s.risks)) for s in report.at_risk],
        ),
        Section(
            "topics",
            "Topics, weakest first",
            ("deck", "topic", "students", "retention", "recall now", "below 90%"),
            [
                (
                    t.deck_id,
                    t.topic or "-",
                    t.students,
                    percent(t.retention),
                    percent(t.mean_recall),
                    t.below_desired,
                )
                for t in report.topics
            ],
            frozenset({2, 3, 4, 5}),
        ),
        Section(
            "hardest",
            "Hardest cards",
            ("deck", "card", "topic", "students", "retention", "lapses/student", "leeches"),
            [
                (
                    c.deck_id,
                    f"{c.card_id}/{c.sibling}",
                    c.topic or "-",
                    c.students,
                    percent(c.retention),
                    _number(c.lapses_per_student),
                    c.leeches,
                )
                for c in report.hardest
            ],
            frozenset({3, 4, 5, 6}),
        ),
        Section(
            "misconceptions",
            "Misconceptions (wrong answers, most frequent first)",
            ("deck", "card", "answer", "times", "students"),
            [
                (
                    m.deck_id,
                    f"{m.card_id}/{m.sibling}",
                    m.answer if m.source == "picked" else f'typed "{m.answer}"',
                    m.times,
                    m.students,
                )
                for m in report.misconceptions[:MISCONCEPTIONS_SHOWN]
            ],
            frozenset({3, 4}),
        ),
        Section(
            "students",
            "Per student",
            ("student", "name", "reviews", "retention", "overdue", "last study", "exams"),
            [
                (
                    s.student,
                    s.name or "-",
                    s.reviews,
                    percent(s.retention),
                    s.overdue,
                    s.last_day.isoformat() if s.last_day else "never",
                    ", ".join(f"{clean(t)} {percent(v)}" for t, v in s.exams.items()) or "-",
                )
                for s in report.students
            ],
            frozenset({2, 3, 4}),
        ),
        *(exam_section(title, exam) for title, exam in report.exams.items()),
    ]


def headline(report: ClassReport) -> list[tuple[str, object]]:
    """The figures the report opens with."""
    p = report.participation
    return [
        ("students", p.students),
        ("active in 7 days", p.active_7),
        ("active in 30 days", p.active_30),
        ("median reviews", _number(p.median_reviews, 0)),
        ("at risk", len(report.at_risk)),
    ]


def render_text(report: ClassReport) -> str:
    """The report for a terminal or a plain-text file."""
    p = report.participation
    out = [
        f"Class report, {report.generated.isoformat()}"
        + (" (anonymous: pseudonyms, no names)" if report.anonymous else ""),
        "",
        f"Participation: {p.students} students, {p.active_7} active in the last 7 days, "
        f"{p.active_30} in the last 30; median reviews per student {_number(p.median_reviews, 0)}",
    ]
    if p.reviews_per_student:
        quartiles = [
            p.reviews_per_student[int(q * (len(p.reviews_per_student) - 1))]
            for q in (0, 0.25, 0.5, 0.75, 1)
        ]
        out.append("  reviews per student (min, quartiles, max): " + ", ".join(map(str, quartiles)))
    for section in sections(report):
        out += ["", section.title, *_table(section.headers, section.rows)]
    return "\n".join(out) + "\n"


def render_json(report: ClassReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def render_csv(report: ClassReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report))
    return buffer.getvalue()


def render(report: ClassReport, form: str) -> str:
    """The report in ``form`` (one of :data:`FORMATS`)."""
    if form == "html":
        from studyapp.render.class_html import render_html

        return render_html(report)
    return {"text": render_text, "json": render_json, "csv": render_csv}[form](report)
