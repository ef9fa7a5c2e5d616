"""The bundled calculations deck (decks/pharm-calculations.yaml): every card worked by hand.

Each example below was worked with pencil and calculator from the formula's source (the
Cockcroft & Gault 1976 and Mosteller 1987 papers, a pharmacy-calculations textbook, a
pharmacokinetics textbook), independently of the app: the app must compute the same answer,
show it with the card's rounding, and accept it.
"""

from __future__ import annotations

from collections import Counter
from random import Random

import pytest

from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds import KINDS
from studyapp.core.kinds._templates import TEMPLATES
from studyapp.core.kinds.grading import DeckContext, Grade, Verdict
from studyapp.core.library.loader import load_deck_file
from tests.conftest import BUNDLED_DECKS

PATH = BUNDLED_DECKS / "pharm-calculations.yaml"
NUMERIC = KINDS["numeric"]

# card id -> [(drawn values, the answer as the card shows it)]
WORKED: dict[str, list[tuple[dict[str, float], str]]] = {
    # weight x mg/kg, then the cap
    "wd-child-antibiotic": [
        ({"weight": 22, "dose_per_kg": 15, "max_dose": 500}, "330 mg"),
        ({"weight": 40, "dose_per_kg": 25, "max_dose": 500}, "500 mg"),  # 1000 capped
    ],
    "wd-adult-capped": [
        ({"weight": 70, "dose_per_kg": 1.5, "max_dose": 150}, "105 mg"),
        ({"weight": 120, "dose_per_kg": 2, "max_dose": 150}, "150 mg"),  # 240 capped
    ],
    "wd-infant-antipyretic": [
        ({"weight": 7.5, "dose_per_kg": 15, "max_dose": 150}, "112.5 mg"),
        ({"weight": 12, "dose_per_kg": 15, "max_dose": 150}, "150 mg"),  # 180 capped
    ],
    # dose / (mg per mL)
    "dv-oral-suspension": [
        ({"stock_mg": 250, "stock_ml": 5, "dose": 375}, "7.5 mL"),
        ({"stock_mg": 125, "stock_ml": 5, "dose": 100}, "4 mL"),
    ],
    "dv-injection": [
        ({"stock_mg": 80, "stock_ml": 2, "dose": 60}, "1.5 mL"),
        ({"stock_mg": 40, "stock_ml": 1, "dose": 10}, "0.25 mL"),
    ],
    "dv-elixir": [({"stock_mg": 20, "stock_ml": 5, "dose": 30}, "7.5 mL")],
    # mg/h / (mg/mL)
    "ir-premixed-bag": [
        ({"drug_mg": 100, "bag_ml": 500, "dose_rate": 4}, "20 mL/h"),
        ({"drug_mg": 200, "bag_ml": 200, "dose_rate": 5}, "5 mL/h"),
    ],
    "ir-added-to-bag": [
        ({"drug_mg": 500, "bag_ml": 500, "dose_rate": 30}, "30 mL/h"),
        ({"drug_mg": 1000, "bag_ml": 250, "dose_rate": 50}, "12.5 mL/h"),
    ],
    "ir-titration-step": [
        ({"drug_mg": 125, "bag_ml": 125, "dose_rate": 10}, "10 mL/h"),
        ({"drug_mg": 200, "bag_ml": 250, "dose_rate": 15}, "18.8 mL/h"),  # 18.75
    ],
    # mcg/kg/min x kg x 60 / 1000 = mg/h, / (mg/mL)
    "irw-dopamine": [
        ({"drug_mg": 400, "bag_ml": 250, "dose": 5, "weight": 70}, "13.1 mL/h"),  # 13.125
    ],
    "irw-dobutamine": [({"drug_mg": 500, "bag_ml": 250, "dose": 5, "weight": 80}, "12 mL/h")],
    "irw-vasoactive": [
        ({"drug_mg": 800, "bag_ml": 500, "dose": 3, "weight": 60}, "6.8 mL/h"),  # 6.75
    ],
    # mL x gtt/mL / minutes, whole drops
    "dr-macrodrip": [({"volume": 1000, "hours": 8, "gtt_per_ml": 15}, "31 gtt/min")],  # 31.25
    "dr-microdrip": [({"gtt_per_ml": 60, "volume": 250, "hours": 5}, "50 gtt/min")],
    "dr-blood-set": [({"volume": 300, "hours": 2, "gtt_per_ml": 10}, "25 gtt/min")],
    # V1 = C2 x V2 / C1
    "dil-alcohol": [({"c1": 95, "c2": 70, "v2": 500}, "368.4 mL")],  # 368.42
    "dil-antiseptic": [({"c1": 5, "c2": 0.5, "v2": 1000}, "100 mL")],
    "dil-dextrose": [({"c1": 50, "c2": 10, "v2": 500}, "100 mL")],
    # dose / (vial / diluent)
    "rc-powder-vial": [({"vial_mg": 1000, "diluent_ml": 4, "dose_mg": 300}, "1.2 mL")],
    "rc-one-gram-vial": [({"vial_mg": 1000, "diluent_ml": 10, "dose_mg": 650}, "6.5 mL")],
    "rc-u100-syringe": [({"vial_mg": 10, "diluent_ml": 2, "dose_mg": 1.5}, "0.3 mL")],
    # % x 10 mg/mL x mL
    "ps-saline": [({"percent": 0.9, "volume": 1000}, "9000 mg")],
    "ps-lidocaine": [
        ({"percent": 1, "volume": 5}, "50 mg"),
        ({"percent": 2, "volume": 10}, "200 mg"),
    ],
    "ps-dextrose": [({"percent": 5, "volume": 500}, "25000 mg")],
    # 1:N = 1000 mg / N mL
    "rs-epinephrine": [
        ({"ratio": 1000, "volume": 1}, "1 mg"),
        ({"ratio": 10000, "volume": 10}, "1 mg"),
    ],
    "rs-soak-solution": [({"ratio": 10000, "volume": 500}, "50 mg")],
    "rs-disinfectant": [({"ratio": 2000, "volume": 500}, "250 mg")],
    "rs-as-mg-per-ml": [({}, "1 mg/mL")],
    "meq-calcium": [({}, "5 mmol")],
    # (140 - age) x weight / (72 x SCr), x 0.85 for a woman
    "cg-man": [
        ({"age": 60, "weight": 72, "scr": 1.0, "female": 0}, "80 mL/min"),
        ({"age": 20, "weight": 50, "scr": 0.6, "female": 0}, "139 mL/min"),  # 138.9
    ],
    "cg-woman": [
        ({"age": 60, "weight": 72, "scr": 1.0, "female": 1}, "68 mL/min"),
        ({"age": 80, "weight": 60, "scr": 1.2, "female": 1}, "35 mL/min"),  # 35.4
    ],
    "cg-older-man": [({"age": 80, "weight": 70, "scr": 1.4, "female": 0}, "42 mL/min")],  # 41.7
    "cg-either-sex": [
        ({"age": 40, "weight": 70, "scr": 1.0, "female": 1}, "83 mL/min"),  # 82.6
        ({"age": 40, "weight": 70, "scr": 1.0, "female": 0}, "97 mL/min"),  # 97.2
    ],
    # Vd x weight x C / F
    "ld-intravenous": [({"vd": 0.5, "f": 1, "target": 10, "weight": 70}, "350 mg")],
    "ld-oral": [({"vd": 0.7, "f": 0.9, "target": 15, "weight": 60}, "700 mg")],
    "ld-small-vd": [({"vd": 0.25, "weight": 80, "target": 8, "f": 1}, "160 mg")],
    # CL x Css x tau / F
    "md-intravenous": [({"cl": 3, "target": 10, "tau": 8, "f": 1}, "240 mg")],
    "md-oral": [({"f": 0.8, "cl": 4, "tau": 12, "target": 15}, "900 mg")],
    "md-once-daily": [({"tau": 24, "cl": 1.5, "f": 0.5, "target": 2}, "144 mg")],
    # C0 x exp(-ln2 / t-half x t)
    "fo-level-later": [
        ({"c0": 80, "t_half": 4, "t": 8}, "20 mg/L"),
        ({"c0": 100, "t_half": 12, "t": 6}, "70.71 mg/L"),  # 100 / sqrt(2)
        ({"c0": 50, "t_half": 2, "t": 0}, "50 mg/L"),
    ],
    "fo-trough": [
        ({"c0": 8, "t_half": 2, "t": 6}, "1 mg/L"),
        ({"c0": 10, "t_half": 2.5, "t": 5}, "2.5 mg/L"),
    ],
    "fo-whole-half-lives": [
        ({"c0": 40, "t_half": 6, "t": 12}, "10 mg/L"),
        ({"c0": 60, "t_half": 8, "t": 24}, "7.5 mg/L"),
    ],
    # sqrt(height x weight / 3600)
    "bsa-adult": [
        ({"height": 180, "weight": 80}, "2 m²"),
        ({"height": 170, "weight": 70}, "1.82 m²"),  # sqrt(3.3056)
    ],
    "bsa-child": [({"height": 100, "weight": 16}, "0.67 m²")],  # sqrt(0.4444)
    "bsa-dose-adult": [({"dose_per_m2": 75, "height": 180, "weight": 80}, "150 mg")],
    "bsa-dose-child": [({"height": 100, "weight": 16, "dose_per_m2": 30}, "20 mg")],
    "bsa-dose-small-adult": [({"weight": 64, "height": 160, "dose_per_m2": 100}, "169 mg")],
}


