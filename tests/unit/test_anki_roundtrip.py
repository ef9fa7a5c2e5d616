"""The .apkg export imported into real Anki (the test-only, AGPL ``anki`` package).

Exports the bundled deck, imports it into a fresh collection in ``tmp_path`` and
checks note types, note and card counts per kind, fields, tags and guids; then
edits one card, exports again and checks Anki updates that note instead of
adding one. Skipped when ``anki`` is not installed.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from studyapp.core.deck.model import Deck
from studyapp.core.kinds import KINDS
from studyapp.core.library.loader import load_deck_file
from studyapp.interchange.apkg import MODEL_NAMES, export_apkg, note_guid, stable_id

anki_collection = pytest.importorskip("anki.collection")

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "decks" / "selank.yaml"


@pytest.fixture
def anki_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Anki's home and temporary files inside ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # genanki's scratch database
    return home


def note_by_guid(col: Any, guid: str) -> Any:
    """The note with ``guid`` (guids use characters Anki's search would need escaped)."""
    matches = [col.get_note(nid) for nid in col.find_notes("")]
    return next(note for note in matches if note.guid == guid)


def import_package(collection_path: Path, package: Path) -> Any:
    col = anki_collection.Collection(str(collection_path))
    request = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package),
        options=anki_collection.ImportAnkiPackageOptions(with_scheduling=False),
    )
    col.import_anki_package(request)
    return col


def bundled() -> Deck:
    result = load_deck_file(BUNDLED)
    assert result.deck is not None
    return result.deck


def expected_cards(deck: Deck) -> Counter[str]:
    """Cards per kind: one per sibling (a cloze card yields one per deletion number)."""
    counts: Counter[str] = Counter()
    for card in deck.cards:
        counts[card.kind] += len(KINDS[card.kind].siblings(card))
    return counts


def test_bundled_deck_round_trips_through_anki(tmp_path: Path, anki_home: Path) -> None:
    deck = bundled()
    package = tmp_path / "selank.apkg"
    report = export_apkg([deck], package, timestamp=1_700_000_000)
    assert report.total == len(deck.cards) >= 150
    col = import_package(tmp_path / "c.anki2", package)
    try:
        by_guid = {note_guid(deck.id, card.id): card for card in deck.cards}
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        assert len(notes) == len(deck.cards)
        assert {note.guid for note in notes} == set(by_guid)

        # Note type per kind, and cards per kind (one per sibling).
        cards_per_kind: Counter[str] = Counter()
        for note in notes:
            card = by_guid[note.guid]
            notetype = note.note_type()
            assert notetype is not None
            assert notetype["name"] == MODEL_NAMES.get(card.kind, MODEL_NAMES["basic"])
            assert notetype["id"] == stable_id(f"model:{notetype['name']}")
            cards_per_kind[card.kind] += len(note.card_ids())
        assert cards_per_kind == expected_cards(deck)
        assert (
            cards_per_kind["reversible"] == 2 * sum(c.kind == "reversible" for c in deck.cards) > 0
        )
        assert col.card_count() == sum(expected_cards(deck).values()) > len(deck.cards)

        # The Anki deck, named after the deck's title (Anki matches decks by name
        # on import and gives them its own ids), holding every card.
        anki_deck = col.decks.by_name("Selank (tuftsin-derived anxiolytic peptide)")
        assert anki_deck is not None
        assert len(col.decks.cids(anki_deck["id"])) == col.card_count()

        # Fields and tags of one card of each mapped kind.
        notes_by_guid = {note.guid: note for note in notes}

        def note_of(card_id: str) -> Any:
            return notes_by_guid[note_guid("selank", card_id)]

        first = {kind: next(c for c in deck.cards if c.kind == kind) for kind in KINDS}
        basic = note_of(first["basic"].id)
        assert basic["Front"] == first["basic"].data["question"].replace("'", "'")
        assert basic["Back"] == "Tuftsin"
        assert "Source: Selank Ultimate Guide" in basic["Extra"]
        assert set(basic.tags) == {
            "selank::history",
            "discovery",
            "tuftsin",
            "evidence::unreferenced-claim",
        }
        cloze = note_of(first["cloze"].id)
        assert "{{c1::" in cloze["Text"]
        typed = note_of(first["typed"].id)
        assert typed["Back"] == first["typed"].data["answer"]
        assert "{{type:Back}}" in typed.note_type()["tmpls"][0]["qfmt"]
        choice = note_of(first["choice"].id)
        assert '<ol class="options" type="A">' in choice["Front"]
        assert "✓" in choice["Back"] and "✗" in choice["Back"]
        # Every note carries its deck::topic tag and its evidence::level tag.
        assert all(f"selank::{by_guid[n.guid].topic}" in n.tags for n in notes)
        assert all(f"evidence::{by_guid[n.guid].evidence}" in n.tags for n in notes)
    finally:
        col.close()


