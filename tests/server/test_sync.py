"""The sync protocol against a real server: push (idempotent, batched), pull
(cursors, own events skipped), status, and the faults: concurrent pushes of
one student's devices, a connection killed mid-push, a server that is down,
and devices whose clocks disagree."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg import sql

from studyapp.server import ServerError
from studyapp.server.connection import connect
from studyapp.server.events import Event, EventError
from studyapp.server.sync import Pulled, pull, push, status
from tests.pgserver import _free_port
from tests.server.conftest import ClassDb

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def reviews(device: UUID, count: int, start: datetime = NOW) -> list[Event]:
    return [
        Event(
            uuid4(),
            device,
            "review",
            start + timedelta(seconds=i),
            "pharm",
            f"card{i}",
            "main",
            payload={"rating": 1 + i % 4, "duration_ms": 1000 + i},
        )
        for i in range(count)
    ]


def pull_all(conn: Any, device: UUID | None, cursor: int = 0, limit: int = 10_000) -> Pulled:
    """Every page after ``cursor``: the events, and the final cursor."""
    events: list[Event] = []
    while True:
        page = pull(conn, device, cursor, limit)
        events += page.events
        cursor = page.cursor
        if not page.more:
            return Pulled(events, cursor, False)


def server_rows(db: ClassDb, student: str) -> list[tuple[UUID, int]]:
    return db.admin.execute(
        "SELECT event_id, seq FROM studyapp.events WHERE student = %s ORDER BY seq", (student,)
    ).fetchall()


@pytest.fixture
def alice(class_db: ClassDb) -> str:
    (login,) = class_db.enroll("alice")
    return login


def test_a_push_stores_new_events_once_in_the_order_sent(class_db: ClassDb, alice: str) -> None:
    device = uuid4()
    events = reviews(device, 5)
    with class_db.connect_as(alice) as conn:
        assert push(conn, events) == 5
        assert push(conn, events) == 0  # idempotent
        assert push(conn, [events[2], *reviews(device, 1), events[2]]) == 1
        pulled = pull(conn, None, 0)
    assert [e.event_id for e in pulled.events[:5]] == [e.event_id for e in events]
    # An event skipped leaves its number unused: the third push numbered its
    # events 6, 7, 8, and only 7 was new.
    assert [e.seq for e in pulled.events] == [1, 2, 3, 4, 5, 7]
    first = pulled.events[0]
    assert (first.student, first.kind, first.deck_id, first.card_id, first.sibling) == (
        alice,
        "review",
        "pharm",
        "card0",
        "main",
    )
    assert dict(first.payload) == {"rating": 1, "duration_ms": 1000}
    assert first.occurred_at == NOW and first.received_at is not None


def test_every_kind_round_trips(class_db: ClassDb, alice: str) -> None:
    device = uuid4()
    answer = uuid4()
    plan = uuid4()
    prompt = {"deck_id": "pharm", "card_id": "c1", "sibling": "main"}
    events = [
        Event(answer, device, "review", NOW, **prompt, payload={"rating": 1, "picked": "B"}),
        Event(uuid4(), device, "undo", NOW, **prompt, refers_to=answer),
        Event(uuid4(), device, "suspend", NOW, **prompt),
        Event(uuid4(), device, "unsuspend", NOW, **prompt),
        Event(uuid4(), device, "alias", NOW, "pharm", "c1", payload={"alias": "tuftsin"}),
        Event(uuid4(), device, "exam", NOW, payload={"answers": [], "score": 0, "total": 0}),
        Event(plan, device, "plan", NOW, "pharm", payload={"exam_date": "2026-12-20"}),
        Event(uuid4(), device, "plan_remove", NOW, "pharm", refers_to=plan),
        Event(uuid4(), device, "parameters", NOW, payload={"parameters": None}),
    ]
    with class_db.connect_as(alice) as conn:
        assert push(conn, events) == len(events)
        pulled = pull(conn, None, 0).events
    keep = ("event_id", "kind", "deck_id", "card_id", "sibling", "refers_to")
    assert [[getattr(e, k) for k in keep] for e in pulled] == [
        [getattr(e, k) for k in keep] for e in events
    ]
    assert [dict(e.payload) for e in pulled] == [dict(e.payload) for e in events]


def test_a_push_inside_a_transaction_is_refused(class_db: ClassDb, alice: str) -> None:
    with (
        class_db.connect_as(alice) as conn,
        conn.transaction(),
        pytest.raises(ValueError, match="push commits its own transactions"),
    ):
        push(conn, reviews(uuid4(), 1))


def test_batches_are_committed_and_acknowledged_one_by_one(class_db: ClassDb, alice: str) -> None:
    acknowledged: list[int] = []
    with class_db.connect_as(alice) as conn:
        new = push(
            conn,
            reviews(uuid4(), 10),
            batch_size=4,
            acknowledged=lambda b: acknowledged.append(len(b)),
        )
    assert (new, acknowledged) == (10, [4, 4, 2])
    assert [seq for _, seq in server_rows(class_db, alice)] == list(range(1, 11))


def test_an_event_the_server_would_refuse_stops_the_push_before_its_batch(
    class_db: ClassDb, alice: str
) -> None:
    good = reviews(uuid4(), 3)
    bad = Event(uuid4(), uuid4(), "review", NOW, "pharm", "c", "main", payload={"rating": 5})
    with class_db.connect_as(alice) as conn:
        with pytest.raises(EventError, match=r"\(review\): payload.rating must be 1, 2, 3 or 4"):
            push(conn, [*good, bad], batch_size=3)
        assert status(conn, uuid4()).events == 3  # the batch before it was stored


def test_a_pull_skips_the_devices_own_events_and_moves_past_them(
    class_db: ClassDb, alice: str
) -> None:
    laptop, desktop = uuid4(), uuid4()
    with class_db.connect_as(alice) as conn:
        push(conn, reviews(laptop, 3))
        push(conn, reviews(desktop, 2))
        push(conn, reviews(laptop, 4))
        from_desktop = pull(conn, laptop, 0)
        assert [e.device_id for e in from_desktop.events] == [desktop, desktop]
        assert (from_desktop.cursor, from_desktop.more) == (9, False)
        assert pull(conn, laptop, from_desktop.cursor) == Pulled([], 9, False)
        # The cursor moves past a run of the device's own events, so they are not read again.
        push(conn, reviews(laptop, 2))
        assert pull(conn, laptop, 9) == Pulled([], 11, False)
        # Without a device (restoring one), everything comes back.
        assert len(pull(conn, None, 0).events) == 11


def test_a_pull_pages_by_limit(class_db: ClassDb, alice: str) -> None:
    with class_db.connect_as(alice) as conn:
        push(conn, reviews(uuid4(), 7))
        first = pull(conn, uuid4(), 0, limit=3)
        assert ([e.seq for e in first.events], first.cursor, first.more) == ([1, 2, 3], 3, True)
        rest = pull_all(conn, uuid4(), first.cursor, limit=3)
        assert [e.seq for e in rest.events] == [4, 5, 6, 7]


def test_status_counts_the_students_and_the_devices_events(class_db: ClassDb, alice: str) -> None:
    laptop, desktop = uuid4(), uuid4()
    with class_db.connect_as(alice) as conn:
        assert status(conn, laptop).events == 0
        push(conn, reviews(laptop, 3))
        push(conn, reviews(desktop, 2))
        now = status(conn, laptop)
    assert (now.student, now.events, now.from_device) == (alice, 5, 3)
    assert now.last_received_at is not None


def test_a_second_device_waits_for_the_first_and_no_pull_skips_an_event(
    class_db: ClassDb, alice: str
) -> None:
    """Deterministic: device A is in the middle of a push (it holds the
    student's lock and has inserted, not committed). Device B's push waits
    for A's commit, then numbers its events after A's; a pull made while A
    was open saw neither, and its cursor misses nothing afterwards."""
    from studyapp.server.sync import LOCK_STUDENT

    laptop, desktop = uuid4(), uuid4()
    b_events = reviews(desktop, 2)
    with (
        class_db.connect_as(alice) as a,
        class_db.connect_as(alice) as b,
        class_db.connect_as(alice) as reader,
    ):
        pushed_b: list[int] = []
        thread = threading.Thread(target=lambda: pushed_b.append(push(b, b_events)))
        with a.transaction():  # what a push does between its lock and its commit
            a.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_user))", (LOCK_STUDENT,))
            a_ids = [uuid4() for _ in range(3)]
            for seq, event_id in enumerate(a_ids, start=1):
                a.execute(
                    "INSERT INTO studyapp.events (student, event_id, device_id, seq, kind,"
                    " occurred_at, deck_id, card_id, sibling, payload) VALUES"
                    " (%s, %s, %s, %s, 'review', now(), 'pharm', 'c', 'main', '{\"rating\": 3}')",
                    (alice, event_id, laptop, seq),
                )
            thread.start()
            assert wait_for_lock(reader, b.info.backend_pid), "B did not wait for A's lock"
            seen = pull(reader, None, 0)
            assert seen == Pulled([], 0, False)
        thread.join(30)
        assert pushed_b == [2]
        after = pull(reader, None, seen.cursor)
    assert [e.event_id for e in after.events] == [*a_ids, *(e.event_id for e in b_events)]
    assert [e.seq for e in after.events] == [1, 2, 3, 4, 5]


def wait_for_lock(conn: Any, pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = conn.execute(
            "SELECT wait_event FROM pg_stat_activity WHERE pid = %s", (pid,)
        ).fetchone()
        if row and row[0] == "advisory":
            return True
        time.sleep(0.02)
    return False


def test_two_devices_pushing_at_once_while_a_third_pulls(class_db: ClassDb, alice: str) -> None:
    """Two devices push 40 batches each at the same time while another pulls
    after its cursor in a loop: it receives every event exactly once (and, no
    event being sent twice, the server's seqs are 1..n)."""
    sent: dict[UUID, list[UUID]] = {}
    errors: list[BaseException] = []

    def device(seed: int) -> None:
        device_id = UUID(int=seed)
        sent[device_id] = []
        try:
            with class_db.connect_as(alice) as conn:
                for round_ in range(40):
                    batch = reviews(device_id, 10, NOW + timedelta(minutes=round_))
                    push(conn, batch)
                    sent[device_id] += [e.event_id for e in batch]
        except BaseException as exc:  # reported below
            errors.append(exc)

    received: list[Event] = []
    pushers = [threading.Thread(target=device, args=(n,)) for n in (1, 2)]
    with class_db.connect_as(alice) as reader:
        cursor = 0
        for thread in pushers:
            thread.start()
        while any(thread.is_alive() for thread in pushers):
            page = pull(reader, None, cursor, limit=25)
            received += page.events
            cursor = page.cursor
        received += pull_all(reader, None, cursor).events
    assert errors == []
    ids = [e.event_id for e in received]
    assert len(ids) == len(set(ids)) == 800
    assert set(ids) == {i for events in sent.values() for i in events}
    assert [seq for _, seq in server_rows(class_db, alice)] == list(range(1, 801))


class Terminating(Mapping[str, Any]):
    """A payload that, when the push reads it, kills the push's connection from
    another one (as an administrator's pg_terminate_backend would)."""

    def __init__(self, admin: Any, pid: int, payload: dict[str, Any]) -> None:
        self.admin, self.pid, self.payload = admin, pid, payload

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def __iter__(self) -> Iterator[str]:
        self.admin.execute("SELECT pg_terminate_backend(%s, 5000)", (self.pid,))
        return iter(self.payload)

    def __len__(self) -> int:
        return len(self.payload)


@pytest.mark.parametrize("batch_size", [2_000, 10_000])
def test_a_connection_killed_mid_push_loses_nothing_and_the_retry_completes(
    class_db: ClassDb, alice: str, batch_size: int
) -> None:
    events = reviews(uuid4(), 10_000)
    acknowledged: list[int] = []
    with class_db.connect_as(alice) as conn:
        victim = events[5_000]
        killer = Terminating(class_db.admin, conn.info.backend_pid, dict(victim.payload))
        events[5_000] = Event(**{**_fields(victim), "payload": killer})
        with pytest.raises(ServerError) as raised:
            push(
                conn,
                events,
                batch_size=batch_size,
                acknowledged=lambda batch: acknowledged.append(len(batch)),
            )
    assert raised.value.args[0].startswith(
        "pushing events: the connection to the class server was lost ("
    )
    kept = 5_000 // batch_size * batch_size
    assert sum(acknowledged) == kept
    assert [seq for _, seq in server_rows(class_db, alice)] == list(range(1, kept + 1))
    events[5_000] = victim
    with class_db.connect_as(alice) as conn:
        assert push(conn, events) == 10_000 - kept
    rows = server_rows(class_db, alice)
    # Every event once, in the order sent (the retry's skipped events left
    # their numbers unused).
    assert [event_id for event_id, _ in rows] == [e.event_id for e in events]


def _fields(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in Event.__dataclass_fields__}


def test_a_server_that_is_down_is_one_clear_line() -> None:
    port = _free_port()
    with pytest.raises(ServerError) as raised:
        connect(f"postgresql://alice:hunter22@127.0.0.1:{port}/pharm101?connect_timeout=5")
    message = str(raised.value)
    assert "\n" not in message and "hunter22" not in message
    assert message.startswith(f"cannot connect to postgresql://alice:****@127.0.0.1:{port}/")
    assert "Connection refused" in message


def test_a_server_that_cannot_be_found_is_one_clear_line() -> None:
    with pytest.raises(ServerError) as raised:
        connect("postgresql://alice@no-such-host.invalid/pharm101?connect_timeout=5")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("cannot connect to postgresql://alice@no-such-host.invalid")


def test_a_connection_lost_between_syncs_is_one_clear_line(class_db: ClassDb, alice: str) -> None:
    with class_db.connect_as(alice) as conn:
        class_db.admin.execute("SELECT pg_terminate_backend(%s, 5000)", (conn.info.backend_pid,))
        with pytest.raises(ServerError) as raised:
            pull(conn, None, 0)
    assert str(raised.value).startswith("pulling events: the connection to the class server was")
    assert "\n" not in str(raised.value)


def test_a_device_whose_clock_is_behind_is_never_skipped(class_db: ClassDb, alice: str) -> None:
    """Cursors are the server's seq, not the devices' clocks: events stamped
    minutes before those already pulled still arrive, with their own times;
    received_at is the server's clock."""
    laptop, phone = uuid4(), uuid4()
    with class_db.connect_as(alice) as conn:
        push(conn, reviews(laptop, 2, NOW))
        seen = pull(conn, phone, 0)
        behind = reviews(phone, 2, NOW - timedelta(minutes=7))
        push(conn, behind)
        ahead = reviews(uuid4(), 1, NOW + timedelta(minutes=5))
        push(conn, ahead)
        later = pull(conn, laptop, seen.cursor)
        server_now = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    assert [e.event_id for e in later.events] == [e.event_id for e in behind + ahead]
    assert [e.occurred_at for e in later.events] == [e.occurred_at for e in behind + ahead]
    assert all(abs(e.received_at - server_now) < timedelta(minutes=1) for e in later.events)  # type: ignore[operator]


def test_a_push_after_the_server_restarted_the_session_retries_cleanly(
    class_db: ClassDb, alice: str
) -> None:
    """A connection object that died is not reused: a new one pushes what the
    old one could not, and nothing is doubled."""
    events = reviews(uuid4(), 20)
    conn = class_db.connect_as(alice)
    push(conn, events[:10])
    class_db.admin.execute("SELECT pg_terminate_backend(%s, 5000)", (conn.info.backend_pid,))
    with pytest.raises(ServerError):
        push(conn, events)
    assert conn.closed or conn.broken
    conn.close()
    with class_db.connect_as(alice) as again:
        assert push(again, events) == 10
    assert len(server_rows(class_db, alice)) == 20


def _scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scan of an events partition in a plan (EXPLAIN FORMAT JSON)."""
    found = []
    if str(plan.get("Relation Name", "")).startswith("events_p"):
        found.append(plan)
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


def test_a_push_reads_the_students_events_once_per_batch(class_db: ClassDb, alice: str) -> None:
    """Regression: a duplicate check written as a lookup per incoming event
    was planned, for a student the statistics had not seen (a first sync),
    through the (student, seq) index, reading all of the student's events for
    each incoming one: a first sync of 100,000 events took minutes. Now the
    primary key checks duplicates (ON CONFLICT), and the only read of the
    student's events is their highest seq, taken once per batch: one backward
    index step when the statistics know the student, one bitmap scan of their
    events when they do not (the planner picks either for a student it has
    never seen, depending on the partition the login hashes to)."""
    from studyapp.server import sync

    class_db.admin.execute(
        "INSERT INTO studyapp.events (student, event_id, device_id, seq, kind, occurred_at,"
        " deck_id, card_id, sibling, payload)"
        " SELECT 'other' || (n % 50), gen_random_uuid(), gen_random_uuid(), n, 'review', now(),"
        " 'pharm', 'c', 'main', '{\"rating\": 3}' FROM generate_series(1, 20000) AS n"
    )
    class_db.admin.execute("ANALYZE studyapp.events")
    with class_db.connect_as(alice) as conn:
        push(conn, reviews(uuid4(), 500))  # alice has events the statistics do not know
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(sync._CREATE_INCOMING)
            incoming = sql.SQL(
                "INSERT INTO {} (n, event_id, device_id, kind, occurred_at, deck_id, card_id,"
                " sibling, payload) SELECT n, gen_random_uuid(), gen_random_uuid(), 'review',"
                " now(), 'pharm', 'c', 'main', '{{\"rating\": 3}}'"
                " FROM generate_series(1, 200) AS n"
            )
            cur.execute(incoming.format(sync._INCOMING))
            insert = sql.SQL(sync._INSERT).format(student=alice, incoming=sync._INCOMING)
            explain = sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) {}").format(insert)
            (plan,) = cur.execute(explain).fetchone()  # type: ignore[misc]
            raise psycopg.Rollback()
    scans = _scans(plan[0]["Plan"])
    assert len(scans) == 1, scans
    (scan,) = scans
    assert scan["Actual Loops"] == 1, scan  # once per batch, not once per incoming event
    if scan["Node Type"] == "Index Only Scan":
        assert (
            scan["Index Name"].endswith("student_seq_idx") and scan["Scan Direction"] == "Backward"
        )
        assert scan["Actual Rows"] == 1, scan
    else:
        assert scan["Node Type"] == "Bitmap Heap Scan", scan
        assert scan["Actual Rows"] == 500, scan  # alice's events, none of the others'
    assert plan[0]["Plan"]["Conflict Arbiter Indexes"] == ["events_pkey"]
