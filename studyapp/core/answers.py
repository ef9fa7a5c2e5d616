"""Free-text answers: normalising what a student typed and matching it to a card's terms.

Written for the ``typed`` kind and reusable by any kind that grades typed text.

**Normalisation** (:func:`normalize`) makes forms that mean the same compare
equal: Unicode compatibility forms (NFKD, so ``µ`` (micro sign) is ``μ`` and
full-width letters are ASCII), case (``casefold``), accents (combining marks
are dropped, so ``Ménière`` is ``meniere``), Greek letters and their names
(``β`` is ``beta``, ``μ`` is ``mu``), hyphens, dashes, slashes and
underscores (word breaks), other punctuation (dropped, except a decimal point
or comma between two digits) and whitespace (collapsed). :func:`match_key`
also drops the spaces, except between two digits, so ``GABA-A``, ``GABA A``
and ``GABAA`` match while ``5 10`` and ``510`` do not.

**Matching** (:func:`judge`) grades a response against a card's accepted
terms, the student's own aliases and the terms other cards accept:

* equal match keys: correct;
* the exact term of another card (``TrkA`` on a ``TrkB`` card): wrong, and
  said so;
* a near miss (a typo) is *almost*, never correct, and only when all of these
  hold:

  - it is within :func:`typo_limit` edits (optimal string alignment: a swap of
    two neighbours is one edit) of one of the card's terms;
  - its numbers are the same (``IL-6`` is not ``IL-10``; numbers are never
    fuzzed);
  - it ends with the term's *final mark*, typed exactly: a final part of one
    or two characters or a Greek letter (``TrkB`` -> ``B``, ``GABA-A`` ->
    ``A``, ``PKC-β`` -> ``beta``);
  - it contains the term's *anchors* exactly, in order: acronyms of two to
    five capitals (``BDNF``, so ``GDNF receptor`` is not a typo of ``BDNF
    receptor``) and Greek letters;
  - it is not as close to a term of another card (within that term's own typo
    limit, at least one edit) as to this card's.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from studyapp.core.grading import Verdict
from studyapp.core.text import parse_inline, plain, sanitize

__all__ = [
    "GREEK_NAMES",
    "MAX_ANSWER_CHARS",
    "Judgement",
    "Reason",
    "Term",
    "char_diff",
    "feedback",
    "judge",
    "match_key",
    "normalize",
    "term",
    "typo_limit",
]

MAX_ANSWER_CHARS = 1_000
"""Longest response graded; the rest is ignored (no term is this long)."""

GREEK_NAMES: dict[str, str] = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
"""Lower-case Greek letters (after case folding) and the names they equal."""

_GREEK_WORDS = frozenset(GREEK_NAMES.values())

_BREAKS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212/\\\u2044\u2215_")
"""Hyphens, dashes, the minus sign, slashes and underscores: word breaks."""

_DROPPED = "\x00"
"""Stands for a dropped character while normalising (``sanitize`` removes real NULs)."""

_NUMBER_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_DROPPED_BETWEEN_DIGITS_RE = re.compile(r"(?<=[0-9])\x00+(?=[0-9])")
_SPACE_NOT_BETWEEN_DIGITS_RE = re.compile(r" (?![0-9])|(?<![0-9]) ")
_NOT_LETTERS_RE = re.compile(r"[0-9., ]")


# ---------------------------------------------------------------- normalising


def normalize(text: str) -> str:
    """The comparable form of ``text``: folded, Greek spelt out, words split by single spaces.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    return _words(_spell_greek(_fold(sanitize(text))))


def match_key(text: str) -> str:
    """What two answers must share to be equal: :func:`normalize` without word spaces.

    A space survives only between two digits, so numbers stay apart.
    """
    return _SPACE_NOT_BETWEEN_DIGITS_RE.sub("", normalize(text))


def _fold(text: str) -> str:
    """Compatibility-decompose and case-fold until stable, then drop combining marks.

    Both steps can undo the other's work on rare characters, hence the loop;
    every character left is stable under both, so folding twice changes nothing.
    """
    for _ in range(4):
        folded = unicodedata.normalize("NFKD", text).casefold()
        if folded == text:
            break
        text = folded
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))


def _spell_greek(text: str) -> str:
    """Replace each Greek letter with its name as a separate word (``β2`` -> `` beta 2``)."""
    return "".join(f" {GREEK_NAMES[ch]} " if ch in GREEK_NAMES else ch for ch in text)


