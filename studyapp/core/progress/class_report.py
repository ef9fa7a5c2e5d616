"""The class report's figures, from the class server's summaries.

Rule: pure functions; the class server (``studyapp.server.report``) gives the
summed facts (:class:`StudentFacts`, :class:`TopicFacts`, :class:`CardFacts`,
:class:`AnswerFacts`) and this module decides what they mean: who is at risk
and why, which topics and cards are weakest, which wrong answers recur (from
:mod:`studyapp.core.progress.misconceptions`), and the pseudonyms of
``--anonymous``. Every figure is defined, with a worked
example, in ``docs/class-report.md``; the JSON and CSV forms
(:meth:`ClassReport.to_json`, :func:`csv_rows`) have stable names listed there.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from studyapp.core.progress.item_analysis import ExamAnalysis
from studyapp.core.progress.misconceptions import (
    AnswerFacts,
    GroupKey,
    Misconception,
    misconceptions,
    spelling_groups,
)

__all__ = [
    "CSV_COLUMNS",
    "DESIRED_RETENTION",
    "FALLING_BY",
    "IDLE_DAYS",
    "LEECH_LAPSES",
    "MIN_RECALLS",
    "AnswerFacts",
    "CardFacts",
    "CardRow",
    "ClassReport",
    "GroupKey",
    "Misconception",
    "Participation",
    "StudentFacts",
    "StudentRow",
    "TopicFacts",
    "TopicRow",
    "at_risk",
    "build_report",
    "csv_rows",
    "misconceptions",
    "pseudonyms",
    "retention",
    "spelling_groups",
]

DESIRED_RETENTION = 0.90
"""The retention students aim for (FSRS's default desired retention)."""
IDLE_DAYS = 7
"""No review for this many days: at risk."""
FALLING_BY = 0.10
"""True retention this much lower over the last 14 days than the 14 before: at risk."""
MIN_RECALLS = 10
"""Recalls each 14-day window needs before a fall in retention counts."""
LEECH_LAPSES = 8
"""A prompt a student has lapsed on this often is a leech (the app's default threshold)."""
PSEUDONYM_HEX = 6
"""Hex digits of a pseudonym (more only where two would collide)."""


@dataclass(frozen=True)
class StudentFacts:
    """One student's summed facts, as the server computes them."""

    login: str
    name: str | None
    reviews: int
    recalls: int
    passes: int
    last_day: date | None
    """The last day (UTC) with a review, or None."""
    active_days_7: int
    active_days_30: int
    overdue: int
    """Prompts whose due (the device's schedule) has passed."""
    recent_recalls: int
    recent_passes: int
    """Recalls and passes over the last 14 days."""
    previous_recalls: int
    previous_passes: int
    """Recalls and passes over the 14 days before those."""


@dataclass(frozen=True)
class TopicFacts:
    """One student's facts in one topic of a deck."""

    login: str
    deck_id: str
    topic: str
    recalls: int
    passes: int
    prompts: int
    mastery: float | None
    """Mean predicted recall now of the prompts studied."""


@dataclass(frozen=True)
class CardFacts:
    """The class's facts on one prompt."""

    deck_id: str
    card_id: str
    sibling: str
    topic: str
    kind: str
    students: int
    reviews: int
    recalls: int
    passes: int
    lapses: int
    leeches: int


@dataclass(frozen=True)
class Participation:
    students: int
    active_7: int
    active_30: int
    reviews_per_student: tuple[int, ...]
    """Every student's reviews, ascending (the distribution)."""
    median_reviews: float | None


@dataclass(frozen=True)
class StudentRow:
    student: str
    """The login, or its pseudonym under ``--anonymous``."""
    name: str | None
    reviews: int
    retention: float | None
    last_day: date | None
    overdue: int
    risks: tuple[str, ...]
    mastery: Mapping[str, float | None] = field(default_factory=dict)
    """Per ``deck/topic``: mean predicted recall now."""
    exams: Mapping[str, float] = field(default_factory=dict)
    """Per exam title: the score as a fraction of the questions."""


@dataclass(frozen=True)
class TopicRow:
    deck_id: str
    topic: str
    students: int
    recalls: int
    retention: float | None
    mean_recall: float | None
    below_desired: int


@dataclass(frozen=True)
class CardRow:
    deck_id: str
    card_id: str
    sibling: str
    topic: str
    kind: str
    students: int
    retention: float | None
    lapses_per_student: float
    leeches: int


@dataclass(frozen=True)
class ClassReport:
    generated: date
    anonymous: bool
    participation: Participation
    at_risk: tuple[StudentRow, ...]
    topics: tuple[TopicRow, ...]
    hardest: tuple[CardRow, ...]
    misconceptions: tuple[Misconception, ...]
    students: tuple[StudentRow, ...]
    exams: Mapping[str, ExamAnalysis] = field(default_factory=dict)
    cards: tuple[CardRow, ...] = ()
    """Every prompt answered, hardest first (``hardest`` is the first few)."""

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (names documented in docs/class-report.md)."""
        data: dict[str, Any] = asdict(self)
        data["generated"] = self.generated.isoformat()
        for row in (*data["students"], *data["at_risk"]):
            row["last_day"] = row["last_day"].isoformat() if row["last_day"] else None
            row["risks"] = list(row["risks"])
        return data


def retention(passes: int, recalls: int) -> float | None:
    """True retention: passes over recalls (``None`` without a recall)."""
    return passes / recalls if recalls else None


def at_risk(student: StudentFacts, today: date, daily_limit: int) -> tuple[str, ...]:
    """Why ``student`` is at risk (empty: not at risk)."""
    reasons = []
    if student.overdue > daily_limit:
        reasons.append(f"backlog: {student.overdue} overdue, above the daily limit {daily_limit}")
    if student.last_day is None:
        reasons.append("no study yet")
    elif (today - student.last_day).days >= IDLE_DAYS:
        reasons.append(f"no study for {(today - student.last_day).days} days")
    recent = retention(student.recent_passes, student.recent_recalls)
    previous = retention(student.previous_passes, student.previous_recalls)
    if (
        recent is not None
        and previous is not None
        and min(student.recent_recalls, student.previous_recalls) >= MIN_RECALLS
        and recent <= previous - FALLING_BY
    ):
        reasons.append(f"falling retention: {recent:.0%} over 14 days, {previous:.0%} before")
    return tuple(reasons)


def pseudonyms(logins: Sequence[str], secret: str) -> dict[str, str]:
    """A stable pseudonym per login: ``S-`` and the first hex digits of
    HMAC-SHA256(secret, login), longer only where two would collide."""
    digests = {
        login: hmac.new(secret.encode(), login.encode(), hashlib.sha256).hexdigest()
        for login in logins
    }
    length = PSEUDONYM_HEX
    while len({d[:length] for d in digests.values()}) < len(digests) and length < 64:
        length += 2
    return {login: f"S-{digest[:length].upper()}" for login, digest in digests.items()}


def _topics(facts: Sequence[TopicFacts], desired: float) -> tuple[TopicRow, ...]:
    grouped: dict[tuple[str, str], list[TopicFacts]] = defaultdict(list)
    for f in facts:
        grouped[(f.deck_id, f.topic)].append(f)
    rows = []
    for (deck_id, topic), members in grouped.items():
        recalls = sum(m.recalls for m in members)
        masteries = [m.mastery for m in members if m.mastery is not None]
        below = sum(
            1 for m in members if (r := retention(m.passes, m.recalls)) is not None and r < desired
        )
        rows.append(
            TopicRow(
                deck_id,
                topic,
                len(members),
                recalls,
                retention(sum(m.passes for m in members), recalls),
                sum(masteries) / len(masteries) if masteries else None,
                below,
            )
        )
    rows.sort(key=lambda t: (t.retention is None, t.retention or 0.0, t.deck_id, t.topic))
    return tuple(rows)


def _hardest(cards: Sequence[CardFacts]) -> tuple[CardRow, ...]:
    rows = [
        CardRow(
            c.deck_id,
            c.card_id,
            c.sibling,
            c.topic,
            c.kind,
            c.students,
            retention(c.passes, c.recalls),
            c.lapses / c.students if c.students else 0.0,
            c.leeches,
        )
        for c in cards
        if c.recalls
    ]
    rows.sort(
        key=lambda c: (c.retention or 0.0, -c.lapses_per_student, -c.leeches, c.deck_id, c.card_id)
    )
    return tuple(rows)


def _median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def build_report(
    *,
    today: date,
    students: Sequence[StudentFacts],
    topics: Sequence[TopicFacts],
    cards: Sequence[CardFacts],
    answers: Sequence[AnswerFacts],
    exams: Mapping[str, ExamAnalysis] | None = None,
    exam_scores: Mapping[str, Mapping[str, float]] | None = None,
    daily_limit: int = 200,
    desired: float = DESIRED_RETENTION,
    secret: str | None = None,
    hardest: int = 10,
    group_students: Mapping[GroupKey, int] | None = None,
) -> ClassReport:
    """The whole report. With ``secret`` it is anonymous: every login is
    replaced by its pseudonym and no name is kept. ``group_students``: see
    :func:`misconceptions`."""
    mastery: dict[str, dict[str, float | None]] = defaultdict(dict)
    for t in topics:
        mastery[t.login][f"{t.deck_id}/{t.topic}"] = t.mastery
    rows = [
        StudentRow(
            s.login,
            s.name,
            s.reviews,
            retention(s.passes, s.recalls),
            s.last_day,
            s.overdue,
            at_risk(s, today, daily_limit),
            mastery.get(s.login, {}),
            {
                exam: scores[s.login]
                for exam, scores in (exam_scores or {}).items()
                if s.login in scores
            },
        )
        for s in sorted(students, key=lambda s: s.login)
    ]
    if secret is not None:
        names = pseudonyms([s.login for s in students], secret)
        rows = sorted(
            (replace(r, student=names[r.student], name=None) for r in rows),
            key=lambda r: r.student,
        )
    reviews = sorted(s.reviews for s in students)
    participation = Participation(
        len(students),
        sum(1 for s in students if s.active_days_7),
        sum(1 for s in students if s.active_days_30),
        tuple(reviews),
        _median(reviews),
    )
    ranked = _hardest(cards)
    return ClassReport(
        today,
        secret is not None,
        participation,
        tuple(r for r in rows if r.risks),
        _topics(topics, desired),
        ranked[:hardest],
        misconceptions(answers, group_students=group_students),
        tuple(rows),
        dict(exams or {}),
        ranked,
    )


CSV_COLUMNS = ("section", "deck", "topic", "card", "student", "figure", "value")
"""The CSV form's columns: one figure per row (docs/class-report.md lists them)."""


def csv_rows(report: ClassReport) -> Iterator[tuple[object, ...]]:
    """The report as rows of :data:`CSV_COLUMNS`."""
    value: object
    p = report.participation
    for figure, value in (
        ("students", p.students),
        ("active_7", p.active_7),
        ("active_30", p.active_30),
        ("median_reviews", p.median_reviews),
    ):
        yield ("participation", "", "", "", "", figure, value)
    for t in report.topics:
        for figure, value in (
            ("students", t.students),
            ("recalls", t.recalls),
            ("retention", t.retention),
            ("mean_recall", t.mean_recall),
            ("below_desired", t.below_desired),
        ):
            yield ("topic", t.deck_id, t.topic, "", "", figure, value)
    for c in report.hardest:
        card = f"{c.card_id}/{c.sibling}"
        for figure, value in (
            ("students", c.students),
            ("retention", c.retention),
            ("lapses_per_student", c.lapses_per_student),
            ("leeches", c.leeches),
        ):
            yield ("hardest", c.deck_id, c.topic, card, "", figure, value)
    for m in report.misconceptions:
        card = f"{m.card_id}/{m.sibling}"
        yield ("misconception", m.deck_id, "", card, "", f"{m.source}:{m.answer}", m.times)
    for s in report.students:
        for figure, value in (
            ("reviews", s.reviews),
            ("retention", s.retention),
            ("overdue", s.overdue),
            ("risks", "; ".join(s.risks)),
        ):
            yield ("student", "", "", "", s.student, figure, value)
        for key, value in s.mastery.items():
            deck, _, topic = key.partition("/")
            yield ("student", deck, topic, "", s.student, "mastery", value)
        for title, score in s.exams.items():
            yield ("student", "", "", "", s.student, f"exam:{title}", score)
    for title, analysis in report.exams.items():
        yield ("exam", "", "", "", "", f"{title}:mean", analysis.mean)
        for item in analysis.items:
            for figure, value in (
                ("facility", item.facility),
                ("discrimination", item.discrimination),
                ("flags", "; ".join(item.flags)),
            ):
                yield ("item", "", "", item.label, "", f"{title}:{item.position}:{figure}", value)
