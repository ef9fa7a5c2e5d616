"""Card search for the browse screen: a small query language, parsed and matched purely.

Syntax (every term must match; case never matters):

* a word, or a ``"quoted phrase"``: found in the card's id, topic, tags or
  the text of any of its prompts (front and back);
* ``tag:X``: the card has tag ``X``;
* ``topic:X``: the card's topic contains ``X``;
* ``kind:X``: the card's kind is ``X`` (``basic``, ``cloze``, ...);
* ``evidence:X``: the card's evidence level is ``X`` (``animal``, ``clinical``,
  ... :data:`studyapp.core.deck.evidence.EVIDENCE`);
* ``is:new|due|learning|review|suspended|leech``: a prompt of the card is in
  that state (``due``: due before the end of today's study day, not suspended);
* ``-term`` negates any of the above (``-is:suspended``, ``-tag:exam``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from studyapp.core.deck.evidence import EVIDENCE
from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import plain
from studyapp.core.study.scheduling import CardState, State

__all__ = [
    "FIELDS",
    "STATES",
    "Query",
    "QueryError",
    "Term",
    "card_flags",
    "card_text",
    "faces_of",
    "filter_cards",
    "matches",
    "parse_query",
]

FIELDS = ("tag", "topic", "kind", "evidence", "is")
"""The ``field:value`` tokens; any other ``a:b`` is searched as plain text."""

STATES = ("new", "due", "learning", "review", "suspended", "leech")
"""The values of ``is:``."""

_TOKEN_RE = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S*))')


class QueryError(ValueError):
    """A query that cannot mean anything (``is:bogus``, ``evidence:rumour``, ``tag:``)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One search term: ``field`` is ``text`` for free text."""

    field: str
    value: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(text: str) -> Query:
    """Parse a search; raise :class:`QueryError` naming the first bad term."""
    terms: list[Term] = []
    for match in _TOKEN_RE.finditer(text):
        negated = match.group(1) == "-"
        field = (match.group(2) or "").lower()
        quoted, bare = match.group(3), match.group(4)
        value = quoted if quoted is not None else bare or ""
        if field and field not in FIELDS:
            # "dose:5mg" is text, not an unknown field.
            value, field = f"{match.group(2)}:{value}", ""
        value = value.strip().lower()
        if field and not value:
            raise QueryError(f"'{field}:' needs a value")
        if field == "is" and value not in STATES:
            raise QueryError(f"unknown state 'is:{value}' (use {', '.join(STATES)})")
        if field == "evidence" and value not in EVIDENCE:
            known = ", ".join(EVIDENCE)
            raise QueryError(f"unknown evidence level 'evidence:{value}' (use {known})")
        if not value:
            continue
        terms.append(Term(field or "text", value, negated))
    return Query(tuple(terms))


def faces_of(card: Card) -> list[tuple[str, Face]]:
    """Every prompt of ``card`` as (sibling, faces), in study order."""
    from studyapp.core.kinds import KINDS

    kind = KINDS[card.kind]
    return [
        (sibling, kind.render(card, sibling)) for sibling in card.siblings or kind.siblings(card)
    ]


def card_text(card: Card, faces: Sequence[tuple[str, Face]] | None = None) -> str:
    """Everything free text searches in, lower-cased: id, topic, tags, every face
    (``faces``: the card's :func:`faces_of`, when already rendered)."""
    parts = [card.id, card.topic, *card.tags]
    for _sibling, face in faces_of(card) if faces is None else faces:
        parts.append(plain(list(face.front)))
        parts.append(plain(list(face.back)))
    return "\n".join(parts).lower()


def card_flags(states: Iterable[CardState], day_end: datetime) -> frozenset[str]:
    """The ``is:`` values true of a card whose prompts have ``states``
    (a prompt never studied has the default, new, state)."""
    flags: set[str] = set()
    for state in states:
        if state.suspended:
            flags.add("suspended")
        if state.leech:
            flags.add("leech")
        if state.state is State.NEW:
            flags.add("new")
        elif state.state is State.REVIEW:
            flags.add("review")
        else:
            flags.add("learning")
        due = state.due if state.state is not State.NEW and not state.suspended else None
        if due is not None and due < day_end:
            flags.add("due")
    return frozenset(flags)


def matches(query: Query, card: Card, text: str, flags: frozenset[str]) -> bool:
    """True when ``card`` (with its :func:`card_text` and :func:`card_flags`)
    matches every term of ``query``."""
    return all(_match(term, card, text, flags) != term.negated for term in query.terms)


def filter_cards(
    query: Query,
    cards: Sequence[Card],
    texts: Mapping[str, str],
    flags: Mapping[str, frozenset[str]],
) -> list[Card]:
    """The cards (in order) that :func:`matches` ``query``, given each card's text and flags
    by card id. Term by term over the cards still in (a keystroke in browse filters a whole
    deck): a free-text, topic or ``is:`` term is one comprehension with no call per card."""
    shown = list(cards)
    for term in query.terms:
        value, keep = term.value, not term.negated
        if term.field == "text":
            shown = [c for c in shown if (value in texts[c.id]) is keep]
        elif term.field == "topic":
            shown = [c for c in shown if (value in c.topic.lower()) is keep]
        elif term.field == "is":
            shown = [c for c in shown if (value in flags[c.id]) is keep]
        else:
            shown = [c for c in shown if _match(term, c, texts[c.id], flags[c.id]) is keep]
    return shown


def _match(term: Term, card: Card, text: str, flags: frozenset[str]) -> bool:
    value = term.value
    if term.field == "text":
        return value in text
    if term.field == "tag":
        return value in _lower(card.tags)
    if term.field == "topic":
        return value in card.topic.lower()
    if term.field == "kind":
        return value == card.kind.lower()
    if term.field == "evidence":
        return value == card.evidence
    return value in flags


def _lower(values: Sequence[str]) -> set[str]:
    return {v.lower() for v in values}
