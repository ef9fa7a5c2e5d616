"""`studyapp class report` and `class exam publish` against a real server:
the figures from the summaries, the permission a student lacks, the
anonymity of --anonymous in every format, and the item analysis of a
seeded simulated exam with one question keyed wrong on purpose."""

from __future__ import annotations

import json
import math
import random
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from studyapp.cli import main
from studyapp.server.events import Event
from studyapp.server.exams import open_exams
from studyapp.server.handout import Person
from studyapp.server.roles import enroll
from studyapp.server.sync import push
from tests.server.classdata import DEVICE, NOW, review
from tests.server.conftest import ClassDb

pytestmark = pytest.mark.usefixtures("pg")

NAMES = (
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Emmy Noether",
    "Kurt Godel",
    "Rosalind Franklin",
)
AS_OF = "2026-11-23"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def classroom(class_db: ClassDb) -> ClassDb:
    """Six students with names and a teacher. Everyone answers c1 (choice,
    dosing) and c2 (typed, safety) twice; four pick the wrong option B on c1,
    three type a spelling of "atropine" on c2. st5 last studied 10 days ago."""
    logins = [class_db.login(f"st{i}") for i in range(6)]
    for done in enroll(
        class_db.admin, [Person(who, n) for who, n in zip(logins, NAMES, strict=True)]
    ):
        assert done.password is not None
        class_db.passwords[done.login] = done.password
    class_db.enroll("teach", instructor=True)
    spellings = ["Atropine", "atropine.", " ATROPINE"]
    for i, login in enumerate(logins):
        at = NOW - timedelta(days=10 if i == 5 else 1)
        events = [
            review("c1", 3, at=at - timedelta(days=5), reps=1),
            review("c1", 1 if i < 4 else 3, at=at, picked="B" if i < 4 else None),
            review("c2", 3, at=at - timedelta(days=5), reps=1, kind="typed", topic="safety"),
            review(
                "c2",
                1 if i < 3 else 3,
                at=at,
                kind="typed",
                topic="safety",
                answer=spellings[i] if i < 3 else "adrenaline",
            ),
        ]
        with class_db.connect_as(login) as conn:
            push(conn, events)
    return class_db


def as_login(db: ClassDb, monkeypatch: pytest.MonkeyPatch, login: str) -> str:
    """The URL of ``login``, its password added to a copy of the superuser's passfile."""
    passfile = Path(str(db.pg.passfile) + f".{login}")
    lines = Path(db.pg.passfile).read_text("utf-8").rstrip("\n")
    passfile.write_text(
        f"{lines}\n{db.pg.host}:{db.pg.port}:{db.name}:{login}:{db.passwords[login]}\n", "utf-8"
    )
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    return db.url(login)


def as_instructor(db: ClassDb, monkeypatch: pytest.MonkeyPatch) -> str:
    return as_login(db, monkeypatch, db.login("teach"))


