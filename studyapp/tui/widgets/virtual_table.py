"""A table of any number of rows that builds and draws only the rows on screen.

Textual's ``DataTable`` measures and keeps every row it is given, so a deck of
10,000 cards took seconds to list. Here the screen gives a row count and a
function that makes one row's cells; the table asks for the rows it draws (and
remembers them until the rows are replaced), so listing every match costs the
same at 10 rows or 10,000. One header line stays on top; a cursor row with
zebra stripes, as in ``DataTable``. Cells are :class:`rich.text.Text` (deck
text never goes through markup) already cut to their column's width.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["VirtualTable"]

RowMaker = Callable[[int], Sequence[Text]]


class VirtualTable(ScrollView, can_focus=True):
    """Columns of fixed widths; rows made on demand by ``row_of(index)``."""

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: auto;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
        }
        &:dark > .virtual-table--even-row {
            background: $surface-darken-1 40%;
        }
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    VirtualTable > .virtual-table--even-row {
        background: $surface-darken-1 20%;
    }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--even-row",
        "virtual-table--cursor",
    }
    BINDINGS = [
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
    ]
    PADDING = 1
    """Cells on each side of a cell, as ``DataTable``'s."""

    class RowHighlighted(Message):
        """The cursor moved to ``row``."""

        def __init__(self, table: VirtualTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[tuple[str, str, int]] = []
        """(key, label, width) of each column, left to right."""
        self.row_count = 0
        self.cursor_row = -1
        self._row_of: RowMaker = lambda index: ()
        self._lines: dict[int, Strip] = {}
        self.made = 0
        """How many rows ``row_of`` was asked for (they are made only to be drawn)."""

    # -- content ----------------------------------------------------------
    def set_columns(self, columns: Sequence[tuple[str, str, int]]) -> None:
        self.columns = list(columns)
        self._changed()

    def set_rows(self, count: int, row_of: RowMaker, *, cursor: int = 0) -> None:
        """Show ``count`` rows, row ``i`` made by ``row_of(i)`` when it is drawn."""
        self.row_count = count
        self._row_of = row_of
        self.cursor_row = min(max(cursor, 0), count - 1) if count else -1
        self._changed()
        self._scroll_to_cursor()

    def get_row_at(self, index: int) -> list[Text]:
        """The cells of row ``index`` (made afresh: for tests and callers, not drawing)."""
        return list(self._row_of(index))

    def _changed(self) -> None:
        self._lines.clear()
        width = sum(w + 2 * self.PADDING for _k, _l, w in self.columns)
        self.virtual_size = Size(width, self.row_count + 1)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.row_count + 1

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # -- drawing ----------------------------------------------------------
    def _cells_line(self, cells: Sequence[Text], style: Style) -> Strip:
        line = Text(no_wrap=True, end="")
        pad = " " * self.PADDING
        for (_key, _label, width), cell in zip(self.columns, cells, strict=False):
            line.append(pad)
            line.append_text(cell)
            line.append(" " * max(0, width - cell.cell_len) + pad)
        segments = list(line.render(self.app.console))
        return Strip(Segment.apply_style(segments, style))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("virtual-table--header")
            header = [Text(label) for _key, label, _width in self.columns]
            return self._cells_line(header, style).crop_extend(0, width, style)
        index = self.scroll_offset.y + y - 1
        base = self.rich_style
        if index >= self.row_count:
            return Strip.blank(width, base)
        style = base
        if index == self.cursor_row:
            style = base + self.get_component_rich_style("virtual-table--cursor")
        elif index % 2 == 0:
            style = base + self.get_component_rich_style("virtual-table--even-row")
        line = self._lines.get(index)
        if line is None:
            self.made += 1
            line = self._cells_line(self._row_of(index), style).crop_extend(0, width, style)
            self._lines[index] = line
        return line

    def on_resize(self) -> None:
        self._lines.clear()

    # -- the cursor -------------------------------------------------------
    def move_cursor(self, row: int) -> None:
        if not self.row_count:
            return
        row = min(max(row, 0), self.row_count - 1)
        if row == self.cursor_row:
            return
        self._lines.pop(self.cursor_row, None)
        self._lines.pop(row, None)
        self.cursor_row = row
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.RowHighlighted(self, row))

    def _scroll_to_cursor(self) -> None:
        rows = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + rows:
            top = self.cursor_row - rows + 1
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self.move_cursor(self.row_count - 1 if end else 0)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor(int(self.scroll_offset.y) + event.y - 1)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()
