"""Translate YAML parser errors into what went wrong and how to fix it.

libyaml (``CParser``) and PyYAML's pure-Python parser word the same mistake
differently ("did not find expected key" / "expected <block end>, but found
'-'"). This module sorts either wording into one class of mistake
(:func:`_classify`), then reads the deck text around the error to say which
key, item, quote or bracket is at fault, where, and what to do about it, so
both parsers give the same message at the same position. The raw parser text
is kept only where no translation applies (:func:`translate` returns ``None``).

Pure functions of the text and the error's marks: no I/O, no parser state.
Deck text quoted in a message is limited to key-like names and single
characters from fixed sets, so a message never carries markup from the deck.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from studyapp.core.deck.yaml_lines import KEY, Anchor, Line, nearest, open_blocks, parse_line

__all__ = ["Translation", "translate"]


@dataclass(frozen=True, slots=True)
class Translation:
    """A translated error: its 1-based position and the message."""

    line: int
    col: int
    message: str


COLON_IN_TEXT = "a `: ` inside text starts a new key: put the text in quotes"
LINE_THE_KEYS_UP = "line the keys up"
COLON_NEEDS_SPACE = "a `:` needs a space after it to end a key: write `key: value`"

_KEY_NAME = re.compile(rf"-?{KEY}$")


def _deeper_or_less(col: int, anchor: Anchor) -> str:
    return "deeper" if col > anchor.col else "less"


# ----------------------------------------------------------------- classes of mistake


def _classify(context: str, problem: str) -> str | None:
    """One name per class of mistake, whichever parser worded it."""
    if problem.startswith("mapping values are not allowed"):
        return "colon"
    if "sequence entries are not allowed" in problem:
        return "dash-in-value"
    if problem.startswith("mapping keys are not allowed"):
        return "question-in-value"
    if "quoted scalar" in context and ("end of stream" in problem or "separator" in problem):
        return "unclosed-quote"
    if "invalid Unicode" in problem:
        return "codepoint"
    if "escape" in problem or "hexdecimal" in problem or "hexadecimal" in problem:
        return "escape"
    if context in ("while scanning an alias", "while scanning an anchor"):
        return "alias-anchor"
    if "cannot start any token" in problem or "tab character" in problem:
        return "bad-start"
    if context == "while scanning a block scalar":
        return "block-scalar"
    if problem == "could not find expected ':'":
        return "missing-colon"
    if context.startswith("while parsing a flow") and "',' or" in problem:
        return "flow"
    if problem.startswith(("did not find expected key", "did not find expected '-'")):
        return "block"
    if problem.startswith("expected <block end>"):
        return "block"
    if "node content" in problem:
        return "node-content"
    if "<document start>" in problem:
        return "document"
    if problem.startswith("unknown alias"):
        return "unknown-alias"
    return None


@dataclass(frozen=True, slots=True)
class _Error:
    """What the parser reported, as plain values."""

    lines: list[str]
    context: str
    context_line: int  # 1-based, 0 when there is no context mark
    context_col: int
    line: int  # 1-based position of the problem
    col: int

    def char(self, line: int, col: int) -> str:
        if not 0 < line <= len(self.lines):
            return ""
        row = self.lines[line - 1]
        return row[col - 1] if 0 < col <= len(row) else ""

    @property
    def found(self) -> str:
        """The character at the problem ('' at the end of a line or of the file)."""
        return self.char(self.line, self.col)

    def at(self, message: str) -> Translation:
        return Translation(self.line, self.col, message)

    def at_context(self, message: str) -> Translation:
        return Translation(self.context_line or self.line, self.context_col or self.col, message)


def translate(
    text: str, context: str | None, context_mark: Any, problem: str | None, problem_mark: Any
) -> Translation | None:
    """What went wrong and the fix for a parser error, or ``None`` to keep the raw text.

    ``context_mark`` and ``problem_mark`` are PyYAML marks (0-based ``line``
    and ``column``) or ``None``.
    """
    if problem_mark is None:
        return None
    error = _Error(
        text.split("\n"),
        context or "",
        context_mark.line + 1 if context_mark else 0,
        context_mark.column + 1 if context_mark else 0,
        problem_mark.line + 1,
        problem_mark.column + 1,
    )
    kind = _classify(error.context, problem or "")
    if error.found == "\t":  # whatever the parser made of it
        return error.at("found a tab: YAML is indented with spaces; replace the tab with spaces")
    return None if kind is None else _TRANSLATORS[kind](error)


def _colon(error: _Error) -> Translation | None:
    """``mapping values are not allowed``: a `:` inside a plain text value."""
    row = error.lines[error.line - 1]
    before = row[: error.col - 1]
    current = parse_line(row, error.line)
    if current is not None and current.col < error.col and ": " in before[current.col - 1 :]:
        return error.at(COLON_IN_TEXT)  # the text began after a key on this same line
    name = before[current.col - 1 :].rstrip() if current is not None else ""
    if current is None or current.dashes or not _KEY_NAME.match(name):
        return error.at(COLON_IN_TEXT)  # text wrapped onto this line holds ": "
    # A key indented deeper than the key above continues that key's value.
    above = [a for a in open_blocks(error.lines, error.line) if a.key and a.col < current.col]
    if not above:
        return _no_key_above(error)
    message = (
        f"`{name}` is indented deeper than `{above[0].key}` above it (line {above[0].line}); "
        f"{LINE_THE_KEYS_UP}"
    )
    return Translation(error.line, current.col, message)


def _no_key_above(error: _Error) -> Translation | None:
    """A `key: value` line continuing a line above that has no key."""
    for number in range(error.line - 1, 0, -1):
        row = error.lines[number - 1]
        parsed = parse_line(row, number)
        if parsed is None:
            continue
        colon = row.find(":", parsed.col - 1)
        if colon >= 0:
            return Translation(number, colon + 1, COLON_NEEDS_SPACE)
        return Translation(
            number,
            parsed.col,
            f"this line has no `: `, so line {error.line} continues its text: write it as "
            "`key: value`",
        )
    return None


def _block(error: _Error) -> Translation | None:
    """A line that lines up with no open block: a key or list item out of line."""
    if error.found in ("]", "}"):
        return _stray_close(error)
    closer = _closer_before(error)
    if closer:
        return error.at(_text_after(closer))
    current = parse_line(error.lines[error.line - 1], error.line)
    if current is None:
        return None
    anchors = open_blocks(error.lines, error.line)
    keys = [a for a in anchors if a.key is not None]
    items = [a for a in anchors if a.key is None]
    if current.dashes and error.col == current.dashes[0]:
        return _item_out_of_line(error, current.dashes[0], keys, items)
    if current.key is not None and error.col == current.col:
        return _key_out_of_line(error, current, keys, items)
    if not current.dashes and error.col == current.col:
        return _text_out_of_line(error, current, keys)
    return None


def _text_out_of_line(error: _Error, current: Line, keys: list[Anchor]) -> Translation | None:
    """A line of text (no key, no `- `) where the block above it wants a key."""
    above = parse_line(error.lines[error.line - 2], error.line - 1) if error.line > 1 else None
    if above is not None and above.key is None and not above.dashes and above.col > current.col:
        return error.at(
            f"this line is indented less than the text above it (line {above.number}): "
            "indent every line of a text at least as deep as its first line"
        )
    anchor = nearest(keys, current.col)
    if anchor is None:
        return None
    return error.at(
        f"text where a key like `{anchor.key}` (line {anchor.line}) was expected: write "
        "`key: value`, or indent the text under its key"
    )


def _item_out_of_line(
    error: _Error, col: int, keys: list[Anchor], items: list[Anchor]
) -> Translation:
    same = [a for a in keys if a.col == col]
    if same and same[0].key is not None and same[0].key.startswith("-"):
        key = same[0].key
        message = (
            f"`{key}` (line {same[0].line}) needs a space after the `-` to be a list item, "
            "like the `- ` item here"
        )
        return error.at(message)
    item = nearest(items, col)
    if same or item is None:
        where = f" like `{same[0].key}` (line {same[0].line})" if same else ""
        message = (
            f"a `- ` list item where a key{where} was expected: a list is the value of a key "
            "(`key:` with the items indented under it); remove the `- ` if this is a key"
        )
        return error.at(message)
    where = _deeper_or_less(col, item)
    return error.at(
        f"this `- ` item is indented {where} than the `- ` item above it (line {item.line}); "
        "line the items up"
    )


def _key_out_of_line(
    error: _Error, current: Line, keys: list[Anchor], items: list[Anchor]
) -> Translation | None:
    key = current.key
    assert key is not None
    dash = next((a for a in items if a.col == current.col), None)
    if dash is not None:
        inner = next((a for a in keys if a.col > dash.col and a.line >= dash.line), None)
        fix = (
            f"line it up with `{inner.key}` (line {inner.line}) to add it to that item, or "
            if (inner is not None)
            else ""
        )
        message = (
            f"`{key}` lines up with the `- ` of the list item above it (line {dash.line}) but "
            f"is not an item: {fix}start a new item with `- `"
        )
        return error.at(message)
    anchor = nearest(keys, current.col)
    if anchor is None or anchor.col == current.col:
        return None
    where = _deeper_or_less(current.col, anchor)
    return error.at(
        f"`{key}` is indented {where} than `{anchor.key}` above it (line {anchor.line}); "
        f"{LINE_THE_KEYS_UP}"
    )


def _closer_before(error: _Error) -> str:
    """The quote or bracket just before the problem (spaces skipped) that text follows."""
    row = error.lines[error.line - 1][: error.col - 1].rstrip(" ")
    if row and row[-1] in "'\"]}" and error.found not in ("", "#"):
        return row[-1]
    return ""


def _text_after(closer: str) -> str:
    if closer in "]}":
        opening = "[" if closer == "]" else "{"
        return (
            f"text follows the closing `{closer}` of a `{opening}...{closer}` value: put it "
            f"inside the brackets, or put the whole value in quotes if it is text"
        )
    inside = "write an apostrophe as `''`" if closer == "'" else 'write a quote as `\\"`'
    return (
        f"text follows the closing `{closer}` of a quoted value: put all of the text inside "
        f"the quotes ({inside} inside them)"
    )


def _stray_close(error: _Error) -> Translation:
    opening = "[" if error.found == "]" else "{"
    return error.at(
        f"a `{error.found}` that closes no `{opening}`: remove it, or put the text in quotes "
        "if it is part of the text"
    )


def _flow(error: _Error) -> Translation | None:
    """Inside ``[...]`` or ``{...}``: an unclosed bracket, or a `:` in an item's text."""
    opening = error.char(error.context_line, error.context_col) or "["
    closing = "]" if opening == "[" else "}"
    if error.line > error.context_line:
        return error.at_context(
            f"this `{opening}` is never closed: end it with `{closing}` on the same line, or "
            f"put the text in quotes if the `{opening}` is part of it"
        )
    if error.found == ":":
        return error.at(COLON_IN_TEXT)
    return error.at(
        f"expected `,` or `{closing}` here, in the `{opening}` opened at column "
        f"{error.context_col}: separate entries with `, `, and quote text that holds "
        "`,`, `[`, `]`, `{`, `}` or `: `"
    )


