"""End to end: two devices of one student and a second student, driven through
the *installed* ``studyapp`` against a real PostgreSQL (issue 14).

Device A studies 5 cards in the study app under tmux (private socket, no user
config, fixed size), then runs ``studyapp sync``; device B syncs and shows the
same due counts and card states; a second student syncs and sees none of it.
Passwords come only from a 0600 passfile (PGPASSFILE), never config.toml.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux import STUDYAPP, open_selank, tmux, wait_for  # noqa: F401 (the fixture)

psycopg = pytest.importorskip("psycopg")

from studyapp.server.connection import connect  # noqa: E402
from studyapp.server.handout import Person  # noqa: E402
from studyapp.server.migrate import migrate  # noqa: E402
from studyapp.server.roles import enroll  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402
from tests.server.conftest import _drop  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture
def classroom(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str, Path]]:
    """A class with alice and bob: their URLs (no password) and their passfile."""
    for key, value in pg_server.env().items():  # the superuser's, to set up
        monkeypatch.setenv(key, value)
    name = f"e{secrets.token_hex(4)}"
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    try:
        with connect(pg_server.url(name)) as admin:
            migrate(admin)
            logins = [f"alice_{name}", f"bob_{name}"]
            done = enroll(admin, [Person(login) for login in logins])
        passfile = tmp_path / "pgpass"
        passfile.write_text(
            "".join(
                f"{pg_server.host}:{pg_server.port}:{name}:{d.login}:{d.password}\n" for d in done
            )
        )
        passfile.chmod(0o600)
        yield pg_server.url(name, logins[0]), pg_server.url(name, logins[1]), passfile
    finally:
        _drop(pg_server, name)


def device(tmp_path: Path, name: str, url: str) -> Path:
    home = tmp_path / name
    home.mkdir()
    (home / "config.toml").write_text(f'[sync]\nurl = "{url}"\n')
    return home


def studyapp(home: Path, passfile: Path, *args: str) -> str:
    env = {**os.environ, "STUDYAPP_HOME": str(home), "PGPASSFILE": str(passfile)}
    result = subprocess.run(
        [str(STUDYAPP), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def states(home: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "studyapp.db") as conn:
        return conn.execute("SELECT * FROM card_state ORDER BY 1, 2, 3").fetchall()


def test_two_devices_and_a_second_student(
    tmux: Callable[..., str],  # noqa: F811
    classroom: tuple[str, str, Path],
    tmp_path: Path,
) -> None:
    alice, bob, passfile = classroom
    laptop = device(tmp_path, "laptop", alice)
    command = (
        f"env STUDYAPP_HOME={laptop} PGPASSFILE={passfile} TEXTUAL_ANIMATIONS=none "
        f"TERM=xterm-256color {STUDYAPP}; echo EXITED:$?; sleep 30"
    )
    tmux("new-session", "-d", "-s", "sync", "-x", "100", "-y", "30", command)

    def capture() -> str:
        return tmux("capture-pane", "-p", "-t", "sync")

    wait_for(capture, "Selank")
    wait_for(capture, "synced just now")  # the worker's first sync, once home is up
    open_selank(tmux, "sync", capture)  # flashcards first
    for left in range(19, 14, -1):
        wait_for(capture, "show answer")
        tmux("send-keys", "-t", "sync", "Space")
        wait_for(capture, "Again")
        tmux("send-keys", "-t", "sync", "3")
        wait_for(capture, f"New {left}")
    tmux("send-keys", "-t", "sync", "q")
    wait_for(capture, "Cards studied")
    tmux("send-keys", "-t", "sync", "Enter")
    wait_for(capture, "synced")
    tmux("send-keys", "-t", "sync", "C-q")
    wait_for(capture, "EXITED:0")

    out = studyapp(laptop, passfile, "sync")
    assert out.startswith(f"synced with {alice}\n")
    assert "password" not in out.lower()
    desktop = device(tmp_path, "desktop", alice)
    out = studyapp(desktop, passfile, "sync")
    assert "received 5 events from other devices; 5 card states replayed" in out
    assert len(states(laptop)) == 5
    assert states(desktop) == states(laptop)
    assert studyapp(desktop, passfile, "due") == studyapp(laptop, passfile, "due")
    assert "selank 15" in " ".join(studyapp(desktop, passfile, "due").split())

    other = device(tmp_path, "bob", bob)
    out = studyapp(other, passfile, "sync")
    assert "received 0 events from other devices" in out
    assert states(other) == []
    assert "selank 20" in " ".join(studyapp(other, passfile, "due").split())
    status = studyapp(laptop, passfile, "sync", "--status")
    assert "events waiting to be sent: 0" in status
