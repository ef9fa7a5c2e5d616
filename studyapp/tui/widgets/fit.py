"""Text cut to fit, always with an ellipsis: the one rule for text that must not
wrap or overflow.

* Where only the end may go, a ``Static`` with the ``one-line`` class
  (``app.tcss``: one row, no wrapping, ``…`` at the cut).
* :func:`ellipsize` cuts one line to a width, keeping a given part whole
  where it can (the section of a citation, the file name of a path): the text
  before that part is cut first, in the middle.
* :class:`FitText` re-fits its text to its own size on every resize: on one
  line (:func:`ellipsize`), or wrapped at spaces and cut to its height with
  ``…`` ending the last line (:func:`clamp`).
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

__all__ = ["ELLIPSIS", "FitText", "clamp", "ellipsize", "file_name_span"]

ELLIPSIS = "…"


def ellipsize(text: Text | str, width: int, keep: tuple[int, int] | None = None) -> Text:
    """``text`` on one line of at most ``width`` cells, cut with ``…``.

    ``keep`` (start, end): characters to keep whole while the text before them
    can give way (at least three of its characters stay); then the end is cut.
    """
    line = Text(text) if isinstance(text, str) else text.copy()
    line.plain = line.plain.replace("\n", " ")
    if line.cell_len <= width:
        return line
    if keep is not None:
        start, end = keep
        head, kept, tail = line[:start], line[start:end], line[end:]
        room = width - kept.cell_len - tail.cell_len - 1
        if room >= 3:
            head.truncate(room)
            return Text.assemble(head, ELLIPSIS, kept, tail)
    line.truncate(max(width, 1), overflow="ellipsis")
    return line


def file_name_span(text: Text, path: str) -> tuple[int, int]:
    """The ``keep`` span of ``path``'s file name (with the separator before it)
    at the end of ``text``: a cut path reads ``/home/…/decks/selank.yaml``."""
    name = len(os.path.basename(path))
    start = len(text) - name - (1 if len(path) > name else 0)
    return max(start, 0), len(text)


def clamp(text: Text, width: int, height: int, console: Console | None = None) -> Text:
    """``text`` wrapped to ``width`` and cut to ``height`` lines, the last ending with ``…``."""
    console = console or Console(width=max(width, 1))
    lines = text.wrap(console, max(width, 1))
    if len(lines) <= height:
        return text
    kept = list(lines[: max(height, 1)])
    last = kept[-1]
    last.rstrip()
    if last.cell_len + 1 > width:
        last.truncate(max(width - 1, 0))
    last.append(ELLIPSIS)
    return Text("\n").join(kept)


class FitText(Static):
    """Text re-fitted to this widget on every resize (see the module doc).

    ``one_line``: one row (``keep`` spans stay whole); otherwise the text wraps
    and is cut to the widget's height, which the screen's CSS sets (say ``1fr``).
    """

    DEFAULT_CSS = """
    FitText.-one-line {
        height: 1;
    }
    """

    def __init__(
        self, *, one_line: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.one_line = one_line
        self.set_class(one_line, "-one-line")
        self._text = Text()
        self._keep: tuple[int, int] | None = None

    @property
    def text(self) -> Text:
        """The whole text, before fitting."""
        return self._text

    def show(self, text: Text | str, keep: tuple[int, int] | None = None) -> None:
        self._text = Text(text) if isinstance(text, str) else text
        self._keep = keep
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width, height = self.content_size
        if width <= 0:  # not laid out yet: on_resize fits it
            self.update(self._text)
        elif self.one_line:
            self.update(ellipsize(self._text, width, self._keep))
        else:
            self.update(
                clamp(self._text, width, height, self.app.console) if height else self._text
            )
