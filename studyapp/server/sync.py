"""The sync protocol: a device pushes its events and pulls the others'.

Rule: a student's log on the server is the union of their devices' logs.
:func:`push` is idempotent by event id (an event already stored is skipped,
so a retry after a failure is always safe) and each batch is one transaction:
COPY into a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT DO
NOTHING``. The server numbers a batch's events on from the student's highest
``seq`` while holding a per-student advisory lock until commit, so a student's
events become visible in ``seq`` order and :func:`pull` after a cursor never
skips an event committed later. The student is always the
connected role: row-level security refuses any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from studyapp.server.connection import Connection, server_errors
from studyapp.server.events import Event

__all__ = ["PUSH_BATCH", "Pulled", "Status", "event_row", "pull", "push", "status"]

PUSH_BATCH = 10_000
"""Events per push transaction: a failure loses at most one batch's work."""
PULL_LIMIT = 10_000
LOCK_STUDENT = 0x5354
"""First key of the per-student advisory lock (the second: a hash of the login)."""

_INCOMING = sql.Identifier("pg_temp", "studyapp_incoming")
_CREATE_INCOMING = sql.SQL(
    "CREATE TEMP TABLE IF NOT EXISTS {} (n integer, event_id uuid, device_id uuid, kind text,"
    " occurred_at timestamptz, deck_id text, card_id text, sibling text, refers_to uuid,"
    " payload jsonb) ON COMMIT DELETE ROWS"
).format(_INCOMING)
_COPY = sql.SQL(
    "COPY {} (n, event_id, device_id, kind, occurred_at, deck_id, card_id, sibling,"
    " refers_to, payload) FROM STDIN (FORMAT BINARY)"
).format(_INCOMING)
_COPY_TYPES = [
    "int4",
    "uuid",
    "uuid",
    "text",
    "timestamptz",
    "text",
    "text",
    "text",
    "uuid",
    "jsonb",
]
_OPEN = sql.SQL("BEGIN; {}").format(_CREATE_INCOMING)
# One round trip ends a batch: the lock, the INSERT, the commit. Sent in one
# simple-protocol string, each statement still takes its own snapshot, so the
# INSERT sees every push of this student committed before the lock was ours.
_CLOSE = """
    SELECT pg_advisory_xact_lock({lock}, hashtext(current_user));
    {insert};
    COMMIT
"""
# The events, numbered on from the student's highest seq in the order the
# device sent them; ON CONFLICT skips those already stored (or repeated in the
# batch), checking the primary key (student, event_id) for each. A skipped
# event leaves its number unused: seqs only ever grow. A seq taken twice
# (were the lock bypassed) fails the batch rather than dropping an event.
_INSERT = """
    INSERT INTO studyapp.events (student, event_id, device_id, seq, kind, occurred_at,
                                 deck_id, card_id, sibling, refers_to, payload)
    SELECT {student}, event_id, device_id,
           coalesce((SELECT seq FROM studyapp.events WHERE student = {student}
                     ORDER BY seq DESC LIMIT 1), 0) + row_number() OVER (ORDER BY n),
           kind, occurred_at, deck_id, card_id, sibling, refers_to, payload
    FROM {incoming}
    ORDER BY n
    ON CONFLICT (student, event_id) DO NOTHING
"""
_COLUMNS = (
    "event_id, device_id, kind, occurred_at, deck_id, card_id, sibling, refers_to, payload,"
    " student, seq, received_at"
)


@dataclass(frozen=True)
class Pulled:
    """One page of a pull: the events, and the cursor to pull after next time.

    ``cursor`` may be beyond the last event returned (the device's own events
    are skipped, not sent back); ``more`` says another page is waiting.
    """

    events: list[Event]
    cursor: int
    more: bool


@dataclass(frozen=True)
class Status:
    """What the server holds for the connected student."""

    student: str
    events: int
    """All of the student's events."""
    from_device: int
    """Those pushed by the device asking."""
    last_received_at: datetime | None
    """When the server last stored an event from the device asking."""


