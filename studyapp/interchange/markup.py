"""Card text to HTML, and HTML back to card text.

Card text is data with a tiny formatting subset (``**bold**``, ``*italic*``,
```code```, newlines; see :mod:`studyapp.core.deck.text`). Exports that need HTML
(Anki fields, GIFT ``[html]`` questions) escape every character of deck text
and only add the tags the spans ask for. Imports of HTML (Anki's own text
exports) go the other way, escaping the markers so literal ``*`` stay literal.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from studyapp.core.deck.text import parse_inline, plain

__all__ = ["escape_markers", "html_to_text", "to_html", "to_plain"]

_TAGS = (("bold", "b"), ("italic", "i"), ("code", "code"))


def to_html(text: str) -> str:
    """``text`` (card text) as HTML: escaped, spans as ``<b>``/``<i>``/``<code>``, ``<br>``."""
    out: list[str] = []
    for span in parse_inline(text):
        body = html.escape(span.text, quote=False).replace("\n", "<br>")
        opened = [tag for style, tag in _TAGS if style in span.styles]
        out.extend(f"<{tag}>" for tag in opened)
        out.append(body)
        out.extend(f"</{tag}>" for tag in reversed(opened))
    return "".join(out)


def to_plain(text: str) -> str:
    """``text`` without its formatting markers (``**TrkB**`` is ``TrkB``)."""
    return plain(parse_inline(text))


_MARKER_RE = re.compile(r"([\\*`])")


def escape_markers(text: str) -> str:
    """``text`` with ``\\``, ``*`` and `````` escaped, so it shows as written."""
    return _MARKER_RE.sub(r"\\\1", text)


_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
_OPEN, _CLOSE = "\x00", "\x01"
"""Tag the markers that open and close a pair (removed from the result)."""
_BLOCK = {"div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


class _ToText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCK:
            self._newline()
        elif tag in _INLINE and not self.code and _INLINE[tag] not in self.open:
            self.open.append(_INLINE[tag])
            self.out.append(_OPEN + _INLINE[tag])  # an opener, settled in text()
            self.code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._newline()
        elif tag in _INLINE and self.open and self.open[-1] == _INLINE[tag]:
            marker = self.open.pop()
            self.code -= tag == "code"
            self.out.append(_CLOSE + marker)  # a closer

    def handle_data(self, data: str) -> None:
        data = data.replace("\xa0", " ")
        self.out.append(data if self.code else escape_markers(data))

    def _newline(self) -> None:
        if self.out and not "".join(self.out[-3:]).endswith("\n"):
            self.out.append("\n")

    def text(self) -> str:
        joined = "".join(self.out)
        # An empty pair is nothing; whitespace inside a pair moves outside it,
        # where it does not stop the markers from pairing.
        marker = r"(\*\*|\*|`)"
        joined = re.sub(f"{_OPEN}{marker}{_CLOSE}\\1", "", joined)
        joined = re.sub(f"{_OPEN}{marker}(\\s+)", f"\\2{_OPEN}\\1", joined)
        joined = re.sub(f"(\\s+){_CLOSE}{marker}", f"{_CLOSE}\\2\\1", joined)
        joined = joined.replace(_OPEN, "").replace(_CLOSE, "")
        lines = [line.rstrip() for line in joined.split("\n")]
        return "\n".join(lines).strip()


def html_to_text(markup: str) -> str:
    """Card text from an HTML field (Anki's exports): tags to markers, entities decoded."""
    parser = _ToText()
    parser.feed(markup)
    parser.close()
    return parser.text()
