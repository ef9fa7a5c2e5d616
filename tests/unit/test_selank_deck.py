"""The bundled Selank deck: citations, size, wording and quality.

The deck must cite, for every card, a declared source and one of its declared
section headings; every declared heading must be cited; the deck must reach
the size the issue asks for; no card may copy a run of ten or more words from
the monographs it was written from; every card says what its claim rests on
(``evidence``); and every variant a generated dosing card can draw lands on a
mark of the syringe it draws, with a worked solution that agrees with the
answer shown. The monographs live outside the
repository (``<repo>/../shared/monographs/``, or the folder named by the
``STUDYAPP_MONOGRAPHS`` environment variable); the tests that need them skip
when neither exists.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from studyapp.cli import main
from studyapp.core.deck.evidence import EVIDENCE
from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds import KINDS, numeric
from studyapp.core.kinds._numeric_check import grid
from studyapp.core.kinds.grading import DeckContext, Interaction, Question, Verdict
from studyapp.core.kinds.syringe import U100_SCALE, U100_UNITS_PER_ML
from studyapp.core.library.loader import load_deck_file

REPO = Path(__file__).resolve().parents[2]
DECK_FILE = REPO / "decks" / "selank.yaml"
RUN = 10
"""Word runs this long or longer may not be shared with a monograph."""

GUIDE_FILE = "000_c2ade4caac3992ad.txt"
MONOGRAPH_FILE = "001_98ca72d0931e5d19.txt"

GUIDE_HEADINGS = (
    "A Brief History of Selank Peptide",
    "How Does Selank Work?",
    "What Kind of Studies Were Made With Selank",
    "Research Into Selank for Immune Health and Resilience",
    "Selank in the Treatment of Anxiety Disorders and Stress",
    "Selank as a Nootropic — Sharper Cognition and Easier Learning",
    "Fuller Recovery From Stroke and Traumatic Brain Injury",
    "Selank to Strengthen Natural Pain Relief Opioids",
    "Where Might Selank Research Go Next?",
    "What Delivery Methods do Selank Studies Use?",
    "What Are The Common Dosing Protocols Researched So Far?",
    "FAQs",
    "Is Selank anti-inflammatory?",
    "What does Selank do to the brain?",
    "For which conditions is Selank approved in Russia?",
    "Has research led to any data on the safety",
    "Scientific References and Sources",
)
"""Every heading of the guide, as printed (the three longest cut to their first
words, so that no run of ten words of the monograph is copied). Its opening paragraphs, under the
article title, have no heading of their own: the deck calls them Introduction."""

MONOGRAPH_HEADINGS = (
    "Research Applications",
    "Generalized Anxiety Disorder",
    "Cognitive Enhancement",
    "Immune System Support",
    "Neurasthenia and Adjustment Disorders",
    "Alcohol and Drug Withdrawal",
    "Neuroprotection",
    "Mechanism of Action",
    "GABAergic Modulation",
    "Serotonergic System Regulation",
    "BDNF and Neurotrophin Expression",
    "Enkephalin System Modulation",
    "Immunomodulation via Tuftsin Core",
    "Biological Pathways",
    "GABA-A/Chloride Channel Enhancement",
    "BDNF/TrkB/MAPK Neuroplasticity Pathway",
    "IL-6/STAT3 Immune Regulation",
    "Dopamine/D2 Reward Pathway",
    "Dosage Information",
    "Protocols",
    # printed fused with its badges: "...Cognitive StackBeginner🧠Cognitive4-8 weeks"
    "Semax + Selank Cognitive Stack",
    "Stability & Storage",
    "Side Effects & Precautions",
    "Remarkably Favorable Safety Profile",
    "Nasal Irritation",
    "No Sedation",
    "No Tolerance or Dependence",
    "No Significant Drug Interactions",
    "Mild Headache",
    "Regulatory Status",
    "Research Studies",
)
"""Every heading of the structured monograph, as printed (the five study titles
under Research Studies are its references, numbered in the order listed)."""

EXPECTED_SECTIONS = {
    "guide": ("Introduction", *GUIDE_HEADINGS),
    "monograph": MONOGRAPH_HEADINGS,
}
SOURCE_FILES = {"guide": GUIDE_FILE, "monograph": MONOGRAPH_FILE}
STUDY_ORDER = (
    "history",
    "structure",
    "mechanism",
    "pathway",
    "application",
    "delivery",
    "dosing",
    "storage",
    "safety",
    "regulatory",
    "studies",
)
CHOICE_KINDS = ("choice", "select", "truefalse")


def _deck() -> Deck:
    result = load_deck_file(DECK_FILE)
    assert result.deck is not None, [d.format() for d in result.diagnostics]
    return result.deck


DECK = _deck()


def monograph_dir() -> Path | None:
    """The monographs folder: $STUDYAPP_MONOGRAPHS, else ``<repo>/../shared/monographs``,
    where ``<repo>`` is this checkout or, in a git worktree, the main checkout."""
    candidates = [os.environ.get("STUDYAPP_MONOGRAPHS", ""), REPO.parent / "shared" / "monographs"]
    dot_git = REPO / ".git"
    if dot_git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(dot_git.read_text("utf-8").partition("gitdir:")[2].strip())
        candidates.append(gitdir.parent.parent.parent.parent / "shared" / "monographs")
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


needs_monographs = pytest.mark.skipif(monograph_dir() is None, reason="monographs not found")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


CLOZE = re.compile(r"\{\{(?:c\d+::)?(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def deletions(text: str) -> list[str]:
    return [m.group(1) for m in CLOZE.finditer(text)]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def card_texts(card: Card) -> Iterator[str]:
    """Every piece of text a student sees on ``card``; cloze text filled in, hints apart."""
    for key, value in card.data.items():
        if key in ("formula", "unit", "tolerance", "params"):
            continue
        for text in strings(value):
            if key == "text" and card.kind == "cloze":
                yield CLOZE.sub(lambda m: m.group(1), text)
                yield from (m.group(2) for m in CLOZE.finditer(text) if m.group(2))
            else:
                yield text
    if card.explain:
        yield card.explain


# --- citations -------------------------------------------------------------


def test_every_card_cites_a_declared_source_and_section() -> None:
    for card in DECK.cards:
        assert card.source is not None, card.id
        source = DECK.sources.get(card.source.key)
        assert source is not None, (card.id, card.source.key)
        assert card.source.section in source.sections, (card.id, card.source.section)
        for ref in card.source.refs:
            assert ref in source.references, (card.id, ref)


def test_the_declared_sections_are_the_monographs_headings() -> None:
    assert set(DECK.sources) == set(EXPECTED_SECTIONS)
    for key, sections in EXPECTED_SECTIONS.items():
        assert DECK.sources[key].sections == sections


@needs_monographs
def test_every_declared_heading_is_printed_in_its_monograph() -> None:
    folder = monograph_dir()
    assert folder is not None
    for key, filename in SOURCE_FILES.items():
        lines = [line.strip() for line in (folder / filename).read_text("utf-8").splitlines()]
        for section in DECK.sources[key].sections:
            if (key, section) == ("guide", "Introduction"):
                continue
            assert any(line.startswith(section) for line in lines), (key, section)


def test_every_declared_section_is_cited_by_a_card() -> None:
    cited = {(c.source.key, c.source.section) for c in DECK.cards if c.source is not None}
    for key, source in DECK.sources.items():
        missing = [s for s in source.sections if (key, s) not in cited]
        assert missing == [], key


def test_every_numbered_reference_is_cited() -> None:
    cited = {(c.source.key, r) for c in DECK.cards if c.source is not None for r in c.source.refs}
    for key, source in DECK.sources.items():
        assert {(key, r) for r in source.references} <= cited


# --- size and order --------------------------------------------------------


def test_deck_size_and_minimums() -> None:
    assert len(DECK.cards) >= 150
    topics = Counter(card.topic for card in DECK.cards)
    assert set(topics) == set(STUDY_ORDER)
    assert min(topics.values()) >= 10, topics
    kinds = Counter(card.kind for card in DECK.cards)
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= 5, kinds


def test_topics_come_in_learning_order() -> None:
    order = [STUDY_ORDER.index(card.topic) for card in DECK.cards]
    assert order == sorted(order)


def test_first_card_is_a_basic_card() -> None:
    # The tmux end-to-end test reveals and rates the first new card with Space, 3.
    assert DECK.cards[0].kind == "basic"


def test_description_carries_the_caveat() -> None:
    assert "research and education only" in DECK.description
    assert "not medical advice" in DECK.description


# --- no copying ------------------------------------------------------------


def _runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


@needs_monographs
def test_no_card_copies_ten_words_of_a_monograph() -> None:
    folder = monograph_dir()
    assert folder is not None
    source_runs: set[tuple[str, ...]] = set()
    for path in sorted(folder.glob("*.txt")):
        source_runs |= _runs(words(path.read_text("utf-8")))
    assert source_runs
    copied = [
        (card.id, " ".join(run))
        for card in DECK.cards
        for text in card_texts(card)
        for run in sorted(_runs(words(text)) & source_runs)
    ]
    assert copied == []
    assert not _runs(words(DECK.description)) & source_runs
    # The whole file too (titles, headings, references, comments), read as one text
    # the way a reader would: consecutive headings must not rebuild a copied run.
    whole = DECK_FILE.read_text("utf-8")
    assert sorted(" ".join(run) for run in _runs(words(whole)) & source_runs) == []


def test_the_copy_check_catches_a_copied_run() -> None:
    sentence = "the tuftsin core sequence activates nk cells macrophages and t cells today"
    assert _runs(words("The tuftsin core sequence activates NK cells, macrophages and T-cells"))
    assert _runs(words(sentence)) & _runs(words(sentence.upper()))
    assert not _runs(words("nine words only in this short line of text"))


# --- quality ---------------------------------------------------------------


def norm(text: str) -> str:
    return " ".join(words(text))


def test_choice_cards_explain_themselves() -> None:
    for card in DECK.cards:
        if card.kind in CHOICE_KINDS:
            assert card.explain, card.id


def test_no_two_cards_ask_the_same_question() -> None:
    asked = Counter(
        norm(str(card.data.get("question") or card.data.get("statement") or card.data.get("front")))
        for card in DECK.cards
        if card.kind != "cloze"
    )
    assert [q for q, n in asked.items() if n > 1] == []


def test_no_answer_is_given_away_by_its_question() -> None:
    for card in DECK.cards:
        question = f" {norm(str(card.data.get('question', '')))} "
        answers: list[str] = []
        if card.kind in ("basic", "typed"):
            answers = [str(card.data["answer"])]
        elif card.kind == "choice":
            answers = [c["text"] for c in card.data["choices"] if c["correct"]]
        for answer in answers:
            assert f" {norm(answer)} " not in question, card.id


def test_cloze_deletions_are_not_shown_elsewhere_on_the_card() -> None:
    for card in DECK.cards:
        if card.kind != "cloze":
            continue
        text = card.data["text"]
        visible = norm(CLOZE.sub(" ", text) + " " + (card.explain or ""))
        for deletion in deletions(text):
            assert f" {norm(deletion)} " not in f" {visible} ", (card.id, deletion)


def test_no_correct_option_is_also_a_wrong_one() -> None:
    for card in DECK.cards:
        # Drawn options (distractors: auto) would mix categories here: a structure
        # card's siblings answer with sequences, enzymes and chain ends alike.
        assert not card.data.get("auto"), card.id
        if card.kind in ("choice", "select"):
            right = {norm(c["text"]) for c in card.data["choices"] if c["correct"]}
            wrong = [norm(c["text"]) for c in card.data["choices"] if not c["correct"]]
            assert not right & set(wrong), card.id
            assert len(wrong) == len(set(wrong)), card.id


# --- evidence levels -------------------------------------------------------

#: The cards that teach the monograph's unreferenced claim that Selank inhibits
#: GABA transaminase (issue 18): each must be marked so and say so.
GABA_T_CARDS = (
    "selank-vs-benzo-gaba",
    "gaba-a-sensitivity",
    "gaba-enzyme-choice",
    "gaba-t-typed",
    "benzo-direct-tf",
    "raised-by-selank-select",
    "mechanism-effect-match",
    "gaba-sequence-order",
)


def test_every_card_says_what_its_claim_rests_on() -> None:
    assert [card.id for card in DECK.cards if card.evidence not in EVIDENCE] == []
    used = Counter(card.evidence for card in DECK.cards)
    assert set(used) == set(EVIDENCE), used  # the deck shows every level at least once


def test_the_gaba_transaminase_claim_is_marked_unreferenced_and_said_to_be() -> None:
    teaching = [c.id for c in DECK.cards if re.search(r"transaminase", " ".join(card_texts(c)))]
    assert set(GABA_T_CARDS) <= set(teaching)
    for card_id in GABA_T_CARDS:
        card = DECK.card(card_id)
        assert card is not None and card.evidence == "unreferenced-claim", card_id
        assert card.explain is not None
        assert re.search(r"no study|unreferenced|without (a )?references?", card.explain), card_id


ABOUT_SOMETHING_ELSE = {"semax-same-team"}
"""Cards citing a reference for a side remark it does not test (who made Semax)."""


def test_cited_references_carry_the_kind_of_study_they_are() -> None:
    # The guide's rat studies (2, 4, 5, 6, 7) and its in-vitro enzyme study (9).
    kinds = {"2": "animal", "4": "animal", "5": "animal", "6": "animal", "7": "animal"}
    kinds["9"] = "in-vitro"
    for card in DECK.cards:
        assert card.source is not None
        if card.source.key == "guide" and card.source.refs:
            found = {kinds.get(ref) for ref in card.source.refs} - {None}
            if len(found) == 1 and card.id not in ABOUT_SOMETHING_ELSE:
                assert card.evidence in found, card.id


# --- generated dosing cards --------------------------------------------------

CONTEXT = DeckContext.of(DECK)
SYRINGE_MARK = re.compile(r"draw to the (?P<units>\S+)-unit mark \((?P<ml>\S+) mL\)")


def every_draw(card: Card) -> Iterator[dict[str, float]]:
    """Every set of values a generated card can draw (the product of its params' grids)."""
    grids = []
    for name, low, high, step in card.data["params"]:
        first, by, count = grid(low, high, step)
        grids.append([(name, float(first + by * i)) for i in range(count)])
    for combination in itertools.product(*grids):
        yield dict(combination)


GENERATED = [c for c in DECK.cards if c.kind == "numeric" and c.data["params"]]


@pytest.mark.parametrize("card", GENERATED, ids=[c.id for c in GENERATED])
def test_every_draw_of_a_generated_card_agrees_with_its_solution(card: Card) -> None:
    unit = card.data["unit"]
    draws = list(every_draw(card))
    assert len(draws) == math.prod(
        grid(low, high, step)[2] for _name, low, high, step in card.data["params"]
    )
    for values in draws:
        question = Question(Interaction.NUMERIC, (), unit=unit, values=values)
        blank = numeric.grade(card, question, "", CONTEXT)
        shown = blank.expected.split()[0]  # the answer as displayed: "0.16 mL" -> "0.16"
        # the worked solution ends on the number displayed, and that number is graded right
        assert blank.solution, (card.id, values)
        stated = re.compile(rf"= {re.escape(shown)}(?![\d.])")
        assert any(stated.search(line) for line in blank.solution), (card.id, blank.solution)
        assert numeric.grade(card, question, blank.expected, CONTEXT).verdict is Verdict.CORRECT
        if card.data["syringe"] is None:
            continue
        # a syringe card: the displayed answer is exact and is a whole-unit mark (1 unit = 0.01 mL)
        fill = Decimal(shown) * (U100_UNITS_PER_ML if unit == "mL" else 1)
        assert fill == fill.to_integral_value() and 0 < fill <= U100_SCALE, (card.id, values)
        (mark,) = [m for line in blank.solution if (m := SYRINGE_MARK.search(line))]
        assert Decimal(mark["units"]) == fill, (card.id, values, mark.group())
        assert Decimal(mark["ml"]) == fill / U100_UNITS_PER_ML, (card.id, values, mark.group())
        assert blank.drawing[-1].endswith(f"^ {int(fill)} units ({mark['ml']} mL)"), blank.drawing


def test_syringe_draws_are_exact_not_rounded() -> None:
    """The displayed answer of every syringe draw equals the formula's value: no rounding hides
    a quarter unit (2.25 units shown as 2.3) behind a mark that does not exist."""
    checked = 0
    for card in GENERATED:
        if card.data["syringe"] is None:
            continue
        for values in every_draw(card):
            question = Question(Interaction.NUMERIC, (), unit=card.data["unit"], values=values)
            shown = Decimal(numeric.grade(card, question, "", CONTEXT).expected.split()[0])
            dose, strength = values["dose_mcg"], values["vial_mg"] * 1000 / values["water_ml"]
            volume_ml = Decimal(str(dose)) / Decimal(str(strength))
            expected = volume_ml if card.data["unit"] == "mL" else volume_ml * U100_UNITS_PER_ML
            assert shown == expected, (card.id, values, shown, expected)
            checked += 1
    assert checked == 72  # two syringe cards, 2 vials x 2 volumes x 9 amounts each


# --- the check command -----------------------------------------------------


def test_check_reports_no_errors_and_no_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(REPO / "decks")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.endswith(": 0 errors, 0 warnings\n")
