"""Wiring shared by the CLI and the TUI: load the library, open the store,
summarise what is due. No Textual here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.app.config import Paths, Settings, bundled_decks_dir
from studyapp.core.deck.model import Deck, PromptKey
from studyapp.core.library import DeckIndex, Library, load_index, load_library, open_library
from studyapp.core.study.scheduling import day_bounds, study_date

if TYPE_CHECKING:
    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store
from studyapp.core.study.queue import DailyLimits, PromptRef, build_queue

__all__ = [
    "DeckRow",
    "SuspendedRow",
    "deck_rows",
    "due_counts",
    "load_decks",
    "load_one_deck",
    "open_decks",
    "policy_for",
    "rebuild_states",
    "set_suspended",
    "suspended_prompts",
    "warm_units_for",
]


def load_decks(paths: Paths, settings: Settings) -> Library:
    """Every configured deck, through the content-keyed cache."""
    return load_library(list(settings.deck_dirs), paths.cache_dir, trusted=_trusted(settings))


def _trusted(settings: Settings) -> list[Path]:
    """The folders whose shipped parsed entries are taken as they are: the bundled decks'."""
    return [bundled_decks_dir()] if settings.include_bundled else []


def open_decks(paths: Paths, settings: Settings) -> Library:
    """Every configured deck, from the cache's deck indexes: a deck's cards are loaded
    when it is first asked for (the deck list needs the indexes only)."""
    return open_library(list(settings.deck_dirs), paths.cache_dir, trusted=_trusted(settings))


def load_one_deck(paths: Paths, settings: Settings, deck_id: str) -> tuple[Deck | None, list[str]]:
    """The configured deck ``deck_id`` (or ``None``) and every configured deck's id, found
    through the cache's deck indexes: only that deck's file is loaded, not the library."""
    indexes = load_index(list(settings.deck_dirs), paths.cache_dir)
    known = [index.deck_id for index in indexes if index.deck_id is not None]
    for index in indexes:
        if index.deck_id == deck_id:
            return load_library([Path(index.path)], cache_dir=paths.cache_dir).deck(deck_id), known
    return None, known


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
    description: str = ""


def warm_units_for(decks: Sequence[Deck]) -> bool:
    """Build the unit registry (pint, a few hundred ms) in a background thread when
    ``decks`` have numeric cards, so grading the first answer does not wait for it;
    ``True`` when a thread was started. Call it when decks are opened for study."""
    if not any(card.kind == "numeric" for deck in decks for card in deck.cards):
        return False
    from studyapp.core.kinds import units  # when a deck is opened: not for the deck list

    return units.warm_in_background() is not None


