"""Device sync against a real server (issue 14, part B): two data folders of
one student end with identical states; the same card answered on two devices
offline keeps both answers; clock skew; a push of 10,000 events cut midway;
a server that is down or newer; passwords never shown; class decks pulled."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from studyapp.app import sync as sync_module
from studyapp.app.config import Paths, Settings, load_settings
from studyapp.app.sync import SyncResult, sync
from studyapp.cli import main
from studyapp.core.deck.model import PromptKey
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig
from studyapp.core.study.session import ReviewRecord
from studyapp.server import ServerError
from studyapp.server.decks import publish
from studyapp.server.events import Event
from studyapp.store import Store
from tests.pgserver import _free_port
from tests.server.conftest import ClassDb

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = Policy(SchedulerConfig())  # fuzz on: replay must use the logged due dates
CARD: PromptKey = ("pharm", "dose", "main")


@pytest.fixture
def student(class_db: ClassDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """alice and bob enrolled; their passwords in a 0600 passfile that libpq reads
    (PGPASSFILE); returns alice's URL, which holds no password."""
    alice, _ = class_db.enroll("alice", "bob")
    passfile = tmp_path / "pgpass"
    passfile.write_text(
        class_db.pg.passfile.read_text()  # the fixtures' superuser, to clean up
        + "".join(
            f"{class_db.pg.host}:{class_db.pg.port}:{class_db.name}:{login}:{password}\n"
            for login, password in class_db.passwords.items()
        )
    )
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    return class_db.url(alice)


class Device:
    """One data folder: a store and its paths."""

    def __init__(self, folder: Path) -> None:
        self.paths = Paths(folder, folder)
        self.store = Store.open(self.paths.database)

    def answer(self, key: PromptKey, rating: Rating, at: datetime) -> int:
        before = self.store.card_state(key)
        after = POLICY.review(before, rating, at)
        record = ReviewRecord(key, "basic", at, int(rating), 1200, before, after)
        return self.store.record_review(record)

    def sync(self, url: str, now: datetime = NOW) -> SyncResult:
        return sync(self.store, url, Settings(), self.paths, now)

    def states(self) -> list[tuple[Any, ...]]:
        return self.store.conn.execute("SELECT * FROM card_state ORDER BY 1, 2, 3").fetchall()

    def events(self) -> set[str]:
        return {r[0] for r in self.store.conn.execute("SELECT event_id FROM review_log")}


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    a, b = Device(tmp_path / "laptop"), Device(tmp_path / "desktop")
    yield a, b
    a.store.close()
    b.store.close()


def replayed(device: Device) -> dict[PromptKey, CardState]:
    return device.store.replay_states(POLICY)


def test_two_devices_of_one_student_sync_to_identical_states(
    student: str, devices: tuple[Device, Device]
) -> None:
    laptop, desktop = devices
    rng = random.Random(14)
    for i in range(40):
        key = ("pharm", f"c{i % 7}", "main")
        device = laptop if i % 3 else desktop
        device.answer(key, Rating(rng.randint(1, 4)), NOW + timedelta(hours=i))
    undone = laptop.answer(("pharm", "c9", "main"), Rating.AGAIN, NOW + timedelta(days=3))
    laptop.store.undo_review(undone, ("pharm", "c9", "main"), CardState())
    laptop.store.set_suspended(("pharm", "c1", "main"), True, NOW + timedelta(days=3))
    laptop.store.add_alias("pharm", "c2", "ten mg", NOW)

    first = laptop.sync(student)
    assert (first.pushed, first.stored, first.pulled) == (30, 30, 0)
    second = desktop.sync(student)
    assert (second.pushed, second.pulled) == (14, 30)
    third = laptop.sync(student)
    assert (third.pushed, third.pulled) == (0, 14)

    assert laptop.events() == desktop.events()
    assert laptop.states() == desktop.states() != []
    assert replayed(laptop) == replayed(desktop)
    assert desktop.store.card_state(("pharm", "c1", "main")).suspended
    assert desktop.store.card_state(("pharm", "c9", "main")) == CardState()  # undone there too
    assert desktop.store.aliases("pharm") == {"c2": ("ten mg",)}
    assert laptop.store.waiting() == desktop.store.waiting() == 0
    # Syncing again moves nothing.
    again = desktop.sync(student)
    assert (again.pushed, again.pulled, again.replayed) == (0, 0, 0)


