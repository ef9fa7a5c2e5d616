"""A snapshot of each objective kind in the review screen, graded."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from studyapp.tui.app import StudyApp
from studyapp.tui.screens.review import ReviewScreen

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "objective.yaml"
SIZE = (100, 34)


@pytest.fixture
def objective_app(deck_dir: Path, make_app: Callable[..., StudyApp]) -> StudyApp:
    folder = Path("objective")  # relative to the test's working directory
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "objective.yaml")
    return make_app(folder)


def to_card(card_id: str, keys: tuple[str, ...] = (), typed: str | None = None):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        while screen.session.current is not None and screen.session.current.card.id != card_id:
            screen.action_suspend()
            await pilot.pause()
        pilot.app.clear_notifications()  # the skipped cards' notices would cover the card
        await pilot.pause()
        if typed is not None:
            screen.query_one(Input).value = typed
            await pilot.press("enter")
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run_before


CASES = {
    "choice_wrong": to_card("gaba-enzyme", ("3",)),
    "select_partial": to_card("cytokines-down", ("1", "enter")),
    "truefalse": to_card("wada", ("1",)),
    "ordering_unanswered": to_card("cascade"),
    "matching_graded": to_card("pairs", ("1", "2", "3", "enter")),
    "typed_almost": to_card("gaba-t", typed="GABA transaminse"),
    "numeric_syringe": to_card("recon", typed="0.1 mL"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_objective_kind(case: str, objective_app: StudyApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(objective_app, terminal_size=SIZE, run_before=CASES[case])


INFUSION = Path(__file__).resolve().parent / "fixtures" / "infusion.yaml"


def test_a_generated_infusion_rate_card_with_its_worked_solution(  # type: ignore[no-untyped-def]
    deck_dir: Path, make_app: Callable[..., StudyApp], snap_compare
) -> None:
    # A templated card (infusion-rate-weight), its numbers drawn by the app's seeded RNG,
    # answered right in other units (mL/min): the solution shows every step.
    folder = Path("infusion")
    folder.mkdir()
    shutil.copy(INFUSION, folder / "infusion.yaml")

    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen) and screen.question is not None
        values = screen.question.values
        rate = values["dose"] * values["weight"] * 60 / 1000 * values["bag_ml"] / values["drug_mg"]
        screen.query_one(Input).value = f"{rate / 60:.4f} mL/min"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(folder), terminal_size=SIZE, run_before=run_before)
