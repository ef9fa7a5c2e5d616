"""Exam plans wired to the store and settings, for the CLI, ``studyapp due`` and the TUI.

No Textual here. The maths is in :mod:`studyapp.core.study.planning`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from studyapp.app.config import Settings
from studyapp.core.deck.model import Deck, PromptKey
from studyapp.core.study.calibration import ENOUGH, OPTIMIZE_AT, Calibration, calibrate
from studyapp.core.study.planning import (
    ExamPlan,
    PlanEffect,
    PlanOutcome,
    apply_plans,
    plan_schedule,
    study_date,
)
from studyapp.core.study.scheduling import Policy, day_bounds

if TYPE_CHECKING:
    from studyapp.store import Store

__all__ = [
    "deck_plan_effect",
    "describe_outcome",
    "new_plan",
    "parse_exam_date",
    "plan_outcomes",
    "plan_summary",
    "scope_of",
    "student_calibration",
    "topics_of",
]


def student_calibration(store: Store, policy: Policy) -> Calibration:
    """The student's calibration from their spaced reviews since the parameters in use
    were adopted (all of them while FSRS's defaults are in use)."""
    since = store.adopted_parameters().since
    return calibrate(store.spaced_reviews(since), policy.curve_shape)


def scope_of(deck: Deck) -> list[tuple[PromptKey, str]]:
    """Every prompt of ``deck`` with its card's topic."""
    from studyapp.core.study.session import prompts_of

    return [(p.key, p.card.topic) for p in prompts_of(deck)]


def deck_plan_effect(
    plans: Sequence[ExamPlan],
    deck_id: str,
    prompt_keys: Iterable[PromptKey],
    card_topics: Callable[[], Mapping[str, str]],
    store: Store,
    settings: Settings,
    now: datetime,
) -> PlanEffect:
    """What ``plans`` (on ``deck_id``) change in today's queue of that deck.

    ``card_topics`` gives card id -> topic; it is only called when a plan
    names topics (``studyapp due`` then has to load the deck's text).
    """
    topics: Mapping[str, str] = card_topics() if any(plan.topics for plan in plans) else {}
    scope = [(key, topics.get(key[1], "")) for key in prompt_keys]
    start, _ = day_bounds(now, settings.rollover_hour)
    counts = store.day_counts([deck_id], start)
    states = store.card_states([deck_id])
    policy = Policy(store.scheduler_config(settings.scheduler))
    return apply_plans(
        plans,
        lambda _deck: scope,
        lambda _deck: states,
        counts,
        policy,
        now,
        rollover_hour=settings.rollover_hour,
        calibration=student_calibration(store, policy),
    )


def plan_outcomes(
    store: Store,
    decks: Sequence[Deck],
    settings: Settings,
    now: datetime,
    plans: Sequence[ExamPlan] | None = None,
) -> list[PlanOutcome]:
    """Every plan whose exam is today or later, on a deck in ``decks``, as of ``now``
    (``plans``: those plans, when the caller has already read them)."""
    if plans is None:
        plans = store.exam_plans(study_date(now, settings.rollover_hour))
    by_id = {deck.id: deck for deck in decks}
    plans = [plan for plan in plans if plan.deck_id in by_id]
    if not plans:
        return []
    policy = Policy(store.scheduler_config(settings.scheduler))
    calibration = student_calibration(store, policy)
    start, _ = day_bounds(now, settings.rollover_hour)
    out = []
    for plan in plans:
        counts = store.day_counts([plan.deck_id], start).get(plan.deck_id)
        out.append(
            plan_schedule(
                plan,
                scope_of(by_id[plan.deck_id]),
                store.card_states([plan.deck_id]),
                policy,
                now,
                rollover_hour=settings.rollover_hour,
                done_today=counts.reviews if counts else 0,
                new_today=counts.new if counts and not plan.topics else 0,
                calibration=calibration,
            )
        )
    return out


def describe_outcome(outcome: PlanOutcome, new_limit: int) -> list[str]:
    """A few plain lines about one plan (the CLI and the home screen show them)."""
    plan = outcome.plan
    target = plan.target
    if outcome.days_left == 0:
        when = "the exam is today"
    else:
        when = f"{outcome.days_left} day{'s' * (outcome.days_left != 1)} left"
    lines = [
        f"Exam {plan.exam_date.isoformat()}: {when}, target {target:.0%}",
        f"{outcome.prompts} card{'s' * (outcome.prompts != 1)} in scope"
        + (f" ({', '.join(plan.topics)})" if plan.topics else "")
        + f", {outcome.new} never studied",
        f"Predicted recall on the day if you stopped now: {outcome.predicted:.0%} "
        f"({outcome.on_target} at or above {target:.0%}{_range(outcome)})",
        *_how_sure(outcome),
    ]
    if outcome.active:
        pulled = len(outcome.due_today())
        lines.append(
            f"Extra load today: {outcome.extra_today(new_limit)} "
            f"({pulled} review{'s' * (pulled != 1)} pulled in early); "
            f"about {_mean_extra(outcome):.1f} extra reviews a day until the exam"
        )
        lines += _peak(outcome)
        if outcome.new:
            pace = outcome.new_per_day
            if pace > new_limit:
                limit = f"your limit of {new_limit} is raised to {pace}"
            elif pace < new_limit and not plan.topics:
                limit = f"the plan paces the deck: your limit of {new_limit} is {pace} until then"
            else:
                limit = f"your limit: {new_limit}"
            lines.append(f"New cards: {pace} a day needed to finish in time ({limit})")
    return lines


PEAK_WARNING = 1.5
"""A busiest day above this many times the mean day is announced (issue 19's bound)."""


def _peak(outcome: PlanOutcome) -> list[str]:
    """A warning when the reviews bunch up on one day, with why and what helps."""
    ratio = outcome.peak_ratio()
    if outcome.busiest is None or ratio <= PEAK_WARNING:
        return []
    day, count = outcome.busiest
    return [
        f"Busiest day: {day.isoformat()} with about {count} reviews, {ratio:.1f}x the mean day "
        f"({outcome.mean_load:.1f}): at a {outcome.plan.target:.0%} target the last reviews "
        "must come close to the exam for cards your answers say you forget fast; "
        "a lower target (--retention) or an earlier start spreads them"
    ]


def _range(outcome: PlanOutcome) -> str:
    """The likely range of the count at or above the target, when it means something."""
    if not outcome.calibration.enough:
        return ""
    low, high = outcome.on_target_low, outcome.on_target_high
    return "" if low == high else f"; likely {low}-{high}"


def _how_sure(outcome: PlanOutcome) -> list[str]:
    """How sure the prediction is, and what cannot be reached, in plain lines."""
    calibration = outcome.calibration
    target = f"{outcome.plan.target:.0%}"
    if calibration.enough:
        lines = [f"Calibrated to your answers: {calibration.describe()}"]
    else:
        lines = [
            f"Too few reviews to know how sure this is ({calibration.reviews} spaced reviews; "
            f"the range needs {ENOUGH}): the plan assumes you may forget faster than "
            f"predicted; `studyapp optimize` fits your own parameters from {OPTIMIZE_AT}"
        ]
    if outcome.short:
        lines.append(
            f"{outcome.short} card{'s' * (outcome.short != 1)} cannot reach {target} by the "
            "exam even reviewed the day before (you may forget faster than predicted); "
            "they are planned for that day, the best there is"
        )
    return lines


def _certainty(outcome: PlanOutcome) -> str:
    """The home line's part on how many cards are on target and how sure that is."""
    count = f"{outcome.on_target}/{outcome.prompts} cards at {outcome.plan.target:.0%} on the day"
    notes = []
    if not outcome.calibration.enough:
        notes.append("too few reviews to know")
    elif outcome.on_target_low != outcome.on_target_high:
        notes.append(f"likely {outcome.on_target_low}-{outcome.on_target_high}")
    if outcome.short:
        notes.append(f"{outcome.short} cannot reach it")
    return f"{count} ({'; '.join(notes)})" if notes else count


def _mean_extra(outcome: PlanOutcome) -> float:
    extra = sum(outcome.extra_per_day().values())
    return extra / outcome.days_left if outcome.days_left else 0.0


def parse_exam_date(text: str, today: date) -> date:
    """An exam date ``YYYY-MM-DD`` after ``today`` (``ValueError`` with a clear message)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"exam date {text!r} is not a date like 2026-12-15") from None
    if day <= today:
        raise ValueError(
            f"the exam date {day.isoformat()} is not after today ({today.isoformat()})"
        )
    return day


def topics_of(deck: Deck | None) -> dict[str, str]:
    """card id -> topic (empty when the deck could not be loaded)."""
    return {card.id: card.topic for card in deck.cards} if deck is not None else {}


def new_plan(deck: Deck, exam: str, topics: Sequence[str], target: float, today: date) -> ExamPlan:
    """A plan from what the student typed (``ValueError`` with a clear message)."""
    exam_date = parse_exam_date(exam, today)
    chosen = tuple(dict.fromkeys(topic.strip() for topic in topics if topic.strip()))
    known = sorted({card.topic for card in deck.cards})
    unknown = [topic for topic in chosen if topic not in known]
    if unknown:
        raise ValueError(
            f"no topic {', '.join(unknown)} in deck {deck.id} (topics: {', '.join(known)})"
        )
    if not 0.5 <= target <= 0.99:
        raise ValueError("the target retention must be from 0.5 to 0.99")
    return ExamPlan(deck.id, exam_date, chosen, target)


def plan_summary(outcome: PlanOutcome, new_limit: int) -> str:
    """Two lines for the home screen: days left, recall on the day, today's extra
    load; then the cards on target and how sure that is."""
    plan = outcome.plan
    scope = f" ({', '.join(plan.topics)})" if plan.topics else ""
    days = "today" if outcome.days_left == 0 else f"in {outcome.days_left} d"
    text = (
        f"Exam{scope} {days} · predicted recall on the day {outcome.predicted:.0%} "
        f"(target {plan.target:.0%})"
    )
    if outcome.active:
        text += f" · extra today {outcome.extra_today(new_limit)}"
    return f"{text}\n  {_certainty(outcome)}"
