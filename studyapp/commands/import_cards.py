"""Make a YAML deck from a CSV or TSV file of cards.

Reads our own CSV/TSV exports, Anki's "Notes in Plain Text" exports (their
#separator, #html, #columns, #guid/#notetype/#deck/#tags column headers are
honoured) and plain two-column front,back files. Cards get stable generated ids
(a slug of the front and a short hash) unless the file has an id column; the
deck is checked with the deck loader before it is written. See docs/export.md.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "import"
HELP = "make a YAML deck from a CSV or TSV file (ours, Anki's, or front,back)"
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a .csv, .tsv or .txt file")
    parser.add_argument("--deck-id", required=True, metavar="ID", help="the new deck's id (slug)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DECK.yaml")
    parser.add_argument("--title", default=None, help="the deck's title (default: its id)")
    parser.add_argument(
        "--topic",
        default="imported",
        help="topic of rows without a topic column or deck::topic tag (default: imported)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite the output if it exists")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.output import OutputError, check_output, write_output
    from studyapp.core.deck.limits import MAX_BYTES
    from studyapp.interchange.importer import build_deck, slug
    from studyapp.interchange.table import TableError, read_table

    source: Path = args.file
    output: Path = args.output
    if not _SLUG_RE.fullmatch(args.deck_id):
        return fail(f"--deck-id {args.deck_id!r} is not a slug (a-z, 0-9, '-', '_')", 2)
    if not re.search(r"[a-z0-9]", args.topic.casefold()):
        return fail(f"--topic {args.topic!r} has no letter or digit to make a topic of", 2)
    topic = slug(args.topic, 60)
    if output.resolve() == source.resolve():
        return fail("the output would overwrite the file being imported")
    try:
        check_output(output, args.force)
    except OutputError as exc:
        return fail(str(exc))
    try:
        if source.stat().st_size > MAX_BYTES:
            return fail(f"{source} is larger than {MAX_BYTES // (1 << 20)} MiB")
        text = source.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return fail(f"no such file: {source}")
    except UnicodeDecodeError as exc:
        return fail(f"{source} is not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        return fail(f"cannot read {source}: {exc.strerror}")
    default = "\t" if source.suffix.casefold() == ".tsv" else None
    try:
        table = read_table(text, default)
    except (TableError, csv.Error) as exc:
        return fail(f"{source}: {exc}")
    result = build_deck(table, args.deck_id, args.title or args.deck_id, topic)
    for problem in result.problems:
        print(f"{source}: skipped {problem}", file=sys.stderr)
    if table.ignored:
        print(f"{source}: ignored columns: {', '.join(table.ignored)}", file=sys.stderr)
    if not result.report.total:
        return fail(f"{source}: no card to import")
    if result.load.errors:  # a bug if it happens: never write a deck check rejects
        for diagnostic in result.load.errors:
            print(diagnostic.format(), file=sys.stderr)
        return fail("the imported deck has errors; nothing was written")

    def write(path: Path) -> None:
        path.write_text(result.yaml_text, encoding="utf-8")

    write_output(output, write)
    report = result.report
    cards = report.total
    print(f"wrote {cards} card{'s' * (cards != 1)} to {output}: {report.counts_line()}")
    for line in report.note_lines():
        print(f"  {line}")
    for line in report.skipped_lines():
        print(f"  {line}", file=sys.stderr)
    return 0
