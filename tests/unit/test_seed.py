"""The parsed entries shipped beside the bundled decks (core/library/seed.py): a new data
folder starts without parsing them, and only a trusted folder's entries are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.app.config import load_settings, resolve_paths
from studyapp.app.services import open_decks
from studyapp.core import library
from studyapp.core.deck.model import LoadResult
from studyapp.core.library import load_library
from studyapp.core.library.loader import load_deck_file
from studyapp.core.library.seed import SEED_FOLDER, read_seed, seed_path, write_seeds
from tests.conftest import BUNDLED_DECKS

DECK = """\
deck: d
title: D
cards:
  - {id: c1, topic: t, question: "Q?", answer: "A"}
"""


def test_every_bundled_deck_ships_its_current_parsed_entry() -> None:
    """Fails when a bundled deck was edited without regenerating its entry:
    ``python -m studyapp.core.library.seed decks``."""
    decks = sorted(BUNDLED_DECKS.glob("*.yaml"))
    assert decks
    for path in decks:
        assert read_seed(path.read_bytes(), path) == load_deck_file(path), path.name
    wanted = {seed_path(path.read_bytes(), path).name for path in decks}
    assert {p.name for p in (BUNDLED_DECKS / SEED_FOLDER).iterdir()} == wanted  # none stale


def fail_to_parse(*_args: object) -> LoadResult:
    raise AssertionError("parsed")


def test_a_trusted_folder_s_entry_stands_in_for_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "d.yaml").write_text(DECK, encoding="utf-8")
    assert [p.parent.name for p in write_seeds(folder)] == [SEED_FOLDER]
    expected = load_library([folder])
    monkeypatch.setattr(library, "_parse", fail_to_parse)
    seeded = load_library([folder], tmp_path / "cache", trusted=[folder])
    assert seeded == expected
    deck = seeded.deck("d")
    assert deck is not None and deck.path == str(folder / "d.yaml")
    with pytest.raises(AssertionError, match="parsed"):  # not trusted: parsed
        load_library([folder], tmp_path / "other-cache")


def test_an_entry_that_no_longer_matches_its_deck_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    deck = folder / "d.yaml"
    deck.write_text(DECK, encoding="utf-8")
    write_seeds(folder)
    deck.write_text(DECK.replace("title: D", "title: Edited"), encoding="utf-8")
    loaded = load_library([folder], tmp_path / "cache", trusted=[folder]).deck("d")
    assert loaded is not None and loaded.title == "Edited"
    write_seeds(folder)  # the old entry goes
    assert len(list((folder / SEED_FOLDER).iterdir())) == 1


def test_the_app_opens_the_bundled_decks_in_a_new_data_folder_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library, "_parse", fail_to_parse)
    paths = resolve_paths(tmp_path / "home")
    opened = open_decks(paths, load_settings(paths))
    titles = [index.title for index in opened.indexes]
    assert len(titles) == len(list(BUNDLED_DECKS.glob("*.yaml"))) and all(titles)
    assert all(deck.cards for deck in opened.decks)
