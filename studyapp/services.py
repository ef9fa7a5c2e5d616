"""Wiring shared by the CLI and the TUI: load the library, open the store,
summarise what is due. No Textual here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from studyapp.config import Paths, Settings
from studyapp.core.library import Library, load_library
from studyapp.core.scheduling import day_bounds
from studyapp.core.session import ReviewRepository, build_queue, prompts_of

__all__ = ["DeckRow", "deck_rows", "due_counts", "load_decks"]


def load_decks(paths: Paths, settings: Settings) -> Library:
    """Every configured deck, through the content-keyed cache."""
    return load_library(list(settings.deck_dirs), cache_dir=paths.cache_dir)


@dataclass(frozen=True, slots=True)
class DeckRow:
    """One line of the deck list: counts for today, or the deck's first error."""

    deck: str
    title: str
    path: str
    new: int = 0
    learning: int = 0
    review: int = 0
    leeches: int = 0
    cards: int = 0
    error: str | None = None


def deck_rows(
    library: Library,
    repository: ReviewRepository | None,
    settings: Settings,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[DeckRow]:
    """Today's counts for every deck in ``library`` (broken decks carry their error)."""
    now = clock()
    start, end = day_bounds(now, settings.rollover_hour)
    decks = library.decks
    ids = [d.id for d in decks]
    states = repository.card_states(ids) if repository else {}
    today = repository.day_counts(ids, start) if repository else {}
    rows: list[DeckRow] = []
    for result in library.results:
        deck = result.deck
        if deck is None:
            first = result.errors[0] if result.errors else None
            message = first.format() if first else "could not be loaded"
            rows.append(
                DeckRow(deck=result.path, title=result.path, path=result.path, error=message)
            )
            continue
        queue = build_queue(prompts_of(deck), states, today, settings.limits_for, end)
        leeches = sum(1 for key, s in states.items() if key[0] == deck.id and s.leech)
        rows.append(
            DeckRow(
                deck=deck.id,
                title=deck.title,
                path=result.path,
                new=len(queue.new),
                learning=queue.learning_due_today,
                review=len(queue.review),
                leeches=leeches,
                cards=len(deck.cards),
            )
        )
    return rows


def due_counts(paths: Paths, settings: Settings) -> list[DeckRow]:
    """:func:`deck_rows` for the configured library, reading the store if it exists."""
    library = load_decks(paths, settings)
    if not paths.database.exists():
        return deck_rows(library, None, settings)
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        return deck_rows(library, store, settings)
