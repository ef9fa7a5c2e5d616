"""Live reload without Textual: file stamps, what changed, last good decks,
and a study session swapping in reloaded decks."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from studyapp.core.deck.model import Card
from studyapp.core.library import load_library
from studyapp.core.library.reload import (
    changed_paths,
    merge_decks,
    new_errors,
    new_warnings,
    stamps,
)
from studyapp.core.study.session import StudySession
from studyapp.store import Store
from tests.conftest import FakeClock
from tests.unit.test_session import POLICY, basic, make_deck, reversible

DECK = "deck: d\ntitle: D\ncards:\n  - id: a\n    topic: t\n    question: Q\n    answer: A\n"


def test_stamps_and_changes(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(DECK, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a deck", encoding="utf-8")
    before = stamps([tmp_path])
    assert list(before) == [str(one)]
    assert changed_paths(before, stamps([tmp_path])) == []
    os.utime(one, ns=(1, 1))
    two = tmp_path / "sub" / "two.yml"
    two.parent.mkdir()
    two.write_text(DECK.replace("deck: d", "deck: e"), encoding="utf-8")
    after = stamps([tmp_path])
    assert changed_paths(before, after) == sorted([str(one), str(two)])
    one.unlink()
    assert changed_paths(after, stamps([tmp_path])) == [str(one)]


def test_new_errors_name_the_file_and_first_error(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    bad = tmp_path / "bad.yaml"
    good.write_text(DECK, encoding="utf-8")
    bad.write_text(DECK.replace("deck: d", "deck: e").replace("topic: t", "topik: t"), "utf-8")
    library = load_library([tmp_path])
    errors = new_errors(library, [str(bad), str(good)])
    assert [e.path for e in errors] == [str(bad)]
    message = errors[0].message()
    assert message == (
        f"{bad}:4:5: error: basic card is missing required key 'topic' [missing-key] (and 1 more)"
    )
    assert new_errors(library, [str(good)]) == []


def test_new_warnings_are_the_changed_decks_lint_and_loader_warnings(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.yaml"
    other = tmp_path / "other.yaml"
    leaky.write_text(
        DECK.replace("question: Q", "question: Is the answer Aspirin?").replace(
            "answer: A", "answer: Aspirin"
        ),
        encoding="utf-8",
    )
    other.write_text(
        DECK.replace("deck: d", "deck: e")
        .replace("question: Q", "question: Is it Aspirin?")
        .replace("answer: A", "answer: Aspirin"),
        encoding="utf-8",
    )
    library = load_library([tmp_path])
    warnings = new_warnings(library, [str(leaky)])
    assert [(w.path, w.line, w.rule) for w in warnings] == [(str(leaky), 6, "answer-in-question")]
    assert warnings[0].format().startswith(f"{leaky}:6:15: warning: ")
    # Another deck's warnings, and broken files, are not this save's.
    assert [w.path for w in new_warnings(library, [str(other)])] == [str(other)]
    leaky.write_text("deck: d\ncards: [", encoding="utf-8")
    assert new_warnings(load_library([tmp_path]), [str(leaky)]) == []


def test_merge_keeps_the_last_good_version(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DECK, encoding="utf-8")
    held = load_library([tmp_path]).decks
    path.write_text(DECK.replace("question: Q", "question: Q2"), encoding="utf-8")
    merged = merge_decks(held, load_library([tmp_path]))
    assert merged[0].cards[0].data["question"] == "Q2"
    path.write_text("deck: d\ncards: [", encoding="utf-8")
    assert merge_decks(merged, load_library([tmp_path])) == merged


def test_session_update_keeps_queue_counts_and_current(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [basic("a"), basic("b"), reversible("r")])
    session = StudySession([deck], store, POLICY, clock)
    assert session.current is not None and session.current.card.id == "a"
    session.answer(3, 1000)  # a goes to learning; b is current
    assert session.current is not None and session.current.card.id == "b"
    before = session.counts()
    edited = Card("b", "basic", "topic", 9, {"question": "New Q b?", "answer": "A b"})
    session.update_decks([make_deck("d", [basic("a"), edited, reversible("r")])])
    assert session.current is not None and session.current.card == edited
    assert session.counts() == before
    assert session.summary.studied == 1
    # Undo still works, and brings back the reloaded card.
    session.answer(3, 1000)
    assert session.undo() is not None
    assert session.current is not None and session.current.card == edited


def test_session_update_skips_deleted_and_adds_new_cards(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [basic("a"), basic("b")])
    session = StudySession([deck], store, POLICY, clock)
    assert session.current is not None and session.current.card.id == "a"
    session.update_decks([make_deck("d", [basic("b"), basic("c")])])
    assert session.current is not None and session.current.card.id == "b"
    assert session.counts().new == 2
    session.answer(4, 1000)
    session.answer(4, 1000)
    assert session.current is None


def test_session_update_keeps_a_deck_missing_from_the_reload(
    store: Store, clock: FakeClock
) -> None:
    deck = make_deck("d", [basic("a")])
    session = StudySession([deck], store, POLICY, clock)
    session.update_decks([])  # the deck failed to load: study the version held
    assert session.decks == [deck]
    assert session.current is not None and session.current.card.id == "a"


def test_focus_session_update_keeps_its_order(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [basic("a"), basic("b"), basic("c")])
    focus = [("d", "c", "main"), ("d", "a", "main")]
    session = StudySession([deck], store, POLICY, clock, focus=focus)
    assert session.current is not None and session.current.card.id == "c"
    changed = replace(basic("a"), data={"question": "changed", "answer": "A a"})
    session.update_decks([make_deck("d", [changed, basic("b")])])  # c deleted
    assert session.current is not None and session.current.card == changed
    session.answer(3, 1000)
    assert session.current is None