def test_a_cloze_with_two_deletions_gives_two_anki_cards(tmp_path: Path, anki_home: Path) -> None:
    deck = bundled()
    card = next(c for c in deck.cards if c.kind == "cloze" and len(KINDS["cloze"].siblings(c)) == 2)
    package = tmp_path / "x.apkg"
    export_apkg([deck], package, timestamp=1_700_000_000)
    col = import_package(tmp_path / "c.anki2", package)
    try:
        note = note_by_guid(col, note_guid(deck.id, card.id))
        assert len(note.card_ids()) == 2
        assert "{{c1::" in note["Text"] and "{{c2::" in note["Text"]
    finally:
        col.close()


def test_reexport_after_an_edit_updates_the_note(tmp_path: Path, anki_home: Path) -> None:
    deck_file = tmp_path / "selank.yaml"
    text = BUNDLED.read_text(encoding="utf-8")
    deck_file.write_text(text, encoding="utf-8")
    first = load_deck_file(deck_file).deck
    assert first is not None
    export_apkg([first], tmp_path / "v1.apkg", timestamp=1_700_000_000)

    old = "Which natural immune-stimulating peptide were Selank's inventors"
    assert text.count(old) == 1
    deck_file.write_text(text.replace(old, "Which immune peptide & <b>were</b> Selank's makers"))
    edited = load_deck_file(deck_file).deck
    assert edited is not None
    export_apkg([edited], tmp_path / "v2.apkg", timestamp=1_700_000_100)

    col = import_package(tmp_path / "c.anki2", tmp_path / "v1.apkg")
    try:
        notes_before = col.note_count()
        cards_before = col.card_count()
        nid_before = note_by_guid(col, note_guid("selank", first.cards[0].id)).id
        request = anki_collection.ImportAnkiPackageRequest(
            package_path=str(tmp_path / "v2.apkg"),
            options=anki_collection.ImportAnkiPackageOptions(with_scheduling=False),
        )
        log = col.import_anki_package(request).log
        # Anki replaces every note of the newer package in place (same guid, same
        # note id): nothing is added, nothing is duplicated.
        assert len(log.new) == 0 and len(log.duplicate) == 0
        assert len(log.updated) == len(first.cards)
        assert col.note_count() == notes_before == len(first.cards)
        assert col.card_count() == cards_before
        card = first.cards[0]
        note = note_by_guid(col, note_guid("selank", card.id))
        assert note.id == nid_before  # the same note, updated in place
        assert note["Front"].startswith(
            "Which immune peptide &amp; &lt;b&gt;were&lt;/b&gt; Selank's makers originally"
        )
    finally:
        col.close()


