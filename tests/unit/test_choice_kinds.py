"""The choice kinds: ``choice`` (single answer), ``select`` (all that apply), ``truefalse``.

Cards are loaded from YAML through the real loader; deck problems are
compared as the exact ``path:line:col`` lines ``studyapp check`` prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from random import Random
from textwrap import dedent, indent
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.deck.model import Card, Deck
from studyapp.core.deck.text import plain
from studyapp.core.kinds import choice, get_kind, select, truefalse
from studyapp.core.kinds._options import normalize
from studyapp.core.kinds.grading import (
    DeckContext,
    Interaction,
    ItemResult,
    Question,
    Verdict,
    interaction_of,
)
from studyapp.core.library import result_from_json, result_to_json
from studyapp.core.library.loader import LoadResult, load_deck_bytes

HEADER = "deck: d\ntitle: T\ncards:\n"


def load(text: str) -> LoadResult:
    return load_deck_bytes(dedent(text).encode(), "d.yaml")


def problems(kind: str, body: str) -> list[str]:
    """The diagnostics of one card whose kind-specific ``body`` starts at line 7, col 5."""
    text = HEADER + f"  - id: c\n    topic: t\n    kind: {kind}\n" + indent(dedent(body), "    ")
    return [d.format() for d in load(text).diagnostics]


def deck_of(text: str) -> Deck:
    result = load(HEADER + dedent(text))
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    return result.deck


def one_card(kind: str, body: str) -> Card:
    text = f"- id: c\n  topic: t\n  kind: {kind}\n  explain: Because.\n"
    return deck_of(indent(text + indent(dedent(body), "  "), "  ")).cards[0]


def ask(card: Card, seed: int = 0, context: DeckContext | None = None) -> Question:
    kind: Any = get_kind(card.kind)
    question: Question = kind.ask(card, "main", Random(seed), context or DeckContext("d"))
    return question


def grade(card: Card, question: Question, response: Any, context: DeckContext | None = None) -> Any:
    kind: Any = get_kind(card.kind)
    return kind.grade(card, question, response, context or DeckContext("d"))


ENZYME = """\
question: Which enzyme does Selank inhibit to raise synaptic GABA?
choices:
  - text: GABA transaminase
    correct: true
  - text: Glutamic acid decarboxylase
    why: It synthesises GABA; inhibiting it would lower GABA.
  - text: Monoamine oxidase A
    why: It breaks down serotonin and noradrenaline, not GABA.
"""

CYTOKINES = """\
question: Which cytokines does Selank's tuftsin core reduce? (select all)
choices:
  - {text: TNF-alpha, correct: true}
  - {text: IL-6, correct: true, why: A pro-inflammatory cytokine.}
  - {text: IL-10, why: "IL-10 (anti-inflammatory) is enhanced, not reduced."}
  - {text: IL-2}
