"""Create a deck file to start from: one commented example card of every kind.

The example cards (on beta-adrenergic blockers) pass 'studyapp check' with no
errors and no warnings; replace them with your own. The first line points
editors that run yaml-language-server at the deck schema: by default a
deck.schema.json next to the deck, written when it is not there yet.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "new"
HELP = "create a deck with a commented example of every card kind"

SCHEMA_FILE = "deck.schema.json"
"""The schema written next to a new deck (and named in its modeline) by default."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="PATH", help="the deck file to create")
    parser.add_argument(
        "--id", dest="deck_id", metavar="DECK_ID", help="deck id (default: from the file name)"
    )
    parser.add_argument("--title", help="deck title (default: from the file name)")
    parser.add_argument(
        "--schema",
        metavar="PATH_OR_URL",
        help=f"schema named in the editor modeline (default: {SCHEMA_FILE} next to the deck, "
        "written if missing)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")


def default_id(path: Path) -> str:
    """A deck id (slug) from a file name: ``Beta Blockers.yaml`` -> ``beta-blockers``."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", path.stem.casefold()).strip("-_")
    return slug or "my-deck"


def default_title(deck_id: str) -> str:
    """A title from a deck id: ``beta-blockers`` -> ``Beta blockers``."""
    words = re.sub(r"[-_]+", " ", deck_id).strip()
    return words[:1].upper() + words[1:]


def render(deck_id: str, title: str, schema: str, shown_path: str) -> str:
    """The new deck's text (a template shipped with the package, filled in)."""
    import json
    from importlib import resources

    template = resources.files("studyapp").joinpath("templates/new_deck.yaml")
    text = template.read_text(encoding="utf-8")
    # A JSON string is a valid YAML double-quoted scalar: any title is safe.
    for marker, value in (
        ("__SCHEMA__", schema),
        ("__PATH__", shown_path),
        ("__DECK_ID__", deck_id),
        ("__TITLE__", json.dumps(title, ensure_ascii=False)),
    ):
        text = text.replace(marker, value)
    return text


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    import shlex
    import sys

    from studyapp.app.output import write_text
    from studyapp.core.library.loader import SLUG

    path: Path = args.path
    if any(ord(char) < 32 for char in str(path)):
        print("studyapp: the deck path must not contain control characters", file=sys.stderr)
        return 2
    if path.suffix.casefold() not in (".yaml", ".yml"):
        print(f"studyapp: {path}: a deck file name ends in .yaml or .yml", file=sys.stderr)
        return 2
    deck_id = args.deck_id if args.deck_id is not None else default_id(path)
    if not re.match(SLUG, deck_id):
        print(
            f"studyapp: deck id {deck_id!r} must be a slug: lower-case letters, digits, - and _",
            file=sys.stderr,
        )
        return 2
    title = (args.title or "").strip() or default_title(deck_id)
    schema = args.schema or SCHEMA_FILE
    if any(ord(char) < 32 for char in title + schema):
        print("studyapp: --title and --schema must be one line of text", file=sys.stderr)
        return 2
    text = render(deck_id, title, schema, shlex.quote(str(path)))
    problem = write_text(path, text, force=args.force, make_parents=True)
    if problem:
        print(f"studyapp: {problem}", file=sys.stderr)
        return 1
    print(f"wrote {path}: deck {deck_id!r}, one example card of every kind")
    if args.schema is None:
        schema_path = path.parent / SCHEMA_FILE
        if schema_path.exists():
            print(f"kept {schema_path} (refresh it with: studyapp schema -o {schema_path} --force)")
        else:
            from studyapp.core.library.schema import schema_json

            problem = write_text(schema_path, schema_json(), force=False, make_parents=True)
            if problem:
                print(f"studyapp: {problem}", file=sys.stderr)
                return 1
            print(f"wrote {schema_path} (the deck schema, for editor completion)")
    print("next steps:")
    print(f"  1. edit {path}: replace the example cards with your own")
    print(f"  2. studyapp check {shlex.quote(str(path))}")
    print(f"  3. study it: studyapp --decks {shlex.quote(str(path.parent))}")
    return 0
