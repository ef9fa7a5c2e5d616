"""The instructor's commands, run as a user would: `studyapp class init`,
`enroll`, `students`, `drop` and `publish` against a real server. The URL
carries no password; libpq reads the superuser's from PGPASSFILE."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from studyapp.cli import main
from studyapp.server.migrate import SCHEMA_VERSION
from tests.server.conftest import ClassDb, _drop

pytestmark = pytest.mark.usefixtures("pg")

DECK = """\
deck: pharm
title: Pharmacology
cards:
  - id: dose
    topic: dosing
    question: What is the usual adult dose?
    answer: Ten milligrams.
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def handouts(text: str) -> dict[str, str]:
    """login -> password, from printed hand-outs."""
    return dict(re.findall(r"^~/\.pgpass: +[^:]+:\d+:[^:]+:([^:]+):(\S+)$", text, re.MULTILINE))


def test_init_creates_the_database_and_rerunning_is_harmless(
    pg: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pgserver import PgServer

    assert isinstance(pg, PgServer)
    name = "cinit" + os.urandom(3).hex()
    try:
        code, out, err = run(capsys, "class", "init", "--db", pg.url(name))
        assert (code, err) == (0, "")
        assert out.splitlines()[0] == f"created the database {name}"
        assert "applied 0001_roles.sql" in out and "applied 0004_decks.sql" in out
        assert out.splitlines()[-1] == (
            f"{pg.url(name)}: class schema version {SCHEMA_VERSION}, up to date; "
            f"groups {name}_instructors, {name}_students"
        )
        code, out, err = run(capsys, "class", "init", "--db", pg.url(name))
        assert (code, err) == (0, "")
        assert out == (
            f"{pg.url(name)}: class schema version {SCHEMA_VERSION}, already up to date; "
            f"groups {name}_instructors, {name}_students\n"
        )
    finally:
        _drop(pg, name)


def test_init_refuses_a_database_name_roles_cannot_carry(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "class", "init", "--db", class_db.pg.url("Pharm-101"))
    assert (code, out) == (1, "")
    assert err == (
        "studyapp: 'Pharm-101' cannot be a class database name: use 1-40 lowercase letters, "
        "digits and _, starting with a letter (e.g. pharm101)\n"
    )


def test_init_on_a_newer_schema_says_so_and_writes_nothing(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str]
) -> None:
    class_db.admin.execute("INSERT INTO studyapp.schema_version VALUES (99, 'future')")
    for command in ("init", "students"):
        code, out, err = run(capsys, "class", command, "--db", class_db.url())
        assert (code, out) == (1, "")
        assert err.startswith("studyapp: the class database has schema version 99, newer than")
        assert err.endswith("upgrade studyapp; nothing was written\n")


