"""The deck linter: every rule, positive and negative, at its exact line and column."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from studyapp.core.deck.model import Deck, Severity
from studyapp.core.library import Library, load_library, result_from_json, result_to_json
from studyapp.core.library.lint import lint_decks, lint_library
from studyapp.core.library.loader import load_deck_bytes

HEADER = "deck: {id}\ntitle: T\ncards:\n"
"""Cards start on line 4; a card's keys at column 5, its values after them."""


def deck(cards: str, deck_id: str = "d", path: str = "d.yaml", header: str = HEADER) -> Deck:
    text = header.format(id=deck_id) + textwrap.indent(textwrap.dedent(cards).strip("\n"), "  ")
    result = load_deck_bytes((text + "\n").encode(), path)
    assert [d.format() for d in result.errors] == []
    assert result.deck is not None
    return result.deck


def lints(*decks: Deck, rule: str | None = None) -> list[tuple[str, int, int, str, str]]:
    """``(path, line, col, rule, message)`` of each lint warning (of ``rule``)."""
    found = lint_decks(decks)
    assert {d.severity for d in found} <= {Severity.WARNING}
    return [
        (d.path, d.line, d.col, d.rule, d.message) for d in found if rule is None or d.rule == rule
    ]


BASIC = """\
- id: {id}
  topic: t
  question: {question}
  answer: {answer}
"""


def basic(card_id: str, question: str, answer: str = "Chloride") -> str:
    return BASIC.format(id=card_id, question=question, answer=answer)


# ------------------------------------------------------------ duplicate-question


def test_duplicate_question_in_one_deck_is_reported_on_the_later_card() -> None:
    d = deck(
        basic("a", "Which ion flows through the GABA-A channel?")
        + basic("b", "What is BDNF?", "A neurotrophin")
        + basic("c", '"which ion flows through the **GABA A** channel"')
    )
    assert lints(d) == [
        (
            "d.yaml",
            14,
            15,
            "duplicate-question",
            "card 'c' asks the same question as card 'a' (d.yaml:6)",
        )
    ]


def test_duplicate_question_across_decks_names_the_first_file_and_line() -> None:
    first = deck(basic("a", "What is BDNF?", "A neurotrophin"), "one", "one.yaml")
    second = deck(
        basic("x", "What is TrkB?", "A receptor") + basic("y", "What is BDNF?"), "two", "two.yaml"
    )
    assert lints(first, second) == [
        (
            "two.yaml",
            10,
            15,
            "duplicate-question",
            "card 'y' asks the same question as card 'a' (one.yaml:6)",
        )
    ]
    # the other way round, the warning moves to the other file
    assert [row[:3] for row in lints(second, first)] == [("one.yaml", 6, 15)]


def test_duplicate_question_across_kinds_and_sides() -> None:
    d = deck(
        """
        - id: tf
          kind: truefalse
          topic: t
          statement: Selank is on the WADA list.
          answer: false
          explain: It is not.
        - id: rev
          kind: reversible
          topic: t
          front: GABA-A ion
          back: Chloride
        - id: rev2
          kind: reversible
          topic: t
          front: Cl-
          back: chloride.
        - id: typed
          kind: typed
          topic: t
          question: selank is on the wada list
          answer: "no"
        """
    )
    assert lints(d) == [
        (
            "d.yaml",
            19,
            11,
            "duplicate-question",
            "card 'rev2' 'back' asks the same question as card 'rev' (d.yaml:14)",
        ),
        (
            "d.yaml",
            23,
            15,
            "duplicate-question",
            "card 'typed' asks the same question as card 'tf' (d.yaml:7)",
        ),
    ]


def test_cloze_sentences_compare_with_their_deletions_filled_in() -> None:
    d = deck(
        """
        - {id: a, kind: cloze, topic: t, text: "BDNF binds {{TrkB}}."}
        - {id: b, kind: cloze, topic: t, text: "{{BDNF}} binds {{c2::TrkB::a receptor}}."}
        - {id: c, kind: cloze, topic: t, text: "BDNF binds {{p75}}."}
        """
    )
    assert lints(d, rule="duplicate-question") == [
        (
            "d.yaml",
            5,
            42,
            "duplicate-question",
            "card 'b' asks the same question as card 'a' (d.yaml:4)",
        )
    ]


