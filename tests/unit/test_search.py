"""The browse search: parsing queries, card flags and matching (no Textual)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studyapp.core.deck.model import Card
from studyapp.core.study.scheduling import CardState, State
from studyapp.core.study.search import (
    Query,
    QueryError,
    Term,
    card_flags,
    card_text,
    faces_of,
    filter_cards,
    matches,
    parse_query,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY_END = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)


def test_free_words_and_phrases() -> None:
    assert parse_query("  Beta   Blocker ") == Query(
        (Term("text", "beta"), Term("text", "blocker"))
    )
    assert parse_query('"first order" kinetics') == Query(
        (Term("text", "first order"), Term("text", "kinetics"))
    )
    assert parse_query('"unclosed phrase') == Query((Term("text", "unclosed phrase"),))
    assert parse_query("") == Query()
    assert not parse_query("   ")


def test_field_tokens_and_negation() -> None:
    assert parse_query("tag:Exam topic:kin kind:cloze is:due -is:suspended -warfarin") == Query(
        (
            Term("tag", "exam"),
            Term("topic", "kin"),
            Term("kind", "cloze"),
            Term("is", "due"),
            Term("is", "suspended", negated=True),
            Term("text", "warfarin", negated=True),
        )
    )
    assert parse_query('topic:"renal clearance"') == Query((Term("topic", "renal clearance"),))
    assert parse_query("TAG:x IS:New") == Query((Term("tag", "x"), Term("is", "new")))
    assert parse_query("Evidence:Animal -evidence:in-vitro") == Query(
        (Term("evidence", "animal"), Term("evidence", "in-vitro", negated=True))
    )


def test_unknown_fields_are_text() -> None:
    assert parse_query("dose:5mg") == Query((Term("text", "dose:5mg"),))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("is:bogus", "unknown state 'is:bogus' (use new, due, learning, review, suspended, leech)"),
        ("tag:", "'tag:' needs a value"),
        ('kind:""', "'kind:' needs a value"),
        (
            "evidence:rumour",
            "unknown evidence level 'evidence:rumour' (use clinical, animal, in-vitro, review, "
            "regulatory, vendor-claim, unreferenced-claim)",
        ),
    ],
)
def test_bad_queries(query: str, message: str) -> None:
    with pytest.raises(QueryError) as error:
        parse_query(query)
    assert str(error.value) == message


def test_card_flags() -> None:
    new = CardState()
    learning = CardState(State.LEARNING, due=NOW + timedelta(minutes=10))
    review_due = CardState(State.REVIEW, due=NOW - timedelta(days=1))
    review_later = CardState(State.REVIEW, due=DAY_END + timedelta(days=3))
    suspended = CardState(State.REVIEW, due=NOW, suspended=True)
    leech = CardState(State.RELEARNING, due=NOW, suspended=True, leech=True)
    assert card_flags([new], DAY_END) == {"new"}
    assert card_flags([learning], DAY_END) == {"learning", "due"}
    assert card_flags([review_due, new], DAY_END) == {"review", "due", "new"}
    assert card_flags([review_later], DAY_END) == {"review"}
    assert card_flags([suspended], DAY_END) == {"review", "suspended"}
    assert card_flags([leech], DAY_END) == {"learning", "suspended", "leech"}


REVERSIBLE = Card(
    "beta",
    "reversible",
    "Receptors",
    3,
    {"front": "Propranolol", "back": "Non-selective *beta* blocker"},
    tags=("Exam", "cardio"),
    siblings=("forward", "reverse"),
)
CLOZE = Card(
    "half",
    "cloze",
    "kinetics",
    9,
    {"text": "After {{one}} half-life, {{c2::50%}} is left."},
    siblings=("c1", "c2"),
    evidence="in-vitro",
)


def test_faces_and_text_cover_every_prompt() -> None:
    assert [sibling for sibling, _ in faces_of(REVERSIBLE)] == ["forward", "reverse"]
    assert [sibling for sibling, _ in faces_of(CLOZE)] == ["c1", "c2"]
    text = card_text(REVERSIBLE)
    assert "propranolol" in text and "non-selective beta blocker" in text
    assert "exam" in text and "receptors" in text and "beta" in text
    assert "after one half-life, 50% is left." in card_text(CLOZE)


@pytest.mark.parametrize(
    ("query", "beta", "half"),
    [
        ("propranolol", True, False),
        ("BLOCKER beta", True, False),
        ('"beta blocker"', True, False),
        ('"blocker beta"', False, False),
        ("50%", False, True),
        ("tag:exam", True, False),
        ("tag:ex", False, False),  # tags match whole
        ("topic:recep", True, False),
        ("kind:cloze", False, True),
        ("kind:clo", False, False),
        ("-kind:cloze", True, False),
        ("is:new", True, True),
        ("is:review", False, True),
        ("is:due", False, True),
        ("-is:due", True, False),
        ("is:suspended", False, False),
        ("is:new kind:reversible", True, False),
        ("evidence:in-vitro", False, True),
        ("evidence:animal", False, False),
        ("-evidence:in-vitro", True, False),  # a card without evidence has none of them
        ("in-vitro", False, False),  # free text does not search the evidence level
        ("", True, True),
    ],
)
def test_matches(query: str, beta: bool, half: bool) -> None:
    parsed = parse_query(query)
    half_flags = card_flags([CardState(State.REVIEW, due=NOW), CardState()], DAY_END)
    assert matches(parsed, REVERSIBLE, card_text(REVERSIBLE), frozenset({"new"})) is beta
    assert matches(parsed, CLOZE, card_text(CLOZE), half_flags) is half
    # The whole-deck filter (browse) keeps the same cards, in deck order.
    texts = {"beta": card_text(REVERSIBLE), "half": card_text(CLOZE)}
    flags = {"beta": frozenset({"new"}), "half": half_flags}
    for deck in ([REVERSIBLE, CLOZE], [CLOZE, REVERSIBLE]):
        expected = [c for c, hit in ((c, {"beta": beta, "half": half}[c.id]) for c in deck) if hit]
        assert filter_cards(parsed, deck, texts, flags) == expected
