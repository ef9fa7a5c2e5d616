"""The deck loader: every error class, with its exact ``path:line:col`` position.

Each test writes a small deck and compares the formatted diagnostics with the
exact strings a student would see from ``studyapp check``.
"""

from __future__ import annotations

import time
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.deck.model import Severity
from studyapp.core.kinds import KINDS
from studyapp.core.library import loader
from studyapp.core.library.loader import LoadResult, load_deck_bytes, load_deck_file

BUNDLED = Path(__file__).resolve().parents[2] / "decks" / "selank.yaml"

HEADER = """\
deck: pharm
title: Pharmacology
cards:
"""

SOURCES_HEADER = """\
deck: pharm
title: Pharmacology
sources:
  guide:
    title: The guide
    sections: [Introduction, History]
    references:
      1: First reference
      2: Second reference
cards:
"""


def load(text: str, path: str = "d.yaml") -> LoadResult:
    return load_deck_bytes(dedent(text).encode("utf-8"), path)


def lines(result: LoadResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def timed_load(data: bytes, path: str = "d.yaml") -> tuple[LoadResult, float]:
    """Load, and the CPU seconds it took.

    Hostile-input tests bound CPU time, not wall time, so a busy machine does not
    make them flaky: their budgets are 10-100x a normal run and only catch a
    blow-up (an unbounded expansion, a quadratic parse). Speed itself is measured
    in benchmarks/.
    """
    start = time.process_time()
    result = load_deck_bytes(data, path)
    return result, time.process_time() - start


# --------------------------------------------------------------------- valid


def test_valid_deck_loads_every_field() -> None:
    result = load(
        SOURCES_HEADER
        + """\
  - id: q1
    topic: history
    tags: [discovery, people]
    source: {key: guide, section: History, refs: [1, 2]}
    question: "Who?"
    answer: Someone
    explain: Because.
  - id: r1
    kind: reversible
    topic: names
    source: {key: guide, section: Introduction}
    front: Selank
    back: a peptide
  - id: c1
    kind: cloze
    topic: mechanism
    source: {key: guide, section: Introduction}
    text: "It acts on {{GABA}} receptors."
"""
    )
    assert lines(result) == []
    deck = result.deck
    assert deck is not None
    assert (deck.id, deck.title, deck.description, deck.path) == (
        "pharm",
        "Pharmacology",
        "",
        "d.yaml",
    )
    assert [c.id for c in deck.cards] == ["q1", "r1", "c1"]
    assert [c.kind for c in deck.cards] == ["basic", "reversible", "cloze"]
    assert [c.line for c in deck.cards] == [11, 18, 24]
    first = deck.cards[0]
    assert first.topic == "history"
    assert first.tags == ("discovery", "people")
    assert first.source is not None
    assert (first.source.key, first.source.section, first.source.refs) == (
        "guide",
        "History",
        ("1", "2"),
    )
    assert first.explain == "Because."
    assert dict(first.data) == {"question": "Who?", "answer": "Someone"}
    assert dict(deck.cards[1].data) == {"front": "Selank", "back": "a peptide"}
    assert dict(deck.cards[2].data) == {"text": "It acts on {{GABA}} receptors."}
    guide = deck.sources["guide"]
    assert guide.title == "The guide"
    assert guide.sections == ("Introduction", "History")
    assert dict(guide.references) == {"1": "First reference", "2": "Second reference"}
    assert deck.card("r1") is deck.cards[1]
    assert deck.card("nope") is None


def test_bundled_deck_loads_with_no_errors_and_no_warnings() -> None:
    result = load_deck_file(BUNDLED)
    assert lines(result) == []
    assert result.deck is not None
    assert result.deck.id == "selank"
    assert len(result.deck.cards) > 50
    assert {c.kind for c in result.deck.cards} == set(KINDS)  # every kind is used


def test_numbers_in_text_fields_keep_the_text_as_written() -> None:
    result = load(
        HEADER
        + """\
  - id: dose
    topic: dosing
    question: 1.50
    answer: 1e3
  - id: 2.10
    topic: dosing
    question: How many?
    answer: 0x1F
"""
    )
    # 'id' is a plain string field (numbers are not ids), text fields are not.
    assert lines(result) == ["d.yaml:8:9: error: 'id' must be text, not a number [wrong-type]"]
    fixed = load(
        HEADER
        + """\
  - id: dose
    topic: dosing
    question: 1.50
    answer: .5
"""
    )
    assert fixed.deck is not None
    assert dict(fixed.deck.cards[0].data) == {"question": "1.50", "answer": ".5"}


def test_utf8_bom_is_accepted() -> None:
    data = ("\ufeff" + HEADER + "  - {id: a, topic: t, question: q, answer: a}\n").encode()
    result = load_deck_bytes(data, "bom.yaml")
    assert lines(result) == []
    assert result.deck is not None


# -------------------------------------------------------------- YAML errors


def test_yaml_syntax_error_has_its_position() -> None:
    result = load("deck: pharm\ntitle: [unclosed\ncards: []\n")
    assert result.deck is None
    (diag,) = result.diagnostics
    assert (diag.path, diag.line, diag.col, diag.severity, diag.rule) == (
        "d.yaml",
        2,
        8,
        Severity.ERROR,
        "yaml",
    )
    assert diag.message.startswith("this `[` is never closed")


def test_tab_indentation_is_a_syntax_error_at_the_tab() -> None:
    result = load("deck: pharm\ntitle: T\ncards:\n\t- id: a\n")
    (diag,) = result.diagnostics
    assert (diag.line, diag.col, diag.rule) == (4, 1, "yaml")
    assert "found a tab" in diag.message


def test_duplicate_key_points_at_the_second_key() -> None:
    result = load(
        HEADER
        + """\
  - id: a
    topic: t
    question: first
    answer: a
    question: second
"""
    )
    assert lines(result) == [
        "d.yaml:8:5: error: duplicate key 'question' (first defined at line 6) [duplicate-key]"
    ]
    assert result.deck is None


def test_duplicate_deck_level_key() -> None:
    result = load(
        "deck: a\ntitle: T\ndeck: b\ncards: [{id: x, topic: t, question: q, answer: a}]\n"
    )
    assert lines(result) == [
        "d.yaml:3:1: error: duplicate key 'deck' (first defined at line 1) [duplicate-key]"
    ]


def test_two_documents_are_an_error_at_the_second() -> None:
    result = load("deck: a\ntitle: T\n---\ndeck: b\n")
    assert lines(result) == [
        "d.yaml:3:1: error: a deck file must hold one YAML document, found a second one [yaml]"
    ]
    assert result.deck is None


def test_empty_document_marker_followed_by_a_second_document() -> None:
    result = load("---\ndeck: a\n...\n---\ndeck: b\n")
    assert [(d.line, d.col) for d in result.diagnostics] == [(4, 1)]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n", "null\n"])
def test_empty_file(text: str) -> None:
    result = load(text)
    assert lines(result) == [
        "d.yaml:1:1: error: file is empty: a deck needs 'deck', 'title' and 'cards' [empty]"
    ]
    assert result.deck is None


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("- a\n- b\n", "a list"),
        ("just some words\n", "text"),
        ("42\n", "a number"),
        ("yes\n", "a boolean (quote it if you mean the text)"),
        ("\n\n[a, b]\n", "a list"),
    ],
)
def test_root_must_be_a_mapping(text: str, what: str) -> None:
    result = load(text)
    line = text.count("\n", 0, len(text) - len(text.lstrip("\n"))) + 1
    assert lines(result) == [
        f"d.yaml:{line}:1: error: a deck file must be a mapping at the top level, not {what} [root]"
    ]
    assert result.deck is None


