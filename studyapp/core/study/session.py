"""A study session: the queue of due prompts, answering, undo, burying, limits.

The session is pure policy. Persistence goes through a
:class:`ReviewRepository` (declared in :mod:`studyapp.core.study.review_log`,
implemented by :mod:`studyapp.store`), and time
comes from an injected clock, so everything here is testable without SQLite
or a real clock.

Queue rules (see ``docs/scheduling.md``):

* learning and relearning prompts are shown when due (or up to
  ``learn_ahead`` early when nothing else is left);
* review prompts due before the next day rollover, up to the deck's daily
  review limit;
* new prompts in deck order, up to the deck's daily new limit;
* a prompt whose sibling (same deck and card id) was studied today is
  buried until the next day, unless it is in (re)learning;
* suspended prompts never show (suspending suspends the whole card: every
  prompt of it).

A *focus* session (``focus=[keys]``, "review my misses" after an exam) asks
exactly the given prompts, in that order, once each, whatever their due
dates and the daily limits (suspended ones excepted); answers are scheduled
and logged as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING

from studyapp.core.deck.model import Card, Deck, Face, PromptKey
from studyapp.core.deck.text import Span
from studyapp.core.study.queue import (
    IN_LEARNING,
    DailyLimits,
    DayCounts,
    QueueCounts,
    _Queue,
    build_queue,
)
from studyapp.core.study.review_log import ReviewRecord, ReviewRepository, SuspendChange
from studyapp.core.study.scheduling import CardState, Policy, Rating, State, day_bounds

if TYPE_CHECKING:
    from studyapp.core.study.calibration import Calibration
    from studyapp.core.study.planning import ExamPlan, PlanEffect

__all__ = [
    "DailyLimits",
    "DayCounts",
    "Prompt",
    "QueueCounts",
    "ReviewRecord",
    "ReviewRepository",
    "SessionSummary",
    "StudySession",
    "SuspendChange",
    "build_queue",
    "card_keys",
    "prompts_of",
]


class Prompt:
    """One reviewable sibling of a card. Prompts are equal when their keys are."""

    __slots__ = ("card", "deck", "key", "sibling")

    def __init__(self, deck: Deck, card: Card, sibling: str) -> None:
        self.deck = deck
        self.card = card
        self.sibling = sibling
        self.key: PromptKey = (deck.id, card.id, sibling)
        """``(deck id, card id, sibling)``: what review history is keyed by."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Prompt) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Prompt{self.key!r}"

    def face(self) -> Face:
        """What the prompt shows; a flip card's caveat (see ``Deck.caveat_for``) under its
        front (graded kinds show it with their question: ``Quizzer.ask``)."""
        from studyapp.core.kinds import KINDS  # counting queues never needs the kinds
        from studyapp.core.kinds.grading import Interaction, interaction_of

        kind = KINDS[self.card.kind]
        face = kind.render(self.card, self.sibling)
        caveat = self.deck.caveat_for(self.card)
        if caveat and interaction_of(kind) is Interaction.FLIP:
            face = Face((*face.front, Span("\n"), Span(caveat, frozenset({"italic"}))), face.back)
        return face


def prompts_of(deck: Deck) -> list[Prompt]:
    """Every prompt of ``deck``, in deck order."""
    return [Prompt(deck, card, sibling) for card in deck.cards for sibling in _siblings(card)]


def card_keys(deck: Deck, card: Card) -> list[PromptKey]:
    """The keys of every prompt of ``card`` (cloze c1, c2...; both sides of a
    reversible): what suspending a card suspends."""
    return [(deck.id, card.id, sibling) for sibling in _siblings(card)]


def _siblings(card: Card) -> tuple[str, ...]:
    if card.siblings:
        return card.siblings
    from studyapp.core.kinds import KINDS  # only for cards built without the loader

    return tuple(KINDS[card.kind].siblings(card))


@dataclass(slots=True)
class SessionSummary:
    studied: int = 0
    again: int = 0
    time_ms: int = 0
    next_due: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Answered:
    log_id: int
    prompt: Prompt
    before: CardState
    rating: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class _Suspended:
    prompt: Prompt
    """The prompt on screen when its card was suspended (current again on undo)."""
    changes: tuple[SuspendChange, ...]


