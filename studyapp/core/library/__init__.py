"""Deck files read into a library: find them in folders and load them, with a
cache keyed by file content (here), through the loader (:mod:`.loader`: YAML to
a checked :class:`~studyapp.core.deck.model.Deck`); the linter (:mod:`.lint`),
live reload (:mod:`.reload`) and the deck format's JSON Schema (:mod:`.schema`).

Above :mod:`studyapp.core.kinds` (the loader checks each card with its kind);
nothing else in the core imports this package.

A broken deck never stops the others: every file yields a
:class:`~studyapp.core.deck.model.LoadResult`, and a deck id already used by an
earlier file is reported as an error on the later one.

The cache stores each file's load result as JSON under a name derived from a
hash of the file's bytes (and the loader version), so an edited file is
re-parsed and an unchanged one is not.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studyapp.core.deck.model import (
    Card,
    Citation,
    Deck,
    Diagnostic,
    LoadResult,
    Positions,
    PromptKey,
    Severity,
    Source,
)

__all__ = [
    "CACHE_VERSION",
    "DeckIndex",
    "Library",
    "discover",
    "index_of",
    "load_index",
    "load_library",
    "open_library",
]

CACHE_VERSION = "9"
"""Bump when the loader's output changes, to invalidate every cache entry."""

DECK_SUFFIXES = (".yaml", ".yml")


class Library:
    """Every deck file found, loaded or not, in discovery order.

    Built from load results (:func:`load_library`), or from the deck indexes alone
    (:func:`open_library`): then a deck file is loaded the first time its deck (or
    every deck) is asked for, so listing the decks with their counts reads no card.
    Loading is thread-safe (a worker may ask for the decks while the UI does)."""

    __slots__ = ("_indexes", "_load", "_lock", "_results")

    def __init__(self, results: Sequence[LoadResult]) -> None:
        self._results: list[LoadResult | None] = list(results)
        self._indexes: list[DeckIndex] | None = None
        self._load: Callable[[int], LoadResult] | None = None
        self._lock = threading.Lock()

    @classmethod
    def lazy(cls, indexes: Sequence[DeckIndex], load: Callable[[int], LoadResult]) -> Library:
        """A library of ``indexes`` whose file ``n`` is loaded by ``load(n)`` when needed."""
        library = cls(())
        library._indexes = list(indexes)
        library._results = [None] * len(indexes)
        library._load = load
        return library

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Library) and self.results == other.results

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:  # loads nothing (a worker's name is made with it)
        loaded = sum(result is not None for result in self._results)
        return f"<Library: {len(self._results)} deck files, {loaded} loaded>"

    @property
    def indexes(self) -> list[DeckIndex]:
        """The index of every file (deck id, title, card ids): no deck is loaded for it."""
        if self._indexes is None:
            self._indexes = [index_of(r) for r in self.results]
        return self._indexes

    def _result(self, n: int) -> LoadResult:
        result = self._results[n]
        if result is None:
            assert self._load is not None  # only a lazy library has results to load
            with self._lock:
                result = self._results[n]
                if result is None:
                    result = self._results[n] = self._load(n)
        return result

    @property
    def results(self) -> tuple[LoadResult, ...]:
        return tuple(self._result(n) for n in range(len(self._results)))

    @property
    def decks(self) -> list[Deck]:
        return [r.deck for r in self.results if r.deck is not None]

    def deck(self, deck_id: str) -> Deck | None:
        """The deck ``deck_id``; of a lazy library, only its file is loaded."""
        if self._load is None:
            return next((deck for deck in self.decks if deck.id == deck_id), None)
        for n, index in enumerate(self.indexes):
            if index.deck_id == deck_id:
                deck = self._result(n).deck
                return deck if deck is not None and deck.id == deck_id else None
        return None


