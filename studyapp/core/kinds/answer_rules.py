"""Typed answers, step 2: the differences that change the meaning.

Part of the pipeline of :mod:`studyapp.core.kinds.answers`.

The rule of this module: a difference in meaning is never a typo. Each
function compares a response with one accepted term and names the first
meaningful difference it finds, or returns ``None``:

* :func:`opposite`: an opposite-meaning part (:data:`OPPOSITES`: hyper- vs
  hypo-, increase vs decrease, pre- vs post-, ...);
* :func:`quantity_difference`: a comparison (``<`` vs ``>``), a sign (``70``
  vs ``−70``), a number (``0.5`` vs ``5``), a unit (``mcg`` vs ``mg``; IU are
  never syringe units);
* :func:`descriptor_difference`: a stereo descriptor (``(+)`` vs ``(−)``,
  ``R`` vs ``S``, ``D`` vs ``L``, or one left out);
* :func:`letter_difference`: a one-letter word (``T-type`` vs ``L-type``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studyapp.core.kinds.answer_forms import Term, match_key

__all__ = [
    "OPPOSITES",
    "Difference",
    "descriptor_difference",
    "letter_difference",
    "opposite",
    "quantity_difference",
]

OPPOSITES: tuple[tuple[str, str, str, str], ...] = (
    ("hyper", "hypo", "hyper-", "hypo-"),
    ("increas", "decreas", "in-", "de-"),
    ("pre", "post", "pre-", "post-"),
    ("intra", "extra", "intra-", "extra-"),
    ("endo", "exo", "endo-", "exo-"),
    ("sub", "supra", "sub-", "supra-"),
    ("ana", "cata", "ana-", "cata-"),
    ("up", "down", "up-", "down-"),
    ("de", "hyper", "de-", "hyper-"),
    ("positive", "negative", "positive", "negative"),
    ("agonist", "antagonist", "agonist", "antagonist"),
)
"""Opposite-meaning word starts ``(a, b, a as shown, b as shown)``: a response
that becomes an accepted term when one of its words starts with the other of
a pair is the opposite, never a typo (``hypokalaemia`` for ``hyperkalaemia``,
``down-regulation`` for ``upregulation``, ``decrease`` for ``increase``)."""


@dataclass(frozen=True, slots=True)
class Difference:
    """A meaningful difference: the rule (a :class:`~studyapp.core.kinds.answers.Reason`
    value) and what the response has against what the term has, as shown."""

    rule: str
    given: str
    expected: str


def opposite(
    response: Term, candidate: Term, close: Callable[[str, str], bool]
) -> Difference | None:
    """The opposite-meaning part that turns ``response`` into ``candidate``.

    ``close(key, candidate_key)`` says whether a swapped response matches the
    candidate (equal, or within the candidate's typo limit).
    """
    words = response.words
    for index, word in enumerate(words):
        for first, second, first_shown, second_shown in OPPOSITES:
            for have, want, have_shown, want_shown in (
                (first, second, first_shown, second_shown),
                (second, first, second_shown, first_shown),
            ):
                if not word.startswith(have):
                    continue
                swapped = (*words[:index], want + word[len(have) :], *words[index + 1 :])
                if close(match_key(" ".join(swapped)), candidate.key):
                    return Difference("opposite", have_shown, want_shown)
    return None


def quantity_difference(response: Term, candidate: Term) -> Difference | None:
    """The first difference of comparisons, signs, numbers or units, in that order."""
    if response.comparisons != candidate.comparisons:
        return Difference(
            "comparison", _listed(response.comparisons), _listed(candidate.comparisons)
        )
    if response.numbers != candidate.numbers:
        return _number_difference(response.numbers, candidate.numbers)
    if response.units != candidate.units:
        given, expected = _first_different(response.units, candidate.units)
        if "iu" in (given, expected) and {given, expected} & {"units", ""}:
            return Difference("iu", _unit(given), _unit(expected))
        return Difference("units", _unit(given), _unit(expected))
    return None


def descriptor_difference(response: Term, candidate: Term) -> Difference | None:
    """A stereo descriptor that differs or is missing on one side.

    A side with no written letter descriptor reads its single-letter words
    instead (``D binding`` for ``D-binding``, ``S ketamine`` for ``(S)-ketamine``).
    """
    if response.descriptors == candidate.descriptors:
        return None
    given, expected = _stereo(response), _stereo(candidate)
    if given == expected:
        return None
    return Difference("stereo", _listed(given), _listed(expected))


def letter_difference(response: Term, candidate: Term) -> Difference | None:
    """Single-letter words that differ (``T type`` for ``L type``), when the
    response has any (``GABAA`` for ``GABA-A`` is judged as a whole)."""
    if not response.letters or response.letters == candidate.letters:
        return None
    given, expected = _first_different(response.letters, candidate.letters)
    return Difference("letter", given or "none", expected or "none")


def _stereo(value: Term) -> tuple[str, ...]:
    symbols = tuple(_descriptor(d) for d in value.descriptors if d.startswith("("))
    letters = tuple(d for d in value.descriptors if not d.startswith("("))
    if not letters:
        letters = tuple(letter for letter in value.letters if letter in "DLRS")
    return symbols + letters


def _number_difference(given: Sequence[str], expected: Sequence[str]) -> Difference:
    """``sign`` when only signs differ, else ``numbers`` (the differing ones shown)."""
    if len(given) == len(expected):
        pairs = [(g, e) for g, e in zip(given, expected, strict=True) if g != e]
        if all(g.lstrip("-") == e.lstrip("-") for g, e in pairs):
            return Difference(
                "sign",
                ", ".join(_signed(g) for g, _ in pairs),
                ", ".join(_signed(e) for _, e in pairs),
            )
        return Difference(
            "numbers",
            ", ".join(_number(g) for g, _ in pairs),
            ", ".join(_number(e) for _, e in pairs),
        )
    return Difference(
        "numbers", _listed(tuple(map(_number, given))), _listed(tuple(map(_number, expected)))
    )


def _first_different(a: Sequence[str], b: Sequence[str]) -> tuple[str, str]:
    for x, y in zip(a, b, strict=False):
        if x != y:
            return x, y
    return (a[len(b)] if len(a) > len(b) else ""), (b[len(a)] if len(b) > len(a) else "")


def _listed(items: Sequence[str]) -> str:
    return ", ".join(items) or "none"


def _number(number: str) -> str:
    """A number as shown: a real minus sign."""
    return "−" + number[1:] if number.startswith("-") else number


def _signed(number: str) -> str:
    """A number whose sign is the point: ``+70`` or ``−70``."""
    return _number(number) if number.startswith("-") else f"+{number}"


def _unit(unit: str) -> str:
    return {"iu": "IU", "ml": "mL", "": "no unit"}.get(unit, unit)


def _descriptor(descriptor: str) -> str:
    return "(−)" if descriptor == "(-)" else descriptor