class StudySession:
    """Studies the due prompts of some decks, committing every answer at once.

    With ``focus``, studies exactly those prompts instead (see the module doc).
    """

    def __init__(
        self,
        decks: Sequence[Deck],
        repository: ReviewRepository,
        policy: Policy,
        clock: Callable[[], datetime],
        *,
        limits: Callable[[str], DailyLimits] | None = None,
        rollover_hour: int = 4,
        tz: tzinfo | None = None,
        learn_ahead: timedelta = timedelta(minutes=20),
        focus: Sequence[PromptKey] | None = None,
        plans: Sequence[ExamPlan] = (),
        calibration: Calibration | None = None,
    ) -> None:
        self.decks = list(decks)
        self.repository = repository
        self.policy = policy
        self.clock = clock
        self.base_limits = limits or (lambda _deck_id: DailyLimits())
        self.limits = self.base_limits
        deck_ids = {deck.id for deck in self.decks}
        self.plans = [plan for plan in plans if plan.deck_id in deck_ids]
        """Exam plans on these decks (see :mod:`studyapp.core.study.planning`)."""
        self.calibration = calibration
        """The student's calibration the plans use (``None``: FSRS's own predictions)."""
        self.plan_effect: PlanEffect | None = None
        self._pulled: set[PromptKey] = set()
        self.rollover_hour = rollover_hour
        self.tz = tz
        self.learn_ahead = learn_ahead
        self._summary = SessionSummary()
        self._answered_once = False
        self._prompts = [p for deck in self.decks for p in prompts_of(deck)]
        self.focus: tuple[PromptKey, ...] | None = None
        self._focus_done: set[PromptKey] = set()
        self._focus_left: list[Prompt] = []
        if focus is not None:
            # Exactly these prompts, in this order (each once; unknown keys skipped).
            order = {key: index for index, key in enumerate(dict.fromkeys(focus))}
            self.focus = tuple(order)
            self._prompts = sorted(
                (p for p in self._prompts if p.key in order), key=lambda p: order[p.key]
            )
        self._undo: list[_Answered | _Suspended] = []
        # New and review prompts answered so far this study day, to spread
        # the new ones evenly through the reviews.
        self._new_shown = 0
        self._reviews_shown = 0
        self.current: Prompt | None = None
        self._reload()

    # -- state -----------------------------------------------------------
    def _reload(self) -> None:
        deck_ids = [d.id for d in self.decks]
        now = self.clock()
        self._day_start, self._day_end = day_bounds(now, self.rollover_hour, self.tz)
        if self.focus is None:
            self.states, self._settled = self.repository.queue_states(deck_ids, self._day_end)
        else:  # any prompt may be asked, due or not: every state is needed
            self.states, self._settled = self.repository.card_states(deck_ids), set()
        self.today = self.repository.day_counts(deck_ids, self._day_start)
        self._queue_prompts = self._prompts
        if self.plans and self.focus is None:
            self._apply_plans(now)
        self._rebuild()

    def _apply_plans(self, now: datetime) -> None:
        """Let today's exam plans pull prompts in and raise the deck limits."""
        from studyapp.core.study.planning import apply_plans

        def scope(deck_id: str) -> list[tuple[PromptKey, str]]:
            return [(p.key, p.card.topic) for p in self._prompts if p.key[0] == deck_id]

        effect = apply_plans(
            self.plans,
            scope,
            lambda deck_id: self.repository.card_states([deck_id]),
            self.today,
            self.policy,
            now,
            rollover_hour=self.rollover_hour,
            tz=self.tz,
            **({} if self.calibration is None else {"calibration": self.calibration}),
        )
        self.plan_effect = effect
        self._pulled = set(effect.pulled)
        self.states.update(effect.pulled)
        self._settled.difference_update(effect.pulled)
        self.limits = effect.limits(self.base_limits)
        if any(outcome.plan.topics for outcome in effect.outcomes):
            # New prompts of a planned topic come before the deck's others.
            self._queue_prompts = sorted(
                self._prompts, key=lambda p: not effect.in_scope(p.key[0], p.card.topic)
            )

    def _new_day(self) -> None:
        self._new_shown = self._reviews_shown = 0
        self._reload()

    def _rebuild(self) -> None:
        if self.focus is not None:
            self.queue = self._focus_queue()
        else:
            self.queue = build_queue(
                self._queue_prompts,
                self.states,
                self.today,
                self.limits,
                self._day_end,
                self._settled,
                self._pulled,
            )
        self.current = self._pick()

    def _focus_queue(self) -> _Queue[Prompt]:
        """The focus prompts not answered yet, counted by state (order kept apart)."""
        self._focus_left = []
        learning: list[Prompt] = []
        review: list[Prompt] = []
        new: list[Prompt] = []
        for prompt in self._prompts:
            state = self.states.get(prompt.key)
            if prompt.key in self._focus_done or (state is not None and state.suspended):
                continue
            self._focus_left.append(prompt)
            if state is None or state.state is State.NEW:
                new.append(prompt)
            elif state.state in IN_LEARNING:
                learning.append(prompt)
            else:
                review.append(prompt)
        return _Queue(learning, review, new, len(learning))

    def _pick(self) -> Prompt | None:
        if self.focus is not None:
            return self._focus_left[0] if self._focus_left else None
        now = self.clock()
        queue = self.queue
        if queue.learning and queue.learning[0].key in self.states:
            due = self.states[queue.learning[0].key].due
            if due is not None and due <= now:
                return queue.learning[0]
        if queue.review and queue.new:
            # Spread new prompts evenly through the reviews: merge the two
            # queues by each prompt's share of the day's total (reviews first
            # on a tie), e.g. 100 reviews and 10 new give a new one every ~9.
            new_at = (self._new_shown + 1) / (self._new_shown + len(queue.new) + 1)
            review_at = (self._reviews_shown + 1) / (self._reviews_shown + len(queue.review) + 1)
            return queue.new[0] if new_at < review_at else queue.review[0]
        if queue.review:
            return queue.review[0]
        if queue.new:
            return queue.new[0]
        if queue.learning:
            due = self.states[queue.learning[0].key].due
            if due is not None and due <= now + self.learn_ahead:
                return queue.learning[0]
        return None

    @property
    def summary(self) -> SessionSummary:
        """What this session studied, with when the next prompt is due (read now)."""
        # Until the session has answered something there is no "next" to report.
        self._summary.next_due = self.next_due() if self._answered_once else None
        return self._summary

    @cached_property
    def _keys(self) -> frozenset[PromptKey]:
        return frozenset(p.key for deck in self.decks for p in prompts_of(deck))

    def state_of(self, prompt: Prompt) -> CardState:
        return self.states.get(prompt.key, CardState())

    def counts(self) -> QueueCounts:
        """Prompts left today: new, (re)learning, review."""
        return QueueCounts(
            len(self.queue.new), self.queue.learning_due_today, len(self.queue.review)
        )

    def intervals(self) -> dict[Rating, timedelta]:
        """The interval each rating would give the current prompt (capped at the
        exam day where an exam plan will ask for it before; see ``cap_intervals``)."""
        prompt = self.current
        assert prompt is not None
        state, now = self.state_of(prompt), self.clock()
        out = self.policy.preview(state, now)
        if self.plan_effect is not None:
            self.plan_effect.cap_intervals(
                out,
                prompt.key,
                prompt.card.topic,
                state,
                self.policy,
                now,
                self.rollover_hour,
                self.tz,
            )
        return out

    def next_due(self) -> datetime | None:
        """When the next prompt of these decks becomes due (after today's work)."""
        deck_ids = [deck.id for deck in self.decks]
        for due, key in self.repository.upcoming(deck_ids):
            if key in self._keys:  # cards removed from a deck keep a state
                return due
        return None

    def refresh(self) -> Prompt | None:
        """Catch up with the clock while idle; return the current prompt.

        After the day rollover the new study day is loaded (its limits, and
        the siblings buried yesterday); when nothing is current, a learning
        prompt that has come due since the last answer is picked.
        """
        if self.clock() >= self._day_end:
            self._new_day()
        elif self.current is None:
            self.current = self._pick()
        return self.current

    def update_decks(self, decks: Sequence[Deck]) -> None:
        """Study reloaded versions of the session's decks (live reload).

        The queue, counts and undo history are kept; cards get their new text,
        cards deleted from a deck leave the queue, added ones join as new.
        The current prompt stays current when its card still exists.
        """
        by_id = {deck.id: deck for deck in decks}
        self.decks = [by_id.get(deck.id, deck) for deck in self.decks]
        fresh = {p.key: p for deck in self.decks for p in prompts_of(deck)}
        if self.focus is None:
            self._prompts = list(fresh.values())
        else:
            self._prompts = [fresh[key] for key in self.focus if key in fresh]
        self.__dict__.pop("_keys", None)  # the cached key set
        self._queue_prompts = self._prompts
        if self.plans and self.focus is None:
            self._apply_plans(self.clock())
        self._undo = [replace(a, prompt=fresh.get(a.prompt.key, a.prompt)) for a in self._undo]
        current = self.current
        self._rebuild()
        if current is not None and current.key in fresh:
            self.current = fresh[current.key]

    # -- intents ----------------------------------------------------------
    def answer(
        self,
        rating: int,
        duration_ms: int,
        answer: str | None = None,
        picked: str | None = None,
    ) -> CardState:
        """Rate the current prompt; the review is committed before returning.

        ``answer`` is what the student gave (objective kinds) and ``picked``
        the wrong option chosen on a choice question; both are logged.
        """
        prompt = self.current
        if prompt is None:
            raise RuntimeError("no card to answer")
        now = self.clock()
        if now >= self._day_end:
            self._new_day()
        before = self.state_of(prompt)
        after = self.policy.review(before, rating, now)
        record = ReviewRecord(
            prompt.key, prompt.card.kind, now, rating, duration_ms, before, after, answer, picked
        )
        log_id = self.repository.record_review(record)
        self.states[prompt.key] = after
        self._settled.discard(prompt.key)
        self._pulled.discard(prompt.key)
        counts = self.today.setdefault(prompt.deck.id, DayCounts())
        if before.state is State.NEW:
            counts.new += 1
            self._new_shown += 1
        elif before.state is State.REVIEW:
            counts.reviews += 1
            self._reviews_shown += 1
        counts.touched_cards.add(prompt.card.id)
        if self.focus is not None:
            self._focus_done.add(prompt.key)
        self._undo.append(_Answered(log_id, prompt, before, rating, duration_ms))
        self._answered_once = True
        self._summary.studied += 1
        self._summary.again += rating == Rating.AGAIN
        self._summary.time_ms += duration_ms
        self._rebuild()
        return after

    def can_undo(self) -> bool:
        return bool(self._undo)

    def next_undo(self) -> str | None:
        """What :meth:`undo` would undo: ``"answer"``, ``"suspension"`` or ``None``."""
        if not self._undo:
            return None
        return "suspension" if isinstance(self._undo[-1], _Suspended) else "answer"

    def undo(self) -> Prompt | None:
        """Undo the last answer or suspension of this session; its prompt becomes current again."""
        if not self._undo:
            return None
        last = self._undo.pop()
        if isinstance(last, _Suspended):
            self.repository.undo_suspension(last.changes)
            self._reload()
            self.current = last.prompt
            return last.prompt
        self.repository.undo_review(last.log_id, last.prompt.key, last.before)
        self._focus_done.discard(last.prompt.key)
        self._summary.studied -= 1
        self._summary.again -= last.rating == Rating.AGAIN
        self._summary.time_ms -= last.duration_ms
        if last.before.state is State.NEW:
            self._new_shown = max(0, self._new_shown - 1)
        elif last.before.state is State.REVIEW:
            self._reviews_shown = max(0, self._reviews_shown - 1)
        self._reload()
        self.current = last.prompt
        return last.prompt

    def suspend_current(self) -> Prompt | None:
        """Suspend the current prompt's whole card: every one of its prompts (cloze
        c1, c2...; both sides of a reversible), as ``studyapp suspend`` does.

        Returns the prompt (``None`` with nothing current); :func:`card_keys`
        gives the prompts suspended with it. :meth:`undo` unsuspends them again.
        """
        prompt = self.current
        if prompt is None:
            return None
        keys = card_keys(prompt.deck, prompt.card)
        changes = self.repository.suspend_prompts(keys, True, self.clock())
        for change in changes:
            self.states[change.key] = replace(change.before, suspended=True)
            self._settled.discard(change.key)
        self._pulled.difference_update(keys)
        self._undo.append(_Suspended(prompt, tuple(changes)))
        self._rebuild()
        return prompt