def test_the_same_card_answered_on_two_devices_offline_keeps_both(
    student: str, devices: tuple[Device, Device]
) -> None:
    laptop, desktop = devices
    laptop.answer(CARD, Rating.GOOD, NOW)
    laptop.sync(student)
    desktop.sync(student)
    # Both offline: each answers the card once more, the desktop ten minutes later.
    laptop.answer(CARD, Rating.AGAIN, NOW + timedelta(days=2))
    desktop.answer(CARD, Rating.EASY, NOW + timedelta(days=2, minutes=10))
    for device in (laptop, desktop, laptop):
        device.sync(student)
    ratings = [row["rating"] for row in laptop.store.history(CARD)]
    assert sorted(ratings) == sorted(row["rating"] for row in desktop.store.history(CARD))
    assert len(ratings) == 3
    assert laptop.store.card_state(CARD) == desktop.store.card_state(CARD)
    # Replayed in time order: good, again (laptop), easy (desktop, later).
    state = CardState()
    for rating, at in [
        (3, NOW),
        (1, NOW + timedelta(days=2)),
        (4, NOW + timedelta(days=2, minutes=10)),
    ]:
        state = POLICY.review(state, Rating(rating), at, fuzz=False)
    final = laptop.store.card_state(CARD)
    assert (final.reps, final.lapses, final.stability) == (
        state.reps,
        state.lapses,
        state.stability,
    )


def test_clock_skew_orders_by_the_devices_own_times(
    student: str, devices: tuple[Device, Device]
) -> None:
    """The desktop's clock is 5 minutes behind: its answer, given 2 minutes after
    the laptop's, carries a time 3 minutes before it, and both devices replay it
    first (docs/class-server.md, "Clock skew")."""
    laptop, desktop = devices
    laptop.answer(CARD, Rating.AGAIN, NOW)
    skew = timedelta(minutes=-5)
    desktop.answer(CARD, Rating.EASY, NOW + timedelta(minutes=2) + skew)
    for device in (laptop, desktop, laptop):
        device.sync(student)
    for device in devices:
        order = device.store.conn.execute(
            "SELECT rating FROM review_log ORDER BY reviewed_at, event_id"
        ).fetchall()
        assert order == [(4,), (1,)]
    assert laptop.store.card_state(CARD) == desktop.store.card_state(CARD)
    assert laptop.store.card_state(CARD).lapses == 1  # easy, then again: a lapse


def test_a_push_of_10000_events_cut_midway_is_completed_by_the_next_sync(
    student: str,
    class_db: ClassDb,
    devices: tuple[Device, Device],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    laptop, desktop = devices
    with laptop.store.conn:
        laptop.store.conn.executemany(
            "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating, "
            "kind) VALUES ('pharm', ?, 'main', 'review', ?, 3, 'basic')",
            [(f"c{i % 500}", (NOW + timedelta(minutes=i)).isoformat()) for i in range(10_000)],
        )
    real = sync_module.to_event
    calls = 0

    def cutting(source: str, row: dict[str, Any]) -> Event | None:
        """The 5,000th event's payload kills the push's connection as COPY reads it."""
        nonlocal calls
        calls += 1
        event = real(source, row)
        if calls == 5_000 and event is not None:
            killer = Cutter(class_db, dict(event.payload))
            event = Event(**{**_fields(event), "payload": killer})
        return event

    monkeypatch.setattr(sync_module, "to_event", cutting)
    with pytest.raises(ServerError, match="connection to the class server was lost"):
        laptop.sync(student)
    assert laptop.store.waiting() == 10_000  # nothing acknowledged
    assert sync_module.last_synced(laptop.store) is None
    monkeypatch.setattr(sync_module, "to_event", real)
    done = laptop.sync(student)
    assert (done.pushed, done.stored) == (10_000, 10_000)
    login = class_db.login("alice")
    rows = class_db.admin.execute(
        "SELECT count(*), count(DISTINCT event_id), min(seq), max(seq) FROM studyapp.events "
        "WHERE student = %s",
        (login,),
    ).fetchone()
    assert rows == (10_000, 10_000, 1, 10_000)  # no duplicates, no gaps
    assert desktop.sync(student).pulled == 10_000
    laptop.store.rebuild(POLICY)  # its rows were inserted bare, without their states
    assert laptop.states() == desktop.states() != []


class Cutter(Mapping[str, Any]):
    """A payload that terminates the class's studyapp connections when COPY reads it."""

    def __init__(self, db: ClassDb, payload: dict[str, Any]) -> None:
        self.db, self.payload = db, payload

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def __len__(self) -> int:
        return len(self.payload)

    def __iter__(self) -> Iterator[str]:
        self.db.admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'studyapp' AND pid <> pg_backend_pid()",
            (self.db.name,),
        )
        return iter(self.payload)


def _fields(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in Event.__dataclass_fields__}


def test_a_second_student_sees_none_of_it(
    student: str, class_db: ClassDb, devices: tuple[Device, Device]
) -> None:
    laptop, other = devices
    laptop.answer(CARD, Rating.GOOD, NOW)
    laptop.sync(student)
    done = other.sync(class_db.url(class_db.login("bob")))
    assert (done.pushed, done.pulled) == (0, 0)
    assert other.states() == []


def test_a_newer_server_schema_is_refused_and_nothing_is_written(
    student: str, class_db: ClassDb, devices: tuple[Device, Device]
) -> None:
    laptop, _ = devices
    laptop.answer(CARD, Rating.GOOD, NOW)
    class_db.admin.execute(
        "INSERT INTO studyapp.schema_version (version, name) VALUES (99, '0099_future.sql')"
    )
    with pytest.raises(ServerError, match="newer than this studyapp"):
        laptop.sync(student)
    assert laptop.store.waiting() == 1
    assert sync_module.last_synced(laptop.store) is None
    count = class_db.admin.execute("SELECT count(*) FROM studyapp.events").fetchone()
    assert count == (0,)


