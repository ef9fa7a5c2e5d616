"""A class exam taken in the app, end to end against a real server (issue 15):
the instructor publishes a deck and an exam; a student's device syncs (the
class deck and the open exam arrive), the study app shows the exam on home,
the student takes it there (Pilot), the app syncs at once, and the
instructor's report shows the sitting and its item analysis. A second student
sees the exam but not the first one's sitting; the student's other device
learns it was taken and refuses it; `studyapp class exams` says who took what."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from studyapp.app.class_exams import cached_exams, cached_standing, read_standing
from studyapp.app.config import Paths, load_settings
from studyapp.app.sync import sync_once
from studyapp.cli import main
from studyapp.core.library import Library
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.server.sync import push
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam_results import ExamResultsScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.stats import StatsScreen
from tests.conftest import FakeClock
from tests.server.classdata import review
from tests.server.conftest import ClassDb
from tests.server.test_class_report import EXAM_DECK
from tests.tui.test_exam import answer, exam_screen, text_of, wait_for

pytestmark = pytest.mark.usefixtures("pg")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Class:
    """The class of these tests: a teacher, alice and bob, every password in a
    0600 passfile libpq reads (PGPASSFILE); URLs without passwords."""

    def __init__(self, db: ClassDb, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = db
        self.folder = folder
        (self.teacher,) = db.enroll("teach", instructor=True)
        self.alice, self.bob = db.enroll("alice", "bob")
        passfile = folder / "pgpass"
        passfile.write_text(
            db.pg.passfile.read_text()
            + "".join(
                f"{db.pg.host}:{db.pg.port}:{db.name}:{login}:{password}\n"
                for login, password in db.passwords.items()
            )
        )
        passfile.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(passfile))

    def device(self, name: str, login: str) -> Path:
        """A data folder whose config.toml syncs as ``login`` (no bundled decks)."""
        data = self.folder / name
        data.mkdir()
        url = self.db.url(login)
        (data / "config.toml").write_text(
            f'include_bundled_decks = false\n[sync]\nurl = "{url}"\n', "utf-8"
        )
        return data


@pytest.fixture
def school(class_db: ClassDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Class:
    return Class(class_db, tmp_path, monkeypatch)


@pytest.fixture
def published(school: Class, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> int:
    """The pharm deck published, and exam 'Midterm' on 4 of its cards, open now
    for an hour, 10 minutes long; its id."""
    deck = tmp_path / "pharm.yaml"
    deck.write_text(EXAM_DECK, "utf-8")
    teacher = school.db.url(school.teacher)
    assert run(capsys, "class", "publish", "--db", teacher, str(deck))[0] == 0
    now = datetime.now(UTC)
    code, out, err = run(
        capsys,
        *("class", "exam", "publish", "--db", teacher, "--deck", "pharm", "-n", "4"),
        *("--time", "10m", "--title", "Midterm", "--seed", "5"),
        *("--opens", (now - timedelta(hours=1)).isoformat()),
        *("--closes", (now + timedelta(hours=1)).isoformat()),
    )
    assert code == 0, err
    return int(out.split()[2])


@pytest.fixture
def app_store(tmp_path: Path) -> Iterator[list[Store]]:
    stores: list[Store] = []
    yield stores
    for store in stores:
        store.close()


def study_app(data: Path, clock: FakeClock, stores: list[Store]) -> StudyApp:
    """The study app on ``data`` as `studyapp` starts it (tui.app.run), with the
    injected clock: decks from config.toml and class-decks/, the real sync and
    the real reading of the class standing."""
    paths = Paths(data, data)
    settings = load_settings(paths, env={})
    assert settings.sync_url is not None
    url = settings.sync_url
    store = Store.open(paths.database)
    stores.append(store)

    def library() -> Library:
        from studyapp.app.services import load_decks

        return load_decks(paths, load_settings(paths, env={}))

    return StudyApp(
        load_library=library,
        store=store,
        settings=settings,
        policy=Policy(SchedulerConfig(enable_fuzz=False)),
        clock=clock,
        rng=Random(15),
        watch_interval=None,
        syncer=lambda: sync_once(paths, settings, url, clock()),
        standing_reader=lambda: read_standing(url, clock()),
    )


async def test_a_student_takes_a_published_exam_in_the_app_and_the_report_analyses_it(
    school: Class,
    published: int,
    capsys: pytest.CaptureFixture[str],
    app_store: list[Store],
) -> None:
    laptop = school.device("laptop", school.alice)
    code, out, err = run(capsys, "--data-dir", str(laptop), "sync")
    assert code == 0, err
    assert "class decks updated: pharm.yaml" in out
    assert "class exam open: Midterm (closes " in out
    assert out.endswith(f"): `studyapp exam --class {published}`\n")
    code, out, _ = run(capsys, "--data-dir", str(laptop), "class", "exams")
    assert code == 0
    assert f"{published:>4}  Midterm: 4 questions on pharm, 10 min, closes " in out
    assert f"not taken: `studyapp exam --class {published}`" in out

    clock = FakeClock(datetime.now(UTC))
    app = study_app(laptop, clock, app_store)
    async with app.run_test(size=(80, 24)) as pilot:
        # The start-up sync runs after the first refresh: wait for it to have ended.
        await wait_for(pilot, lambda: app.class_exams is not None, timeout=120)
        await pilot.pause()
        assert app.sync_error is None
        assert "Class exam open (e: take it): Midterm · 4 questions · 10 min" in text_of(
            app, "#class-exam"
        )
        await pilot.press("e")
        await pilot.pause()
        exam = exam_screen(app).exam
        for right in (True, True, False, True):
            clock.advance(seconds=20)
            await answer(pilot, app, right=right)
            await pilot.press("n")
        await pilot.press("ctrl+s", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ExamResultsScreen))
        await app.workers.wait_for_complete()  # the sync the exam started
        assert app.sync_error is None and app.store.waiting() == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#class-exam").display
    asked = [item.prompt.key for item in exam.items]

    # The server counted the sitting, with the answers matched to the questions.
    sitting = school.db.admin.execute(
        "SELECT student, started_at FROM studyapp.exam_sitting WHERE exam_id = %s", (published,)
    ).fetchall()
    assert sitting == [(school.alice, exam.started_at)]
    questions = school.db.admin.execute(
        "SELECT questions FROM studyapp.class_exam WHERE exam_id = %s", (published,)
    ).fetchone()[0]
    assert [(q["deck"], q["card"], q["sibling"]) for q in questions] == asked
    responses = school.db.admin.execute(
        "SELECT position, score, answer FROM studyapp.exam_response WHERE exam_id = %s"
        " ORDER BY position",
        (published,),
    ).fetchall()
    assert [(p, s) for p, s, _ in responses] == [(1, 1.0), (2, 1.0), (3, 0.0), (4, 1.0)]
    assert all(text and text.startswith("Dose ") for _, _, text in responses)

    # The instructor's report: the sitting and its item analysis.
    teacher = school.db.url(school.teacher)
    code, out, err = run(capsys, "class", "report", "--db", teacher, "--format", "json")
    assert code == 0, err
    midterm = json.loads(out)["exams"]["Midterm"]
    assert midterm["students"] == 1 and midterm["questions"] == 4
    assert midterm["scores"] == [3.0]
    assert [item["facility"] for item in midterm["items"]] == [1.0, 1.0, 0.0, 1.0]
    assert midterm["items"][2]["options"] == {responses[2][2]: 1}

    # alice: taken, and counted.
    code, out, _ = run(capsys, "--data-dir", str(laptop), "class", "exams")
    assert "taken: your sitting started" in out and "counts" in out

    # bob sees the exam, open to him, and none of alice's sitting.
    bobs = school.device("bob", school.bob)
    assert run(capsys, "--data-dir", str(bobs), "sync")[0] == 0
    with Store.open(Paths(bobs, bobs).database) as store:
        known = cached_exams(store)
    assert [e.title for e in known.exams] == ["Midterm"] and known.taken == frozenset()
    with school.db.connect_as(school.bob) as conn:
        assert conn.execute("SELECT count(*) FROM studyapp.exam_sitting").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM studyapp.events").fetchone() == (0,)
    code, out, _ = run(capsys, "--data-dir", str(bobs), "class", "exams")
    assert "not taken" in out

    # alice's desktop learns at its sync that she took it: a start there is refused.
    desktop = school.device("desktop", school.alice)
    assert run(capsys, "--data-dir", str(desktop), "sync")[0] == 0
    code, out, err = run(capsys, "--data-dir", str(desktop), "exam", "--class", str(published))
    assert (code, out) == (1, "")
    assert err == (
        "studyapp: you have already taken the class exam 'Midterm' (a class exam is taken once)\n"
    )


async def test_the_statistics_screen_reads_the_class_standing_from_the_server(
    school: Class, app_store: list[Store]
) -> None:
    """Six students answer two dosing cards: student i passes min(i, 2) of them
    (alice, the first, none); four answer a safety card too (under 5: withheld)."""
    logins = [school.alice, school.bob, *school.db.enroll(*(f"s{i}" for i in range(4)))]
    when = datetime.now(UTC) - timedelta(days=1)
    for i, login in enumerate(logins):
        events = [
            review("d1", 3 if i >= 1 else 1, at=when),
            review("d2", 3 if i >= 2 else 1, at=when),
        ]
        if i < 4:
            events.append(review("s1", 3, topic="safety", at=when))
        with school.db.connect_as(login) as conn:
            push(conn, events)
    laptop = school.device("laptop", school.alice)
    clock = FakeClock(datetime.now(UTC))
    app = study_app(laptop, clock, app_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.class_exams is not None, timeout=120)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        reading = "reading the class server"
        await wait_for(pilot, lambda: reading not in text_of(app, "#stats-class"), timeout=120)
        shown = text_of(app, "#stats-class")
        assert "Your class standing (read just now)" in shown
        assert "pharm / dosing" in shown
        assert "retention: you 0%; class median 100% (quartiles" in shown
        assert "6 students)" in shown
        assert "pharm / safety" in shown
        assert "retention: you 100%; class: fewer than 5 students (4), not shown" in shown
        for other in logins[1:]:
            assert other not in shown
    kept = cached_standing(app_store[0])
    assert kept is not None and kept.read_at == clock() and len(kept.rows) == 2
