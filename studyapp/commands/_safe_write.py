"""Writing a new file for a command: never over an existing one without ``--force``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_text"]


def write_text(path: Path, text: str, *, force: bool) -> str | None:
    """Write ``text`` to ``path`` (UTF-8, parent folders created); an error message or ``None``.

    Refuses an existing file unless ``force``, and a folder always.
    """
    if path.is_dir():
        return f"{path} is a folder: give a file name"
    if path.exists() and not force:
        return f"{path} already exists: use --force to overwrite it"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None
