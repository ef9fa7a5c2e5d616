"""What a submitted exam is: each question's outcome, the score, the score per
topic; and a past exam as the history lists it. Pure data (see
:mod:`studyapp.core.study.exam` for running one; :mod:`studyapp.store.exams` stores it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from studyapp.core.deck.model import PromptKey
from studyapp.core.deck.text import Span
from studyapp.core.study.exam_spec import ExamMode, ExamSpec

__all__ = ["ExamAnswerRow", "ExamResult", "ExamSummary", "ItemOutcome", "TopicScore"]


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """One question of a finished exam: what was asked, given and expected."""

    position: int
    key: PromptKey
    kind: str
    topic: str
    question: tuple[Span, ...]
    answer: str | None
    """What the student gave (``None``: not answered)."""
    expected: str
    explanation: str | None
    correct: bool
    score: float
    time_ms: int
    flagged: bool
    feedback: tuple[str, ...] = ()
    evidence: str | None = None
    """The card's evidence level (:data:`studyapp.core.deck.evidence.EVIDENCE`), if it has one."""


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    questions: int
    correct: int
    score: float


@dataclass(frozen=True, slots=True)
class ExamResult:
    """A submitted exam. ``score`` sums partial credit; ``correct`` counts full marks."""

    spec: ExamSpec
    started_at: datetime
    finished_at: datetime
    items: tuple[ItemOutcome, ...]
    timed_out: bool = False

    @property
    def mode(self) -> ExamMode:
        return self.spec.mode

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def score(self) -> float:
        return sum(item.score for item in self.items)

    @property
    def correct(self) -> int:
        return sum(item.correct for item in self.items)

    @property
    def percent(self) -> float:
        return self.score / self.total if self.total else 0.0

    @property
    def unanswered(self) -> int:
        return sum(item.answer is None for item in self.items)

    @property
    def missed(self) -> list[PromptKey]:
        """Prompts not fully right (unanswered ones included), in exam order."""
        return [item.key for item in self.items if not item.correct]

    def by_topic(self) -> list[TopicScore]:
        topics: dict[str, list[ItemOutcome]] = {}
        for item in self.items:
            topics.setdefault(item.topic, []).append(item)
        return [
            TopicScore(
                topic,
                len(items),
                sum(i.correct for i in items),
                sum(i.score for i in items),
            )
            for topic, items in sorted(topics.items())
        ]


@dataclass(frozen=True, slots=True)
class ExamSummary:
    """One past exam, as the history lists it."""

    id: int
    started_at: datetime
    finished_at: datetime
    spec: ExamSpec
    mode: ExamMode
    score: float
    total: int


@dataclass(frozen=True, slots=True)
class ExamAnswerRow:
    """One stored answer of a past exam."""

    position: int
    key: PromptKey
    kind: str
    topic: str
    answer: str | None
    correct: bool
    score: float
    time_ms: int
    flagged: bool
