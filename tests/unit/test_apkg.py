"""The .apkg export without Anki: ids, guids, cloze numbering, fields, tags, the package."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.deck.model import Card, Deck
from studyapp.core.library.loader import load_deck_file
from studyapp.interchange.apkg import (
    MODEL_NAMES,
    anki_tags,
    cloze_html,
    export_apkg,
    note_fields,
    note_guid,
    stable_id,
)
from studyapp.interchange.layout import layout, shown_choices

DATA = Path(__file__).parent / "data"


@pytest.fixture
def deck() -> Deck:
    result = load_deck_file(DATA / "every_kind.yaml")
    assert result.deck is not None
    return result.deck


def card(deck: Deck, card_id: str) -> Card:
    found = deck.card(card_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{{a}} and {{b}}", "{{c1::a}} and {{c2::b}}"),
        ("{{TrkB::a kinase}} binds", "{{c1::TrkB::a kinase}} binds"),
        ("{{c2::x}} then {{y}}", "{{c2::x}} then {{c1::y}}"),
        ("{{c1::a}} {{c1::b}}", "{{c1::a}} {{c1::b}}"),
        ("**bold** {{`code` & <b>}}", "<b>bold</b> {{c1::<code>code</code> &amp; &lt;b&gt;}}"),
    ],
)
def test_cloze_numbering_matches_studyapp_siblings(text: str, field: str) -> None:
    assert cloze_html(text) == field


def test_ids_and_guids_are_stable_and_distinct() -> None:
    assert stable_id("deck:selank") == stable_id("deck:selank")
    assert 1 << 30 <= stable_id("deck:selank") < 1 << 31
    assert stable_id("deck:selank") != stable_id("deck:other")
    assert note_guid("selank", "a") == note_guid("selank", "a")
    assert len({note_guid("selank", "a"), note_guid("selank", "b"), note_guid("x", "a")}) == 3


def test_tags_are_hierarchical_and_have_no_spaces(deck: Deck) -> None:
    base = card(deck, "flip")
    tagged = Card(base.id, base.kind, "my topic", base.line, base.data, ("two words", "x", "x"))
    assert anki_tags(deck, tagged) == ["gift-demo::my_topic", "two_words", "x"]
    rat = replace(tagged, evidence="animal")
    assert anki_tags(deck, rat) == ["gift-demo::my_topic", "two_words", "x", "evidence::animal"]


def test_choice_options_are_all_shown_in_a_stable_shuffled_order(deck: Deck) -> None:
    enzyme = card(deck, "enzyme")
    first = shown_choices(deck, enzyme)
    assert first == shown_choices(deck, enzyme)
    assert sorted(o.text for o in first) == ["*GAD*", "GABA transaminase"]
    fields, _ = note_fields(deck, enzyme)
    assert fields[0].startswith("Which enzyme: GABA-T or {GAD}?<ol")
    assert "<li><i>GAD</i></li>" in fields[0]
    assert "✓" in fields[1] and "It makes GABA #1" in fields[1]
    assert fields[2] == "Less <b>breakdown</b> ~ more GABA."


def test_ordering_is_never_shown_in_order(deck: Deck) -> None:
    steps = layout(deck, card(deck, "steps"))
    assert steps.options != ["a", "b", "c"] and sorted(steps.options) == ["a", "b", "c"]
    assert steps.back == [("1. ", "a"), ("2. ", "b"), ("3. ", "c")]


def test_a_dosing_card_of_a_deck_without_a_caveat_has_none(deck: Deck) -> None:
    fields, _ = note_fields(deck, card(deck, "strength"))
    assert fields[0] == "What strength?"
    assert fields[1] == "0.15 %"


def test_package_holds_one_note_per_card_with_its_note_type(deck: Deck, tmp_path: Path) -> None:
    out = tmp_path / "x.apkg"
    report = export_apkg([deck], out, timestamp=1_700_000_000)
    assert report.total == len(deck.cards) == 11
    with zipfile.ZipFile(out) as package:
        (tmp_path / "c.anki2").write_bytes(package.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    try:
        models = json.loads(db.execute("select models from col").fetchone()[0])
        names = {int(mid): model["name"] for mid, model in models.items()}
        notes = {guid: names[mid] for guid, mid in db.execute("select guid, mid from notes")}
        cards = db.execute("select count(*) from cards").fetchone()[0]
    finally:
        db.close()
    assert notes == {
        note_guid(deck.id, c.id): MODEL_NAMES.get(c.kind, MODEL_NAMES["basic"]) for c in deck.cards
    }
    assert {stable_id(f"model:{name}") for name in MODEL_NAMES.values()} == set(names)
    # 1 per card, +1 for the reversible, +1 for the cloze with two deletion numbers.
    assert cards == 11 + 1 + 1 + 1
