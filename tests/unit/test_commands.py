"""The command modules in studyapp/commands: discovery and the lazy parser."""

from __future__ import annotations

import pytest

from studyapp import cli
from studyapp.commands import FIRST, discover

EVERY = set(discover())


def test_every_command_module_has_the_interface() -> None:
    commands = discover()
    assert {"export", "import", "new", "optimize", "plan", "preview", "schema", "stats"} <= set(
        commands
    )
    assert set(FIRST) <= set(commands)  # the commands once written into cli.py are modules too
    assert list(commands)[: len(FIRST)] == list(FIRST)  # and --help still lists them first
    for name, command in commands.items():
        assert command.name == name
        assert command.help and command.help[0].islower()
        assert callable(command.configure) and callable(command.run)


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        (["due"], {"due"}),
        (["--decks", "stats", "check"], {"check"}),  # "stats" is the value of --decks
        (["--data-dir", "d", "exam", "--history"], {"exam"}),
        ([], set()),  # the study app
        (["--version"], set()),
        (["--help"], EVERY),
        (["--decks=d", "stats", "--json"], {"stats"}),
        (["--data-dir", "d", "export", "-o", "x.apkg"], {"export"}),
        (["try", "deck", "card", "answer"], {"try"}),  # its module is try_answer
        (["no-such-command"], EVERY),  # so the error lists every command
        (["no.such.command"], EVERY),
    ],
)
def test_command_modules_are_imported_only_when_needed(argv: list[str], needed: set[str]) -> None:
    assert set(cli._commands_needed(argv)) == needed


def test_help_lists_builtin_and_module_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    shown = capsys.readouterr().out
    for name in ("check", "due", "exam", "export", "stats", "plan", "optimize", "new"):
        assert f"\n    {name} " in shown or f"\n    {name}\n" in shown


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["no-such-command"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'no-such-command'" in capsys.readouterr().err
