"""What an exam asks: its spec (decks, topics, tags, evidence levels, pool, count,
time, mode) and the choice of prompts from the pools (all, unseen, missed, flagged,
leeches)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from random import Random
from typing import Any

from studyapp.core.deck.model import Deck, PromptKey
from studyapp.core.study.scheduling import CardState, State
from studyapp.core.study.session import Prompt, prompts_of

__all__ = [
    "ExamMode",
    "ExamSpec",
    "Pool",
    "PoolFacts",
    "format_clock",
    "in_pool",
    "parse_duration",
    "select_prompts",
]


class Pool(StrEnum):
    """Which prompts an exam draws from."""

    ALL = "all"
    UNSEEN = "unseen"
    """Never reviewed (no review state)."""
    MISSED = "missed"
    """Last review rated Again, or wrong the last time it was in an exam."""
    FLAGGED = "flagged"
    """Flagged the last time it was in an exam."""
    LEECHES = "leeches"
    """Leeches (suspended by the scheduler after too many lapses)."""


class ExamMode(StrEnum):
    TIMED = "timed"
    """Exam conditions: no feedback until submitted; submits itself at zero."""
    TUTOR = "tutor"
    """Each answer is graded and explained at once, then locked."""


_DURATION_RE = re.compile(r"(\d+)\s*([hms])")
_UNITS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """``15m``, ``90s``, ``1h``, ``1h30m``: a positive duration (``ValueError`` otherwise)."""
    compact = text.strip().lower().replace(" ", "")
    parts = _DURATION_RE.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"{text!r} is not a duration like 15m, 90s or 1h")
    seconds = sum(int(number) * _UNITS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return timedelta(seconds=seconds)


def format_clock(delta: timedelta) -> str:
    """``mm:ss`` (``h:mm:ss`` from an hour), rounded down to the second."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


@dataclass(frozen=True, slots=True)
class ExamSpec:
    """What an exam asks: where from, how many, how long, which mode.

    Empty ``deck_ids``, ``topics``, ``tags`` or ``evidence`` mean no filter.
    Topics and tags match case-insensitively; a card matches ``tags`` when it
    has any of them, and ``evidence`` when its evidence level is one of them (a
    card without one matches no level). ``count`` ``None`` means every
    matching prompt (cram).
    """

    deck_ids: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    pool: Pool = Pool.ALL
    count: int | None = 20
    time_limit: timedelta | None = None
    mode: ExamMode = ExamMode.TIMED
    evidence: tuple[str, ...] = ()
    class_exam: int | None = None
    """A class exam's id on the class server (its questions are the published ones)."""
    class_title: str | None = None
    """The class exam's title."""

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            raise ValueError(f"an exam needs at least one question, not {self.count}")
        if self.time_limit is not None and self.time_limit <= timedelta(0):
            raise ValueError("the time limit must be positive")

    def to_json(self) -> dict[str, Any]:
        limit = self.time_limit
        return {
            "decks": list(self.deck_ids),
            "topics": list(self.topics),
            "tags": list(self.tags),
            "evidence": list(self.evidence),
            "pool": self.pool.value,
            "count": self.count,
            "time_limit_s": None if limit is None else int(limit.total_seconds()),
            "mode": self.mode.value,
        } | (
            {}
            if self.class_exam is None
            else {"class_exam": self.class_exam, "class_title": self.class_title}
        )

    def describe(self) -> str:
        """What the exam is on, in one line: a class exam's title, decks, topics,
        tags, evidence, pool."""
        parts = [f"class exam '{self.class_title}'"] if self.class_exam is not None else []
        parts += [", ".join(self.deck_ids) or "all decks"]
        if self.topics:
            parts.append("topics: " + ", ".join(self.topics))
        if self.tags:
            parts.append("tags: " + ", ".join(self.tags))
        if self.evidence:
            parts.append("evidence: " + ", ".join(self.evidence))
        if self.pool is not Pool.ALL:
            parts.append(f"pool: {self.pool.value}")
        return "; ".join(parts)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExamSpec:
        seconds = data.get("time_limit_s")
        return cls(
            deck_ids=tuple(data.get("decks", ())),
            topics=tuple(data.get("topics", ())),
            tags=tuple(data.get("tags", ())),
            evidence=tuple(data.get("evidence", ())),
            pool=Pool(data.get("pool", Pool.ALL.value)),
            count=data.get("count"),
            time_limit=None if seconds is None else timedelta(seconds=seconds),
            mode=ExamMode(data.get("mode", ExamMode.TIMED.value)),
            class_exam=data.get("class_exam"),
            class_title=data.get("class_title"),
        )


@dataclass(frozen=True, slots=True)
class PoolFacts:
    """What pool selection needs from the store (read once, before the exam)."""

    states: Mapping[PromptKey, CardState] = field(default_factory=dict)
    last_again: frozenset[PromptKey] = frozenset()
    """Prompts whose latest (not undone) review was rated Again."""
    exam_missed: frozenset[PromptKey] = frozenset()
    """Prompts answered wrong (or left unanswered) the last time they were in an exam."""
    exam_flagged: frozenset[PromptKey] = frozenset()
    """Prompts flagged the last time they were in an exam."""


def in_pool(key: PromptKey, pool: Pool, facts: PoolFacts) -> bool:
    """Whether ``key`` belongs to ``pool``. Suspended prompts are only in ``leeches``."""
    state = facts.states.get(key)
    if pool is Pool.LEECHES:
        return state is not None and state.leech
    if state is not None and state.suspended:
        return False
    if pool is Pool.ALL:
        return True
    if pool is Pool.UNSEEN:
        return state is None or (state.state is State.NEW and state.reps == 0)
    if pool is Pool.MISSED:
        return key in facts.last_again or key in facts.exam_missed
    return key in facts.exam_flagged


def _matches(wanted: Sequence[str], values: Sequence[str]) -> bool:
    if not wanted:
        return True
    folded = {w.casefold() for w in wanted}
    return any(v.casefold() in folded for v in values)


def select_prompts(
    decks: Sequence[Deck],
    spec: ExamSpec,
    facts: PoolFacts,
    rng: Random,
    *,
    one_per_card: bool = True,
) -> list[Prompt]:
    """The prompts an exam asks, in the order asked (shuffled with ``rng``).

    With ``one_per_card`` (exams), one random sibling per card: an exam does
    not ask both sides of a reversible card. Cram asks every prompt.
    """
    candidates: list[Prompt] = []
    for deck in decks:
        if spec.deck_ids and deck.id not in spec.deck_ids:
            continue
        for prompt in prompts_of(deck):
            card = prompt.card
            if not _matches(spec.topics, (card.topic,)) or not _matches(spec.tags, card.tags):
                continue
            if not _matches(spec.evidence, (card.evidence,) if card.evidence else ()):
                continue
            if in_pool(prompt.key, spec.pool, facts):
                candidates.append(prompt)
    rng.shuffle(candidates)
    if one_per_card:
        seen: set[tuple[str, str]] = set()
        unique: list[Prompt] = []
        for prompt in candidates:
            ident = (prompt.key[0], prompt.key[1])
            if ident not in seen:
                seen.add(ident)
                unique.append(prompt)
        candidates = unique
    return candidates if spec.count is None else candidates[: spec.count]
