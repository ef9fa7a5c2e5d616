"""A simulated student studying toward an exam with (or without) a plan.

Shared by ``tests/unit/test_planning_simulation.py`` (a few seeds, fast) and
``benchmarks/planning.py`` (many seeds, the figures in ``docs/scheduling.md``).

The scheduler always runs FSRS-6 with its default parameters, as the app does
before ``studyapp optimize``. The *student* forgets by a :class:`Student`
profile's own FSRS-6 parameters, which the scheduler never sees: each prompt
has a true memory state, updated by the student's parameters on every answer,
and an answer is Good with the student's true recall probability (a seeded
``Random``), Again otherwise. On the exam day the true share of prompts at the
target is compared with the share the app predicts (its own, calibrated, view).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from functools import cache
from pathlib import Path
from random import Random

from studyapp.app.plan_service import student_calibration
from studyapp.core.deck.model import Card, Deck, PromptKey
from studyapp.core.study.planning import ExamPlan, day_start, plan_schedule
from studyapp.core.study.queue import DailyLimits
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig, State
from studyapp.core.study.session import StudySession
from studyapp.store import Store
from tests.conftest import FakeClock

START = date(2026, 11, 16)
FIRST_SIGHT = 0.7
"""A never-seen prompt has no model prediction: it is recalled with this probability."""
REPO = Path(__file__).resolve().parents[2]


@cache
def default_parameters() -> tuple[float, ...]:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(DEFAULT_PARAMETERS)


@cache
def josh_parameters() -> tuple[float, ...]:
    """FSRS-6 parameters fitted to ``review_log_josh.csv`` by ``benchmarks/optimizer.py``."""
    results = json.loads((REPO / "benchmarks" / "optimizer-results.json").read_text("utf-8"))
    return tuple(float(value) for value in results["parameters"])


def scaled_initial(factor: float) -> tuple[float, ...]:
    """The default parameters with the four initial stabilities (w0-w3) times ``factor``."""
    w = default_parameters()
    return tuple(value * factor for value in w[:4]) + w[4:]


@dataclass(frozen=True)
class Student:
    name: str
    parameters: tuple[float, ...] | None
    """The student's true FSRS-6 parameters (``None``: the scheduler's own)."""


def profiles() -> list[Student]:
    """The students of issue 19's tables."""
    return [
        Student("same as the scheduler", None),
        Student("fast forgetter (initial stabilities halved)", scaled_initial(0.5)),
        Student("slow forgetter (doubled)", scaled_initial(2.0)),
        Student("parameters fitted to review_log_josh.csv", josh_parameters()),
    ]


def make_deck(size: int) -> Deck:
    cards = tuple(
        Card(f"c{i:03d}", "basic", f"topic{i % 5}", 1, {"question": f"Q{i}", "answer": f"A{i}"})
        for i in range(size)
    )
    return Deck("pharm", "Pharm", "", "pharm.yaml", cards)


@dataclass
class Run:
    target: float
    answers: list[int] = field(default_factory=list)
    """Answers given on each study day of the plan (learning steps included)."""
    recall: list[float] = field(default_factory=list)
    """Each prompt's true recall probability on the exam day."""
    predicted_share: float = 0.0
    """The share of prompts the app predicts at the target on the exam day."""
    predicted_low: float = 0.0
    predicted_high: float = 0.0

    def share_at(self, target: float | None = None) -> float:
        threshold = self.target if target is None else target
        return sum(r >= threshold for r in self.recall) / len(self.recall)

    @property
    def mean(self) -> float:
        return sum(self.answers) / len(self.answers)

    @property
    def load_ratio(self) -> float:
        """The busiest day's answers over the mean day's."""
        return max(self.answers) / self.mean


def simulate(
    tmp: Path,
    *,
    student: Student | None = None,
    size: int = 150,
    days: int = 30,
    target: float = 0.95,
    planned: bool = True,
    seed: int = 6,
    history_days: int = 0,
    new_per_day: int = 10,
    calibrated: bool = True,
) -> Run:
    """Study ``size`` prompts for ``days`` days toward an exam on the day after.

    With ``history_days``, the student first studies the deck for that many
    days without a plan (so the plan starts on a half-known deck). With
    ``calibrated`` (the app's behaviour) the plan and the prediction use the
    student's calibration, recomputed from the log every day as the app does at
    the start of every session; without, FSRS's own predictions (issue 6).
    """
    deck = make_deck(size)
    rng = Random(seed)
    policy = Policy(SchedulerConfig(enable_fuzz=True), rng=Random(seed + 1))
    params = student.parameters if student is not None else None
    truth = Policy(SchedulerConfig(enable_fuzz=False, parameters=params))
    true_states: dict[PromptKey, CardState] = {}
    first = START - timedelta(days=history_days)
    exam = START + timedelta(days=days)
    plan = ExamPlan("pharm", exam, target=target, id=1)
    run = Run(target)
    clock = FakeClock(day_start(first, 4, UTC) + timedelta(hours=9))
    name = f"sim-{seed}-{planned}-{history_days}-{size}-{days}-{target}-{new_per_day}"
    with Store.open(tmp / f"{name}-{id(student)}.db") as store:
        for offset in range(history_days + days):
            day = first + timedelta(days=offset)
            clock.now = day_start(day, 4, UTC) + timedelta(hours=9)
            session = StudySession(
                [deck],
                store,
                policy,
                clock,
                limits=lambda _deck: DailyLimits(new=new_per_day, reviews=200),
                tz=UTC,
                plans=[plan] if planned and day >= START else [],
                calibration=student_calibration(store, policy) if calibrated else None,
            )
            answered = 0
            while True:
                prompt = session.refresh()
                if prompt is None:
                    if session.queue.learning:  # a learning step comes due later today
                        clock.advance(minutes=5)
                        continue
                    break
                key = prompt.key
                known = true_states.get(key, CardState())
                recall = (
                    FIRST_SIGHT
                    if session.state_of(prompt).state is State.NEW
                    else truth.retrievability(known, clock())
                )
                rating = Rating.GOOD if rng.random() < recall else Rating.AGAIN
                true_states[key] = truth.review(known, rating, clock(), fuzz=False)
                session.answer(rating, 5000)
                answered += 1
                clock.advance(seconds=20)
            if day >= START:
                run.answers.append(answered)
        exam_start = day_start(exam, 4, UTC)
        keys: Sequence[PromptKey] = [("pharm", card.id, "main") for card in deck.cards]
        run.recall = [
            truth.retrievability(true_states[key], exam_start) if key in true_states else 0.0
            for key in keys
        ]
        outcome = plan_schedule(
            plan,
            [(key, "") for key in keys],
            store.card_states(["pharm"]),
            policy,
            exam_start,
            tz=UTC,
            **({"calibration": student_calibration(store, policy)} if calibrated else {}),
        )
        run.predicted_share = outcome.on_target / outcome.prompts
        run.predicted_low = outcome.on_target_low / outcome.prompts
        run.predicted_high = outcome.on_target_high / outcome.prompts
    return run
