"""The ``typed`` kind: loading and checks, normalisation, grading, and grading properties."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from textwrap import dedent, indent
from typing import cast

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from studyapp.core.deck.model import Deck, Face, LoadResult
from studyapp.core.deck.text import Span
from studyapp.core.kinds import KINDS, get_kind
from studyapp.core.kinds.answers import (
    MAX_ANSWER_CHARS,
    char_diff,
    match_key,
    normalize,
    term,
    typo_limit,
)
from studyapp.core.kinds.grading import (
    DeckContext,
    Grade,
    Interaction,
    ObjectiveKind,
    Question,
    Verdict,
    interaction_of,
)
from studyapp.core.library.loader import load_deck_bytes
from studyapp.core.study.quiz import Quizzer
from studyapp.core.study.session import prompts_of
from tests.unit.grading_cases import Aliases

DOCS = Path(__file__).resolve().parents[2] / "docs"
HEAD = "deck: d\ntitle: T\ncards:\n"
TYPED = get_kind("typed")
OBJECTIVE = cast(ObjectiveKind, TYPED)
QUESTION = Question(Interaction.TYPED, (Span("Q?"),))


def load(cards: str) -> LoadResult:
    """Load a deck whose ``cards:`` list is ``cards`` (YAML, unindented)."""
    return load_deck_bytes((HEAD + indent(dedent(cards), "  ")).encode(), "d.yaml")


def deck_of(cards: str) -> Deck:
    result = load(cards)
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    return result.deck


def typed_card(card_id: str, answer: str, *accept: str) -> dict[str, object]:
    card: dict[str, object] = {"id": card_id, "kind": "typed", "topic": "t"}
    card.update(question="Q?", answer=answer)
    if accept:
        card["accept"] = list(accept)
    return card


def deck_from(cards: Sequence[Mapping[str, object]]) -> Deck:
    """A deck from card mappings, written as YAML flow mappings (JSON is YAML)."""
    result = load("".join(f"- {json.dumps(card)}\n" for card in cards))
    assert result.deck is not None, [d.format() for d in result.diagnostics]
    return result.deck


def grade(
    deck: Deck, card_id: str, response: str, aliases: Mapping[str, tuple[str, ...]] | None = None
) -> Grade:
    card = deck.card(card_id)
    assert card is not None
    return OBJECTIVE.grade(card, QUESTION, response, DeckContext.of(deck, aliases))


PHARM = deck_from(
    [
        typed_card("trkb", "TrkB", "tropomyosin receptor kinase B", "NTRK2"),
        typed_card("gaba-a", "GABA-A"),
        typed_card("il6", "IL-6"),
        typed_card("mu", "μ-opioid receptor"),
        typed_card("kappa", "kappa opioid receptor"),
        typed_card("beta-arrestin", "β-arrestin"),
        typed_card("alpha2", "alpha2-adrenergic receptor"),
        typed_card("bdnf", "brain-derived neurotrophic factor", "BDNF"),
        typed_card("selank", "Selank"),
        typed_card("semax", "Semax"),
        typed_card("ht1a", "5-HT1A"),
        typed_card("bdnf-receptor", "BDNF receptor"),
        typed_card("pkc", "PKC-β"),
        {"id": "trka", "kind": "basic", "topic": "t", "question": "Q?", "answer": "TrkA"},
    ]
)


# ------------------------------------------------------------ registry, card


def test_typed_is_a_registered_objective_kind() -> None:
    assert KINDS["typed"] is TYPED
    assert interaction_of(TYPED) is Interaction.TYPED
    assert TYPED.doc
    assert [(s.name, s.required) for s in TYPED.fields] == [
        ("question", True),
        ("answer", True),
        ("accept", False),
    ]


def test_a_valid_card_loads_with_its_synonyms() -> None:
    deck = deck_of(
        """\
        - id: trkb-receptor
          kind: typed
          topic: pathway
          question: Which **receptor** does BDNF activate?
          answer: TrkB
          accept: [tropomyosin receptor kinase B, NTRK2]
          explain: BDNF binds TrkB.
        """
    )
    (card,) = deck.cards
    assert card.kind == "typed"
    assert card.siblings == ("main",)
    assert dict(card.data) == {
        "question": "Which **receptor** does BDNF activate?",
        "answer": "TrkB",
        "accept": ["tropomyosin receptor kinase B", "NTRK2"],
    }
    assert TYPED.siblings(card) == ("main",)
    assert TYPED.render(card, "main") == Face(
        (Span("Which "), Span("receptor", frozenset({"bold"})), Span(" does BDNF activate?")),
        (Span("TrkB"),),
    )
    assert TYPED.answer_text(card) == ["TrkB", "tropomyosin receptor kinase B", "NTRK2"]
    question = OBJECTIVE.ask(card, "main", Random(1), DeckContext.of(deck))
    assert question == Question(Interaction.TYPED, tuple(TYPED.render(card, "main").front))


def test_accept_may_be_a_single_string_or_a_number_as_written() -> None:
    deck = deck_of(
        """\
        - {id: a, kind: typed, topic: t, question: Q?, answer: TrkB, accept: NTRK2}
        - {id: b, kind: typed, topic: t, question: Q?, answer: one point five, accept: [1.50]}
        """
    )
    assert deck.cards[0].data["accept"] == ["NTRK2"]
    assert deck.cards[1].data["accept"] == ["1.50"]


def test_empty_question_and_answer_are_reported_where_they_are() -> None:
    result = load(
        """\
        - id: c
          kind: typed
          topic: t
          question: ""
          answer: "   "
        """
    )
    assert result.deck is None
    assert [(d.line, d.col, d.rule) for d in result.diagnostics] == [
        (7, 15, "empty-field"),
        (8, 13, "empty-field"),
    ]


def test_missing_answer_is_a_missing_key() -> None:
    result = load("- {id: c, kind: typed, topic: t, question: Q?}\n")
    assert [(d.line, d.col, d.rule) for d in result.diagnostics] == [(4, 5, "missing-key")]
    assert "missing required key 'answer'" in result.diagnostics[0].message


def test_accept_duplicates_are_warned_at_the_entry_and_dropped() -> None:
    result = load(
        """\
        - id: c
          kind: typed
          topic: t
          question: Q?
          answer: TrkB
          accept: [trk-b, NTRK2, ntrk 2]
        """
    )
    assert result.deck is not None
    assert [(d.line, d.col, d.severity.value, d.rule) for d in result.diagnostics] == [
        (9, 14, "warning", "duplicate-accept"),
        (9, 28, "warning", "duplicate-accept"),
    ]
    first, second = (d.message for d in result.diagnostics)
    assert first == "'accept' entry 'trk-b' is the same as the answer once normalised"
    assert second == "'accept' entry 'ntrk 2' is the same as entry 'NTRK2' once normalised"
    assert result.deck.cards[0].data["accept"] == ["NTRK2"]


def test_accept_entries_that_normalise_to_nothing_are_errors() -> None:
    result = load(
        """\
        - id: c
          kind: typed
          topic: t
          question: Q?
          answer: TrkB
          accept:
            - NTRK2
            - " -- "
            - ""
        """
    )
    assert result.deck is None
    assert [(d.line, d.col, d.rule) for d in result.diagnostics] == [
        (11, 9, "empty-term"),
        (12, 9, "empty-term"),
    ]
    assert result.diagnostics[0].message == (
        "'accept' entry '--' has no letters or digits to match an answer against"
    )
    assert result.diagnostics[1].message == "'accept' entry is empty"


def test_an_answer_that_normalises_to_nothing_is_an_error() -> None:
    line = "- {id: c, kind: typed, topic: t, question: Q?, answer: '?!'}"
    result = load(line + "\n")
    col = len("  ") + line.index("'?!'") + 1  # the card list is indented by two
    assert [(d.line, d.col, d.rule) for d in result.diagnostics] == [(4, col, "empty-term")]
    assert col == 58


def test_accept_of_the_wrong_type_is_reported_once_by_the_loader() -> None:
    line = "- {id: c, kind: typed, topic: t, question: Q?, answer: A, accept: [yes, {x: 1}]}"
    result = load(line + "\n")
    assert result.deck is None
    assert [(d.line, d.col, d.rule) for d in result.diagnostics] == [
        (4, 3 + line.index("yes"), "wrong-type"),
        (4, 3 + line.index("{x"), "wrong-type"),
    ]


def test_the_documented_example_loads_cleanly() -> None:
    text = (DOCS / "deck-format.md").read_text(encoding="utf-8")
    section = text.split("### Typed answers (`typed`)", 1)[1]
    example = re.search(r"```yml\n(.*?)```", section, re.DOTALL)
    assert example is not None
    deck = deck_of(example.group(1))
    assert [c.kind for c in deck.cards] == ["typed"]


# ------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("TrkB", "  trkb "),
        ("GABA-A", "gaba a"),
        ("GABA-A", "GABAA"),
        ("GABA–A", "GABA_A"),  # en dash, underscore
        ("Na+/K+-ATPase", "na k atpase"),
        ("brain-derived neurotrophic factor.", "Brain derived, neurotrophic factor"),
        ("β-arrestin", "beta arrestin"),
        ("α2", "ALPHA-2"),
        ("Κ-opioid", "kappa opioid"),  # a capital Greek kappa
        ("µ-opioid", "μ-opioid"),  # micro sign, Greek mu
        ("μ-opioid", "mu opioid"),
        ("δ", "delta"),
        ("γ", "GAMMA"),
        ("Ménière", "meniere"),
        ("ＴｒｋＢ", "TrkB"),  # full-width
        ("Parkinson's", "parkinsons"),
    ],
)
def test_equivalent_spellings_share_a_match_key(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("TrkA", "TrkB"),
        ("IL-6", "IL-10"),
        ("5 10", "510"),
        ("1.5", "15"),
        ("mu", "nu"),
        ("alpha", "beta"),
    ],
)
def test_different_terms_have_different_match_keys(a: str, b: str) -> None:
    assert match_key(a) != match_key(b)


def test_normalize_keeps_words_and_decimal_marks() -> None:
    assert normalize("  The GABA-A\treceptor ") == "the gaba a receptor"
    assert normalize("1.5 mg, 2,5 mg") == "1.5 mg 2,5 mg"
    assert normalize("α2δ") == "alpha 2 delta"
    assert normalize("(R)-fluoxetine") == "r fluoxetine"
    assert normalize("1(2)") == "1 2"
    assert normalize("-- ? --") == ""


def test_terms_know_their_numbers_final_mark_and_anchors() -> None:
    ht = term("5-HT1A")
    assert (ht.key, ht.numbers, ht.mark, ht.mark_text) == ("5ht1a", ("5", "1"), "a", "A")
    assert ht.anchors == (("ht", "HT"),)
    assert (term("TrkB").mark, term("TrkB").stem) == ("b", "trk")
    assert term("PKC-β").mark == "beta"
    assert term("Selank").mark == ""
    assert term("BDNF receptor").anchors == (("bdnf", "BDNF"),)


@pytest.mark.parametrize(("length", "limit"), [(1, 0), (4, 0), (5, 1), (8, 1), (9, 2), (40, 2)])
def test_typo_limit_scales_with_length(length: int, limit: int) -> None:
    assert typo_limit(length) == limit


def test_char_diff_runs() -> None:
    assert char_diff(" Selenk ", "Selank") == (("=", "Sel"), ("-", "a"), ("+", "e"), ("=", "nk"))
    assert char_diff("Trk", "TrkB") == (("=", "Trk"), ("-", "B"))
    assert char_diff("TrkBB", "TrkB") == (("=", "TrkB"), ("+", "B"))
    assert char_diff("", "TrkB") == (("-", "TrkB"),)


# ------------------------------------------------------------------- grading


@pytest.mark.parametrize(
    ("card_id", "response"),
    [
        ("trkb", "TrkB"),
        ("trkb", "trkb"),
        ("trkb", "  TRKB\t"),
        ("trkb", "Trk-B."),
        ("trkb", "trk b"),
        ("gaba-a", "gaba a"),
        ("gaba-a", "GABAA"),
        ("gaba-a", "GABA—A"),
        ("il6", "il6"),
        ("il6", "IL 6"),
        ("mu", "mu opioid receptor"),
        ("mu", "µ-opioid receptor"),  # the micro sign
        ("mu", "MU-OPIOID RECEPTOR"),
        ("kappa", "κ-opioid receptor"),
        ("beta-arrestin", "beta arrestin"),
        ("alpha2", "α2 adrenergic receptor"),
        ("pkc", "PKC beta"),
        ("bdnf", "Brain derived neurotrophic factor"),
        ("ht1a", "5HT1A"),
    ],
)
def test_spelling_variants_are_correct(card_id: str, response: str) -> None:
    result = grade(PHARM, card_id, response)
    assert result.verdict is Verdict.CORRECT
    assert result.correct
    assert result.score == 1.0
    assert result.diff == ()


def test_a_synonym_is_correct_and_says_so() -> None:
    result = grade(PHARM, "trkb", "ntrk-2")
    assert result.verdict is Verdict.CORRECT
    assert result.expected == "TrkB"
    assert result.feedback == ("accepted: 'NTRK2' is a synonym of 'TrkB'",)
    long_name = grade(PHARM, "trkb", "Tropomyosin receptor kinase B")
    assert long_name.verdict is Verdict.CORRECT


def test_the_students_alias_is_correct_even_when_another_card_has_it() -> None:
    aliases = {"trkb": ("the BDNF receptor", "TrkA")}
    assert grade(PHARM, "trkb", "The BDNF-receptor").verdict is Verdict.WRONG
    mine = grade(PHARM, "trkb", "The BDNF-receptor", aliases)
    assert mine.verdict is Verdict.CORRECT
    assert mine.feedback == ("accepted: an answer you marked as right",)
    assert grade(PHARM, "trkb", "trka", aliases).verdict is Verdict.CORRECT
    # Another card's alias is not this card's answer.
    assert grade(PHARM, "gaba-a", "the BDNF receptor", aliases).verdict is Verdict.WRONG


def test_i_was_right_stores_the_graded_answer_which_then_grades_correct() -> None:
    first = grade(PHARM, "selank", "  Selank peptide ")
    assert first.verdict is Verdict.WRONG
    assert first.answer == "Selank peptide"
    again = grade(PHARM, "selank", "  Selank peptide ", {"selank": (first.answer,)})
    assert again.verdict is Verdict.CORRECT


def test_i_was_right_through_the_quizzer() -> None:
    quizzer = Quizzer(Aliases(), lambda: datetime(2026, 1, 1, tzinfo=UTC), rng=Random(0))
    prompt = next(p for p in prompts_of(PHARM) if p.card.id == "selank")
    question = quizzer.ask(prompt)
    assert question.interaction is Interaction.TYPED
    wrong = quizzer.grade(prompt, question, "Selank acetate")
    assert wrong.verdict is Verdict.WRONG
    assert quizzer.accept(prompt, question, wrong.answer, remember=True).verdict is Verdict.CORRECT
    assert quizzer.grade(prompt, question, "selank-acetate").verdict is Verdict.CORRECT


def test_a_typo_is_almost_with_feedback_and_a_diff() -> None:
    result = grade(PHARM, "selank", "Selenk")
    assert result.verdict is Verdict.ALMOST
    assert not result.correct
    assert result.score == 0.0
    assert result.answer == "Selenk"
    assert result.expected == "Selank"
    assert result.feedback == ("almost: check the spelling",)
    assert result.diff == (("=", "Sel"), ("-", "a"), ("+", "e"), ("=", "nk"))


def test_longer_terms_allow_two_edits_and_transpositions_count_once() -> None:
    assert grade(PHARM, "bdnf", "brain derived neurotropic factr").verdict is Verdict.ALMOST
    assert grade(PHARM, "bdnf", "brain derived neurotropic fctr").verdict is Verdict.WRONG
    assert grade(PHARM, "selank", "Selnak").verdict is Verdict.ALMOST
    assert grade(PHARM, "mu", "mu opiod receptor").verdict is Verdict.ALMOST


def test_a_typo_of_a_synonym_is_diffed_against_that_synonym() -> None:
    result = grade(PHARM, "trkb", "tropomiosin receptor kinase B")
    assert result.verdict is Verdict.ALMOST
    assert result.expected == "TrkB"
    assert result.feedback == (
        "almost: check the spelling",
        "closest accepted answer: 'tropomyosin receptor kinase B'",
    )
    assert result.diff[:3] == (("=", "tropom"), ("-", "y"), ("+", "i"))


def test_short_terms_allow_no_typo() -> None:
    result = grade(PHARM, "trkb", "TkrB")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ()


def test_trka_for_trkb_is_wrong_and_named_as_another_cards_term() -> None:
    result = grade(PHARM, "trkb", "TrkA")
    assert result.verdict is Verdict.WRONG
    assert result.score == 0.0
    assert result.feedback == ("'TrkA' is a different term: it answers another question",)
    assert result.diff == (("=", "Trk"), ("-", "B"), ("+", "A"))


def test_trka_for_trkb_is_wrong_even_without_a_trka_card() -> None:
    deck = deck_from([typed_card("trkb", "TrkB")])
    result = grade(deck, "trkb", "TrkA")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ("the final 'B' must match exactly",)
    assert grade(deck, "trkb", "Trk").verdict is Verdict.WRONG


@pytest.mark.parametrize(
    ("card_id", "response", "why"),
    [
        ("gaba-a", "GABA-B", "the final 'A' must match exactly"),
        ("gaba-a", "GABAB", "the final 'A' must match exactly"),
        ("ht1a", "5-HT1B", "the final 'A' must match exactly"),
        ("pkc", "PKC-ζ", "the final 'β' must match exactly"),
        ("pkc", "PKC zeta", "the final 'β' must match exactly"),
        ("il6", "IL-10", "numbers must match: 10 vs 6"),
        ("il6", "IL-9", "numbers must match: 9 vs 6"),
        ("ht1a", "5-HT2A", "numbers must match: 2 vs 1"),
        ("alpha2", "alpha1-adrenergic receptor", "numbers must match: 1 vs 2"),
        ("bdnf-receptor", "GDNF receptor", "'BDNF' must be typed exactly"),
        ("mu", "nu opioid receptor", "'μ' must be typed exactly"),
    ],
)
def test_near_misses_that_change_the_meaning_are_wrong(
    card_id: str, response: str, why: str
) -> None:
    result = grade(PHARM, card_id, response)
    assert result.verdict is Verdict.WRONG
    assert result.feedback == (why,)


def test_another_cards_answer_is_wrong_and_named() -> None:
    result = grade(PHARM, "selank", "semax")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ("'Semax' is a different term: it answers another question",)
    synonym = grade(PHARM, "trkb", "bdnf")
    assert synonym.feedback == ("'BDNF' is a different term: it answers another question",)


def test_a_typo_as_close_to_another_cards_term_is_wrong() -> None:
    deck = deck_from([typed_card("na", "noradrenaline"), typed_card("a", "adrenaline")])
    assert grade(deck, "na", "noradrenalin").verdict is Verdict.ALMOST
    result = grade(deck, "na", "nadrenaline")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == (
        "too close to 'adrenaline', the answer to another question, to count as a typo",
    )
    alone = deck_from([typed_card("na", "noradrenaline")])
    assert grade(alone, "na", "nadrenaline").verdict is Verdict.ALMOST


def test_cards_sharing_a_term_do_not_block_each_other() -> None:
    deck = deck_from([typed_card("a", "TrkB"), typed_card("b", "NTRK2", "TrkB")])
    assert grade(deck, "a", "trkb").verdict is Verdict.CORRECT
    assert grade(deck, "b", "trkb").verdict is Verdict.CORRECT


def test_an_empty_answer_is_wrong() -> None:
    result = grade(PHARM, "selank", "  ?? ")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ("no letters or digits given",)
    assert result.diff == (("-", "Selank"), ("+", "??"))
    nothing = grade(PHARM, "selank", "   ")
    assert (nothing.verdict, nothing.answer, nothing.feedback) == (
        Verdict.WRONG,
        "",
        ("no answer given",),
    )
    assert nothing.diff == (("-", "Selank"),)


def test_the_answer_is_sanitised_and_bounded() -> None:
    result = grade(PHARM, "trkb", "\x1b[2JTrk\x07B")
    assert result.answer == "[2JTrkB"
    long = grade(PHARM, "trkb", "TrkB" + "x" * 100_000)
    assert len(long.answer) == MAX_ANSWER_CHARS
    assert long.verdict is Verdict.WRONG


def test_expected_is_shown_without_formatting_markers() -> None:
    deck = deck_from([typed_card("c", "**TrkB**")])
    result = grade(deck, "c", "TrkA")
    assert result.expected == "TrkB"
    assert grade(deck, "c", "trkb").verdict is Verdict.CORRECT


def test_a_response_that_is_not_text_is_a_programming_error() -> None:
    card = PHARM.card("trkb")
    assert card is not None
    with pytest.raises(TypeError):
        OBJECTIVE.grade(card, QUESTION, 3, DeckContext.of(PHARM))


# ---------------------------------------------------------------- properties

# Realistic answer text: Latin letters (a few accented), Greek letters (both
# cases, the micro sign), digits, spaces and the punctuation of drug names.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßøαβγδκμΑΒΓΔΚΜµ0123456789  -/.,()'+"
)
terms = st.text(alphabet=ALPHABET, min_size=1, max_size=24).filter(lambda t: bool(match_key(t)))
SPACES = st.text(alphabet=" \t\u00a0", min_size=1, max_size=3)


@settings(max_examples=300)
@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert match_key(match_key(text)) == match_key(text)


@settings(max_examples=300)
@given(st.text(alphabet=ALPHABET + "µµ—–_ＡＢ½²", max_size=30))
def test_normalisation_is_idempotent_on_answer_like_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def mutated(data: st.DataObject, text: str) -> str:
    """``text`` with one character replaced: near misses of each other's terms."""
    index = data.draw(st.integers(0, len(text) - 1))
    return text[:index] + data.draw(st.sampled_from(ALPHABET)) + text[index + 1 :]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_another_cards_term_is_never_correct_or_almost(data: st.DataObject) -> None:
    base = data.draw(terms)
    cards: list[dict[str, object]] = []
    for index in range(data.draw(st.integers(2, 4))):
        answer = mutated(data, base) if data.draw(st.booleans()) else data.draw(terms)
        cards.append(typed_card(f"c{index}", answer, *data.draw(st.lists(terms, max_size=2))))
    assume(all(match_key(t) for card in cards for t in card_terms(card)))
    deck = deck_from(cards)
    context_terms = {c.id: get_kind(c.kind).answer_text(c) for c in deck.cards}
    for x in deck.cards:
        own_keys = {match_key(t) for t in context_terms[x.id]}
        for y_id, y_terms in context_terms.items():
            if y_id == x.id:
                continue
            for u in y_terms:
                if match_key(u) in own_keys:
                    continue  # both cards accept it: right for both
                verdict = grade(deck, x.id, u).verdict
                assert verdict is Verdict.WRONG, (x.id, context_terms[x.id], u)


