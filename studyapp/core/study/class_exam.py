"""Class exams as a student's device sees them: what the instructor published
(read from the class server by sync, kept in the local store), whether it can
be started now, and the exam run on the published questions.

Rule: pure domain. The exam runs in the ordinary :class:`ExamRun`, on the
published prompts in the published order, timed, with the published time
limit; its options are shuffled per student (the server matches answers to
questions by deck, card and sibling, and the report counts the option picked
by its text, so a shuffle is graded and analysed right). A class exam is
started once: not after it was taken (on any device, or counted by the
server), not before it opens, not from ``closes_at`` on (by the injected
clock). One started before it closes runs its full time limit, even past
``closes_at``: the server counts a sitting by when it started.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import Deck, PromptKey
from studyapp.core.deck.text import sanitize
from studyapp.core.study.exam_spec import ExamMode, ExamSpec
from studyapp.core.study.session import Prompt, prompts_of

if TYPE_CHECKING:
    from studyapp.core.study.exam import ExamRun
    from studyapp.core.study.quiz import Quizzer

__all__ = ["ClassExam", "ClassExamRefused", "class_exam_run", "class_prompts", "status"]


class ClassExamRefused(ValueError):
    """A class exam that cannot be started now (the message says why, in one line)."""


@dataclass(frozen=True, slots=True)
class ClassExam:
    """One published class exam, as the server gave it."""

    exam_id: int
    title: str
    deck_id: str
    topic: str | None
    time_limit_s: int
    opens_at: datetime
    closes_at: datetime
    questions: tuple[PromptKey, ...]
    """(deck, card, sibling) of each question, in the published order."""

    @property
    def time_limit(self) -> timedelta:
        return timedelta(seconds=self.time_limit_s)

    @property
    def limit_text(self) -> str:
        """The time limit as shown: ``15 min``, ``1 min 30 s``, ``45 s``."""
        minutes, seconds = divmod(self.time_limit_s, 60)
        parts = [f"{minutes} min"] * bool(minutes) + [f"{seconds} s"] * bool(seconds)
        return " ".join(parts)

    def spec(self) -> ExamSpec:
        """The spec it runs on: its deck, its questions, timed, its time limit."""
        return ExamSpec(
            deck_ids=(self.deck_id,),
            topics=(self.topic,) if self.topic else (),
            count=len(self.questions),
            time_limit=self.time_limit,
            mode=ExamMode.TIMED,
            class_exam=self.exam_id,
            class_title=self.title,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "exam_id": self.exam_id,
            "title": self.title,
            "deck_id": self.deck_id,
            "topic": self.topic,
            "time_limit_s": self.time_limit_s,
            "opens_at": self.opens_at.isoformat(),
            "closes_at": self.closes_at.isoformat(),
            "questions": [
                {"deck": deck, "card": card, "sibling": sibling}
                for deck, card, sibling in self.questions
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClassExam:
        """From :meth:`to_json`, or the server's row (questions ``{deck, card,
        sibling, kind, topic}``; the sibling defaults to ``main``). The title and
        deck id are shown: terminal control characters are removed."""

        def moment(value: Any) -> datetime:
            return value if isinstance(value, datetime) else datetime.fromisoformat(value)

        return cls(
            exam_id=int(data["exam_id"]),
            title=" ".join(sanitize(str(data["title"])).split()),
            deck_id=sanitize(str(data["deck_id"])),
            topic=data.get("topic"),
            time_limit_s=int(data["time_limit_s"]),
            opens_at=moment(data["opens_at"]),
            closes_at=moment(data["closes_at"]),
            questions=tuple(
                (str(q["deck"]), str(q["card"]), str(q.get("sibling") or "main"))
                for q in data["questions"]
            ),
        )


def status(exam: ClassExam, now: datetime, taken: Collection[int]) -> str | None:
    """Why ``exam`` cannot be started at ``now`` (``None``: it can). ``taken``:
    the class exams this student has sat (saved on a device, or counted by the server)."""
    if exam.exam_id in taken:
        return f"you have already taken the class exam '{exam.title}' (a class exam is taken once)"
    if now >= exam.closes_at:
        return (
            f"the class exam '{exam.title}' closed at {exam.closes_at.astimezone():%a %d %b %H:%M}"
        )
    if now < exam.opens_at:
        return f"the class exam '{exam.title}' opens at {exam.opens_at.astimezone():%a %d %b %H:%M}"
    return None


def class_prompts(exam: ClassExam, decks: Sequence[Deck]) -> list[Prompt]:
    """The published questions' prompts from the loaded ``decks``, in the
    published order; :class:`ClassExamRefused` if the deck, or a card, is missing."""
    deck = next((d for d in decks if d.id == exam.deck_id), None)
    if deck is None:
        raise ClassExamRefused(
            f"the class exam '{exam.title}' needs the deck '{exam.deck_id}', which is not "
            "loaded: sync with the class server (`studyapp sync`) to get the class decks"
        )
    by_key = {prompt.key: prompt for d in decks for prompt in prompts_of(d)}
    missing = [key for key in exam.questions if key not in by_key]
    if missing:
        names = ", ".join(f"{d}/{c}" + ("" if s == "main" else f" ({s})") for d, c, s in missing)
        raise ClassExamRefused(
            f"the class exam '{exam.title}' asks cards this device does not have ({names}): "
            "sync with the class server (`studyapp sync`) for the deck's newest version"
        )
    return [by_key[key] for key in exam.questions]


def class_exam_run(
    exam: ClassExam,
    decks: Sequence[Deck],
    taken: Collection[int],
    quizzer: Quizzer,
    clock: Callable[[], datetime],
) -> ExamRun:
    """``exam`` started now, or :class:`ClassExamRefused` saying why it cannot be."""
    from studyapp.core.study.exam import ExamRun

    refused = status(exam, clock(), taken)
    if refused:
        raise ClassExamRefused(refused)
    return ExamRun(exam.spec(), class_prompts(exam, decks), quizzer, clock)
