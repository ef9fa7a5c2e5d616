"""Studying toward an exam date (see ``docs/scheduling.md``, "Studying toward an exam").

An :class:`ExamPlan` names a deck (optionally some of its topics), an exam
date and a target retention. Until the exam, :func:`plan_schedule` decides
which prompts of the plan must be seen earlier than FSRS would show them:

* each studied prompt's retrievability on the exam day (at the start of that
  study day) is predicted from its FSRS state, with the stability scaled by
  the student's :class:`~studyapp.core.study.calibration.Calibration`: its
  median for the prediction shown, the ends of its range for the range shown;
* a prompt in the review state whose next FSRS due date is on or after the
  exam day, and whose retrievability then is below the target at the
  pessimistic end of the calibration, needs one more review before the exam.
  Its *window* runs from the earliest day on which a Good review would leave
  its retrievability on the exam day at or above the target (FSRS's
  post-review stability decides, scaled alike) to the day before the exam:
  no planned interval jumps past the exam;
* the pulled reviews are spread: most constrained first (shortest window), each
  goes to the least-loaded day of its window, counting the reviews FSRS
  already has due on each day (a later day at least the mean of those); its
  *plan due date* is that day;
* prompts never studied must be introduced in the first half of the remaining
  days: the plan asks for enough new prompts per day for that, and a plan on
  the whole deck paces it (the deck's new limit becomes that pace).

The plan changes only which prompts are due when: answers are scheduled and
logged by FSRS as usual, so after the exam date nothing is left to undo.
Pure: no SQLite, no clock (``now`` is passed in).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from studyapp.core.deck.model import PromptKey
from studyapp.core.study.calibration import NEUTRAL, Z_PLAN, Z_RANGE, Calibration
from studyapp.core.study.queue import DailyLimits, DayCounts
from studyapp.core.study.scheduling import Adjust, CardState, Policy, Rating, State, study_date

__all__ = [
    "ExamPlan",
    "PlanEffect",
    "PlanOutcome",
    "apply_plans",
    "day_start",
    "plan_schedule",
    "study_date",
]

INTRO_SHARE = 0.5
"""New prompts are introduced within this share of the days left (the rest consolidates)."""


@dataclass(frozen=True, slots=True)
class ExamPlan:
    """An exam on a deck (or some of its topics) on a local date."""

    deck_id: str
    exam_date: date
    topics: tuple[str, ...] = ()
    target: float = 0.90
    id: int | None = None
    created_at: datetime | None = None

    def active_on(self, day: date) -> bool:
        """True while the plan schedules reviews: every study day before the exam."""
        return day < self.exam_date

    def covers(self, topic: str) -> bool:
        """True when a card on ``topic`` is part of the exam."""
        return not self.topics or topic in self.topics

    def describe(self) -> str:
        scope = f"{self.deck_id} ({', '.join(self.topics)})" if self.topics else self.deck_id
        return f"{scope} on {self.exam_date.isoformat()}, target {self.target:.0%}"


def day_start(day: date, rollover_hour: int = 4, tz: tzinfo | None = None) -> datetime:
    """When the study day of local date ``day`` starts, in UTC."""
    local = datetime.combine(day, time(hour=rollover_hour))
    if tz is not None:
        return local.replace(tzinfo=tz).astimezone(UTC)
    return local.astimezone().astimezone(UTC)  # naive: the system's local time


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """What a plan asks for on one study day, and how the exam day looks from there."""

    plan: ExamPlan
    today: date
    days_left: int
    """Study days before the exam (0 on the exam day and after)."""
    prompts: int
    """Prompts in scope (suspended ones left out)."""
    new: int
    """Prompts in scope never studied."""
    predicted: float
    """Mean predicted retrievability on the exam day if nothing more were studied
    (never-studied prompts count 0); 0 when the scope is empty."""
    on_target: int
    """Prompts whose predicted retrievability on the exam day is at or above the target."""
    new_per_day: int
    """New prompts per day needed to introduce every one in time."""
    plan_due: Mapping[PromptKey, date] = field(default_factory=dict)
    """The pulled prompts and the day each is planned for."""
    on_target_low: int = 0
    """Prompts at or above the target at the pessimistic end of the calibration's range."""
    on_target_high: int = 0
    """The same at the optimistic end."""
    calibration: Calibration = NEUTRAL
    """The student's calibration the outcome was computed with."""
    short: int = 0
    """Pulled prompts that cannot reach the target even with a Good review the day
    before the exam (at the pessimistic end of the calibration)."""
    busiest: tuple[date, int] | None = None
    """The day with the most reviews expected before the exam (FSRS's, the pulled
    ones and today's done), and how many; ``None`` when the plan is not active."""
    mean_load: float = 0.0
    """The mean of the expected reviews a day over the days left."""

    def peak_ratio(self) -> float:
        """The busiest day's reviews over the mean day's (0 when nothing is expected)."""
        if self.busiest is None or self.mean_load <= 0:
            return 0.0
        return self.busiest[1] / self.mean_load

    @property
    def active(self) -> bool:
        return self.days_left > 0

    def due_today(self) -> frozenset[PromptKey]:
        """Pulled prompts planned for today or earlier."""
        return frozenset(key for key, day in self.plan_due.items() if day <= self.today)

    def extra_per_day(self) -> dict[date, int]:
        """Pulled reviews planned on each day."""
        out: dict[date, int] = {}
        for day in self.plan_due.values():
            out[day] = out.get(day, 0) + 1
        return out

    def extra_today(self, new_limit: int) -> int:
        """Today's extra load: pulled reviews, plus new prompts beyond ``new_limit``."""
        return len(self.due_today()) + max(0, self.new_per_day - new_limit)


