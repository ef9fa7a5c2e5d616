"""Card text: sanitising and the inline formatting subset."""

from __future__ import annotations

import itertools
import time
import unicodedata
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.deck.text import Span, join_spans, parse_inline, plain, sanitize
from studyapp.core.library.loader import load_deck_bytes

B = frozenset({"bold"})
I = frozenset({"italic"})  # noqa: E741
C = frozenset({"code"})
N: frozenset[str] = frozenset()


def card_text(question_yaml: str) -> str:
    """The question of a one-card deck whose question is written as ``question_yaml``."""
    deck = dedent(
        f"""\
        deck: d
        title: T
        cards:
          - id: a
            topic: t
            question: {question_yaml}
            answer: a
        """
    )
    result = load_deck_bytes(deck.encode(), "d.yaml")
    assert result.errors == []
    assert result.deck is not None
    text: str = result.deck.cards[0].data["question"]
    return text


# ---------------------------------------------------------------- sanitize


def test_rich_markup_stays_literal_text() -> None:
    text = card_text('"[bold red]x[/]"')
    assert text == "[bold red]x[/]"
    assert parse_inline(text) == [Span("[bold red]x[/]")]


def test_yaml_escape_producing_esc_loses_the_esc() -> None:
    text = card_text('"\\e[2J"')
    assert text == "[2J"
    assert "\x1b" not in plain(parse_inline(text))


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x80", "\x85", "\x9b", "\x9f"],
)
def test_c0_and_c1_controls_are_removed(char: str) -> None:
    assert sanitize(f"a{char}b") == "ab"


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_overrides_and_isolates_are_removed(char: str) -> None:
    assert sanitize(f"abc{char}def") == "abcdef"


def test_lone_surrogates_are_removed() -> None:
    assert sanitize("a\ud800b\udfffc") == "abc"


def test_a_lone_surrogate_escape_is_a_clear_yaml_error() -> None:
    deck = 'deck: d\ntitle: T\ncards:\n  - id: a\n    topic: t\n    question: "q\\ud800"\n'
    result = load_deck_bytes(deck.encode(), "d.yaml")
    (error,) = result.errors
    assert error.rule == "yaml" and "escape" in error.message


def test_newlines_tabs_and_carriage_returns() -> None:
    assert sanitize("a\r\nb\rc\nd\te") == "a\nb\nc\nd    e"


def test_ordinary_unicode_is_kept() -> None:
    text = "Ελληνικά, 日本語, émoji 💊, arrows →, µg, ½"
    assert sanitize(text) == text


def test_c1_controls_from_a_yaml_escape_are_removed() -> None:
    assert card_text('"a\\x9b31mb\\u202ec"') == "a31mbc"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sanitized_text_has_no_control_or_bidi_characters(text: str) -> None:
    clean = sanitize(text)
    for char in clean:
        assert char == "\n" or unicodedata.category(char) not in ("Cc", "Cs")
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert sanitize(clean) == clean


# ------------------------------------------------------------ parse_inline


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("plain", [Span("plain")]),
        ("**bold**", [Span("bold", B)]),
        ("*italic*", [Span("italic", I)]),
        ("`code`", [Span("code", C)]),
        ("a **b** c", [Span("a "), Span("b", B), Span(" c")]),
        ("a *b* c", [Span("a "), Span("b", I), Span(" c")]),
        ("run `x = 1` now", [Span("run "), Span("x = 1", C), Span(" now")]),
        ("**a *b* c**", [Span("a ", B), Span("b", B | I), Span(" c", B)]),
        ("***both***", [Span("both", B | I)]),
        ("`*not italic*`", [Span("*not italic*", C)]),
        ("`**x**` and **y**", [Span("**x**", C), Span(" and "), Span("y", B)]),
        ("*a `x` b*", [Span("a ", I), Span("x", I | C), Span(" b", I)]),
        ("line one\n**line** two", [Span("line one\n"), Span("line", B), Span(" two")]),
    ],
)
def test_formatting(text: str, spans: list[Span]) -> None:
    assert parse_inline(text) == spans


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\\*not italic\\*", "*not italic*"),
        ("\\*\\*not bold\\*\\*", "**not bold**"),
        ("\\`not code\\`", "`not code`"),
        ("a \\\\ b", "a \\ b"),
        ("C:\\\\path", "C:\\path"),
        ("\\n stays", "\\n stays"),
        ("trailing \\", "trailing \\"),
    ],
)
def test_backslash_escapes(text: str, shown: str) -> None:
    assert parse_inline(text) == [Span(shown)]


def test_escaped_marker_next_to_real_formatting() -> None:
    assert parse_inline("**5\\* stars**") == [Span("5* stars", B)]


@pytest.mark.parametrize(
    "text",
    [
        "2 * 3",
        "2 * 3 * 4",
        "a ** b ** c",
        "**unclosed",
        "*unclosed",
        "`unclosed",
        "x*",
        "**",
        "****",
        "``",
        "* list-like item",
    ],
)
def test_unclosed_or_spaced_markers_stay_literal(text: str) -> None:
    assert parse_inline(text) == [Span(text)]


def test_spaced_star_does_not_steal_a_real_closer() -> None:
    assert parse_inline("5 * 10 *per* mL") == [Span("5 * 10 "), Span("per", I), Span(" mL")]
    assert parse_inline("*a * b*") == [Span("a * b", I)]


def test_marker_inside_code_does_not_close_outside_emphasis() -> None:
    assert parse_inline("*a `b* c`") == [Span("*a "), Span("b* c", C)]


def test_extra_styles_apply_to_every_span() -> None:
    cloze = frozenset({"cloze"})
    assert parse_inline("a **b**", cloze) == [Span("a ", cloze), Span("b", B | cloze)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="*`\\")))
def test_text_without_markers_is_one_plain_span(text: str) -> None:
    assert parse_inline(text) == ([Span(text)] if text else [])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab *`\\\n"))
def test_formatting_never_invents_text(text: str) -> None:
    spans = parse_inline(text)
    shown = plain(spans)
    # Only markers and escaping backslashes are removed; letters survive in order.
    assert [c for c in shown if c in "ab \n"] == [c for c in text if c in "ab \n"]
    assert all(span.text for span in spans)
    assert all(a.styles != b.styles for a, b in itertools.pairwise(spans))


def test_parsing_is_linear_on_long_text() -> None:
    text = "`x`*" * 10_000 + "*y " * 10_000
    start = time.process_time()
    parse_inline(text)
    assert time.process_time() - start < 2


# --------------------------------------------------------- join and plain


def test_join_spans_merges_neighbours_with_equal_styles() -> None:
    joined = join_spans([Span("a"), Span("b", B)], [Span("c", B), Span("")], [Span("d")])
    assert joined == [Span("a"), Span("bc", B), Span("d")]
    assert plain(joined) == "abcd"


def test_join_spans_of_many_parts_is_fast() -> None:
    parts = [[Span("x" * 100)] for _ in range(20_000)]
    start = time.process_time()
    joined = join_spans(*parts)
    assert time.process_time() - start < 1
    assert joined == [Span("x" * 2_000_000)]
