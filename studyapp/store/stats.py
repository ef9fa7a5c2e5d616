"""Statistics reads: the live reviews and card states that
:mod:`studyapp.core.progress.stats` needs.

Functions taking a :class:`Store` (the repository module is full); one query
reads the log, one the card states. The log is handed over as the rows SQLite
returns (:data:`~studyapp.core.progress.stats.LogRow`: times as the stored UTC text),
with no object made or time parsed per review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from studyapp.core.deck.model import Deck
from studyapp.core.progress.stats import (
    LogRow,
    ReviewRow,
    StatsReport,
    compute_stats_from_log,
)
from studyapp.core.study.scheduling import Policy
from studyapp.store.db import from_iso
from studyapp.store.repository import Store

__all__ = ["log_rows", "review_rows", "stats_report"]


def log_rows(store: Store, deck_ids: Sequence[str] | None = None) -> list[LogRow]:
    """Every live (not undone) review, in log order; only of ``deck_ids`` when given."""
    where = "action = 'review' AND undone_at IS NULL AND rating IS NOT NULL"
    params: tuple[str, ...] = ()
    if deck_ids is not None:
        if not deck_ids:
            return []
        where += f" AND deck_id IN ({','.join('?' * len(deck_ids))})"
        params = tuple(deck_ids)
    rows: list[LogRow] = store.conn.execute(
        "SELECT deck_id, card_id, sibling, reviewed_at, rating, state_before, duration_ms, "
        f"scheduled_due, picked FROM review_log WHERE {where} ORDER BY id",
        params,
    ).fetchall()
    return rows


def review_rows(store: Store, deck_ids: Sequence[str] | None = None) -> list[ReviewRow]:
    """:func:`log_rows` as :class:`ReviewRow` objects (times parsed)."""
    parse = datetime.fromisoformat
    return [
        ReviewRow(
            key=(deck_id, card_id, sibling),
            reviewed_at=parse(at),
            rating=rating,
            state_before=before or "",
            duration_ms=duration,
            scheduled_due=from_iso(due),
            picked=picked,
        )
        for deck_id, card_id, sibling, at, rating, before, duration, due, picked in log_rows(
            store, deck_ids
        )
    ]


def stats_report(
    store: Store,
    decks: Sequence[Deck],
    policy: Policy,
    now: datetime,
    *,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
    history_of: Sequence[str] | None = None,
) -> StatsReport:
    """The statistics of ``decks`` at ``now``.

    The history figures read the log of ``history_of`` (default: every deck
    in the log, also ones no longer loaded).
    """
    ids = [deck.id for deck in decks]
    return compute_stats_from_log(
        log_rows(store, history_of),
        store.card_states(ids),
        decks,
        policy,
        now,
        rollover_hour=rollover_hour,
        tz=tz,
    )
