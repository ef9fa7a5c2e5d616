"""A seeded synthetic review history for optimizer tests.

A simulated student whose memory follows FSRS-6 with parameters far from the
defaults (a forgetful student: low initial stabilities, slow growth) is
scheduled by the default parameters; each spaced review is recalled with the
student's true probability. Fitting should recover parameters that predict the
student better than the defaults.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from studyapp.core.progress.optimizer import ReviewRow, default_parameters

START = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)


def true_parameters() -> list[float]:
    w = list(default_parameters())
    for i in range(4):
        w[i] *= 0.25  # initial stabilities
    w[8] *= 0.6  # slower stability growth on recall
    return w


def simulate(cards: int, days: int = 120, seed: int = 7) -> list[ReviewRow]:
    """Reviews of ``cards`` prompts over ``days`` days (times in evening sessions)."""
    import fsrs_rs_python as rs

    rng = random.Random(seed)
    truth = rs.FSRS(true_parameters())
    default = rs.FSRS(list(default_parameters()))
    w20 = true_parameters()[20]
    factor = 0.9 ** (1 / -w20) - 1
    rows: list[ReviewRow] = []
    for card in range(cards):
        key = ("synthetic", f"c{card}", "main")
        day = rng.randrange(0, days // 2)
        first = 3 if rng.random() < 0.7 else 1
        at = START + timedelta(days=day, minutes=rng.randrange(0, 180))
        rows.append(ReviewRow(key, at, first))
        state_true = getattr(truth.next_states(None, 0.9, 0), _NAMES[first]).memory
        state_default = getattr(default.next_states(None, 0.9, 0), _NAMES[first]).memory
        if first == 1:  # a same-day relearning step
            at += timedelta(minutes=10)
            rows.append(ReviewRow(key, at, 3))
            state_true = truth.next_states(state_true, 0.9, 0).good.memory
            state_default = default.next_states(state_default, 0.9, 0).good.memory
        while True:
            interval = default.next_interval(state_default.stability, 0.9, 3)
            elapsed = max(1, round(interval * rng.uniform(0.6, 1.6)))
            day += elapsed
            if day >= days:
                break
            recall = (1 + factor * elapsed / state_true.stability) ** -w20
            rating = 3 if rng.random() < recall else 1
            at = START + timedelta(days=day, minutes=rng.randrange(0, 180))
            rows.append(ReviewRow(key, at, rating))
            name = _NAMES[rating]
            state_true = getattr(truth.next_states(state_true, 0.9, elapsed), name).memory
            state_default = getattr(default.next_states(state_default, 0.9, elapsed), name).memory
    rows.sort(key=lambda row: row.at)
    return rows


_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