def _batches(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    iterator = iter(events)
    while batch := list(islice(iterator, size)):
        yield batch


def push(
    conn: Connection,
    events: Iterable[Event],
    *,
    batch_size: int = PUSH_BATCH,
    acknowledged: Callable[[Sequence[Event]], None] | None = None,
) -> int:
    """Store the connected student's ``events``; return how many were new.

    Each batch of ``batch_size`` is committed on its own, and then passed to
    ``acknowledged`` (the device may mark it sent). Raises
    :class:`~studyapp.server.events.EventError` for an event the server would
    refuse (before sending its batch), :class:`~studyapp.server.ServerError`
    for the rest; the batches acknowledged before a failure stay stored.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise ValueError("push commits its own transactions: call it outside of one")
    new = 0
    for batch in _batches(events, batch_size):
        for event in batch:
            event.check()
        with server_errors("pushing events"):
            new += _push_batch(conn, batch)
        if acknowledged is not None:
            acknowledged(batch)
    return new


def _push_batch(conn: Connection, batch: Sequence[Event]) -> int:
    """One batch in one transaction, in three round trips: open (and create the
    temporary table), COPY, close (lock, insert, commit)."""
    # The student is the login; row-level security refuses any other name.
    close = sql.SQL(_CLOSE).format(
        lock=LOCK_STUDENT,
        insert=sql.SQL(_INSERT).format(student=conn.info.user, incoming=_INCOMING),
    )
    with conn.cursor() as cur:
        try:
            cur.execute(_OPEN)
            with cur.copy(_COPY) as copy:
                copy.set_types(_COPY_TYPES)
                for n, event in enumerate(batch):
                    copy.write_row((n, *event_row(event)))
            cur.execute(close)
            cur.nextset()  # the INSERT's result
            return cur.rowcount
        except BaseException:
            # A batch that failed while the connection lives is rolled back here
            # (the string stops at the failing statement); the error is raised
            # in any case, so a failing ROLLBACK has nothing to add to it.
            if conn.info.transaction_status in (
                TransactionStatus.INERROR,
                TransactionStatus.INTRANS,
            ):
                with suppress(psycopg.Error):
                    conn.execute("ROLLBACK")
            raise


def event_row(e: Event) -> tuple[object, ...]:
    """An event's columns as COPY sends them: event_id, device_id, kind,
    occurred_at, deck_id, card_id, sibling, refers_to, payload."""
    payload = Jsonb(dict(e.payload))
    return (
        e.event_id,
        e.device_id,
        e.kind,
        e.occurred_at,
        e.deck_id,
        e.card_id,
        e.sibling,
        e.refers_to,
        payload,
    )


def pull(
    conn: Connection, device_id: UUID | None, after_seq: int, limit: int = PULL_LIMIT
) -> Pulled:
    """The connected student's events after ``after_seq``, in seq order, at most
    ``limit``, except those pushed by ``device_id`` (``None``: all of them, e.g.
    to restore a device)."""
    skip = device_id or UUID(int=0)
    with server_errors("pulling events"), conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        student = _student(conn)
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM studyapp.events"
            " WHERE student = %s AND seq > %s AND device_id <> %s ORDER BY seq LIMIT %s",
            (student, after_seq, skip, limit),
        ).fetchall()
        events = [Event(*row) for row in rows]
        if len(events) == limit:
            return Pulled(events, events[-1].seq or after_seq, True)
        # Everything after the cursor was read in this snapshot (own events
        # skipped), and later commits get higher seqs: move to the highest.
        top = conn.execute(
            "SELECT seq FROM studyapp.events WHERE student = %s ORDER BY seq DESC LIMIT 1",
            (student,),
        ).fetchone()
    return Pulled(events, max(after_seq, top[0] if top else 0), False)


def status(conn: Connection, device_id: UUID) -> Status:
    """How many events the server holds for the connected student, and from this device."""
    with server_errors("reading the sync status"), conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        student = _student(conn)
        row = conn.execute(
            "SELECT count(*),"
            " count(*) FILTER (WHERE device_id = %(device)s),"
            " max(received_at) FILTER (WHERE device_id = %(device)s)"
            " FROM studyapp.events WHERE student = %(student)s",
            {"student": student, "device": device_id},
        ).fetchone()
    assert row is not None
    return Status(student, int(row[0]), int(row[1]), row[2])


def _student(conn: Connection) -> str:
    """The connected student."""
    row = conn.execute("SELECT current_user::text").fetchone()
    assert row is not None
    return str(row[0])
