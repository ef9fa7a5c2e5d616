"""Card kinds: the registry, siblings and the faces each sibling shows."""

from __future__ import annotations

import time
from textwrap import dedent

import pytest

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import Span, plain
from studyapp.core.kinds import KINDS, get_kind
from studyapp.core.kinds.base import FieldType
from studyapp.core.kinds.cloze import Deletion, parse_deletions
from studyapp.core.library.loader import load_deck_bytes

B = frozenset({"bold"})
CLOZE = frozenset({"cloze"})
BLANK = frozenset({"blank"})


def card(body: str) -> Card:
    """Load one card (YAML mapping lines) through the real loader."""
    fields = "".join(f"    {line}\n" for line in dedent(body).splitlines())
    text = "deck: d\ntitle: T\ncards:\n  - id: c\n    topic: t\n" + fields
    result = load_deck_bytes(text.encode(), "d.yaml")
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    return result.deck.cards[0]


def make(kind: str, **data: str) -> Card:
    return Card(id="c", kind=kind, topic="t", line=1, data=data)


def faces(c: Card) -> dict[str, tuple[str, str]]:
    kind = get_kind(c.kind)
    out = {}
    for sibling in kind.siblings(c):
        face = kind.render(c, sibling)
        out[sibling] = (plain(list(face.front)), plain(list(face.back)))
    return out


# ------------------------------------------------------------------ registry


def test_registry_lists_flip_kinds_first_then_the_rest_by_name() -> None:
    names = list(KINDS)
    assert names[:3] == ["basic", "reversible", "cloze"]
    assert names[3:] == sorted(names[3:])
    for name, kind in KINDS.items():
        assert kind.name == name
        assert kind.doc
        assert all(isinstance(spec.type, FieldType) for spec in kind.fields)
        assert get_kind(name) is kind
    with pytest.raises(KeyError):
        get_kind("nope")


def test_required_fields_per_kind() -> None:
    required = {name: [s.name for s in k.fields if s.required] for name, k in KINDS.items()}
    assert {k: v for k, v in required.items() if k in ("basic", "reversible", "cloze")} == {
        "basic": ["question", "answer"],
        "reversible": ["front", "back"],
        "cloze": ["text"],
    }


# --------------------------------------------------------------------- basic


def test_basic_has_one_main_sibling() -> None:
    c = card("question: What is **Selank**?\nanswer: A peptide\n")
    kind = get_kind("basic")
    assert kind.siblings(c) == ("main",)
    face = kind.render(c, "main")
    assert face == Face(
        (Span("What is "), Span("Selank", B), Span("?")),
        (Span("A peptide"),),
    )
    assert kind.answer_text(c) == ["A peptide"]


# ---------------------------------------------------------------- reversible


def test_reversible_forward_and_reverse_swap_the_sides() -> None:
    c = card("kind: reversible\nfront: Selank\nback: '*tuftsin* analogue'\n")
    kind = get_kind("reversible")
    assert kind.siblings(c) == ("forward", "reverse")
    forward = kind.render(c, "forward")
    reverse = kind.render(c, "reverse")
    assert forward.front == (Span("Selank"),)
    assert forward.back == (Span("tuftsin", frozenset({"italic"})), Span(" analogue"))
    assert reverse == Face(forward.back, forward.front)
    assert kind.answer_text(c) == ["*tuftsin* analogue"]


def test_reversible_sides_must_differ_ignoring_case() -> None:
    text = "deck: d\ntitle: T\ncards:\n  - {id: a, kind: reversible, topic: t, front: X, back: x}\n"
    result = load_deck_bytes(text.encode(), "d.yaml")
    assert [d.rule for d in result.diagnostics] == ["same-sides"]


# --------------------------------------------------------------------- cloze


def test_cloze_one_sibling_per_deletion_in_order() -> None:
    c = card('kind: cloze\ntext: "{{Selank}} is built from {{tuftsin}} plus {{Pro-Gly-Pro}}."\n')
    kind = get_kind("cloze")
    assert kind.siblings(c) == ("c1", "c2", "c3")
    assert faces(c) == {
        "c1": (
            "[...] is built from tuftsin plus Pro-Gly-Pro.",
            "Selank is built from tuftsin plus Pro-Gly-Pro.",
        ),
        "c2": (
            "Selank is built from [...] plus Pro-Gly-Pro.",
            "Selank is built from tuftsin plus Pro-Gly-Pro.",
        ),
        "c3": (
            "Selank is built from tuftsin plus [...].",
            "Selank is built from tuftsin plus Pro-Gly-Pro.",
        ),
    }
    assert kind.answer_text(c) == ["Selank", "tuftsin", "Pro-Gly-Pro"]