def deck_rows(
    library: Library,
    repository: Store | None,
    settings: Settings,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[DeckRow]:
    """Today's counts for every deck in ``library`` (broken decks carry their error),
    from its deck indexes: no card is loaded unless an exam plan needs its topics."""
    return index_rows(library.indexes, repository, settings, clock, library.deck)


def index_rows(
    indexes: Sequence[DeckIndex],
    repository: Store | None,
    settings: Settings,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    load_deck: Callable[[str], Deck | None] | None = None,
) -> list[DeckRow]:
    """Today's counts from deck indexes: card ids and siblings are all it needs
    (and, for an exam plan on some topics, the deck itself: ``load_deck``)."""
    now = clock()
    start, end = day_bounds(now, settings.rollover_hour)
    ids = [index.deck_id for index in indexes if index.deck_id is not None]
    states, settled = repository.queue_states(ids, end) if repository else ({}, set())
    today = repository.day_counts(ids, start) if repository else {}
    leeches = repository.leech_counts(ids) if repository else {}
    plans = repository.exam_plans(study_date(now, settings.rollover_hour)) if repository else []
    rows: list[DeckRow] = []
    for index in indexes:
        if index.deck_id is None:
            rows.append(DeckRow(index.path, index.path, index.path, error=index.error))
            continue
        refs = [PromptRef(key) for key in index.prompt_keys()]
        limits: Callable[[str], DailyLimits] = settings.limits_for
        pulled = frozenset[PromptKey]()
        deck_plans = [plan for plan in plans if plan.deck_id == index.deck_id]
        if deck_plans and repository is not None:  # a plan pulls reviews in
            from studyapp.app.plan_service import deck_plan_effect

            deck_id = index.deck_id
            effect = deck_plan_effect(
                deck_plans,
                deck_id,
                index.prompt_keys(),
                partial(_topics, load_deck, deck_id),
                repository,
                settings,
                now,
            )
            pulled = frozenset(effect.pulled)
            states.update(effect.pulled)
            settled.difference_update(pulled)
            limits = effect.limits(settings.limits_for)
        queue = build_queue(refs, states, today, limits, end, settled, pulled)
        rows.append(
            DeckRow(
                deck=index.deck_id,
                title=index.title,
                path=index.path,
                new=len(queue.new),
                learning=queue.learning_due_today,
                review=len(queue.review),
                leeches=leeches.get(index.deck_id, 0),
                cards=len(index.cards),
                description=index.description,
            )
        )
    return rows


def _topics(load_deck: Callable[[str], Deck | None] | None, deck_id: str) -> dict[str, str]:
    from studyapp.app.plan_service import topics_of

    return topics_of(load_deck(deck_id) if load_deck else None)


def due_counts(paths: Paths, settings: Settings) -> list[DeckRow]:
    """Today's counts for the configured decks, from the cache's deck indexes
    (no card text is loaded when the deck files are unchanged)."""
    indexes = load_index(list(settings.deck_dirs), paths.cache_dir, trusted=_trusted(settings))
    if not paths.database.exists():
        return index_rows(indexes, None, settings)
    from studyapp.store import Store

    def load_deck(deck_id: str) -> Deck | None:  # only for a plan on some topics
        return load_one_deck(paths, settings, deck_id)[0]

    with Store.open(paths.database) as store:
        return index_rows(indexes, store, settings, load_deck=load_deck)


@dataclass(frozen=True, slots=True)
class SuspendedRow:
    deck: str
    card: str
    sibling: str
    leech: bool
    lapses: int


def suspended_prompts(store: Store, deck_id: str) -> list[SuspendedRow]:
    """Every suspended prompt of ``deck_id`` (leeches included)."""
    rows = store.conn.execute(
        "SELECT card_id, sibling, leech, lapses FROM card_state "
        "WHERE deck_id = ? AND suspended = 1 ORDER BY card_id, sibling",
        (deck_id,),
    )
    return [SuspendedRow(deck_id, c, s, bool(leech), lapses) for c, s, leech, lapses in rows]


def set_suspended(
    store: Store,
    library: Library,
    deck_id: str,
    card_ids: Sequence[str],
    suspended: bool,
    now: datetime,
) -> list[PromptKey]:
    """Suspend or unsuspend every prompt of the given cards; return the prompts changed.

    Unknown cards raise ``KeyError`` naming them. Cards no longer in the deck
    can still be unsuspended (their history is kept).
    """
    deck = library.deck(deck_id)
    changed: list[PromptKey] = []
    missing: list[str] = []
    for card_id in card_ids:
        card = deck.card(card_id) if deck is not None else None
        if card is not None and deck is not None:
            from studyapp.core.study.session import card_keys

            keys = card_keys(deck, card)
        else:
            keys = [
                (deck_id, card_id, sibling)
                for (sibling,) in store.conn.execute(
                    "SELECT sibling FROM card_state WHERE deck_id = ? AND card_id = ?",
                    (deck_id, card_id),
                )
            ]
        if not keys:
            missing.append(card_id)
            continue
        changed.extend(change.key for change in store.suspend_prompts(keys, suspended, now))
    if missing:
        raise KeyError(f"no card {', '.join(missing)} in deck '{deck_id}'")
    return changed


def policy_for(store: Store, settings: Settings) -> Policy:
    """The scheduling policy: the settings with the parameters adopted by
    ``studyapp optimize`` (FSRS-6's defaults until then)."""
    from studyapp.core.study.scheduling import Policy

    return Policy(store.scheduler_config(settings.scheduler))


def rebuild_states(store: Store, settings: Settings) -> int:
    """Recompute every card state from the log with the policy in use; return
    the number of prompts. Reviews from before the adopted parameters get due
    dates computed with them (see ``docs/optimizer.md``)."""
    adopted = store.adopted_parameters()
    return store.rebuild(policy_for(store, settings), reschedule_before=adopted.since)
