"""A simulated student studies toward an exam with a plan (issues 6 and 19).

The harness is ``tests/unit/planning_sim.py``: the student does each day
exactly what the queue says and answers with a seeded ``Random`` drawing from
its *own* recall probability: the scheduler's model (issue 6's tests) or
another FSRS-6 parameter set the scheduler never sees (issue 19's). At the end
the true recall on the exam day is checked, as are the app's prediction and
the daily load. Many seeds: ``benchmarks/planning.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.planning_sim import profiles, simulate


def test_a_fresh_deck_reaches_a_target_above_the_desired_retention(tmp_path: Path) -> None:
    """150 new prompts, 30 days, target 0.95 (FSRS alone aims at 0.90)."""
    run = simulate(tmp_path, target=0.95, new_per_day=10)
    assert len(run.answers) == 30
    assert run.share_at(0.95) >= 0.95
    assert max(run.answers) <= 2 * run.mean
    # Without the plan FSRS keeps its own 0.90 and far fewer prompts reach 0.95:
    # the test above cannot pass by accident.
    unplanned = simulate(tmp_path, target=0.95, new_per_day=10, planned=False)
    assert unplanned.share_at(0.95) < 0.8
    assert run.share_at(0.95) - unplanned.share_at(0.95) >= 0.2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_known_deck_is_brought_to_the_target_without_piling_up(tmp_path: Path, seed: int) -> None:
    """200 prompts studied for 30 days before the plan; the plan pulls reviews in."""
    run = simulate(tmp_path, target=0.95, history_days=30, size=200, seed=seed, new_per_day=20)
    assert run.share_at(0.95) >= 0.95
    assert max(run.answers) <= 2 * run.mean
    assert min(run.answers) > 0  # the extra load is spread, every day has some


def test_the_default_target_is_reached_on_a_fresh_deck(tmp_path: Path) -> None:
    run = simulate(tmp_path, target=0.9, new_per_day=10)
    assert run.share_at(0.9) >= 0.95
    assert max(run.answers) <= 2 * run.mean


# -- issue 19: students who forget by other parameters than the scheduler's -----------


@pytest.mark.parametrize("name", ["fast", "josh"])
def test_a_mismatched_student_reaches_the_target_and_the_prediction_holds(
    tmp_path: Path, name: str
) -> None:
    """The fast forgetter and the student fitted to the josh log (seed 7): the plan
    calibrates from their answers; the app's predicted share is within 5 points."""
    student = {"fast": profiles()[1], "josh": profiles()[3]}[name]
    run = simulate(tmp_path, student=student, seed=7)
    assert run.share_at(0.95) >= 0.95
    assert abs(run.predicted_share - run.share_at(0.95)) <= 0.05
    assert run.predicted_low <= run.predicted_share <= run.predicted_high


def test_without_calibration_the_josh_student_falls_short_of_what_the_app_predicts(
    tmp_path: Path,
) -> None:
    """Issue 19's "before": FSRS's own predictions, a real learner's forgetting."""
    run = simulate(tmp_path, student=profiles()[3], seed=7, calibrated=False)
    assert run.share_at(0.95) < 0.85
    assert run.predicted_share == 1.0


def test_a_plan_paces_a_fresh_deck_so_the_busiest_day_is_at_most_one_and_a_half_the_mean(
    tmp_path: Path,
) -> None:
    """20 new a day on a fresh deck crowds the first weeks (2.5x the mean without a
    plan); the plan paces the new cards instead, and still reaches the target."""
    run = simulate(tmp_path, new_per_day=20, seed=6)
    assert run.load_ratio <= 1.5
    assert run.share_at(0.95) >= 0.95
    unplanned = simulate(tmp_path, new_per_day=20, seed=6, planned=False)
    assert unplanned.load_ratio >= 2.0