def _words(text: str) -> str:
    """Turn breaks into spaces, digits into ASCII, drop punctuation; collapse spaces."""
    out: list[str] = []
    for index, ch in enumerate(text):
        digit = unicodedata.decimal(ch, None)
        if ch.isspace() or ch in _BREAKS:
            out.append(" ")
        elif digit is not None:
            out.append(str(digit))
        elif ch.isalnum() or (ch in ".," and _decimal_mark(out, text, index)):
            out.append(ch)
        else:
            out.append(_DROPPED)
    joined = _DROPPED_BETWEEN_DIGITS_RE.sub(" ", "".join(out)).replace(_DROPPED, "")
    return " ".join(joined.split())


def _decimal_mark(out: list[str], text: str, index: int) -> bool:
    """Whether the ``.`` or ``,`` at ``text[index]`` sits between two digits."""
    if index + 1 >= len(text) or not out or not out[-1].isdigit():
        return False
    return unicodedata.decimal(text[index + 1], None) is not None


# ---------------------------------------------------------------------- terms


@dataclass(frozen=True, slots=True)
class Term:
    """One answer in the forms matching needs (see :func:`term`)."""

    text: str
    """As written (sanitised, stripped)."""
    key: str
    """Its :func:`match_key`."""
    numbers: tuple[str, ...]
    """The numbers in ``key``, in order (``5-HT1A`` -> ``("5", "1")``)."""
    mark: str = ""
    """The final mark (match key), typed exactly in a near miss; ``""`` if none."""
    mark_text: str = ""
    """The final mark as written (``B`` in ``TrkB``)."""
    anchors: tuple[tuple[str, str], ...] = ()
    """``(match key, as written)`` of the acronyms and Greek letters before the mark."""

    @property
    def display(self) -> str:
        """The text without inline formatting markers, for feedback."""
        return plain(parse_inline(self.text))

    @property
    def stem(self) -> str:
        """The match key without the final mark."""
        return self.key[: len(self.key) - len(self.mark)]


@lru_cache(maxsize=65536)
def term(text: str) -> Term:
    """Analyse one answer (cached: a deck's terms are met again at every grade)."""
    text = sanitize(text).strip()
    key = match_key(text)
    parts = [(part, match_key(part)) for part in _parts(text)]
    parts = [(part, part_key) for part, part_key in parts if part_key]
    mark, mark_text = "", ""
    if parts and _is_mark(parts[-1][1]) and key.endswith(parts[-1][1]):
        mark_text, mark = parts.pop()
    anchors = tuple((part_key, part) for part, part_key in parts if _is_anchor(part, part_key))
    return Term(text, key, tuple(_NUMBER_RE.findall(key)), mark, mark_text, anchors)


def _parts(text: str) -> list[str]:
    """Split a term as written at punctuation and spaces, between letters and
    digits, before a capital that follows a small letter (``TrkB`` -> ``Trk``,
    ``B``) and around Greek letters."""
    parts: list[str] = []
    current: list[str] = []
    previous = ""
    for ch in unicodedata.normalize("NFKC", text):
        kind = _char_kind(ch)
        if kind == "mark":  # a combining accent stays with its letter
            current.append(ch)
            continue
        if not kind or (current and _splits(previous, kind)):
            parts.append("".join(current))
            current = []
        if kind:
            current.append(ch)
            previous = kind
    parts.append("".join(current))
    return [part for part in parts if part]


def _char_kind(ch: str) -> str:
    """``digit``, ``greek``, ``upper``, ``lower``, ``mark`` or ``""`` (punctuation, space)."""
    if unicodedata.category(ch).startswith("M"):
        return "mark"
    if ch.isdecimal():
        return "digit"
    if not ch.isalnum():
        return ""
    if unicodedata.name(ch, "").startswith("GREEK"):
        return "greek"
    return "upper" if ch.isupper() else "lower"


def _splits(previous: str, kind: str) -> bool:
    """Whether a new part starts between characters of these kinds."""
    if (previous, kind) == ("lower", "upper"):
        return True
    separate = ("digit", "greek")
    return previous != kind and (previous in separate or kind in separate)


def _is_mark(part_key: str) -> bool:
    """A final part that changes the term's meaning: one or two characters, or Greek."""
    return len(part_key) <= 2 or part_key in _GREEK_WORDS