def test_class_decks_are_pulled_into_the_data_folder_and_loaded(
    student: str, class_db: ClassDb, devices: tuple[Device, Device]
) -> None:
    laptop, _ = devices
    deck = b"deck: pharm\ncards:\n  - id: dose\n    question: Dose?\n    answer: Ten mg.\n"
    publish(class_db.admin, "pharm", "pharm.yaml", deck)
    assert laptop.sync(student).decks == ["pharm.yaml"]
    folder = laptop.paths.data_dir / "class-decks"
    assert (folder / "pharm.yaml").read_bytes() == deck
    assert laptop.sync(student).decks == []  # unchanged: not written again
    assert folder in load_settings(laptop.paths, env={}).deck_dirs


# -- the command ------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_command_prints_what_moved_and_status_says_what_waits(
    student: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cli"
    (folder).mkdir()
    (folder / "config.toml").write_text(f'[sync]\nurl = "{student}"\n')
    with Store.open(folder / "studyapp.db") as store:
        store.add_alias("pharm", "dose", "10 mg", NOW)
    code, out, err = run(capsys, "sync", "--data-dir", str(folder), "--status")
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [f"class server: {student}", "never synced: 1 answer waiting"]
    code, out, err = run(capsys, "sync", "--data-dir", str(folder))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"synced with {student}",
        "sent 1 events (1 new to the server)",
        "received 0 events from other devices; 0 card states replayed",
    ]
    code, out, err = run(capsys, "sync", "--data-dir", str(folder), "--status")
    assert out.splitlines()[1] == "synced just now"
    assert "events waiting to be sent: 0" in out


def test_a_server_that_is_down_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "s3cret-pass")
    url = f"postgresql://alice:hunter22@127.0.0.1:{_free_port()}/pharm101?connect_timeout=5"
    code, out, err = run(capsys, "sync", "--data-dir", str(tmp_path), "--db", url)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and err.startswith("studyapp: cannot connect to ")
    assert "hunter22" not in err and "s3cret-pass" not in err
    assert "postgresql://alice:****@127.0.0.1" in err and "Traceback" not in err
    code, out, err = run(capsys, "sync", "--data-dir", str(tmp_path), "--db", url, "--status")
    assert code == 0 and "hunter22" not in out and "alice:****@" in out


def test_a_password_in_the_config_file_is_refused_unshown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text(
        '[sync]\nurl = "postgresql://alice:hunter22@127.0.0.1/pharm101"\n'
    )
    code, out, err = run(capsys, "sync", "--data-dir", str(tmp_path), "--status")
    assert code != 0 and "hunter22" not in out + err
    assert "must not hold a password" in err and len(err.splitlines()) == 1


def test_sync_takes_the_data_folders_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One writer per data folder: the command waits for no one and writes nothing
    while the study app (which syncs by itself) holds the folder."""
    from studyapp.app.lock import data_lock

    url = f"postgresql://alice@127.0.0.1:{_free_port()}/pharm101?connect_timeout=5"
    with data_lock(tmp_path):
        code, out, err = run(capsys, "sync", "--data-dir", str(tmp_path), "--db", url)
    assert (code, out) == (1, "")
    assert err.startswith("studyapp: studyapp is already open in another terminal")
    assert len(err.splitlines()) == 1


def test_synced_reviews_carry_what_the_class_report_reads(
    student: str, class_db: ClassDb, tmp_path: Path
) -> None:
    """A device's reviews reach the report's summaries with their topic (from the
    decks), reps and lapses as of each answer, and due: a student who studied is
    in the class report, not a row of blanks."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "pharm.yaml").write_text(
        "deck: pharm\ntitle: Pharm\ncards:\n"
        "  - id: dose\n    topic: dosing\n    question: Adult dose?\n    answer: 5 mg\n",
        encoding="utf-8",
    )
    laptop = Device(tmp_path / "laptop")
    for day, rating in enumerate((Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD)):
        laptop.answer(CARD, rating, NOW + timedelta(days=10 * day))
    undone = laptop.answer(CARD, Rating.AGAIN, NOW + timedelta(days=50))
    laptop.store.undo_review(undone, CARD, laptop.store.card_state(CARD))
    sync(laptop.store, student, Settings(deck_dirs=(decks,)), laptop.paths, NOW)
    row = class_db.admin.execute(
        "SELECT topic, reviews, recalls, passes, lapses, last_due IS NOT NULL"
        " FROM studyapp.stat_prompt WHERE student = %s",
        (class_db.login("alice"),),
    ).fetchone()
    # 4 answers kept (the undone one taken back), 3 of them recalls, 2 passed;
    # the Again came 20 days in, on a card in review: one lapse.
    assert row == ("dosing", 4, 3, 2, 1, True)
    laptop.store.close()
