"""The student's calibration (issue 19): the fit, the store's spaced reviews, and what
plans do with it. Seeded ``Random`` students; an unfuzzed policy; UTC clock."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from studyapp.app.plan_service import describe_outcome, plan_summary
from studyapp.core.study.calibration import (
    ENOUGH,
    NEUTRAL,
    PRIOR_A,
    S_REF,
    Z_RANGE,
    Calibration,
    Observation,
    calibrate,
)
from studyapp.core.study.planning import ExamPlan, PlanOutcome, day_start, plan_schedule
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig, State
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store

POLICY = Policy(SchedulerConfig(enable_fuzz=False))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EXAM = date(2026, 12, 13)
EXAM_START = day_start(EXAM, 4, UTC)


def student(true_factor: float | None, count: int, seed: int = 1, b: float = 0.0):
    """``count`` spaced reviews of a student whose stability is ``true_factor`` times
    FSRS's at ``S_REF`` (times ``(S / S_REF) ** b`` elsewhere)."""
    rng = Random(seed)
    out = []
    for _ in range(count):
        stability = rng.uniform(1.0, 60.0)
        days = max(1, round(stability * rng.uniform(0.3, 2.0)))
        k = (true_factor or 1.0) * (stability / S_REF) ** b
        recall = POLICY.curve(stability * k, days)
        out.append(Observation(stability, days, rng.random() < recall))
    return out


def test_with_no_reviews_the_calibration_is_the_prior_and_says_so() -> None:
    calibration = calibrate([], POLICY.curve_shape)
    assert (calibration.a, calibration.b, calibration.reviews) == (0.0, 0.0, 0)
    assert calibration.var_a == pytest.approx(PRIOR_A**2)
    assert not calibration.enough
    low, high = (calibration.factor(S_REF, z) for z in (-Z_RANGE, Z_RANGE))
    assert low == pytest.approx(math.exp(-Z_RANGE * PRIOR_A))
    assert high == pytest.approx(math.exp(Z_RANGE * PRIOR_A))
    assert NEUTRAL.adjust() is None and calibration.adjust() is not None


@pytest.mark.parametrize("true_factor", [0.5, 1.0, 2.0])
def test_a_students_factor_is_recovered_within_its_range(true_factor: float) -> None:
    calibration = calibrate(student(true_factor, 800), POLICY.curve_shape)
    assert calibration.enough and calibration.reviews == 800
    low, mid, high = (calibration.factor(S_REF, z) for z in (-Z_RANGE, 0.0, Z_RANGE))
    assert low <= true_factor <= high
    assert mid == pytest.approx(true_factor, rel=0.3)
    assert math.log(high / low) < 0.6 * 2 * Z_RANGE * PRIOR_A  # much narrower than the prior


def test_a_student_whose_mature_cards_fall_behind_gets_a_falling_factor() -> None:
    # Like the josh log's parameters: close to FSRS on young cards, far below on mature.
    calibration = calibrate(student(0.9, 1000, b=-0.4), POLICY.curve_shape)
    assert calibration.b < -0.2
    assert calibration.factor(40.0) < 0.6 < calibration.factor(2.0)


def test_the_store_reads_spaced_reviews_with_the_stability_logged_before(tmp_path: Path) -> None:
    key = ("d", "c1", "main")
    states = [CardState()]
    times = [NOW, NOW + timedelta(minutes=10), NOW + timedelta(days=3), NOW + timedelta(days=9)]
    ratings = [Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD]
    with Store.open(tmp_path / "s.db") as store:
        ids = []
        for at, rating in zip(times, ratings, strict=True):
            after = POLICY.review(states[-1], rating, at, fuzz=False)
            ids.append(
                store.record_review(ReviewRecord(key, "basic", at, rating, 1, states[-1], after))
            )
            states.append(after)
        observations = store.spaced_reviews()
        # The learning step ten minutes later is not spaced; the next two are.
        assert observations == [
            Observation(states[2].stability, 2, False),  # type: ignore[arg-type]
            Observation(states[3].stability, 6, True),  # type: ignore[arg-type]
        ]
        assert store.spaced_reviews(since=NOW + timedelta(days=1)) == observations[1:]
        assert store.spaced_reviews(limit=1) == observations[1:]
        store.undo_review(ids[-1], key, states[3])
        assert store.spaced_reviews() == observations[:1]


def learnt(stability: float, days_ago: int) -> CardState:
    last = NOW - timedelta(days=days_ago)
    return CardState(
        state=State.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=EXAM_START + timedelta(days=30),
        last_review=last,
        reps=3,
    )


