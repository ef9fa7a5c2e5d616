"""Fitting FSRS-6 parameters to a student's own review log (``studyapp optimize``).

Pure domain code: review-log rows in, a report out. The fitting itself is
done by ``fsrs-rs-python`` (the optional ``optimize`` extra), imported only
inside the functions that need it. The method is described in
``docs/optimizer.md``; in short:

* **Items** (:func:`build_items`): per prompt, reviews sorted by time, each
  with ``delta_t`` = whole study days since the prompt's previous review (a
  study day starts at the rollover hour, local time). Every review of a later
  day than the previous one (a *spaced review*) is one item: its history is
  every earlier review of the prompt (same-day ones with ``delta_t = 0``, which
  FSRS-6's short-term stability uses) and FSRS predicts its outcome. Same-day
  repeats are history only, never predicted, as in fsrs-rs.
* **Metrics**: log loss, and RMSE over bins (:func:`rmse_bins`), both as
  fsrs-rs and the srs-benchmark compute them.
* **Split** (:func:`time_series_folds`): items sorted by time are cut into
  ``splits + 1`` equal segments; for each later segment, parameters fitted on
  every earlier segment predict it. All the held-out predictions are pooled.
* **Adoption**: the fitted parameters (fitted again on every item) are adopted
  only when, on the held-out predictions, their log loss is lower *and* their
  RMSE(bins) is not higher than the parameters in use.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import groupby
from typing import Any

__all__ = [
    "DEFAULT_SPLITS",
    "INSTALL_HINT",
    "MIN_ITEMS",
    "Item",
    "Metrics",
    "OptimizerUnavailable",
    "Report",
    "ReviewRow",
    "bin_key",
    "build_items",
    "clip_parameters",
    "default_parameters",
    "evaluate",
    "fit",
    "log_loss",
    "optimize",
    "predict",
    "recency_weights",
    "require_backend",
    "rmse_bins",
    "study_day",
    "time_series_folds",
]

MIN_ITEMS = 400
"""Spaced reviews needed before ``studyapp optimize`` fits anything."""

DEFAULT_SPLITS = 5
"""Time-series splits for the held-out evaluation (as fsrs-rs)."""

INSTALL_HINT = 'pip install "studyapp[optimize]"'


class OptimizerUnavailable(RuntimeError):
    """``fsrs-rs-python`` (the ``optimize`` extra) is not installed."""

    def __init__(self) -> None:
        super().__init__(f"fitting parameters needs the fsrs-rs-python package: {INSTALL_HINT}")


def require_backend() -> Any:
    """The ``fsrs_rs_python`` module, or :class:`OptimizerUnavailable`."""
    try:
        import fsrs_rs_python
    except ImportError:
        raise OptimizerUnavailable() from None
    return fsrs_rs_python


def default_parameters() -> tuple[float, ...]:
    """FSRS-6's default parameters (py-fsrs's; the same 21 values as fsrs-rs)."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(float(w) for w in DEFAULT_PARAMETERS)


# -- items ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One (not undone) review of the log."""

    key: Hashable
    at: datetime
    rating: int


@dataclass(frozen=True, slots=True)
class Item:
    """One spaced review and the prompt's history before it.

    ``reviews`` are ``(rating, delta_t)`` pairs, oldest first; the last one is
    the review FSRS predicts (its ``delta_t`` is at least 1).
    """

    key: Hashable
    at: datetime
    reviews: tuple[tuple[int, int], ...]

    @property
    def recalled(self) -> bool:
        return self.reviews[-1][0] > 1


def study_day(at: datetime, rollover_hour: int = 4, tz: tzinfo | None = None) -> date:
    """The study day of ``at``: its local date (``tz``, default the system's) after
    moving back by ``rollover_hour`` hours, so 03:59 belongs to the day before."""
    local = at.astimezone(tz) if tz is not None else at.astimezone()
    return (local - timedelta(hours=rollover_hour)).date()


def build_items(
    rows: Iterable[ReviewRow], rollover_hour: int = 4, tz: tzinfo | None = None
) -> list[Item]:
    """Training items from review-log rows, sorted by the time of the predicted review."""
    items: list[Item] = []
    ordered = sorted(rows, key=lambda r: (repr(r.key), r.at))
    for key, group in groupby(ordered, key=lambda r: r.key):
        history: list[tuple[int, int]] = []
        last_day: date | None = None
        for row in group:
            day = study_day(row.at, rollover_hour, tz)
            delta = 0 if last_day is None else (day - last_day).days
            history.append((row.rating, delta))
            if delta > 0:
                items.append(Item(key, row.at, tuple(history)))
            last_day = day
    items.sort(key=lambda item: (item.at, repr(item.key)))
    return items


# -- metrics ----------------------------------------------------------------
_EPS = 1e-7


