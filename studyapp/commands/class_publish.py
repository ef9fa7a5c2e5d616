"""Publish deck files to a class: each is checked (a deck with errors is
refused, nothing published), then stored on the server under the sha256 of
its bytes, as the next version of its deck id. Publishing a deck whose newest
version has the same content adds nothing. Students' sync brings the newest
version of every published deck to their class-decks folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail
from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class publish"
HELP = "publish deck files to a class (content-addressed, versioned)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    parser.add_argument("paths", nargs="+", type=Path, metavar="DECK", help="deck files or folders")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_on_server(lambda: _publish(args.db, args.paths))


def _publish(url: str, targets: list[Path]) -> int:
    from studyapp.core.library import load_library
    from studyapp.server.decks import publish
    from studyapp.server.migrate import open_class

    missing = [target for target in targets if not target.exists()]
    if missing:
        return fail(f"no such file or folder: {missing[0]}")
    library = load_library(targets)
    if not library.results:
        return fail(f"no deck files (.yaml, .yml) in {', '.join(map(str, targets))}")
    broken = [result for result in library.results if result.deck is None]
    for result in broken:
        print(result.errors[0].format(), file=sys.stderr)
    if broken:
        return fail(
            f"{len(broken)} deck file{'s' * (len(broken) != 1)} with errors "
            "(`studyapp check` lists them all); nothing published"
        )
    files = [(result.deck.id, Path(result.path)) for result in library.results if result.deck]
    with open_class(url) as conn:
        for deck_id, path in files:
            done = publish(conn, deck_id, path.name, path.read_bytes())
            what = "published" if done.new else "unchanged"
            print(f"{deck_id}: {what}, version {done.version} (sha256 {done.sha256[:12]})")
    return 0
