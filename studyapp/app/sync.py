"""Sync of this device's log with the class server (issue 14): push what the
server has not acknowledged, pull the student's other devices' events, bring
the class's published decks into ``<data dir>/class-decks/``, and read the
class exams open now (``studyapp.app.class_exams``).

Rule: this is the one place where local event rows (``studyapp.store.event_log``)
and the server's :class:`~studyapp.server.events.Event` are mapped to each
other (:func:`to_event`, :func:`from_event`). psycopg is imported only when a
sync runs (the base install has none). The password is never an argument:
libpq reads it from ``~/.pgpass``, ``PGPASSFILE`` or ``PGPASSWORD``. Pushes are
idempotent by event id and the acknowledged cursor moves only after a batch
is committed, so a sync cut anywhere is caught up by the next one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from studyapp.server.events import Event
from studyapp.store.event_log import REVIEW_DETAILS

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store

__all__ = [
    "SyncResult",
    "ago",
    "from_event",
    "last_synced",
    "sync",
    "sync_line",
    "sync_once",
    "target_of",
    "to_event",
]

APPEND_BATCH = 100_000
"""Pulled events appended (and their prompts replayed) in one local transaction, at most."""
NO_PSYCOPG = "the class server needs psycopg: pip install 'studyapp[class]'"
"""Why nothing reaches the class server on an install without the ``class`` extra."""
CLASS_DECKS = "class-decks"
"""The folder of the data folder that holds the class's published decks."""

_REVIEW_PAYLOAD = REVIEW_DETAILS
"""Review columns carried in the payload as they are (``kind`` goes as ``card_kind``)."""
_REPORT_PAYLOAD = ("reps", "lapses", "topic")
"""What a review carries for the class report besides its columns: the prompt's
answers and lapses as of it (counted by the store) and the card's topic (from
the decks); ``due`` is the scheduled due."""


@dataclass(frozen=True)
class SyncResult:
    """What one sync moved."""

    pushed: int
    """This device's events sent."""
    stored: int
    """Of those, the ones the server did not hold yet."""
    pulled: int
    """Events from other devices appended here (not held before)."""
    replayed: int
    """Prompts whose state was recomputed."""
    decks: list[str]
    """Class deck files written (new or changed)."""


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_event(source: str, row: dict[str, Any]) -> Event | None:
    """The event a local row is (``None``: a row that is not one, a parameter
    set fitted but not adopted)."""
    ids: dict[str, Any] = {"event_id": UUID(row["event_id"]), "device_id": UUID(row["device_id"])}
    if source == "review_log":
        payload = {key: row[key] for key in _REVIEW_PAYLOAD if row.get(key) is not None}
        if row["action"] == "review":
            payload |= {"rating": row["rating"], "card_kind": row["kind"]}
            payload |= {key: row[key] for key in _REPORT_PAYLOAD if row.get(key) is not None}
            if row.get("scheduled_due") is not None:
                payload["due"] = row["scheduled_due"]
        return Event(
            **ids,
            kind=row["action"],
            occurred_at=_time(row["reviewed_at"]),
            deck_id=row["deck_id"],
            card_id=row["card_id"],
            sibling=row["sibling"],
            payload=payload,
        )
    if source == "undo_log":
        return Event(
            **ids, kind=row["kind"], occurred_at=_time(row["at"]), refers_to=UUID(row["refers_to"])
        )
    if source == "answer_alias":
        return Event(
            **ids,
            kind="alias",
            occurred_at=_time(row["created_at"]),
            deck_id=row["deck_id"],
            card_id=row["card_id"],
            payload={"alias": row["alias"]},
        )
    if source == "exam":
        payload = {key: row[key] for key in ("started_at", "finished_at", "mode", "score", "total")}
        spec = json.loads(row["spec"])
        payload |= {"spec": spec, "answers": [_exam_answer(a) for a in row["answers"]]}
        if spec.get("class_exam") is not None:  # the server records it as a sitting
            payload["class_exam"] = spec["class_exam"]
        return Event(**ids, kind="exam", occurred_at=_time(row["finished_at"]), payload=payload)
    if source == "exam_plan":
        payload = {"exam_date": row["exam_date"], "topics": json.loads(row["topics"])}
        return Event(
            **ids,
            kind="plan",
            occurred_at=_time(row["created_at"]),
            deck_id=row["deck_id"],
            payload=payload | {"target": row["target"]},
        )
    if source == "fsrs_parameters" and row["adopted"]:
        parameters = None if row["parameters"] is None else json.loads(row["parameters"])
        return Event(
            **ids,
            kind="parameters",
            occurred_at=_time(row["created_at"]),
            payload={"parameters": parameters, "metrics": json.loads(row["metrics"])},
        )
    return None


