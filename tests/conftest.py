"""Shared fixtures: every test runs with its own home, config and data folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings

from tests import pgserver

# Property tests are seeded: the same examples on every run and every machine
# (a failure is reproducible, and CI never turns red by chance). To search
# afresh, run with HYPOTHESIS_PROFILE=explore.
settings.register_profile("seeded", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=5_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "seeded"))

REPO = Path(__file__).resolve().parent.parent
BUNDLED_DECKS = REPO / "decks"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep the developer's own config, data and decks out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("STUDYAPP_HOME", str(home / "studyapp"))
    monkeypatch.delenv("STUDYAPP_DECKS", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    return home / "studyapp"


class FakeClock:
    """A controllable UTC clock: call it for the time, ``advance`` to move it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    """A real PostgreSQL server for the session (see ``tests/pgserver.py``).

    Skips with the reason when none can be started, except under ``CI=true``,
    where it fails: CI must test the class server against a real one.
    """
    try:
        with pgserver.server() as pg:
            pgserver.wait_ready(pg)
            yield pg
    except pgserver.Unavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no PostgreSQL server under CI: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
