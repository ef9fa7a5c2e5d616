"""Exports of loaded decks to other tools, and the CSV/TSV import.

One module per format, each taking loaded :class:`~studyapp.core.deck.model.Deck`
objects (decks with load errors are never exported):

* :mod:`.apkg`: an Anki package, with ``genanki``;
* :mod:`.gift`: Moodle GIFT, for LMS question banks;
* :mod:`.table`: CSV and TSV with Anki's text-import headers, and reading them back;
* :mod:`.importer`: a YAML deck from rows read by :mod:`.table`.

:mod:`.layout` lays out the kinds a flip card cannot show as they are (options,
pairs, items, a numeric variant), the same way for every format; :mod:`.markup`
turns card text into HTML and back. Every export and import fills a
:class:`Report`: what was written per kind, what was written with changes (a
kind laid out as text on a flip card, one set of numbers), and what was
skipped and why; an export prints the last two on stderr (``lossy_lines``).
The formats and the mapping per kind are documented in ``docs/export.md``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Report"]


@dataclass
class Report:
    """What an export or import wrote (per kind) and what it left out (and why)."""

    written: Counter[str] = field(default_factory=Counter)
    """kind -> cards written."""
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(kind, reason) -> cards left out."""
    noted: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(kind, note) -> cards written with something worth saying (one numeric variant)."""

    def wrote(self, kind: str, count: int = 1) -> None:
        self.written[kind] += count

    def skip(self, kind: str, reason: str) -> None:
        self.skipped[(kind, reason)] += 1

    def note(self, kind: str, note: str) -> None:
        self.noted[(kind, note)] += 1

    @property
    def total(self) -> int:
        return sum(self.written.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    def counts_line(self) -> str:
        """``12 basic, 3 cloze`` (kinds in order of count, then name)."""
        if not self.written:
            return "nothing"
        ordered = sorted(self.written.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{count} {kind}" for kind, count in ordered)

    def note_lines(self) -> list[str]:
        """One line per (kind, note): ``2 numeric cards: exported with one set of numbers``."""
        return [
            f"{count} {kind} card{'s' * (count != 1)}: {note}"
            for (kind, note), count in sorted(self.noted.items())
        ]

    def lossy_lines(self) -> list[str]:
        """What the format changed or left out, headed, for stderr (empty when nothing was)."""
        lines = []
        if self.noted:
            lines.append("note: written with changes (the format cannot express them as they are):")
            lines += [f"  {line}" for line in self.note_lines()]
        if self.skipped:
            lines.append("warning: not exported (the format cannot express them):")
            lines += [f"  {line}" for line in self.skipped_lines()]
        return lines

    def skipped_lines(self) -> list[str]:
        """One line per (kind, reason): ``40 basic: why``."""
        return [
            f"{count} {kind}: {reason}" for (kind, reason), count in sorted(self.skipped.items())
        ]
