"""`studyapp doctor [--repair]` on the damage a disk or a careless copy does:
random bytes, truncation at several offsets, a page overwritten mid-file, a
`-wal` deleted after a kill; and a broken database naming `studyapp doctor`."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.store.backup import list_backups
from tests.reliability.conftest import add_reviews, reviews_in

PAGE = 4096


def _repair(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["doctor", "--repair"]) == 0
    said = capsys.readouterr().out
    assert main(["doctor"]) == 0, "a repaired database is healthy"
    return said


def test_a_healthy_database(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    said = capsys.readouterr().out
    assert "integrity: ok" in said and "reviews in the log: 120" in said
    assert "all equal" in said and "all good" in said


def test_states_that_differ_from_the_log_are_found_and_rebuilt(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    conn = sqlite3.connect(database)
    conn.execute("UPDATE card_state SET reps = 7 WHERE card_id IN ('card-00001', 'card-00002')")
    conn.commit()
    conn.close()
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    assert "2 differ" in captured.out and "doctor --repair" in captured.err
    assert "120 card states rebuilt" in _repair(capsys)


def test_random_bytes(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database.write_bytes(random.Random(13).randbytes(64 * 1024))
    Path(f"{database}-wal").unlink(missing_ok=True)
    assert main(["due"]) == 1
    assert "studyapp doctor" in capsys.readouterr().err  # the start-up error names it
    assert main(["doctor"]) == 1
    said = _repair(capsys)
    assert "review_log: 0 rows saved" in said
    assert reviews_in(database) == 0
    assert list(database.parent.glob("studyapp.db.damaged-*")), "the damaged file is kept"


def _checkpointed(database: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.mark.parametrize("keep_pages", [3, 6, 10])
def test_truncation(database: Path, capsys: pytest.CaptureFixture[str], keep_pages: int) -> None:
    add_reviews(database, 1500, first=200)
    _checkpointed(database)
    assert main(["backup"]) == 0
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.truncate(keep_pages * PAGE)
    assert size > keep_pages * PAGE
    said = _repair(capsys)
    saved = reviews_in(database)
    assert "rows saved" in said
    assert saved < 1620
    # Salvage got less than the backup holds: the backup is offered.
    assert "holds 1,620 reviews" in said and "studyapp restore latest" in said
    assert main(["restore", "latest"]) == 0
    assert reviews_in(database) == 1620


def test_a_page_overwritten_mid_file(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_reviews(database, 3000, first=200)
    _checkpointed(database)
    pages = database.stat().st_size // PAGE
    with database.open("r+b") as handle:
        handle.seek((pages // 2) * PAGE)
        handle.write(b"\x00\xff" * (PAGE // 2))
    capsys.readouterr()
    assert main(["doctor"]) == 1
    assert "integrity: ok" not in capsys.readouterr().out
    said = _repair(capsys)
    saved = reviews_in(database)
    lost = 3120 - saved
    # One page of the log holds a few dozen rows: the rest on either side is saved.
    assert 0 <= lost < 200, said
    assert saved > 2900


def test_a_deleted_wal_after_a_kill_loses_only_what_was_not_checkpointed(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every study session and import ends with a checkpoint, so the database
    file alone holds them; a process killed mid-session leaves its answers in
    the -wal, and deleting that loses those answers only."""
    database = isolated_home / "studyapp.db"
    add_reviews(database, 50)  # closed: checkpointed
    assert main(["rebuild"]) == 0  # ends with a checkpoint too
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from tests.reliability.conftest import add_reviews
        from studyapp.store import Store
        store = Store.open({str(database)!r})  # stays open: nothing checkpointed at close
        add_reviews({str(database)!r}, 10, first=100)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == -signal.SIGKILL
    wal = Path(f"{database}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    wal.unlink()
    Path(f"{database}-shm").unlink(missing_ok=True)
    assert main(["doctor"]) == 0
    assert reviews_in(database) == 50


def test_repair_refused_while_the_app_is_open(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from studyapp.app.lock import data_lock

    with data_lock(database.parent):
        assert main(["doctor", "--repair"]) == 1
        assert "already open in another terminal" in capsys.readouterr().err
        assert main(["doctor"]) == 0  # checking only: allowed
    assert list_backups(database) == []
    assert os.path.exists(database)


def test_salvage_keeps_the_device_and_what_waits_to_be_synced(
    database: Path, tmp_path: Path
) -> None:
    """Sync's local state survives a salvage: the device id (else the server would
    send this device's own events back as another's), the events not yet
    pushed, the acknowledged cursor and the undo events."""
    from studyapp.store import Store
    from studyapp.store.db import connect
    from studyapp.store.doctor import salvage

    key = ("selank", "card-00119", "main")
    with Store.open(database) as store:
        device = store.device_id
        store.undo_review(store.history(key)[0]["id"], key, store.card_state(("x", "y", "z")))
        store.acknowledge(100)
        waiting = [(n, source) for n, source, _ in store.unpushed()]
    assert len(waiting) == 21
    fresh = connect(tmp_path / "fresh.db")
    salvage(database, fresh)
    fresh.close()
    with Store.open(tmp_path / "fresh.db") as store:
        assert store.device_id == device
        assert store.pushed_through() == 100
        assert [(n, source) for n, source, _ in store.unpushed()] == waiting
        assert store.conn.execute("SELECT count(*) FROM undo_log").fetchone() == (1,)