def _is_anchor(part: str, part_key: str) -> bool:
    """An acronym of two to five capitals, or a Greek letter (or its name)."""
    acronym = 2 <= len(part) <= 5 and part.isalpha() and part.isupper()
    return acronym or part_key in _GREEK_WORDS


# -------------------------------------------------------------------- judging


def typo_limit(length: int) -> int:
    """Edits a near miss may have against a match key of ``length`` characters.

    None up to 4 characters (``BDNF``/``GDNF``, ``TrkA``/``TrkB``, ``ACh``:
    one edit is another term), one up to 8 (``Selenk`` for ``Selank``), two
    beyond (``brain derived neurotropic factr``).
    """
    if length <= 4:
        return 0
    return 1 if length <= 8 else 2


class Reason(StrEnum):
    """Why a response got its verdict (what the feedback explains)."""

    EXACT = "exact"
    SYNONYM = "synonym"
    ALIAS = "alias"
    TYPO = "typo"
    EMPTY = "empty"
    OTHER_CARD = "other-card"
    """The exact term of another card."""
    NEAR_OTHER_CARD = "near-other-card"
    """A near miss that is as close to another card's term."""
    NUMBERS = "numbers"
    """A near miss whose numbers differ."""
    MARK = "mark"
    """A near miss whose final mark differs."""
    ANCHOR = "anchor"
    """A near miss that misspells an acronym or a Greek letter."""
    NO_MATCH = "no-match"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The outcome of matching one response (see :func:`judge`)."""

    verdict: Verdict
    reason: Reason
    given: Term
    term: Term | None = None
    """The card's term matched or nearly matched (else its first term)."""
    other: Term | None = None
    """Another card's term the response matched or came close to."""
    anchor: str = ""
    """The anchor a near miss misspelt, as written."""


def judge(
    given: str,
    accepted: Sequence[str],
    others: Iterable[str] = (),
    aliases: Iterable[str] = (),
) -> Judgement:
    """Match ``given`` against a card's ``accepted`` terms (the canonical one first).

    ``others`` are the terms other cards accept, ``aliases`` the answers the
    student marked as right for this card (they match exactly, even when
    another card has the same term). Verdicts are ``CORRECT``, ``ALMOST`` or
    ``WRONG``; see the module docstring for the rules.
    """
    response = term(given)
    own = [t for t in map(term, accepted) if t.key]
    if not response.key:
        return Judgement(Verdict.WRONG, Reason.EMPTY, response, own[0] if own else None)
    exact = _exact(response, own, aliases)
    if exact is not None:
        return exact
    own_keys = {t.key for t in own}
    rivals = [t for t in map(term, others) if t.key and t.key not in own_keys]
    for rival in rivals:
        if rival.key == response.key:
            first = own[0] if own else None
            return Judgement(Verdict.WRONG, Reason.OTHER_CARD, response, first, rival)
    return _near_miss(response, own, rivals)


def _exact(response: Term, own: Sequence[Term], aliases: Iterable[str]) -> Judgement | None:
    for index, candidate in enumerate(own):
        if candidate.key == response.key:
            reason = Reason.EXACT if index == 0 else Reason.SYNONYM
            return Judgement(Verdict.CORRECT, reason, response, candidate)
    for alias in map(term, aliases):
        if alias.key == response.key:
            return Judgement(Verdict.CORRECT, Reason.ALIAS, response, alias)
    return None


def _near_miss(response: Term, own: Sequence[Term], rivals: Sequence[Term]) -> Judgement:
    """ALMOST for the closest typo of an own term; else WRONG, saying what blocked it."""
    typos: list[tuple[int, Term]] = []
    blocked: Judgement | None = None
    for candidate in own:
        outcome = _compare(response, candidate)
        if isinstance(outcome, int):
            typos.append((outcome, candidate))
        elif outcome is not None and blocked is None:
            blocked = outcome
    if typos:
        _, best = min(typos, key=lambda pair: pair[0])
        rival = _closer_rival(response, best, rivals)
        if rival is not None:
            return Judgement(Verdict.WRONG, Reason.NEAR_OTHER_CARD, response, best, rival)
        return Judgement(Verdict.ALMOST, Reason.TYPO, response, best)
    if blocked is not None:
        return blocked
    return Judgement(Verdict.WRONG, Reason.NO_MATCH, response, own[0] if own else None)


