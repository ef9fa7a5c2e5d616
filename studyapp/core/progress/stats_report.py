"""The figures of the statistics report (computed by :mod:`studyapp.core.progress.stats`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from studyapp.core.deck.model import PromptKey

__all__ = [
    "FORECAST_DAYS",
    "HISTORY_DAYS",
    "MATURE_DAYS",
    "WINDOWS",
    "ConfusedPair",
    "DayValue",
    "Ratio",
    "RetentionRow",
    "ReviewRow",
    "StateCounts",
    "StatsReport",
    "TodayLoad",
    "TopicMastery",
]

FORECAST_DAYS = 30
HISTORY_DAYS = 365
MATURE_DAYS = 21
"""A Review prompt is *mature* when its scheduled interval is at least this many days."""
WINDOWS: tuple[tuple[str, int | None], ...] = (("7d", 7), ("30d", 30), ("365d", 365), ("all", None))
"""Retention windows: the last N study days (today included), and all of the log."""
BUTTON_GROUPS = ("learning", "young", "mature", "all")
CONFUSED_LIMIT = 20


class ReviewRow(NamedTuple):
    """One live (not undone) review from the log, as statistics need it.

    A named tuple: a large log makes many of them, and tuples are built fastest.
    """

    key: PromptKey
    reviewed_at: datetime
    rating: int
    state_before: str
    duration_ms: int | None = None
    scheduled_due: datetime | None = None
    kind: str | None = None
    picked: str | None = None


@dataclass(frozen=True, slots=True)
class DayValue:
    day: date
    value: int


@dataclass(frozen=True, slots=True)
class Ratio:
    """``hits`` of ``total``; ``rate`` is ``None`` when there is nothing to count."""

    hits: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None

    def to_json(self) -> dict[str, Any]:
        return {"recalled": self.hits, "total": self.total, "rate": self.rate}


@dataclass(frozen=True, slots=True)
class RetentionRow:
    """True retention of one group over each of :data:`WINDOWS`.

    ``group`` is ``all``, ``young``, ``mature``, ``deck`` or ``topic``.
    """

    group: str
    deck_id: str | None
    topic: str | None
    windows: tuple[Ratio, ...]

    @property
    def label(self) -> str:
        if self.group == "deck":
            return f"deck {self.deck_id}"
        if self.group == "topic":
            return f"  {self.topic}"  # listed under its deck
        return {"all": "overall", "young": "young (<21d)", "mature": "mature (≥21d)"}[self.group]


@dataclass(frozen=True, slots=True)
class TopicMastery:
    """How well one topic of one deck is known now."""

    deck_id: str
    topic: str
    prompts: int
    studied: int
    mean_r: float | None
    """Mean retrievability of the studied prompts now; ``None`` if none is studied."""
    above: int
    """Prompts whose retrievability now is at or above the desired retention."""
    weakest: tuple[PromptKey, ...] = field(default=(), compare=False)
    """Every prompt of the topic: studied ones by retrievability (lowest first), then new."""


@dataclass(frozen=True, slots=True)
class StateCounts:
    """Prompts of the loaded decks by state; the first five are disjoint."""

    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    suspended: int = 0
    leech: int = 0
    """Prompts flagged as leeches (most of them are also suspended)."""

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review + self.relearning + self.suspended


@dataclass(frozen=True, slots=True)
class TodayLoad:
    due: int
    """Review prompts due by the end of today (overdue ones included)."""
    overdue: int
    """Of those, the ones that were due before today."""
    learning: int
    """(Re)learning prompts due by the end of today."""
    reviewed: int
    """Reviews answered today."""
    seconds: int
    """Time spent answering today."""


@dataclass(frozen=True, slots=True)
class ConfusedPair:
    """The wrong option picked most often on one choice card."""

    deck_id: str
    card_id: str
    topic: str | None
    correct: str | None
    picked: str
    times: int
    wrong: int
    """Every wrong pick logged for the card."""


@dataclass(frozen=True, slots=True)
class StatsReport:
    now: datetime
    today: date
    rollover_hour: int
    desired_retention: float
    load: TodayLoad
    forecast: tuple[DayValue, ...]
    reviews_per_day: tuple[DayValue, ...]
    seconds_per_day: tuple[DayValue, ...]
    streak: int
    longest_streak: int
    days_studied: int
    total_reviews: int
    retention: tuple[RetentionRow, ...]
    mastery: tuple[TopicMastery, ...]
    counts: StateCounts
    buttons: Mapping[str, tuple[int, int, int, int]]
    confused: tuple[ConfusedPair, ...]

    def retention_of(self, group: str) -> RetentionRow:
        return next(row for row in self.retention if row.group == group)

    def to_json(self) -> dict[str, Any]:
        """Every figure, as JSON-ready values."""

        def days(values: Iterable[DayValue]) -> list[dict[str, Any]]:
            return [{"day": v.day.isoformat(), "value": v.value} for v in values]

        return {
            "now": self.now.isoformat(),
            "today": self.today.isoformat(),
            "rollover_hour": self.rollover_hour,
            "desired_retention": self.desired_retention,
            "today_load": {
                "due": self.load.due,
                "overdue": self.load.overdue,
                "learning": self.load.learning,
                "reviewed": self.load.reviewed,
                "seconds": self.load.seconds,
            },
            "forecast": days(self.forecast),
            "reviews_per_day": days(self.reviews_per_day),
            "seconds_per_day": days(self.seconds_per_day),
            "streak": self.streak,
            "longest_streak": self.longest_streak,
            "days_studied": self.days_studied,
            "total_reviews": self.total_reviews,
            "retention": [
                {
                    "group": row.group,
                    "deck": row.deck_id,
                    "topic": row.topic,
                    **{
                        name: r.to_json() for (name, _), r in zip(WINDOWS, row.windows, strict=True)
                    },
                }
                for row in self.retention
            ],
            "mastery": [
                {
                    "deck": m.deck_id,
                    "topic": m.topic,
                    "prompts": m.prompts,
                    "studied": m.studied,
                    "mean_retrievability": m.mean_r,
                    "above_desired_retention": m.above,
                }
                for m in self.mastery
            ],
            "counts": {
                "new": self.counts.new,
                "learning": self.counts.learning,
                "review": self.counts.review,
                "relearning": self.counts.relearning,
                "suspended": self.counts.suspended,
                "leech": self.counts.leech,
                "total": self.counts.total,
            },
            "buttons": {
                group: dict(zip(("again", "hard", "good", "easy"), values, strict=True))
                for group, values in self.buttons.items()
            },
            "confused": [
                {
                    "deck": c.deck_id,
                    "card": c.card_id,
                    "topic": c.topic,
                    "correct": c.correct,
                    "picked": c.picked,
                    "times": c.times,
                    "wrong": c.wrong,
                }
                for c in self.confused
            ],
        }
