"""FSRS parameter sets (``studyapp optimize``) and imported review histories.

:class:`ParameterRecords` is a part of :class:`studyapp.store.Store`. The
``fsrs_parameters`` table is append-only: every fit is recorded, adopted or
not; the parameters in use are those of the latest adopted row (``NULL``
parameters there: the defaults). Adopting a set reschedules every card from
the log in the same transaction.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import PromptKey
from studyapp.core.study.scheduling import CardState, LogEvent, Policy, SchedulerConfig
from studyapp.store.db import from_iso, to_iso

if TYPE_CHECKING:
    from studyapp.core.progress.optimizer import ReviewRow
    from studyapp.core.progress.review_import import ImportedReview

__all__ = ["AdoptedParameters", "ImportCounts", "ParameterRecords"]


@dataclass(frozen=True, slots=True)
class AdoptedParameters:
    """The parameters in use (``None``: FSRS-6's defaults) and when they were adopted."""

    parameters: tuple[float, ...] | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportCounts:
    rows: int
    imported: int
    duplicates: int
    cards_in_deck: int
    cards_unknown: int


class ParameterRecords:
    """The ``fsrs_parameters`` table, and appending imported reviews to the log."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def _transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _rebuild_in(
            self, conn: sqlite3.Connection, policy: Policy, reschedule_before: datetime | None
        ) -> int: ...

        @staticmethod
        def _put_state(conn: sqlite3.Connection, key: PromptKey, state: CardState) -> None: ...

    # -- parameters ---------------------------------------------------------
    def adopted_parameters(self) -> AdoptedParameters:
        """The latest adopted parameter set (one indexed row: cheap)."""
        row = self.conn.execute(
            "SELECT parameters, created_at FROM fsrs_parameters WHERE adopted = 1 "
            "ORDER BY created_at DESC, event_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return AdoptedParameters()
        parameters = None if row[0] is None else tuple(float(w) for w in json.loads(row[0]))
        return AdoptedParameters(parameters, from_iso(row[1]))

    def scheduler_config(self, base: SchedulerConfig) -> SchedulerConfig:
        """``base`` with the adopted parameters."""
        return replace(base, parameters=self.adopted_parameters().parameters)

    def save_parameters(
        self,
        parameters: Sequence[float] | None,
        metrics: Mapping[str, Any],
        at: datetime,
        *,
        adopt: bool,
        policy: Policy | None = None,
    ) -> int:
        """Record a parameter set (``None``: the defaults); return the number of
        prompts rescheduled (0 unless adopted).

        Adopting needs ``policy`` (built with these parameters): every card
        state is recomputed from the log with it in the same transaction, the
        due dates of reviews before ``at`` recomputed too.
        """
        if parameters is not None and (
            len(parameters) != 21 or not all(math.isfinite(w) for w in parameters)
        ):
            raise ValueError(f"FSRS-6 needs 21 finite parameters, got {list(parameters)}")
        if adopt and policy is None:
            raise ValueError("adopting parameters needs the policy to reschedule with")
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO fsrs_parameters (created_at, parameters, metrics, adopted) "
                "VALUES (?, ?, ?, ?)",
                (
                    to_iso(at),
                    None if parameters is None else json.dumps([float(w) for w in parameters]),
                    json.dumps(dict(metrics), sort_keys=True),
                    int(adopt),
                ),
            )
            if not adopt:
                return 0
            assert policy is not None
            return self._rebuild_in(conn, policy, at)

    def parameter_history(self) -> list[dict[str, Any]]:
        """Every recorded parameter set, oldest first."""
        rows = self.conn.execute(
            "SELECT id, created_at, parameters, metrics, adopted FROM fsrs_parameters ORDER BY id"
        )
        return [
            {
                "id": row[0],
                "created_at": from_iso(row[1]),
                "parameters": None if row[2] is None else json.loads(row[2]),
                "metrics": json.loads(row[3]),
                "adopted": bool(row[4]),
            }
            for row in rows
        ]

    def review_rows(self) -> list[ReviewRow]:
        """Every live review of the log, for the optimizer."""
        from studyapp.core.progress.optimizer import ReviewRow

        rows = self.conn.execute(
            "SELECT deck_id, card_id, sibling, reviewed_at, rating FROM review_log "
            "WHERE action = 'review' AND undone_at IS NULL ORDER BY id"
        )
        return [ReviewRow((d, c, s), datetime.fromisoformat(at), r) for d, c, s, at, r in rows]

    # -- imported reviews ---------------------------------------------------
    def import_reviews(
        self,
        deck_id: str,
        reviews: Sequence[ImportedReview],
        siblings: Mapping[str, tuple[str, str]],
        default_sibling: str,
        policy: Policy,
        *,
        reschedule_before: datetime | None = None,
        dry_run: bool = False,
    ) -> ImportCounts:
        """Append ``reviews`` to the log of ``deck_id`` and replay the prompts they touch.

        ``siblings`` maps the deck's card ids to ``(sibling, kind)``; other card
        ids get ``default_sibling``. A review whose (deck, card, time) is already
        in the log (or earlier in ``reviews``) is a duplicate and skipped, so
        importing a file twice adds nothing. Each new row gets the states before
        and after it, replayed in time order with the prompt's existing log, and the
        prompt's ``card_state`` is the end of that replay (exactly what :meth:`rebuild`
        gives; the other prompts' logs did not change, so neither do their states).
        One pass of the scheduler per review; one transaction: all or nothing.
        """
        with self._transaction() as conn:
            seen = {
                (card_id, at)
                for card_id, at in conn.execute(
                    "SELECT card_id, reviewed_at FROM review_log "
                    "WHERE deck_id = ? AND action = 'review'",
                    (deck_id,),
                )
            }
            fresh: list[ImportedReview] = []
            for review in reviews:
                mark = (review.card_id, to_iso(review.at))
                if mark not in seen:
                    seen.add(mark)
                    fresh.append(review)
            cards = {review.card_id for review in reviews}
            counts = ImportCounts(
                rows=len(reviews),
                imported=len(fresh),
                duplicates=len(reviews) - len(fresh),
                cards_in_deck=sum(card_id in siblings for card_id in cards),
                cards_unknown=sum(card_id not in siblings for card_id in cards),
            )
            if dry_run or not fresh:
                return counts
            by_prompt: dict[PromptKey, list[ImportedReview]] = {}
            for review in fresh:
                sibling = siblings.get(review.card_id, (default_sibling, ""))[0]
                by_prompt.setdefault((deck_id, review.card_id, sibling), []).append(review)
            values = []
            # The rows get the ids they would get one by one, and their event ids here, as
            # migration 0006's trigger makes them (`prefix || '8001-' || printf('%012x', id)`):
            # the trigger, run once per row, took three quarters of a 25k-row insert.
            next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM review_log").fetchone()[0]
            first_id = next_id
            for key, new in by_prompt.items():
                kind = siblings.get(key[1], ("", None))[1] or None
                replayed, final = self._replay_with(conn, key, new, policy, reschedule_before)
                for review, before, after in replayed:
                    values.append(
                        (
                            next_id,
                            *key,
                            to_iso(review.at),
                            review.rating,
                            review.duration_ms,
                            before.state.value,
                            after.state.value,
                            to_iso(after.due),
                            after.stability,
                            after.difficulty,
                            kind,
                            next_id,
                        )
                    )
                    next_id += 1
                self._put_state(conn, key, final)
            conn.executemany(
                "INSERT INTO review_log (id, deck_id, card_id, sibling, action, reviewed_at, "
                "rating, duration_ms, state_before, state_after, scheduled_due, stability, "
                "difficulty, kind, event_id, device_id) "
                "VALUES (?, ?, ?, ?, 'review', ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "(SELECT value FROM meta WHERE key = 'event_prefix') || '8001-' "
                "|| printf('%012x', ?), (SELECT value FROM meta WHERE key = 'device_id'))",
                values,
            )
            conn.execute(
                "INSERT INTO local_event (source, event_id) SELECT 'review_log', event_id "
                "FROM review_log WHERE id >= ? ORDER BY id",
                (first_id,),
            )
        return counts

    @staticmethod
    def _replay_with(
        conn: sqlite3.Connection,
        key: PromptKey,
        new: Sequence[ImportedReview],
        policy: Policy,
        reschedule_before: datetime | None,
    ) -> tuple[list[tuple[ImportedReview, CardState, CardState]], CardState]:
        """The new reviews of one prompt with its state before and after each,
        replayed in time order together with the prompt's live log (as
        :meth:`Policy.replay` does), and the prompt's state after all of it."""
        rows = conn.execute(
            "SELECT action, reviewed_at, rating, scheduled_due FROM review_log "
            "WHERE deck_id = ? AND card_id = ? AND sibling = ? AND undone_at IS NULL",
            key,
        )
        timeline: list[tuple[datetime, int, LogEvent | ImportedReview]] = []
        for action, at, rating, due in rows:
            moment = datetime.fromisoformat(at)
            timeline.append((moment, 0, LogEvent(action, moment, rating, from_iso(due))))
        timeline.extend((review.at, 1, review) for review in new)
        timeline.sort(key=lambda entry: (entry[0], entry[1]))
        state = CardState()
        out: list[tuple[ImportedReview, CardState, CardState]] = []
        for at, _, entry in timeline:
            if isinstance(entry, LogEvent):
                state = policy.step(state, entry, reschedule_before)
                continue
            # Logged with its unfuzzed due, which is what a replay recomputes too.
            after = policy.review(state, entry.rating, at, fuzz=False)
            out.append((entry, state, after))
            state = after
        return out, state