def test_not_utf8_points_at_the_bad_byte() -> None:
    data = b"deck: pharm\ntitle: caf\xe9\ncards: []\n"
    result = load_deck_bytes(data, "latin1.yaml")
    assert lines(result) == [
        "latin1.yaml:2:11: error: file is not valid UTF-8 (byte 0xe9) [encoding]"
    ]
    assert result.deck is None


def test_not_utf8_column_counts_characters_not_bytes() -> None:
    # "title: ñé" is 9 characters but 11 bytes; the bad byte is the 10th character.
    data = "deck: pharm\ntitle: ñé".encode() + b"\xff\n"
    result = load_deck_bytes(data, "d.yaml")
    assert lines(result) == ["d.yaml:2:10: error: file is not valid UTF-8 (byte 0xff) [encoding]"]


def test_not_utf8_on_the_first_line_after_a_bom() -> None:
    data = b"\xef\xbb\xbfdeck: \x80\n"
    assert lines(load_deck_bytes(data, "d.yaml")) == [
        "d.yaml:1:7: error: file is not valid UTF-8 (byte 0x80) [encoding]"
    ]


def test_raw_control_character_is_an_error_not_a_crash() -> None:
    data = b"deck: pharm\ntitle: a\x1bb\ncards: []\n"
    result = load_deck_bytes(data, "d.yaml")
    (diag,) = result.diagnostics
    assert (diag.line, diag.col, diag.severity, diag.rule) == (2, 9, Severity.ERROR, "yaml")
    assert "U+001B" in diag.message
    assert "\x1b" not in diag.format()
    assert "\n" not in diag.format()
    assert result.deck is None


# ------------------------------------------------------------- unknown keys


def test_unknown_deck_key_suggests_the_right_one() -> None:
    result = load("deck: pharm\ntitel: T\ncards: [{id: a, topic: t, question: q, answer: a}]\n")
    assert lines(result) == [
        "d.yaml:1:1: error: the deck is missing required key 'title' [missing-key]",
        "d.yaml:2:1: error: unknown key 'titel' in the deck; did you mean 'title'? [unknown-key]",
    ]


