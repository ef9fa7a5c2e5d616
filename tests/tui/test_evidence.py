"""Pilot tests: a card's evidence level is shown after the answer (review, browse, search)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from studyapp.tui.app import StudyApp
from tests.tui.test_app import static, study_first_deck
from tests.tui.test_browse import detail, open_browse, search

SIZE = (100, 30)

LEVELS_DECK = """\
deck: levels
title: Evidence levels
cards:
  - id: rat-bdnf
    topic: mechanism
    question: In which animal was the BDNF rise measured?
    answer: The rat
    explain: A single intranasal study.
    evidence: animal
  - id: gaba-t
    topic: mechanism
    question: Which enzyme is the peptide said to inhibit?
    answer: GABA transaminase
    evidence: unreferenced-claim
  - id: spray
    kind: truefalse
    topic: regulatory
    statement: The spray is registered in Russia.
    answer: true
    explain: It has a registration number.
    evidence: regulatory
"""


@pytest.fixture
def levels(make_app: Callable[..., StudyApp], tmp_path: Path) -> StudyApp:
    """The app on a deck of three cards with evidence levels (and the tiny deck's store)."""
    folder = tmp_path / "levels"
    folder.mkdir()
    (folder / "levels.yaml").write_text(LEVELS_DECK, encoding="utf-8")
    return make_app(folder)


async def test_review_shows_the_evidence_level_after_the_answer_only(levels: StudyApp) -> None:
    app = levels
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        assert not screen.query_one("#explain").display  # not before the answer
        await pilot.press("space")
        assert screen.query_one("#explain").display
        assert static(app, "#explain") == (
            "Why: A single intranasal study.\n"
            "Evidence: animal: studies in living animals (rats, mice)"
        )
        await pilot.press("3")
        await pilot.pause()
        assert not screen.query_one("#explain").display
        await pilot.press("space")  # a card with a level and no explain still shows it
        assert screen.query_one("#explain").display
        assert static(app, "#explain") == (
            "Evidence: unreferenced-claim: stated by the source with no study or reference given"
        )


async def test_a_graded_answer_shows_the_level_and_not_the_explain_twice(levels: StudyApp) -> None:
    app = levels
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        await pilot.press("space", "3", "space", "3")  # to the true/false card
        await pilot.pause()
        assert screen.session.current is not None
        assert screen.session.current.card.id == "spray"
        await pilot.press("1")  # 1: True
        await pilot.pause()
        assert screen.grade is not None and screen.grade.correct
        assert "It has a registration number." in screen.grade.feedback
        assert static(app, "#explain") == (
            "Evidence: regulatory: an official record: registration, approval, scheduling, "
            "a product's label"
        )


async def test_browse_shows_the_level_and_searches_by_it(levels: StudyApp) -> None:
    app = levels
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(app, pilot)
        assert "Evidence: animal: studies in living animals (rats, mice)" in detail(app)
        assert await search(app, pilot, "evidence:unreferenced-claim") == ["gaba-t"]
        assert await search(app, pilot, "-evidence:animal topic:mechanism") == ["gaba-t"]
        assert await search(app, pilot, "evidence:clinical") == []
