"""Scheduling policy on top of py-fsrs.

py-fsrs does the FSRS-6 maths (stability, difficulty, intervals). What is
ours: the "new" state (a card with no reviews), lapse counting, leeches, the
interval cap, the day rollover, and replaying a card's state from its log.

All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import fsrs

__all__ = [
    "Adjust",
    "CardState",
    "LogEvent",
    "Policy",
    "Rating",
    "SchedulerConfig",
    "State",
    "day_bounds",
    "format_interval",
    "study_date",
]


Adjust = Callable[[float], float]
"""A map from FSRS's stability of a prompt to the student's (see ``retrievability``)."""


class State(StrEnum):
    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True, slots=True)
class CardState:
    """The scheduling state of one prompt, derived from its review log."""

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    lapses: int = 0
    reps: int = 0
    suspended: bool = False
    leech: bool = False


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    """Scheduling settings (see ``docs/scheduling.md``)."""

    desired_retention: float = 0.90
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 3650
    leech_threshold: int = 8
    enable_fuzz: bool = True
    parameters: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One row of the review log, as replay needs it.

    ``action`` is ``review``, ``suspend`` or ``unsuspend``. For reviews,
    ``due`` is the due date that was scheduled (fuzz and cap included).
    """

    action: str
    at: datetime
    rating: int | None = None
    due: datetime | None = None


_FSRS_STATE = {State.LEARNING: 1, State.REVIEW: 2, State.RELEARNING: 3}
_FROM_FSRS = {1: State.LEARNING, 2: State.REVIEW, 3: State.RELEARNING}


