"""Building a class's events for the report tests: reviews and exams with the
payloads a device sends (docs/class-server.md), pushed as each student."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from studyapp.server.events import Event

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DEVICE = UUID(int=7)


def review(
    card: str,
    rating: int,
    *,
    at: datetime = NOW,
    reps: int = 2,
    deck: str = "pharm",
    topic: str = "dosing",
    kind: str = "choice",
    stability: float = 10.0,
    due: datetime | None = None,
    lapses: int = 0,
    **extra: Any,
) -> Event:
    """One review event of ``card`` (sibling ``main``)."""
    payload: dict[str, Any] = {
        "rating": rating,
        "card_kind": kind,
        "topic": topic,
        "reps": reps,
        "lapses": lapses,
        "stability": stability,
        "due": (due or at + timedelta(days=stability)).isoformat(),
        **extra,
    }
    return Event(uuid4(), DEVICE, "review", at, deck, card, "main", payload=payload)


def undo(of: Event, at: datetime = NOW) -> Event:
    return Event(
        uuid4(), DEVICE, "undo", at, of.deck_id, of.card_id, of.sibling, refers_to=of.event_id
    )
