"""The ``ordering`` and ``matching`` kinds: loading, checks, shuffles and positional grading."""

from __future__ import annotations

import itertools
import json
import math
from random import Random
from textwrap import dedent, indent
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.deck.model import Card
from studyapp.core.deck.text import plain
from studyapp.core.kinds import get_kind, matching, ordering
from studyapp.core.kinds._options import normalize, not_identity_permutation
from studyapp.core.kinds.grading import (
    DeckContext,
    Interaction,
    ItemResult,
    Question,
    Verdict,
    interaction_of,
)
from studyapp.core.library.loader import load_deck_bytes

HEADER = "deck: d\ntitle: T\ncards:\n"


def problems(kind: str, body: str) -> list[str]:
    """The diagnostics of one card whose kind-specific ``body`` starts at line 7, col 5."""
    text = HEADER + f"  - id: c\n    topic: t\n    kind: {kind}\n" + indent(dedent(body), "    ")
    return [d.format() for d in load_deck_bytes(text.encode(), "d.yaml").diagnostics]


def one_card(kind: str, body: str) -> Card:
    text = HEADER + f"  - id: c\n    topic: t\n    kind: {kind}\n" + indent(dedent(body), "    ")
    result = load_deck_bytes(text.encode(), "d.yaml")
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    return result.deck.cards[0]


def card_from(kind: str, data: dict[str, Any]) -> Card:
    """A card built from a JSON deck (JSON is YAML) through the real loader."""
    deck = {"deck": "d", "title": "T", "cards": [{"id": "c", "topic": "t", "kind": kind, **data}]}
    result = load_deck_bytes(json.dumps(deck).encode(), "d.yaml")
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    return result.deck.cards[0]


def ask(card: Card, seed: int = 0) -> Question:
    kind: Any = get_kind(card.kind)
    question: Question = kind.ask(card, "main", Random(seed), DeckContext("d"))
    return question


def grade(card: Card, question: Question, response: Any) -> Any:
    kind: Any = get_kind(card.kind)
    return kind.grade(card, question, response, DeckContext("d"))


CASCADE = """\
question: Put the BDNF neuroplasticity cascade in order.
items: [BDNF, TrkB, Ras, MAPK/ERK]
"""

PATHWAYS = """\
question: Match each pathway to its receptor or mediator.
pairs:
  - [GABA-A/chloride pathway, GABA-A receptor]
  - [Neuroplasticity pathway, TrkB]
  - {left: Immune regulation pathway, right: STAT3}
"""


def test_the_kinds_are_registered_with_their_interactions() -> None:
    assert interaction_of(get_kind("ordering")) is Interaction.ORDERING
    assert interaction_of(get_kind("matching")) is Interaction.MATCHING
    assert [s.name for s in get_kind("ordering").fields if s.required] == ["question", "items"]
    assert [s.name for s in get_kind("matching").fields if s.required] == ["question", "pairs"]


# ------------------------------------------------------------------ ordering


