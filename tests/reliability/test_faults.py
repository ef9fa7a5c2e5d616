"""Faults around the database: one line and a non-zero exit, never a traceback.

Every command runs against a broken database, a data folder that is a file or
under a file, a full disk and a read-only folder; a FIFO among the decks is
never opened; the lock keeps a second writer out; a crashed app exits non-zero.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.app.lock import data_lock
from studyapp.cli import main
from tests.reliability.conftest import fill, reviews_in

DECK = "selank"
CARD = "tuftsin-parent"

# Every command, with arguments that make it touch the database (or try to).
COMMANDS: list[list[str]] = [
    ["due"],
    ["stats"],
    ["check"],
    ["rebuild"],
    ["suspend", DECK, CARD],
    ["unsuspend", DECK, CARD],
    ["plan", "--deck", DECK, "--exam", "2027-01-10"],
    ["optimize"],
    ["backup"],
    ["backups"],
    ["restore", "latest"],
    ["doctor"],
    ["doctor", "--repair"],
    ["import-reviews", "REVIEWS", "--deck", DECK],
    ["export", "--format", "csv", "--output", "EXPORT"],
    ["report", "--output", "EXPORT"],
]


RUN = "import sys; from studyapp.cli import main; sys.exit(main())"


def _studyapp(
    args: list[str], data: Path, tmp: Path, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point's code in a fresh interpreter."""
    reviews = tmp / "reviews.csv"
    reviews.write_text(
        "card_id,review_rating,review_time,review_duration\n"
        + "".join(f"{CARD},3,2026-01-{day:02d}T10:00:00Z,4000\n" for day in range(1, 29))
    )
    words = [
        str(reviews) if a == "REVIEWS" else str(data / "out.csv") if a == "EXPORT" else a
        for a in args
    ]
    return subprocess.run(
        [sys.executable, "-c", RUN, "--data-dir", str(data), *words],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _one_clean_line(done: subprocess.CompletedProcess[str], command: list[str]) -> None:
    assert "Traceback" not in done.stderr, (command, done.stderr)
    assert done.returncode != 0, (command, done.stdout, done.stderr)
    assert done.returncode in (1, 2), (command, done.returncode)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1 and lines[-1].startswith("studyapp: "), (command, done.stderr)


def test_cli_module_runs(tmp_path: Path) -> None:
    done = _studyapp(["due"], tmp_path / "home", tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_data_folder_that_is_a_file(tmp_path: Path, command: list[str]) -> None:
    if command == ["check"]:
        pytest.skip("check reads decks only; it never opens the data folder")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for data in (blocker, blocker / "under"):
        _one_clean_line(_studyapp(command, data, tmp_path), command)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_broken_database(tmp_path: Path, command: list[str]) -> None:
    if command[0] in ("check", "backups", "export", "report") or command[-1] == "--repair":
        pytest.skip("never opens the database (or repairs it: test_doctor)")
    data = tmp_path / "home"
    data.mkdir()
    (data / "studyapp.db").write_bytes(b"SQLite format 3\0" + os.urandom(8000))
    done = _studyapp(command, data, tmp_path)
    _one_clean_line(done, command)
    if command[0] not in ("restore",):
        assert "studyapp doctor" in done.stderr or "doctor" in done.stdout, (command, done.stderr)


def _read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


_WRITING = ("rebuild", "suspend", "unsuspend", "plan", "optimize", "backup", "restore")
_WRITING += ("import-reviews", "doctor", "export", "report")
WRITERS = [c for c in COMMANDS if c[0] in _WRITING]
"""The commands that write (to the database, a backup, or an output file)."""


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_a_read_only_data_folder(tmp_path: Path, command: list[str]) -> None:
    if os.geteuid() == 0 and sys.platform != "win32":
        pytest.skip("root writes through read-only permissions; the full disk test covers this")
    data = tmp_path / "home"
    assert main(["--data-dir", str(data), "rebuild"]) == 0
    _read_only(data)
    try:
        _one_clean_line(_studyapp(command, data, tmp_path), command)
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755)


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_a_read_only_mount(small_disk_ro: Path, tmp_path: Path, command: list[str]) -> None:
    _one_clean_line(_studyapp(command, small_disk_ro, tmp_path), command)


@pytest.fixture
def small_disk_ro(small_disk: Path) -> Path:
    data = small_disk / "home"
    assert main(["--data-dir", str(data), "suspend", DECK, CARD]) == 0
    assert main(["--data-dir", str(data), "backup"]) == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    return data


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_a_full_disk(small_disk: Path, tmp_path: Path, command: list[str]) -> None:
    data = small_disk / "home"
    assert main(["--data-dir", str(data), "suspend", DECK, CARD]) == 0
    assert main(["--data-dir", str(data), "backup"]) == 0
    fill(small_disk)
    done = _studyapp(command, data, tmp_path)
    if command[0] in ("backups", "unsuspend") and done.returncode == 0:
        return  # nothing to write
    _one_clean_line(done, command)
    assert "no transaction is active" not in done.stderr
    if command[0] != "restore":  # restore refuses first: the backup it would keep won't fit
        assert "the disk is full" in done.stderr, done.stderr


def test_a_fifo_among_the_decks_is_never_opened(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    os.mkfifo(decks / "x.yaml")
    for command in (["check"], ["due"], ["preview", str(decks / "x.yaml")]):
        done = _studyapp([*command, "--decks", str(decks)], tmp_path / "home", tmp_path)
        assert "not a regular file (a named pipe (FIFO)): skipped" in done.stdout + done.stderr


def test_the_lock_keeps_state_rewriting_commands_out(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with data_lock(database.parent):
        for command in (["rebuild"], ["optimize"], ["restore", "latest"], ["suspend", DECK, CARD]):
            assert main(command) == 1, command
            err = capsys.readouterr().err
            assert f"already open in another terminal (pid {os.getpid()})" in err, err
        for command in (["due"], ["stats"], ["check"], ["backups"], ["doctor"], ["backup"]):
            assert main(command) == 0, command
    assert main(["rebuild"]) == 0  # released
    assert reviews_in(database) == 120


def test_a_killed_holder_releases_the_lock(database: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from studyapp.app.lock import data_lock\n"
            f"with data_lock(Path({str(database.parent)!r})):\n"
            "    print('held', flush=True); time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    assert main(["rebuild"]) == 1
    holder.kill()
    holder.wait()
    assert main(["rebuild"]) == 0


def test_a_second_app_refuses_with_one_line(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with data_lock(database.parent):
        assert main([]) == 1
    assert capsys.readouterr().err == (
        f"studyapp: studyapp is already open in another terminal (pid {os.getpid()}); "
        "close it first\n"
    )


def test_a_crash_in_the_app_exits_non_zero(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's return code is passed on (it was ``app.run() or 0``: a crash exited 0)."""
    from studyapp.tui.app import StudyApp

    def crash(self: StudyApp) -> None:
        raise RuntimeError("boom")

    real_run = StudyApp.run
    monkeypatch.setattr(StudyApp, "on_mount", crash)
    monkeypatch.setattr(StudyApp, "run", lambda self: real_run(self, headless=True))
    assert main([]) == 1