@pytest.fixture(scope="module")
def deck() -> Deck:
    result = load_deck_file(PATH)
    assert result.deck is not None, [d.format() for d in result.diagnostics]
    return result.deck


def card_of(deck: Deck, card_id: str) -> Card:
    return next(card for card in deck.cards if card.id == card_id)


def grade(deck: Deck, card: Card, values: dict[str, float], answer: str) -> Grade:
    question = NUMERIC.ask(card, "main", Random(0), DeckContext(deck.id))
    question = type(question)(
        question.interaction, question.prompt, unit=question.unit, values=values
    )
    return NUMERIC.grade(card, question, answer, DeckContext(deck.id))


def test_the_deck_has_at_least_40_cards_over_every_template(deck: Deck) -> None:
    assert len(deck.cards) >= 40
    used = Counter(card.data["template"] for card in deck.cards if card.data["template"])
    assert set(used) == set(TEMPLATES)
    assert all(count >= 2 for count in used.values())


def test_every_card_is_worked_by_hand_here(deck: Deck) -> None:
    assert {card.id for card in deck.cards} == set(WORKED)


def test_every_card_cites_a_declared_source_and_has_a_worked_solution(deck: Deck) -> None:
    for card in deck.cards:
        assert card.kind == "numeric" and card.topic == "dosing"
        assert card.source is not None and card.source.key in deck.sources
        assert card.source.section in deck.sources[card.source.key].sections
        assert card.data["solution"], card.id
        assert card.explain
    titles = " ".join(source.title for source in deck.sources.values())
    assert "Cockcroft DW, Gault MH" in titles and "1976" in titles
    assert "Mosteller RD" in titles and "1987" in titles