def _node_content(error: _Error) -> Translation | None:
    if error.found in ("]", "}"):
        return _stray_close(error)
    if error.found == ",":
        return error.at("an empty entry (two commas in a row, or a comma after `[` or `{`)")
    if error.found in ("-", "?"):
        meaning = "a list item" if error.found == "-" else "a complex key"
        return error.at(_value_start(f"{error.found} ", meaning))
    return None


def _unclosed_quote(error: _Error) -> Translation | None:
    quote = error.char(error.context_line, error.context_col)
    if quote not in ("'", '"'):
        return None
    return error.at_context(
        f"this `{quote}` is never closed: end the text with `{quote}`"
        + (" (write an apostrophe inside it as `''`)" if quote == "'" else "")
    )


def _escape(error: _Error) -> Translation | None:
    row = error.lines[error.line - 1]
    start = row.rfind("\\", 0, error.col)
    if start < 0:
        return None
    letter = row[start + 1 : start + 2]
    if letter.isspace() or not letter.isprintable():
        letter = ""
    digits = {"x": 2, "u": 4, "U": 8}.get(letter)
    what = (
        f"`\\{letter}` must be followed by {digits} hexadecimal digits"
        if digits
        else f"`\\{letter}` is not a valid escape"
    )
    return Translation(
        error.line,
        start + 1,
        f"{what} in double-quoted text: write `\\\\` for a backslash, or use single quotes "
        "(where `\\` is an ordinary character)",
    )


