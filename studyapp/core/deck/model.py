"""The deck model: decks, cards, the study prompts generated from them, diagnostics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from studyapp.core.deck.text import Span

__all__ = [
    "Card",
    "Citation",
    "Deck",
    "Diagnostic",
    "Face",
    "LoadResult",
    "Positions",
    "PromptKey",
    "Severity",
    "Source",
    "is_dosing",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem in a deck file, reported compiler-style."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    rule: str = ""

    def format(self) -> str:
        """``path:line:col: severity: message [rule]``."""
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {self.message}{rule}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "message": self.message,
            "rule": self.rule,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnostic:
        return cls(
            data["path"],
            data["line"],
            data["col"],
            Severity(data["severity"]),
            data["message"],
            data.get("rule", ""),
        )


@dataclass(frozen=True, slots=True)
class Source:
    """A citable source declared by a deck (e.g. a monograph)."""

    key: str
    title: str
    sections: tuple[str, ...] = ()
    references: Mapping[str, str] = field(default_factory=dict)
    line: int = 0
    """Where the source's key is written (0: unknown), for lint positions."""
    col: int = 0
    section_positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """section -> ``(line, col)`` where it is declared, for lint positions."""


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a card's facts come from: a source key, a section, reference numbers."""

    key: str
    section: str
    refs: tuple[str, ...] = ()

    def label(self, deck: Deck | None = None) -> str:
        """A short human-readable citation, e.g. ``Guide § History [1, 4]``."""
        title = self.key
        if deck is not None and self.key in deck.sources:
            title = deck.sources[self.key].title
        refs = f" [{', '.join(self.refs)}]" if self.refs else ""
        return f"{title} § {self.section}{refs}"


class Positions(Mapping[str, tuple[int, int]]):
    """Where things are written in a deck file: name -> ``(line, col)``, read-only.

    Kept as one compact string (``name:line:col;name:line:col...``) and turned
    into a dict only when read: a warm start loads every card from the JSON
    cache and must not pay for positions that only the linter reads.
    """

    __slots__ = ("_map", "_text")

    def __init__(self, text: str = "") -> None:
        self._text = text
        self._map: dict[str, tuple[int, int]] | None = None

    @classmethod
    def of(cls, positions: Mapping[str, tuple[int, int]]) -> Positions:
        """From a mapping; names may not hold ``;``."""
        return cls(";".join(f"{name}:{line}:{col}" for name, (line, col) in positions.items()))

    def _dict(self) -> dict[str, tuple[int, int]]:
        if self._map is None:
            self._map = {}
            for entry in self._text.split(";") if self._text else ():
                name, line, col = entry.rsplit(":", 2)
                self._map[name] = (int(line), int(col))
        return self._map

    def __getitem__(self, name: str) -> tuple[int, int]:
        return self._dict()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return f"Positions({self._dict()!r})"

    def to_json(self) -> str:
        """The compact form (what :class:`Positions` is built from)."""
        return self._text


@dataclass(frozen=True, slots=True)
class Card:
    """One card as written in a deck file.

    ``data`` holds the kind-specific fields, already validated and sanitised
    by the card's kind. One card yields one or more prompts (siblings).
    """

    id: str
    kind: str
    topic: str
    line: int
    data: Mapping[str, Any]
    tags: tuple[str, ...] = ()
    source: Citation | None = None
    explain: str | None = None
    caveat: str | None = None
    """The card's own caveat (overrides the deck's); see :meth:`Deck.caveat_for`."""
    evidence: str | None = None
    """What the card's claim rests on (a key of :data:`studyapp.core.deck.evidence.EVIDENCE`)."""
    siblings: tuple[str, ...] = ()
    """The card's prompt names, filled in by the loader (see ``prompts_of``)."""
    positions: Positions = field(default_factory=Positions)
    """Where things are written, ``(line, col)``, for lint positions: ``""`` is
    the card itself (its first key); then the values of the text fields
    (``question``, ``statement``, ``front``, ``back``, ``text``, ``answer``) and
    of each option (``choices.N``: the option's text; ``distractors.N``)."""

    def position(self, name: str) -> tuple[int, int]:
        """Where field ``name`` is written; the card's own position if unknown."""
        return self.positions.get(name) or (self.line, self.col)

    @property
    def col(self) -> int:
        """The column where the card starts (its first key)."""
        return self.positions.get("", (self.line, 1))[1]


PromptKey = tuple[str, str, str]
"""``(deck id, card id, sibling)``: the identity review history is keyed by."""


@dataclass(frozen=True, slots=True)
class Face:
    """What a prompt shows: the question side and the answer side."""

    front: tuple[Span, ...]
    back: tuple[Span, ...]


def is_dosing(card: Card) -> bool:
    """A dosing card: a ``numeric`` card of topic ``dosing`` or with a syringe."""
    return card.kind == "numeric" and (card.topic == "dosing" or bool(card.data.get("syringe")))


@dataclass(frozen=True, slots=True)
class Deck:
    """A loaded deck: one YAML file."""

    id: str
    title: str
    description: str
    path: str
    cards: tuple[Card, ...]
    sources: Mapping[str, Source] = field(default_factory=dict)
    caveat: str | None = None
    """Shown with the deck's dosing cards that have no caveat of their own."""

    def caveat_for(self, card: Card) -> str | None:
        """The caveat shown once under ``card``'s question: its own, else the deck's
        when ``card`` is a dosing card; ``None`` when neither applies."""
        if card.caveat:
            return card.caveat
        return self.caveat if is_dosing(card) else None

    def card(self, card_id: str) -> Card | None:
        for card in self.cards:
            if card.id == card_id:
                return card
        return None


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The outcome of loading one deck file: the deck, or ``None`` if it has errors."""

    path: str
    deck: Deck | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]