def test_unknown_card_key_suggests_the_right_one() -> None:
    result = load(
        HEADER
        + """\
  - id: a
    topic: t
    question: q
    answr: a
"""
    )
    assert lines(result) == [
        "d.yaml:4:5: error: basic card is missing required key 'answer' [missing-key]",
        "d.yaml:7:5: error: unknown key 'answr' in a basic card; did you mean 'answer'? "
        "[unknown-key]",
    ]


def test_unknown_key_without_a_close_match_has_no_suggestion() -> None:
    result = load(HEADER + "  - {id: a, topic: t, question: q, answer: a, zzzzzz: 1}\n")
    assert lines(result) == [
        "d.yaml:4:47: error: unknown key 'zzzzzz' in a basic card [unknown-key]"
    ]


def test_field_of_another_kind_names_that_kind() -> None:
    result = load(
        HEADER
        + """\
  - id: a
    topic: t
    question: q
    answer: a
    text: "{{x}}"
  - id: b
    kind: cloze
    topic: t
    text: "{{x}}"
    front: f
"""
    )
    assert lines(result) == [
        "d.yaml:8:5: error: unknown key 'text' in a basic card ('text' belongs to kind 'cloze') "
        "[unknown-key]",
        "d.yaml:13:5: error: unknown key 'front' in a cloze card "
        "('front' belongs to kind 'reversible') [unknown-key]",
    ]


def test_unknown_key_in_a_source_and_a_citation() -> None:
    result = load(
        """\
        deck: pharm
        title: T
        sources:
          guide:
            title: G
            sectons: [A]
        cards:
          - id: a
            topic: t
            source: {key: guide, section: A, ref: [1]}
            question: q
            answer: a
        """
    )
    assert lines(result) == [
        "d.yaml:6:5: error: unknown key 'sectons' in source 'guide'; did you mean 'sections'? "
        "[unknown-key]",
        "d.yaml:10:38: error: unknown key 'ref' in 'source'; did you mean 'refs'? [unknown-key]",
    ]


# ---------------------------------------------------------------- wrong types


def test_boolean_answer_is_a_type_error() -> None:
    result = load(HEADER + "  - id: a\n    topic: t\n    question: Is it?\n    answer: yes\n")
    assert lines(result) == [
        "d.yaml:7:13: error: 'answer' must be text, not a boolean (quote it if you mean the text) "
        "[wrong-type]"
    ]
    assert result.deck is None
    quoted = load(HEADER + "  - id: a\n    topic: t\n    question: Is it?\n    answer: 'yes'\n")
    assert quoted.deck is not None
    assert quoted.deck.cards[0].data["answer"] == "yes"


def test_list_where_text_is_expected() -> None:
    result = load(HEADER + "  - id: a\n    topic: t\n    question: [a, b]\n    answer: x\n")
    assert lines(result) == ["d.yaml:6:15: error: 'question' must be text, not a list [wrong-type]"]


def test_mapping_and_null_where_text_is_expected() -> None:
    result = load(
        "deck: pharm\ntitle: {a: 1}\ndescription:\n"
        "cards: [{id: a, topic: t, question: q, answer: a}]\n"
    )
    assert lines(result) == [
        "d.yaml:2:8: error: 'title' must be text, not a mapping [wrong-type]",
        "d.yaml:3:13: error: 'description' must be text, not empty [wrong-type]",
    ]


@pytest.mark.parametrize(
    ("cards", "col", "what"),
    [("not a list", 8, "text"), ("{a: 1}", 8, "a mapping"), ("3", 8, "a number")],
)
def test_cards_must_be_a_list(cards: str, col: int, what: str) -> None:
    result = load(f"deck: pharm\ntitle: T\ncards: {cards}\n")
    assert lines(result) == [
        f"d.yaml:3:{col}: error: 'cards' must be a list of cards, not {what} [wrong-type]"
    ]
    assert result.deck is None


def test_cards_empty_list() -> None:
    result = load("deck: pharm\ntitle: T\ncards: []\n")
    assert lines(result) == [
        "d.yaml:3:8: error: 'cards' is empty: a deck needs at least one card [empty-field]"
    ]


def test_card_that_is_not_a_mapping() -> None:
    result = load(HEADER + "  - just text\n  - [a, b]\n")
    assert lines(result) == [
        "d.yaml:4:5: error: a card must be a mapping, not text [wrong-type]",
        "d.yaml:5:5: error: a card must be a mapping, not a list [wrong-type]",
    ]


