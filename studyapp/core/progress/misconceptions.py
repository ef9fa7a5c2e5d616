"""The class report's misconceptions: the wrong answers a class gives most.

Rule: pure functions over :class:`AnswerFacts` (the server's wrong answers,
summed over students); options picked count as given, typed answers are
grouped by the app's answer matching (:func:`~studyapp.core.kinds.answer_forms.match_key`),
which only this side knows, so the server counts a group's students once
across its spellings (:func:`spelling_groups` names the groups it must count).
Definitions and the worked example: ``docs/class-report.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from studyapp.core.kinds.answer_forms import match_key

__all__ = ["AnswerFacts", "GroupKey", "Misconception", "misconceptions", "spelling_groups"]


@dataclass(frozen=True)
class AnswerFacts:
    """One wrong answer given to a prompt: an option picked or text typed."""

    deck_id: str
    card_id: str
    sibling: str
    kind: str
    source: str
    """``picked`` or ``typed``."""
    answer: str
    times: int
    students: int
    """How many students gave it."""
    learners: frozenset[str] = frozenset()
    """Typed answers: the students who gave it (to count a group's students once)."""


@dataclass(frozen=True)
class Misconception:
    deck_id: str
    card_id: str
    sibling: str
    kind: str
    source: str
    answer: str
    """The option, or the most frequent spelling of a typed answer's group."""
    times: int
    students: int
    spellings: int = 1
    """Typed answers: how many different spellings the group holds."""


GroupKey = tuple[str, str, str, str]
"""A typed answer's group on a prompt: deck, card, sibling and the spellings' match key."""


def _answer_groups(
    answers: Sequence[AnswerFacts],
) -> dict[tuple[str, str, str, str, str], list[AnswerFacts]]:
    """The answers grouped per prompt, source and answer; typed answers by their
    match key (case, spacing, punctuation and accents do not split a group)."""
    groups: dict[tuple[str, str, str, str, str], list[AnswerFacts]] = defaultdict(list)
    keys: dict[str, str] = {}  # the same text is typed on many cards
    for a in answers:
        key = a.answer
        if a.source == "typed":
            key = keys.get(a.answer) or keys.setdefault(a.answer, match_key(a.answer))
        groups[(a.deck_id, a.card_id, a.sibling, a.source, key)].append(a)
    return groups


def spelling_groups(answers: Sequence[AnswerFacts]) -> dict[GroupKey, list[str]]:
    """The typed answers' groups of two spellings or more, per prompt and match
    key, with their spellings: the groups whose students must be counted once
    across spellings (the server counts them: ``group_students`` of
    :func:`misconceptions`)."""
    return {
        (deck_id, card_id, sibling, key): [a.answer for a in members]
        for (deck_id, card_id, sibling, source, key), members in _answer_groups(answers).items()
        if source == "typed" and len(members) > 1
    }


def misconceptions(
    answers: Sequence[AnswerFacts],
    limit: int = 3,
    group_students: Mapping[GroupKey, int] | None = None,
) -> tuple[Misconception, ...]:
    """Each card's most frequent wrong answers (at most ``limit``), most frequent
    first; typed answers grouped by their match key (case, spacing,
    punctuation and accents do not split a group). A group of several
    spellings counts its students once: from ``group_students`` (per prompt and
    key) where given, else from the answers' ``learners``."""
    # Ranked per card first (most times, then the answer), made only if kept.
    per_card: dict[tuple[str, str, str], list[tuple[int, str, str, str, int, int, int]]] = (
        defaultdict(list)
    )
    for (deck_id, card_id, sibling, source, key), members in _answer_groups(answers).items():
        if len(members) == 1:
            shown = members[0]
            times, students = shown.times, shown.students
        else:
            shown = min(members, key=lambda a: (-a.times, a.answer))
            times = sum(a.times for a in members)
            if group_students is not None:
                students = group_students[(deck_id, card_id, sibling, key)]
            else:
                students = len(frozenset().union(*(a.learners for a in members)))
        per_card[(deck_id, card_id, sibling)].append(
            (-times, shown.answer, shown.kind, source, times, students, len(members))
        )
    out: list[Misconception] = []
    for (deck_id, card_id, sibling), ranked in per_card.items():
        ranked.sort(key=lambda r: (r[0], r[1]))
        out.extend(
            Misconception(deck_id, card_id, sibling, kind, source, answer, times, students, n)
            for _, answer, kind, source, times, students, n in ranked[:limit]
        )
    out.sort(key=lambda m: (-m.times, m.deck_id, m.card_id, m.answer))
    return tuple(out)