def test_ordering_loads_its_items_in_order() -> None:
    card = one_card("ordering", CASCADE)
    assert dict(card.data) == {
        "question": "Put the BDNF neuroplasticity cascade in order.",
        "items": ["BDNF", "TrkB", "Ras", "MAPK/ERK"],
    }
    assert card.siblings == ("main",)
    assert ordering.answer_text(card) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "question: Q\nitems: [only]\n",
            ["d.yaml:8:12: error: put at least 2 items in order, found 1 [ordering-too-few]"],
            id="too-few",
        ),
        pytest.param(
            "question: Q\nitems: []\n",
            ["d.yaml:8:12: error: put at least 2 items in order, found 0 [ordering-too-few]"],
            id="empty",
        ),
        pytest.param(
            "question: Q\nitems:\n  - BDNF\n  - TrkB\n  - bdnf\n  - ' trkB'\n",
            [
                "d.yaml:11:9: error: duplicate item 'bdnf' (first at line 9) [duplicate-item]",
                "d.yaml:12:9: error: duplicate item 'trkB' (first at line 10) [duplicate-item]",
            ],
            id="duplicates",
        ),
        pytest.param(
            "question: Q\nitems: [" + ", ".join(f"s{n}" for n in range(13)) + "]\n",
            ["d.yaml:8:12: error: 13 items is too many: at most 12 are shown [ordering-too-many]"],
            id="too-many",
        ),
        pytest.param(
            "question: Q\nitems: [a, {b: c}, '', 2.50, true]\n",
            [
                "d.yaml:8:16: error: item 2 must be text, not a mapping [wrong-type]",
                "d.yaml:8:24: error: item 3 is empty [empty-field]",
                "d.yaml:8:34: error: item 5 must be text, not a boolean"
                " (quote it if you mean the text) [wrong-type]",
            ],
            id="item-types",
        ),
        pytest.param(
            "question: Q\nitems: a, b, c\n",
            ["d.yaml:8:12: error: 'items' must be a list, not text [wrong-type]"],
            id="not-a-list",
        ),
        pytest.param(
            "items: [a, b]\n",
            ["d.yaml:4:5: error: ordering card is missing required key 'question' [missing-key]"],
            id="no-question",
        ),
    ],
)
def test_ordering_check(body: str, expected: list[str]) -> None:
    assert problems("ordering", body) == expected


def test_items_and_pairs_are_sanitised() -> None:
    items = one_card("ordering", 'question: Q\nitems: ["a\\e[2J", "b\\u202e"]\n')
    assert items.data["items"] == ["a[2J", "b"]
    pairs = one_card("matching", 'question: Q\npairs: [["l\\e", r], [x, "y\\x9b"]]\n')
    assert pairs.data["pairs"] == [["l", "r"], ["x", "y"]]


def test_ordering_ask_never_shows_the_correct_order() -> None:
    card = one_card("ordering", CASCADE)
    seen = set()
    for seed in range(200):
        question = ask(card, seed)
        assert question.interaction is Interaction.ORDERING
        assert plain(list(question.prompt)) == card.data["question"]
        assert sorted(question.options) == sorted(card.data["items"])
        assert list(question.options) != card.data["items"]
        assert question == ask(card, seed)
        seen.add(question.options)
    assert len(seen) == math.factorial(4) - 1  # every other order turns up


def test_ordering_of_two_items_is_always_swapped() -> None:
    card = one_card("ordering", "question: Q\nitems: [first, second]\n")
    assert {ask(card, seed).options for seed in range(20)} == {("second", "first")}


def test_ordering_grade_all_right() -> None:
    card = one_card("ordering", CASCADE)
    question = Question(Interaction.ORDERING, (), ("Ras", "BDNF", "MAPK/ERK", "TrkB"))
    result = grade(card, question, (1, 3, 0, 2))
    assert (result.verdict, result.score, result.correct) == (Verdict.CORRECT, 1.0, True)
    assert result.answer == result.expected == "BDNF → TrkB → Ras → MAPK/ERK"


def test_ordering_grade_by_position_with_partial_credit() -> None:
    card = one_card("ordering", CASCADE)
    question = Question(Interaction.ORDERING, (), ("Ras", "BDNF", "MAPK/ERK", "TrkB"))
    result = grade(card, question, (1, 0, 3, 2))  # BDNF, Ras, TrkB, MAPK/ERK
    assert (result.verdict, result.score, result.correct) == (Verdict.PARTIAL, 0.5, False)
    assert result.items == (
        ItemResult("1", "BDNF", "BDNF", True),
        ItemResult("2", "TrkB", "Ras", False),
        ItemResult("3", "Ras", "TrkB", False),
        ItemResult("4", "MAPK/ERK", "MAPK/ERK", True),
    )
    assert result.answer == "BDNF → Ras → TrkB → MAPK/ERK"
    assert result.expected == "BDNF → TrkB → Ras → MAPK/ERK"
    none_right = grade(card, question, (3, 0, 2, 1))  # TrkB, Ras, MAPK/ERK, BDNF
    assert (none_right.verdict, none_right.score) == (Verdict.WRONG, 0.0)