def test_orderings_and_matchings_are_the_same_question_only_with_the_same_items() -> None:
    d = deck(
        """
        - {id: o1, kind: ordering, topic: t, question: Put in order., items: [a, b, c]}
        - {id: o2, kind: ordering, topic: t, question: Put in order., items: [x, y, z]}
        - {id: o3, kind: ordering, topic: t, question: Put in order., items: [c, a, b]}
        - {id: m1, kind: matching, topic: t, question: Match., pairs: [[a, 1], [b, 2]]}
        - {id: m2, kind: matching, topic: t, question: Match., pairs: [[a, 2], [b, 1]]}
        """
    )
    assert [(row[1], row[4]) for row in lints(d)] == [
        (6, "card 'o3' asks the same question as card 'o1' (d.yaml:4)")
    ]


def test_different_questions_are_not_duplicates() -> None:
    d = deck(basic("a", "What is BDNF?") + basic("b", "What is BDNF for?"))
    assert lints(d) == []


# ------------------------------------------------------------ answer-in-question


def test_a_basic_answer_written_in_its_question() -> None:
    d = deck(basic("a", "Which ion, chloride or sodium, flows through GABA-A?", "Chloride"))
    assert lints(d) == [
        (
            "d.yaml",
            6,
            15,
            "answer-in-question",
            "the answer 'Chloride' is written in the question",
        )
    ]


def test_a_multiple_choice_question_written_out_may_hold_its_answer() -> None:
    """What a CSV export lays out for a choice or true/false card, read back as basic."""
    d = deck(
        basic("laid-out", '"Is chloride the ion?\\nA. True\\nB. False"', "'False'")
        + basic("one-option", '"Which ion?\\nA. Chloride"', "Chloride")
    )
    assert [(row[1], row[4]) for row in lints(d)] == [
        (10, "the answer 'Chloride' is written in the question"),
    ]


def test_answers_are_matched_as_whole_words_ignoring_case_and_punctuation() -> None:
    d = deck(
        basic("part-of-a-word", "What does GABAergic mean?", "GABA")
        + basic("short", "Which ras protein follows TrkB?", "Ras")
        + basic("hyphen", "Where is the gaba a receptor?", "GABA-A")
        + basic("greek", "Which β-arrestin is it, beta arrestin 2?", "β-arrestin 2")
    )
    assert [(row[1], row[4]) for row in lints(d)] == [
        (14, "the answer 'GABA-A' is written in the question"),
        (18, "the answer 'β-arrestin 2' is written in the question"),
    ]


def test_typed_accepted_answers_choice_and_select_options_and_numbers() -> None:
    d = deck(
        """
        - id: typed
          kind: typed
          topic: t
          question: Which receptor (NTRK2) does BDNF activate?
          answer: TrkB
          accept: [NTRK2]
        - kind: choice
          id: choice
          topic: t
          question: Which enzyme, GABA transaminase perhaps, breaks GABA down?
          answer: GABA transaminase
          distractors: [MAO-A]
          explain: e
        - kind: select
          id: select
          topic: t
          question: Which are cytokines, like IL-6?
          choices:
            - {text: IL-6, correct: true}
            - {text: Ras}
          explain: e
        - id: numeric
          kind: numeric
          topic: t
          question: The spray is 0.15 %. What is its strength?
          answer: 0.15
          unit: "%"
        - kind: choice
          id: wrong-option-in-question
          topic: t
          question: Which enzyme, not MAO-A, breaks GABA down?
          answer: GABA-T
          distractors: [MAO-A]
          explain: e
        """
    )
    assert [(row[1], row[2], row[4]) for row in lints(d)] == [
        (7, 15, "the accepted answer 'NTRK2' is written in the question"),
        (13, 15, "the correct option 'GABA transaminase' is written in the question"),
        (20, 15, "the correct option 'IL-6' is written in the question"),
        (28, 15, "the answer '0.15' is written in the question"),
    ]


def test_a_reversible_side_written_in_the_other() -> None:
    d = deck(
        """
        - id: rev
          kind: reversible
          topic: t
          front: BDNF binds TrkB
          back: TrkB
        - id: fine
          kind: reversible
          topic: t
          front: BDNF
          back: Brain-derived neurotrophic factor
        """
    )
    assert lints(d) == [
        (
            "d.yaml",
            7,
            12,
            "answer-in-question",
            "the back 'TrkB' is written in 'front', which asks for it",
        )
    ]