def test_bad_deck_id_and_card_id_patterns() -> None:
    result = load(
        "deck: Pharm Deck\ntitle: T\ncards:\n  - {id: 'a b', topic: t, question: q, answer: a}\n"
    )
    assert lines(result) == [
        "d.yaml:1:7: error: 'deck' 'Pharm Deck' must match ^[a-z0-9][a-z0-9_-]*$ [bad-id]",
        "d.yaml:4:10: error: 'id' 'a b' must match ^[A-Za-z0-9][A-Za-z0-9._-]*$ [bad-id]",
    ]


def test_unknown_kind_with_suggestion_and_without() -> None:
    result = load(
        HEADER
        + """\
  - {id: a, kind: clozee, topic: t, text: "{{x}}"}
  - {id: b, kind: flashcard, topic: t, question: q, answer: a}
  - {id: c, kind: 7, topic: t, question: q, answer: a}
"""
    )
    assert lines(result) == [
        "d.yaml:4:19: error: unknown card kind 'clozee'; did you mean 'cloze'? [unknown-kind]",
        f"d.yaml:5:19: error: unknown card kind 'flashcard' (known: {', '.join(KINDS)}) "
        "[unknown-kind]",
        "d.yaml:6:19: error: 'kind' must be text, not a number [wrong-type]",
    ]


def test_evidence_is_read_and_an_unknown_level_is_an_error_with_a_suggestion() -> None:
    result = load(
        HEADER
        + """\
  - {id: a, topic: t, question: q, answer: a, evidence: in-vitro}
  - {id: b, topic: t, question: q, answer: a, evidence: Animals}
  - {id: c, topic: t, question: q, answer: a, evidence: hearsay}
  - {id: d, topic: t, question: q, answer: a, evidence: [animal]}
  - {id: e, topic: t, question: q, answer: a}
"""
    )
    assert lines(result) == [
        "d.yaml:5:57: error: unknown evidence 'Animals'; did you mean 'animal'? [unknown-evidence]",
        "d.yaml:6:57: error: unknown evidence 'hearsay' (known: clinical, animal, in-vitro, "
        "review, regulatory, vendor-claim, unreferenced-claim) [unknown-evidence]",
        "d.yaml:7:57: error: 'evidence' must be text, not a list [wrong-type]",
    ]
    good = load(HEADER + "  - {id: a, topic: t, question: q, answer: a, evidence: in-vitro}\n")
    assert good.deck is not None
    assert good.deck.cards[0].evidence == "in-vitro"
    plain = load(HEADER + "  - {id: a, topic: t, question: q, answer: a}\n")
    assert plain.deck is not None and plain.deck.cards[0].evidence is None


# ------------------------------------------------------------ missing fields


def test_missing_deck_level_fields_are_reported_at_the_root() -> None:
    result = load("description: nothing else\n")
    assert lines(result) == [
        "d.yaml:1:1: error: the deck is missing required key 'deck' [missing-key]",
        "d.yaml:1:1: error: the deck is missing required key 'title' [missing-key]",
        "d.yaml:1:1: error: the deck is missing required key 'cards' [missing-key]",
    ]
    assert result.deck is None


def test_missing_card_fields_are_reported_at_the_card() -> None:
    result = load(
        HEADER
        + """\
  - id: a
    question: q
  - kind: reversible
    topic: t
    front: f
  - kind: cloze
    id: c
    topic: t
"""
    )
    assert lines(result) == [
        "d.yaml:4:5: error: basic card is missing required key 'topic' [missing-key]",
        "d.yaml:4:5: error: basic card is missing required key 'answer' [missing-key]",
        "d.yaml:6:5: error: reversible card is missing required key 'id' [missing-key]",
        "d.yaml:6:5: error: reversible card is missing required key 'back' [missing-key]",
        "d.yaml:9:5: error: cloze card is missing required key 'text' [missing-key]",
    ]


def test_kind_errors_are_reported_even_when_a_common_field_is_missing() -> None:
    result = load(HEADER + "  - id: a\n    question: ''\n    answer: a\n")
    assert lines(result) == [
        "d.yaml:4:5: error: basic card is missing required key 'topic' [missing-key]",
        "d.yaml:5:15: error: 'question' is empty [empty-field]",
    ]


def test_missing_source_keys() -> None:
    result = load(
        SOURCES_HEADER
        + "  - {id: a, topic: t, source: {section: History}, question: q, answer: a}\n"
    )
    assert lines(result) == [
        "d.yaml:11:31: error: 'source' is missing required key 'key' [missing-key]"
    ]


# ------------------------------------------------------------------ card ids


def test_duplicate_card_id_points_at_the_second_and_names_the_first_line() -> None:
    result = load(
        HEADER
        + """\
  - topic: t
    id: same
    question: q1
    answer: a1
  - topic: t
    question: q2
    answer: a2
    id: same
"""
    )
    assert lines(result) == [
        "d.yaml:11:9: error: duplicate card id 'same' (first used at line 5) [duplicate-id]"
    ]
    assert result.deck is None


