"""Live reload: notice deck files that changed, and what a reload changed.

The TUI polls :func:`stamps` every second or so; when they differ from the
last poll it reloads the library and reports :func:`new_errors`. Screens
holding decks keep the last good version of a deck whose new save is broken
(:func:`merge_decks`), so a typo mid-edit never takes cards away mid-session.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from studyapp.core.deck.model import Deck, Diagnostic, LoadResult, Severity
from studyapp.core.library import Library, discover

__all__ = [
    "Stamps",
    "changed_paths",
    "keep_owners",
    "merge_decks",
    "new_errors",
    "new_warnings",
    "stamps",
]

Stamps = Mapping[str, tuple[int, int]]
"""Deck file path -> (modification time in ns, size in bytes)."""


def stamps(folders: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """The stamp of every deck file under ``folders`` (files that vanish are left out)."""
    out: dict[str, tuple[int, int]] = {}
    for path in discover(folders):
        try:
            info = os.stat(path)
        except OSError:
            continue
        out[str(path)] = (info.st_mtime_ns, info.st_size)
    return out


def changed_paths(before: Stamps, after: Stamps) -> list[str]:
    """Files added, removed or modified between two polls, sorted."""
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


@dataclass(frozen=True, slots=True)
class ReloadError:
    """A changed file that no longer loads: its path and first error."""

    path: str
    first: Diagnostic | None
    count: int

    def message(self) -> str:
        if self.first is None:
            return f"{self.path} could not be loaded"
        more = f" (and {self.count - 1} more)" if self.count > 1 else ""
        return f"{self.first.format()}{more}"


def new_errors(library: Library, changed: Sequence[str]) -> list[ReloadError]:
    """The errors of the changed files after a reload (one entry per broken file)."""
    out: list[ReloadError] = []
    for result in _changed(library, changed):
        if result.deck is None:
            errors = result.errors
            out.append(ReloadError(result.path, errors[0] if errors else None, len(errors)))
    return out


def _changed(library: Library, changed: Sequence[str]) -> list[LoadResult]:
    """The load results of the ``changed`` files."""
    wanted = {os.path.normpath(path) for path in changed}
    return [r for r in library.results if os.path.normpath(r.path) in wanted]


def new_warnings(library: Library, changed: Sequence[str]) -> list[Diagnostic]:
    """The warnings of the changed files that loaded: the loader's and the
    linter's (``studyapp check``), in file order, so an author sees them on save.

    Only the changed decks are linted, so a save stays cheap however big the
    library; duplicates across decks are left to ``studyapp check``.
    """
    from studyapp.core.library.lint import lint_decks

    results = [r for r in _changed(library, changed) if r.deck is not None]
    found = [d for r in results for d in r.diagnostics if d.severity is Severity.WARNING]
    found += lint_decks([r.deck for r in results if r.deck is not None])
    return sorted(found, key=lambda d: (d.path, d.line, d.col))


def merge_decks(held: Sequence[Deck], library: Library) -> list[Deck]:
    """``held`` decks replaced by their reloaded versions; a deck that failed
    to load (or whose file is gone), or whose id another file now claims,
    keeps the version held."""
    out: list[Deck] = []
    for deck in held:
        reloaded = library.deck(deck.id)
        out.append(reloaded if reloaded is not None and reloaded.path == deck.path else deck)
    return out


def keep_owners(old: Library, new: Library) -> Library:
    """``new`` with every deck id kept by the file that had it in ``old``: a
    file added later with an id already loaded is the duplicate (an error on
    it), even when it sorts first. A deck whose file is gone can be taken over."""
    # From the indexes: an old library loaded lazily stays unloaded.
    owners = {i.deck_id: i.path for i in old.indexes if i.deck_id is not None}
    results = list(new.results)
    where = {result.path: n for n, result in enumerate(results)}
    for n, result in enumerate(results):
        deck = result.deck
        if deck is None or owners.get(deck.id, deck.path) == deck.path:
            continue
        owner = owners[deck.id]
        held = where.get(owner)
        kept = old.deck(deck.id)
        if held is None or kept is None or results[held].deck is not None:
            continue  # the owner's file is gone (or loads another deck now)
        duplicate = Diagnostic(
            result.path,
            1,
            1,
            Severity.ERROR,
            f"deck id '{deck.id}' is already used by {owner}",
            "duplicate-deck",
        )
        results[n] = LoadResult(result.path, None, (duplicate, *result.diagnostics))
        others = tuple(d for d in results[held].diagnostics if d.rule != "duplicate-deck")
        if any(d.severity is Severity.ERROR for d in others):
            continue  # the owner's file is broken now: its last good version stays held
        results[held] = LoadResult(owner, kept, others)
    return Library(tuple(results))
