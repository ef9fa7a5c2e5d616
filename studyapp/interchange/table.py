"""CSV and TSV: one row per card, with the headers Anki's text import reads.

Export writes::

    #separator:Comma            (or Tab)
    #html:false
    #columns:Id,Deck,Kind,Topic,Front,Back,Accept,Tags,Source,Explain,Caveat,Evidence
    #deck column:2
    #tags column:8

then one row per card. ``Deck`` is the Anki deck name (the deck's title, as
in the ``.apkg`` export, so Anki files both in the same deck). ``Front`` and
``Back`` are card text as written in the deck (``**bold**`` and all): the
question and answer of basic and typed cards, the two sides of a reversible
card, the text of a cloze card (``Back`` empty); every other kind is laid out
as text (options lettered, the answer marked) for reading, and comes back from
an import as a basic card. ``Accept`` holds a typed card's accepted
alternatives, one per line; ``Tags`` the hierarchical ``deck::topic`` tag and
the card's tags, separated by spaces (a space inside a tag becomes ``_``);
``Source`` the citation as shown in the app (``Title § Section [1, 2]``);
``Caveat`` the caveat the card is shown with (its own or its deck's), which an
import gives back as the card's own.
``Evidence`` the card's evidence level (also in ``Tags``, as ``evidence::LEVEL``).

:func:`read_table` reads such a file back, and also Anki's own note exports
(``#separator:tab``, ``#html:true``, ``#guid column``, ``#notetype column``,
``#deck column``, ``#tags column``) and plain two-column ``front,back`` files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds.grading import DeckContext
from studyapp.interchange import Report
from studyapp.interchange.apkg import anki_tags, deck_name
from studyapp.interchange.layout import layout, plain_lines

__all__ = ["COLUMNS", "Table", "TableError", "export_table", "read_table"]

COLUMNS = (
    "Id",
    "Deck",
    "Kind",
    "Topic",
    "Front",
    "Back",
    "Accept",
    "Tags",
    "Source",
    "Explain",
    "Caveat",
    "Evidence",
)
"""The exported columns; Anki maps ``Front`` and ``Back`` to its Basic note type's fields."""
_ROLES = tuple(name.casefold() for name in COLUMNS)
ROUND_TRIP = ("basic", "reversible", "cloze", "typed")
"""Kinds an import of our own export gives back as they were."""

SEPARATORS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
"""Anki's ``#separator`` names (any case); a single character is taken as itself."""

_HEADER_NAMES = {",": "Comma", "\t": "Tab"}


HEADERS = frozenset(
    {
        "separator",
        "html",
        "columns",
        "tags",
        "notetype",
        "deck",
        "guid column",
        "notetype column",
        "deck column",
        "tags column",
        "if matches",
    }
)
"""The file headers Anki reads (``#tags:`` and ``#notetype:`` apply to every row)."""


class TableError(ValueError):
    """A file that cannot be read as a table of cards."""


def _sides(deck: Deck, card: Card, context: DeckContext) -> tuple[str, str]:
    data = card.data
    if card.kind in ("basic", "typed"):
        return data["question"], data["answer"]
    if card.kind == "reversible":
        return data["front"], data["back"]
    if card.kind == "cloze":
        return data["text"], ""
    fixed = replace(layout(deck, card, context), after=[])  # the caveat has its column
    return plain_lines(fixed.front_lines()), plain_lines(fixed.back)


def card_row(deck: Deck, card: Card, context: DeckContext) -> list[str]:
    """The row of ``card``, in :data:`COLUMNS` order."""
    front, back = _sides(deck, card, context)
    return [
        card.id,
        deck_name(deck),
        card.kind,
        card.topic,
        front,
        back,
        "\n".join(card.data.get("accept", ())) if card.kind == "typed" else "",
        " ".join(anki_tags(deck, card)),
        card.source.label(deck) if card.source else "",
        card.explain or "",
        deck.caveat_for(card) or "",
        card.evidence or "",
    ]


def export_table(decks: Sequence[Deck], separator: str) -> tuple[str, Report]:
    """The CSV (``","``) or TSV (``"\\t"``) text of ``decks`` and what it holds."""
    report = Report()
    out = io.StringIO()
    name = _HEADER_NAMES[separator]
    out.write(f"#separator:{name}\n#html:false\n")
    out.write(f"#columns:{separator.join(COLUMNS)}\n")
    out.write(f"#deck column:{_ROLES.index('deck') + 1}\n")
    out.write(f"#tags column:{_ROLES.index('tags') + 1}\n")
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    for deck in decks:
        context = DeckContext.of(deck)
        for card in deck.cards:
            writer.writerow(card_row(deck, card, context))
            report.wrote(card.kind)
            if card.kind not in ROUND_TRIP:
                report.note(card.kind, "laid out as text (an import reads it back as basic)")
    return out.getvalue(), report