def test_the_instructors_report_in_text(
    classroom: ClassDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = as_instructor(classroom, monkeypatch)
    code, out, err = run(capsys, "class", "report", "--db", url, "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert "Participation: 6 students, 5 active in the last 7 days, 6 in the last 30" in out
    st5 = classroom.login("st5")
    assert f"{st5}  no study for 10 days" in out
    # dosing: 2 passes of 6 recalls (33%) and 4 students below 90%; safety 3 of 6.
    assert "pharm  dosing  6         33%        97%         4" in out
    assert "pharm  safety  6         50%        97%         3" in out
    assert "pharm  c1/main  B                 4      4" in out
    assert 'pharm  c2/main  typed "ATROPINE"  3      3' in out
    assert "Ada Lovelace" in out


def test_json_figures_and_filters(
    classroom: ClassDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = as_instructor(classroom, monkeypatch)
    code, out, _ = run(
        capsys,
        "class",
        "report",
        "--db",
        url,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--topic",
        "safety",
    )
    assert code == 0
    data = json.loads(out)
    assert [t["topic"] for t in data["topics"]] == ["safety"]
    safety = data["topics"][0]
    assert (safety["retention"], safety["below_desired"], safety["recalls"]) == (0.5, 3, 6)
    typed = [m for m in data["misconceptions"] if m["source"] == "typed"]
    assert typed[0]["times"] == 3 and typed[0]["students"] == 3 and typed[0]["spellings"] == 3
    assert data["participation"]["students"] == 6
    assert data["participation"]["reviews_per_student"] == [2] * 6  # safety only


def test_a_student_is_refused_the_report(
    classroom: ClassDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    st0 = classroom.login("st0")
    code, out, err = run(capsys, "class", "report", "--db", as_login(classroom, monkeypatch, st0))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "permission denied" in err and "class me" in err
    # The server refuses it too, not only the client's check.
    with classroom.connect_as(st0) as conn:
        for table in ("stat_prompt", "stat_day", "stat_answer", "exam_response"):
            with pytest.raises(Exception, match="permission denied"):
                conn.execute(f"SELECT * FROM studyapp.{table}")


@pytest.mark.parametrize("form", ["text", "json", "csv", "html"])
def test_anonymous_leaks_no_name_in_any_format(
    classroom: ClassDb,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    form: str,
) -> None:
    url = as_instructor(classroom, monkeypatch)
    output = tmp_path / f"report.{form}"
    argv = ["class", "report", "--db", url, "--as-of", AS_OF, "--anonymous", "--format", form]
    assert run(capsys, *argv, "--output", str(output))[0] == 0
    text = output.read_text("utf-8")
    for name in NAMES:
        for word in name.split():
            assert word not in text
    assert "st0" not in text and classroom.name not in text
    assert "S-" in text
    # Stable: the same pseudonyms on a second run.
    again = tmp_path / f"again.{form}"
    assert run(capsys, *argv, "--output", str(again))[0] == 0
    assert again.read_text("utf-8") == text


EXAM_DECK = "deck: pharm\ntitle: Pharmacology\ncards:\n" + "".join(
    f"  - id: q{i:02}\n    kind: choice\n    topic: dosing\n"
    f"    question: Which dose is number {i}?\n    answer: Dose {i} mg\n"
    f"    distractors: [Dose {i + 100} mg, Dose {i + 200} mg, Dose {i + 300} mg]\n"
    for i in range(1, 21)
)


def sitting(exam_id: int, questions: list[dict[str, Any]], marks: list[bool], at: Any) -> Event:
    answers = [
        {
            "deck": q["deck"],
            "card": q["card"],
            "sibling": q["sibling"],
            "kind": q["kind"],
            "correct": mark,
            "picked": "A" if mark else "C",
        }
        for q, mark in zip(questions, marks, strict=True)
    ]
    payload = {
        "answers": answers,
        "score": sum(marks),
        "total": len(marks),
        "mode": "timed",
        "class_exam": exam_id,
        "started_at": (at - timedelta(minutes=10)).isoformat(),
    }
    return Event(uuid4(), DEVICE, "exam", at, payload=payload)


def test_a_seeded_exam_with_a_wrong_key_shows_negative_discrimination(
    class_db: ClassDb,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """30 simulated students (ability ~ N(0, 1), seed 15) sit a 20-question
    exam; question 7 is keyed to a distractor, so a student is marked right
    only when they miss the true answer and guess that distractor."""
    url = as_instructor(class_db, monkeypatch) if class_db.enroll("teach", instructor=True) else ""
    deck = tmp_path / "pharm.yaml"
    deck.write_text(EXAM_DECK, "utf-8")
    assert run(capsys, "class", "publish", "--db", url, str(deck))[0] == 0
    opens, closes = NOW - timedelta(days=1), NOW + timedelta(days=3650)
    code, out, err = run(
        capsys,
        "class",
        "exam",
        "publish",
        "--db",
        url,
        "--deck",
        "pharm",
        "-n",
        "20",
        "--time",
        "15m",
        "--opens",
        opens.isoformat(),
        "--closes",
        closes.isoformat(),
        "--title",
        "midterm",
        "--seed",
        "3",
    )
    assert (code, err) == (0, ""), err
    assert "published exam 1 'midterm': 20 questions, 15 min" in out
    students = class_db.enroll(*(f"s{i:02}" for i in range(30)))
    rng = random.Random(15)
    with class_db.connect_as(students[0]) as conn:
        (exam,) = open_exams(conn)
    questions = exam.questions
    for login in students:
        ability = rng.gauss(0, 1)
        marks = []
        for q in range(1, 21):
            knows = rng.random() < 1 / (1 + math.exp(-(ability - (-1.5 + 3 * (q - 1) / 19)) * 2))
            marks.append(not knows and rng.random() < 1 / 3 if q == 7 else knows)
        first = sitting(exam.exam_id, questions, marks, NOW)
        # A second sitting (all right) is not counted: once only.
        again = sitting(exam.exam_id, questions, [True] * 20, NOW + timedelta(hours=1))
        with class_db.connect_as(login) as conn:
            push(conn, [first, again])
    code, out, _ = run(capsys, "class", "report", "--db", url, "--format", "json")
    assert code == 0
    analysis = json.loads(out)["exams"]["midterm"]
    assert analysis["students"] == 30 and analysis["questions"] == 20
    items = {item["position"]: item for item in analysis["items"]}
    assert items[7]["discrimination"] < 0 and "negative" in items[7]["flags"]
    assert sum(item["discrimination"] > 0 for item in items.values()) >= 17
    assert max(analysis["scores"]) < 20  # the all-right second sittings were not kept
    assert set(items[7]["options"]) <= {"A", "C"}
    code, out, _ = run(capsys, "class", "report", "--db", url)
    assert "Exam midterm: 30 students, 20 questions" in out and "negative" in out


def test_exam_window_late_starts_and_who_reads(class_db: ClassDb) -> None:
    from studyapp.server.exams import publish_exam

    (alice,) = class_db.enroll("alice")
    question = [{"deck": "pharm", "card": "c1", "sibling": "main", "kind": "choice"}]
    future = publish_exam(
        class_db.admin,
        title="later",
        deck_id="pharm",
        topic=None,
        time_limit_s=60,
        opens_at=NOW + timedelta(days=3650),
        closes_at=NOW + timedelta(days=3651),
        questions=question,
    )
    closed = publish_exam(
        class_db.admin,
        title="closed",
        deck_id="pharm",
        topic=None,
        time_limit_s=60,
        opens_at=NOW - timedelta(days=2),
        closes_at=NOW - timedelta(days=1),
        questions=question,
    )
    with class_db.connect_as(alice) as conn:
        # Neither a future nor a closed exam is readable by a student.
        assert conn.execute("SELECT count(*) FROM studyapp.class_exam").fetchone() == (0,)
        assert open_exams(conn) == []
        late = sitting(closed.exam_id, question, [True], NOW)
        early = sitting(closed.exam_id, question, [True], NOW - timedelta(days=1, hours=1))
        push(conn, [late])
        assert conn.execute("SELECT count(*) FROM studyapp.exam_sitting").fetchone() == (0,)
        push(conn, [early])
        assert conn.execute("SELECT count(*) FROM studyapp.exam_sitting").fetchone() == (1,)
        with pytest.raises(Exception, match="permission denied"):
            conn.execute(
                "INSERT INTO studyapp.class_exam (title, deck_id, time_limit_s, opens_at,"
                " closes_at, questions) VALUES ('x', 'pharm', 60, now(), now() + '1h', '[{}]')"
            )
    assert future.exam_id != closed.exam_id


def test_studyapp_class_opens_the_class_screen_on_the_report(
    classroom: ClassDb,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from studyapp.tui.screens.class_report import ClassApp

    shown = []
    monkeypatch.setattr(ClassApp, "run", lambda self: shown.append(self.report))
    url = as_instructor(classroom, monkeypatch)
    assert run(capsys, "class", "--db", url, "--anonymous")[0] == 0
    (report,) = shown
    assert report.anonymous and report.participation.students == 6
    assert [t.topic for t in report.topics] == ["dosing", "safety"]
    code, _, err = run(capsys, "class")
    assert code == 1 and err == (
        "studyapp: the class screen needs --db URL (the class commands: studyapp class --help)\n"
    )
