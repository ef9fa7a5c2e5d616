"""CSV/TSV export, reading tables (ours, Anki's, plain) and the YAML deck an import makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.deck.model import Deck
from studyapp.core.library.loader import load_deck_bytes, load_deck_file
from studyapp.interchange.importer import ID_RE, build_deck, card_id_for, slug
from studyapp.interchange.markup import html_to_text, to_html
from studyapp.interchange.table import COLUMNS, export_table, read_table

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
ROUND_TRIP = ("basic", "reversible", "cloze", "typed")


def load(path: Path) -> Deck:
    result = load_deck_file(path)
    assert result.deck is not None, result.diagnostics
    return result.deck


def reimport(deck: Deck, separator: str) -> Deck:
    text, _ = export_table([deck], separator)
    result = build_deck(read_table(text), "again", "Again")
    assert result.load.errors == [], result.yaml_text
    assert result.load.deck is not None
    return result.load.deck


@pytest.mark.parametrize("separator", [",", "\t"])
def test_headers_are_the_ones_anki_reads(separator: str) -> None:
    text, report = export_table([load(DATA / "every_kind.yaml")], separator)
    name = "Comma" if separator == "," else "Tab"
    assert text.splitlines()[:5] == [
        f"#separator:{name}",
        "#html:false",
        f"#columns:{separator.join(COLUMNS)}",
        "#deck column:2",
        "#tags column:8",
    ]
    assert report.total == 11


@pytest.mark.parametrize("separator", [",", "\t"])
def test_bundled_deck_round_trips_for_the_flip_cloze_and_typed_kinds(separator: str) -> None:
    original = load(REPO / "decks" / "selank.yaml")
    again = reimport(original, separator)
    assert [c.id for c in again.cards] == [c.id for c in original.cards]
    for before, after in zip(original.cards, again.cards, strict=True):
        assert after.topic == before.topic
        assert after.tags == before.tags
        assert after.explain == before.explain
        assert after.evidence == before.evidence
        assert (after.source is None) == (before.source is None)
        if before.source is not None and after.source is not None:
            assert after.source.label(again) == before.source.label(original)
        if before.kind in ROUND_TRIP:
            assert after.kind == before.kind
            assert dict(after.data) == dict(before.data)
        else:  # laid out as text: a basic card holding the options and the answer
            assert after.kind == "basic"


def test_other_kinds_come_back_as_basic_cards_with_their_layout() -> None:
    again = reimport(load(DATA / "every_kind.yaml"), ",")
    enzyme = again.card("enzyme")
    assert enzyme is not None and enzyme.kind == "basic"
    assert enzyme.data["question"].splitlines()[0] == "Which enzyme: GABA-T or {GAD}?"
    assert "✓" in enzyme.data["answer"] and "It makes GABA #1" in enzyme.data["answer"]
    steps = again.card("steps")
    assert steps is not None and steps.data["answer"] == "1. a\n2. b\n3. c"


AWKWARD = [
    "Key: value # not a comment",
    "- leading dash",
    "'single' and \"double\" quotes",
    "two\nlines: here",
    "yes",
    "1.10",
    "@at sign",
    "% percent",
    "&anchor *alias",
    "{{not a cloze",
    "[bracket] {brace}",
    "ends with colon:",
    "  indented? no, stripped",
    "tab\tinside",
]


@pytest.mark.parametrize("separator", [",", "\t"])
def test_awkward_text_survives_the_yaml(separator: str) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    for n, text in enumerate(AWKWARD):
        writer.writerow([f"Q{n} {text}", text])
    result = build_deck(read_table(out.getvalue()), "awkward", "Awkward: yes # no")
    assert result.load.diagnostics == (), result.yaml_text
    deck = result.load.deck
    assert deck is not None and deck.title == "Awkward: yes # no"
    # Exactly as written, but stripped and with tabs as four spaces (as the loader does).
    expected = [t.replace("\t", "    ").strip() for t in AWKWARD]
    assert [c.data["answer"] for c in deck.cards] == expected
    assert [c.data["question"] for c in deck.cards] == [
        f"Q{n} {t}".replace("\t", "    ") for n, t in enumerate(AWKWARD)
    ]


def test_generated_ids_are_stable_unique_and_valid() -> None:
    text = "front,back\nWhat is X?,x\nWhat is X?,y\n{{c1::TrkB}} binds,\nÜber: ★,u\n"
    first = build_deck(read_table(text), "ids", "Ids")
    second = build_deck(read_table(text), "ids", "Ids")
    assert first.yaml_text == second.yaml_text
    assert first.load.deck is not None
    ids = [card.id for card in first.load.deck.cards]
    assert ids[0] == card_id_for("basic", "What is X?")
    assert ids[0].startswith("what-is-x-") and ids[1] == ids[0] + "-2"
    assert ids[2].startswith("trkb-binds-")
    assert ids[3].startswith("ber-")  # non-ASCII letters are dropped from the slug
    assert all(ID_RE.fullmatch(card_id) for card_id in ids)
    # Re-importing an edited file keeps the ids of the rows that did not change.
    edited = text.replace("Über: ★,u", "Something new,n")
    again = build_deck(read_table(edited), "ids", "Ids")
    assert again.load.deck is not None
    assert [c.id for c in again.load.deck.cards][:3] == ids[:3]


def test_slug() -> None:
    assert slug("What is the **half-life** of X?") == "what-is-the-half-life-of-x"
    assert slug("!!!") == "card"
    assert len(slug("word " * 30)) <= 40


ANKI_EXPORT = (
    "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
    "#tags column:6\n"
    "g1\tBasic\tSel\tWhat is <b>GABA</b>&nbsp;?\tAn <i>inhibitory</i> transmitter<br>2 * 3\t"
    "selank::mechanism extra\n"
    "g2\tCloze\tSel\t{{c1::TrkB}} binds {{c2::BDNF::a neurotrophin}}\tBack &amp; extra\t"
    "selank::pathway\n"
    "g3\tBasic (and reversed card)\tSel\tGABA-A ion\tChloride\t\n"
    "g4\tBasic (type in the answer)\tSel\tReceptor of BDNF?\tTrkB\tselank::pathway\n"
)


def test_anki_note_export_is_read_with_kinds_html_and_topics() -> None:
    table = read_table(ANKI_EXPORT)
    assert table.html
    result = build_deck(table, "from-anki", "From Anki")
    assert result.load.errors == [], result.yaml_text
    deck = result.load.deck
    assert deck is not None
    kinds = [(c.kind, c.topic) for c in deck.cards]
    assert kinds == [
        ("basic", "mechanism"),
        ("cloze", "pathway"),
        ("reversible", "imported"),
        ("typed", "pathway"),
    ]
    basic, cloze, reversible, _ = deck.cards
    assert basic.data == {
        "question": "What is **GABA** ?",
        "answer": "An *inhibitory* transmitter\n2 \\* 3",
    }
    assert basic.tags == ("extra",)
    assert cloze.data["text"] == "{{c1::TrkB}} binds {{c2::BDNF::a neurotrophin}}"
    assert cloze.explain == "Back & extra"
    assert cloze.siblings == ("c1", "c2")
    assert reversible.data == {"front": "GABA-A ion", "back": "Chloride"}


def test_evidence_comes_back_from_the_column_or_from_an_anki_tag() -> None:
    text = (
        "#separator:Comma\n#columns:Front,Back,Tags,Evidence\n"
        "Q1,A1,evidence::animal selank::mechanism,\n"  # Anki sorts tags: the level comes first
        "Q2,A2,selank::dosing,clinical\n"
        "Q3,A3,,rumour\n"
    )
    result = build_deck(read_table(text), "levels", "Levels")
    deck = result.load.deck
    assert deck is not None, result.yaml_text
    assert [(c.topic, c.tags, c.evidence) for c in deck.cards] == [
        ("mechanism", (), "animal"),
        ("dosing", (), "clinical"),
        ("imported", (), None),
    ]
    assert result.report.note_lines() == [
        "1 basic card: evidence level 'rumour' is not one of ours: left out"
    ]


def test_plain_two_column_files_without_headers() -> None:
    table = read_table("Q1\tA1\nQ2\tA2\n")
    assert [row.cells for row in table.rows] == [
        {"front": "Q1", "back": "A1"},
        {"front": "Q2", "back": "A2"},
    ]
    table = read_table("Q1,A1\n", None)
    assert table.rows[0].cells == {"front": "Q1", "back": "A1"}


def test_rows_that_cannot_be_cards_are_reported() -> None:
    text = "front,back\n,no front\nno back,\n{{c1::unclosed,x\nfine,ok\n"
    result = build_deck(read_table(text), "bad", "Bad")
    assert result.report.total == 1
    assert [p.split(":")[0] for p in result.problems] == ["line 2", "line 3", "line 4"]


@pytest.mark.parametrize(
    "text",
    [
        "a **bold** and *italic* and `code` here",
        "2 * 3 * 4 and a \\* star and a back\\\\slash",
        "line one\nline two & <tag>",
    ],
)
def test_html_conversion_round_trips(text: str) -> None:
    from studyapp.core.deck.text import parse_inline

    assert parse_inline(html_to_text(to_html(text))) == parse_inline(text)


def test_to_html_escapes_deck_text() -> None:
    assert to_html("<script>alert(1)</script> & **b**") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>b</b>"
    )


def test_yaml_from_an_import_loads_with_the_deck_loader() -> None:
    result = build_deck(read_table("front,back\nQ,A\n"), "x", "X")
    assert load_deck_bytes(result.yaml_text.encode(), "x.yaml").errors == []
    assert result.yaml_text.startswith("# Imported by `studyapp import`")


def test_global_headers_and_rows_starting_with_a_hash() -> None:
    text = "#separator:Tab\n#notetype:Cloze\n#tags:pharm::dosing week1\n#1 {{c1::rule}}: x\tBack\n"
    table = read_table(text)
    assert [row.cells for row in table.rows] == [
        {
            "front": "#1 {{c1::rule}}: x",
            "back": "Back",
            "notetype": "Cloze",
            "tags": "pharm::dosing week1",
        }
    ]
    result = build_deck(table, "g", "G")
    assert result.load.deck is not None
    (card,) = result.load.deck.cards
    assert (card.kind, card.topic, card.tags, card.explain) == (
        "cloze",
        "dosing",
        ("week1",),
        "Back",
    )


def test_rows_the_loader_would_reject_are_fixed_or_skipped_never_written() -> None:
    text = (
        "#columns:Kind,Front,Back,Accept,Source,Explain\n"
        'typed,Receptor?,TrkB,"-\nTRKB\nNTRK2",Some website,\n'
        "typed,Dash?,-,,,\n"
        "basic,\x1b[2J,x,,,\n"
        "cloze,{{c1::a}},Extra,,,Why\n"
    )
    result = build_deck(read_table(text), "fix", "Fix")
    assert result.load.diagnostics == (), result.yaml_text
    deck = result.load.deck
    assert deck is not None
    typed, cloze = deck.cards[0], deck.cards[-1]
    # "-" can never match and "TRKB" is the answer once normalised: both dropped.
    assert typed.data["accept"] == ["NTRK2"]
    assert typed.explain == "Source: Some website"  # not a citation: kept, not lost
    assert cloze.explain == "Extra\n\nWhy"
    assert [p.split(": ", 1)[1] for p in result.problems] == [
        "typed: a typed answer needs a letter or digit"
    ]
    assert len(deck.cards) == 3 and deck.cards[1].data["question"] == "[2J"
