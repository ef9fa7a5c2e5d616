"""Deck discovery, the library and its content-keyed cache."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from studyapp.core import library
from studyapp.core.deck.model import Severity
from studyapp.core.library import (
    Library,
    discover,
    load_library,
    result_from_json,
    result_to_json,
)
from studyapp.core.library.loader import LoadResult, load_deck_file

BUNDLED = Path(__file__).resolve().parents[2] / "decks"


def deck_text(deck_id: str, *cards: str, sources: bool = False) -> str:
    header = f"deck: {deck_id}\ntitle: {deck_id.title()} deck\n"
    if sources:
        header += "sources:\n  g: {title: G, sections: [S], references: {1: one}}\n"
    body = "".join(
        f"  - {{id: {c}, topic: t, question: 'Q {c}?', answer: 'A {c}'}}\n" for c in cards
    )
    return header + "cards:\n" + body


def good_deck(deck_id: str, count: int) -> str:
    return deck_text(deck_id, *(f"c{i}" for i in range(count)))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cache_entries(cache: Path) -> list[Path]:
    """The full cache entries (each has a small ``.index.json`` companion)."""
    return sorted(p for p in cache.glob("*.json") if not p.name.endswith(".index.json"))


# ------------------------------------------------------------------ discover


def test_discover_recurses_sorts_and_filters(tmp_path: Path) -> None:
    write(tmp_path / "b.yaml", "x")
    write(tmp_path / "a.yml", "x")
    write(tmp_path / "notes.txt", "x")
    write(tmp_path / "README.md", "x")
    write(tmp_path / "sub" / "deeper" / "c.yaml", "x")
    write(tmp_path / "sub" / "d.YAML.bak", "x")
    (tmp_path / "folder.yaml").mkdir()
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.yml",
        "b.yaml",
        "sub/deeper/c.yaml",
    ]


def test_discover_removes_duplicates_keeping_the_first(tmp_path: Path) -> None:
    a = write(tmp_path / "decks" / "a.yaml", "x")
    b = write(tmp_path / "decks" / "b.yaml", "x")
    link = tmp_path / "link.yaml"
    link.symlink_to(b)
    found = discover([a, tmp_path / "decks", tmp_path / "decks" / ".." / "decks" / "a.yaml", link])
    assert found == [a, b]


def test_discover_takes_files_as_given(tmp_path: Path) -> None:
    odd = write(tmp_path / "deck.txt", "x")
    missing = tmp_path / "missing.yaml"
    assert discover([odd, missing]) == [odd, missing]


def test_discover_expands_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    deck = write(tmp_path / "mine" / "x.yaml", "x")
    assert [p.resolve() for p in discover([Path("~/mine")])] == [deck.resolve()]


def test_discover_of_an_empty_folder(tmp_path: Path) -> None:
    assert discover([tmp_path]) == []
    assert load_library([tmp_path]) == Library(())


# --------------------------------------------------------------- load_library


def test_broken_deck_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", deck_text("alpha", "a1", "a2"))
    write(tmp_path / "b.yaml", "deck: beta\ntitle: [broken\n")
    write(tmp_path / "c.yaml", deck_text("gamma", "g1"))
    lib = load_library([tmp_path])
    assert [Path(r.path).name for r in lib.results] == ["a.yaml", "b.yaml", "c.yaml"]
    assert [d.id for d in lib.decks] == ["alpha", "gamma"]
    broken = lib.results[1]
    assert broken.deck is None
    assert [(d.line, d.rule) for d in broken.diagnostics] == [(2, "yaml")]  # the unclosed [
    gamma = lib.deck("gamma")
    assert gamma is not None
    assert [c.id for c in gamma.cards] == ["g1"]
    assert lib.deck("beta") is None


def test_duplicate_deck_id_is_an_error_on_the_second_file(tmp_path: Path) -> None:
    first = write(tmp_path / "1-first.yaml", deck_text("same", "a"))
    second = write(tmp_path / "2-second.yaml", deck_text("same", "b"))
    lib = load_library([tmp_path])
    assert lib.results[0].diagnostics == ()
    assert lib.results[0].deck is not None
    result = lib.results[1]
    assert result.deck is None
    assert [d.format() for d in result.diagnostics] == [
        f"{second}:1:1: error: deck id 'same' is already used by {first} [duplicate-deck]"
    ]
    assert [d.id for d in lib.decks] == ["same"]
    assert lib.deck("same") is lib.results[0].deck


def test_duplicate_deck_id_keeps_the_second_files_own_warnings(tmp_path: Path) -> None:
    write(tmp_path / "1.yaml", deck_text("same", "a"))
    write(tmp_path / "2.yaml", deck_text("same", "b", sources=True))
    result = load_library([tmp_path]).results[1]
    assert [(d.severity, d.rule) for d in result.diagnostics] == [
        (Severity.ERROR, "duplicate-deck"),
        (Severity.WARNING, "missing-source"),
    ]


def test_a_broken_deck_does_not_claim_its_id(tmp_path: Path) -> None:
    write(tmp_path / "1.yaml", deck_text("same", "a").replace("answer: 'A a'", "answer: yes"))
    write(tmp_path / "2.yaml", deck_text("same", "b"))
    lib = load_library([tmp_path])
    assert lib.results[0].deck is None
    assert lib.results[1].deck is not None
    assert [d.id for d in lib.decks] == ["same"]


def test_missing_file_is_an_io_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    (result,) = load_library([missing]).results
    assert [d.format() for d in result.diagnostics] == [
        f"{missing}:1:1: error: cannot read file: No such file or directory [io]"
    ]


def test_library_matches_the_plain_loader(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yaml", deck_text("alpha", "x", sources=True))
    assert load_library([path]).results == (load_deck_file(path),)


def test_bundled_decks_load_cleanly() -> None:
    lib = load_library([BUNDLED])
    assert [r.diagnostics for r in lib.results] == [(), ()]
    assert [d.id for d in lib.decks] == ["pharm-calculations", "selank"]


# --------------------------------------------------------------------- cache


def test_warm_load_comes_from_the_cache_and_is_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks, cache = tmp_path / "decks", tmp_path / "cache"
    write(decks / "a.yaml", deck_text("alpha", "a1", "a2", sources=True))
    write(decks / "b.yaml", "deck: beta\ntitle: [broken\n")
    write(decks / "bundled.yaml", (BUNDLED / "selank.yaml").read_text(encoding="utf-8"))
    write(
        decks / "kinds.yaml",
        "deck: kinds\ntitle: K\ncards:\n"
        "  - {id: r, kind: reversible, topic: t, front: F, back: B, tags: [x, y]}\n"
        "  - {id: c, kind: cloze, topic: t, text: '{{a}} {{b::h}}', explain: E,\n"
        "     evidence: animal}\n",
    )
    cold = load_library([decks], cache_dir=cache)
    assert len(cache_entries(cache)) == 4

    def fail(*args: object) -> LoadResult:
        raise AssertionError("the warm load parsed a file")

    monkeypatch.setattr(library, "_parse", fail)
    warm = load_library([decks], cache_dir=cache)
    assert warm == cold
    assert [len(r.diagnostics) for r in warm.results] == [2, 1, 0, 0]
    kinds = warm.results[3].deck
    assert kinds is not None and kinds.cards[1].evidence == "animal"
    monkeypatch.undo()
    assert warm == load_library([decks])


def test_cache_is_invalidated_when_the_bytes_change(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write(tmp_path / "a.yaml", deck_text("alpha", "a1"))
    first = load_library([path], cache_dir=cache)
    assert [c.id for c in first.decks[0].cards] == ["a1"]
    write(path, deck_text("alpha", "a1", "a2"))
    second = load_library([path], cache_dir=cache)
    assert [c.id for c in second.decks[0].cards] == ["a1", "a2"]
    assert len(cache_entries(cache)) == 2
    # A one-byte change is enough, even with the same size and modification time.
    stat = path.stat()
    path.write_text(deck_text("alpha", "a1", "a3"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    third = load_library([path], cache_dir=cache)
    assert [c.id for c in third.decks[0].cards] == ["a1", "a3"]


def test_cache_entries_are_per_path(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    text = deck_text("alpha", "a1")
    a = write(tmp_path / "a" / "deck.yaml", text)
    b = write(tmp_path / "b" / "deck.yaml", text)
    load_library([a], cache_dir=cache)
    (result,) = load_library([b], cache_dir=cache).results
    assert result.path == str(b)
    assert result.deck is not None
    assert result.deck.path == str(b)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not json",
        '{"path": "x"',
        "[]",
        "null",
        '{"path": "x"}',
        '{"path": "x", "deck": null, "diagnostics": [{"path": "x"}]}',
        '{"path": "x", "deck": null, "diagnostics": [{"path": "x", "line": 1, "col": 1, '
        '"severity": "fatal", "message": "m"}]}',
        '{"path": "x", "deck": {"id": "a", "title": "t", "description": "", "sources": [], '
        '"cards": [["short"]]}, "diagnostics": []}',
        '{"path": "x", "deck": {"id": "a", "title": "t", "description": "", "sources": [[1]], '
        '"cards": []}, "diagnostics": []}',
        '{"path": "x", "deck": 5, "diagnostics": []}',
        '{"path": "x", "deck": null, "diagnostics": 7}',
    ],
)
def test_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path: Path, garbage: str) -> None:
    cache = tmp_path / "cache"
    path = write(tmp_path / "a.yaml", deck_text("alpha", "a1"))
    expected = load_library([path], cache_dir=cache)
    (entry,) = cache_entries(cache)
    entry.write_text(garbage, encoding="utf-8")
    assert load_library([path], cache_dir=cache) == expected
    assert result_from_json(json.loads(entry.read_text(encoding="utf-8"))) == expected.results[0]


def test_unwritable_cache_does_not_stop_loading(tmp_path: Path) -> None:
    blocker = write(tmp_path / "cache", "a file where the cache folder should be")
    path = write(tmp_path / "a.yaml", deck_text("alpha", "a1"))
    lib = load_library([path], cache_dir=blocker / "decks")
    assert [d.id for d in lib.decks] == ["alpha"]


def test_duplicate_deck_error_is_not_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = write(tmp_path / "1.yaml", deck_text("same", "a"))
    second = write(tmp_path / "2.yaml", deck_text("same", "b"))
    load_library([tmp_path], cache_dir=cache)
    # Alone, the second file is fine: the error depends on the other file.
    (alone,) = load_library([second], cache_dir=cache).results
    assert alone.diagnostics == ()
    assert alone.deck is not None
    assert first.exists()


def test_json_round_trip_of_a_load_result(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yaml", deck_text("alpha", "a1", sources=True))
    result = load_deck_file(path)
    data = json.loads(json.dumps(result_to_json(result)))
    assert result_from_json(data) == result


# ------------------------------------------------------------------ index


def test_index_matches_the_library_and_a_warm_index_reads_no_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    write(decks / "a.yaml", good_deck("a", 3))
    write(decks / "b.yaml", good_deck("b", 2))
    write(decks / "broken.yaml", "deck: x\ntitle: T\ncards: []\nextra: 1\n")
    cache = tmp_path / "cache"
    full = load_library([decks], cache_dir=cache)
    expected = [library.index_of(r) for r in full.results]

    def fail(*_args: object) -> object:
        raise AssertionError("a warm index must not load decks or full cache entries")

    monkeypatch.setattr(library, "_parse", fail)
    monkeypatch.setattr(library, "result_from_json", fail)
    indexes = library.load_index([decks], cache)
    assert indexes == expected
    assert [i.deck_id for i in indexes] == ["a", "b", None]
    assert indexes[2].error is not None and "'cards' is empty" in indexes[2].error
    assert indexes[0].prompt_keys() == [("a", f"c{i}", "main") for i in range(3)]


def test_index_follows_edits_and_reports_duplicate_deck_ids(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    write(decks / "a.yaml", good_deck("a", 1))
    cache = tmp_path / "cache"
    assert len(library.load_index([decks], cache)[0].cards) == 1
    write(decks / "a.yaml", good_deck("a", 4))
    assert len(library.load_index([decks], cache)[0].cards) == 4
    write(decks / "z.yaml", good_deck("a", 1))
    (first, second) = library.load_index([decks], cache)
    assert first.deck_id == "a" and second.deck_id is None
    assert second.error is not None and "already used by" in second.error


def test_an_opened_library_loads_a_deck_when_asked_and_equals_the_loaded_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = tmp_path / "decks"
    write(decks / "a.yaml", good_deck("a", 3))
    write(decks / "b.yaml", good_deck("b", 2))
    write(decks / "broken.yaml", "deck: x\ntitle: T\ncards: []\nextra: 1\n")
    write(decks / "c.yaml", good_deck("a", 1))  # a duplicate id: an error on the later file
    cache = tmp_path / "cache"
    full = load_library([decks], cache_dir=cache)
    loaded: list[str] = []
    read = library._load_one

    def counting(path: Path, *rest: Any) -> LoadResult:
        loaded.append(path.name)
        return read(path, *rest)

    monkeypatch.setattr(library, "_load_one", counting)
    opened = library.open_library([decks], cache)
    assert opened.indexes == full.indexes
    assert [i.description for i in opened.indexes] == ["", "", "", ""]
    assert loaded == []
    deck = opened.deck("b")
    assert deck is not None and [c.id for c in deck.cards] == ["c0", "c1"]
    assert opened.deck("b") is deck and loaded == ["b.yaml"]
    assert opened.deck("x") is None and loaded == ["b.yaml"]
    assert opened.results == full.results  # the duplicate and the broken file included
    assert opened == full
    assert "already used by" in opened.results[3].errors[0].message
    assert sorted(loaded) == ["a.yaml", "b.yaml", "broken.yaml", "c.yaml"]


def test_the_index_carries_the_deck_description(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    card = "  - {id: c0, topic: t, question: 'Q?', answer: 'A'}\n"
    write(decks / "a.yaml", f"deck: a\ntitle: A\ndescription: About A.\ncards:\n{card}")
    (index,) = library.load_index([decks], tmp_path / "cache")
    assert (index.deck_id, index.description) == ("a", "About A.")


def test_an_opened_library_s_repr_loads_nothing(tmp_path: Path) -> None:
    write(tmp_path / "decks" / "a.yaml", good_deck("a", 1))
    opened = library.open_library([tmp_path / "decks"], tmp_path / "cache")
    assert repr(opened) == "<Library: 1 deck files, 0 loaded>"
    opened.deck("a")
    assert repr(opened) == "<Library: 1 deck files, 1 loaded>"