"""


# ------------------------------------------------------------------ registry


def test_the_kinds_are_registered_with_their_interactions() -> None:
    assert interaction_of(get_kind("choice")) is Interaction.CHOICE
    assert interaction_of(get_kind("select")) is Interaction.MULTI
    assert interaction_of(get_kind("truefalse")) is Interaction.TRUE_FALSE
    for name in ("choice", "select", "truefalse"):
        kind = get_kind(name)
        assert kind.name == name
        assert kind.doc
        assert [s.name for s in kind.fields if s.required] == (
            ["statement", "answer"]
            if name == "truefalse"
            else ["question"]
            if name == "choice"
            else ["question", "choices"]
        )


# -------------------------------------------------------------- choice: load


def test_choice_loads_with_its_choices_and_whys() -> None:
    card = one_card("choice", ENZYME)
    assert card.siblings == ("main",)
    assert dict(card.data) == {
        "question": "Which enzyme does Selank inhibit to raise synaptic GABA?",
        "choices": [
            {"text": "GABA transaminase", "correct": True, "why": None},
            {
                "text": "Glutamic acid decarboxylase",
                "correct": False,
                "why": "It synthesises GABA; inhibiting it would lower GABA.",
            },
            {
                "text": "Monoamine oxidase A",
                "correct": False,
                "why": "It breaks down serotonin and noradrenaline, not GABA.",
            },
        ],
        "auto": False,
        "count": None,
    }
    assert choice.answer_text(card) == ["GABA transaminase"]


def test_choice_with_answer_and_listed_distractors() -> None:
    card = one_card("choice", "question: Q?\nanswer: Right\ndistractors: [Wrong 1, 2.50]\n")
    assert card.data["choices"] == [
        {"text": "Right", "correct": True, "why": None},
        {"text": "Wrong 1", "correct": False, "why": None},
        {"text": "2.50", "correct": False, "why": None},
    ]
    assert card.data["auto"] is False
    assert choice.answer_text(card) == ["Right"]


def test_choice_with_auto_distractors_and_count() -> None:
    card = one_card("choice", "question: Q?\nanswer: Right\ndistractors: auto\ncount: 2\n")
    assert card.data["choices"] == [{"text": "Right", "correct": True, "why": None}]
    assert (card.data["auto"], card.data["count"]) == (True, 2)


def test_card_data_survives_the_json_cache() -> None:
    deck = deck_of(
        """\
        - {id: a, topic: t, kind: choice, question: Q, explain: E,
           choices: [{text: A, correct: true}, {text: B, why: Not B.}]}
        - {id: b, topic: t, kind: choice, question: Q, explain: E, answer: A,
           distractors: auto, count: 2}
        - {id: c, topic: t, kind: select, question: Q, explain: E,
           choices: [{text: A, correct: true}, {text: B, correct: true}, {text: C}]}
        - {id: d, topic: t, kind: truefalse, statement: S, answer: true, explain: E}
        - {id: e, topic: t, question: Q, answer: Z}
        """
    )
    cached = result_from_json(json.loads(json.dumps(result_to_json(LoadResult("d", deck, ())))))
    assert cached.deck is not None
    context = DeckContext.of(deck)
    for before, after in zip(deck.cards[:4], cached.deck.cards, strict=False):
        assert after.data == before.data
        assert ask(after, 3, context) == ask(before, 3, context)


# ------------------------------------------------------------- choice: check


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n  - text: A\n  - text: B\n",
            ["d.yaml:10:7: error: no choice is marked 'correct: true' [choice-no-correct]"],
            id="no-correct",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: A, correct: true}\n  - {text: B, correct: true}\n"
            "  - {text: C, correct: true}\n",
            [
                "d.yaml:11:28: error: 'B' is a second correct choice: a choice card has exactly"
                " one (use kind: select for several correct answers) [choice-many-correct]",
                "d.yaml:12:28: error: 'C' is a second correct choice: a choice card has exactly"
                " one (use kind: select for several correct answers) [choice-many-correct]",
            ],
            id="many-correct",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n  - {text: A, correct: true}\n",
            ["d.yaml:10:7: error: a question needs at least 2 choices, found 1 [choice-too-few]"],
            id="too-few",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices: []\n",
            ["d.yaml:9:14: error: a question needs at least 2 choices, found 0 [choice-too-few]"],
            id="empty",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: GABA transaminase, correct: true}\n"
            "  - {text: MAO}\n"
            "  - {text: ' gaba   Transaminase '}\n",
            [
                "d.yaml:12:16: error: duplicate choice 'gaba   Transaminase' (first at line 10)"
                " [duplicate-choice]"
            ],
            id="duplicate",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n  - GABA transaminase\n  - [x]\n",
            [
                "d.yaml:10:9: error: choice 1 must be a mapping {text, correct, why}, not text"
                " [wrong-type]",
                "d.yaml:11:9: error: choice 2 must be a mapping {text, correct, why}, not a list"
                " [wrong-type]",
            ],
            id="not-mappings",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: A, corect: true}\n  - {correct: true}\n  - {text: C, colour: red}\n",
            [
                "d.yaml:10:19: error: unknown key 'corect' in choice 1; did you mean 'correct'?"
                " [unknown-key]",
                "d.yaml:11:9: error: choice 2 is missing required key 'text' [missing-key]",
                "d.yaml:12:19: error: unknown key 'colour' in choice 3"
                " (allowed: text, correct, why) [unknown-key]",
            ],
            id="keys",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: A, correct: true, why: a, b}\n  - {text: B}\n",
            [
                "d.yaml:10:42: error: unknown key 'b' in choice 1 (allowed: text, correct, why)"
                " [unknown-key]",
            ],
            id="flow-comma",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: A, correct: true, why: not reduced, really}\n  - {text: B}\n",
            [
                "d.yaml:10:52: error: unknown key 'really' in choice 1"
                " (allowed: text, correct, why) [unknown-key]",
            ],
            id="flow-comma-single-word",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: A, correct: true, why: the enzyme, not the receptor}\n  - {text: B}\n",
            [
                "d.yaml:10:51: error: unknown key 'not the receptor' in choice 1"
                " (allowed: text, correct, why); inside {...} a comma ends a value:"
                " quote text that has one [unknown-key]",
            ],
            id="flow-comma-hint",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            "  - {text: A, correct: 'yes'}\n  - {text: '', why: ''}\n  - {text: yes}\n",
            [
                "d.yaml:10:28: error: 'correct' of choice 1 must be true or false, not text"
                " [wrong-type]",
                "d.yaml:11:16: error: 'text' of choice 2 is empty [empty-field]",
                "d.yaml:11:25: error: 'why' of choice 2 is empty [empty-field]",
                "d.yaml:12:16: error: 'text' of choice 3 must be text, not a boolean"
                " (quote it if you mean the text) [wrong-type]",
            ],
            id="values",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            + "".join(f"  - {{text: '{n}', correct: {str(n == 0).lower()}}}\n" for n in range(13)),
            ["d.yaml:10:7: error: 13 options is too many: at most 12 are shown [choice-too-many]"],
            id="too-many",
        ),
        pytest.param(
            "question: Q?\nexplain: E\ncount: 2\nchoices:\n"
            + "".join(f"  - {{text: '{n}', correct: {str(n == 0).lower()}}}\n" for n in range(13)),
            [],
            id="too-many-but-count",
        ),
    ],
)
def test_choice_check(body: str, expected: list[str]) -> None:
    assert problems("choice", body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\nchoices:\n"
            "  - {text: A, correct: true}\n  - {text: B}\n",
            [
                "d.yaml:9:5: error: 'answer' cannot be used with 'choices': give 'choices', or"
                " 'answer' and 'distractors' [choice-conflict]"
            ],
            id="choices-and-answer",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\n",
            [
                "d.yaml:9:5: error: 'answer' needs 'distractors': a list of wrong options, or auto"
                " [missing-key]"
            ],
            id="answer-alone",
        ),
        pytest.param(
            "question: Q?\nexplain: E\ndistractors: auto\n",
            ["d.yaml:9:5: error: 'distractors' needs 'answer': the correct option [missing-key]"],
            id="distractors-alone",
        ),
        pytest.param(
            "question: Q?\nexplain: E\n",
            [
                "d.yaml:4:5: error: choice card needs 'choices', or 'answer' with 'distractors'"
                " [missing-key]"
            ],
            id="no-options",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: automatic\n",
            [
                "d.yaml:10:18: error: 'distractors' must be a list of wrong options or auto;"
                " for one option write [automatic] [wrong-type]"
            ],
            id="distractors-text",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: {a: b}\n",
            [
                "d.yaml:10:18: error: 'distractors' must be text, not a mapping [wrong-type]",
            ],
            id="distractors-mapping-reported-once",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: GABA transaminase\n"
            "distractors: [MAO, GABA  transaminase, mao, '']\n",
            [
                "d.yaml:10:24: error: distractor 'GABA  transaminase' is the answer"
                " [answer-is-distractor]",
                "d.yaml:10:44: error: duplicate distractor 'mao' (first at line 10)"
                " [duplicate-choice]",
                "d.yaml:10:49: error: a distractor is empty [empty-field]",
            ],
            id="distractor-problems",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: []\n",
            [
                "d.yaml:10:18: error: 'distractors' is empty: list wrong options, or write auto"
                " [choice-too-few]"
            ],
            id="no-distractors",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: [B, C]\ncount: 3\n",
            ["d.yaml:11:12: error: 'count' is 3 but there are only 2 wrong options [bad-count]"],
            id="count-over-list",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: auto\ncount: 0\n",
            ["d.yaml:11:12: error: 'count' must be a whole number from 1 to 11, not 0 [bad-count]"],
            id="count-zero",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: auto\ncount: 2.5\n",
            [
                "d.yaml:11:12: error: 'count' must be a whole number from 1 to 11, not 2.5"
                " [bad-count]"
            ],
            id="count-fraction",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nanswer: A\ndistractors: auto\ncount: three\n",
            ["d.yaml:11:12: error: 'count' must be a number, not text [wrong-type]"],
            id="count-text-reported-once",
        ),
    ],
)
def test_choice_check_answer_and_distractors(body: str, expected: list[str]) -> None:
    assert problems("choice", body) == expected


def test_missing_explain_is_a_warning_on_choice_select_and_truefalse() -> None:
    warning = (
        "d.yaml:4:5: warning: add 'explain': it is shown after the answer, right or wrong"
        " [missing-explain]"
    )
    assert problems("choice", "question: Q?\nanswer: A\ndistractors: [B]\n") == [warning]
    assert problems("select", "question: Q?\nchoices: [{text: A, correct: true}, {text: B}]\n") == [
        warning
    ]
    assert problems("truefalse", "statement: S\nanswer: false\n") == [warning]
    result = load(HEADER + "  - {id: c, topic: t, kind: truefalse, statement: S, answer: false}\n")
    assert result.deck is not None  # a warning does not stop the deck


def test_choice_reports_every_problem_of_the_card_at_once() -> None:
    assert problems("choice", "question: ''\nchoices:\n  - {text: A}\n") == [
        "d.yaml:4:5: warning: add 'explain': it is shown after the answer, right or wrong"
        " [missing-explain]",
        "d.yaml:7:15: error: 'question' is empty [empty-field]",
        "d.yaml:9:7: error: a question needs at least 2 choices, found 1 [choice-too-few]",
        "d.yaml:9:7: error: no choice is marked 'correct: true' [choice-no-correct]",
    ]


def test_choice_text_and_why_are_sanitised() -> None:
    card = one_card(
        "choice",
        'question: "Q\\e[2J?"\nchoices:\n'
        '  - {text: "A\\e[31m", correct: true}\n  - {text: B, why: "no\\u202e"}\n',
    )
    assert card.data["question"] == "Q[2J?"
    assert [(c["text"], c["why"]) for c in card.data["choices"]] == [("A[31m", None), ("B", "no")]


# --------------------------------------------------------- choice: ask/grade


def test_choice_ask_shuffles_with_the_rng() -> None:
    card = one_card("choice", ENZYME)
    texts = {"GABA transaminase", "Glutamic acid decarboxylase", "Monoamine oxidase A"}
    orders = set()
    for seed in range(30):
        question = ask(card, seed)
        assert question.interaction is Interaction.CHOICE
        assert plain(list(question.prompt)) == card.data["question"]
        assert set(question.options) == texts
        assert len(question.options) == 3
        assert question == ask(card, seed)  # the same rng state, the same question
        orders.add(question.options)
    assert len(orders) == 6


def test_choice_grade_right() -> None:
    card = one_card("choice", ENZYME)
    question = ask(card, 1)
    right = question.options.index("GABA transaminase")
    result = grade(card, question, right)
    assert (result.verdict, result.score, result.correct) == (Verdict.CORRECT, 1.0, True)
    assert (result.answer, result.expected, result.picked_wrong) == (
        "GABA transaminase",
        "GABA transaminase",
        None,
    )
    assert result.feedback == ()


def test_choice_grade_wrong_breakdown_and_why() -> None:
    card = one_card("choice", ENZYME)
    question = Question(
        Interaction.CHOICE,
        (),
        ("Monoamine oxidase A", "GABA transaminase", "Glutamic acid decarboxylase"),
    )
    result = grade(card, question, 2)
    assert (result.verdict, result.score, result.correct) == (Verdict.WRONG, 0.0, False)
    assert result.picked_wrong == "Glutamic acid decarboxylase"
    assert result.answer == "Glutamic acid decarboxylase"
    assert result.expected == "GABA transaminase"
    assert result.feedback == (
        "Glutamic acid decarboxylase: It synthesises GABA; inhibiting it would lower GABA.",
    )
    assert result.items == (
        ItemResult(
            "Monoamine oxidase A",
            "wrong",
            None,
            True,
            "It breaks down serotonin and noradrenaline, not GABA.",
        ),
        ItemResult("GABA transaminase", "correct", None, False, ""),
        ItemResult(
            "Glutamic acid decarboxylase",
            "wrong",
            "chosen",
            False,
            "It synthesises GABA; inhibiting it would lower GABA.",
        ),
    )


def test_choice_feedback_lists_the_picked_why_then_the_missed_answers_why() -> None:
    card = one_card(
        "choice",
        "question: Q?\nchoices:\n"
        "  - {text: A, correct: true, why: A is the one.}\n  - {text: B, why: B is not.}\n",
    )
    question = Question(Interaction.CHOICE, (), ("A", "B"))
    assert grade(card, question, 1).feedback == ("B: B is not.", "A: A is the one.")


@pytest.mark.parametrize("response", [3, -1, True, "0", frozenset({0}), (0,)])
def test_choice_grade_rejects_a_malformed_response(response: object) -> None:
    card = one_card("choice", ENZYME)
    with pytest.raises(ValueError, match="option index"):
        grade(card, ask(card), response)


def test_choice_listed_distractors_with_count_show_a_sample() -> None:
    card = one_card("choice", "question: Q?\nanswer: R\ndistractors: [W1, W2, W3, W4]\ncount: 2\n")
    seen: set[str] = set()
    for seed in range(40):
        options = ask(card, seed).options
        assert len(options) == 3
        assert "R" in options
        seen.update(options)
    assert seen == {"R", "W1", "W2", "W3", "W4"}


# ------------------------------------------------------ choice: auto drawing

TOPIC_DECK = """\
- {id: auto, topic: mechanism, kind: choice, question: Q?, answer: GABA transaminase,
   distractors: auto, explain: E}