def plan_schedule(
    plan: ExamPlan,
    scope: Iterable[tuple[PromptKey, str]],
    states: Mapping[PromptKey, CardState],
    policy: Policy,
    now: datetime,
    *,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
    done_today: int = 0,
    new_today: int = 0,
    calibration: Calibration = NEUTRAL,
) -> PlanOutcome:
    """The plan's outcome at ``now``.

    ``scope`` is every prompt of the plan's deck with its card's topic; ``states``
    holds the state of every studied prompt of the deck (all of them, for the
    day loads). ``done_today`` is the number of reviews already done today in
    the deck and ``new_today`` the new prompts introduced today (they keep the
    day's numbers stable while the student studies). ``calibration``: the
    student's, from their spaced reviews (``NEUTRAL``: FSRS's own predictions).
    """
    today = study_date(now, rollover_hour, tz)
    exam = plan.exam_date
    exam_start = day_start(exam, rollover_hour, tz)
    days_left = max(0, (exam - today).days)
    in_scope: list[PromptKey] = []
    new = 0
    for key, topic in scope:
        if not plan.covers(topic):
            continue
        state = states.get(key)
        if state is not None and state.suspended:
            continue
        in_scope.append(key)
        if state is None or state.state is State.NEW:
            new += 1
    adjusts = [calibration.adjust(z) for z in (0.0, -Z_RANGE, Z_RANGE, Z_PLAN)]
    predicted_sum, on_target, candidates = _predict(
        in_scope, states, policy, plan.target, exam_start, adjusts
    )
    plan_due: dict[PromptKey, date] = {}
    new_per_day = 0
    short = 0
    busiest: tuple[date, int] | None = None
    mean_load = 0.0
    if days_left > 0:
        days = [today + timedelta(days=n) for n in range(days_left)]
        load = _fsrs_load(states, days, rollover_hour, tz)
        load[today] += done_today
        # Days ahead will get reviews FSRS has not scheduled yet: count each
        # at least at the mean load known now, so they do not look empty.
        floor = sum(load.values()) // len(load)
        for day in days[1:]:
            load[day] = max(load[day], floor)
        starts = [day_start(day, rollover_hour, tz) for day in days]
        windows = []
        for key, state in candidates:
            window = _window(
                state, plan, days, starts, policy, exam_start, rollover_hour, tz, adjusts[3]
            )
            if window is not None:
                windows.append((key, window[:2]))
                short += not window[2]
        plan_due = _spread(windows, load)
        busiest = max(load.items(), key=lambda item: (item[1], item[0]))
        mean_load = sum(load.values()) / len(load)
        intro_days = max(1, math.floor(days_left * INTRO_SHARE))
        new_per_day = math.ceil((new + new_today) / intro_days) if new + new_today else 0
    return PlanOutcome(
        plan=plan,
        today=today,
        days_left=days_left,
        prompts=len(in_scope),
        new=new,
        predicted=predicted_sum / len(in_scope) if in_scope else 0.0,
        on_target=on_target[0],
        new_per_day=new_per_day,
        plan_due=plan_due,
        on_target_low=on_target[1],
        on_target_high=on_target[2],
        calibration=calibration,
        short=short,
        busiest=busiest,
        mean_load=mean_load,
    )