class Policy:
    """Applies ratings to card states.

    ``rng`` seeds the interval fuzz (py-fsrs draws fuzz from the global
    ``random`` module; the policy reseeds around each review when an ``rng``
    is given, so tests are deterministic even with fuzz on).
    """

    def __init__(self, config: SchedulerConfig | None = None, rng: random.Random | None = None):
        self.config = config or SchedulerConfig()
        self._rng = rng

    # py-fsrs is imported and its schedulers built on first use, off the
    # app's start-up path.
    @cached_property
    def _fsrs(self) -> Any:
        import fsrs

        return fsrs

    def _make_scheduler(self, fuzz: bool) -> fsrs.Scheduler:
        config = self.config
        extra: dict[str, Any] = {}
        if config.parameters is not None:
            extra["parameters"] = config.parameters
        scheduler: fsrs.Scheduler = self._fsrs.Scheduler(
            desired_retention=config.desired_retention,
            learning_steps=config.learning_steps,
            relearning_steps=config.relearning_steps,
            maximum_interval=config.maximum_interval,
            enable_fuzzing=fuzz,
            **extra,
        )
        return scheduler

    @cached_property
    def _scheduler(self) -> fsrs.Scheduler:
        return self._make_scheduler(self.config.enable_fuzz)

    @cached_property
    def _exact(self) -> fsrs.Scheduler:
        return self._make_scheduler(False)

    def _to_fsrs(self, state: CardState) -> fsrs.Card:
        card: fsrs.Card
        if state.state is State.NEW:
            card = self._fsrs.Card(card_id=0)
        else:
            card = self._fsrs.Card(
                card_id=0,
                state=self._fsrs.State(_FSRS_STATE[state.state]),
                step=state.step,
                stability=state.stability,
                difficulty=state.difficulty,
                due=state.due,
                last_review=state.last_review,
            )
        return card

    def review(
        self, state: CardState, rating: int, now: datetime, *, fuzz: bool = True
    ) -> CardState:
        """The state after answering ``rating`` at ``now``.

        Counts a lapse when a Review card is forgotten, and at the leech
        threshold (and every half-threshold after it) suspends the card and
        flags it as a leech.
        """
        now = _as_utc(now)
        scheduler = self._scheduler if fuzz else self._exact
        card = self._to_fsrs(state)
        if fuzz and self._rng is not None and self.config.enable_fuzz:
            saved = random.getstate()
            random.seed(self._rng.random())
            try:
                new_card, _ = scheduler.review_card(card, self._fsrs.Rating(rating), now)
            finally:
                random.setstate(saved)
        else:
            new_card, _ = scheduler.review_card(card, self._fsrs.Rating(rating), now)
        lapses = state.lapses
        suspended = state.suspended
        leech = state.leech
        if state.state is State.REVIEW and rating == Rating.AGAIN:
            lapses += 1
            if self.is_leech_lapse(lapses):
                suspended = True
                leech = True
        return CardState(
            state=_FROM_FSRS[int(new_card.state)],
            step=new_card.step,
            stability=new_card.stability,
            difficulty=new_card.difficulty,
            due=new_card.due,
            last_review=new_card.last_review,
            lapses=lapses,
            reps=state.reps + 1,
            suspended=suspended,
            leech=leech,
        )

    def is_leech_lapse(self, lapses: int) -> bool:
        """True when reaching ``lapses`` makes a card a leech (8, 12, 16, ... by default)."""
        threshold = self.config.leech_threshold
        if threshold <= 0 or lapses < threshold:
            return False
        step = max(1, threshold // 2)
        return (lapses - threshold) % step == 0

    def preview(self, state: CardState, now: datetime) -> dict[Rating, timedelta]:
        """The interval each rating would give (without fuzz)."""
        now = _as_utc(now)
        out: dict[Rating, timedelta] = {}
        for rating in Rating:
            after = self.review(state, rating, now, fuzz=False)
            assert after.due is not None
            out[rating] = after.due - now
        return out

    def retrievability(
        self, state: CardState, now: datetime, *, adjust: Adjust | None = None
    ) -> float:
        """Predicted probability of recall at ``now`` (0 for new cards).

        ``adjust`` maps FSRS's stability to the student's (a calibration, see
        :mod:`studyapp.core.study.calibration`); ``None``: FSRS's own prediction.
        """
        now = _as_utc(now)
        if state.state is State.NEW or state.stability is None:
            return 0.0
        if state.last_review is not None:  # py-fsrs's formula, without building a Card
            stability = state.stability if adjust is None else adjust(state.stability)
            return self.curve(stability, max(0, (now - state.last_review).days))
        return float(self._exact.get_card_retrievability(self._to_fsrs(state), now))

    def recall_after(
        self,
        state: CardState,
        rating: int,
        at: datetime,
        then: datetime,
        *,
        adjust: Adjust | None = None,
    ) -> float:
        """Predicted recall at ``then`` if ``state`` is answered ``rating`` at ``at``.

        Exactly ``retrievability(review(state, rating, at, fuzz=False), then, adjust=adjust)``;
        for a review card last seen a day or more before ``at`` (what exam
        planning asks thousands of times) it calls py-fsrs's stability update
        directly instead of a whole review (a test checks the two agree).
        """
        at, then = _as_utc(at), _as_utc(then)
        if (
            state.state is not State.REVIEW
            or state.stability is None
            or state.difficulty is None
            or state.last_review is None
            or (at - state.last_review).days < 1
        ):
            after = self.review(state, rating, at, fuzz=False)
            return self.retrievability(after, then, adjust=adjust)
        exact = self._exact
        before = self.curve(state.stability, (at - state.last_review).days)
        stability = exact._next_stability(
            difficulty=state.difficulty,
            stability=state.stability,
            retrievability=before,
            rating=self._fsrs.Rating(rating),
        )
        if adjust is not None:
            stability = adjust(stability)
        return self.curve(stability, max(0, (then - at).days))

    def curve(self, stability: float, elapsed_days: float) -> float:
        """FSRS's forgetting curve, as py-fsrs computes retrievability: recall after
        ``elapsed_days`` (whole days, for py-fsrs's figures) at ``stability``."""
        factor, decay = self.curve_shape
        return float((1 + factor * elapsed_days / stability) ** decay)

    @cached_property
    def curve_shape(self) -> tuple[float, float]:
        """``(factor, decay)`` of the forgetting curve ``(1 + factor * t / S) ** decay``."""
        exact = self._exact
        return float(exact._FACTOR), float(exact._DECAY)

    def replay(
        self, events: Iterable[LogEvent], reschedule_before: datetime | None = None
    ) -> CardState:
        """Recompute a card's state from its log, oldest first.

        The FSRS memory state (stability, difficulty, step, state) is
        recomputed from the ratings and times; the due date is the one that
        was scheduled and logged (it includes the random fuzz), except for
        reviews before ``reschedule_before`` (when the parameters in use were
        adopted): those were scheduled with other parameters, so their due date
        is recomputed with this policy (without fuzz).
        """
        state = CardState()
        for event in events:
            state = self.step(state, event, reschedule_before)
        return state

    def step(
        self, state: CardState, event: LogEvent, reschedule_before: datetime | None = None
    ) -> CardState:
        """``state`` after one logged event, as :meth:`replay` applies it."""
        if event.action == "review":
            assert event.rating is not None
            state = self.review(state, event.rating, event.at, fuzz=False)
            if event.due is not None and (
                reschedule_before is None or event.at >= reschedule_before
            ):
                state = replace(state, due=event.due)
        elif event.action == "suspend":
            state = replace(state, suspended=True)
        elif event.action == "unsuspend":
            state = replace(state, suspended=False)
        return state


def _as_utc(moment: datetime) -> datetime:
    """``moment`` with ``datetime.UTC`` as its tzinfo; naive or non-UTC raises ``ValueError``.

    Other UTC tzinfos (``ZoneInfo("UTC")``, ``ZoneInfo("Etc/GMT")``) are
    accepted and normalised, since py-fsrs itself only accepts
    ``datetime.UTC``. A zone that is only at +00:00 part of the year
    (``Europe/London`` in winter) is refused all year round.
    """
    tz = moment.tzinfo
    if tz is not UTC and (
        tz is None
        or any(
            tz.utcoffset(moment.replace(month=month, day=1)) != timedelta(0)
            for month in (moment.month, 1, 7)
        )
    ):
        raise ValueError(f"datetimes must be timezone-aware UTC, got {moment!r}")
    return moment if tz is UTC else moment.astimezone(UTC)


def day_bounds(
    now: datetime, rollover_hour: int = 4, tz: tzinfo | None = None
) -> tuple[datetime, datetime]:
    """The start and end (UTC) of the study day containing ``now``.

    A study day runs from ``rollover_hour`` local time (``tz``, default the
    system's) to the same hour the next day, also across a DST change.
    """
    _as_utc(now)
    # Without ``tz``, ``astimezone()`` would give a fixed offset, wrong on the
    # other side of a DST change; naive local times are converted with the
    # system's rules (mktime), so do the arithmetic on those instead.
    local = now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)
    # fold=0: when the rollover hour happens twice (DST ends), the day starts at the first.
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0, fold=0)
    if local < start:
        start -= timedelta(days=1)
    # Wall-clock arithmetic: with a zoneinfo ``tz`` the rollover hour survives DST.
    end = start + timedelta(days=1)
    return start.astimezone(UTC), end.astimezone(UTC)


def study_date(now: datetime, rollover_hour: int = 4, tz: tzinfo | None = None) -> date:
    """The local date of the study day containing ``now`` (a day starts at the rollover)."""
    start, _ = day_bounds(now, rollover_hour, tz)
    return (start.astimezone(tz) if tz is not None else start.astimezone()).date()


def format_interval(delta: timedelta) -> str:
    """A short label for an interval: ``<1m``, ``10m``, ``3h``, ``4d``, ``2.5mo``, ``1.2y``."""
    # Each unit is chosen on the rounded value, so 59m40s reads "1h", not "60m".
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if round(minutes) < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if round(hours) < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if round(days) < 30:
        return f"{round(days)}d"
    if round(days / 30, 1) < 12:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
