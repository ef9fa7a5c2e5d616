"""Reading a deck file's bytes: a regular file only, up to one byte past the size limit.

No YAML here: a start with every deck cached reads the bytes (to find their cache entry)
and never imports the parser (:mod:`.loader`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from studyapp.core.deck.limits import MAX_BYTES
from studyapp.core.deck.model import Diagnostic, LoadResult, Severity

__all__ = ["read_deck_file"]

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
)


def read_deck_file(path: Path | str) -> bytes | LoadResult:
    """The bytes of a deck file (up to one past the size limit), or a load
    result with the reason it cannot be read. Only a regular file is opened:
    a FIFO, socket or device is never opened (reading one can wait forever)."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode
        for test, what in _NOT_REGULAR:
            if test(mode):
                message = f"not a regular file ({what}): skipped"
                return LoadResult(
                    name, None, (Diagnostic(name, 1, 1, Severity.ERROR, message, "io"),)
                )
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        diag = Diagnostic(name, 1, 1, Severity.ERROR, f"cannot read file: {reason}", "io")
        return LoadResult(name, None, (diag,))