def from_event(event: Event) -> tuple[str, dict[str, Any]]:
    """The local ``(source, row)`` an event pulled from the server is stored as."""
    row: dict[str, Any] = {"event_id": str(event.event_id), "device_id": str(event.device_id)}
    at = _iso(event.occurred_at)
    payload = dict(event.payload)
    prompt = {"deck_id": event.deck_id, "card_id": event.card_id, "sibling": event.sibling}
    if event.kind in ("review", "suspend", "unsuspend"):
        row |= prompt | {key: payload.get(key) for key in _REVIEW_PAYLOAD}
        row |= {"action": event.kind, "reviewed_at": at, "rating": payload.get("rating")}
        return "review_log", row | {"kind": payload.get("card_kind")}
    if event.kind in ("undo", "plan_remove"):
        return "undo_log", row | {"kind": event.kind, "at": at, "refers_to": str(event.refers_to)}
    if event.kind == "alias":
        return "answer_alias", row | prompt | {"alias": payload["alias"], "created_at": at}
    if event.kind == "exam":
        row |= {key: payload.get(key) for key in ("started_at", "finished_at", "mode", "score")}
        answers = [_local_answer(answer) for answer in payload["answers"]]
        row |= {"total": payload.get("total"), "answers": answers}
        return "exam", row | {"spec": json.dumps(payload.get("spec", {}), sort_keys=True)}
    if event.kind == "plan":
        row |= {"deck_id": event.deck_id, "exam_date": payload["exam_date"], "created_at": at}
        row |= {"topics": json.dumps(payload.get("topics", [])), "target": payload.get("target")}
        return "exam_plan", row
    if event.kind == "parameters":
        parameters = payload["parameters"]
        row |= {"parameters": None if parameters is None else json.dumps(parameters)}
        row |= {"metrics": json.dumps(payload.get("metrics", {}), sort_keys=True)}
        return "fsrs_parameters", row | {"created_at": at}
    raise ValueError(f"event {event.event_id}: unknown kind {event.kind!r}")


