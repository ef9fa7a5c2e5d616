"""The event record that sync moves between a device and the class server.

Rule: plain data, no psycopg and nothing from :mod:`studyapp.core`. An event is
one entry of a student's append-only log; the server never changes or deletes
one, and a device's card states are a replay of its events. Every event has a
globally unique ``event_id`` (a push is idempotent by it) and the ``device_id``
that wrote it; the server adds the ``student`` (the connected role, enforced by
row-level security) and ``seq``, the student's pull cursor.

The same rules are CHECK constraints on the server (migration 0003): a client
that skips :meth:`Event.check` is still refused there. ``docs/class-server.md``
documents each kind and its payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

__all__ = ["KINDS", "MAX_TEXT", "Event", "EventError"]

KINDS: dict[str, str] = {
    "review": "one answer to a prompt (deck, card, sibling); payload: rating 1-4, and what "
    "the reports need (duration_ms, card_kind, topic, answer, picked, state after)",
    "undo": "takes back the event named by refers_to (an answer or a suspension)",
    "suspend": "a prompt leaves the queue (deck, card, sibling)",
    "unsuspend": "a suspended prompt comes back (deck, card, sibling)",
    "alias": "an answer the student accepted for a card ('I was right'); payload: alias",
    "exam": "a finished self-test or class exam; payload: answers (one per question), "
    "score, total, mode, spec, started_at, finished_at",
    "plan": "an exam-date plan for a deck; payload: exam_date, topics, target",
    "plan_remove": "removes the plan event named by refers_to",
    "parameters": "FSRS parameters adopted; payload: parameters (21 numbers, or null: defaults)",
}
"""Every kind of event, with what it carries (the server refuses any other)."""

PROMPT_KINDS = frozenset({"review", "suspend", "unsuspend"})
"""Kinds about one prompt: deck_id, card_id and sibling are required."""
REFERRING_KINDS = frozenset({"undo", "plan_remove"})
"""Kinds that name an earlier event in refers_to (and the only ones that may)."""
MAX_TEXT = 200
"""Longest deck id, card id or sibling name, in characters."""


class EventError(ValueError):
    """An event breaks a rule the server enforces (the message says which)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a student's log, as pushed and pulled.

    ``student``, ``seq`` and ``received_at`` are set by the server: ``None`` on
    an event not pushed yet, and ignored by :func:`studyapp.server.sync.push`.
    """

    event_id: UUID
    device_id: UUID
    kind: str
    occurred_at: datetime
    deck_id: str | None = None
    card_id: str | None = None
    sibling: str | None = None
    refers_to: UUID | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    student: str | None = None
    seq: int | None = None
    received_at: datetime | None = None

    def check(self) -> None:
        """Raise :class:`EventError` if the server would refuse this event."""
        problem = self.problem()
        if problem:
            raise EventError(f"event {self.event_id} ({self.kind}): {problem}")

    def problem(self) -> str | None:
        """Why the server would refuse this event, or ``None``."""
        if self.kind not in KINDS:
            return f"unknown kind (kinds: {', '.join(KINDS)})"
        if self.occurred_at.tzinfo is None:
            return "occurred_at must be timezone-aware"
        if not isinstance(self.payload, Mapping):
            return "payload must be a mapping"
        if any(len(text) > MAX_TEXT for text in (self.deck_id, self.card_id, self.sibling) if text):
            return f"deck, card and sibling ids are at most {MAX_TEXT} characters"
        if (self.refers_to is not None) != (self.kind in REFERRING_KINDS):
            return "refers_to is required for undo and plan_remove, and allowed for no other kind"
        target = (self.deck_id, self.card_id, self.sibling)
        if self.kind in PROMPT_KINDS and None in target:
            return "deck_id, card_id and sibling are required"
        return _payload_problem(self)


def _payload_problem(event: Event) -> str | None:
    payload = event.payload
    if event.kind == "review" and (
        type(payload.get("rating")) is not int or not 1 <= payload["rating"] <= 4
    ):
        return "payload.rating must be 1, 2, 3 or 4"
    if event.kind == "alias" and (
        None in (event.deck_id, event.card_id) or not isinstance(payload.get("alias"), str)
    ):
        return "deck_id, card_id and payload.alias (text) are required"
    if event.kind == "plan" and (
        event.deck_id is None or not isinstance(payload.get("exam_date"), str)
    ):
        return "deck_id and payload.exam_date (YYYY-MM-DD) are required"
    if event.kind == "exam" and not isinstance(payload.get("answers"), list):
        return "payload.answers (a list) is required"
    if event.kind == "parameters" and "parameters" not in payload:
        return "payload.parameters (a list, or null for the defaults) is required"
    return None
