"""Writing a command's output file: never over an existing file without ``--force``,
never half a file (a temporary file moved into place), with a one-line reason on failure.

Every command that writes a file (export, import, report, schema, new) goes through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["OutputError", "check_output", "remove_leftovers", "write_output", "write_text"]


class OutputError(Exception):
    """The output cannot be written (it exists, or its folder does not)."""


def check_output(path: Path, force: bool, *, make_parents: bool = False) -> None:
    """Refuse an existing file without ``force``, a folder, or a missing parent
    folder (created instead with ``make_parents``)."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists (use --force to overwrite it)")
    if make_parents:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
    elif not path.parent.is_dir():
        raise OutputError(f"no folder {path.parent} to write {path.name} in")


def write_output(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file next to ``path``, then move it into place.

    A failed export leaves no half-written file and never damages an existing one;
    a temporary file left by one that was killed is deleted by the next.
    """
    remove_leftovers(path)
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


def remove_leftovers(path: Path) -> list[Path]:
    """Delete the temporary files (``.NAME.*.tmp``) a killed write to ``path`` left
    beside it; return them."""
    found = [p for p in path.parent.glob(f".{glob_escape(path.name)}.*.tmp") if p.is_file()]
    for leftover in found:
        leftover.unlink(missing_ok=True)
    return found


def glob_escape(name: str) -> str:
    """``name`` with the glob wildcards ``*?[`` made literal."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def write_text(path: Path, text: str, *, force: bool, make_parents: bool = False) -> str | None:
    """Write ``text`` (UTF-8) to ``path`` as above; ``None``, or why it was not written."""
    try:
        check_output(path, force, make_parents=make_parents)
        write_output(path, lambda temporary: _write_utf8(temporary, text))
    except OutputError as exc:
        return str(exc)
    except OSError as exc:
        import errno

        full = exc.errno == errno.ENOSPC
        return f"cannot write {path}: " + ("the disk is full" if full else exc.strerror or str(exc))
    return None


def _write_utf8(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