def _predict(
    in_scope: list[PromptKey],
    states: Mapping[PromptKey, CardState],
    policy: Policy,
    target: float,
    exam_start: datetime,
    adjusts: list[Adjust | None],
) -> tuple[float, list[int], list[tuple[PromptKey, CardState]]]:
    """The summed recall on the exam day at the calibration's median, the counts at or
    above ``target`` at its median, low and high ends (``adjusts[0:3]``), and the
    prompts that need a review before the exam at its planning end (``adjusts[3]``):
    in the review state, due for FSRS on or after the exam day, and below the target."""
    predicted_sum = 0.0
    on_target = [0, 0, 0]
    candidates: list[tuple[PromptKey, CardState]] = []
    for key in in_scope:
        state = states.get(key)
        if state is None or state.state is State.NEW:
            continue
        recalls = [policy.retrievability(state, exam_start, adjust=a) for a in adjusts]
        predicted_sum += recalls[0]
        for index in range(3):
            on_target[index] += recalls[index] >= target
        if (
            recalls[3] < target
            and state.state is State.REVIEW
            and state.due is not None
            and state.due >= exam_start
        ):
            candidates.append((key, state))
    return predicted_sum, on_target, candidates


def _fsrs_load(
    states: Mapping[PromptKey, CardState], days: list[date], rollover_hour: int, tz: tzinfo | None
) -> dict[date, int]:
    """Reviews FSRS has due on each of ``days`` (overdue and learning ones count today)."""
    load = dict.fromkeys(days, 0)
    starts = [day_start(day, rollover_hour, tz) for day in days]
    end = day_start(days[-1] + timedelta(days=1), rollover_hour, tz)
    for state in states.values():
        if state.suspended or state.due is None or state.state is State.NEW or state.due >= end:
            continue
        index = max(0, bisect_right(starts, state.due) - 1)
        load[days[index]] += 1
    return load


def _window(
    state: CardState,
    plan: ExamPlan,
    days: list[date],
    starts: list[datetime],
    policy: Policy,
    exam_start: datetime,
    rollover_hour: int,
    tz: tzinfo | None,
    adjust: Adjust | None = None,
) -> tuple[int, int, bool] | None:
    """Indexes into ``days`` of the first and last day a final review can be planned,
    and whether that review reaches the target (``None`` when no day is left after
    the last review).

    The first is the earliest day (not before the day after the last review)
    on which a Good review leaves the retrievability on the exam day at or
    above the target; the later the review, the higher that retrievability,
    so it is found by bisection. When no day reaches the target, the last day
    (the best there is) is the whole window.
    """
    last = len(days) - 1
    low = 0
    if state.last_review is not None:
        reviewed = study_date(state.last_review, rollover_hour, tz)
        low = max(0, (reviewed - days[0]).days + 1)
    if low > last:
        return None  # reviewed today, and the exam is tomorrow: nothing more to plan

    def enough(index: int) -> bool:
        at = starts[index]
        if state.last_review is not None and at < state.last_review:
            at = state.last_review
        return policy.recall_after(state, Rating.GOOD, at, exam_start, adjust=adjust) >= plan.target

    if not enough(last):
        return last, last, False
    if enough(low):  # often: any day will do
        return low, last, True
    high = last
    while low < high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    return low, last, True


def _spread(
    windows: list[tuple[PromptKey, tuple[int, int]]], load: dict[date, int]
) -> dict[PromptKey, date]:
    """Give each pulled prompt the least-loaded day of its window.

    Most constrained first (shortest window, then the latest start); on a tie
    in load the later day wins (a later final review leaves more on the exam
    day). ``load`` is updated as days are given out.
    """
    days = list(load)
    out: dict[PromptKey, date] = {}
    ordered = sorted(windows, key=lambda item: (item[1][1] - item[1][0], -item[1][0], item[0]))
    for key, (first, last) in ordered:
        best = min(range(first, last + 1), key=lambda index: (load[days[index]], index))
        load[days[best]] += 1
        out[key] = days[best]
    return out