def test_cloze_active_deletion_is_blank_on_the_front_and_cloze_on_the_back() -> None:
    c = make("cloze", text="A {{one}} and {{two}} end")
    face = get_kind("cloze").render(c, "c2")
    assert face.front == (Span("A one and "), Span("[...]", BLANK), Span(" end"))
    assert face.back == (Span("A one and "), Span("two", CLOZE), Span(" end"))


def test_cloze_hint_is_shown_in_the_blank() -> None:
    c = make("cloze", text="Selank acts on {{GABA-A::a receptor}} sites")
    face = get_kind("cloze").render(c, "c1")
    assert face.front == (Span("Selank acts on "), Span("[a receptor]", BLANK), Span(" sites"))
    assert face.back == (Span("Selank acts on "), Span("GABA-A", CLOZE), Span(" sites"))
    assert get_kind("cloze").answer_text(c) == ["GABA-A"]


def test_cloze_explicit_numbers_share_a_sibling() -> None:
    c = make("cloze", text="{{c2::b}} then {{c1::a::hint}} then {{c2::bb}}")
    kind = get_kind("cloze")
    assert kind.siblings(c) == ("c1", "c2")
    c2 = kind.render(c, "c2")
    assert c2.front == (
        Span("[...]", BLANK),
        Span(" then a then "),
        Span("[...]", BLANK),
    )
    assert c2.back == (Span("b", CLOZE), Span(" then a then "), Span("bb", CLOZE))
    c1 = kind.render(c, "c1")
    assert plain(list(c1.front)) == "b then [hint] then bb"


def test_cloze_explicit_number_is_case_insensitive_and_multi_digit() -> None:
    deletions, problem = parse_deletions("{{C12::x}} {{y}}")
    assert problem is None
    assert [(d.number, d.answer) for d in deletions] == [(12, "x"), (1, "y")]
    c = make("cloze", text="{{C12::x}} {{y}}")
    assert get_kind("cloze").siblings(c) == ("c1", "c12")


def test_cloze_formatting_inside_and_around_deletions() -> None:
    c = make("cloze", text="**Key**: {{*italic* answer}}")
    face = get_kind("cloze").render(c, "c1")
    assert face.front == (Span("Key", B), Span(": "), Span("[...]", BLANK))
    assert face.back == (
        Span("Key", B),
        Span(": "),
        Span("italic", CLOZE | {"italic"}),
        Span(" answer", CLOZE),
    )


def test_cloze_multiline_deletion() -> None:
    deletions, problem = parse_deletions("a {{line\nbreak}} b")
    assert problem is None
    assert deletions == [Deletion(2, 16, 1, "line\nbreak", None)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no deletion", "cloze text has no {{...}} deletion"),
        ("{{open", "unbalanced braces: a '{{' has no partner"),
        ("{{a}} and {{open", "unbalanced braces: a '{{' has no partner"),
        ("close}} {{a}}", "unbalanced braces: a '}}' has no partner"),
        ("{{a {{b}} c}}", "unbalanced braces: '{{' at offset 0 is not closed"),
        ("x {{ }}", "empty deletion at offset 2"),
        ("x {{c1::}}", "empty deletion at offset 2"),
        ("x {{::hint}}", "empty deletion at offset 2"),
    ],
)
def test_cloze_problems(text: str, problem: str) -> None:
    assert parse_deletions(text) == ([], problem)


def test_single_braces_are_ordinary_text() -> None:
    deletions, problem = parse_deletions("set {a, b} and {{x}}")
    assert problem is None
    assert [d.answer for d in deletions] == ["x"]


@pytest.mark.parametrize("text", ["{" * 200_000, "{{" * 100_000, "{{a" * 70_000, "}" * 200_000])
def test_cloze_parsing_is_linear_on_hostile_text(text: str) -> None:
    start = time.process_time()
    deletions, problem = parse_deletions(text)
    assert time.process_time() - start < 1
    assert deletions == []
    assert problem is not None


def test_cloze_with_many_deletions_renders_quickly() -> None:
    text = " ".join(f"{{{{w{i}}}}}" for i in range(5_000))
    c = make("cloze", text=text)
    kind = get_kind("cloze")
    start = time.process_time()
    assert len(kind.siblings(c)) == 5_000
    face = kind.render(c, "c2500")
    assert time.process_time() - start < 1
    assert [s.styles for s in face.front] == [frozenset(), BLANK, frozenset()]
