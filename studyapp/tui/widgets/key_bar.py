"""A one-line bar of key hints, docked at the bottom of a screen.

Lighter than Textual's ``Footer`` (which composes a widget per binding and
costs about a third of the app's start-up): the keys are listed by the
screen, so the bar is a single static line.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

__all__ = ["KeyBar"]


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, keys: Iterable[tuple[str, str]], *, id: str | None = None) -> None:
        self._keys = tuple(keys)
        super().__init__(self.render_keys(self._keys), id=id)

    @staticmethod
    def render_keys(keys: Iterable[tuple[str, str]], *, compact: bool = False) -> Text:
        """The bar; ``compact`` drops the padding, for when the full bar does not fit."""
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, label) in enumerate(keys):
            if index:
                text.append(" " if compact else "  ")
            text.append(key if compact else f" {key} ", style="bold reverse")
            text.append(f" {label}")
        return text

    def show_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        self._keys = tuple(keys)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        text = self.render_keys(self._keys)
        width = self.content_size.width
        if width and text.cell_len > width:
            text = self.render_keys(self._keys, compact=True)
        self.update(text)
