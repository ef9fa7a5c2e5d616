"""The exam's question map: one row, a window of question markers around the
current question, fitted to the width (never more rows, whatever the count:
the title says where you are, how many are answered and flagged).

A marker is the question number, then ``•`` (answered), ``✓``/``✗`` (graded,
in tutor mode and cram) and ``⚑`` (flagged); the current one is highlighted.
``…`` at an end means more questions that way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

__all__ = ["Marker", "QuestionMap", "map_window"]


@dataclass(frozen=True, slots=True)
class Marker:
    """One question on the map."""

    mark: str = " "
    """``•`` answered, ``✓`` / ``✗`` graded, or a space."""
    flagged: bool = False
    style: str = ""


def map_window(markers: Sequence[Marker], current: int, width: int) -> Text:
    """The markers around ``current`` (0-based) that fit in ``width`` cells, on one line."""
    count = len(markers)
    digits = len(str(count))
    cell = digits + 3  # number, mark, flag, a space
    fits = max(1, (max(width, cell) - 4) // cell)  # room for "… " at both ends
    start = min(max(0, current - fits // 2), max(0, count - fits))
    end = min(count, start + fits)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("… " if start > 0 else "  ", style="dim")
    for position in range(start, end):
        marker = markers[position]
        style = marker.style
        if marker.flagged:
            style = "bold yellow"
        if position == current:
            style = f"{style} reverse".strip()
        flag = "⚑" if marker.flagged else " "
        text.append(f"{position + 1:>{digits}}{marker.mark}{flag}", style=style)
        text.append(" ")
    if end < count:
        text.append("…", style="dim")
    return text


class QuestionMap(Static):
    DEFAULT_CSS = """
    QuestionMap {
        height: 1;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._markers: tuple[Marker, ...] = ()
        self._current = 0

    def show(self, markers: Sequence[Marker], current: int) -> None:
        self._markers = tuple(markers)
        self._current = current
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.content_size.width or max(1, self.app.size.width - 2)
        self.update(map_window(self._markers, self._current, width))
