"""The instructor's class screen (`studyapp class`): the report's tables and
topic plot at 80x24, and enter / escape drilling topic -> cards -> answers."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static

from studyapp.tui.screens.class_report import ClassApp, ClassScreen
from tests.unit.class_sample import sample_report


def cells(app: ClassApp) -> list[list[str]]:
    table = app.screen.query_one("#class-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_drilling_from_a_topic_to_its_cards_to_a_cards_answers() -> None:
    app = ClassApp(sample_report())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ClassScreen)
        assert [row[1] for row in cells(app)] == ["dosing", "mechanism", "safety"]
        await pilot.press("enter")
        where = app.screen.query_one("#class-where", Static)
        assert "pharm / dosing" in str(where.render())
        assert cells(app)[0][:4] == ["c7/main", "choice", "5", "44%"]
        await pilot.press("enter")
        assert cells(app) == [["Dose 207 mg", "9", "4"]]
        await pilot.press("escape")
        assert cells(app)[0][0] == "c7/main"
        await pilot.press("down", "enter")
        assert cells(app) == [['typed "atropine"', "4", "2"]]
        await pilot.press("escape", "escape")
        assert [row[1] for row in cells(app)] == ["dosing", "mechanism", "safety"]
        await pilot.press("q")
    assert app.return_code == 0


def test_the_class_screen_80x24(snap_compare: Any) -> None:
    assert snap_compare(ClassApp(sample_report()), terminal_size=(80, 24))
