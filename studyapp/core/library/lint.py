"""Deck lints: card-quality warnings found after loading, within and across decks.

The loader reports what makes a deck unusable (errors) and a few warnings it
can see in one card as it reads it. The rules here need loaded cards, or
several cards at once: the same question asked twice (in one deck or across
decks), an answer written in its own question, a cloze deletion shown
unhidden, options a student cannot tell apart, sources nobody cites. Each
diagnostic points at the offending value (``Card.positions``), not just at
the card. The rules are listed in :data:`studyapp.core.deck.rules.RULES`.

Pure: no I/O. ``studyapp check`` runs :func:`lint_library` after loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from studyapp.core.deck.model import Card, Deck, Diagnostic, LoadResult, Severity
from studyapp.core.deck.text import sanitize
from studyapp.core.kinds import KINDS, numeric
from studyapp.core.kinds.answer_forms import fold_words, match_key
from studyapp.core.kinds.cloze import Deletion, parse_deletions
from studyapp.core.library import Library

__all__ = ["MIN_CLOZE_CHARS", "MIN_LEAK_CHARS", "lint_decks", "lint_library"]

MIN_LEAK_CHARS = 4
_OPTION_LINE = re.compile(r"^[A-Z]\. ", re.MULTILINE)
"""A lettered option line ("A. GABA-T"), as exports lay out choice and true/false cards."""
"""An answer of one word is looked for in its question only from this many
letters and digits (shorter ones, "two", "day", match by chance)."""
MIN_CLOZE_CHARS = 3
"""The same for a one-word cloze deletion looked for in the rest of its card."""
QUOTE_CHARS = 60
"""Deck text quoted in a message is cut to this length."""

_SIGN_RE = re.compile(r"(?<!\w)([+\-\u2212])(?=[0-9])")


@dataclass(frozen=True, slots=True)
class _Seen:
    path: str
    line: int
    card: str


class _Linter:
    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def warning(self, path: str, where: tuple[int, int], message: str, rule: str) -> None:
        self.report(path, where, message, rule, Severity.WARNING)

    def report(
        self, path: str, where: tuple[int, int], message: str, rule: str, severity: Severity
    ) -> None:
        message = " ".join(sanitize(message).splitlines())  # it quotes deck text
        self.items.append(Diagnostic(path, where[0], where[1], severity, message, rule))


def lint_decks(decks: Sequence[Deck]) -> list[Diagnostic]:
    """Every lint warning of ``decks`` (loaded, in discovery order), deck by deck."""
    out = _Linter()
    questions: dict[str, _Seen] = {}
    for deck in decks:
        for card in deck.cards:
            _duplicate_questions(out, deck, card, questions)
            _answer_in_question(out, deck, card)
            _cloze_unhidden(out, deck, card)
            _similar_choices(out, deck, card)
            _numeric_cases(out, deck, card)
        _unused_sources(out, deck)
    return out.items


def lint_library(library: Library) -> Library:
    """``library`` with the lint warnings of its decks added to each file's
    diagnostics (sorted by position, like the loader's)."""
    found: dict[str, list[Diagnostic]] = {}
    for diagnostic in lint_decks(library.decks):
        found.setdefault(diagnostic.path, []).append(diagnostic)
    results = []
    for result in library.results:
        extra = found.get(result.path)
        if extra and result.deck is not None:
            merged = sorted((*result.diagnostics, *extra), key=lambda d: (d.line, d.col))
            result = LoadResult(result.path, result.deck, tuple(merged))
        results.append(result)
    return Library(tuple(results))


# --------------------------------------------------------------------- text


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    """``text`` compared loosely: case, punctuation, formatting markers, Greek
    letters and spacing do not matter; words stay apart.

    :func:`studyapp.core.kinds.answer_forms.fold_words`, with a fast path for ASCII text
    (most deck text: the general one looks at each character in Python, and
    linting calls it for every question of every deck).
    """
    if not text.isascii():
        return fold_words(text)
    text = _NOT_WORD_RE.sub("\0", sanitize(text).lower().translate(_BREAKS))
    text = _LOOSE_MARK_RE.sub("\0", text)
    text = _DROPPED_BETWEEN_DIGITS_RE.sub(" ", text).replace("\0", "")
    return " ".join(text.split())


_BREAKS = str.maketrans("-/\\_", "    ")
"""ASCII word breaks (hyphen, slashes, underscore) become spaces."""
_NOT_WORD_RE = re.compile(r"[^a-z0-9\s.,]")
"""Dropped (marked ``\\0`` first: between two digits, a dropped run is a space)."""
_LOOSE_MARK_RE = re.compile(r"(?<![0-9])[.,]|[.,](?![0-9])")
"""A ``.`` or ``,`` that is not a decimal mark between two digits (dropped too)."""
_DROPPED_BETWEEN_DIGITS_RE = re.compile(r"(?<=[0-9])\0+(?=[0-9])")


def _worth(key: str, minimum: int) -> bool:
    """Whether an answer is long enough to look for: several words, or one of
    at least ``minimum`` letters and digits."""
    return " " in key or len(key) >= minimum


def _contains(haystack: str, needle: str) -> bool:
    """Whole-word containment of normalised texts."""
    return bool(needle) and f" {needle} " in f" {haystack} "


# ---------------------------------------------------------- what is asked


def _asked(card: Card) -> Iterator[tuple[str, str, str]]:
    """``(field, text, comparison key)`` of each question the card asks.

    A reversible card asks its front and its back; a cloze its sentence (the
    deletions filled in); an ordering or matching card is the same question
    only with the same items.
    """
    data = card.data
    if card.kind == "reversible":
        yield "front", data["front"], _key(data["front"])
        yield "back", data["back"], _key(data["back"])
        return
    if card.kind == "cloze":
        text = _cloze_plain(data["text"])
        yield "text", data["text"], _key(text)
        return
    field = _question_field(card)
    if field is None:
        return
    key = _key(data[field])
    if card.kind == "ordering":
        key += "\0" + "\0".join(sorted(_key(item) for item in data["items"]))
    elif card.kind == "matching":
        key += "\0" + "\0".join(sorted(f"{_key(a)}\0{_key(b)}" for a, b in data["pairs"]))
    yield field, data[field], key


def _question_field(card: Card) -> str | None:
    for field in ("question", "statement"):
        if isinstance(card.data.get(field), str):
            return field
    return None


def _cloze_plain(text: str) -> str:
    deletions, _ = parse_deletions(text)
    parts, pos = [], 0
    for deletion in deletions:
        parts += [text[pos : deletion.start], deletion.answer]
        pos = deletion.end
    parts.append(text[pos:])
    return "".join(parts)


def _duplicate_questions(out: _Linter, deck: Deck, card: Card, seen: dict[str, _Seen]) -> None:
    for field, _, key in _asked(card):
        if not key.strip("\0"):
            continue
        where = card.position(field)
        first = seen.setdefault(key, _Seen(deck.path, where[0], card.id))
        if first.card == card.id and first.path == deck.path:
            continue  # the card itself (or its other side)
        what = "asks" if field in ("question", "statement", "text") else f"'{field}' asks"
        message = (
            f"card '{card.id}' {what} the same question as card '{first.card}' "
            f"({first.path}:{first.line})"
        )
        out.warning(deck.path, where, message, "duplicate-question")


# ------------------------------------------------------- answers in questions


def _answer_in_question(out: _Linter, deck: Deck, card: Card) -> None:
    if card.kind == "reversible":
        pairs = [
            ("front", card.data["back"], "the back"),
            ("back", card.data["front"], "the front"),
        ]
        for side, answer, what in pairs:
            if _leaks(card.data[side], answer):
                message = f"{what} '{_quote(answer)}' is written in '{side}', which asks for it"
                out.warning(deck.path, card.position(side), message, "answer-in-question")
        return
    field = _question_field(card)
    if field is None or card.kind == "cloze" or card.kind not in KINDS:
        return
    if card.kind == "basic" and len(_OPTION_LINE.findall(card.data[field])) >= 2:
        return  # a multiple-choice question written out: its answer is one of its options
    answers = KINDS[card.kind].answer_text(card)
    for number, answer in enumerate(answers):
        if _leaks(card.data[field], answer):
            name = _answer_name(card, number)
            message = f"{name} '{_quote(answer)}' is written in the {field}"
            out.warning(deck.path, card.position(field), message, "answer-in-question")
            return  # one warning per card is enough


def _leaks(question: str, answer: str) -> bool:
    key = _key(answer)
    return _worth(key, MIN_LEAK_CHARS) and _contains(_key(question), key)


def _answer_name(card: Card, number: int) -> str:
    if card.kind in ("choice", "select"):
        return "the correct option"
    if card.kind == "typed" and number:
        return "the accepted answer"
    return "the answer"


# ------------------------------------------------------------------- cloze


def _cloze_unhidden(out: _Linter, deck: Deck, card: Card) -> None:
    if card.kind != "cloze":
        return
    text: str = card.data["text"]
    deletions, _ = parse_deletions(text)
    for deletion in deletions:
        key = _key(deletion.answer)
        if not _worth(key, MIN_CLOZE_CHARS):
            continue
        where = _unhidden_in(text, deletions, deletion, key)
        if where:
            message = (
                f"deletion c{deletion.number} '{_quote(deletion.answer)}' is shown unhidden "
                f"{where} while it is asked"
            )
            out.warning(deck.path, card.position("text"), message, "cloze-unhidden")


def _unhidden_in(text: str, deletions: Sequence[Deletion], asked: Deletion, key: str) -> str:
    """Where the answer of deletion ``asked`` shows on its own prompt ("" if nowhere)."""
    number = asked.number
    hints = [d.hint for d in deletions if d.number == number and d.hint]
    if any(_contains(_key(hint), key) for hint in hints):
        return "in its hint"
    for other in deletions:
        if other.number != number and _contains(_key(other.answer), key):
            return f"in deletion c{other.number}"
    parts, pos = [], 0
    for deletion in deletions:
        parts += [text[pos : deletion.start], " | "]
        pos = deletion.end
    parts.append(text[pos:])
    return "in the text" if _contains(_key("".join(parts)), key) else ""


# ----------------------------------------------------------------- options


def _option_key(text: str) -> str:
    """What a student can tell apart: signs before numbers count, punctuation,
    spacing, hyphens and Greek spelling do not."""
    return match_key(_SIGN_RE.sub(lambda m: " plus " if m[1] == "+" else " minus ", text))


def _similar_choices(out: _Linter, deck: Deck, card: Card) -> None:
    if card.kind not in ("choice", "select"):
        return
    texts = [choice["text"] for choice in card.data["choices"]]
    first: dict[str, tuple[int, str]] = {}
    for number, text in enumerate(texts):
        key = _option_key(text)
        if not key:
            continue
        earlier = first.setdefault(key, (number, text))
        if earlier[0] == number:
            continue
        line = card.position(_option_path(card, earlier[0]))[0]
        message = (
            f"option '{_quote(text)}' differs from '{_quote(earlier[1])}' (line {line}) only in "
            "punctuation, spacing, hyphens or Greek letters"
        )
        out.warning(
            deck.path, card.position(_option_path(card, number)), message, "similar-choices"
        )


def _option_path(card: Card, number: int) -> str:
    """The ``Card.positions`` name of option ``number`` of ``card.data["choices"]``."""
    if "choices.0" in card.positions:
        return f"choices.{number}"
    return "answer" if number == 0 else f"distractors.{number - 1}"


# ----------------------------------------------------------------- numeric


def _numeric_cases(out: _Linter, deck: Deck, card: Card) -> None:
    """Impossible cases and fills between a syringe's marks, over a card's params."""
    if card.kind != "numeric":
        return
    field = "formula" if card.data.get("template") is None else "template"
    for finding in numeric.case_problems(card):
        severity = _CASE_RULES[finding.rule]
        out.report(deck.path, card.position(field), finding.message, finding.rule, severity)


_CASE_RULES = {
    "impossible-case": Severity.ERROR,  # check rejects the card: a case no exercise can have
    "between-marks": Severity.WARNING,
    "formula-error": Severity.ERROR,  # inside the grid (its ends are the loader's)
}


# ----------------------------------------------------------------- sources


def _unused_sources(out: _Linter, deck: Deck) -> None:
    cited = [card.source for card in deck.cards if card.source is not None]
    keys = {citation.key for citation in cited}
    sections = {(citation.key, citation.section) for citation in cited}
    for source in deck.sources.values():
        if source.key not in keys:
            message = f"source '{source.key}' is not cited by any card"
            out.warning(deck.path, _at(source.line, source.col), message, "unused-source")
            continue
        for section in source.sections:
            if (source.key, section) not in sections:
                where = source.section_positions.get(section) or _at(source.line, source.col)
                message = (
                    f"section '{_quote(section)}' of source '{source.key}' is not cited by any card"
                )
                out.warning(deck.path, where, message, "unused-source")


def _at(line: int, col: int) -> tuple[int, int]:
    return (line, col) if line else (1, 1)