def test_the_deck_says_it_is_practice_arithmetic_not_clinical_advice(deck: Deck) -> None:
    assert deck.caveat is not None and "not clinical advice" in deck.caveat
    assert all(deck.caveat_for(card) == deck.caveat for card in deck.cards)


@pytest.mark.parametrize(
    ("card_id", "values", "shown"),
    [(card_id, values, shown) for card_id, cases in WORKED.items() for values, shown in cases],
)
def test_the_hand_worked_answer_is_the_apps(
    deck: Deck, card_id: str, values: dict[str, float], shown: str
) -> None:
    card = card_of(deck, card_id)
    result = grade(deck, card, values, shown)
    assert result.expected == shown
    assert result.verdict is Verdict.CORRECT
    solution = result.solution
    assert solution and shown.split()[0] in " ".join(solution)


def test_the_cockcroft_gault_example_of_the_brief(deck: Deck) -> None:
    # a 60-year-old man, 72 kg, serum creatinine 1.0 mg/dL: (140 - 60) x 72 / 72 = 80 mL/min
    card = card_of(deck, "cg-man")
    values = {"age": 60, "weight": 72, "scr": 1.0, "female": 0}
    assert grade(deck, card, values, "80").verdict is Verdict.CORRECT
    assert grade(deck, card, values, "4.8 L/h").verdict is Verdict.CORRECT
    wrong = grade(deck, card, values, "68")  # the woman's factor applied to a man
    assert wrong.verdict is Verdict.WRONG


def test_the_unit_cards_read_other_units_of_the_same_quantity(deck: Deck) -> None:
    ratio = card_of(deck, "rs-as-mg-per-ml")
    for answer in ("1 mg/mL", "1000 mcg/mL", "1 g/L", "0.1 %", "1:1000"):
        assert grade(deck, ratio, {}, answer).verdict is Verdict.CORRECT, answer
    calcium = card_of(deck, "meq-calcium")
    for answer in ("5", "5 mmol", "10 mEq", "0.005 mol"):
        assert grade(deck, calcium, {}, answer).verdict is Verdict.CORRECT, answer
