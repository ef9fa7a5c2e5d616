"""The bundled Selank deck: citations, size, wording and quality.

The deck must cite, for every card, a declared source and one of its declared
section headings; every declared heading must be cited; the deck must reach
the size the issue asks for; and no card may copy a run of ten or more words
from the monographs it was written from. The monographs live outside the
repository (``<repo>/../shared/monographs/``, or the folder named by the
``STUDYAPP_MONOGRAPHS`` environment variable); the tests that need them skip
when neither exists.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studyapp.cli import main
from studyapp.core.kinds import KINDS
from studyapp.core.loader import load_deck_file
from studyapp.core.model import Card, Deck

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


# --- the check command -----------------------------------------------------


def test_check_reports_no_errors_and_no_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(REPO / "decks")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.endswith(": 0 errors, 0 warnings\n")
