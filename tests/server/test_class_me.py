"""`studyapp class me` as a student role: the class's quartiles only where at
least 5 students contribute (enforced by the server's function), and nothing
about any one classmate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.server.report import standing
from studyapp.server.sync import push
from tests.server.classdata import NOW, review
from tests.server.conftest import ClassDb
from tests.server.test_class_report import as_login

pytestmark = pytest.mark.usefixtures("pg")


@pytest.fixture
def standings(class_db: ClassDb) -> list[str]:
    """Five students answer two dosing recalls each: student i passes
    min(i, 2) of them (retention 0, 50, 100, 100, 100%); only the first four
    also answer a safety card (4 students: under the threshold)."""
    logins = class_db.enroll(*(f"s{i}" for i in range(5)))
    for i, login in enumerate(logins):
        events = [
            review("d1", 3 if i >= 1 else 1, at=NOW - timedelta(days=1)),
            review("d2", 3 if i >= 2 else 1, at=NOW - timedelta(days=1)),
        ]
        if i < 4:
            events.append(review("s1", 3, topic="safety", at=NOW - timedelta(days=1)))
        with class_db.connect_as(login) as conn:
            push(conn, events)
    return logins


def test_a_student_sees_their_own_figures_and_the_class_quartiles(
    class_db: ClassDb, standings: list[str]
) -> None:
    with class_db.connect_as(standings[1]) as conn:
        rows = {row[1]: row for row in standing(conn, NOW)}
    dosing, safety = rows["dosing"], rows["safety"]
    # Own retention 1 of 2; the class's five: 0, 0.5, 1, 1, 1.
    assert dosing[2] == 0.5 and dosing[4:8] == (5, 0.5, 1.0, 1.0)
    assert dosing[3] == pytest.approx(safety[3])  # own mastery: same stability and age
    # Safety: 4 students contribute, so the class's figures are withheld.
    assert safety[2] == 1.0 and safety[4:8] == (4, None, None, None)
    assert safety[8:] == (4, None, None, None)


def test_class_me_prints_it(
    class_db: ClassDb,
    standings: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url = as_login(class_db, monkeypatch, standings[0])
    assert main(["class", "me", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "retention: you 0%; class median 100% (quartiles 50%-100%, 5 students)" in out
    assert "class: fewer than 5 students (4), not shown" in out
    for other in standings[1:]:
        assert other not in out
    # The device's [sync] url serves when --db is not given; neither: one line, exit 1.
    folder = tmp_path / "device"
    folder.mkdir()
    assert main(["class", "me", "--data-dir", str(folder)]) == 1
    assert capsys.readouterr().err.startswith("studyapp: no class server: put `[sync] url = ")
    (folder / "config.toml").write_text(f'[sync]\nurl = "{url}"\n', "utf-8")
    assert main(["class", "me", "--data-dir", str(folder)]) == 0
    assert capsys.readouterr().out == out


def test_a_student_reaches_no_classmate_through_the_function(
    class_db: ClassDb, standings: list[str]
) -> None:
    with class_db.connect_as(standings[0]) as conn:
        own = standing(conn, NOW)
        # A student has no grant on the summaries the function reads...
        with pytest.raises(Exception, match="permission denied"):
            conn.execute("SELECT * FROM studyapp.stat_day")
        # ...and no argument of the function names a student.
        with pytest.raises(Exception, match="function"):
            conn.execute("SELECT * FROM studyapp.class_standing(now(), %s)", (standings[1],))
    with class_db.connect_as(standings[4]) as conn:
        theirs = standing(conn, NOW)
    # Only the caller's own columns differ between two students.
    assert [row[4:] for row in own] == [row[4:] for row in theirs]
    assert [row[2] for row in own] != [row[2] for row in theirs]
