"""Parsed entries shipped beside trusted deck files, so a new data folder's empty
cache does not make the first start parse them.

The bundled decks carry, in ``parsed/`` beside them, the load result of each file as the
cache stores it, named by a hash of the file's bytes and :data:`CACHE_VERSION` (not its
path: the folder moves with the install); an edited deck no longer matches its entry and
is parsed as usual. Only folders the caller names as trusted are read (the package's own):
an entry is taken as it is, without the loader's checks, so a deck folder from elsewhere
could otherwise put text on screen that its YAML would not.

Regenerate after editing a bundled deck (a test says so when an entry is stale)::

    python -m studyapp.core.library.seed decks
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from studyapp.core.deck.model import LoadResult
from studyapp.core.library import CACHE_VERSION, discover, result_from_json, result_to_json

__all__ = ["SEED_FOLDER", "read_seed", "seed_path", "write_seeds"]

SEED_FOLDER = "parsed"


def seed_path(data: bytes, path: Path) -> Path:
    """Where the entry for the deck file ``path`` holding ``data`` is (or would be)."""
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(f"\0{CACHE_VERSION}".encode())
    return path.parent / SEED_FOLDER / f"{digest.hexdigest()}.json"


def read_seed(data: bytes, path: Path) -> LoadResult | None:
    """The shipped load result of ``path`` (with these bytes), or ``None`` if there is none."""
    try:
        with open(seed_path(data, path), encoding="utf-8") as handle:
            entry: dict[str, Any] = json.load(handle)
        return result_from_json(_placed(entry, str(path)))
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None


def _placed(entry: dict[str, Any], name: str) -> dict[str, Any]:
    """The entry with every path (the result's, its diagnostics') set to ``name``."""
    entry["path"] = name
    for diagnostic in entry["diagnostics"]:
        diagnostic["path"] = name
    return entry


def write_seeds(folder: Path) -> list[Path]:
    """Parse every deck file directly in ``folder`` and write its entry under
    ``folder/parsed``, removing entries no file matches; return the entries written."""
    from studyapp.core.library.loader import load_deck_bytes

    written: list[Path] = []
    for path in discover([folder]):
        if path.parent != folder:
            continue
        data = path.read_bytes()
        entry = _placed(result_to_json(load_deck_bytes(data, path.name)), path.name)
        target = seed_path(data, path)
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(entry, separators=(",", ":")) + "\n", encoding="utf-8")
        written.append(target)
    for stale in sorted((folder / SEED_FOLDER).glob("*.json")):
        if stale not in written:
            stale.unlink()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m studyapp.core.library.seed FOLDER", file=sys.stderr)
        return 2
    for path in write_seeds(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
