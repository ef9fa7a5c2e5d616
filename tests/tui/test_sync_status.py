"""The study app and sync (issue 14): a worker syncs once the home screen is up
and when a session ends; the home screen says "synced 2 min ago" or "offline:
N answers waiting"; studying never waits on the network. The sync itself is
tested against a real server in tests/server/test_device_sync.py; here it is
injected (``syncer``), as ``tui.app.run`` builds it from ``[sync] url``."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.widgets import Static

from studyapp.core.study.scheduling import CardState
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store
from studyapp.store.db import to_iso
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.screens.summary import SummaryScreen
from tests.conftest import FakeClock
from tests.tui.test_app import advance


def with_syncer(make_app: Callable[..., StudyApp], syncer: Callable[[], str | None]) -> StudyApp:
    app = make_app()
    app.syncer = syncer
    return app


def line(app: StudyApp) -> Static:
    return app.screen.query_one("#sync-status", Static)


async def test_no_sync_url_no_sync_line(make_app: Callable[..., StudyApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not line(app).display


async def test_home_says_when_it_synced_and_a_session_end_syncs_again(
    make_app: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    calls: list[str] = []

    def syncer() -> str | None:  # what a sync leaves: the time, nothing waiting
        calls.append(threading.current_thread().name)
        store.acknowledge(10**9)
        store.set_meta("last_sync", to_iso(clock()) or "")
        return None

    app = with_syncer(make_app, syncer)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(line(app).render()) == "synced just now"
        assert calls and calls[0] != threading.main_thread().name  # a worker thread
        clock.advance(minutes=2)
        app.screen.sync_changed()  # type: ignore[attr-defined]
        assert str(line(app).render()) == "synced 2 min ago"
        await pilot.press("enter")
        await advance(pilot, 3)
        await pilot.press("escape")  # the session ends: its summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await app.workers.wait_for_complete()
        assert len(calls) == 2


async def test_offline_says_how_many_answers_wait(
    make_app: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    for card in ("a", "b"):
        key = ("tiny", card, "main")
        store.record_review(
            ReviewRecord(key, "basic", clock(), 3, 900, CardState(), CardState(reps=1))
        )
    app = with_syncer(make_app, lambda: "cannot connect to postgresql://alice@host/pharm101")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(line(app).render()) == "offline: 2 answers waiting"
        assert app.sync_error is not None and "alice@host" in app.sync_error


async def test_studying_never_waits_on_the_network(make_app: Callable[..., StudyApp]) -> None:
    """A sync that hangs (an unreachable server) leaves the app answering keys:
    a session starts and a card is answered while the sync is still running."""
    release = threading.Event()

    def hanging() -> str | None:
        release.wait(timeout=60)
        return "cannot connect: timeout"

    app = with_syncer(make_app, hanging)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        await advance(pilot, 3)
        assert app.store.review_count() == 1
        assert [w for w in app.workers if w.group == "sync" and w.is_running]
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync_status() == "offline: 1 answer waiting"