def test_enroll_prints_hand_outs_that_work(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    alice, bob = class_db.login("alice"), class_db.login("bob")
    code, out, err = run(capsys, "class", "enroll", "--db", class_db.url(), alice, bob)
    assert code == 0
    assert err == f"enrolled 2 students in {class_db.name} (2 new logins)\n"
    url = f"postgresql://{alice}@127.0.0.1:{class_db.pg.port}/{class_db.name}?sslmode=require"
    assert f'config.toml:  [sync] url = "{url}"' in out.splitlines()
    passwords = handouts(out)
    assert set(passwords) == {alice, bob}
    # The ~/.pgpass line is all a student needs besides the URL.
    passfile = tmp_path / "pgpass"
    passfile.write_text(
        "\n".join(line.split(None, 1)[1] for line in out.splitlines() if line.startswith("~/"))
        + "\n"
    )
    passfile.chmod(0o600)
    with psycopg.connect(url, passfile=str(passfile)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (alice,)
        assert conn.pgconn.ssl_in_use


def test_enroll_writes_hand_outs_to_a_new_private_file(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = tmp_path / "class.csv"
    alice, bob = class_db.login("alice"), class_db.login("bob")
    roster.write_text(f"Name,Login\nAlice Adams,{alice}\n\n,{bob}\n", encoding="utf-8")
    output = tmp_path / "handouts.txt"
    code, out, err = run(
        capsys,
        "class",
        "enroll",
        "--db",
        class_db.url(),
        "--roster",
        str(roster),
        "-o",
        str(output),
    )
    assert (code, out) == (0, "")
    assert err == f"enrolled 2 students in {class_db.name} (2 new logins); hand-outs in {output}\n"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    text = output.read_text()
    assert f"# {alice} (Alice Adams)\n" in text and f"# {bob}\n" in text
    assert set(handouts(text)) == {alice, bob}
    # Never over an existing file, and then nobody is enrolled.
    carol = class_db.login("carol")
    code, out, err = run(
        capsys, "class", "enroll", "--db", class_db.url(), carol, "-o", str(output)
    )
    assert code == 1
    assert err == f"studyapp: {output} already exists: hand-outs are written to a new file only\n"
    assert class_db.admin.execute(
        "SELECT count(*) FROM pg_roles WHERE rolname = %s", (carol,)
    ).fetchone() == (0,)


def test_re_enrolling_keeps_the_password_unless_reset(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str]
) -> None:
    alice = class_db.login("alice")
    _, out, _ = run(capsys, "class", "enroll", "--db", class_db.url(), alice)
    class_db.passwords[alice] = handouts(out)[alice]
    code, out, err = run(capsys, "class", "enroll", "--db", class_db.url(), alice)
    assert code == 0 and handouts(out) == {}
    assert "password:     unchanged (an existing login; --reset-password makes a new one)" in out
    assert err == f"enrolled 1 student in {class_db.name} (0 new logins)\n"
    class_db.connect_as(alice).close()  # the old password still works
    code, out, _ = run(capsys, "class", "enroll", "--db", class_db.url(), alice, "--reset-password")
    new = handouts(out)[alice]
    assert code == 0 and new != class_db.passwords[alice]
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        class_db.connect_as(alice)
    class_db.passwords[alice] = new
    class_db.connect_as(alice).close()


def test_a_bad_roster_row_is_located_and_nobody_is_enrolled(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = tmp_path / "class.csv"
    roster.write_text(f"name,login\nAlice,{class_db.login('alice')}\nBob,Bob Smith\n")
    code, out, err = run(capsys, "class", "enroll", "--db", class_db.url(), "--roster", str(roster))
    assert (code, out) == (1, "")
    assert err == (
        f"studyapp: {roster}:3:5: error: 'Bob Smith' is not a valid login: 1-63 lowercase "
        "letters, digits, _ . -, starting with a letter\n"
    )
    assert class_db.admin.execute("SELECT count(*) FROM studyapp.roster").fetchone() == (0,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", ":1:1: error: empty roster (a header row naming 'login' first)"),
        ("name,email\nA,a@x\n", ":1:1: error: no 'login' column in the header row (name, email)"),
        ("login\nann\nann\n", ":3:1: error: 'ann' is already on line 2"),
        ("login,name\n,Ann\n", ":2:1: error: no login on this row"),
        ("login\npg_monitor\n", ":2:1: error: 'pg_monitor' is reserved"),
    ],
)
def test_roster_errors(tmp_path: Path, content: str, message: str) -> None:
    from studyapp.server.handout import RosterError, read_roster

    roster = tmp_path / "class.csv"
    roster.write_text(content)
    with pytest.raises(RosterError) as raised:
        read_roster(roster)
    assert str(raised.value) == f"{roster}{message}"


def test_enroll_usage_errors(class_db: ClassDb, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "class", "enroll", "--db", class_db.url())
    assert code == 2
    assert err == "studyapp: name the logins to enroll, or give --roster FILE.csv (one of them)\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["class", "enroll", "alice"])
    assert exit_info.value.code == 2
    assert "the following arguments are required: --db" in capsys.readouterr().err
    code, _, err = run(
        capsys, "class", "enroll", "--db", class_db.url(), f"{class_db.name}_students"
    )
    assert (code, err) == (1, f"studyapp: '{class_db.name}_students' is reserved\n")


def test_hand_outs_name_the_server_as_students_reach_it(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str]
) -> None:
    alice = class_db.login("alice")
    certificate = class_db.pg.passfile.parent / "data" / "server.crt"  # self-signed: its own CA
    url = class_db.url() + f"?sslmode=verify-ca&sslrootcert={certificate}"
    code, out, _ = run(
        capsys, "class", "enroll", "--db", url, alice, "--server", "db.example.edu:6432"
    )
    assert code == 0
    expected = f"postgresql://{alice}@db.example.edu:6432/{class_db.name}?sslmode=verify-ca"
    assert f'[sync] url = "{expected}"' in out
    assert f"~/.pgpass:    db.example.edu:6432:{class_db.name}:{alice}:" in out


def test_students_lists_everyone_and_drop_keeps_the_history(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str]
) -> None:
    from uuid import uuid4

    from studyapp.server.events import Event
    from studyapp.server.sync import push
    from tests.server.test_sync import NOW

    alice, bob = class_db.enroll("alice", "bob")
    (teach,) = class_db.enroll("teach", instructor=True)
    with class_db.connect_as(alice) as conn:
        push(conn, [Event(uuid4(), uuid4(), "suspend", NOW, "pharm", "c", "main")] * 1)
    code, out, err = run(capsys, "class", "drop", "--db", class_db.url(), bob)
    assert (code, out, err) == (0, f"{bob}: dropped; history kept\n", "")
    code, out, _ = run(capsys, "class", "students", "--db", class_db.url())
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["login", "role", "status", "events", "last", "event", "name"]
    assert [line[:4] for line in lines[1:]] == [
        [teach, "instructor", "active", "0"],
        [alice, "student", "active", "1"],
        [bob, "student", "dropped", "0"],
    ]
    code, _, err = run(capsys, "class", "drop", "--db", class_db.url(), "nobody")
    assert (code, err) == (1, f"studyapp: 'nobody' is not enrolled in {class_db.name}\n")