def test_three_cards_with_one_id_give_two_errors_naming_the_first() -> None:
    card = "  - {id: x, topic: t, question: q, answer: a}\n"
    result = load(HEADER + card * 3)
    assert lines(result) == [
        "d.yaml:5:10: error: duplicate card id 'x' (first used at line 4) [duplicate-id]",
        "d.yaml:6:10: error: duplicate card id 'x' (first used at line 4) [duplicate-id]",
    ]


# -------------------------------------------------------------- empty fields


def test_empty_question_and_answer() -> None:
    result = load(
        HEADER
        + """\
  - id: a
    topic: t
    question: ""
    answer: "   "
  - id: b
    kind: reversible
    topic: t
    front: "\\e"
    back: b
"""
    )
    assert lines(result) == [
        "d.yaml:6:15: error: 'question' is empty [empty-field]",
        "d.yaml:7:13: error: 'answer' is empty [empty-field]",
        "d.yaml:11:12: error: 'front' is empty [empty-field]",
    ]


def test_empty_title_and_reversible_same_sides() -> None:
    result = load(
        "deck: pharm\ntitle: ' '\ncards:\n"
        "  - {id: a, kind: reversible, topic: t, front: Same, back: same}\n"
    )
    assert lines(result) == [
        "d.yaml:2:8: error: 'title' is empty [empty-field]",
        "d.yaml:4:60: error: 'front' and 'back' are the same [same-sides]",
    ]


# --------------------------------------------------------------------- cloze


def test_cloze_errors() -> None:
    result = load(
        HEADER
        + """\
  - id: none
    kind: cloze
    topic: t
    text: "no deletions at all"
  - id: open
    kind: cloze
    topic: t
    text: "an {{open deletion"
  - id: stray
    kind: cloze
    topic: t
    text: "a stray }} and {{fine}}"
  - id: empty
    kind: cloze
    topic: t
    text: "an {{ }} deletion"
  - id: nested
    kind: cloze
    topic: t
    text: "{{a {{b}} c}}"
"""
    )
    assert lines(result) == [
        "d.yaml:7:11: error: cloze text has no {{...}} deletion [cloze-no-deletion]",
        "d.yaml:11:11: error: unbalanced braces: a '{{' has no partner [cloze-unbalanced]",
        "d.yaml:15:11: error: unbalanced braces: a '}}' has no partner [cloze-unbalanced]",
        "d.yaml:19:11: error: empty deletion at offset 3 [cloze-empty-deletion]",
        "d.yaml:23:11: error: unbalanced braces: '{{' at offset 0 is not closed [cloze-unbalanced]",
    ]
    assert result.deck is None


def test_cloze_empty_deletion_with_only_a_hint() -> None:
    result = load(HEADER + '  - {id: a, kind: cloze, topic: t, text: "x {{c1::::hint}}"}\n')
    (diag,) = result.diagnostics
    assert (diag.line, diag.col, diag.rule) == (4, 42, "cloze-empty-deletion")


# ------------------------------------------------------------------- sources


def test_unknown_source_key() -> None:
    result = load(
        SOURCES_HEADER + "  - {id: a, topic: t, source: {key: gide, section: History}, "
        "question: q, answer: a}\n"
    )
    assert lines(result) == [
        "d.yaml:11:37: error: unknown source 'gide' (declared: guide) [unknown-source]"
    ]


def test_unknown_source_key_when_none_are_declared() -> None:
    result = load(
        HEADER + "  - {id: a, topic: t, source: {key: g, section: s}, question: q, answer: a}\n"
    )
    assert lines(result) == [
        "d.yaml:4:37: error: unknown source 'g' (declared: none declared) [unknown-source]"
    ]


def test_unknown_section_with_suggestion() -> None:
    result = load(
        SOURCES_HEADER
        + """\
  - id: a
    topic: t
    source:
      key: guide
      section: Histroy
    question: q
    answer: a
  - id: b
    topic: t
    source: {key: guide, section: Zzz}
    question: q
    answer: a
"""
    )
    assert lines(result) == [
        "d.yaml:15:16: error: source 'guide' has no section 'Histroy'; did you mean 'History'? "
        "[unknown-section]",
        "d.yaml:20:35: error: source 'guide' has no section 'Zzz' [unknown-section]",
    ]


def test_unknown_reference_number() -> None:
    result = load(
        SOURCES_HEADER
        + "  - {id: a, topic: t, source: {key: guide, section: History, refs: [2, 7]}, "
        "question: q, answer: a}\n"
    )
    assert lines(result) == [
        "d.yaml:11:72: error: source 'guide' has no reference 7 [unknown-reference]"
    ]


def test_source_without_sections_accepts_any_section() -> None:
    result = load(
        "deck: p\ntitle: T\nsources: {s: {title: S}}\ncards:\n"
        "  - {id: a, topic: t, source: {key: s, section: Anything}, question: q, answer: a}\n"
    )
    assert lines(result) == []
    assert result.deck is not None


