"""The event rules, checked twice: :meth:`Event.check` on the device, and the
server's CHECK constraints, which refuse the same events from a client that
skips the check."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from psycopg import errors
from psycopg.types.json import Jsonb

from studyapp.server.events import KINDS, Event, EventError
from tests.server.conftest import ClassDb

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[2] / "docs" / "class-server.md"
PROMPT = {"deck_id": "pharm", "card_id": "c1", "sibling": "main"}


def event(kind: str, **fields: object) -> Event:
    return Event(uuid4(), uuid4(), kind, NOW, **fields)  # type: ignore[arg-type]


REFUSED = {
    "unknown kind": event("edit", **PROMPT),
    "review without a sibling": event(
        "review", deck_id="pharm", card_id="c1", payload={"rating": 3}
    ),
    "review without a rating": event("review", **PROMPT),
    "review rated 0": event("review", **PROMPT, payload={"rating": 0}),
    "review rated 5": event("review", **PROMPT, payload={"rating": 5}),
    "review rated 'good'": event("review", **PROMPT, payload={"rating": "good"}),
    "suspend without a card": event("suspend", deck_id="pharm", sibling="main"),
    "undo naming nothing": event("undo", **PROMPT),
    "review naming an event": event("review", **PROMPT, refers_to=uuid4(), payload={"rating": 3}),
    "alias without text": event("alias", deck_id="pharm", card_id="c1", payload={"alias": 3}),
    "plan without a date": event("plan", deck_id="pharm"),
    "plan_remove naming nothing": event("plan_remove", deck_id="pharm"),
    "exam without answers": event("exam", payload={"score": 1}),
    "parameters without parameters": event("parameters"),
    "a card id too long": event("suspend", **{**PROMPT, "card_id": "c" * 201}),
}


@pytest.mark.parametrize("bad", REFUSED.values(), ids=REFUSED.keys())
def test_the_device_and_the_server_refuse_the_same_events(class_db: ClassDb, bad: Event) -> None:
    with pytest.raises(EventError, match=rf"^event {bad.event_id} \({bad.kind}\): "):
        bad.check()
    with pytest.raises(errors.CheckViolation):
        class_db.admin.execute(
            "INSERT INTO studyapp.events (event_id, device_id, seq, kind, occurred_at, deck_id,"
            " card_id, sibling, refers_to, payload) VALUES (%s, %s, 1, %s, %s, %s, %s, %s, %s, %s)",
            (
                bad.event_id,
                bad.device_id,
                bad.kind,
                bad.occurred_at,
                bad.deck_id,
                bad.card_id,
                bad.sibling,
                bad.refers_to,
                Jsonb(dict(bad.payload)),
            ),
        )


def test_an_oversized_payload_is_refused_by_the_server(class_db: ClassDb) -> None:
    noise = "".join(f"{uuid4().hex}" for _ in range(4_000))  # incompressible, 128 kB
    with pytest.raises(errors.CheckViolation, match="events_payload"):
        class_db.admin.execute(
            "INSERT INTO studyapp.events (event_id, device_id, seq, kind, occurred_at, payload)"
            " VALUES (%s, %s, 1, 'parameters', now(), %s)",
            (uuid4(), uuid4(), Jsonb({"parameters": None, "noise": noise})),
        )


def test_a_naive_time_is_refused_on_the_device() -> None:
    naive = Event(uuid4(), uuid4(), "parameters", datetime(2026, 1, 1), payload={"parameters": []})
    with pytest.raises(EventError, match="timezone-aware"):
        naive.check()


def test_every_kind_is_documented_and_known_to_the_server() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE)
    assert [kind for kind in documented if kind in KINDS] == list(KINDS)
    migration = (
        Path(__file__).resolve().parents[2] / "studyapp/server/migrations/0003_events.sql"
    ).read_text(encoding="utf-8")
    listed = re.search(r"kind IN \((.*?)\)\)", migration, re.DOTALL)
    assert listed is not None
    assert re.findall(r"'([a-z_]+)'", listed.group(1)) == list(KINDS)