def _exam_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A local exam answer as an event carries it: the prompt as ``deck``, ``card``,
    ``sibling`` (what the server matches a class exam's questions by)."""
    sent = {key: value for key, value in answer.items() if key not in ("deck_id", "card_id")}
    return {"deck": answer["deck_id"], "card": answer["card_id"]} | sent


def _local_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """An event's exam answer as the local store keeps it (``deck_id``, ``card_id``;
    exam events pushed by earlier versions carried those names: read either)."""
    local = {key: value for key, value in answer.items() if key not in ("deck", "card")}
    deck, card = (
        answer.get("deck", answer.get("deck_id")),
        answer.get("card", answer.get("card_id")),
    )
    return local | {"deck_id": deck, "card_id": card}


def target_of(url: str) -> str:
    """Which class log a URL reaches (user, host, port, database; no password):
    the cursors belong to it, and start over when the URL names another."""
    from studyapp.server.connection import parse

    params = parse(url)
    user = params.get("user") or os.environ.get("PGUSER", "")
    host = params.get("host") or os.environ.get("PGHOST", "")
    port = params.get("port") or os.environ.get("PGPORT", "5432")
    return f"{user}@{host}:{port}/{params.get('dbname', '')}"


def last_synced(store: Store) -> datetime | None:
    """When this device last completed a sync (``None``: never)."""
    text = store.meta("last_sync")
    return None if text is None else _time(text)


def sync(store: Store, url: str, settings: Settings, paths: Paths, now: datetime) -> SyncResult:
    """Push, pull, bring the class decks and read the open class exams (and this
    student's sittings), as one sync at ``now``; a
    :class:`~studyapp.server.ServerError` (one line, no password) if the server
    cannot be reached or used. Nothing local is lost in any case."""
    from studyapp.app.class_exams import fetch_exams
    from studyapp.server.migrate import open_class

    target = target_of(url)
    if store.meta("sync_target") != target:
        # Another class log: everything is pushed there, and read from its start.
        for key, value in (("pushed_through", "0"), ("pull_cursor", "0")):
            store.set_meta(key, value)
        store.set_meta("sync_target", target)
    with open_class(url) as conn:
        pushed, stored = _push(conn, store, card_topics(paths, settings))
        pulled, replayed = _pull(conn, store, settings)
        decks = _class_decks(conn, paths.data_dir / CLASS_DECKS)
        fetch_exams(conn, store, now)
    store.set_meta("last_sync", _iso(now))
    return SyncResult(pushed, stored, pulled, replayed, decks)


def card_topics(paths: Paths, settings: Settings) -> dict[tuple[str, str], str]:
    """(deck id, card id) -> topic over the decks this device loads (a review
    of a card no longer in any deck goes without one)."""
    from studyapp.app.services import load_decks

    library = load_decks(paths, settings)
    return {(deck.id, card.id): card.topic for deck in library.decks for card in deck.cards}


def _push(conn: Any, store: Store, topics: Mapping[tuple[str, str], str]) -> tuple[int, int]:
    from studyapp.server.sync import push

    numbered: dict[UUID, int] = {}
    events: list[Event] = []
    top = store.last_local_event()  # rows since removed (a plan) or no event are passed too
    for n, source, row in store.unpushed():
        if source == "review_log":
            row["topic"] = topics.get((row["deck_id"], row["card_id"]))
        event = to_event(source, row)
        if event is not None:
            numbered[event.event_id] = n
            events.append(event)

    def acknowledged(batch: Sequence[Event]) -> None:
        store.acknowledge(max(numbered[event.event_id] for event in batch))

    stored = push(conn, events, acknowledged=acknowledged)
    store.acknowledge(top)
    return len(events), stored


def _pull(conn: Any, store: Store, settings: Settings) -> tuple[int, int]:
    from studyapp.app.services import policy_for
    from studyapp.server.sync import pull

    def policy() -> tuple[Policy, datetime | None]:
        return policy_for(store, settings), store.adopted_parameters().since

    device = UUID(store.device_id)
    cursor = int(store.meta("pull_cursor") or 0)
    pulled = replayed = 0
    more = True
    while more:
        # Pages are appended together, up to APPEND_BATCH events: each prompt
        # they touch is replayed once per transaction, not once per page.
        rows: list[tuple[str, dict[str, Any]]] = []
        while more and len(rows) < APPEND_BATCH:
            page = pull(conn, device, cursor)
            rows += [from_event(event) for event in page.events]
            cursor, more = page.cursor, page.more
        done = store.append_events(rows, policy, {"pull_cursor": str(cursor)})
        pulled += done.new
        replayed += done.replayed
    return pulled, replayed


def _class_decks(conn: Any, folder: Path) -> list[str]:
    """Write the newest version of every published deck into ``folder``; the
    names of the files that were new or changed."""
    from studyapp.server.decks import latest

    written: list[str] = []
    for deck in latest(conn):
        name = Path(deck.file_name).name
        if not name or name.startswith(".") or Path(name).suffix not in (".yaml", ".yml"):
            name = f"{deck.deck_id}.yaml"
        path = folder / name
        if path.is_file() and path.read_bytes() == deck.content:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.partial")
        partial.write_bytes(deck.content)
        partial.replace(path)
        written.append(name)
    return written


def ago(then: datetime, now: datetime) -> str:
    """``then`` as a distance from ``now``: "just now", "2 min ago", "3 h ago", "4 days ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, " days"), (3600, " h"), (60, " min")):
        if seconds >= size:
            count = seconds // size
            return f"{count}{unit[:-1] if count == 1 and unit == ' days' else unit} ago"
    return "just now"  # pragma: no cover (every case returns above)


def sync_line(store: Store, now: datetime, offline: bool = False) -> str:
    """One line for the home screen and ``sync --status``: "synced 2 min ago",
    "offline: 14 answers waiting", "never synced: 3 answers waiting"."""
    waiting = store.waiting()
    last = last_synced(store)
    plural = "s" * (waiting != 1)
    if offline:
        return f"offline: {waiting} answer{plural} waiting"
    if last is None:
        return f"never synced: {waiting} answer{plural} waiting"
    line = f"synced {ago(last, now)}"
    return line if waiting == 0 else f"{line}, {waiting} answer{plural} waiting"


def sync_once(paths: Paths, settings: Settings, url: str, now: datetime) -> str | None:
    """One sync on a connection of its own to the database (for a worker
    thread: the study app's connection is never shared); ``None``, or the one
    line saying why it did not happen (nothing local is lost either way)."""
    from importlib.util import find_spec

    if find_spec("psycopg") is None:
        return NO_PSYCOPG
    from studyapp.server import ServerError
    from studyapp.store import Store

    try:
        with Store.open(paths.database) as store:
            sync(store, url, settings, paths, now)
    except ServerError as exc:
        return str(exc)
    return None
