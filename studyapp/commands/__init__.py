"""The ``studyapp`` commands, one module each.

Each module in this package (other than the private ``_`` ones) is one
``studyapp`` command. It defines:

``NAME``
    the command name (``studyapp NAME``);
``HELP``
    the one-line help shown by ``studyapp --help``;
``configure(parser)``
    adds the command's arguments to its ``argparse`` parser;
``run(args, paths, settings) -> int``
    runs the command and returns the exit code;
``EXCLUSIVE`` (optional, default false)
    true for a command that rewrites card states: it runs holding the data
    folder's lock (:mod:`studyapp.app.lock`) and refuses while the study app
    (or another such command) holds it.

The module's docstring is the command's description in ``studyapp COMMAND
--help``. Command modules are imported to build the parser (only the one
named when a command is run, every one for ``studyapp --help``), so they must
stay cheap at import time: import heavy modules (Textual, sqlite3, exporters)
inside ``run``. Only ``exam`` (and ``studyapp`` with no command) starts the
study app, and ``class`` opens the class screen; no other command imports
Textual. A command named like a group (``class``) parses the group's
commands as its subcommands. The ``--decks`` and
``--data-dir`` options are added by :mod:`studyapp.cli`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

__all__ = ["Command", "discover", "fail", "find"]

FIRST = ("check", "due", "rebuild", "suspend", "unsuspend", "exam")
"""Listed first by ``studyapp --help`` (checking decks, daily study); the rest by name."""


@dataclass(frozen=True)
class Command:
    """One subcommand module, checked for the interface above."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Paths, Settings], int]
    description: str | None = None
    exclusive: bool = False

    @classmethod
    def of(cls, module: ModuleType) -> Command:
        return cls(
            name=module.NAME,
            help=module.HELP,
            configure=module.configure,
            run=module.run,
            description=(module.__doc__ or "").strip() or None,
            exclusive=bool(getattr(module, "EXCLUSIVE", False)),
        )


def discover() -> dict[str, Command]:
    """Every command module in this package, by command name, :data:`FIRST` first."""
    commands = [
        Command.of(importlib.import_module(f"{__name__}.{info.name}"))
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    order = {name: position for position, name in enumerate(FIRST)}
    commands.sort(key=lambda c: (order.get(c.name, len(FIRST)), c.name))
    return {command.name: command for command in commands}


def find(name: str) -> Command | None:
    """The command called ``name`` (``None``: there is none).

    Only its module is imported when the module is named after the command
    (``import-reviews`` in ``import_reviews``); the others are found by
    :func:`discover`.
    """
    stem = name.replace("-", "_")
    if stem.isidentifier() and not stem.startswith("_"):
        module_name = f"{__name__}.{stem}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
        else:
            if getattr(module, "NAME", None) == name:
                return Command.of(module)
    return discover().get(name)


def fail(message: str, code: int = 1) -> int:
    """Say why a command stopped (``studyapp: message`` on stderr); return its exit code."""
    import sys

    print(f"studyapp: {message}", file=sys.stderr)
    return code
