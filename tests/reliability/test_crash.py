"""Crash consistency: the INSTALLED studyapp killed with SIGKILL at seeded
random points during `import-reviews` of a large file, `rebuild`, `backup` and
`restore` (answers in the TUI: tests/e2e/test_reliability_tmux.py). After each
kill: `PRAGMA integrity_check` is ok, no committed review is missing (an import
is all or nothing), every file named like a backup passes its check, and the
next start works.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import add_reviews

STUDYAPP = Path(sys.executable).with_name("studyapp")
SEED = 13
ROWS = 20_000

pytestmark = pytest.mark.skipif(
    not STUDYAPP.exists() or sys.platform == "win32",
    reason="needs the installed studyapp and POSIX signals",
)


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "STUDYAPP_HOME": str(home)}


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(STUDYAPP), *args], env=_env(home), capture_output=True, text=True, timeout=300
    )


def _kill_after(home: Path, delay: float, *args: str) -> bool:
    """Start the command, SIGKILL it after ``delay`` s; whether it was still running."""
    proc = subprocess.Popen(
        [str(STUDYAPP), *args],
        env=_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return alive


def _facts(database: Path) -> tuple[str, int]:
    conn = sqlite3.connect(database)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        reviews = conn.execute(
            "SELECT count(*) FROM review_log WHERE action = 'review' AND undone_at IS NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    return integrity, reviews


def _backups_all_good(home: Path) -> None:
    for path in (home / "backups").glob("*.db"):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok", path
        finally:
            conn.close()


def _reviews_file(path: Path, year: int) -> Path:
    """``ROWS`` reviews in ``year`` (a new year each time: every import has work to do)."""
    rows = [
        f"c{n % 500},{1 + n % 4},{year}-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:"
        f"{n % 60:02d}:{(n // 60) % 60:02d}Z,3000\n"
        for n in range(ROWS)
    ]
    path.write_text("card_id,review_rating,review_time,review_duration\n" + "".join(rows))
    return path


def _timed(home: Path, *args: str) -> float:
    started = time.monotonic()
    assert _run(home, *args).returncode == 0, args
    return time.monotonic() - started


def test_sigkill_at_random_points_loses_no_committed_review(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    home = tmp_path / "home"
    database = home / "studyapp.db"
    add_reviews(database, 300)
    years = iter(range(1900, 2000))
    # How long each runs uninterrupted here, to draw the kill points within it
    # (measured, never asserted on).
    took = {
        "import-reviews": _timed(
            home,
            "import-reviews",
            str(_reviews_file(tmp_path / "first.csv", 1899)),
            "--deck",
            "selank",
        ),
        "rebuild": _timed(home, "rebuild"),
        "backup": _timed(home, "backup"),
        "restore": _timed(home, "restore", "latest"),
    }
    committed = _facts(database)[1]
    kinds = ["import-reviews", "rebuild", "backup", "restore"]
    kills: list[tuple[str, float, bool, int]] = []
    for _attempt in range(80):
        if sum(alive for _, _, alive, _ in kills) >= 24:
            break
        what = rng.choice(kinds)
        if what == "import-reviews":
            csv = _reviews_file(tmp_path / "big.csv", next(years))
            args = ["import-reviews", str(csv), "--deck", "selank"]
        elif what == "restore":
            args = ["restore", "latest"]
        else:
            args = [what]
        delay = rng.uniform(0.05, 0.95) * took[what]
        held = {committed} | {_facts(b)[1] for b in (home / "backups").glob("*.db")}
        alive = _kill_after(home, delay, *args)
        integrity, now = _facts(database)
        assert integrity == "ok", (what, delay)
        if what == "import-reviews":
            assert now in (committed, committed + ROWS), (what, delay, now)  # all or nothing
        elif what == "restore":  # the database as it was, or a backup's copy, whole
            assert now in held, (what, delay, now, held)
        else:
            assert now == committed, (what, delay, now)
        committed = now
        _backups_all_good(home)
        kills.append((what, round(delay, 2), alive, now))
        assert _run(home, "due").returncode == 0, "the next start works"
    assert _run(home, "doctor").returncode == 0
    mid_run = sum(alive for _, _, alive, _ in kills)
    print(f"\n{len(kills)} kills, {mid_run} while the command ran, 0 committed reviews lost")
    for what in kinds:
        print(f"  {what}: {sum(k[0] == what and k[2] for k in kills)} kills mid-run")
    assert mid_run >= 20