@pytest.mark.parametrize("response", [(0, 1, 2), (0, 1, 2, 2), (0, 1, 2, 4), [0, 1, 2, 3], 0])
def test_ordering_grade_rejects_a_malformed_response(response: object) -> None:
    card = one_card("ordering", CASCADE)
    with pytest.raises(ValueError):
        grade(card, ask(card), response)


def test_ordering_preview_is_scrambled_and_the_back_is_numbered() -> None:
    face = get_kind("ordering").render(one_card("ordering", CASCADE), "main")
    front = plain(list(face.front)).splitlines()
    assert front[0] == "Put the BDNF neuroplasticity cascade in order."
    assert sorted(line[3:] for line in front[1:]) == ["BDNF", "MAPK/ERK", "Ras", "TrkB"]
    assert [line[3:] for line in front[1:]] != ["BDNF", "TrkB", "Ras", "MAPK/ERK"]
    assert [line[:3] for line in front[1:]] == ["A. ", "B. ", "C. ", "D. "]
    assert plain(list(face.back)) == "1. BDNF\n2. TrkB\n3. Ras\n4. MAPK/ERK"


# ------------------------------------------------------------------ matching


def test_matching_loads_list_and_mapping_pairs() -> None:
    card = one_card("matching", PATHWAYS)
    assert dict(card.data) == {
        "question": "Match each pathway to its receptor or mediator.",
        "pairs": [
            ["GABA-A/chloride pathway", "GABA-A receptor"],
            ["Neuroplasticity pathway", "TrkB"],
            ["Immune regulation pathway", "STAT3"],
        ],
    }
    assert card.siblings == ("main",)
    assert matching.answer_text(card) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "question: Q\npairs:\n  - [a, b]\n",
            ["d.yaml:9:7: error: a matching needs at least 2 pairs, found 1 [matching-too-few]"],
            id="too-few",
        ),
        pytest.param(
            "question: Q\npairs:\n  - [a, b, c]\n  - just text\n  - [a]\n  - {left: x, rihgt: y}\n"
            "  - {left: z}\n",
            [
                "d.yaml:9:9: error: pair 1 must be a [left, right] list or a {left, right}"
                " mapping, not 3 items [matching-bad-pair]",
                "d.yaml:10:9: error: pair 2 must be a [left, right] list or a {left, right}"
                " mapping, not text [matching-bad-pair]",
                "d.yaml:11:9: error: pair 3 must be a [left, right] list or a {left, right}"
                " mapping, not 1 items [matching-bad-pair]",
                "d.yaml:12:19: error: unknown key 'rihgt' in pair 4; did you mean 'right'?"
                " [unknown-key]",
                "d.yaml:13:9: error: pair 5 is missing required key 'right' [missing-key]",
            ],
            id="bad-pairs",
        ),
        pytest.param(
            "question: Q\npairs:\n  - [GABA-A, chloride]\n  - [TrkB, BDNF]\n"
            "  - [gaba-a, STAT3]\n  - [Sigma, ' bdnf']\n",
            [
                "d.yaml:11:10: error: duplicate left item 'gaba-a' (first at line 9)"
                " [duplicate-item]",
                "d.yaml:12:17: error: duplicate right item 'bdnf' (first at line 10)"
                " [duplicate-item]",
            ],
            id="duplicates",
        ),
        pytest.param(
            "question: Q\npairs:\n  - [a, '']\n  - [[x], b]\n",
            [
                "d.yaml:9:13: error: the right of pair 1 is empty [empty-field]",
                "d.yaml:10:10: error: the left of pair 2 must be text, not a list [wrong-type]",
            ],
            id="sides",
        ),
        pytest.param(
            "question: Q\npairs:\n" + "".join(f"  - [l{n}, r{n}]\n" for n in range(13)),
            ["d.yaml:9:7: error: 13 pairs is too many: at most 12 are shown [matching-too-many]"],
            id="too-many",
        ),
        pytest.param(
            "question: Q\npairs: {a: b, c: d}\n",
            ["d.yaml:8:12: error: 'pairs' must be a list, not a mapping [wrong-type]"],
            id="not-a-list",
        ),
    ],
)
def test_matching_check(body: str, expected: list[str]) -> None:
    assert problems("matching", body) == expected


