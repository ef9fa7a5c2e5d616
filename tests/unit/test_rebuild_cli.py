"""``studyapp rebuild``: recompute card states from the log, in-process."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.app.config import resolve_paths
from studyapp.cli import main
from studyapp.core.deck.model import PromptKey
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store
from studyapp.store.db import SCHEMA_VERSION

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def database() -> Path:
    return resolve_paths().database


def fill(path: Path) -> dict[PromptKey, CardState]:
    """Study a few prompts (with default settings: fuzz on, seeded) and undo one."""
    policy = Policy(SchedulerConfig(), rng=random.Random(1))
    rng = random.Random(2)
    with Store.open(path) as store:
        for i in range(6):
            key = ("deck", f"card{i}", "main")
            at = T0
            state = previous = CardState()
            log_id = 0
            for _ in range(8):
                rating = rng.choice(list(Rating))
                previous, state = state, policy.review(state, rating, at)
                log_id = store.record_review(
                    ReviewRecord(key, "basic", at, int(rating), 900, previous, state)
                )
                assert state.due is not None
                at = max(at + timedelta(minutes=1), state.due)
            if i == 0:
                store.undo_review(log_id, key, previous)
        store.set_suspended(("deck", "card1", "main"), True, at)
        store.set_suspended(("other", "new", "main"), True, at)
        return store.card_states(["deck", "other"])


def test_rebuild_reports_and_keeps_the_state(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database()
    assert path.parent == isolated_home  # STUDYAPP_HOME from the fixture
    before = fill(path)
    assert len(before) == 7
    assert main(["rebuild"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"rebuilt 7 card states from 47 reviews in {path}"
    with Store.open(path) as store:
        assert store.card_states(["deck", "other"]) == before


def test_rebuild_repairs_a_damaged_state(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database()
    before = fill(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE card_state SET reps = 999, due = NULL")
        conn.execute("DELETE FROM card_state WHERE card_id = 'card3'")
    conn.close()
    assert main(["rebuild"]) == 0
    assert "rebuilt 7 card states" in capsys.readouterr().out
    with Store.open(path) as store:
        assert store.card_states(["deck", "other"]) == before


def test_rebuild_with_a_data_dir_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    before = fill(elsewhere / "studyapp.db")
    assert main(["rebuild", "--data-dir", str(elsewhere)]) == 0
    assert str(elsewhere / "studyapp.db") in capsys.readouterr().out
    with Store.open(elsewhere / "studyapp.db") as store:
        assert store.card_states(["deck", "other"]) == before
    assert not database().exists()


def test_rebuild_of_an_empty_database(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Store.open(database()).close()
    assert main(["rebuild"]) == 0
    assert capsys.readouterr().out.startswith("rebuilt 0 card states from 0 reviews")


def test_rebuild_without_a_database(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rebuild"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"no database at {database()}: nothing to rebuild"
    assert captured.err == ""
    assert not database().exists()  # and none was created


def test_rebuild_of_a_newer_database_fails_cleanly(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database()
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    assert main(["rebuild"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot use the database" in captured.err and "upgrade studyapp" in captured.err


def test_rebuild_of_a_file_that_is_not_a_database(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not sqlite, just some text that is long enough" * 40)
    assert main(["rebuild"]) == 1
    assert "cannot use the database" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["due"], ["rebuild"]])
def test_newer_database_is_a_clear_error_for_every_command(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(isolated_home / "studyapp.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    assert main(command) == 1
    err = capsys.readouterr().err
    assert "cannot use the database" in err and "upgrade studyapp" in err
    assert "Traceback" not in err