# --------------------------------------------------------------- cloze-unhidden


def test_a_cloze_deletion_shown_in_the_text_in_another_deletion_or_its_hint() -> None:
    d = deck(
        """
        - {id: text, kind: cloze, topic: t, text: "{{BDNF}} binds TrkB; bdnf then acts."}
        - {id: other, kind: cloze, topic: t, text: "{{c1::BDNF}} drives {{c2::BDNF-TrkB loop}}."}
        - {id: hint, kind: cloze, topic: t, text: "BDNF binds {{TrkB::the TrkB receptor}}."}
        """
    )
    assert lints(d) == [
        (
            "d.yaml",
            4,
            45,
            "cloze-unhidden",
            "deletion c1 'BDNF' is shown unhidden in the text while it is asked",
        ),
        (
            "d.yaml",
            5,
            46,
            "cloze-unhidden",
            "deletion c1 'BDNF' is shown unhidden in deletion c2 while it is asked",
        ),
        (
            "d.yaml",
            6,
            45,
            "cloze-unhidden",
            "deletion c1 'TrkB' is shown unhidden in its hint while it is asked",
        ),
    ]


def test_cloze_deletions_hidden_together_short_ones_and_parts_of_words_are_fine() -> None:
    d = deck(
        """
        - {id: same, kind: cloze, topic: t, text: "{{c1::BDNF}} binds TrkB; {{c1::BDNF}} acts."}
        - {id: short, kind: cloze, topic: t, text: "Take {{5}} mg in 5 mL."}
        - {id: part, kind: cloze, topic: t, text: "{{GABA}} is a GABAergic signal."}
        - {id: hint, kind: cloze, topic: t, text: "BDNF binds {{TrkB::a receptor}}."}
        """
    )
    assert lints(d) == []


def test_cloze_multi_line_text_is_reported_at_its_value() -> None:
    d = deck(
        """
        - id: folded
          kind: cloze
          topic: t
          text: >-
            {{Selank}} is a tuftsin analogue;
            Selank is given nasally.
        """
    )
    assert [row[1:4] for row in lints(d)] == [(7, 11, "cloze-unhidden")]  # at the '>-'


# -------------------------------------------------------------- similar-choices


def test_options_that_differ_only_in_punctuation_or_greek() -> None:
    d = deck(
        """
        - kind: choice
          id: choices
          topic: t
          question: Which receptor?
          choices:
            - {text: GABA-A, correct: true}
            - text: NMDA
            - text: gaba a
          explain: e
        - kind: choice
          id: distractors
          topic: t
          question: Which adrenoceptor?
          answer: α2
          distractors: [β1, alpha-2]
          explain: e
        - kind: select
          id: select
          topic: t
          question: Which are right?
          choices:
            - {text: "IL 6", correct: true}
            - {text: "IL-6"}
          explain: e
        """
    )
    assert lints(d) == [
        (
            "d.yaml",
            11,
            15,
            "similar-choices",
            "option 'gaba a' differs from 'GABA-A' (line 9) only in punctuation, spacing, "
            "hyphens or Greek letters",
        ),
        (
            "d.yaml",
            18,
            23,
            "similar-choices",
            "option 'alpha-2' differs from 'α2' (line 17) only in punctuation, spacing, "
            "hyphens or Greek letters",
        ),
        (
            "d.yaml",
            26,
            16,
            "similar-choices",
            "option 'IL-6' differs from 'IL 6' (line 25) only in punctuation, spacing, "
            "hyphens or Greek letters",
        ),
    ]


def test_signs_and_real_differences_keep_options_apart() -> None:
    d = deck(
        """
        - kind: choice
          id: potential
          topic: t
          question: Resting membrane potential?
          answer: -70 mV
          distractors: [+70 mV, "70", TrkA, 5-HT2A]
          explain: e
        """
    )
    assert lints(d) == []


# ---------------------------------------------------------------- unused-source

SOURCES = """deck: {id}
title: T
sources:
  guide:
    title: Guide
    sections:
      - History
      - Mechanism
      - Safety
  review:
    title: Review
    sections: [Intro]
cards:
"""


