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
    }
    """

    def __init__(self, keys: Iterable[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(self.render_keys(keys), id=id)

    @staticmethod
    def render_keys(keys: Iterable[tuple[str, str]]) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, label) in enumerate(keys):
            if index:
                text.append("  ")
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {label}")
        return text

    def show_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        self.update(self.render_keys(keys))
