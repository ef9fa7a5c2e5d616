"""Print the JSON Schema of the deck format (draft 2020-12).

The schema is generated from the same field definitions the loader validates
with. Point your editor's YAML language server at it for completion, hover help
and validation while typing (docs/editor-setup.md); 'studyapp check' also
verifies what a schema cannot express.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "schema"
HELP = "print the JSON Schema of the deck format (for editors)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the schema to FILE"
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    import sys

    from studyapp.app.output import write_text
    from studyapp.core.library.schema import schema_json

    text = schema_json()
    if args.output is None:
        sys.stdout.write(text)
        return 0
    problem = write_text(args.output, text, force=args.force, make_parents=True)
    if problem:
        print(f"studyapp: {problem}", file=sys.stderr)
        return 1
    print(f"wrote the deck schema to {args.output}")
    return 0
