"""Self-test (exam) mode and cram: choose questions, run them, score them.

Nothing here changes a review schedule. An exam never calls
:meth:`StudySession.answer <studyapp.core.study.session.StudySession.answer>` and
never writes the review log: a finished exam is stored on its own (tables
``exam`` and ``exam_answer``), and cram is not stored at all.

* :func:`select_prompts` picks prompts from the loaded decks with an injected
  ``Random``, filtered by deck, topic, tag and *pool*, using facts read from
  the store (:class:`PoolFacts`): card states, the prompts whose last review
  was Again, and what past exams said.
* :class:`ExamRun` is one exam in progress: its items (an objective prompt
  with its :class:`~studyapp.core.kinds.grading.Question`, or a flip prompt the
  student reveals and marks right or wrong), navigation, flags, answers that
  can change until submitted (timed mode) or are graded and locked at once
  (tutor mode), time per question and the time left (from the injected
  clock), and :meth:`ExamRun.submit`, which gives an :class:`ExamResult`.
* What is on screen when the student leaves a question, submits, or the time
  runs out *is* their answer (ticks, an order, pairs, text typed without
  enter): the screen hands it over (:meth:`ExamRun.keep`, and ``shown`` of
  :meth:`ExamRun.submit`); a question left untouched stays unanswered.
* At zero the exam submits itself (:meth:`ExamRun.check_time`).

The submitted exam (:class:`ExamResult`) and the history's rows are plain data,
in :mod:`studyapp.core.study.exam_result` (importable from here too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from random import Random
from typing import TYPE_CHECKING

from studyapp.core.deck.model import Deck
from studyapp.core.deck.text import plain
from studyapp.core.kinds.grading import Grade, Interaction, Question, Response, Verdict
from studyapp.core.study.exam_result import (
    ExamAnswerRow,
    ExamResult,
    ExamSummary,
    ItemOutcome,
    TopicScore,
)
from studyapp.core.study.exam_spec import (
    ExamMode,
    ExamSpec,
    Pool,
    PoolFacts,
    format_clock,
    in_pool,
    parse_duration,
    select_prompts,
)
from studyapp.core.study.session import Prompt

if TYPE_CHECKING:
    from studyapp.core.study.quiz import Quizzer

__all__ = [
    "ExamAnswerRow",
    "ExamClosed",
    "ExamItem",
    "ExamMode",
    "ExamResult",
    "ExamRun",
    "ExamSpec",
    "ExamSummary",
    "ItemOutcome",
    "Pool",
    "PoolFacts",
    "Shown",
    "TopicScore",
    "build_cram",
    "build_exam",
    "format_clock",
    "in_pool",
    "parse_duration",
    "select_prompts",
]


Shown = Mapping[int, Response | None]
"""Question position -> the answer on screen (``None``: none shown)."""


class ExamClosed(RuntimeError):
    """The exam was submitted (or its time ran out): answers can no longer change."""


class ExamItem:
    """One question of an exam, with what the student did with it."""

    __slots__ = (
        "flagged",
        "grade",
        "interaction",
        "marked",
        "position",
        "prompt",
        "question",
        "response",
        "revealed",
        "time_ms",
    )

    def __init__(
        self, position: int, prompt: Prompt, interaction: Interaction, question: Question | None
    ) -> None:
        self.position = position
        self.prompt = prompt
        self.interaction = interaction
        self.question = question
        """The question as shown (objective kinds); ``None`` for flip kinds."""
        self.response: Response | None = None
        self.marked: bool | None = None
        """Flip kinds: the student's own verdict after revealing."""
        self.revealed = False
        self.grade: Grade | None = None
        """Set when graded: at once in tutor mode, at submission in timed mode."""
        self.flagged = False
        self.time_ms = 0

    @property
    def is_flip(self) -> bool:
        return self.question is None

    @property
    def answered(self) -> bool:
        return self.response is not None or self.marked is not None

    def __repr__(self) -> str:
        return f"ExamItem({self.position}, {self.prompt.key!r}, answered={self.answered})"


def _flip_grade(prompt: Prompt, marked: bool) -> Grade:
    face = prompt.face()
    return Grade(
        Verdict.CORRECT if marked else Verdict.WRONG,
        1.0 if marked else 0.0,
        "marked right" if marked else "marked wrong",
        plain(list(face.back)),
    )


