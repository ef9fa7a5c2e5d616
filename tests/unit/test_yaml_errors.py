"""YAML mistakes are reported as what went wrong and the fix, the same with either parser.

Each case goes through ``studyapp check`` and is read back as the line a user
sees, ``path:line:col: error: message [yaml]``, once with libyaml's event
parser and once with PyYAML's pure-Python one (the fallback when PyYAML was
built without libyaml): both word their errors differently, the user must not
see the difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from studyapp.cli import main
from studyapp.core.deck import yamlsafe

HEAD = "deck: d\ntitle: T\ncards:\n"
"""Three lines: a card's '- id' is on line 4."""

PARSERS = [pytest.param(yamlsafe._PurePythonParser, id="python")]
if yaml.__with_libyaml__:
    PARSERS.insert(0, pytest.param(yamlsafe._CParser, id="libyaml"))


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(yamlsafe, "_Parser", request.param)
    return request.param


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> str:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    prefix = f"{path}:"
    assert err[0].startswith(prefix) and err[0].endswith(" [yaml]")
    return err[0][len(prefix) : -len(" [yaml]")]


CASES = [
    pytest.param(
        HEAD + "  - id: a\n    kind: basic\n      topic: t\n    question: q\n    answer: a\n",
        "6:7: error: `topic` is indented deeper than `kind` above it (line 5); line the keys up",
        id="over-indented-key",
    ),
    pytest.param(
        "deck: d\n title: T\ncards: []\n",
        "2:2: error: `title` is indented deeper than `deck` above it (line 1); line the keys up",
        id="over-indented-top-level-key",
    ),
    pytest.param(
        HEAD + "  - id: a\n    topic: t\n   question: q\n    answer: a\n",
        "6:4: error: `question` is indented less than `topic` above it (line 5); line the keys up",
        id="under-indented-key",
    ),
    pytest.param(
        HEAD + "  - id: a\n    topic: t\n  question: q\n",
        "6:3: error: `question` lines up with the `- ` of the list item above it (line 4) but is "
        "not an item: line it up with `topic` (line 5) to add it to that item, or start a new "
        "item with `- `",
        id="key-in-line-with-the-list",
    ),
    pytest.param(
        HEAD + "  - id: a\n    topic: t\n - id: b\n",
        "6:2: error: this `- ` item is indented less than the `- ` item above it (line 4); "
        "line the items up",
        id="under-indented-item",
    ),
    pytest.param(
        HEAD + "  - id: a\n    topic: t\n    - id: b\n",
        "6:5: error: a `- ` list item where a key like `topic` (line 5) was expected: a list is "
        "the value of a key (`key:` with the items indented under it); remove the `- ` if this "
        "is a key",
        id="item-where-a-key-was-expected",
    ),
    pytest.param(
        "deck: d\ncards:\n  -id: a\n  - id: b\n",
        "4:3: error: `-id` (line 3) needs a space after the `-` to be a list item, like the "
        "`- ` item here",
        id="dash-without-space",
    ),
    pytest.param(
        HEAD + "  - id: a\n    topic: t\n    question: Which ion: chloride or sodium?\n",
        "6:24: error: a `: ` inside text starts a new key: put the text in quotes",
        id="colon-in-text",
    ),
    pytest.param(
        HEAD + "  - {id: a, topic: t, question: Which ion: Cl?, answer: a}\n",
        "4:42: error: a `: ` inside text starts a new key: put the text in quotes",
        id="colon-in-flow-text",
    ),
    pytest.param(
        "deck: d\ntitle:T\ncards: []\n",
        "2:6: error: a `:` needs a space after it to end a key: write `key: value`",
        id="colon-without-space",
    ),
    pytest.param(
        HEAD + "  - id: a\n    topic t\n    question: q\n",
        "5:5: error: `topic` is where a key was expected but has no `: ` after it: write "
        "`key: value`",
        id="missing-colon",
    ),
    pytest.param(
        HEAD + '  - id: a\n    question: "Which ion?\n    answer: a\n',
        '5:15: error: this `"` is never closed: end the text with `"`',
        id="unclosed-double-quote",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: 'Which ion?\n    answer: a\n",
        "5:15: error: this `'` is never closed: end the text with `'` (write an apostrophe "
        "inside it as `''`)",
        id="unclosed-single-quote",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: 'Don't stop' now\n",
        "5:20: error: text follows the closing `'` of a quoted value: put all of the text "
        "inside the quotes (write an apostrophe as `''` inside them)",
        id="text-after-closing-quote",
    ),
    pytest.param(
        HEAD + "  - id: a\n    tags: [a, b] c\n",
        "5:18: error: text follows the closing `]` of a `[...]` value: put it inside the "
        "brackets, or put the whole value in quotes if it is text",
        id="text-after-closing-bracket",
    ),
    pytest.param(
        HEAD + "  - id: a\n    tags: [a, b\n    question: q\n",
        "5:11: error: this `[` is never closed: end it with `]` on the same line, or put the "
        "text in quotes if the `[` is part of it",
        id="unclosed-bracket",
    ),
    pytest.param(
        HEAD + "  - {id: a, topic: t\n  - id: b\n",
        "4:5: error: this `{` is never closed: end it with `}` on the same line, or put the "
        "text in quotes if the `{` is part of it",
        id="unclosed-brace",
    ),
    pytest.param(
        HEAD + "  - id: a\n    tags: [a b c d e]]\n",
        "5:22: error: a `]` that closes no `[`: remove it, or put the text in quotes if it is "
        "part of the text",
        id="stray-closing-bracket",
    ),
    pytest.param(
        HEAD + "  - id: a\n    tags: [a,, b]\n",
        "5:14: error: an empty entry (two commas in a row, or a comma after `[` or `{`)",
        id="empty-flow-entry",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: *important* question\n",
        "5:15: error: a value starting with `*` is read as an alias (`*name`): put the text "
        "in quotes",
        id="value-starting-with-star",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: *important\n",
        "5:15: error: `*important` is read as an alias (a reference to an anchor `&important` "
        "above), and there is no such anchor: put the text in quotes",
        id="unknown-alias",
    ),
    pytest.param(
        HEAD + "  - id: a\n    answer: & more\n",
        "5:13: error: a value starting with `&` is read as an anchor (`&name`): put the text "
        "in quotes",
        id="value-starting-with-ampersand",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: !important which\n",
        "5:15: error: unsupported YAML tag '!important': a value starting with `!` is read as "
        "a tag; put the text in quotes",
        id="value-starting-with-bang",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: @home what\n",
        "5:15: error: a value cannot start with `@` here: put the text in quotes",
        id="value-starting-with-at",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: `code` what\n",
        "5:15: error: a value cannot start with a backtick here: put the text in quotes",
        id="value-starting-with-backtick",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: | what\n",
        "5:15: error: a value starting with `|` is read as the start of text on the lines "
        "below: put the text in quotes, or put the text on the next lines, indented",
        id="value-starting-with-pipe",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: - what\n",
        "5:15: error: a value starting with `- ` is read as a list item: put the text in "
        "quotes, or put the items on the lines below, indented, each starting with `- `",
        id="value-starting-with-dash",
    ),
    pytest.param(
        HEAD + "  - {id: a, question: - what}\n",
        "4:23: error: a value starting with `- ` is read as a list item: put the text in quotes",
        id="flow-value-starting-with-dash",
    ),
    pytest.param(
        HEAD + "  - id: a\n    question: ? what\n",
        "5:15: error: a value starting with `? ` is read as a complex key: put the text in quotes",
        id="value-starting-with-question-mark",
    ),
    pytest.param(
        HEAD + '  - id: a\n    question: "C:\\drugs"\n',
        "5:18: error: `\\d` is not a valid escape in double-quoted text: write `\\\\` for a "
        "backslash, or use single quotes (where `\\` is an ordinary character)",
        id="bad-escape",
    ),
    pytest.param(
        HEAD + '  - id: a\n    question: "\\u12"\n',
        "5:16: error: `\\u` must be followed by 4 hexadecimal digits in double-quoted text: "
        "write `\\\\` for a backslash, or use single quotes (where `\\` is an ordinary "
        "character)",
        id="bad-unicode-escape",
    ),
    pytest.param(
        HEAD + "\t- id: a\n",
        "4:1: error: found a tab: YAML is indented with spaces; replace the tab with spaces",
        id="tab",
    ),
    pytest.param(
        "deck: d\ndescription: >-\n    first line\n  second line\ncards: []\n",
        "4:3: error: this line is indented less than the text above it (line 3): indent every "
        "line of a text at least as deep as its first line",
        id="text-under-indented",
    ),
    pytest.param(
        "deck: d\ncards: []\n...\ntitle: T\n",
        "3:1: error: a line starting with `...` ends the deck's YAML document and the text "
        "after it cannot follow: remove the line, or indent it and put it in quotes if it is "
        "text",
        id="document-end-marker",
    ),
    pytest.param(
        "deck d\ntitle: T\ncards: []\n",
        "1:1: error: this line has no `: `, so line 2 continues its text: write it as `key: value`",
        id="first-line-without-colon",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_yaml_mistake_is_explained(
    parser: object, text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(tmp_path, capsys, text) == expected


def test_an_untranslated_error_keeps_the_parser_text(
    parser: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    message = check(tmp_path, capsys, HEAD + "  - id: &x &y a\n")
    assert message.startswith("4:12: error: YAML syntax error: ")


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="the pure-Python reader accepts it")
def test_an_escape_of_no_character(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = check(tmp_path, capsys, HEAD + '  - id: a\n    question: "q\\ud800"\n')
    assert message == (
        "5:17: error: `\\ud800` is not a Unicode character (a surrogate or out of range): "
        "write the character itself, or the escape of a real one"
    )


def test_a_hash_inside_unquoted_text_is_a_warning_at_the_hash(
    parser: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        HEAD + "  - id: a\n    topic: t   # a comment meant as one\n"
        "    question: Which #1 drug class is tried first?\n    answer: SSRIs\n"
    )
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 0  # a warning: the deck is studied as read
    assert capsys.readouterr().err == (
        f"{path}:6:21: warning: a ` #` after unquoted text starts a comment, so the rest of the "
        "line is dropped: put the text in quotes if it belongs to it (a comment is written "
        "`# note`) [comment-in-text]\n"
    )
    assert main(["check", "--strict", str(path)]) == 1
