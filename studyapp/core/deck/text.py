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

# C0 controls except tab and newline, DEL, C1 controls, the Unicode
# bidirectional overrides/isolates that can visually reorder text, and lone
# surrogates (a YAML "\ud800" escape), which no terminal can encode.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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

    Unclosed markers are kept literally, so ``2 * 3`` stays ``2 * 3``; like
    Markdown, a ``*`` or ``**`` followed by a space does not open emphasis and
    one preceded by a space does not close it (``2 * 3 * 4`` is literal too).
    Inside ```code``` the emphasis markers are literal.
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

    openers, closers = _pair_markers(text)
    for match in _TOKEN_RE.finditer(text):
        buf.append(text[pos : match.start()])
        pos = match.end()
        token = match.group()
        if token.startswith("\\"):
            buf.append(token[1])
            continue
        style = _STYLES[token]
        if match.start() in closers and style in active:
            flush()
            active.remove(style)
        elif match.start() in openers:
            flush()
            active.append(style)
        else:
            buf.append(token)
    buf.append(text[pos:])
    flush()
    return _merge(spans)


_STYLES = {"**": "bold", "*": "italic", "`": "code"}


def _pair_markers(text: str) -> tuple[set[int], set[int]]:
    """Offsets of the markers that open and that close a style.

    Backticks pair first, in order (code wins, as in Markdown); emphasis
    markers inside code are literal. Emphasis markers then pair with the next
    marker of the same kind that can close them.
    """
    tokens = [
        (m.start(), m.group()) for m in _TOKEN_RE.finditer(text) if not m.group().startswith("\\")
    ]
    ticks = [start for start, token in tokens if token == "`"]
    # An empty pair (```` `` ```` or ``****``) is literal text, not an empty span.
    code = [(a, b) for a, b in zip(ticks[0::2], ticks[1::2], strict=False) if b > a + 1]
    openers = {start for start, _ in code}
    closers = {end for _, end in code}
    pending: dict[str, int] = {}
    spans = iter(code)  # in order, so one pass finds what is inside code
    span = next(spans, None)
    for start, token in tokens:
        while span is not None and span[1] < start:
            span = next(spans, None)
        if token == "`" or (span is not None and span[0] < start):
            continue
        end = start + len(token)
        can_open = end < len(text) and not text[end].isspace()
        can_close = start > 0 and not text[start - 1].isspace()
        if token in pending and can_close and pending[token] + len(token) < start:
            openers.add(pending.pop(token))
            closers.add(start)
        elif can_open:
            pending[token] = start
    return openers, closers


def _merge(spans: list[Span]) -> list[Span]:
    # Collect runs of equal styles and join each once: concatenating span by
    # span is quadratic (a cloze card with many deletions has many spans).
    runs: list[tuple[frozenset[str], list[str]]] = []
    for span in spans:
        if not span.text:
            continue
        if runs and runs[-1][0] == span.styles:
            runs[-1][1].append(span.text)
        else:
            runs.append((span.styles, [span.text]))
    return [Span("".join(texts), styles) for styles, texts in runs]


def join_spans(*parts: list[Span]) -> list[Span]:
    """Concatenate span lists, merging neighbours with equal styles."""
    out: list[Span] = []
    for part in parts:
        out.extend(part)
    return _merge(out)


def plain(spans: list[Span]) -> str:
    """The text of ``spans`` without styles."""
    return "".join(span.text for span in spans)
