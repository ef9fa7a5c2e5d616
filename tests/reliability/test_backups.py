"""Backups through SQLite's backup API: before a migration, once per study day
(after the first screen, in a worker), pruned to 7 daily and 4 weekly,
`studyapp backup`/`backups`/`restore`, and a corrupt backup refused."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.store import Store
from studyapp.store.backup import backup_dir, daily, list_backups, prune
from studyapp.store.db import migrate
from tests.reliability.conftest import add_reviews, reviews_in


def test_a_backup_before_every_migration_names_the_old_schema(isolated_home: Path) -> None:
    path = isolated_home / "studyapp.db"
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    conn.execute(
        "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating) "
        "VALUES ('d', 'c', 'main', 'review', '2026-01-01T00:00:00.000000+00:00', 3)"
    )
    conn.close()
    Store.open(path).close()  # migrates 3 -> 5
    [taken] = list_backups(path)
    assert taken.path.name.startswith("schema3-")
    assert (taken.version, taken.reviews, taken.check) == (3, 1, "ok")


def test_a_new_database_is_not_backed_up(isolated_home: Path) -> None:
    Store.open(isolated_home / "studyapp.db").close()
    assert list_backups(isolated_home / "studyapp.db") == []


def test_one_daily_backup_per_study_day(database: Path) -> None:
    first = daily(database, date(2026, 11, 2))
    assert first is not None and first.name == "daily-2026-11-02.db"
    assert daily(database, date(2026, 11, 2)) is None  # the same day: taken already
    add_reviews(database, 5, first=500)
    second = daily(database, date(2026, 11, 3))
    assert second is not None
    counts = {b.path.name: b.reviews for b in list_backups(database)}
    assert counts == {"daily-2026-11-02.db": 120, "daily-2026-11-03.db": 125}


def test_pruning_keeps_seven_days_and_four_weeks(database: Path) -> None:
    folder = backup_dir(database)
    folder.mkdir()
    first = date(2026, 8, 3)  # a Monday
    for n in range(60):
        (folder / f"daily-{first + timedelta(days=n)}.db").write_bytes(b"x")
    (folder / "manual-20260101T000000000000Z.db").write_bytes(b"x")
    prune(database)
    left = sorted(p.name for p in folder.iterdir())
    newest = first + timedelta(days=59)  # 2026-10-01, a Thursday
    days = [f"daily-{newest - timedelta(days=n)}.db" for n in range(7)]
    # Older than those seven: the newest of each of four weeks (09-24 is the
    # newest left of its week, Monday 09-21 to Sunday 09-27; then Sundays).
    weeks = ["daily-2026-09-24.db", "daily-2026-09-20.db", "daily-2026-09-13.db"]
    weeks.append("daily-2026-09-06.db")
    assert left == sorted([*days, *weeks, "manual-20260101T000000000000Z.db"])


def test_backup_command_and_list(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = database.parent / "mine.db"
    assert main(["backup", "--output", str(out)]) == 0
    assert "backed up 120 reviews" in capsys.readouterr().out
    assert reviews_in(out) == 120
    assert main(["backup", "--output", str(out)]) == 1  # exists: not overwritten
    assert "already exists" in capsys.readouterr().err
    assert main(["backup"]) == 0
    assert main(["backups"]) == 0
    listed = capsys.readouterr().out
    assert "manual-" in listed and "120  ok" in listed


def test_restore_round_trip(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup"]) == 0
    add_reviews(database, 30, first=1000)
    assert reviews_in(database) == 150
    capsys.readouterr()
    assert main(["restore", "latest"]) == 0
    said = capsys.readouterr().out
    assert "restored 120 reviews" in said
    assert "(150 reviews) is kept as" in said
    assert reviews_in(database) == 120
    kept = [b for b in list_backups(database) if b.path.name.startswith("restore-")]
    assert [b.reviews for b in kept] == [150]
    assert main(["doctor"]) == 0  # states are the log's replay


def test_a_corrupt_backup_is_refused(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = database.parent / "bad.db"
    assert main(["backup", "--output", str(bad)]) == 0
    data = bytearray(bad.read_bytes())
    data[4096 * 2 : 4096 * 3] = b"\xff" * 4096  # a page in the middle overwritten
    bad.write_bytes(bytes(data))
    add_reviews(database, 3, first=2000)
    capsys.readouterr()
    assert main(["restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "is not a good studyapp backup" in err and "nothing changed" in err
    assert reviews_in(database) == 123
    assert main(["restore", str(database.parent / "missing.db")]) == 1


def test_leftovers_of_killed_writes_are_removed(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    folder = backup_dir(database)
    folder.mkdir()
    old = folder / ".daily-2026-11-01.db.4242.tmp"
    young = folder / ".manual-x.db.4343.tmp"  # maybe another backup being written
    for leftover in (old, young):
        leftover.write_bytes(b"half a backup")
    os.utime(old, (1, 1))
    assert main(["backup"]) == 0
    assert not old.exists() and young.exists()

    target = tmp_path / "deck.csv"
    stale = tmp_path / ".deck.csv.abc123.tmp"  # an export killed mid-write
    stale.write_bytes(b"half an export")
    assert main(["export", "--format", "csv", "--output", str(target)]) == 0
    assert target.exists() and not stale.exists()