def _codepoint(error: _Error) -> Translation | None:
    """``"\\ud800"``: a well-formed escape of a code point that is no character."""
    row = error.lines[error.line - 1]
    start = row.rfind("\\", 0, error.col)
    escape = re.match(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})", row[start:])
    if start < 0 or escape is None:
        return None
    return Translation(
        error.line,
        start + 1,
        f"`{escape.group()}` is not a Unicode character (a surrogate or out of range): write the "
        "character itself, or the escape of a real one",
    )


def _value_start(indicator: str, meaning: str) -> str:
    return f"a value starting with `{indicator}` is read as {meaning}: put the text in quotes"


def _alias_anchor(error: _Error) -> Translation | None:
    indicator = error.char(error.context_line, error.context_col)
    meaning = {"*": "an alias (`*name`)", "&": "an anchor (`&name`)"}.get(indicator)
    if meaning is None:
        return None
    return error.at_context(_value_start(indicator, meaning))


def _bad_start(error: _Error) -> Translation | None:
    found = error.found
    if not found.isprintable() or found.isspace():
        return None
    name = "a backtick" if found == "`" else f"`{found}`"
    return error.at(f"a value cannot start with {name} here: put the text in quotes")


def _block_scalar(error: _Error) -> Translation | None:
    indicator = error.char(error.context_line, error.context_col)
    if indicator not in ("|", ">"):
        return None
    return error.at_context(
        _value_start(indicator, "the start of text on the lines below")
        + ", or put the text on the next lines, indented"
    )