def card_terms(card: Mapping[str, object]) -> list[str]:
    accept = card.get("accept", [])
    assert isinstance(accept, list)
    return [str(card["answer"]), *map(str, accept)]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_changing_a_digit_of_the_answer_is_never_correct_or_almost(data: st.DataObject) -> None:
    answer = data.draw(terms.filter(lambda t: any(ch.isdigit() for ch in t.strip())))
    deck = deck_from([typed_card("x", answer), typed_card("other", data.draw(terms))])
    digits = [i for i, ch in enumerate(answer) if ch.isdigit()]
    index = data.draw(st.sampled_from(digits))
    new = data.draw(st.sampled_from("0123456789").filter(lambda d: d != answer[index]))
    changed = answer[:index] + new + answer[index + 1 :]
    assert grade(deck, "x", changed).verdict is Verdict.WRONG


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_case_and_whitespace_variants_of_the_answer_are_correct(data: st.DataObject) -> None:
    deck = deck_from([typed_card("x", data.draw(terms)), typed_card("y", data.draw(terms))])
    card = deck.card("x")
    assert card is not None
    answer: str = card.data["answer"]
    cased = "".join(
        ch.upper() if data.draw(st.booleans(), label="upper") else ch.lower() for ch in answer
    )
    words = cased.split()
    variant = data.draw(SPACES) + "".join(w + data.draw(SPACES) for w in words)
    assert grade(deck, "x", variant).verdict is Verdict.CORRECT
