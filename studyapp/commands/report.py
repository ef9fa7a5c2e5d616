"""Print a Markdown summary of decks: what each covers, its sources, and how many
cards it has per topic and per kind. Without PATH, the bundled decks.

Regenerate the bundled decks' README (a test fails when it is stale) with:

  studyapp report decks --output decks/README.md --force
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "report"
HELP = "print a Markdown summary of decks (cards per topic and kind)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the bundled decks)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from studyapp.app.config import bundled_decks_dir
    from studyapp.app.output import OutputError, check_output, write_text
    from studyapp.core.deck.model import Severity
    from studyapp.core.deck.report import render_report
    from studyapp.core.library import load_library

    targets: list[Path] = list(args.paths) or [bundled_decks_dir()]
    for target in targets:
        if not target.exists():
            return fail(f"no such file or folder: {target}")
    output: Path | None = args.output
    if output is not None:  # refused before the decks are read, not after
        try:
            check_output(output, args.force)
        except OutputError as exc:
            return fail(str(exc))
    library = load_library(targets)
    if not library.results:
        return fail(f"no deck files (.yaml, .yml) in {', '.join(map(str, targets))}")
    broken = [result for result in library.results if result.deck is None]
    for result in broken:
        first = next(d for d in result.diagnostics if d.severity is Severity.ERROR)
        print(first.format(), file=sys.stderr)
    if broken:
        return fail(
            f"{len(broken)} deck file{'s' * (len(broken) != 1)} with errors "
            "(`studyapp check` lists them all); nothing written"
        )
    text = render_report(library.decks)
    if output is None:
        sys.stdout.write(text)
        return 0
    problem = write_text(output, text, force=args.force)
    if problem:
        return fail(problem)
    cards = sum(len(deck.cards) for deck in library.decks)
    decks = len(library.decks)
    print(f"wrote {output}: {decks} deck{'s' * (decks != 1)}, {cards} cards")
    return 0