def test_an_uncited_source_and_uncited_sections() -> None:
    d = deck(
        """
        - id: a
          topic: t
          source: {key: guide, section: Mechanism}
          question: Which ion?
          answer: Chloride
        """,
        header=SOURCES,
    )
    assert lints(d) == [
        (
            "d.yaml",
            7,
            9,
            "unused-source",
            "section 'History' of source 'guide' is not cited by any card",
        ),
        (
            "d.yaml",
            9,
            9,
            "unused-source",
            "section 'Safety' of source 'guide' is not cited by any card",
        ),
        ("d.yaml", 10, 3, "unused-source", "source 'review' is not cited by any card"),
    ]


def test_sources_and_sections_all_cited() -> None:
    cards = "".join(
        f"- {{id: c{n}, topic: t, source: {{key: {key}, section: {section}}}, "
        f"question: Q{n}?, answer: A{n}}}\n"
        for n, (key, section) in enumerate(
            [("guide", "History"), ("guide", "Mechanism"), ("guide", "Safety"), ("review", "Intro")]
        )
    )
    assert lints(deck(cards, header=SOURCES)) == []


def test_a_source_without_sections_needs_only_a_citation() -> None:
    header = "deck: {id}\ntitle: T\nsources: {{g: {{title: G}}}}\ncards:\n"
    cited = deck(
        "- {id: a, topic: t, source: {key: g, section: Any}, question: Q, answer: A}", header=header
    )
    assert lints(cited) == []


# ------------------------------------------------------------------- the library


def test_lint_library_merges_warnings_in_position_order_and_skips_broken_decks() -> None:
    text = HEADER.format(id="d") + textwrap.indent(
        basic("a", "Which ion, chloride?") + basic("b", "Which ion, chloride?"), "  "
    )
    good = load_deck_bytes(text.encode(), "good.yaml")
    broken = load_deck_bytes(b"deck: x\ntitle: T\ncards: []\n", "broken.yaml")
    library = lint_library(Library((good, broken)))
    assert [(d.line, d.rule) for d in library.results[0].diagnostics] == [
        (6, "answer-in-question"),
        (10, "duplicate-question"),
        (10, "answer-in-question"),
    ]
    assert library.results[1] == broken
    assert library.results[0].deck == good.deck


def test_positions_survive_the_json_cache(tmp_path: Path) -> None:
    text = SOURCES.format(id="d") + textwrap.indent(
        textwrap.dedent(
            """\
            - kind: choice
              id: c
              topic: t
              source: {key: guide, section: History}
              question: Which receptor, GABA-A?
              answer: GABA-A
              distractors: [GABA A]
              explain: e
            """
        ),
        "  ",
    )
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    fresh = load_deck_bytes(text.encode(), str(path))
    round_trip = result_from_json(json.loads(json.dumps(result_to_json(fresh))))
    assert round_trip == fresh
    cache = tmp_path / "cache"
    cold = lint_library(load_library([path], cache_dir=cache))
    warm = lint_library(load_library([path], cache_dir=cache))
    assert list(cache.glob("*.json"))
    assert warm == cold
    assert [(d.line, d.col, d.rule) for d in warm.results[0].diagnostics] == [
        (8, 9, "unused-source"),
        (9, 9, "unused-source"),
        (10, 3, "unused-source"),
        (18, 15, "answer-in-question"),
        (20, 19, "similar-choices"),
    ]


# ------------------------------------------------------------- the fast path


def test_the_ascii_fast_path_folds_exactly_like_answers_are_folded() -> None:
    from random import Random

    from studyapp.core.kinds.answer_forms import fold_words as normalize
    from studyapp.core.library.lint import _key

    rng = Random(5)
    alphabet = "aZ09 .,-/\\_*`'\"()[]{}:;!?%+=\t\n" + "bdnfTRKB12"
    samples = ["1..5", "1.5.6", "1.,5", ".5", "5.", "a-1,2 b", "GABA-A", "5-HT1A", "x\x1by"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)
    ]
    for text in samples:
        assert _key(text) == normalize(text), repr(text)
    assert _key("β-arrestin 2") == normalize("β-arrestin 2") == "beta arrestin 2"
