"""What `studyapp` loads before the home screen shows: only what home needs.

A fresh interpreter runs the real entry point (``studyapp.cli.main``, no arguments,
the bundled decks) headless until the home screen is up, and reports the modules
imported by then. Screens not shown yet, the YAML parser (the deck cache is warm on the
second start), the unit library, the scheduler, the class server's driver and the
exporters are all imported later, when they are used.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from textual.app import App
    from studyapp import cli

    run = App.run
    shown = {}

    def headless(self, *args, **kwargs):
        async def home_then_quit(pilot):
            await pilot.pause()
            shown["screen"] = type(pilot.app.screen).__name__
            shown["modules"] = sorted(sys.modules)
            pilot.app.exit()

        return run(self, headless=True, auto_pilot=home_then_quit, size=(100, 30))

    App.run = headless
    code = cli.main([])
    print(json.dumps({"code": code, **shown}))
    """
)

NOT_BEFORE_HOME = (
    "yaml",  # decks come from the cache (or, on a first start, the bundled decks' entries)
    "studyapp.core.library.loader",
    "studyapp.core.deck.yamlsafe",
    "pint",
    "fsrs",
    "psycopg",
    "genanki",
    "plotext",
    "textual_plotext",
    "rapidfuzz",
    "studyapp.core.study.session",  # a session is built when a deck is opened
    "studyapp.core.study.quiz",
    "studyapp.core.kinds.grading",
    "studyapp.core.kinds.units",
    "studyapp.app.plan_service",
    "studyapp.core.study.planning",
    "studyapp.core.study.exam",
    "studyapp.core.kinds.answers",
    "studyapp.server",
    "studyapp.interchange",
    "studyapp.render",
    "studyapp.tui.screens.review",
    "studyapp.tui.screens.stats",
    "studyapp.tui.screens.browse",
    "studyapp.tui.screens.exam",
    "studyapp.tui.screens.exam_setup",
    "studyapp.tui.screens.plan",
    "studyapp.tui.screens.class_report",
    "studyapp.tui.screens.help",
    "studyapp.tui.screens.summary",
    "studyapp.tui.widgets.answers",
)


def start_to_home(cwd: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "100", "LINES": "30"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return data


def test_the_home_screen_comes_up_without_what_it_does_not_show(tmp_path: Path) -> None:
    # The first start (a new data folder, an empty deck cache: the bundled decks' shipped
    # parsed entries stand in for parsing them), then a start with the cache filled.
    for start in ("first", "second"):
        shown = start_to_home(tmp_path)
        assert (shown["code"], shown["screen"]) == (0, "HomeScreen")
        modules = shown["modules"]
        assert isinstance(modules, list)
        loaded = sorted(
            name
            for name in NOT_BEFORE_HOME
            if any(m == name or m.startswith(f"{name}.") for m in modules)
        )
        assert loaded == [], start
        commands = [m for m in modules if m.startswith("studyapp.commands.")]
        assert commands == []  # the entry parses no command's options for the study app


def test_the_list_names_modules_that_exist() -> None:
    # A typo in NOT_BEFORE_HOME would make its check pass vacuously.
    missing = [name for name in NOT_BEFORE_HOME if importlib.util.find_spec(name) is None]
    assert missing == []