def test_bad_sources_structure() -> None:
    result = load(
        """\
        deck: p
        title: T
        sources:
          a: just text
          b:
            sections: [x]
            references: [1, 2]
        cards:
          - {id: a, topic: t, question: q, answer: a}
        """
    )
    assert lines(result) == [
        "d.yaml:4:6: error: source 'a' must be a mapping, not text [wrong-type]",
        "d.yaml:6:5: error: source 'b' is missing required key 'title' [missing-key]",
        "d.yaml:7:17: error: 'references' must map reference numbers to text [wrong-type]",
        "d.yaml:9:5: warning: card 'a' has no 'source' [missing-source]",
    ]


# ------------------------------------------------------------------ warnings


def test_missing_source_is_a_warning_that_does_not_stop_loading() -> None:
    result = load(
        SOURCES_HEADER
        + """\
  - id: a
    topic: t
    question: q
    answer: a
  - id: b
    topic: t
    source: {key: guide, section: History}
    question: q
    answer: a
"""
    )
    assert lines(result) == ["d.yaml:11:5: warning: card 'a' has no 'source' [missing-source]"]
    assert result.errors == []
    assert [d.rule for d in result.warnings] == ["missing-source"]
    assert result.deck is not None
    assert [c.id for c in result.deck.cards] == ["a", "b"]


def test_no_missing_source_warning_when_the_deck_declares_no_sources() -> None:
    result = load(HEADER + "  - {id: a, topic: t, question: q, answer: a}\n")
    assert result.diagnostics == ()
    assert result.deck is not None


def test_warning_for_a_card_with_a_bad_id_does_not_print_none() -> None:
    result = load(SOURCES_HEADER + "  - {id: 5, topic: t, question: q, answer: a}\n")
    assert lines(result) == [
        "d.yaml:11:5: warning: card '?' has no 'source' [missing-source]",
        "d.yaml:11:10: error: 'id' must be text, not a number [wrong-type]",
    ]


# -------------------------------------------------------- every error reported


def test_all_errors_in_a_file_are_reported_in_line_order() -> None:
    result = load(
        """\
        deck: pharm
        title: T
        colour: blue
        cards:
          - id: a
            topic: t
            question: q
            answer: yes
          - id: b
            kind: cloze
            topic: t
            text: "no deletion"
          - id: a
            topic: t
            question: q
            answer: a
          - id: d
            kind: reversibel
            topic: t
        """
    )
    assert lines(result) == [
        "d.yaml:3:1: error: unknown key 'colour' in the deck [unknown-key]",
        "d.yaml:8:13: error: 'answer' must be text, not a boolean (quote it if you mean the text) "
        "[wrong-type]",
        "d.yaml:12:11: error: cloze text has no {{...}} deletion [cloze-no-deletion]",
        "d.yaml:13:9: error: duplicate card id 'a' (first used at line 5) [duplicate-id]",
        "d.yaml:18:11: error: unknown card kind 'reversibel'; did you mean 'reversible'? "
        "[unknown-kind]",
    ]
    assert len(result.errors) == 5
    assert result.deck is None


def test_diagnostics_are_sorted_by_line_then_column() -> None:
    result = load(
        HEADER
        + "  - {id: a, topic: t, question: '', answer: ''}\n"
        + "  - {id: a, topic: 'x y', question: q, answer: a}\n"
    )
    positions = [(d.line, d.col) for d in result.diagnostics]
    assert positions == sorted(positions)
    assert len(positions) == 4


# ------------------------------------------------------- sanitised messages


def test_messages_quoting_deck_text_are_sanitised() -> None:
    result = load(
        HEADER + '  - {id: a, topic: t, question: q, answer: a, "\\e[2J\\u202eevil\\nkey": 1}\n'
    )
    (diag,) = result.diagnostics
    text = diag.format()
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\n" not in text
    assert "[2Jevil key" in text


def test_unknown_kind_message_is_sanitised() -> None:
    result = load(HEADER + '  - {id: a, kind: "\\e]0;pwned\\a", topic: t}\n')
    (diag,) = result.diagnostics
    assert diag.rule == "unknown-kind"
    assert "\x1b" not in diag.message
    assert "\x07" not in diag.message


def test_card_text_is_sanitised_when_loaded() -> None:
    result = load(
        HEADER
        + '  - {id: a, topic: t, question: "\\e[2JWipe\\x9b?", answer: "\\u202eevil\\u2066"}\n'
    )
    assert result.deck is not None
    data = result.deck.cards[0].data
    assert data == {"question": "[2JWipe?", "answer": "evil"}


# ------------------------------------------------------------ hostile input


BOMB = """\
a0: &a0 [x, x, x, x, x, x, x, x, x, x]
a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
a7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
a8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
"""