@pytest.mark.parametrize(("suffix", "delimiter"), [("csv", "COMMA"), ("tsv", "TAB")])
def test_anki_reads_our_csv_headers_and_imports_the_rows(
    tmp_path: Path, anki_home: Path, suffix: str, delimiter: str
) -> None:
    from studyapp.interchange.table import export_table

    deck = bundled()
    text, _ = export_table([deck], "," if suffix == "csv" else "\t")
    table = tmp_path / f"selank.{suffix}"
    table.write_text(text, encoding="utf-8")
    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        metadata = col.get_csv_metadata(str(table), None)
        assert anki_collection.Delimiter.Name(metadata.delimiter) == delimiter
        assert metadata.force_delimiter and metadata.force_is_html and not metadata.is_html
        assert list(metadata.column_labels)[4:6] == ["Front", "Back"]
        assert metadata.deck_column == 2 and metadata.tags_column == 8
        # Anki's Basic note type picks up Front and Back by name (columns 5 and 6).
        assert list(metadata.global_notetype.field_columns) == [5, 6]
        log = col.import_csv(anki_collection.ImportCsvRequest(path=str(table), metadata=metadata))
        assert len(log.log.new) == len(deck.cards)
        assert col.note_count() == len(deck.cards)
        # In the deck the .apkg export makes (the Deck column holds its name).
        anki_deck = col.decks.by_name(deck.title)
        assert anki_deck is not None
        assert len(col.decks.cids(anki_deck["id"])) == col.card_count()
        tags = {tag for nid in col.find_notes("") for tag in col.get_note(nid).tags}
        assert {"selank::history", "selank::mechanism", "tuftsin"} <= tags
    finally:
        col.close()


def test_an_anki_note_export_imports_as_a_valid_deck(tmp_path: Path, anki_home: Path) -> None:
    from studyapp.interchange.importer import build_deck
    from studyapp.interchange.table import read_table

    deck = bundled()
    export_apkg([deck], tmp_path / "s.apkg", timestamp=1_700_000_000)
    col = import_package(tmp_path / "c.anki2", tmp_path / "s.apkg")
    out = tmp_path / "notes.txt"
    try:
        limit = anki_collection.DeckIdLimit(col.decks.id_for_name(deck.title))
        col.export_note_csv(
            out_path=str(out),
            limit=limit,
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
    finally:
        col.close()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("#separator:tab\n#html:true\n")
    result = build_deck(read_table(text), "from-anki", "From Anki")
    assert result.load.errors == [], result.problems
    imported = result.load.deck
    assert imported is not None
    kinds = Counter(card.kind for card in imported.cards)
    original = Counter(card.kind for card in deck.cards)
    assert kinds == {
        "cloze": original["cloze"],
        "reversible": original["reversible"],
        "typed": original["typed"],
        "basic": len(deck.cards) - original["cloze"] - original["reversible"] - original["typed"],
    }
    # Topics come back from the deck::topic tags; cloze cards keep their prompts.
    assert Counter(c.topic for c in imported.cards) == Counter(c.topic for c in deck.cards)
    clozes = [c for c in deck.cards if c.kind == "cloze"]
    back = [c for c in imported.cards if c.kind == "cloze"]
    assert [c.siblings for c in back] == [c.siblings for c in clozes]


def test_anki_renders_each_note_type(tmp_path: Path, anki_home: Path) -> None:
    deck = bundled()
    export_apkg([deck], tmp_path / "s.apkg", timestamp=1_700_000_000)
    col = import_package(tmp_path / "c.anki2", tmp_path / "s.apkg")
    try:
        by_kind: dict[str, Any] = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            card = next(c for c in deck.cards if note_guid(deck.id, c.id) == note.guid)
            by_kind.setdefault(card.kind, (card, note))

        card, note = by_kind["reversible"]
        forward, reverse = sorted(note.cards(), key=lambda c: c.ord)
        assert card.data["front"] in forward.question()
        assert card.data["back"] in reverse.question()
        assert card.data["front"] in reverse.answer()

        card, note = by_kind["typed"]
        (typed,) = note.cards()
        # The backend leaves the type-in box as a marker the reviewer turns into an input.
        assert "[[type:Back]]" in typed.question()

        card, note = by_kind["cloze"]
        first = min(note.cards(), key=lambda c: c.ord)
        assert 'class="cloze"' in first.question()
        assert "[...]" in first.question() or "cloze-inactive" in first.question()

        card, note = by_kind["choice"]
        (choice,) = note.cards()
        assert "<li>" in choice.question() and "✓" not in choice.question()
        assert "✓" in choice.answer() and card.explain.split()[0] in choice.answer()
    finally:
        col.close()