def test_publish_stores_versions_by_content(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deck = tmp_path / "pharm.yaml"
    deck.write_text(DECK)
    published = "pharm: published, version {} (sha256 {})\n"
    code, out, err = run(capsys, "class", "publish", "--db", class_db.url(), str(tmp_path))
    import hashlib

    first = hashlib.sha256(DECK.encode()).hexdigest()
    assert (code, out, err) == (0, published.format(1, first[:12]), "")
    code, out, _ = run(capsys, "class", "publish", "--db", class_db.url(), str(deck))
    assert out == f"pharm: unchanged, version 1 (sha256 {first[:12]})\n"
    deck.write_text(DECK.replace("Ten", "Twenty"))
    code, out, _ = run(capsys, "class", "publish", "--db", class_db.url(), str(deck))
    second = hashlib.sha256(deck.read_bytes()).hexdigest()
    assert out == published.format(2, second[:12])
    deck.write_text(DECK)  # back to the first content: a new version, the same file
    code, out, _ = run(capsys, "class", "publish", "--db", class_db.url(), str(deck))
    assert out == published.format(3, first[:12])
    counts = class_db.admin.execute(
        "SELECT (SELECT count(*) FROM studyapp.deck_file),"
        " (SELECT count(*) FROM studyapp.deck_version)"
    ).fetchone()
    assert counts == (2, 3)


def test_a_deck_with_errors_is_not_published(
    class_db: ClassDb, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "good.yaml").write_text(DECK)
    (tmp_path / "bad.yaml").write_text(
        "deck: bad\ntitle: Bad\ncards:\n  - id: x\n    kind: nonsense\n"
    )
    code, out, err = run(capsys, "class", "publish", "--db", class_db.url(), str(tmp_path))
    assert (code, out) == (1, "")
    first, last = err.splitlines()
    assert first.startswith(f"{tmp_path / 'bad.yaml'}:5:11: error: unknown card kind 'nonsense'")
    assert last == (
        "studyapp: 1 deck file with errors (`studyapp check` lists them all); nothing published"
    )
    assert class_db.admin.execute("SELECT count(*) FROM studyapp.deck_version").fetchone() == (0,)


def test_without_psycopg_a_class_command_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from studyapp.cli import main\n"
        "raise SystemExit(main(['class', 'init', '--db', 'postgresql://x@h/pharm101']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr == "studyapp: the class server needs psycopg: pip install 'studyapp[class]'\n"
    )
