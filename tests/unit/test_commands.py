"""The command modules in studyapp/commands: discovery and the lazy parser."""

from __future__ import annotations

import pytest

from studyapp import cli
from studyapp.commands import discover


def test_every_command_module_has_the_interface() -> None:
    commands = discover()
    assert {"export", "import", "new", "optimize", "plan", "preview", "schema", "stats"} <= set(
        commands
    )
    assert not set(commands) & set(cli.BUILTIN)
    for name, command in commands.items():
        assert command.name == name
        assert command.help and command.help[0].islower()
        assert callable(command.configure) and callable(command.run)


@pytest.mark.parametrize(
    ("argv", "discovered"),
    [
        (["due"], False),
        (["--decks", "stats", "check"], False),  # "stats" is the value of --decks
        (["--data-dir", "d", "exam", "--history"], False),
        ([], False),  # the study app
        (["--version"], False),
        (["--help"], True),
        (["--decks=d", "stats", "--json"], True),
        (["--data-dir", "d", "export", "-o", "x.apkg"], True),
        (["no-such-command"], True),  # so the error lists every command
    ],
)
def test_command_modules_are_imported_only_when_needed(argv: list[str], discovered: bool) -> None:
    assert bool(cli._commands_needed(argv)) is discovered


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
