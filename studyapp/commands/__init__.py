"""Subcommands that live in their own module.

Each module in this package is one ``studyapp`` command. It defines:

``NAME``
    the command name (``studyapp NAME``);
``HELP``
    the one-line help shown by ``studyapp --help``;
``configure(parser)``
    adds the command's arguments to its ``argparse`` parser;
``run(args, paths, settings) -> int``
    runs the command and returns the exit code.

Command modules are imported to build the parser, so they must stay cheap at
import time: import heavy modules (Textual, sqlite3, exporters) inside ``run``.
The ``--decks`` and ``--data-dir`` options are added by :mod:`studyapp.cli`.
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
    from studyapp.config import Paths, Settings

__all__ = ["Command", "discover", "fail"]


@dataclass(frozen=True)
class Command:
    """One subcommand module, checked for the interface above."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Paths, Settings], int]
    description: str | None = None

    @classmethod
    def of(cls, module: ModuleType) -> Command:
        return cls(
            name=module.NAME,
            help=module.HELP,
            configure=module.configure,
            run=module.run,
            description=(module.__doc__ or "").strip() or None,
        )


def discover() -> dict[str, Command]:
    """Every command module in this package, by command name, sorted."""
    commands = [
        Command.of(importlib.import_module(f"{__name__}.{info.name}"))
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    return {command.name: command for command in sorted(commands, key=lambda c: c.name)}


def fail(message: str, code: int = 1) -> int:
    """Say why a command stopped (``studyapp: message`` on stderr); return its exit code."""
    import sys

    print(f"studyapp: {message}", file=sys.stderr)
    return code
