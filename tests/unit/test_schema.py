"""``studyapp schema``: a JSON Schema generated from the loader's field definitions.

It is a valid draft 2020-12 schema; every bundled deck and every documented
example validates; a set of broken decks is rejected by both the loader and the
schema; the committed copy in docs/ is the command's output; and a field added
to a kind shows up in the schema with no other edit.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from studyapp.cli import main
from studyapp.commands.new import render
from studyapp.core.deck.model import Severity
from studyapp.core.deck.yamlsafe import Node, read_yaml
from studyapp.core.kinds import KINDS
from studyapp.core.kinds.base import FieldSpec, FieldType
from studyapp.core.library.loader import CARD_FIELDS, DECK_FIELDS, load_deck_bytes
from studyapp.core.library.schema import DEFAULT_KIND, LEFT_TO_CHECK, deck_schema, schema_json

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
VALIDATOR = jsonschema.Draft202012Validator(deck_schema())


def plain(node: Node) -> Any:
    """A YAML node as JSON-ready data (what an editor's YAML language server validates)."""
    if isinstance(node.value, dict):
        return {key: plain(child) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [plain(child) for child in node.value]
    return node.value


def instance(text: str) -> Any:
    root, problems = read_yaml(text)
    assert root is not None and not problems, problems
    return plain(root)


def schema_errors(text: str) -> list[str]:
    return [
        f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(instance(text))
    ]


def loader_errors(text: str) -> list[str]:
    result = load_deck_bytes(text.encode(), "deck.yaml")
    return [d.format() for d in result.diagnostics if d.severity is Severity.ERROR]


# ------------------------------------------------------------ the schema


def test_the_schema_is_valid_per_the_2020_12_metaschema() -> None:
    schema = deck_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_committed_schema_is_the_command_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == deck_schema()
    assert printed == schema_json()
    committed = (DOCS / "deck.schema.json").read_text(encoding="utf-8")
    assert committed == printed, "docs/deck.schema.json is stale: run studyapp schema --output"


def test_every_ref_points_into_defs() -> None:
    schema = deck_schema()
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs
    for ref in refs:
        prefix, _, name = ref.rpartition("/")
        assert prefix == "#/$defs" and name in schema["$defs"], ref


def test_every_field_of_every_kind_is_in_the_schema_with_its_doc() -> None:
    schema = deck_schema()
    deck = schema["properties"]
    assert list(deck) == [spec.name for spec in DECK_FIELDS]
    assert [spec.name for spec in DECK_FIELDS if spec.required] == schema["required"]
    card = schema["$defs"]["card"]
    assert card["properties"]["kind"]["enum"] == list(KINDS)
    for name, kind in KINDS.items():
        closed = schema["$defs"][f"card-{name}"]
        specs = CARD_FIELDS + kind.fields
        assert list(closed["properties"]) == [spec.name for spec in specs]
        assert closed["required"] == [spec.name for spec in specs if spec.required]
        assert closed["additionalProperties"] is False
        for spec in specs:
            assert spec.doc, f"{name}.{spec.name} has no doc"
            assert closed["properties"][spec.name]["description"] == spec.doc


def test_a_card_without_kind_is_of_the_default_kind_for_both() -> None:
    assert deck_schema()["$defs"]["card"]["properties"]["kind"]["default"] == DEFAULT_KIND
    basic = "deck: d\ntitle: T\ncards: [{id: a, topic: t, question: q, answer: a}]\n"
    result = load_deck_bytes(basic.encode(), "d.yaml")
    assert result.deck is not None and result.deck.cards[0].kind == DEFAULT_KIND
    assert schema_errors(basic) == []
    # The default kind's fields are required, and no other kind's are allowed.
    cloze = "deck: d\ntitle: T\ncards: [{id: a, topic: t, text: '{{x}}'}]\n"
    assert loader_errors(cloze)
    assert sorted(schema_errors(cloze)) == [
        "$.cards[0]: 'answer' is a required property",
        "$.cards[0]: 'question' is a required property",
        "$.cards[0]: Additional properties are not allowed ('text' was unexpected)",
    ]


def test_a_field_added_to_a_kind_appears_in_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    basic = KINDS["basic"]
    extra = FieldSpec("mnemonic", FieldType.TEXT, doc="A memory aid.")
    monkeypatch.setattr(basic, "fields", (*basic.fields, extra))
    schema = deck_schema()
    added = schema["$defs"]["card-basic"]["properties"]["mnemonic"]
    assert added["description"] == "A memory aid."
    validator = jsonschema.Draft202012Validator(schema)
    card = {"id": "a", "topic": "t", "question": "q", "answer": "a", "mnemonic": "m"}
    assert validator.is_valid({"deck": "d", "title": "T", "cards": [card]})
    assert not VALIDATOR.is_valid({"deck": "d", "title": "T", "cards": [card]})


def test_the_description_says_what_is_left_to_check() -> None:
    description = deck_schema()["description"]
    assert "studyapp check" in description
    for item in LEFT_TO_CHECK:
        assert item in description


# ------------------------------------------------------------ valid decks


@pytest.mark.parametrize("path", sorted((REPO / "decks").glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_deck_validates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert loader_errors(text) == []
    assert schema_errors(text) == []


def _as_deck(fragment: str) -> str | None:
    """A documented YAML fragment as a deck file (a list of cards is put in one)."""
    root, problems = read_yaml(fragment)
    if root is None or problems:
        return None  # an example of a YAML-level error
    if isinstance(root.value, list):
        cards = "\n".join("  " + line for line in fragment.splitlines())
        return f"deck: frag\ntitle: Fragment\ncards:\n{cards}\n"
    return fragment


def test_the_deck_format_examples_validate() -> None:
    """The complete example, and every fragment the loader accepts, validate.

    (Fragments that show an error are for the loader; whether the schema also
    catches them is tested with the broken decks below.)
    """
    text = (DOCS / "deck-format.md").read_text(encoding="utf-8")
    (complete,) = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert schema_errors(complete) == []
    accepted = 0
    for fragment in re.findall(r"```yml\n(.*?)```", text, re.DOTALL):
        deck = _as_deck(fragment)
        if deck is not None and not loader_errors(deck):
            accepted += 1
            assert schema_errors(deck) == [], fragment
    assert accepted >= 4


def test_the_scaffolded_deck_validates() -> None:
    text = render("demo", "Demo", "deck.schema.json", "demo.yaml")
    assert schema_errors(text) == []


BASE = """\
deck: demo
title: Demo
sources:
  notes:
    title: Notes
    sections: [Receptors, 3]
    references: {1: A lecture}
cards:
"""


def deck_with(card: str) -> str:
    lines = card.strip("\n").splitlines()
    body = "\n".join(("  - " if n == 0 else "    ") + line for n, line in enumerate(lines))
    return BASE + body + "\n"


ACCEPTED = {
    "numbers as text": "id: a\ntopic: t\nquestion: 1.10\nanswer: 42",
    "a single tag": "id: a\ntopic: t\ntags: one\nquestion: q\nanswer: a",
    "a citation with numbers": (
        "id: a\ntopic: t\nsource: {key: notes, section: 3, refs: 1}\nquestion: q\nanswer: a"
    ),
    "choice with auto distractors": (
        "id: a\nkind: choice\ntopic: t\nquestion: q\nanswer: x\ndistractors: auto\nexplain: e"
    ),
    "matching in both forms": (
        "id: a\nkind: matching\ntopic: t\nquestion: q\npairs: [[a, b], {left: c, right: d}, [1, 2]]"
    ),
    "numeric with a relative tolerance": (
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\nunit: mg\ntolerance: 2%"
    ),
    "numeric generated": (
        "id: a\nkind: numeric\ntopic: t\nquestion: q {x}\nparams: {x: {min: 1, max: 3}}\n"
        "formula: x * 2\nsyringe: u100\nunit: mL\ndecimals: 2"
    ),
    "typed with a single accepted synonym": (
        "id: a\nkind: typed\ntopic: t\nquestion: q\nanswer: alpha\naccept: a-one"
    ),
}


@pytest.mark.parametrize("card", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_the_loader_accepts_the_schema_accepts(card: str) -> None:
    deck = deck_with(card)
    assert loader_errors(deck) == []
    assert schema_errors(deck) == []


# ------------------------------------------------------------ broken decks

GOOD_CARD = "id: a\ntopic: t\nquestion: q\nanswer: a"

BROKEN_DECKS = {
    "unknown top-level key": BASE.replace("title: Demo", "title: Demo\nauthor: me")
    + "  - {id: a, topic: t, question: q, answer: a}\n",
    "top level is a list": "- deck: demo\n",
    "missing title": BASE.replace("title: Demo\n", "")
    + "  - {id: a, topic: t, question: q, answer: a}\n",
    "missing cards": "deck: demo\ntitle: Demo\n",
    "empty cards": "deck: demo\ntitle: Demo\ncards: []\n",
    "deck id not a slug": "deck: My Deck\ntitle: D\ncards: [{id: a, topic: t, question: q, "
    "answer: a}]\n",
    "title is a list": "deck: d\ntitle: [a, b]\ncards: [{id: a, topic: t, question: q, "
    "answer: a}]\n",
    "title is empty": "deck: d\ntitle:\ncards: [{id: a, topic: t, question: q, answer: a}]\n",
    "source without title": "deck: d\ntitle: D\nsources: {notes: {sections: [A]}}\n"
    "cards: [{id: a, topic: t, question: q, answer: a}]\n",
    "unknown key in a source": "deck: d\ntitle: D\nsources: {notes: {title: N, url: x}}\n"
    "cards: [{id: a, topic: t, question: q, answer: a}]\n",
    "a card is text": "deck: d\ntitle: D\ncards: [just text]\n",
    "unknown card field": deck_with(GOOD_CARD + "\nhint: h"),
    "another kind's field": deck_with(GOOD_CARD + "\nstatement: s"),
    "bad kind name": deck_with("id: a\nkind: clozee\ntopic: t\ntext: '{{x}}'"),
    "kind is a number": deck_with("id: a\nkind: 3\ntopic: t\nquestion: q\nanswer: a"),
    "missing id": deck_with("topic: t\nquestion: q\nanswer: a"),
    "missing topic": deck_with("id: a\nquestion: q\nanswer: a"),
    "card id with a space": deck_with("id: a b\ntopic: t\nquestion: q\nanswer: a"),
    "topic not a slug": deck_with("id: a\ntopic: Mechanism\nquestion: q\nanswer: a"),
    "answer is a boolean": deck_with("id: a\ntopic: t\nquestion: q\nanswer: yes"),
    "explain is a list": deck_with(GOOD_CARD + "\nexplain: [a]"),
    "tags is a mapping": deck_with(GOOD_CARD + "\ntags: {a: 1}"),
    "citation is text": deck_with(GOOD_CARD + "\nsource: notes"),
    "citation without section": deck_with(GOOD_CARD + "\nsource: {key: notes}"),
    "unknown key in a citation": deck_with(
        GOOD_CARD + "\nsource: {key: notes, section: Receptors, page: 3}"
    ),
    "choices are strings": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nchoices: [x, y]\nexplain: e"
    ),
    "choices is a mapping": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nchoices: {text: x}\nexplain: e"
    ),
    "one choice": deck_with(
        "id: a\nkind: select\ntopic: t\nquestion: q\nchoices: [{text: x, correct: true}]\n"
        "explain: e"
    ),
    "no correct choice": deck_with(
        "id: a\nkind: select\ntopic: t\nquestion: q\nchoices: [{text: x}, {text: y}]\nexplain: e"
    ),
    "two correct choices on a choice card": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\n"
        "choices: [{text: x, correct: true}, {text: y, correct: true}]"
    ),
    "unknown key in a choice": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\n"
        "choices: [{text: x, correct: true}, {text: y, because: z}]"
    ),
    "correct is text": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\n"
        "choices: [{text: x, correct: 'true'}, {text: y}]"
    ),
    "choices and answer together": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\nanswer: x\n"
        "choices: [{text: x, correct: true}, {text: y}]"
    ),
    "answer without distractors": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\nanswer: x"
    ),
    "one distractor not in a list": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\nanswer: x\ndistractors: y"
    ),
    "count of zero": deck_with(
        "id: a\nkind: choice\ntopic: t\nquestion: q\nexplain: e\nanswer: x\n"
        "distractors: [y, z]\ncount: 0"
    ),
    "too many select choices": deck_with(
        "id: a\nkind: select\ntopic: t\nquestion: q\nexplain: e\nchoices: ["
        + ", ".join(f"{{text: o{n}, correct: true}}" for n in range(13))
        + "]"
    ),
    "truefalse answer is text": deck_with(
        "id: a\nkind: truefalse\ntopic: t\nstatement: s\nanswer: 'false'\nexplain: e"
    ),
    "ordering with one item": deck_with("id: a\nkind: ordering\ntopic: t\nquestion: q\nitems: [x]"),
    "ordering item repeated": deck_with(
        "id: a\nkind: ordering\ntopic: t\nquestion: q\nitems: [x, y, x]"
    ),
    "a pair of three": deck_with(
        "id: a\nkind: matching\ntopic: t\nquestion: q\npairs: [[a, b, c], [d, e]]"
    ),
    "a pair without right": deck_with(
        "id: a\nkind: matching\ntopic: t\nquestion: q\npairs: [{left: a}, [d, e]]"
    ),
    "numeric answer is text": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: five"
    ),
    "numeric with answer and formula": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\nformula: 2 + 3"
    ),
    "numeric with neither answer nor formula": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nunit: mg"
    ),
    "params without a formula": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\nparams: {x: {min: 1, max: 2}}"
    ),
    "param without max": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q {x}\nformula: x\nparams: {x: {min: 1}}"
    ),
    "param name not an identifier": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nformula: '1'\nparams: {2x: {min: 1, max: 2}}"
    ),
    "unknown key in a param": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q {x}\nformula: x\n"
        "params: {x: {min: 1, max: 2, by: 1}}"
    ),
    "decimals not whole": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\ndecimals: 1.5"
    ),
    "decimals too large": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\ndecimals: 11"
    ),
    "tolerance not a number or percent": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\ntolerance: about one"
    ),
    "numeric answer over 1e15": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 2e15"
    ),
    "negative tolerance": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\ntolerance: -1"
    ),
    "unknown syringe": deck_with(
        "id: a\nkind: numeric\ntopic: t\nquestion: q\nanswer: 5\nunit: mL\nsyringe: u40"
    ),
    "typed accept is a mapping": deck_with(
        "id: a\nkind: typed\ntopic: t\nquestion: q\nanswer: x\naccept: {a: b}"
    ),
}