def test_billion_laughs_is_rejected_quickly() -> None:
    result, elapsed = timed_load(BOMB.encode())
    assert elapsed < 2
    (diag,) = result.diagnostics
    assert diag.rule == "alias-bomb"
    assert diag.line == 7
    assert "more than 2,000,000 nodes" in diag.message
    assert result.deck is None


def test_alias_bomb_hidden_in_card_text_is_rejected() -> None:
    deck = BOMB.replace("\n", "\n  ") + "\n"
    result, elapsed = timed_load(f"x:\n  {deck}deck: p\n".encode())
    assert elapsed < 2
    assert [d.rule for d in result.diagnostics] == ["alias-bomb"]


def test_deep_flow_nesting_is_rejected_quickly() -> None:
    depth = 100_000
    result, elapsed = timed_load(b"[" * depth + b"]" * depth)
    assert elapsed < 3
    assert lines(result) == [
        "d.yaml:1:65: error: document is nested deeper than 64 levels [too-deep]"
    ]


def test_deep_block_nesting_is_rejected_quickly() -> None:
    result, elapsed = timed_load(b"- " * 100_000 + b"x\n")
    assert elapsed < 3
    assert lines(result) == [
        "d.yaml:1:129: error: document is nested deeper than 64 levels [too-deep]"
    ]


def test_deep_indented_block_nesting_is_rejected() -> None:
    text = "".join(" " * i + "a:\n" for i in range(200)) + " " * 200 + "b\n"
    result, elapsed = timed_load(text.encode())
    assert elapsed < 3
    (diag,) = result.diagnostics
    assert (diag.line, diag.rule) == (65, "too-deep")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(b"deck: p\ntitle: T\ncards:\n")
        handle.write(b"#" * (loader.MAX_BYTES) + b"\n")
    start = time.process_time()
    result = load_deck_file(big)
    assert time.process_time() - start < 2
    assert lines(result) == [f"{big}:1:1: error: file is larger than the 8 MiB limit [too-large]"]


