"""Tick boxes and radio buttons whose state is a glyph, not a colour: ``[x]`` /
``[ ]`` and ``(•)`` / ``( )``, so a plain capture, a colour-blind student or
``NO_COLOR`` still sees what is ticked (Textual's own draw the same glyph
either way and change only its colour)."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

__all__ = ["GlyphRadioButton", "TickList"]


class TickList(SelectionList[Any]):
    """A ``SelectionList`` drawing ``[x]`` or ``[ ]`` before each option."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 4:
            return strip
        # The button is the first three segments (left side, inner glyph, right side).
        ticked = selection.value in self.selected
        side, inner = segments[0].style or Style(), segments[1].style or Style()
        plain = (segments[3].style or Style()) + Style(meta=side.meta)
        box = [
            Segment("[", plain),
            Segment("x" if ticked else " ", inner + Style(bold=True) if ticked else plain),
            Segment("]", plain),
        ]
        return Strip([*box, *segments[3:]], strip.cell_length)


class GlyphRadioButton(RadioButton):
    """A ``RadioButton`` drawn ``(•)`` when chosen and ``( )`` when not."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button") if self.value else None
        mark = ("•", style) if style is not None else " "
        return Content.assemble("(", mark, ")")