@pytest.mark.parametrize("text", BROKEN_DECKS.values(), ids=BROKEN_DECKS.keys())
def test_a_broken_deck_is_rejected_by_the_loader_and_the_schema(text: str) -> None:
    assert loader_errors(text), "the loader accepted it"
    assert schema_errors(text), "the schema accepted it"


def _example_cards() -> dict[str, dict[str, Any]]:
    """The first example card of each kind in the scaffold, as data."""
    deck = yaml.safe_load(render("demo", "Demo", "deck.schema.json", "demo.yaml"))
    examples: dict[str, dict[str, Any]] = {}
    for card in deck["cards"]:
        examples.setdefault(card.get("kind", "basic"), card)
    return examples


REQUIRED = [(name, spec.name) for name in KINDS for spec in KINDS[name].fields if spec.required] + [
    ("choice", "choices"),
    ("numeric", "answer"),
]


@pytest.mark.parametrize(("kind", "field"), REQUIRED, ids=[f"{k}-{f}" for k, f in REQUIRED])
def test_a_card_missing_a_required_field_is_rejected_by_both(kind: str, field: str) -> None:
    card = dict(_example_cards()[kind])
    assert field in card
    del card[field]
    base = yaml.safe_load(render("demo", "Demo", "deck.schema.json", "demo.yaml"))
    base["cards"] = [card]
    text = yaml.safe_dump(base, sort_keys=False, allow_unicode=True)
    assert loader_errors(text), "the loader accepted it"
    assert schema_errors(text), "the schema accepted it"


# ------------------------------------------------------------ the command


def test_schema_output_writes_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nested" / "deck.schema.json"
    assert main(["schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_json()
    assert str(target) in capsys.readouterr().out
    target.write_text("old", encoding="utf-8")
    assert main(["schema", "-o", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "old"
    assert main(["schema", "-o", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == schema_json()
    assert main(["schema", "-o", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err