class ExamRun:
    """One exam in progress. Time comes from ``clock``; questions from ``quizzer``."""

    def __init__(
        self,
        spec: ExamSpec,
        prompts: Sequence[Prompt],
        quizzer: Quizzer,
        clock: Callable[[], datetime],
    ) -> None:
        if not prompts:
            raise ValueError("an exam needs at least one question")
        self.spec = spec
        self.quizzer = quizzer
        self.clock = clock
        items: list[ExamItem] = []
        for position, prompt in enumerate(prompts):
            interaction = quizzer.interaction(prompt)
            question = None if interaction is Interaction.FLIP else quizzer.ask(prompt)
            items.append(ExamItem(position, prompt, interaction, question))
        self.items: tuple[ExamItem, ...] = tuple(items)
        self.index = 0
        self.started_at = clock()
        self._entered = self.started_at
        self.result: ExamResult | None = None

    # -- reading ----------------------------------------------------------
    @property
    def tutor(self) -> bool:
        return self.spec.mode is ExamMode.TUTOR

    @property
    def current(self) -> ExamItem:
        return self.items[self.index]

    @property
    def finished(self) -> bool:
        return self.result is not None

    @property
    def deadline(self) -> datetime | None:
        limit = self.spec.time_limit
        return None if limit is None else self.started_at + limit

    def remaining(self) -> timedelta | None:
        """Time left (never negative), or ``None`` without a time limit."""
        deadline = self.deadline
        if deadline is None:
            return None
        return max(timedelta(0), deadline - self.clock())

    def expired(self) -> bool:
        deadline = self.deadline
        return deadline is not None and self.clock() >= deadline

    def locked(self, item: ExamItem | None = None) -> bool:
        """Whether ``item``'s answer can no longer change (tutor mode once answered)."""
        item = item or self.current
        return self.finished or (self.tutor and item.answered)

    def unanswered(self, shown: Shown | None = None) -> int:
        """Questions without an answer, counting the answers ``shown`` on screen."""
        shown = shown or {}
        return sum(not self.answered_with(item, shown) for item in self.items)

    def answered_with(self, item: ExamItem, shown: Shown) -> bool:
        """Whether ``item`` has an answer, the one on screen (``shown``) counting."""
        if item.position in shown and not item.is_flip and not self.locked(item):
            return shown[item.position] is not None
        return item.answered

    def time_on(self, item: ExamItem) -> int:
        """Milliseconds spent on ``item`` so far (the current one included)."""
        if item is self.current and not self.finished:
            return item.time_ms + self._since_entered(self._now())
        return item.time_ms

    # -- navigation -------------------------------------------------------
    def go_to(self, index: int) -> ExamItem:
        if not 0 <= index < len(self.items):
            raise IndexError(f"no question {index + 1} in an exam of {len(self.items)}")
        if index != self.index and not self.finished:
            now = self._now()
            self.current.time_ms += self._since_entered(now)
            self._entered = now
        self.index = index
        return self.current

    def next(self) -> bool:
        """Go to the next question; ``False`` on the last one."""
        if self.index + 1 >= len(self.items):
            return False
        self.go_to(self.index + 1)
        return True

    def previous(self) -> bool:
        if self.index == 0:
            return False
        self.go_to(self.index - 1)
        return True

    def toggle_flag(self, item: ExamItem | None = None) -> bool:
        """Flag or unflag ``item`` (default: the current one); return the new flag."""
        self._open()
        item = item or self.current
        item.flagged = not item.flagged
        return item.flagged

    # -- answering --------------------------------------------------------
    def answer(self, response: Response) -> Grade | None:
        """Answer the current (objective) question; tutor mode grades and locks it.

        A response that cannot be read (:attr:`Verdict.UNREADABLE`) is not
        kept, in either mode: its grade is returned so the student is asked
        again (it says what can be read, never whether the answer is right).
        """
        self._open()
        item = self.current
        if item.question is None:
            raise ValueError(f"{item.prompt.card.kind} questions are revealed and marked")
        if self.locked(item):
            raise ExamClosed(f"question {item.position + 1} is already graded")
        return self._store(item, item.question, response)

    def keep(self, response: Response | None) -> Grade | None:
        """The answer on screen as the student leaves the current question.

        It is their answer, as if submitted (tutor mode grades it); ``None`` (the
        screen shows no answer: nothing ticked, no text) leaves an untouched
        question unanswered and clears a saved answer the student took back. A
        flip question, or a graded one, is left alone. An answer that cannot be
        read is not kept (see :meth:`answer`).
        """
        self._open()
        return self._keep(self.current, response)

    def _keep(self, item: ExamItem, response: Response | None) -> Grade | None:
        if item.question is None or self.locked(item) or response == item.response:
            return item.grade
        if response is None:  # (timed mode: in tutor mode an answered question is locked)
            item.response = None
            return None
        return self._store(item, item.question, response)

    def _store(self, item: ExamItem, question: Question, response: Response) -> Grade | None:
        grade = self.quizzer.grade(item.prompt, question, response)
        if not grade.readable:
            return grade
        item.response = response
        if self.tutor:
            item.grade = grade
        return item.grade

    def reveal(self) -> None:
        """Show a flip question's answer (the student then marks it right or wrong)."""
        self._open()
        if not self.current.is_flip:
            raise ValueError("only flip questions are revealed")
        self.current.revealed = True

    def mark(self, correct: bool) -> Grade | None:
        """The student's own verdict on a revealed flip question."""
        self._open()
        item = self.current
        if not item.is_flip or not item.revealed:
            raise ValueError("reveal a flip question before marking it")
        if self.locked(item):
            raise ExamClosed(f"question {item.position + 1} is already marked")
        item.marked = correct
        if self.tutor:
            item.grade = _flip_grade(item.prompt, correct)
        return item.grade

    # -- time and submission ----------------------------------------------
    def check_time(self, shown: Shown | None = None) -> bool:
        """Submit the exam if its time is up; ``True`` if this call submitted it.
        ``shown``: the answers on screen at zero (see :meth:`submit`)."""
        if self.finished or not self.expired():
            return False
        self.submit(shown)
        return True

    def submit(self, shown: Shown | None = None) -> ExamResult:
        """Grade everything (unanswered questions are wrong) and close the exam.

        ``shown`` maps question positions to the answer on screen (``None``: no
        answer shown), taken as given (see :meth:`keep`), even at zero: what the
        student had on screen when the time ran out counts.
        """
        if self.result is not None:
            return self.result
        for position, response in (shown or {}).items():
            self._keep(self.items[position], response)
        now = self._now()
        timed_out = self.deadline is not None and now >= self.deadline
        self.current.time_ms += self._since_entered(now)
        self._entered = now
        outcomes = [self._outcome(item) for item in self.items]
        self.result = ExamResult(self.spec, self.started_at, now, tuple(outcomes), timed_out)
        return self.result

    def _outcome(self, item: ExamItem) -> ItemOutcome:
        prompt = item.prompt
        if item.grade is None and item.answered:
            if item.question is not None and item.response is not None:
                item.grade = self.quizzer.grade(prompt, item.question, item.response)
            elif item.marked is not None:
                item.grade = _flip_grade(prompt, item.marked)
        grade = item.grade
        question = item.question.prompt if item.question is not None else prompt.face().front
        feedback: tuple[str, ...] = ()
        if grade is None:  # not answered
            expected, answer, correct, score = self._expected(item), None, False, 0.0
        else:
            expected, answer, correct = grade.expected, grade.answer, grade.correct
            score, feedback = grade.score, grade.feedback
        return ItemOutcome(
            position=item.position,
            key=prompt.key,
            kind=prompt.card.kind,
            topic=prompt.card.topic,
            question=tuple(question),
            answer=answer,
            expected=expected,
            explanation=prompt.card.explain,
            correct=correct,
            score=score,
            time_ms=item.time_ms,
            flagged=item.flagged,
            feedback=feedback,
            evidence=prompt.card.evidence,
        )

    def _expected(self, item: ExamItem) -> str:
        """The correct answer of an unanswered question.

        Graded as a blank response (the first option for single choices, whose
        expected answer does not depend on the pick); only ``expected`` is used.
        """
        if item.question is None:
            return plain(list(item.prompt.face().back))
        empty: Response
        if item.interaction in (Interaction.TYPED, Interaction.NUMERIC):
            empty = ""
        elif item.interaction is Interaction.MULTI:
            empty = frozenset()
        elif item.interaction is Interaction.ORDERING:
            empty = tuple(range(len(item.question.options)))
        elif item.interaction is Interaction.MATCHING:
            empty = tuple(-1 for _ in item.question.options)
        else:
            empty = 0
        return self.quizzer.grade(item.prompt, item.question, empty).expected

    def _now(self) -> datetime:
        """The clock, never past the deadline (time after it does not count)."""
        now = self.clock()
        deadline = self.deadline
        return min(now, deadline) if deadline is not None else now

    def _since_entered(self, now: datetime) -> int:
        return max(0, int((now - self._entered).total_seconds() * 1000))

    def _open(self) -> None:
        if self.check_time() or self.finished:
            raise ExamClosed("the exam is over")


def build_exam(
    decks: Sequence[Deck],
    spec: ExamSpec,
    facts: PoolFacts,
    rng: Random,
    quizzer: Quizzer,
    clock: Callable[[], datetime],
) -> ExamRun | None:
    """An exam on ``spec``, or ``None`` when no prompt matches."""
    prompts = select_prompts(decks, spec, facts, rng)
    return ExamRun(spec, prompts, quizzer, clock) if prompts else None


def build_cram(
    decks: Sequence[Deck],
    topics: Sequence[str],
    facts: PoolFacts,
    rng: Random,
    quizzer: Quizzer,
    clock: Callable[[], datetime],
) -> ExamRun | None:
    """Every (unsuspended) prompt of ``decks`` on ``topics``, shuffled, in tutor mode.

    The run is never saved: cram studies ahead of schedule without touching it.
    """
    spec = ExamSpec(
        deck_ids=tuple(d.id for d in decks), topics=tuple(topics), count=None, mode=ExamMode.TUTOR
    )
    prompts = select_prompts(decks, spec, facts, rng, one_per_card=False)
    return ExamRun(spec, prompts, quizzer, clock) if prompts else None