def log_loss(
    predictions: Sequence[float], labels: Sequence[float], weights: Sequence[float] | None = None
) -> float:
    """Mean binary cross-entropy (weighted when ``weights`` are given)."""
    if not predictions:
        raise ValueError("no predictions")
    total = 0.0
    weight_sum = 0.0
    for i, (p, y) in enumerate(zip(predictions, labels, strict=True)):
        w = 1.0 if weights is None else weights[i]
        p = min(max(p, _EPS), 1 - _EPS)
        total -= w * (y * math.log(p) + (1 - y) * math.log(1 - p))
        weight_sum += w
    return total / weight_sum


def bin_key(item: Item) -> tuple[int, int, int]:
    """The RMSE(bins) bin of an item, as fsrs-rs's ``r_matrix_index``.

    Three coordinates, each on a log scale: the interval (``delta_t``, base
    3.62), the number of spaced reviews including this one plus one (base
    1.89), and the number of earlier lapses (Again on a spaced review, base
    1.73; 0 lapses is its own bin).
    """
    delta_t = item.reviews[-1][1]
    length = sum(1 for _, d in item.reviews if d > 0) + 1
    lapses = sum(1 for r, d in item.reviews[:-1] if r == 1 and d > 0)
    lapse_bin = 0 if lapses == 0 else math.floor(math.log(lapses) / math.log(1.73)) + 1
    return (
        math.floor(math.log(delta_t) / math.log(3.62)),
        math.floor(math.log(length) / math.log(1.89)),
        lapse_bin,
    )


def rmse_bins(
    predictions: Sequence[float],
    labels: Sequence[float],
    bins: Sequence[Hashable],
    weights: Sequence[float] | None = None,
) -> float:
    """RMSE over bins: in each bin, mean prediction minus mean outcome; the
    squared gaps are averaged, each bin weighing its number of items (or the
    sum of their ``weights``), and the root taken. As fsrs-rs and srs-benchmark."""
    if not predictions:
        raise ValueError("no predictions")
    table: dict[Hashable, list[float]] = {}
    for i, (p, y, b) in enumerate(zip(predictions, labels, bins, strict=True)):
        cell = table.setdefault(b, [0.0, 0.0, 0.0, 0.0])
        cell[0] += p
        cell[1] += y
        cell[2] += 1
        cell[3] += 1.0 if weights is None else weights[i]
    squared = sum((p / n - y / n) ** 2 * w for p, y, n, w in table.values())
    return math.sqrt(squared / sum(cell[3] for cell in table.values()))


def recency_weights(count: int) -> list[float]:
    """fsrs-rs's weights for items sorted by time: ``0.25 + 0.75 (i / (n-1))^3``.

    fsrs-rs's ``evaluate`` uses them; studyapp's held-out figures do not.
    """
    span = max(count - 1, 1)
    return [0.25 + 0.75 * (i / span) ** 3 for i in range(count)]


@dataclass(frozen=True, slots=True)
class Metrics:
    log_loss: float
    rmse_bins: float

    def to_json(self) -> dict[str, float]:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins}


def _metrics(items: Sequence[Item], predictions: Sequence[float], weighted: bool) -> Metrics:
    labels = [1.0 if item.recalled else 0.0 for item in items]
    weights = recency_weights(len(items)) if weighted else None
    return Metrics(
        log_loss(predictions, labels, weights),
        rmse_bins(predictions, labels, [bin_key(item) for item in items], weights),
    )


# -- fsrs-rs ------------------------------------------------------------------
def _fsrs_item(backend: Any, reviews: Sequence[tuple[int, int]]) -> Any:
    return backend.FSRSItem([backend.FSRSReview(rating, delta) for rating, delta in reviews])


def predict(items: Sequence[Item], parameters: Sequence[float]) -> list[float]:
    """FSRS-6's probability of recall for each item's last review.

    The memory state after the history comes from fsrs-rs; the forgetting
    curve is FSRS-6's ``(1 + factor * t / S) ** -w20``.
    """
    if not items:
        return []
    backend = require_backend()
    model = backend.FSRS(list(parameters))
    states = model.memory_state_batch([_fsrs_item(backend, item.reviews[:-1]) for item in items])
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return [
        (1 + factor * item.reviews[-1][1] / state.stability) ** decay
        for item, state in zip(items, states, strict=True)
    ]


def evaluate(
    items: Sequence[Item], parameters: Sequence[float], *, weighted: bool = False
) -> Metrics:
    """Log loss and RMSE(bins) of ``parameters`` on ``items`` (``weighted``: with
    fsrs-rs's recency weights, which reproduces ``FSRS.evaluate``)."""
    return _metrics(items, predict(items, parameters), weighted)


def fit(items: Sequence[Item], num_relearning_steps: int | None = None) -> tuple[float, ...]:
    """FSRS-6 parameters fitted to ``items`` (sorted by time) by fsrs-rs."""
    backend = require_backend()
    model = backend.FSRS(list(default_parameters()))
    fitted = model.compute_parameters(
        [_fsrs_item(backend, item.reviews) for item in items],
        enable_short_term=True,
        num_relearning_steps=num_relearning_steps,
    )
    return clip_parameters(fitted)