def _compare(response: Term, candidate: Term) -> int | Judgement | None:
    """The edit distance of a typo of ``candidate``; a WRONG judgement for a near
    miss a rule forbids (numbers, final mark, anchors); ``None`` when not close."""
    loose = max(1, typo_limit(len(candidate.key)))
    close = _distance(response.key, candidate.key, loose) <= loose

    def blocked(reason: Reason, anchor: str = "") -> Judgement:
        return Judgement(Verdict.WRONG, reason, response, candidate, anchor=anchor)

    if response.numbers != candidate.numbers:
        letters = _NOT_LETTERS_RE.sub("", response.key), _NOT_LETTERS_RE.sub("", candidate.key)
        return blocked(Reason.NUMBERS) if _distance(*letters, loose) <= loose else None
    if candidate.mark and not response.key.endswith(candidate.mark):
        return blocked(Reason.MARK) if close else None
    missing = _missing_anchor(response.key, candidate.anchors)
    if missing:
        return blocked(Reason.ANCHOR, missing) if close else None
    stem = response.key[: len(response.key) - len(candidate.mark)]
    limit = typo_limit(len(candidate.stem))
    distance = _distance(stem, candidate.stem, limit)
    return distance if distance <= limit else None


def _missing_anchor(key: str, anchors: Iterable[tuple[str, str]]) -> str:
    """The first anchor (as written) not found in ``key`` in order, or ``""``."""
    position = 0
    for anchor_key, written in anchors:
        found = key.find(anchor_key, position)
        if found < 0:
            return written
        position = found + len(anchor_key)
    return ""


def _closer_rival(response: Term, best: Term, rivals: Iterable[Term]) -> Term | None:
    """Another card's term the response is at least as close to as to ``best``."""
    own_distance = _distance(response.key, best.key, None)
    for rival in rivals:
        limit = max(1, typo_limit(len(rival.key)))
        distance = _distance(response.key, rival.key, limit)
        if distance <= limit and distance <= own_distance:
            return rival
    return None


def _distance(a: str, b: str, cutoff: int | None) -> int:
    """Optimal string alignment distance (``cutoff + 1`` when above ``cutoff``)."""
    # Imported on first use: start-up (and ``studyapp due``) never grades.
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b, score_cutoff=cutoff))


# ------------------------------------------------------------------- feedback


def feedback(judgement: Judgement, canonical: str) -> tuple[str, ...]:
    """Plain-text lines explaining ``judgement``; ``canonical`` is the expected answer."""
    matched = judgement.term
    other = judgement.other.display if judgement.other else ""
    reason = judgement.reason
    if reason is Reason.SYNONYM and matched is not None:
        return (f"accepted: '{matched.display}' is a synonym of '{canonical}'",)
    if reason is Reason.ALIAS:
        return ("accepted: an answer you marked as right",)
    if reason is Reason.TYPO:
        lines = ["almost: check the spelling"]
        if matched is not None and matched.key != term(canonical).key:
            lines.append(f"closest accepted answer: '{matched.display}'")
        return tuple(lines)
    if reason is Reason.EMPTY:
        return ("no answer given" if not judgement.given.text else "no letters or digits given",)
    if reason is Reason.OTHER_CARD:
        return (f"'{other}' is a different term: it answers another question",)
    if reason is Reason.NEAR_OTHER_CARD:
        return (f"too close to '{other}', the answer to another question, to count as a typo",)
    if reason is Reason.NUMBERS and matched is not None:
        expected = ", ".join(matched.numbers) or "none"
        given = ", ".join(judgement.given.numbers) or "none"
        return (f"numbers must match exactly (expected: {expected}; given: {given})",)
    if reason is Reason.MARK and matched is not None:
        return (f"the final '{matched.mark_text}' must match exactly",)
    if reason is Reason.ANCHOR:
        return (f"'{judgement.anchor}' must be typed exactly",)
    return ()


def char_diff(given: str, expected: str) -> tuple[tuple[str, str], ...]:
    """A character diff of ``given`` against ``expected`` (both stripped).

    Runs are ``("=", same)``, ``("-", missing from given)`` and
    ``("+", extra in given)``; a replaced run gives ``-`` then ``+``.
    """
    given, expected = given.strip(), expected.strip()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, given, expected, autojunk=False)
    for op, g1, g2, e1, e2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", given[g1:g2]))
            continue
        if e2 > e1:
            runs.append(("-", expected[e1:e2]))
        if g2 > g1:
            runs.append(("+", given[g1:g2]))
    return tuple(runs)
