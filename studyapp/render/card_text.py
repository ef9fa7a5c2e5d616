"""Render card text spans as Rich ``Text``: never markup, never escapes."""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text

from studyapp.core.deck.text import Span

__all__ = ["STYLES", "spans_to_text"]

STYLES: dict[str, Style] = {
    "bold": Style(bold=True),
    "italic": Style(italic=True),
    "code": Style(bold=True, color="cyan"),
    "cloze": Style(bold=True, color="cyan", underline=True),
    "blank": Style(bold=True, color="yellow"),
}


def spans_to_text(spans: Iterable[Span], base: str | Style = "") -> Text:
    """Styled text from spans. ``Text.append`` never parses markup, so deck
    text such as ``[bold red]x[/]`` is shown literally."""
    text = Text(style=base)
    for span in spans:
        style = Style()
        for name in sorted(span.styles):
            style += STYLES.get(name, Style())
        text.append(span.text, style)
    return text