def test_matching_ask_shuffles_both_columns() -> None:
    card = one_card("matching", PATHWAYS)
    lefts, rights = set(), set()
    for seed in range(100):
        question = ask(card, seed)
        assert question.interaction is Interaction.MATCHING
        assert sorted(question.options) == sorted(left for left, _ in card.data["pairs"])
        assert sorted(question.targets) == sorted(right for _, right in card.data["pairs"])
        assert question == ask(card, seed)
        lefts.add(question.options)
        rights.add(question.targets)
    assert len(lefts) == len(rights) == 6


MATCH_QUESTION = Question(
    Interaction.MATCHING,
    (),
    ("Neuroplasticity pathway", "Immune regulation pathway", "GABA-A/chloride pathway"),
    targets=("STAT3", "GABA-A receptor", "TrkB"),
)


def test_matching_grade_all_right() -> None:
    result = grade(one_card("matching", PATHWAYS), MATCH_QUESTION, (2, 0, 1))
    assert (result.verdict, result.score, result.correct) == (Verdict.CORRECT, 1.0, True)
    assert result.expected == (
        "GABA-A/chloride pathway → GABA-A receptor; Neuroplasticity pathway → TrkB;"
        " Immune regulation pathway → STAT3"
    )


def test_matching_grade_per_pair_with_an_unanswered_item() -> None:
    result = grade(one_card("matching", PATHWAYS), MATCH_QUESTION, (2, 1, -1))
    assert (result.verdict, result.correct) == (Verdict.PARTIAL, False)
    assert result.score == pytest.approx(1 / 3)
    assert result.items == (
        ItemResult("Neuroplasticity pathway", "TrkB", "TrkB", True),
        ItemResult("Immune regulation pathway", "STAT3", "GABA-A receptor", False),
        ItemResult("GABA-A/chloride pathway", "GABA-A receptor", None, False),
    )
    assert result.answer == (
        "Neuroplasticity pathway → TrkB; Immune regulation pathway → GABA-A receptor;"
        " GABA-A/chloride pathway → ?"
    )
    nothing = grade(one_card("matching", PATHWAYS), MATCH_QUESTION, (-1, -1, -1))
    assert (nothing.verdict, nothing.score) == (Verdict.WRONG, 0.0)


def test_matching_two_items_on_one_target_score_at_most_one() -> None:
    result = grade(one_card("matching", PATHWAYS), MATCH_QUESTION, (2, 2, 2))
    assert [item.ok for item in result.items] == [True, False, False]


@pytest.mark.parametrize("response", [(0, 1), (0, 1, 3), (0, 1, -2), (0, 1, True), 1])
def test_matching_grade_rejects_a_malformed_response(response: object) -> None:
    with pytest.raises(ValueError):
        grade(one_card("matching", PATHWAYS), MATCH_QUESTION, response)


def test_matching_grade_rejects_a_question_of_another_card() -> None:
    other = Question(Interaction.MATCHING, (), ("x", "y"), targets=("a", "b"))
    with pytest.raises(ValueError, match="not a left item"):
        grade(one_card("matching", PATHWAYS), other, (0, 1))