def _dash_in_value(error: _Error) -> Translation:
    return error.at(
        _value_start("- ", "a list item")
        + ", or put the items on the lines below, indented, each starting with `- `"
    )


def _question_in_value(error: _Error) -> Translation:
    return error.at(_value_start("? ", "a complex key"))


def _missing_colon(error: _Error) -> Translation | None:
    if not error.context_line:
        return None
    row = error.lines[error.context_line - 1][error.context_col - 1 :]
    name = row.split(" ", 1)[0]
    if 0 < name.find(":") < len(name) - 1:  # `title:T`
        return Translation(
            error.context_line, error.context_col + name.find(":"), COLON_NEEDS_SPACE
        )
    what = f"`{name}`" if _KEY_NAME.match(name) else "this line"
    return error.at_context(
        f"{what} is where a key was expected but has no `: ` after it: write `key: value`"
    )


def _unknown_alias(error: _Error) -> Translation:
    name = re.match(r"\*([A-Za-z0-9_-]+)", error.lines[error.line - 1][error.col - 1 :])
    alias = f"`*{name.group(1)}` is read as an alias" if name else "an alias"
    target = f"`&{name.group(1)}`" if name else "an `&name`"
    return error.at(
        f"{alias} (a reference to an anchor {target} above), and there is no such anchor: put "
        "the text in quotes"
    )


def _document(error: _Error) -> Translation | None:
    """Text after the end of the document (a `...` line or a `%` directive)."""
    for number in range(min(error.line, len(error.lines)), 0, -1):
        row = error.lines[number - 1]
        if row.startswith(("...", "%")):
            return Translation(
                number,
                1,
                f"a line starting with `{row[0] * (3 if row[0] == '.' else 1)}` ends the deck's "
                "YAML document and the text after it cannot follow: remove the line, or indent "
                "it and put it in quotes if it is text",
            )
    first = next((p for n, r in enumerate(error.lines, 1) if (p := parse_line(r, n))), None)
    if first is None or first.dashes:
        return None
    if first.key is not None:
        if first.col == 1:
            return None
        return Translation(
            first.number,
            first.col,
            f"`{first.key}` is indented but the keys after it are not: start the top-level "
            "keys in column 1",
        )
    if not error.lines[first.number - 1][first.col - 1].isalnum():
        return None
    return Translation(
        first.number,
        first.col,
        "this line has no `: `, so it is not `key: value` and the rest of the file cannot "
        "follow it: write it as `key: value`",
    )


_TRANSLATORS = {
    "colon": _colon,
    "dash-in-value": _dash_in_value,
    "question-in-value": _question_in_value,
    "unclosed-quote": _unclosed_quote,
    "escape": _escape,
    "codepoint": _codepoint,
    "alias-anchor": _alias_anchor,
    "bad-start": _bad_start,
    "block-scalar": _block_scalar,
    "missing-colon": _missing_colon,
    "flow": _flow,
    "block": _block,
    "node-content": _node_content,
    "unknown-alias": _unknown_alias,
    "document": _document,
}
