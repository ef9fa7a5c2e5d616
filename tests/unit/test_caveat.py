"""A deck's own caveat ("not medical advice"), shown once where it applies and exported as written.

The caveat is deck data: ``caveat`` on the deck (shown with its dosing cards:
numeric, ``topic: dosing`` or a syringe) or on a card (shown with that card,
of any kind, instead of the deck's). A deck without one shows and exports none.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from random import Random

import pytest

from studyapp.cli import main
from studyapp.core.deck.model import Deck
from studyapp.core.deck.text import plain
from studyapp.core.library.loader import load_deck_bytes, load_deck_file
from studyapp.core.study.quiz import Quizzer
from studyapp.core.study.session import Prompt, prompts_of
from studyapp.interchange import Report
from studyapp.interchange.apkg import note_fields
from studyapp.interchange.gift import gift_questions
from studyapp.interchange.table import COLUMNS, export_table

REPO = Path(__file__).resolve().parents[2]
DECK_CAVEAT = "Calculation drill only - never a prescription."
CARD_CAVEAT = "Figures from one rat study."
DECK = f"""\
deck: pharm
title: Pharm
caveat: {DECK_CAVEAT}
cards:
  - id: dose
    kind: numeric
    topic: dosing
    question: How many mg in 2 tablets of 5 mg?
    answer: 10
    unit: mg
  - id: syringe
    kind: numeric
    topic: practice
    question: How many mL is 10 units on a U-100 syringe?
    answer: 0.1
    unit: mL
    syringe: u100
  - id: residues
    kind: numeric
    topic: structure
    question: How many residues does the peptide have?
    answer: 7
  - id: own
    kind: numeric
    topic: dosing
    caveat: {CARD_CAVEAT}
    question: What daily dose did the study use, in mcg?
    answer: 300
    unit: mcg
  - id: study
    kind: choice
    topic: evidence
    caveat: {CARD_CAVEAT}
    question: Which animal was studied?
    answer: Rat
    distractors: [Mouse, Dog]
    explain: A rat model.
  - id: flip
    topic: evidence
    caveat: {CARD_CAVEAT}
    question: What did the study measure?
    answer: BDNF expression
  - id: plain
    topic: evidence
    question: Which peptide is it built on?
    answer: Tuftsin
"""
EXPECTED = {
    "dose": DECK_CAVEAT,
    "syringe": DECK_CAVEAT,
    "residues": None,
    "own": CARD_CAVEAT,
    "study": CARD_CAVEAT,
    "flip": CARD_CAVEAT,
    "plain": None,
}


class _NoAliases:
    def aliases(self, deck_id: str) -> dict[str, tuple[str, ...]]:
        return {}

    def add_alias(self, deck_id: str, card_id: str, alias: str, at: datetime) -> None:
        raise AssertionError("not expected")


def load(text: str = DECK) -> Deck:
    result = load_deck_bytes(text.encode(), "pharm.yaml")
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    return result.deck


def shown(deck: Deck, prompt: Prompt) -> str:
    """The question side as the app shows it: the question and its hint, or the flip front."""
    quizzer = Quizzer(_NoAliases(), lambda: datetime(2026, 1, 1, tzinfo=UTC), rng=Random(0))
    if quizzer.interaction(prompt).value == "flip":
        return plain(list(prompt.face().front))
    question = quizzer.ask(prompt)
    return "\n".join([plain(list(question.prompt)), question.hint or ""])


def test_which_card_shows_which_caveat() -> None:
    deck = load()
    assert {card.id: deck.caveat_for(card) for card in deck.cards} == EXPECTED


def test_the_caveat_is_shown_once_under_the_question_where_it_applies() -> None:
    deck = load()
    for prompt in prompts_of(deck):
        text = shown(deck, prompt)
        caveat = EXPECTED[prompt.card.id]
        for other in (DECK_CAVEAT, CARD_CAVEAT):
            assert text.count(other) == (other == caveat), (prompt.card.id, text)
        if caveat:
            assert text.rstrip().endswith(caveat)


def test_a_deck_without_a_caveat_shows_none_on_its_dosing_cards() -> None:
    deck = load(DECK.replace(f"caveat: {DECK_CAVEAT}\n", "", 1))
    dose = next(p for p in prompts_of(deck) if p.card.id == "dose")
    assert shown(deck, dose) == "How many mg in 2 tablets of 5 mg?\n"


def test_the_bundled_deck_shows_its_caveat_once_on_each_dosing_card() -> None:
    result = load_deck_file(REPO / "decks" / "selank.yaml")
    deck = result.deck
    assert deck is not None
    assert deck.caveat == "Arithmetic practice from research literature - not medical advice."
    dosing = [p for p in prompts_of(deck) if p.card.kind == "numeric" and p.card.topic == "dosing"]
    assert dosing
    for prompt in dosing:
        quizzer = Quizzer(_NoAliases(), lambda: datetime(2026, 1, 1, tzinfo=UTC), rng=Random(0))
        assert quizzer.ask(prompt).hint == deck.caveat


@pytest.mark.parametrize("card_id", list(EXPECTED))
def test_exports_carry_the_caveat_as_written(card_id: str) -> None:
    deck = load()
    card = deck.card(card_id)
    assert card is not None
    caveat = EXPECTED[card_id]
    front = note_fields(deck, card)[0][0]
    gift = "\n".join(gift_questions(deck, card, Report()))
    for other in (DECK_CAVEAT, CARD_CAVEAT):
        assert front.count(other) == (other == caveat), front
        if gift:  # flip cards have no GIFT question
            assert gift.count(other) == (other == caveat), gift
    rows = list(csv.DictReader(io.StringIO(export_table([deck], ",")[0]), fieldnames=COLUMNS))
    (row,) = [r for r in rows if r["Id"] == card_id]
    assert row["Caveat"] == (caveat or "")
    assert (caveat or "@") not in row["Front"]  # in its own column, not in the text


def test_a_csv_round_trip_keeps_the_caveat_on_its_cards(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, table, again = tmp_path / "pharm.yaml", tmp_path / "x.csv", tmp_path / "y.yaml"
    source.write_text(DECK, encoding="utf-8")
    assert main(["export", str(source), "-o", str(table)]) == 0
    assert main(["import", str(table), "--deck-id", "again", "-o", str(again)]) == 0
    deck = load_deck_file(again).deck
    assert deck is not None
    assert {card.id: deck.caveat_for(card) for card in deck.cards} == EXPECTED


def test_the_caveat_is_in_the_schema_and_the_new_deck_template(tmp_path: Path) -> None:
    schema = json.loads((REPO / "docs" / "deck.schema.json").read_text(encoding="utf-8"))
    assert "caveat" in schema["properties"]
    cards = [name for name in schema["$defs"] if name.startswith("card-")]
    assert cards and all("caveat" in schema["$defs"][name]["properties"] for name in cards)
    path = tmp_path / "new.yaml"
    assert main(["new", str(path)]) == 0
    deck = load_deck_file(path).deck
    assert deck is not None and deck.caveat