- {id: same-answer, topic: mechanism, question: q1, answer: "gaba   TRANSAMINASE"}
- {id: m1, topic: mechanism, question: q2, answer: TrkB}
- {id: m2, topic: mechanism, question: q3, answer: trkb}
- {id: m3, topic: mechanism, question: q4, answer: Chloride}
- {id: m4, topic: mechanism, kind: reversible, front: f, back: BDNF}
- {id: m5, topic: mechanism, kind: truefalse, statement: s, answer: true, explain: E}
- {id: h1, topic: history, question: q5, answer: Moscow}
- {id: h2, topic: history, question: q6, answer: 1990s}
"""


def test_auto_distractors_come_from_the_same_topic_without_duplicates() -> None:
    deck = deck_of(TOPIC_DECK)
    card = deck.cards[0]
    context = DeckContext.of(deck)
    pool = choice.distractor_pool(card, context)
    assert pool == ["TrkB", "Chloride", "BDNF"]
    drawn_sets = set()
    for seed in range(60):
        question = ask(card, seed, context)
        assert len(question.options) == 4
        assert question.hint is None
        keys = [normalize(option) for option in question.options]
        assert len(set(keys)) == 4
        assert keys.count("gaba transaminase") == 1
        assert set(question.options) - {"GABA transaminase"} <= set(pool)
        drawn_sets.add(frozenset(question.options))
    assert len(drawn_sets) == 1  # 3 of 3: every candidate, in shuffled orders


def test_auto_distractors_count_and_sampling() -> None:
    deck = deck_of(TOPIC_DECK.replace("distractors: auto,", "distractors: auto, count: 2,"))
    card = deck.cards[0]
    context = DeckContext.of(deck)
    drawn: set[str] = set()
    for seed in range(60):
        options = ask(card, seed, context).options
        assert len(options) == 3
        drawn.update(options)
    assert drawn == {"GABA transaminase", "TrkB", "Chloride", "BDNF"}


def test_auto_distractors_with_too_few_candidates_use_what_there_is() -> None:
    deck = deck_of(
        TOPIC_DECK.replace("topic: mechanism, question: q4", "topic: other, question: q4")
    )
    context = DeckContext.of(deck)
    options = ask(deck.cards[0], 5, context).options
    assert sorted(options) == ["BDNF", "GABA transaminase", "TrkB"]


def test_auto_distractors_with_no_candidate_ask_gracefully() -> None:
    deck = deck_of(TOPIC_DECK.split("- {id: same-answer")[0])
    card = deck.cards[0]
    question = ask(card, 0, DeckContext.of(deck))
    assert question.options == ("GABA transaminase",)
    assert question.hint == "no other card of topic 'mechanism' has an answer to offer as an option"
    assert grade(card, question, 0).correct
    assert ask(card, 0).options == ("GABA transaminase",)  # an empty context too


def test_auto_grading_marks_drawn_options_wrong() -> None:
    deck = deck_of(TOPIC_DECK)
    card = deck.cards[0]
    context = DeckContext.of(deck)
    question = ask(card, 7, context)
    wrong = next(i for i, text in enumerate(question.options) if text != "GABA transaminase")
    result = grade(card, question, wrong, context)
    assert result.verdict is Verdict.WRONG
    assert result.picked_wrong == question.options[wrong]
    assert [item.expected for item in result.items].count("correct") == 1
    assert result.feedback == ()


def test_answer_text_feeds_other_cards_but_truefalse_offers_nothing() -> None:
    deck = deck_of(TOPIC_DECK)
    context = DeckContext.of(deck)
    assert context.accepted_by_card["auto"] == ("GABA transaminase",)
    assert context.accepted_by_card["m5"] == ()
    assert [a for _, a in context.answers_by_topic["mechanism"]] == [
        "GABA transaminase",
        "gaba   TRANSAMINASE",
        "TrkB",
        "trkb",
        "Chloride",
        "BDNF",
    ]


# -------------------------------------------------------------------- select


def test_select_loads_and_answer_text_lists_the_correct_choices() -> None:
    card = one_card("select", CYTOKINES)
    assert [c["text"] for c in card.data["choices"]] == ["TNF-alpha", "IL-6", "IL-10", "IL-2"]
    assert select.answer_text(card) == ["TNF-alpha", "IL-6"]
    assert card.siblings == ("main",)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n  - {text: A}\n  - {text: B}\n",
            ["d.yaml:10:7: error: no choice is marked 'correct: true' [choice-no-correct]"],
            id="no-correct",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n  - {text: A, correct: true}\n"
            "  - {text: B, correct: true}\n  - {text: a, cor: false}\n",
            [
                "d.yaml:12:19: error: unknown key 'cor' in choice 3; did you mean 'correct'?"
                " [unknown-key]",
            ],
            id="all-correct-is-fine-unknown-key-is-not",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n  - {text: A, correct: true}\n  - {text: ' a'}\n",
            ["d.yaml:11:16: error: duplicate choice 'a' (first at line 10) [duplicate-choice]"],
            id="duplicate",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices: {text: A}\n",
            ["d.yaml:9:14: error: 'choices' must be a list, not a mapping [wrong-type]"],
            id="not-a-list",
        ),
        pytest.param(
            "question: Q?\nexplain: E\n",
            ["d.yaml:4:5: error: select card is missing required key 'choices' [missing-key]"],
            id="missing",
        ),
        pytest.param(
            "question: Q?\nexplain: E\nchoices:\n"
            + "".join(f"  - {{text: '{n}', correct: true}}\n" for n in range(13)),
            ["d.yaml:10:7: error: 13 choices is too many: at most 12 are shown [choice-too-many]"],
            id="too-many",
        ),
    ],
)
def test_select_check(body: str, expected: list[str]) -> None:
    assert problems("select", body) == expected


SELECT_QUESTION = Question(Interaction.MULTI, (), ("IL-10", "TNF-alpha", "IL-2", "IL-6"))


def test_select_grade_exact_set_is_correct() -> None:
    card = one_card("select", CYTOKINES)
    result = grade(card, SELECT_QUESTION, frozenset({1, 3}))
    assert (result.verdict, result.score, result.correct) == (Verdict.CORRECT, 1.0, True)
    assert (result.answer, result.expected) == ("TNF-alpha; IL-6", "TNF-alpha; IL-6")
    assert result.feedback == ()
    assert all(item.ok for item in result.items)


def test_select_grade_partial_credit_and_breakdown() -> None:
    card = one_card("select", CYTOKINES)
    result = grade(card, SELECT_QUESTION, frozenset({0, 1}))
    assert (result.verdict, result.score, result.correct) == (Verdict.PARTIAL, 0.5, False)
    assert result.items == (
        ItemResult(
            "IL-10",
            "wrong",
            "chosen",
            False,
            "IL-10 (anti-inflammatory) is enhanced, not reduced.",
        ),
        ItemResult("TNF-alpha", "correct", "chosen", True, ""),
        ItemResult("IL-2", "wrong", None, True, ""),
        ItemResult("IL-6", "correct", None, False, "A pro-inflammatory cytokine."),
    )
    assert result.feedback == (
        "IL-10: IL-10 (anti-inflammatory) is enhanced, not reduced.",
        "IL-6: A pro-inflammatory cytokine.",
    )
    assert (result.answer, result.picked_wrong) == ("IL-10; TNF-alpha", None)


@pytest.mark.parametrize(
    ("chosen", "verdict", "score"),
    [
        (frozenset({1, 3}), Verdict.CORRECT, 1.0),
        (frozenset({1}), Verdict.PARTIAL, 0.75),
        (frozenset(), Verdict.WRONG, 0.0),  # an empty answer scores 0 (issue 11)
        (frozenset({0, 1, 2, 3}), Verdict.PARTIAL, 0.5),
        (frozenset({0, 2}), Verdict.WRONG, 0.0),
    ],
)
def test_select_partial_credit_values(
    chosen: frozenset[int], verdict: Verdict, score: float
) -> None:
    result = grade(one_card("select", CYTOKINES), SELECT_QUESTION, chosen)
    assert (result.verdict, result.score) == (verdict, score)
    assert result.correct is (verdict is Verdict.CORRECT)


def test_select_empty_answer_is_logged_as_none() -> None:
    result = grade(one_card("select", CYTOKINES), SELECT_QUESTION, frozenset())
    assert result.answer == "(none)"


@pytest.mark.parametrize("response", [1, (1, 3), frozenset({4}), frozenset({True})])
def test_select_grade_rejects_a_malformed_response(response: object) -> None:
    with pytest.raises(ValueError):
        grade(one_card("select", CYTOKINES), SELECT_QUESTION, response)


def test_select_ask_shuffles_every_choice() -> None:
    card = one_card("select", CYTOKINES)
    question = ask(card, 4)
    assert question.interaction is Interaction.MULTI
    assert sorted(question.options) == ["IL-10", "IL-2", "IL-6", "TNF-alpha"]
    assert len({ask(card, seed).options for seed in range(40)}) > 10


# ----------------------------------------------------------------- truefalse


def test_truefalse_loads_asks_and_grades() -> None:
    card = one_card(
        "truefalse", "statement: Selank is on the WADA prohibited list.\nanswer: false\n"
    )
    assert dict(card.data) == {
        "statement": "Selank is on the WADA prohibited list.",
        "answer": False,
    }
    assert truefalse.answer_text(card) == []
    for seed in range(5):
        question = ask(card, seed)
        assert question.interaction is Interaction.TRUE_FALSE
        assert question.options == ("True", "False")
        assert plain(list(question.prompt)) == "Selank is on the WADA prohibited list."
    right = grade(card, ask(card), 1)
    assert (right.verdict, right.score, right.answer, right.expected) == (
        Verdict.CORRECT,
        1.0,
        "False",
        "False",
    )
    assert right.feedback == ("Because.",)
    wrong = grade(card, ask(card), 0)
    assert (wrong.verdict, wrong.score, wrong.answer, wrong.expected) == (
        Verdict.WRONG,
        0.0,
        "True",
        "False",
    )
    assert wrong.feedback == ("Because.",)


def test_truefalse_without_explain_has_no_feedback() -> None:
    card = replace(one_card("truefalse", "statement: S\nanswer: true\n"), explain=None)
    assert grade(card, ask(card), 0).feedback == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "explain: E\nstatement: S\nanswer: 'false'\n",
            ["d.yaml:9:13: error: 'answer' must be true or false, not text [wrong-type]"],
            id="answer-text",
        ),
        pytest.param(
            "explain: E\nanswer: true\n",
            ["d.yaml:4:5: error: truefalse card is missing required key 'statement' [missing-key]"],
            id="no-statement",
        ),
        pytest.param(
            "explain: E\nstatement: S\n",
            ["d.yaml:4:5: error: truefalse card is missing required key 'answer' [missing-key]"],
            id="no-answer",
        ),
        pytest.param(
            "explain: E\nstatement: ' '\nanswer: true\n",
            ["d.yaml:8:16: error: 'statement' is empty [empty-field]"],
            id="empty-statement",
        ),
    ],
)
def test_truefalse_check(body: str, expected: list[str]) -> None:
    assert problems("truefalse", body) == expected


# ------------------------------------------------------------------ previews


def test_previews_letter_the_options_and_show_the_answer_on_the_back() -> None:
    enzyme = get_kind("choice").render(one_card("choice", ENZYME), "main")
    assert plain(list(enzyme.front)) == (
        "Which enzyme does Selank inhibit to raise synaptic GABA?\n"
        "A. GABA transaminase\nB. Glutamic acid decarboxylase\nC. Monoamine oxidase A"
    )
    assert plain(list(enzyme.back)) == "GABA transaminase"
    cytokines = get_kind("select").render(one_card("select", CYTOKINES), "main")
    assert plain(list(cytokines.back)) == "TNF-alpha\nIL-6"
    auto = get_kind("choice").render(
        one_card("choice", "question: Q?\nanswer: '**R**'\ndistractors: auto\n"), "main"
    )
    assert plain(list(auto.front)) == "Q?\nA. R\n(+ 3 wrong options drawn from topic 't')"
    assert {s.styles for s in auto.back} == {frozenset({"bold"})}
    statement = get_kind("truefalse").render(
        one_card("truefalse", "statement: S\nanswer: true\n"), "main"
    )
    assert (plain(list(statement.front)), plain(list(statement.back))) == (
        "S\nA. True\nB. False",
        "True",
    )


# ---------------------------------------------------------------- properties

TEXTS = st.lists(
    st.text(alphabet="abcXYZ -1", min_size=1, max_size=8).map(str.strip).filter(bool),
    min_size=2,
    max_size=12,
    unique_by=normalize,
)


def card_from(kind: str, data: dict[str, Any]) -> Card:
    """A card built from a JSON deck (JSON is YAML) through the real loader."""
    deck = {"deck": "d", "title": "T", "cards": [{"id": "c", "topic": "t", "kind": kind, **data}]}
    result = load_deck_bytes(json.dumps(deck).encode(), "d.yaml")
    assert [d.rule for d in result.errors] == []
    assert result.deck is not None
    return result.deck.cards[0]


def choices_card(kind: str, texts: list[str], correct: set[int]) -> Card:
    choices = [{"text": t, "correct": i in correct, "why": f"w{i}"} for i, t in enumerate(texts)]
    return card_from(kind, {"question": "Q", "choices": choices, "explain": "E"})


@settings(max_examples=60, deadline=None)
@given(texts=TEXTS, seed=st.integers(0, 2**32), data=st.data())
def test_choice_options_are_a_permutation_and_only_the_correct_one_is_right(
    texts: list[str], seed: int, data: st.DataObject
) -> None:
    right = data.draw(st.integers(0, len(texts) - 1))
    card = choices_card("choice", texts, {right})
    question = ask(card, seed)
    assert sorted(question.options) == sorted(texts)
    for index, text in enumerate(question.options):
        result = grade(card, question, index)
        assert result.correct is (text == texts[right])
        assert result.score == (1.0 if result.correct else 0.0)
        assert result.picked_wrong == (None if result.correct else text)
        assert sum(item.given == "chosen" for item in result.items) == 1


@settings(max_examples=80, deadline=None)
@given(texts=TEXTS, seed=st.integers(0, 2**32), data=st.data())
def test_select_is_all_or_nothing_and_scores_the_share_classified_right(
    texts: list[str], seed: int, data: st.DataObject
) -> None:
    indexes = st.sets(st.integers(0, len(texts) - 1))
    correct = data.draw(st.sets(st.integers(0, len(texts) - 1), min_size=1))
    card = choices_card("select", texts, correct)
    question = ask(card, seed)
    assert sorted(question.options) == sorted(texts)
    right = frozenset(question.options.index(texts[i]) for i in correct)
    assert grade(card, question, right).score == 1.0
    assert grade(card, question, right).verdict is Verdict.CORRECT
    chosen = frozenset(data.draw(indexes))
    result = grade(card, question, chosen)
    assert result.correct is (chosen == right)
    classified = sum((i in chosen) == (i in right) for i in range(len(texts))) if chosen else 0
    assert result.score == classified / len(texts)
    expected_verdict = (
        Verdict.CORRECT
        if classified == len(texts)
        else Verdict.PARTIAL
        if classified
        else Verdict.WRONG
    )
    assert result.verdict is expected_verdict


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(
        st.tuples(
            st.sampled_from(["mechanism", "history"]),
            st.sampled_from(
                [
                    "GABA transaminase",
                    "gaba  transaminase",
                    "TrkB",
                    "TRKB",
                    "Ras",
                    "Moscow",
                    "STAT3",
                ]
            ),
        ),
        max_size=12,
    ),
    count=st.integers(1, 11),
    seed=st.integers(0, 2**32),
)
def test_auto_distractors_never_repeat_the_answer_and_stay_in_the_topic(
    answers: list[tuple[str, str]], count: int, seed: int
) -> None:
    card = card_from(
        "choice",
        {"question": "Q", "answer": "GABA transaminase", "distractors": "auto", "count": count},
    )
    card = Card(card.id, card.kind, "mechanism", card.line, card.data)
    by_topic: dict[str, list[tuple[str, str]]] = {}
    for n, (topic, answer) in enumerate(answers):
        by_topic.setdefault(topic, []).append((f"x{n}", answer))
    by_topic.setdefault("mechanism", []).append(("c", "GABA transaminase"))
    context = DeckContext("d", {t: tuple(pairs) for t, pairs in by_topic.items()})
    options = ask(card, seed, context).options
    keys = [normalize(option) for option in options]
    assert len(keys) == len(set(keys))
    assert keys.count("gaba transaminase") == 1
    same_topic = {normalize(a) for t, a in answers if t == "mechanism"} - {"gaba transaminase"}
    assert set(keys) - {"gaba transaminase"} <= same_topic
    assert len(options) == 1 + min(count, len(same_topic))


# ---------------------------------------------------------------------- docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deck-format.md"
OUR_KINDS = re.compile(r"^  kind: (choice|select|truefalse|ordering|matching)$", re.MULTILINE)


def test_documented_examples_of_these_kinds_load_cleanly() -> None:
    blocks = re.findall(r"```yml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    ours = [block for block in blocks if OUR_KINDS.search(block)]
    assert len(ours) == 2
    kinds: set[str] = set()
    for block in ours:
        result = load_deck_bytes((HEADER + block).encode(), "example.yaml")
        assert [d.format() for d in result.diagnostics] == []
        assert result.deck is not None
        kinds.update(card.kind for card in result.deck.cards)
    assert kinds == {"choice", "select", "truefalse", "ordering", "matching"}