def test_matching_preview_letters_left_and_numbers_right() -> None:
    face = get_kind("matching").render(one_card("matching", PATHWAYS), "main")
    front = plain(list(face.front)).splitlines()
    assert front[:4] == [
        "Match each pathway to its receptor or mediator.",
        "A. GABA-A/chloride pathway",
        "B. Neuroplasticity pathway",
        "C. Immune regulation pathway",
    ]
    assert sorted(line[3:] for line in front[4:]) == ["GABA-A receptor", "STAT3", "TrkB"]
    assert [line[:3] for line in front[4:]] == ["1. ", "2. ", "3. "]
    assert plain(list(face.back)) == (
        "GABA-A/chloride pathway → GABA-A receptor\n"
        "Neuroplasticity pathway → TrkB\n"
        "Immune regulation pathway → STAT3"
    )


# ---------------------------------------------------------------- properties

TEXTS = st.lists(
    st.text(alphabet="abcXYZ -1", min_size=1, max_size=8).map(str.strip).filter(bool),
    min_size=2,
    max_size=12,
    unique_by=normalize,
)
SEEDS = st.integers(0, 2**32)


@given(size=st.integers(0, 12), seed=SEEDS)
def test_not_identity_permutation_is_a_permutation_that_moves_something(
    size: int, seed: int
) -> None:
    order = not_identity_permutation(size, Random(seed))
    assert sorted(order) == list(range(size))
    assert (order == tuple(range(size))) is (size < 2)


def test_not_identity_permutation_draws_every_other_permutation_evenly() -> None:
    rng = Random(1)
    counts: dict[tuple[int, ...], int] = {}
    for _ in range(5_000):
        order = not_identity_permutation(3, rng)
        counts[order] = counts.get(order, 0) + 1
    assert set(counts) == set(itertools.permutations(range(3))) - {(0, 1, 2)}
    assert all(800 < n < 1200 for n in counts.values())


@settings(max_examples=80, deadline=None)
@given(items=TEXTS, seed=SEEDS, data=st.data())
def test_ordering_grading_scores_the_share_of_right_positions(
    items: list[str], seed: int, data: st.DataObject
) -> None:
    card = card_from("ordering", {"question": "Q", "items": items})
    question = ask(card, seed)
    assert sorted(question.options) == sorted(items)
    assert list(question.options) != items
    right = tuple(question.options.index(item) for item in items)
    best = grade(card, question, right)
    assert (best.verdict, best.score) == (Verdict.CORRECT, 1.0)
    response = tuple(data.draw(st.permutations(range(len(items)))))
    result = grade(card, question, response)
    positions = sum(question.options[r] == item for r, item in zip(response, items, strict=True))
    assert result.score == positions / len(items)
    assert result.correct is (response == right)
    assert [item.ok for item in result.items].count(True) == positions


@settings(max_examples=80, deadline=None)
@given(lefts=TEXTS, seed=SEEDS, data=st.data())
def test_matching_grading_scores_the_share_of_right_pairs(
    lefts: list[str], seed: int, data: st.DataObject
) -> None:
    rights = [f"r {text}" for text in reversed(lefts)]
    pairs = [list(pair) for pair in zip(lefts, rights, strict=True)]
    card = card_from("matching", {"question": "Q", "pairs": pairs})
    question = ask(card, seed)
    assert sorted(question.options) == sorted(lefts)
    assert sorted(question.targets) == sorted(rights)
    answer = dict(zip(lefts, rights, strict=True))
    right = tuple(question.targets.index(answer[left]) for left in question.options)
    best = grade(card, question, right)
    assert (best.verdict, best.score) == (Verdict.CORRECT, 1.0)
    size = len(lefts)
    response = tuple(data.draw(st.lists(st.integers(-1, size - 1), min_size=size, max_size=size)))
    result = grade(card, question, response)
    matched = sum(r == best_r for r, best_r in zip(response, right, strict=True))
    assert result.score == matched / size
    assert result.correct is (response == right)
    expected_verdict = (
        Verdict.CORRECT if matched == size else Verdict.PARTIAL if matched else Verdict.WRONG
    )
    assert result.verdict is expected_verdict