@dataclass(slots=True)
class PlanEffect:
    """What the active plans change in today's queue: the outcome of each plan,
    the pulled prompts due today, and each deck's raised limits."""

    outcomes: list[PlanOutcome] = field(default_factory=list)
    pulled: dict[PromptKey, CardState] = field(default_factory=dict)
    """The prompts pulled in today, with their states."""
    new_needed: dict[str, int] = field(default_factory=dict)
    pulled_per_deck: dict[str, int] = field(default_factory=dict)
    paced: set[str] = field(default_factory=set)
    """Decks a plan on the whole deck paces: their new limit is the plan's pace."""

    def limits(self, base: Callable[[str], DailyLimits]) -> Callable[[str], DailyLimits]:
        """``base`` with each planned deck's new limit set to what its plans need (on a
        paced deck) or raised to it (a plan on some topics), and its review limit
        raised by the reviews they pull in."""
        if not self.new_needed and not self.pulled_per_deck:
            return base

        def limits(deck_id: str) -> DailyLimits:
            limit = base(deck_id)
            needed = self.new_needed.get(deck_id, 0)
            new = needed if deck_id in self.paced else max(limit.new, needed)
            reviews = limit.reviews + self.pulled_per_deck.get(deck_id, 0)
            return DailyLimits(new=new, reviews=reviews)

        return limits

    def cap_intervals(
        self,
        intervals: dict[Rating, timedelta],
        key: PromptKey,
        topic: str,
        state: CardState,
        policy: Policy,
        now: datetime,
        rollover_hour: int = 4,
        tz: tzinfo | None = None,
    ) -> None:
        """Cap, in place, the intervals a prompt's rating buttons show at the exam day
        where a plan will ask for it again before the exam (its FSRS interval jumps
        past the exam day and leaves it below the target then)."""
        for outcome in self.outcomes:
            plan = outcome.plan
            if plan.deck_id != key[0] or not plan.covers(topic):
                continue
            exam_start = day_start(plan.exam_date, rollover_hour, tz)
            for rating, interval in intervals.items():
                if now + interval <= exam_start:
                    continue
                after = policy.review(state, rating, now, fuzz=False)
                adjust = outcome.calibration.adjust(Z_PLAN)
                if policy.retrievability(after, exam_start, adjust=adjust) < plan.target:
                    intervals[rating] = exam_start - now

    def in_scope(self, deck_id: str, topic: str) -> bool:
        """True when an active plan covers a card of ``deck_id`` on ``topic``."""
        return any(o.plan.deck_id == deck_id and o.plan.covers(topic) for o in self.outcomes)


def apply_plans(
    plans: Iterable[ExamPlan],
    scope_of: Callable[[str], Iterable[tuple[PromptKey, str]]],
    states_of: Callable[[str], Mapping[PromptKey, CardState]],
    today_counts: Mapping[str, DayCounts],
    policy: Policy,
    now: datetime,
    *,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
    calibration: Calibration = NEUTRAL,
) -> PlanEffect:
    """Run every plan active today (``scope_of(deck)``: the deck's prompts with their
    topics; ``states_of(deck)``: every studied prompt's state; ``calibration``: the
    student's)."""
    effect = PlanEffect()
    today = study_date(now, rollover_hour, tz)
    for plan in plans:
        if not plan.active_on(today):
            continue
        deck_id = plan.deck_id
        counts = today_counts.get(deck_id)
        states = states_of(deck_id)
        outcome = plan_schedule(
            plan,
            scope_of(deck_id),
            states,
            policy,
            now,
            rollover_hour=rollover_hour,
            tz=tz,
            done_today=counts.reviews if counts is not None else 0,
            new_today=counts.new if counts is not None and not plan.topics else 0,
            calibration=calibration,
        )
        effect.outcomes.append(outcome)
        due = outcome.due_today() - effect.pulled.keys()
        effect.pulled.update((key, states[key]) for key in due)
        effect.pulled_per_deck[deck_id] = effect.pulled_per_deck.get(deck_id, 0) + len(due)
        needed = effect.new_needed.get(deck_id, 0)
        effect.new_needed[deck_id] = max(needed, outcome.new_per_day)
        if not plan.topics:
            effect.paced.add(deck_id)
    return effect
