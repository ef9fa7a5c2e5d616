"""Free-text answers: matching what a student typed to a card's terms (the grading pipeline).

Written for the ``typed`` kind and reusable by any kind that grades typed text.
Every rule is listed, with an example a test runs, in ``docs/deck-format.md``
("How answers are graded"); the feedback names the rule that decided.

1. **Bounds**: an empty answer, or one longer than :data:`MAX_ANSWER_CHARS`
   (never cut short and graded), is wrong.
2. **Forms** (:mod:`studyapp.core.kinds.answer_forms`): case, spacing, punctuation,
   hyphens, accents, full-width forms, Greek letters and their names do not
   matter; signs, decimal points, comparisons, stereo descriptors and units
   of numbers do. A leading article (``a``, ``an``, ``the``) and a trailing
   generic head noun (``receptor``, ``enzyme``...) may be added or left out.
3. **Correct**: the same form as the card's answer, an ``accept`` entry, or an
   answer the student kept with "I was right". The card's own match wins over
   every rule below.
4. **Opposites** (:mod:`studyapp.core.kinds.answer_rules`): an opposite-meaning part
   (hyper- vs hypo-, increase vs decrease...) is wrong, never a typo.
5. **Another card's term** (its exact form) is wrong, and said so.
6. **Near misses** of one of the card's terms, within :func:`typo_limit`
   edits: wrong, naming the rule, when the comparisons, signs, numbers or
   units differ (numbers are never fuzzed), when the final mark differs (a
   final part of one or two characters or a Greek letter: ``TrkB`` -> ``B``),
   when a stereo descriptor differs or is missing, when a one-letter word
   differs (``T-type`` for ``L-type``), when an anchor (an acronym
   of two to five capitals or a Greek letter) is misspelt, or when the
   response is as close to another card's term; otherwise *almost* (a typo:
   counted wrong, said kindly).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from studyapp.core.deck.text import sanitize
from studyapp.core.kinds.answer_forms import (
    GREEK_NAMES,
    Term,
    core_forms,
    match_key,
    normalize,
    term,
)
from studyapp.core.kinds.answer_rules import (
    Difference,
    descriptor_difference,
    letter_difference,
    opposite,
    quantity_difference,
)
from studyapp.core.kinds.grading import Verdict
from studyapp.core.kinds.units import IU_NOTE

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
"""Longest response graded: a longer one is wrong (no term is this long), never cut short."""

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
    """Why a response got its verdict: the rule that decided (what the feedback explains)."""

    EXACT = "exact"
    SYNONYM = "synonym"
    ALIAS = "alias"
    TYPO = "typo"
    EMPTY = "empty"
    TOO_LONG = "too-long"
    """Longer than :data:`MAX_ANSWER_CHARS`: wrong, never cut short."""
    OPPOSITE = "opposite"
    """An opposite-meaning part (hyper- vs hypo-)."""
    OTHER_CARD = "other-card"
    """The exact term of another card."""
    NEAR_OTHER_CARD = "near-other-card"
    """A near miss that is as close to another card's term."""
    COMPARISON = "comparison"
    """A near miss whose comparison signs differ (``<`` vs ``>``)."""
    SIGN = "sign"
    """A near miss whose numbers differ only in sign."""
    NUMBERS = "numbers"
    """A near miss whose numbers differ."""
    UNITS = "units"
    """A near miss whose numbers carry different units."""
    IU = "iu"
    """IU where syringe units are meant, or the other way round."""
    MARK = "mark"
    """A near miss whose final mark differs."""
    STEREO = "stereo"
    """A near miss whose stereo descriptor differs or is missing."""
    LETTER = "letter"
    """A near miss whose one-letter words differ (``T-type`` for ``L-type``)."""
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
    difference: Difference | None = None
    """What differs, for the rules that compare parts (numbers, opposites...)."""


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
    ``WRONG``; see the module docstring for the rules, in order.
    """
    text = sanitize(given).strip()
    own = [t for t in map(term, accepted) if t.key]
    first = own[0] if own else None
    if len(text) > MAX_ANSWER_CHARS:
        return Judgement(Verdict.WRONG, Reason.TOO_LONG, term(text[:MAX_ANSWER_CHARS]), first)
    response = term(text)
    if not response.key:
        return Judgement(Verdict.WRONG, Reason.EMPTY, response, first)
    exact = _exact(response, own, aliases)
    if exact is not None:
        return exact
    for candidate in own:
        swapped = opposite(_bare(response), _bare(candidate), _swap_matches)
        if swapped is not None:
            return Judgement(
                Verdict.WRONG, Reason.OPPOSITE, response, candidate, difference=swapped
            )
    own_keys = {t.key for t in own}
    rivals = [t for t in map(term, others) if t.key and t.key not in own_keys]
    response_keys = {response.key, _bare(response).key}
    for rival in rivals:
        if rival.key in response_keys:
            return Judgement(Verdict.WRONG, Reason.OTHER_CARD, response, first, rival)
    return _near_miss(response, own, rivals)


def _bare(value: Term) -> Term:
    """The term without a leading article."""
    return term(core_forms(value.text)[0])


def _pairs(response: Term, candidate: Term) -> list[tuple[Term, Term]]:
    """The forms of a response and a term compared: as written, without articles,
    and without a head noun one side has and the other has not."""
    r_bare, r_core, r_head = core_forms(response.text)
    c_bare, c_core, c_head = core_forms(candidate.text)
    pairs = [(response, candidate), (term(r_bare), term(c_bare))]
    if r_head == c_head:  # none, or the same noun (one may be plural)
        pairs.append((term(r_core), term(c_core)))
    elif not c_head:
        pairs.append((term(r_core), term(c_bare)))
    elif not r_head:
        pairs.append((term(r_bare), term(c_core)))
    return pairs


def _exact(response: Term, own: Sequence[Term], aliases: Iterable[str]) -> Judgement | None:
    for index, candidate in enumerate(own):
        if any(r.key == c.key for r, c in _pairs(response, candidate)):
            reason = Reason.EXACT if index == 0 else Reason.SYNONYM
            return Judgement(Verdict.CORRECT, reason, response, candidate)
    for alias in map(term, aliases):
        if alias.key == response.key:
            return Judgement(Verdict.CORRECT, Reason.ALIAS, response, alias)
    return None


def _swap_matches(key: str, candidate_key: str) -> bool:
    """Whether a response with an opposite part swapped is the candidate (or a typo of it)."""
    limit = typo_limit(len(candidate_key))
    return _distance(key, candidate_key, limit) <= limit


def _near_miss(response: Term, own: Sequence[Term], rivals: Sequence[Term]) -> Judgement:
    """WRONG when a rule forbids a near miss of an own term (the rule named);
    else ALMOST for the closest typo; else WRONG."""
    typos: list[tuple[int, Term]] = []
    for candidate in own:
        for compared, against in reversed(_pairs(response, candidate)):
            outcome = _compare(compared, against)
            if isinstance(outcome, int):
                typos.append((outcome, candidate))
            elif outcome is not None:
                reason, anchor, difference = outcome
                return Judgement(
                    Verdict.WRONG, reason, response, candidate, anchor=anchor, difference=difference
                )
    if typos:
        _, best = min(typos, key=lambda pair: pair[0])
        rival = _closer_rival(response, best, rivals)
        if rival is not None:
            return Judgement(Verdict.WRONG, Reason.NEAR_OTHER_CARD, response, best, rival)
        return Judgement(Verdict.ALMOST, Reason.TYPO, response, best)
    return Judgement(Verdict.WRONG, Reason.NO_MATCH, response, own[0] if own else None)


Blocked = tuple[Reason, str, Difference | None]
"""A near miss a rule forbids: the rule, the anchor misspelt, what differs."""


def _compare(response: Term, candidate: Term) -> int | Blocked | None:
    """The edit distance of a typo of ``candidate``; the rule that forbids a near
    miss (comparisons, signs, numbers, units, final mark, stereo descriptors,
    anchors, in that order); ``None`` when not close."""
    loose = max(1, typo_limit(len(candidate.key)))
    if _distance(response.skeleton, candidate.skeleton, loose) > loose:
        return None
    difference = quantity_difference(response, candidate)
    if difference is not None:
        return Reason(difference.rule), "", difference
    close = _distance(response.key, candidate.key, loose) <= loose
    if candidate.mark and not response.key.endswith(candidate.mark):
        return (Reason.MARK, "", None) if close else None
    difference = descriptor_difference(response, candidate) or letter_difference(
        response, candidate
    )
    if difference is not None:
        return Reason(difference.rule), "", difference
    missing = _missing_anchor(response.key, candidate.anchors)
    if missing:
        return (Reason.ANCHOR, missing, None) if close else None
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
    """Plain-text lines explaining ``judgement``, naming the rule that decided;
    ``canonical`` is the expected answer. Differences read "yours vs expected"."""
    matched = judgement.term
    other = judgement.other.display if judgement.other else ""
    reason = judgement.reason
    difference = judgement.difference
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
    if reason is Reason.TOO_LONG:
        return (f"too long: an answer over {MAX_ANSWER_CHARS:,} characters is not graded",)
    if reason is Reason.OTHER_CARD:
        return (f"'{other}' is a different term: it answers another question",)
    if reason is Reason.NEAR_OTHER_CARD:
        return (f"too close to '{other}', the answer to another question, to count as a typo",)
    if reason is Reason.MARK and matched is not None:
        return (f"the final '{matched.mark_text}' must match exactly",)
    if reason is Reason.ANCHOR:
        return (f"'{judgement.anchor}' must be typed exactly",)
    if reason is Reason.IU:
        return (IU_NOTE,)
    if difference is not None:
        return (f"{_DIFFERENCE_LINES[reason]}: {difference.given} vs {difference.expected}",)
    return ()


_DIFFERENCE_LINES = {
    Reason.OPPOSITE: "opposite",
    Reason.COMPARISON: "the comparison must match",
    Reason.SIGN: "the sign must match",
    Reason.NUMBERS: "numbers must match",
    Reason.UNITS: "units must match",
    Reason.STEREO: "the stereo descriptor must match",
    Reason.LETTER: "the letter must match",
}


def char_diff(given: str, expected: str) -> tuple[tuple[str, str], ...]:
    """A character diff of ``given`` against ``expected`` (both stripped).

    Runs are ``("=", same)``, ``("-", missing from given)`` and
    ``("+", extra in given)``; a replaced run gives ``-`` then ``+``. Case
    does not count (``tuftsin`` matches ``Tuftsin``); equal runs show the
    letters as the student typed them.
    """
    given, expected = given.strip(), expected.strip()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(
        None, [ch.casefold() for ch in given], [ch.casefold() for ch in expected], autojunk=False
    )
    for op, g1, g2, e1, e2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", given[g1:g2]))
            continue
        if e2 > e1:
            runs.append(("-", expected[e1:e2]))
        if g2 > g1:
            runs.append(("+", given[g1:g2]))
    return tuple(runs)
