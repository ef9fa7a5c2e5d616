"""The block layout of YAML source lines, for explaining indentation mistakes.

A deck's lines are read here as plain text, never parsed: which list dashes a
line starts with, where its content starts and whether that is a ``key:``.
:func:`open_blocks` lists the keys and list items above a line that it may
line up with. Pure functions of the text; :mod:`studyapp.core.deck.yaml_errors`
uses them to name the key or item that is out of line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["KEY", "Anchor", "Line", "nearest", "open_blocks", "parse_line"]

# Key names quoted in messages: what deck keys look like (never markup or escapes).
KEY = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_KEY_LINE = re.compile(rf"(?P<key>-?{KEY}) *:(?: |$)")


@dataclass(frozen=True, slots=True)
class Line:
    """The block structure of one source line: list dashes, then a key or other content."""

    number: int
    dashes: tuple[int, ...]  # 1-based columns of the leading "- " indicators
    col: int  # 1-based column of what follows them
    key: str | None  # the key, when that is `key:`

    @property
    def indent(self) -> int:
        return self.dashes[0] if self.dashes else self.col


def parse_line(text: str, number: int) -> Line | None:
    """``None`` for a blank or comment-only line."""
    stripped = text.lstrip(" ")
    if not stripped or stripped.startswith("#"):
        return None
    col = len(text) - len(stripped) + 1
    dashes: list[int] = []
    rest = stripped
    while rest[:2] == "- " or rest == "-":
        dashes.append(col)
        after = rest[1:].lstrip(" ")
        col += len(rest) - len(after)
        rest = after
    match = _KEY_LINE.match(rest)
    return Line(number, tuple(dashes), col, match.group("key") if match else None)


@dataclass(frozen=True, slots=True)
class Anchor:
    """A column that an open block above the error is aligned on."""

    col: int
    line: int
    key: str | None  # the key there, or None for a list item's "-"


def open_blocks(lines: list[str], before: int) -> list[Anchor]:
    """The keys and list items above line ``before`` (1-based) that blocks are aligned on.

    Walking up, each line that starts left of everything seen so far opens a
    block that is still open at ``before``: its dashes and its key are the
    columns a line there may line up with. Innermost first.
    """
    anchors: list[Anchor] = []
    limit = 1 << 30
    for number in range(before - 1, 0, -1):
        parsed = parse_line(lines[number - 1], number)
        if parsed is None or parsed.indent >= limit:
            continue
        if parsed.key is not None and parsed.col < limit:
            anchors.append(Anchor(parsed.col, number, parsed.key))
        anchors.extend(Anchor(c, number, None) for c in reversed(parsed.dashes) if c < limit)
        limit = parsed.indent
        if limit == 1:
            break
    return anchors


def nearest(anchors: list[Anchor], col: int) -> Anchor | None:
    """The anchor nearest to ``col`` (the innermost one on a tie)."""
    best: Anchor | None = None
    for anchor in anchors:
        if best is None or abs(anchor.col - col) < abs(best.col - col):
            best = anchor
    return best
