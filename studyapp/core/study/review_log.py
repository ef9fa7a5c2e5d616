"""What a study session writes and reads, and the persistence it needs: one
answer (:class:`ReviewRecord`), one prompt suspended or unsuspended
(:class:`SuspendChange`), and :class:`ReviewRepository`, which the SQLite store
implements. Pure declarations: no SQLite here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from studyapp.core.deck.model import PromptKey
from studyapp.core.study.queue import DayCounts
from studyapp.core.study.scheduling import CardState

__all__ = ["ReviewRecord", "ReviewRepository", "SuspendChange"]


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """Everything the log keeps about one answer."""

    key: PromptKey
    kind: str
    reviewed_at: datetime
    rating: int
    duration_ms: int
    before: CardState
    after: CardState
    answer: str | None = None
    picked: str | None = None
    """For choice questions: the wrong option chosen."""


@dataclass(frozen=True, slots=True)
class SuspendChange:
    """One prompt suspended or unsuspended: its log row and its state before (for undo)."""

    log_id: int
    key: PromptKey
    before: CardState


class ReviewRepository(Protocol):
    """Persistence the session needs (implemented by the SQLite store)."""

    def queue_states(
        self, deck_ids: Sequence[str], day_end: datetime
    ) -> tuple[dict[PromptKey, CardState], set[PromptKey]]:
        """States of prompts studiable before ``day_end``; keys of the other studied ones."""
        ...

    def upcoming(self, deck_ids: Sequence[str]) -> Iterable[tuple[datetime, PromptKey]]:
        """Due times of unsuspended prompts, earliest first."""
        ...

    def day_counts(self, deck_ids: Sequence[str], since: datetime) -> dict[str, DayCounts]: ...

    def card_states(self, deck_ids: Sequence[str]) -> dict[PromptKey, CardState]:
        """The state of every studied prompt of these decks (focus sessions)."""
        ...

    def record_review(self, record: ReviewRecord) -> int:
        """Append the review and store the new state in one transaction; return the log id."""
        ...

    def undo_review(self, log_id: int, key: PromptKey, previous: CardState) -> None:
        """Mark the log row undone and restore ``previous`` in one transaction."""
        ...

    def suspend_prompts(
        self, keys: Sequence[PromptKey], suspended: bool, at: datetime
    ) -> list[SuspendChange]:
        """Suspend (or unsuspend) those of ``keys`` not already so, in one transaction."""
        ...

    def undo_suspension(self, changes: Sequence[SuspendChange]) -> None:
        """Mark the log rows of ``changes`` undone and restore the states before."""
        ...