# ------------------------------------------------------------------ reading


@dataclass
class Row:
    """One card read from a table: its line and its cells by role."""

    line: int
    cells: dict[str, str]


@dataclass
class Table:
    """A table of cards: its rows, whether cells are HTML, and the columns ignored."""

    rows: list[Row] = field(default_factory=list)
    html: bool = False
    ignored: list[str] = field(default_factory=list)


_ALIASES = {
    "question": "front",
    "text": "front",
    "statement": "front",
    "answer": "back",
    "back extra": "explain",
    "extra": "explain",
    "guid": "guid",
    "note type": "notetype",
    "notetype": "notetype",
}


def _role(name: str) -> str | None:
    key = " ".join(name.strip().casefold().split())
    if key in _ROLES:
        return key
    return _ALIASES.get(key)


def _separator(value: str) -> str:
    named = SEPARATORS.get(value.strip().casefold())
    if named is not None:
        return named
    if len(value) == 1:
        return value
    raise TableError(f"unknown #separator {value!r} (use Comma, Tab, Semicolon, ...)")


def _column_number(value: str, key: str, line: int) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise TableError(f"line {line}: '#{key}' must be a column number from 1, not {value!r}")
    return int(value) - 1


def read_table(text: str, default_separator: str | None = None) -> Table:
    """The rows of a CSV/TSV file's ``text`` (headers honoured; see the module doc).

    ``default_separator`` applies when there is no ``#separator`` header;
    without it, a first line holding a tab means tabs, otherwise commas.
    """
    lines = text.split("\n")
    headers, start = _headers(lines)
    separator = _table_separator(headers, default_separator, lines[start:])
    table = Table(html=headers.get("html", "").strip().casefold() == "true")
    roles, names = _header_roles(headers, separator, table)
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=separator)
    for cells in reader:
        line = start + reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if names is None and not roles and all(_role(cell) for cell in cells):
            names = cells  # a first row of column names (front,back)
            roles = {i: named for i, cell in enumerate(cells) if (named := _role(cell))}
            continue
        table.rows.append(Row(line, _row(cells, roles, names, headers)))
    return table


def _headers(lines: Sequence[str]) -> tuple[dict[str, str], int]:
    """The ``#key:value`` header lines Anki writes (by key), and the first line after them."""
    headers: dict[str, str] = {}
    start = 0
    for number, header in enumerate(lines):
        key, sep, value = header[1:].partition(":")
        key = key.strip().casefold()
        if not header.startswith("#") or not sep or key not in HEADERS:
            break  # a row that starts with '#' is data, not a header
        headers[key] = value.rstrip("\r")
        start = number + 1
    return headers, start


def _table_separator(
    headers: Mapping[str, str], default_separator: str | None, body: Sequence[str]
) -> str:
    """The ``#separator`` header's, else ``default_separator``, else a tab when the
    first line holds one, else a comma."""
    if "separator" in headers:
        return _separator(headers["separator"])
    if default_separator is not None:
        return default_separator
    first = next((text_line for text_line in body if text_line.strip()), "")
    return "\t" if "\t" in first else ","


def _header_roles(
    headers: Mapping[str, str], separator: str, table: Table
) -> tuple[dict[int, str], list[str] | None]:
    """The role of each column the headers name (``#deck column:``, ``#columns:``),
    and the ``#columns:`` names; a name with no role goes to ``table.ignored``."""
    roles: dict[int, str] = {}
    for key, column_role in (
        ("guid column", "guid"),
        ("notetype column", "notetype"),
        ("deck column", "deck"),
        ("tags column", "tags"),
    ):
        if key in headers:
            roles[_column_number(headers[key], key, 1)] = column_role
    if "columns" not in headers:
        return roles, None
    names = next(csv.reader([headers["columns"]], delimiter=separator), [])
    for index, name in enumerate(names):
        named = _role(name)
        if named is None:
            table.ignored.append(name)
        else:
            roles.setdefault(index, named)
    return roles, names


def _row(
    cells: Sequence[str],
    roles: Mapping[int, str],
    names: Sequence[str] | None,
    headers: Mapping[str, str],
) -> dict[str, str]:
    """One data row by role; unnamed columns are front, back, explain in order."""
    row: dict[str, str] = {}
    free = iter(("front", "back", "explain"))
    for index, cell in enumerate(cells):
        role: str | None = roles.get(index)
        if role is None and names is None:
            role = next(free, None)  # unnamed columns: front, back, extra
        if role is not None and role not in row:
            row[role] = cell
    if "notetype" in headers and "notetype" not in row:
        row["notetype"] = headers["notetype"]
    if headers.get("tags", "").strip():
        row["tags"] = f"{headers['tags']} {row.get('tags', '')}".strip()
    return row
