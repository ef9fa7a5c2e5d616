"""Card text: sanitising and the small inline formatting subset.

Card text is data. It is never interpreted as Rich markup, and terminal
control characters are removed before it reaches any renderer. The only
formatting a deck author can ask for is:

* ``**bold**``
* ``*italic*``
* ```code``` (shown in a distinct style)
* line breaks (a newline in the YAML string)
* ``\\*``, ``\\` `` and ``\\\\`` to write the markers literally.

Parsing produces :class:`Span` tuples, a renderer-neutral representation the
TUI turns into styled text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "join_spans", "parse_inline", "plain", "sanitize"]

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode
# bidirectional overrides/isolates that can visually reorder text.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def sanitize(text: str) -> str:
    """Return ``text`` with terminal control and escape characters removed.

    Carriage returns are normalised to newlines and tabs to four spaces, so an
    ``ESC [2J`` sequence becomes the inert characters ``[2J``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL_RE.sub("", text)


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with a set of style names.

    Style names are ``bold``, ``italic``, ``code``, ``cloze`` (a revealed
    deletion) and ``blank`` (a hidden deletion's placeholder).
    """

    text: str
    styles: frozenset[str] = frozenset()


_TOKEN_RE = re.compile(r"\\[*`\\]|\*\*|\*|`")


def parse_inline(text: str, extra: frozenset[str] = frozenset()) -> list[Span]:
    """Parse the formatting subset of ``text`` into spans.

    Unclosed markers are kept literally, so ``2 * 3`` stays ``2 * 3``.
    ``extra`` styles are added to every span (used for cloze deletions).
    """
    spans: list[Span] = []
    buf: list[str] = []
    active: list[str] = []
    pos = 0

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), frozenset(active) | extra))
            buf.clear()

    closers = _closing_positions(text)
    for match in _TOKEN_RE.finditer(text):
        buf.append(text[pos : match.start()])
        pos = match.end()
        token = match.group()
        if token.startswith("\\"):
            buf.append(token[1])
            continue
        style = {"**": "bold", "*": "italic", "`": "code"}[token]
        if style in active:
            flush()
            active.remove(style)
        elif match.start() in closers and "code" not in active:
            flush()
            active.append(style)
        else:
            buf.append(token)
    buf.append(text[pos:])
    flush()
    return _merge(spans)


def _closing_positions(text: str) -> set[int]:
    """Offsets of opening markers that have a matching closing marker."""
    openers: set[int] = set()
    pending: dict[str, int] = {}
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        if token.startswith("\\"):
            continue
        if token in pending:
            openers.add(pending.pop(token))
        else:
            pending[token] = match.start()
    return openers


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and merged[-1].styles == span.styles:
            merged[-1] = Span(merged[-1].text + span.text, span.styles)
        else:
            merged.append(span)
    return merged


def join_spans(*parts: list[Span]) -> list[Span]:
    """Concatenate span lists, merging neighbours with equal styles."""
    out: list[Span] = []
    for part in parts:
        out.extend(part)
    return _merge(out)


def plain(spans: list[Span]) -> str:
    """The text of ``spans`` without styles."""
    return "".join(span.text for span in spans)