def discover(paths: Iterable[Path]) -> list[Path]:
    """Deck files under ``paths`` (files are taken as given, folders searched
    recursively), without duplicates, in a stable order."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path).expanduser()
        if path.is_dir():
            candidates = sorted(
                # Not only regular files: a FIFO named x.yaml is listed, to be
                # reported (and never opened) by the reader.
                p
                for p in path.rglob("*")
                if p.suffix in DECK_SUFFIXES and (p.is_file() or not p.is_dir())
            )
        else:
            candidates = [path]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(candidate)
    return found


def load_library(
    paths: Sequence[Path], cache_dir: Path | None = None, *, trusted: Sequence[Path] = ()
) -> Library:
    """Load every deck file under ``paths``, using ``cache_dir`` when given (and, for
    files directly in a ``trusted`` folder, the parsed entries shipped there: :mod:`.seed`)."""
    results: list[LoadResult] = []
    owners: dict[str, str] = {}
    for path in discover(paths):
        result = _owned(_load_one(path, cache_dir, trusted), owners)
        if result.deck is not None:
            owners[result.deck.id] = result.path
        results.append(result)
    return Library(results)


def _owned(result: LoadResult, owners: dict[str, str]) -> LoadResult:
    """``result``, or an error if its deck id is already in ``owners`` (id -> file)."""
    deck = result.deck
    if deck is None or deck.id not in owners:
        return result
    diag = Diagnostic(
        result.path,
        1,
        1,
        Severity.ERROR,
        f"deck id '{deck.id}' is already used by {owners[deck.id]}",
        "duplicate-deck",
    )
    return LoadResult(result.path, None, (diag, *result.diagnostics))


def open_library(
    paths: Sequence[Path], cache_dir: Path, *, trusted: Sequence[Path] = ()
) -> Library:
    """The library under ``paths`` from its deck indexes (see :func:`load_index`): what
    :func:`load_library` gives, each deck file loaded only when its deck is asked for."""
    indexes = load_index(paths, cache_dir, trusted=trusted)

    def load(n: int) -> LoadResult:
        # The files before it that own a deck id make a duplicate of this one an error.
        owners = {i.deck_id: i.path for i in indexes[:n] if i.deck_id is not None}
        return _owned(_load_one(Path(indexes[n].path), cache_dir, trusted), owners)

    return Library.lazy(indexes, load)


def _read(path: Path) -> bytes | LoadResult:
    from studyapp.core.library.files import read_deck_file  # not the loader: no YAML

    return read_deck_file(path)


def _entries(data: bytes, name: str, cache_dir: Path) -> tuple[Path, Path]:
    """The cache files of one deck file's content: the full result and its index."""
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(f"\0{CACHE_VERSION}\0{name}".encode())
    stem = digest.hexdigest()
    return cache_dir / f"{stem}.json", cache_dir / f"{stem}.index.json"


def _load_one(path: Path, cache_dir: Path | None, trusted: Sequence[Path] = ()) -> LoadResult:
    data = _read(path)
    if isinstance(data, LoadResult):
        return data
    name = str(path)
    if cache_dir is None:
        return _parse(data, name)
    entry, index_entry = _entries(data, name, cache_dir)
    try:
        with open(entry, encoding="utf-8") as handle:
            return result_from_json(json.load(handle))
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        pass  # a missing, unreadable or malformed entry is simply rebuilt
    result = _seeded(data, path, trusted) or _parse(data, name)
    _write_atomic(entry, json.dumps(result_to_json(result), separators=(",", ":")))
    _write_atomic(index_entry, json.dumps(index_of(result).to_json(), separators=(",", ":")))
    return result


def _seeded(data: bytes, path: Path, trusted: Sequence[Path]) -> LoadResult | None:
    """The parsed entry shipped beside ``path``, if its folder is ``trusted`` (:mod:`.seed`)."""
    if not trusted or path.parent.resolve() not in {Path(t).resolve() for t in trusted}:
        return None
    from studyapp.core.library.seed import read_seed

    return read_seed(data, path)


@dataclass(frozen=True, slots=True)
class DeckIndex:
    """What counting due cards needs from a deck file, without its card text."""

    path: str
    deck_id: str | None
    """``None`` when the file has errors."""
    title: str
    error: str | None
    """The first error, formatted, when the file has errors."""
    cards: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Each card's id and sibling names, in deck order."""
    description: str = ""
    """The deck's description (the home screen shows it)."""

    def prompt_keys(self) -> list[PromptKey]:
        deck_id = self.deck_id or ""
        return [(deck_id, card, sibling) for card, siblings in self.cards for sibling in siblings]

    def to_json(self) -> list[Any]:
        cards = [list(c) for c in self.cards]
        return [self.path, self.deck_id, self.title, self.error, cards, self.description]

    @classmethod
    def from_json(cls, data: list[Any]) -> DeckIndex:
        path, deck_id, title, error, cards, description = data
        return cls(
            path, deck_id, title, error, tuple((c[0], tuple(c[1])) for c in cards), description
        )


