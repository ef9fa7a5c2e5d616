"""Writing an export or import result without ever clobbering a file by accident."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["OutputError", "check_output", "write_output"]


class OutputError(Exception):
    """The output cannot be written (it exists, or its folder does not)."""


def check_output(path: Path, force: bool) -> None:
    """Refuse an existing file without ``force``, a folder, or a missing parent folder."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists (use --force to overwrite it)")
    if not path.parent.is_dir():
        raise OutputError(f"no folder {path.parent} to write {path.name} in")


def write_output(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file next to ``path``, then move it into place.

    A failed export leaves no half-written file and never damages an existing one.
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        write(temporary)
        # mkstemp makes the file private (0600): give it the mode a new file gets
        # (or the mode of the file it replaces).
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _new_file_mode())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