def test_a_plan_pulls_for_the_student_it_has_and_gives_a_range() -> None:
    # Above 0.95 on the exam day for FSRS (stability 60-69 days, 21 days before):
    # with the target 0.95 FSRS alone leaves them be.
    states = {("d", f"c{i}", "main"): learnt(60.0 + i, 1) for i in range(10)}
    plan = ExamPlan("d", EXAM, target=0.95)
    scope = [(k, "t") for k in states]
    fsrs_only = plan_schedule(plan, scope, states, POLICY, NOW, tz=UTC)
    assert fsrs_only.on_target == 10 and not fsrs_only.plan_due
    # A student known (from many reviews) to keep half FSRS's stability.
    slow = Calibration(reviews=2000, a=math.log(0.5), var_a=0.001, var_b=0.0001)
    outcome = plan_schedule(plan, scope, states, POLICY, NOW, tz=UTC, calibration=slow)
    assert outcome.on_target == 0 and outcome.calibration is slow
    assert set(outcome.plan_due) == set(states)
    assert outcome.predicted < fsrs_only.predicted
    # With a wide calibration (no reviews yet) the range spans the target.
    wide = calibrate([], POLICY.curve_shape)
    outcome = plan_schedule(plan, scope, states, POLICY, NOW, tz=UTC, calibration=wide)
    assert outcome.on_target_low == 0 and outcome.on_target_high == 10


def test_an_adjusted_prediction_is_the_curve_at_the_adjusted_stability() -> None:
    def half(stability: float) -> float:
        return stability / 2

    state = learnt(20.0, 5)
    then = NOW + timedelta(days=10)
    assert POLICY.retrievability(state, then, adjust=half) == pytest.approx(POLICY.curve(10.0, 15))
    at = NOW + timedelta(days=2)
    after = POLICY.review(state, Rating.GOOD, at, fuzz=False)
    assert POLICY.recall_after(state, Rating.GOOD, at, then, adjust=half) == pytest.approx(
        POLICY.retrievability(after, then, adjust=half), abs=1e-12
    )
    assert ENOUGH > 0


# -- what the student is told -------------------------------------------------------


def outcome_with(calibration: Calibration, short: int = 0) -> PlanOutcome:
    return PlanOutcome(
        plan=ExamPlan("d", EXAM, target=0.95),
        today=EXAM - timedelta(days=20),
        days_left=20,
        prompts=150,
        new=0,
        predicted=0.96,
        on_target=140,
        new_per_day=0,
        on_target_low=120,
        on_target_high=148,
        calibration=calibration,
        short=short,
    )


def test_with_enough_reviews_the_student_sees_a_range_and_their_calibration() -> None:
    calibration = Calibration(reviews=500, a=math.log(0.7), var_a=0.01, var_b=0.01)
    lines = describe_outcome(outcome_with(calibration, short=2), new_limit=20)
    text = "\n".join(lines)
    assert (
        "Predicted recall on the day if you stopped now: 96% (140 at or above 95%; likely 120-148)"
        in text
    )
    assert "Calibrated to your answers: you keep 0.7x FSRS's predicted memory strength" in text
    assert "2 cards cannot reach 95% by the exam even reviewed the day before" in text
    assert "Too few" not in text
    summary = plan_summary(outcome_with(calibration, short=2), new_limit=20)
    assert "\n  140/150 cards at 95% on the day (likely 120-148; 2 cannot reach it)" in summary


def test_with_too_few_reviews_the_student_is_told_so_and_pointed_to_optimize() -> None:
    calibration = Calibration(reviews=ENOUGH - 1, var_a=0.2, var_b=0.05)
    text = "\n".join(describe_outcome(outcome_with(calibration), new_limit=20))
    assert f"Too few reviews to know how sure this is ({ENOUGH - 1} spaced reviews" in text
    assert "`studyapp optimize` fits your own parameters from 400" in text
    assert "likely" not in text
    summary = plan_summary(outcome_with(calibration), new_limit=20)
    assert "140/150 cards at 95% on the day (too few reviews to know)" in summary


def test_a_card_no_review_can_bring_to_the_target_is_counted_short() -> None:
    # Stability 2 days, last seen 30 days ago: even a Good review the day before the
    # exam leaves it below 0.999.
    state = learnt(2.0, 30)
    plan = ExamPlan("d", EXAM, target=0.999)
    outcome = plan_schedule(
        plan, [(("d", "c", "main"), "t")], {("d", "c", "main"): state}, POLICY, NOW, tz=UTC
    )
    assert outcome.short == 1
    assert outcome.plan_due == {("d", "c", "main"): EXAM - timedelta(days=1)}