def index_of(result: LoadResult) -> DeckIndex:
    """The index of a load result."""
    deck = result.deck
    if deck is None:
        first = result.errors[0].format() if result.errors else "could not be loaded"
        return DeckIndex(result.path, None, result.path, first)
    cards = tuple((card.id, card.siblings) for card in deck.cards)
    return DeckIndex(result.path, deck.id, deck.title, None, cards, deck.description)


def load_index(
    paths: Sequence[Path], cache_dir: Path, *, trusted: Sequence[Path] = ()
) -> list[DeckIndex]:
    """The index of every deck file under ``paths``: like :func:`load_library`
    (same discovery, same duplicate-id errors) but reading only the small
    index cache entries when the files are unchanged."""
    out: list[DeckIndex] = []
    owners: dict[str, str] = {}
    for path in discover(paths):
        index = _index_one(path, cache_dir, trusted)
        if index.deck_id is not None and index.deck_id in owners:
            error = Diagnostic(
                index.path,
                1,
                1,
                Severity.ERROR,
                f"deck id '{index.deck_id}' is already used by {owners[index.deck_id]}",
                "duplicate-deck",
            ).format()
            index = DeckIndex(index.path, None, index.path, error)
        elif index.deck_id is not None:
            owners[index.deck_id] = index.path
        out.append(index)
    return out


def _index_one(path: Path, cache_dir: Path, trusted: Sequence[Path] = ()) -> DeckIndex:
    data = _read(path)
    if isinstance(data, LoadResult):
        return index_of(data)
    _, index_entry = _entries(data, str(path), cache_dir)
    try:
        with open(index_entry, encoding="utf-8") as handle:
            return DeckIndex.from_json(json.load(handle))
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        pass  # missing or malformed: load the file (which writes the index)
    return index_of(_load_one(path, cache_dir, trusted))


def _parse(data: bytes, name: str) -> LoadResult:
    # Imported here: a warm start (every deck cached) never needs the YAML machinery.
    from studyapp.core.library.loader import load_deck_bytes

    return load_deck_bytes(data, name)


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        # The cache is an optimisation: a read-only data dir must not stop loading.
        return


def result_to_json(result: LoadResult) -> dict[str, Any]:
    """A JSON-ready form of a load result (the cache format)."""
    deck = result.deck
    return {
        "path": result.path,
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "deck": None
        if deck is None
        else {
            "id": deck.id,
            "title": deck.title,
            "description": deck.description,
            "caveat": deck.caveat,
            "sources": [
                [
                    s.key,
                    s.title,
                    list(s.sections),
                    dict(s.references),
                    [s.line, s.col],
                    {k: list(v) for k, v in s.section_positions.items()},
                ]
                for s in deck.sources.values()
            ],
            "cards": [
                [
                    c.id,
                    c.kind,
                    c.topic,
                    c.line,
                    dict(c.data),
                    list(c.tags),
                    None
                    if c.source is None
                    else [c.source.key, c.source.section, list(c.source.refs)],
                    c.explain,
                    list(c.siblings),
                    c.positions.to_json(),
                    c.caveat,
                    c.evidence,
                ]
                for c in deck.cards
            ],
        },
    }


def result_from_json(data: dict[str, Any]) -> LoadResult:
    """Inverse of :func:`result_to_json`."""
    path = data["path"]
    raw = data["deck"]
    deck = None
    if raw is not None:
        deck = Deck(
            id=raw["id"],
            title=raw["title"],
            description=raw["description"],
            caveat=raw["caveat"],
            path=path,
            sources={s[0]: _source_from_json(s) for s in raw["sources"]},
            cards=tuple(
                Card(
                    id=c[0],
                    kind=c[1],
                    topic=c[2],
                    line=c[3],
                    data=c[4],
                    tags=tuple(c[5]),
                    source=None if c[6] is None else Citation(c[6][0], c[6][1], tuple(c[6][2])),
                    explain=c[7],
                    siblings=tuple(c[8]),
                    positions=Positions(c[9]),
                    caveat=c[10],
                    evidence=c[11],
                )
                for c in raw["cards"]
            ),
        )
    return LoadResult(path, deck, tuple(Diagnostic.from_dict(d) for d in data["diagnostics"]))


def _source_from_json(s: list[Any]) -> Source:
    key, title, sections, references, (line, col), section_positions = s
    positions = {k: (v[0], v[1]) for k, v in section_positions.items()}
    return Source(key, title, tuple(sections), references, line, col, positions)
