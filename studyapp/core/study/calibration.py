"""The student's own forgetting, calibrated from their answers (see ``docs/scheduling.md``,
"Calibration").

FSRS predicts recall from each prompt's stability ``S``, computed with
parameters fitted to other people until ``studyapp optimize`` has enough of the
student's own reviews (400). Until then the student may forget faster or
slower than predicted, and not by one factor: a student whose memories gain
less from each successful review is close to FSRS on a young prompt and far
from it on a mature one. The calibration therefore says by what factor ``k``
the student's stability differs from FSRS's, as a function of FSRS's::

    log k = a + b * log(S / S_REF)

so a review ``t`` days after the previous one is recalled with probability
``curve(k * S, t)`` (FSRS's own forgetting curve).

``a`` and ``b`` have normal priors centred on 0 (FSRS is right) with
``PRIOR_A`` and ``PRIOR_B``; the posterior is the regularised maximum of the
Bernoulli likelihood of the student's spaced reviews (Fisher scoring), with its
covariance from the Laplace approximation. The median ``k`` of a prompt is the
estimate; ``z = -/+ Z_RANGE`` standard deviations of ``log k`` bound the range
shown (an 80 % credible interval). Plans place reviews for the pessimistic end
(``Z_PLAN``), so that an uncertain calibration costs some extra reviews rather
than a share of prompts below the target. With no reviews the posterior is the
prior: the range is wide and the student is told so.

Pure: the observations come from the caller (the store reads them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

__all__ = [
    "ENOUGH",
    "NEUTRAL",
    "OPTIMIZE_AT",
    "Z_PLAN",
    "Z_RANGE",
    "Calibration",
    "Observation",
    "calibrate",
]

PRIOR_A = 0.5
"""Standard deviation of the prior on ``a`` (``k`` within 0.37-2.7 at 95 %)."""
PRIOR_B = 0.3
"""Standard deviation of the prior on ``b``."""
S_REF = 5.0
"""The stability (days) at which ``log k = a``."""
Z_RANGE = 1.2816
"""Standard deviations of ``log k`` to each end of the range shown (80 % interval)."""
Z_PLAN = -1.2816
"""Where plans place reviews: the pessimistic end of the range."""
ENOUGH = 100
"""Spaced reviews below which the student is told there are too few to know."""
OPTIMIZE_AT = 400
"""Spaced reviews ``studyapp optimize`` needs to fit the student's own parameters."""
ITERATIONS = 25


@dataclass(frozen=True, slots=True)
class Observation:
    """One spaced review: the prompt's stability before it, the days since the
    previous answer, and whether it was recalled (Hard, Good or Easy)."""

    stability: float
    elapsed_days: int
    recalled: bool


@dataclass(frozen=True, slots=True)
class Calibration:
    """``log k = a + b * log(S / S_REF)`` and the covariance of ``(a, b)``."""

    reviews: int
    """Spaced reviews it was computed from."""
    a: float = 0.0
    b: float = 0.0
    var_a: float = 0.0
    cov_ab: float = 0.0
    var_b: float = 0.0

    @property
    def enough(self) -> bool:
        """True when there are enough spaced reviews for the range to mean something."""
        return self.reviews >= ENOUGH

    @property
    def neutral(self) -> bool:
        """True when every stability is FSRS's own (no shift, no uncertainty)."""
        return not any((self.a, self.b, self.var_a, self.cov_ab, self.var_b))

    def factor(self, stability: float, z: float = 0.0) -> float:
        """``k`` for a prompt of FSRS stability ``stability``, ``z`` standard deviations
        from its median."""
        x = math.log(max(stability, 1e-3) / S_REF)
        mean = self.a + self.b * x
        variance = self.var_a + 2 * x * self.cov_ab + x * x * self.var_b
        return math.exp(mean + z * math.sqrt(max(variance, 0.0)))

    def stability(self, stability: float, z: float = 0.0) -> float:
        """The student's stability for FSRS's ``stability`` (``z`` as in :meth:`factor`)."""
        return stability * self.factor(stability, z)

    def adjust(self, z: float = 0.0) -> Callable[[float], float] | None:
        """:meth:`stability` at ``z``, for ``Policy.retrievability`` (``None`` when neutral)."""
        return None if self.neutral else partial(self.stability, z=z)

    def describe(self) -> str:
        """The typical factor at ``S_REF`` and at 30 days, in words."""
        return (
            f"you keep {self.factor(S_REF):.2g}x FSRS's predicted memory strength on young "
            f"cards, {self.factor(30.0):.2g}x on mature ones ({self.reviews} spaced reviews)"
        )


NEUTRAL = Calibration(reviews=0)
"""FSRS's own predictions, without a range (tests, and callers without a store)."""


def calibrate(observations: Iterable[Observation], shape: tuple[float, float]) -> Calibration:
    """The posterior of ``(a, b)`` given ``observations``; ``shape`` is the scheduler's
    forgetting curve ``(factor, decay)`` (``Policy.curve_shape``)."""
    factor, decay = shape
    data = [
        (
            math.log(max(o.stability, 1e-3) / S_REF),
            factor * o.elapsed_days / o.stability,
            o.recalled,
        )
        for o in observations
        if o.stability > 0 and o.elapsed_days > 0
    ]
    a = b = 0.0
    info = (1 / PRIOR_A**2, 0.0, 1 / PRIOR_B**2)
    for _ in range(ITERATIONS):
        ga, gb = -a / PRIOR_A**2, -b / PRIOR_B**2
        faa, fab, fbb = 1 / PRIOR_A**2, 0.0, 1 / PRIOR_B**2
        for x, c, recalled in data:
            u = a + b * x
            base = 1 + c * math.exp(-u)
            p = min(max(base**decay, 1e-9), 1 - 1e-9)
            dp = -decay * (base - 1) * base ** (decay - 1)  # dp / d log k, positive
            weight = dp / (p * (1 - p))
            score = (recalled - p) * weight
            fisher = dp * weight
            ga += score
            gb += score * x
            faa += fisher
            fab += fisher * x
            fbb += fisher * x * x
        det = faa * fbb - fab * fab
        da = (fbb * ga - fab * gb) / det
        db = (faa * gb - fab * ga) / det
        a, b = a + da, b + db
        info = (faa, fab, fbb)
        if abs(da) + abs(db) < 1e-6:
            break
    faa, fab, fbb = info
    det = faa * fbb - fab * fab
    return Calibration(len(data), a, b, fbb / det, -fab / det, faa / det)
