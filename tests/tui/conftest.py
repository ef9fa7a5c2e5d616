"""Fixtures for the TUI tests: a deck folder, a store, a fixed clock, an app.

Everything that could make a screen differ between runs is pinned: the clock
(``FakeClock``), the local time zone (UTC), FSRS fuzz (off), the time a card
is on screen (a fake monotonic clock in the review screen) and the deck paths
(relative to a temporary working directory, so they show as ``decks/...``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from random import Random

import pytest

from studyapp.app.config import Settings
from studyapp.core.library import Library, open_library
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens import review as review_screen
from tests.conftest import FakeClock

FIXTURES = Path(__file__).resolve().parent / "fixtures"

BROKEN_DECK = """\
deck: broken
title: Broken deck
colour: blue
cards:
  - id: one
    question: "Q"
    answer: "A"
    topic: basics
"""
"""Fails to load: ``colour`` is not a deck key (line 3, column 1)."""

EXTRA_DECK = """\
deck: vitamins
title: Vitamins
cards:
  - id: b12
    topic: vitamins
    question: "Which vitamin needs intrinsic factor to be absorbed?"
    answer: "B12"
"""


class FakeMonotonic:
    """Stands in for the ``time`` module of the review screen: every reading
    is ``step`` seconds after the previous one, so each answer takes exactly
    ``step`` seconds and "Time spent" is stable."""

    def __init__(self, step: float = 4.0) -> None:
        self.now = 1000.0
        self.step = step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local times on screen (``astimezone()``) are shown in UTC."""
    old = os.environ.get("TZ")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(autouse=True)
def fake_monotonic(monkeypatch: pytest.MonkeyPatch) -> FakeMonotonic:
    fake = FakeMonotonic()
    monkeypatch.setattr(review_screen, "time", fake)
    return fake


@pytest.fixture
def deck_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``decks/`` in a temporary working directory: ``tiny.yaml`` (four cards),
    ``unknown-key.yaml`` (broken) and ``vitamins.yaml`` (one card), listed in
    that order. Returned relative, so screens show ``decks/tiny.yaml``."""
    monkeypatch.chdir(tmp_path)
    decks = Path("decks")
    decks.mkdir()
    shutil.copy(FIXTURES / "tiny.yaml", decks / "tiny.yaml")
    (decks / "unknown-key.yaml").write_text(BROKEN_DECK, encoding="utf-8")
    (decks / "vitamins.yaml").write_text(EXTRA_DECK, encoding="utf-8")
    return decks


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "db.sqlite")
    yield store
    store.close()


@pytest.fixture
def make_app(
    deck_dir: Path, store: Store, clock: FakeClock, tmp_path: Path
) -> Callable[..., StudyApp]:
    """Build a :class:`StudyApp` on the test decks, store and clock; its library is
    opened from the deck indexes, as ``studyapp`` does (decks loaded when asked for)."""

    def make(*dirs: Path) -> StudyApp:
        folders = dirs or (deck_dir,)
        settings = Settings(deck_dirs=tuple(folders), include_bundled=False)

        def library() -> Library:
            return open_library(list(settings.deck_dirs), tmp_path / "deck-cache")

        return StudyApp(
            load_library=library,
            store=store,
            settings=settings,
            policy=Policy(SchedulerConfig(enable_fuzz=False)),
            clock=clock,
            rng=Random(7),  # shuffles and generated numbers are the same every run
        )

    return make


@pytest.fixture
def app(make_app: Callable[..., StudyApp]) -> StudyApp:
    return make_app()


@pytest.fixture
def make_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store, clock: FakeClock
) -> Callable[..., StudyApp]:
    """Build the app on ``answers.yaml`` (questions of every answer widget, seven
    options), started in an exam on ``spec`` when one is given."""
    from tests.tui.test_exam import exam_app

    monkeypatch.chdir(tmp_path)
    return lambda spec=None: exam_app(store, clock, spec, fixture=FIXTURES / "answers.yaml")
