"""The optimizer core: items, metrics, splits, the fit-and-adopt decision."""

from __future__ import annotations

import math
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.progress import optimizer
from studyapp.core.progress.optimizer import (
    Item,
    ReviewRow,
    bin_key,
    build_items,
    default_parameters,
    evaluate,
    log_loss,
    optimize,
    recency_weights,
    rmse_bins,
    study_day,
    time_series_folds,
)
from tests.unit.synthetic_log import simulate

REPO = Path(__file__).resolve().parents[2]
A = ("d", "a", "main")
B = ("d", "b", "main")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def shared_data() -> Path | None:
    """``$STUDYAPP_SHARED_DATA``, else ``<repo>/../shared/data`` (or one level up
    for a git worktree under ``/work/wt``)."""
    candidates = [Path(p) for p in [os.environ.get("STUDYAPP_SHARED_DATA")] if p]
    candidates += [REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data"]
    for candidate in candidates:
        if (candidate / "review_log_josh.csv").is_file():
            return candidate
    return None


# -- items -------------------------------------------------------------------------
def test_study_day_turns_at_the_rollover_hour() -> None:
    assert study_day(at("2026-01-06T03:59:59"), 4, UTC).isoformat() == "2026-01-05"
    assert study_day(at("2026-01-06T04:00:00"), 4, UTC).isoformat() == "2026-01-06"
    new_york = ZoneInfo("America/New_York")  # 04:00 EST is 09:00 UTC
    assert study_day(at("2026-01-06T08:59:00"), 4, new_york).isoformat() == "2026-01-05"
    assert study_day(at("2026-01-06T09:00:00"), 4, new_york).isoformat() == "2026-01-06"


def test_items_count_whole_study_days_across_the_rollover() -> None:
    rows = [
        ReviewRow(A, at("2026-01-09T10:00"), 3),  # given out of order on purpose
        ReviewRow(A, at("2026-01-05T20:00"), 1),  # first review: delta 0
        ReviewRow(A, at("2026-01-05T20:10"), 3),  # same day: history only
        ReviewRow(A, at("2026-01-06T03:59"), 3),  # still study day Jan 5
        ReviewRow(A, at("2026-01-06T04:01"), 3),  # Jan 6: first of the day, predicted
        ReviewRow(A, at("2026-01-06T22:00"), 1),  # same day again: history only
        ReviewRow(B, at("2026-01-07T12:00"), 3),
        ReviewRow(B, at("2026-01-08T12:00"), 4),
    ]
    items = build_items(rows, rollover_hour=4, tz=UTC)
    assert [(item.key, item.at, item.reviews) for item in items] == [
        (A, at("2026-01-06T04:01"), ((1, 0), (3, 0), (3, 0), (3, 1))),
        (B, at("2026-01-08T12:00"), ((3, 0), (4, 1))),
        (A, at("2026-01-09T10:00"), ((1, 0), (3, 0), (3, 0), (3, 1), (1, 0), (3, 3))),
    ]
    assert [item.recalled for item in items] == [True, True, True]


def test_items_follow_the_local_rollover() -> None:
    rows = [ReviewRow(A, at("2026-01-05T20:00"), 3), ReviewRow(A, at("2026-01-06T04:01"), 3)]
    assert len(build_items(rows, 4, UTC)) == 1
    # In New York 04:01 UTC is 23:01 the evening before: the same study day.
    assert build_items(rows, 4, ZoneInfo("America/New_York")) == []


# -- metrics -----------------------------------------------------------------------
def test_log_loss_by_hand() -> None:
    expected = -(math.log(0.9) + math.log(0.8)) / 2  # 0.164252
    assert log_loss([0.9, 0.2], [1, 0]) == pytest.approx(expected)
    assert log_loss([0.9, 0.2], [1, 0], [1, 3]) == pytest.approx(
        -(math.log(0.9) + 3 * math.log(0.8)) / 4
    )
    assert math.isfinite(log_loss([1.0, 0.0], [0, 1]))  # clipped, not infinite


def test_rmse_bins_by_hand() -> None:
    # bin a: mean prediction 0.8, recall 0.5 (2 items); bin b: 0.5 vs 1 (1 item)
    assert rmse_bins([0.9, 0.7, 0.5], [1, 0, 1], ["a", "a", "b"]) == pytest.approx(
        math.sqrt((0.3**2 * 2 + 0.5**2) / 3)
    )
    # weights change each bin's weight, not its means
    assert rmse_bins([0.9, 0.7, 0.5], [1, 0, 1], ["a", "a", "b"], [1, 1, 2]) == pytest.approx(
        math.sqrt((0.3**2 * 2 + 0.5**2 * 2) / 4)
    )
    assert rmse_bins([0.3, 0.3], [0, 1], ["x", "x"]) == pytest.approx(0.2)


def test_bins_are_fsrs_rs_r_matrix_bins() -> None:
    first = Item(A, at("2026-01-06T04:01"), ((1, 0), (3, 0), (3, 0), (3, 1)))
    # delta_t 1 -> 0; length 1 spaced review + 1 = 2 -> floor(log_1.89 2) = 1; no lapse
    assert bin_key(first) == (0, 1, 0)
    later = Item(A, at("2026-01-20T10:00"), ((3, 0), (1, 4), (3, 1), (3, 13)))
    # delta_t 13 -> floor(log_3.62 13) = 1; length 3 + 1 = 4 -> 2; one lapse -> bin 1
    assert bin_key(later) == (1, 2, 1)
    assert bin_key(Item(A, later.at, ((3, 0), (3, 4)))) == (1, 1, 0)


def test_recency_weights_match_fsrs_rs() -> None:
    assert recency_weights(3) == pytest.approx([0.25, 0.25 + 0.75 / 8, 1.0])
    assert recency_weights(1) == [0.25]


def test_time_series_folds() -> None:
    assert time_series_folds(12, 5) == [(2, 4), (4, 6), (6, 8), (8, 10), (10, 12)]
    assert time_series_folds(13, 5)[-1] == (10, 13)  # the last fold takes the rest
    with pytest.raises(ValueError):
        time_series_folds(5, 5)


def test_weighted_evaluation_reproduces_fsrs_rs() -> None:
    import fsrs_rs_python as rs

    items = build_items(simulate(60, seed=3), 4, UTC)
    ours = evaluate(items, default_parameters(), weighted=True)
    theirs = rs.FSRS(list(default_parameters())).evaluate(
        [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in item.reviews]) for item in items]
    )
    assert ours.log_loss == pytest.approx(theirs.log_loss, abs=1e-5)
    assert ours.rmse_bins == pytest.approx(theirs.rmse_bins, abs=1e-4)


