"""Export decks for Anki (.apkg), Moodle and other LMSs (GIFT), or spreadsheets (CSV/TSV).

The format is --format, or else the --output file's suffix (.apkg, .gift, .csv,
.tsv). The decks are those under the PATHs given (and only those: not the
bundled deck too), else every configured deck; --deck picks some by id among
them. Decks with load errors are reported and left out. What a format cannot
express as it is (laid out as text, one set of numbers) or at all (left out)
is listed on stderr, never dropped silently. See docs/export.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.core.deck.model import Deck
    from studyapp.interchange import Report

NAME = "export"
HELP = "export decks to Anki (.apkg), Moodle GIFT, CSV or TSV"
FORMATS = ("apkg", "gift", "csv", "tsv")
SUFFIXES = {".apkg": "apkg", ".gift": "gift", ".csv": "csv", ".tsv": "tsv"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders to export (default: the configured decks)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default=None, help="default: from the --output suffix"
    )
    parser.add_argument(
        "--deck",
        dest="export_decks",
        action="append",
        default=[],
        metavar="ID",
        help="a deck id (repeatable; default: every deck loaded)",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.output import OutputError, check_output, write_output
    from studyapp.app.services import load_decks
    from studyapp.core.library import load_library

    output: Path = args.output
    fmt = args.format or SUFFIXES.get(output.suffix.casefold())
    if fmt is None:
        return fail(f"cannot tell the format from '{output.name}': give --format")
    try:
        check_output(output, args.force)
    except OutputError as exc:
        return fail(str(exc))
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        return fail(f"no such file or folder: {', '.join(missing)}")
    if args.paths:  # the decks named, and only them (not the bundled ones too)
        library = load_library(list(args.paths), cache_dir=paths.cache_dir)
    else:
        library = load_decks(paths, settings)
    for result in library.results:
        if result.deck is None:
            first = result.errors[0].format() if result.errors else result.path
            count = len(result.errors)
            print(
                f"studyapp: not exported: {result.path} has {count} error"
                f"{'s' * (count != 1)} (first: {first})",
                file=sys.stderr,
            )
    decks: list[Deck] = library.decks
    if args.export_decks:
        known = {deck.id: deck for deck in decks}
        unknown = [deck_id for deck_id in args.export_decks if deck_id not in known]
        if unknown:
            return fail(f"no deck {', '.join(unknown)} (decks: {', '.join(known) or 'none'})")
        decks = [known[deck_id] for deck_id in dict.fromkeys(args.export_decks)]
    if not decks:
        return fail("no deck to export")
    report, write = _prepare(fmt, decks)
    if not report.total:
        print(f"studyapp: nothing in these decks can be written as {fmt}", file=sys.stderr)
        _print_lossy(report)
        return 1
    write_output(output, write)
    cards = report.total
    print(
        f"wrote {cards} card{'s' * (cards != 1)} from {len(decks)} deck"
        f"{'s' * (len(decks) != 1)} to {output} ({fmt}): {report.counts_line()}"
    )
    _print_lossy(report)
    return 0


def _print_lossy(report: Report) -> None:
    """What every format changed or left out, on stderr (the same for every format)."""
    for line in report.lossy_lines():
        print(line, file=sys.stderr)


def _prepare(fmt: str, decks: list[Deck]) -> tuple[Report, Callable[[Path], None]]:
    """What the export will hold, and the function writing it to a path."""
    if fmt == "apkg":
        import time

        from studyapp.interchange import Report
        from studyapp.interchange.apkg import export_apkg

        report = Report()

        def write_apkg(path: Path) -> None:
            report.noted.update(export_apkg(decks, path, time.time()).noted)

        # Every kind has an Anki mapping: count up front, the package is built on write.
        for deck in decks:
            for card in deck.cards:
                report.wrote(card.kind)
        return report, write_apkg
    if fmt == "gift":
        from studyapp.interchange.gift import export_gift

        text, report = export_gift(decks)
    else:
        from studyapp.interchange.table import export_table

        text, report = export_table(decks, "," if fmt == "csv" else "\t")
    return report, lambda path: _write_text(path, text)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")
