"""Today's queue: which prompts are due, in which order, within the daily limits.

Pure functions over states and keys (no persistence): the study session,
the deck list and ``studyapp due`` all count with :func:`build_queue`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from studyapp.core.deck.model import PromptKey
from studyapp.core.study.scheduling import CardState, State

__all__ = [
    "IN_LEARNING",
    "DailyLimits",
    "DayCounts",
    "Keyed",
    "PromptRef",
    "QueueCounts",
    "build_queue",
]


@dataclass(frozen=True, slots=True)
class DailyLimits:
    new: int = 20
    reviews: int = 200


@dataclass(slots=True)
class DayCounts:
    """What was already studied today in one deck (from the log)."""

    new: int = 0
    reviews: int = 0
    touched_cards: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class QueueCounts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


class Keyed(Protocol):
    """Anything with a prompt key: a :class:`Prompt`, or a bare :class:`PromptRef`."""

    @property
    def key(self) -> PromptKey: ...


P = TypeVar("P", bound=Keyed)


class PromptRef:
    """Just a prompt's key: enough to count a queue without loading card text."""

    __slots__ = ("key",)

    def __init__(self, key: PromptKey) -> None:
        self.key = key


@dataclass(slots=True)
class _Queue(Generic[P]):
    learning: list[P]
    review: list[P]
    new: list[P]
    learning_due_today: int


IN_LEARNING = frozenset({State.LEARNING, State.RELEARNING})


def build_queue(
    prompts: Iterable[P],
    states: Mapping[PromptKey, CardState],
    today: Mapping[str, DayCounts],
    limits: Callable[[str], DailyLimits],
    day_end: datetime,
    settled: Collection[PromptKey] = frozenset(),
    pulled: Collection[PromptKey] = frozenset(),
) -> _Queue[P]:
    """Sort prompts into learning, review and new queues for the day ending at ``day_end``.

    ``states`` needs only the prompts that may be studied today; ``settled``
    holds the keys of the other studied prompts (not new, not due).
    ``pulled`` holds review prompts an exam plan wants today although FSRS
    has them due later (their states must be in ``states``).
    """
    learning: list[tuple[datetime, P]] = []
    reviews: list[tuple[datetime, P]] = []
    candidates: list[P] = []
    buried: Collection[str] = ()
    deck_id = None
    # The hot loop of every queue build (10k cards: ~15k prompts): keep it lean.
    for prompt in prompts:
        key = prompt.key
        state = states.get(key)
        if state is None:
            if key in settled:
                continue  # studied, not due today
        elif state.suspended:
            continue
        elif state.state in IN_LEARNING:
            assert state.due is not None
            if state.due < day_end:
                learning.append((state.due, prompt))
            continue
        if key[0] != deck_id:
            deck_id = key[0]
            counts = today.get(deck_id)
            buried = counts.touched_cards if counts is not None else ()
        if key[1] in buried:
            continue  # buried: a sibling was studied today
        if state is None or state.state is State.NEW:
            candidates.append(prompt)
        elif state.due is not None and (state.due < day_end or key in pulled):
            reviews.append((state.due, prompt))
    reviews.sort(key=lambda item: item[0])
    # One prompt per card per day: siblings of a due review or new prompt wait.
    review_queue = _within_limit(
        _one_per_card([p for _, p in reviews]), today, lambda d: limits(d).reviews, "reviews"
    )
    reviewed_cards = {p.key[:2] for _, p in reviews}
    new_queue = _within_limit(
        _one_per_card([p for p in candidates if p.key[:2] not in reviewed_cards]),
        today,
        lambda d: limits(d).new,
        "new",
    )
    learning.sort(key=lambda item: item[0])
    return _Queue([p for _, p in learning], review_queue, new_queue, len(learning))


def _within_limit(
    prompts: list[P],
    today: Mapping[str, DayCounts],
    limit: Callable[[str], int],
    counter: str,
) -> list[P]:
    """The first prompts of each deck up to its daily limit, less what was done today."""
    left: dict[str, int] = {}
    out: list[P] = []
    for prompt in prompts:
        deck_id = prompt.key[0]
        if deck_id not in left:
            counts = today.get(deck_id)
            done = getattr(counts, counter) if counts is not None else 0
            left[deck_id] = max(0, limit(deck_id) - done)
        if left[deck_id] > 0:
            left[deck_id] -= 1
            out.append(prompt)
    return out


def _one_per_card(prompts: list[P]) -> list[P]:
    seen: set[tuple[str, ...]] = set()
    out: list[P] = []
    for prompt in prompts:
        ident = prompt.key[:2]
        if ident not in seen:
            seen.add(ident)
            out.append(prompt)
    return out