def clip_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """``parameters`` within py-fsrs's bounds (fsrs-rs's, but fsrs-rs works in
    float32: its 0.8 is 0.800000012, which py-fsrs's scheduler would refuse)."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(
        min(max(float(w), low), high)
        for w, low, high in zip(
            parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )


def time_series_folds(count: int, splits: int = DEFAULT_SPLITS) -> list[tuple[int, int]]:
    """``(test_start, test_end)`` index ranges of the held-out folds, as fsrs-rs.

    ``count`` items sorted by time are cut into ``splits + 1`` segments of
    ``count // (splits + 1)``; fold ``s`` trains on ``[0, test_start)`` and
    tests on ``[test_start, test_end)``; the last fold takes the remainder.
    """
    size = count // (splits + 1)
    if size == 0:
        raise ValueError(f"{count} items cannot make {splits} time-series splits")
    return [(s * size, (s + 1) * size if s < splits else count) for s in range(1, splits + 1)]


# -- the whole run ----------------------------------------------------------------
@dataclass(slots=True)
class Report:
    """What ``studyapp optimize`` found, and whether to adopt the fitted parameters."""

    reviews: int
    prompts: int
    items: int
    needed: int = 0
    """Spaced reviews still missing before fitting (0: enough)."""
    splits: int = DEFAULT_SPLITS
    held_out: int = 0
    default: Metrics | None = None
    current: Metrics | None = None
    """The parameters in use, when they are not the defaults."""
    fitted: Metrics | None = None
    parameters: tuple[float, ...] | None = None
    fit_seconds: float = 0.0
    evaluation_seconds: float = 0.0
    adopt: bool = False
    reason: str = ""

    @property
    def baseline(self) -> Metrics | None:
        return self.current or self.default

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "reviews": self.reviews,
            "prompts": self.prompts,
            "items": self.items,
            "splits": self.splits,
            "held_out": self.held_out,
            "fit_seconds": round(self.fit_seconds, 4),
            "evaluation_seconds": round(self.evaluation_seconds, 4),
            "reason": self.reason,
        }
        for name in ("default", "current", "fitted"):
            metrics = getattr(self, name)
            if metrics is not None:
                out[name] = metrics.to_json()
        return out


def optimize(
    rows: Sequence[ReviewRow],
    *,
    current: Sequence[float] | None = None,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
    splits: int = DEFAULT_SPLITS,
    min_items: int = MIN_ITEMS,
    num_relearning_steps: int | None = None,
    timer: Callable[[], float] = time.perf_counter,
) -> Report:
    """Fit parameters to ``rows``, evaluate them on held-out time folds, decide.

    ``current`` are the parameters in use (``None``: the defaults). Raises
    :class:`OptimizerUnavailable` without fsrs-rs-python (checked first).
    """
    require_backend()
    items = build_items(rows, rollover_hour, tz)
    report = Report(
        reviews=len(rows), prompts=len({row.key for row in rows}), items=len(items), splits=splits
    )
    if len(items) < max(min_items, splits + 1):
        report.needed = max(min_items, splits + 1) - len(items)
        report.reason = f"{report.needed} more spaced reviews are needed"
        return report
    defaults = default_parameters()
    in_use = tuple(current) if current is not None else defaults

    started = timer()
    held_out: list[Item] = []
    fitted_predictions: list[float] = []
    for start, end in time_series_folds(len(items), splits):
        test = items[start:end]
        held_out.extend(test)
        fitted_predictions.extend(predict(test, fit(items[:start], num_relearning_steps)))
    report.evaluation_seconds = timer() - started
    report.held_out = len(held_out)
    report.fitted = _metrics(held_out, fitted_predictions, weighted=False)
    report.default = _metrics(held_out, predict(held_out, defaults), weighted=False)
    if in_use != defaults:
        report.current = _metrics(held_out, predict(held_out, in_use), weighted=False)

    started = timer()
    report.parameters = fit(items, num_relearning_steps)
    report.fit_seconds = timer() - started

    baseline = report.baseline
    assert baseline is not None
    name = "default" if report.current is None else "current"
    better_loss = report.fitted.log_loss < baseline.log_loss
    no_worse_rmse = report.fitted.rmse_bins <= baseline.rmse_bins
    report.adopt = better_loss and no_worse_rmse and report.parameters != in_use
    if report.adopt:
        report.reason = f"better than the {name} parameters on both held-out metrics"
    elif not better_loss:
        report.reason = f"held-out log loss is not lower than with the {name} parameters"
    elif not no_worse_rmse:
        report.reason = f"held-out RMSE(bins) is higher than with the {name} parameters"
    else:
        report.reason = "the fit gave the parameters already in use"
    return report