def test_size_limit_with_a_small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_BYTES", 100)
    good = b"deck: p\ntitle: T\ncards: [{id: a, topic: t, question: q, answer: a}]\n"
    assert len(good) < 100
    assert load_deck_bytes(good, "d.yaml").deck is not None
    result = load_deck_bytes(good + b"#" * 100, "d.yaml")
    assert [(d.rule, d.severity) for d in result.diagnostics] == [("too-large", Severity.ERROR)]
    assert "larger than" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object:os.system",
        "!!python/object/apply:os.system",
        "!!python/name:os.system",
        "!!python/object/new:studyapp.core.deck.model.Deck",
        "!!binary",
        "!!set",
        "!custom",
    ],
)
def test_unsupported_tags_are_rejected(tag: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    called: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    result = load(f"deck: p\ntitle: T\ncards:\n  - {tag} ['echo pwned']\n")
    assert called == []
    (diag,) = result.diagnostics
    assert (diag.line, diag.col, diag.severity) == (4, 5, Severity.ERROR)
    assert diag.message.startswith("unsupported YAML tag")
    assert result.deck is None


def test_unsupported_tag_on_the_root() -> None:
    result = load("!!python/object:studyapp.core.deck.model.Deck {id: x}\n")
    assert lines(result) == [
        "d.yaml:1:1: error: unsupported YAML tag "
        "'tag:yaml.org,2002:python/object:studyapp.core.deck.model.Deck': a value starting with "
        "`!` is read as a tag; put the text in quotes [yaml]"
    ]


def test_standard_tags_are_fine() -> None:
    result = load(
        "deck: !!str p\ntitle: !!str 2024\ncards:\n"
        "  - !!map {id: a, topic: t, question: !!str yes, answer: !!str 1.50}\n"
    )
    assert lines(result) == []
    assert result.deck is not None
    assert result.deck.title == "2024"
    assert dict(result.deck.cards[0].data) == {"question": "yes", "answer": "1.50"}


def test_normal_aliases_still_work() -> None:
    result = load(
        SOURCES_HEADER
        + """\
  - id: a
    topic: &topic mechanism
    source: &src {key: guide, section: History}
    question: q
    answer: a
  - id: b
    topic: *topic
    source: *src
    question: q2
    answer: a2
"""
    )
    assert lines(result) == []
    assert result.deck is not None
    assert [c.topic for c in result.deck.cards] == ["mechanism", "mechanism"]
    assert result.deck.cards[1].source == result.deck.cards[0].source


def test_unknown_alias_is_a_syntax_error() -> None:
    result = load(HEADER + "  - *nothing\n")
    assert lines(result) == [
        "d.yaml:4:5: error: `*nothing` is read as an alias (a reference to an anchor `&nothing` "
        "above), and there is no such anchor: put the text in quotes [yaml]"
    ]


def test_long_run_of_braces_in_cloze_text_is_fast() -> None:
    text = HEADER + "  - id: a\n    kind: cloze\n    topic: t\n    text: '" + "{" * 200_000 + "'\n"
    result, elapsed = timed_load(text.encode())
    assert elapsed < 2
    assert [d.rule for d in result.diagnostics] == ["cloze-unbalanced"]


# -------------------------------------------------------------- load_deck_file


def test_load_deck_file_reads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text(HEADER + "  - {id: a, topic: t, question: q, answer: a}\n", encoding="utf-8")
    result = load_deck_file(path)
    assert result.path == str(path)
    assert result.deck is not None
    assert result.deck.path == str(path)


def test_load_deck_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    result = load_deck_file(path)
    assert lines(result) == [f"{path}:1:1: error: cannot read file: No such file or directory [io]"]
    assert result.deck is None


def test_load_deck_file_on_a_folder(tmp_path: Path) -> None:
    result = load_deck_file(tmp_path)
    (diag,) = result.diagnostics
    assert diag.rule == "io"
    assert result.deck is None


def test_huge_integer_answer_is_text_not_a_crash() -> None:
    digits = "1" * 5_000  # over Python's int() digit limit
    result = load(HEADER + f"  - {{id: a, topic: t, question: q, answer: {digits}}}\n")
    assert lines(result) == []
    assert result.deck is not None
    assert result.deck.cards[0].data["answer"] == digits


def test_huge_cloze_deletion_number_is_an_error_not_a_crash() -> None:
    text = "{{c" + "1" * 5_000 + "::x}}"
    result = load(HEADER + f'  - {{id: a, kind: cloze, topic: t, text: "{text}"}}\n')
    (diag,) = result.diagnostics
    assert (diag.line, diag.col, diag.rule) == (4, 42, "cloze-bad-number")
    assert diag.message == "deletion number c11111111... at offset 0 is too large"


@pytest.mark.parametrize("missing", ["id", "topic"])
def test_card_missing_only_a_common_field(missing: str) -> None:
    fields = {"id": "a", "topic": "t", "question": "q", "answer": "a"}
    del fields[missing]
    body = ", ".join(f"{k}: {v}" for k, v in fields.items())
    result = load(HEADER + f"  - {{{body}}}\n")
    assert lines(result) == [
        f"d.yaml:4:5: error: basic card is missing required key '{missing}' [missing-key]"
    ]
    assert result.deck is None


# ----------------------------------------------------------------- properties

_SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.sampled_from(["{{x}}", "{{c2::y::h}}", "{{", "}}", "yes", "1.50", "guide", "S"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
_CARD_KEYS = [
    "id", "kind", "topic", "tags", "source", "explain", "question", "answer", "front", "back",
    "text", "extra",
]  # fmt: skip
_CARD = st.dictionaries(
    st.sampled_from(_CARD_KEYS),
    st.one_of(
        _VALUES,
        st.sampled_from(["basic", "cloze", "reversible", "clozed"]),
        st.fixed_dictionaries(
            {"key": st.sampled_from(["guide", "other"]), "section": st.sampled_from(["S", "T"])},
            optional={"refs": st.lists(st.sampled_from([1, 2, "x"]), max_size=2)},
        ),
    ),
)
_DECK = st.fixed_dictionaries(
    {},
    optional={
        "deck": st.sampled_from(["d", "D D", 5]),
        "title": _SCALARS,
        "description": _VALUES,
        "sources": st.sampled_from(
            [{"guide": {"title": "G", "sections": ["S"], "references": {1: "r"}}}, [], "x"]
        ),
        "cards": st.one_of(st.lists(_CARD, max_size=4), _VALUES),
        "other": _VALUES,
    },
)


def _check_invariants(result: LoadResult) -> None:
    # A deck is returned exactly when there is no error.
    assert (result.deck is None) == bool(result.errors)
    positions = [(d.line, d.col) for d in result.diagnostics]
    assert positions == sorted(positions)
    for diag in result.diagnostics:
        assert diag.line >= 1
        assert diag.col >= 1
        assert diag.message
        assert "\n" not in diag.format()
    if result.deck is not None:
        assert result.deck.cards
        assert len({c.id for c in result.deck.cards}) == len(result.deck.cards)


@settings(max_examples=100, deadline=None)
@given(_DECK)
def test_generated_decks_never_crash_the_loader(deck: dict[str, object]) -> None:
    text = yaml.safe_dump(deck, allow_unicode=True, sort_keys=False)
    result = load_deck_bytes(text.encode(), "gen.yaml")
    _check_invariants(result)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_the_loader(data: bytes) -> None:
    result = load_deck_bytes(data, "bytes.yaml")
    _check_invariants(result)
    assert result.deck is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="-:{}[]&*!|>'\"#? \n\tab1,.~%@`\\", max_size=80))
def test_yaml_punctuation_soup_never_crashes_the_loader(text: str) -> None:
    _check_invariants(load_deck_bytes(text.encode(), "soup.yaml"))
