"""Shared by the reliability tests: a study database with some reviews in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.app.config import resolve_paths
from studyapp.core.study.scheduling import CardState, Policy, SchedulerConfig
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def add_reviews(database: Path, count: int, *, deck: str = "selank", first: int = 0) -> None:
    """``count`` answers (Good) on ``count`` different prompts, committed one by one."""
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    with Store.open(database) as store:
        for n in range(first, first + count):
            key = (deck, f"card-{n:05d}", "main")
            at = START + timedelta(minutes=n)
            before = store.card_state(key)
            after = policy.review(before, 3, at)
            store.record_review(ReviewRecord(key, "basic", at, 3, 1500, before, after))


@pytest.fixture
def database(isolated_home: Path) -> Path:
    """The isolated data folder's database, with 120 reviews."""
    path = resolve_paths().database
    add_reviews(path, 120)
    return path


def reviews_in(path: Path) -> int:
    with Store.open(path) as store:
        return store.review_count()


__all__ = ["START", "CardState", "add_reviews", "reviews_in"]