# -- the decision ------------------------------------------------------------------
def test_fitted_parameters_beat_the_defaults_on_a_forgetful_student() -> None:
    rows = simulate(150, seed=7)
    report = optimize(rows, tz=UTC)
    assert report.needed == 0
    assert report.items == len(build_items(rows, 4, UTC)) >= optimizer.MIN_ITEMS
    assert report.held_out == report.items - report.items // 6
    assert report.default is not None and report.fitted is not None
    assert report.fitted.log_loss < report.default.log_loss
    assert report.fitted.rmse_bins < report.default.rmse_bins
    assert report.adopt, report.reason
    assert report.parameters is not None and len(report.parameters) == 21
    # the student forgets fast: the fitted first-Good stability is below the default
    assert report.parameters[2] < default_parameters()[2]


def test_parameters_in_use_are_the_baseline() -> None:
    rows = simulate(150, seed=7)
    first = optimize(rows, tz=UTC)
    again = optimize(rows, tz=UTC, current=first.parameters)
    assert again.current is not None and again.default is not None
    # fitted on every review, the parameters in use have seen the held-out folds
    assert again.current.log_loss < again.default.log_loss
    assert not again.adopt
    assert "parameters in use" in again.reason or "current" in again.reason


def test_too_few_reviews_says_how_many_more() -> None:
    rows = simulate(20, seed=1)
    items = len(build_items(rows, 4, UTC))
    report = optimize(rows, tz=UTC)
    assert items < optimizer.MIN_ITEMS
    assert report.needed == optimizer.MIN_ITEMS - items
    assert not report.adopt and report.parameters is None
    assert f"{report.needed} more spaced reviews" in report.reason


def test_missing_extra_explains_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # import fails
    with pytest.raises(optimizer.OptimizerUnavailable) as caught:
        optimize([], tz=UTC)
    assert 'pip install "studyapp[optimize]"' in str(caught.value)


# -- real behaviour ----------------------------------------------------------------
def _josh_rows(limit: int | None = None) -> list[ReviewRow]:
    from studyapp.core.progress.review_import import parse_reviews

    data = shared_data()
    if data is None:
        pytest.skip("no shared data (set STUDYAPP_SHARED_DATA)")
    path = data / "review_log_josh.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(handle)
    reviews, errors = parse_reviews(lines[: None if limit is None else limit + 1], str(path))
    assert errors == []
    return [ReviewRow(("josh", r.card_id, "main"), r.at, r.rating) for r in reviews]


def test_josh_default_figures_match_the_published_ones() -> None:
    """In-sample, fsrs-rs-weighted, 04:00 UTC day boundary: 0.4535 / 0.0766."""
    items = build_items(_josh_rows(), 4, UTC)
    assert len(items) == 6276
    metrics = evaluate(items, default_parameters(), weighted=True)
    assert metrics.log_loss == pytest.approx(0.4535, abs=5e-4)
    assert metrics.rmse_bins == pytest.approx(0.0766, abs=5e-4)


def test_josh_slice_is_fitted_and_evaluated_on_held_out_time() -> None:
    report = optimize(_josh_rows(6000), tz=UTC)
    assert report.needed == 0 and report.items > 2000
    assert report.default is not None and report.fitted is not None
    assert 0.3 < report.fitted.log_loss < 0.6
    assert report.fitted.rmse_bins < report.default.rmse_bins


def test_fitted_parameters_are_clipped_to_py_fsrs_bounds() -> None:
    import fsrs

    # fsrs-rs's float32 upper bound 0.8 of w19 and w20 is 0.800000012
    f32_upper = [0.1] * 19 + [0.800000011920929, 0.800000011920929]
    clipped = optimizer.clip_parameters(f32_upper)
    assert clipped[19] == clipped[20] == 0.8
    assert clipped[4] == 1.0  # lower bound of w4
    fsrs.Scheduler(parameters=clipped)  # accepted
