"""Command line entry point: parse the arguments, then run the command's module
(:mod:`studyapp.commands`, one module per command) or, with no command, start
the study app.

Nothing else happens here. Only the named command's module is imported (every
one for ``studyapp --help``), so a command that never uses Textual or sqlite3
(``check``, ``due``) does not pay for importing them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from studyapp import __version__
from studyapp.app.config import ConfigError, Paths, Settings, load_settings, resolve_paths
from studyapp.commands import Command, discover, find

__all__ = ["main"]


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default_list: object = argparse.SUPPRESS if suppress else []
    default_none: object = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--decks",
        metavar="DIR",
        action="append",
        type=Path,
        default=default_list,
        help="also load decks from DIR (repeatable)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=default_none,
        help="keep config and data in DIR (like STUDYAPP_HOME)",
    )


def _parser(commands: dict[str, Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Study pharmacology flashcards with FSRS spaced repetition.",
        epilog="Run without a command to start the study app.",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {"": sub}
    # A group's own command ("class", before "class init") is parsed first: its
    # parser holds the group's subcommands, optional there.
    for command in sorted(commands.values(), key=lambda c: len(c.name.split())):
        *group, word = command.name.split()  # "class init": `init` in the `class` group
        command_parser = _group(groups, group, commands).add_parser(
            word,
            help=command.help,
            description=command.description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command_parser.set_defaults(command=command.name)
        _common(command_parser, suppress=True)
        command.configure(command_parser)
        if any(name.startswith(f"{command.name} ") for name in commands):
            groups[command.name] = command_parser.add_subparsers(
                dest=f"{command.name} command", metavar="COMMAND"
            )
    return parser


def _group(
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]],
    words: list[str],
    commands: dict[str, Command],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The subcommands of the group named by ``words`` (``[]``: the top level)."""
    key = " ".join(words)
    if key not in groups:
        members = sorted(
            n.split()[len(words)] for n in commands if n.split()[: len(words)] == words
        )
        parser = _group(groups, words[:-1], commands).add_parser(
            words[-1], help=f"{key} commands: {', '.join(dict.fromkeys(members))}"
        )
        groups[key] = parser.add_subparsers(dest=f"{key} command", metavar="COMMAND", required=True)
    return groups[key]


def _command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (None: none), skipping the global options."""
    words = iter(argv)
    for word in words:
        if word in ("--decks", "--data-dir"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _commands_needed(argv: Sequence[str]) -> dict[str, Command]:
    """The command modules the parser needs for ``argv``: the named command's
    alone, none for the study app, every one for ``--help`` or an unknown command
    (so the error lists them all).

    Importing every command module costs ~10 ms, a twentieth of ``studyapp due``.
    """
    word = _command_word(argv)
    if word is None:
        return discover() if {"-h", "--help"} & set(argv) else {}
    command = find(word)
    module = f"studyapp.commands.{word.replace('-', '_')}"
    if command is not None and importlib.util.find_spec(module) is not None:
        return {word: command}  # a module named after the command: no group of its own
    every = discover()
    group = {name: c for name, c in every.items() if name.split()[0] == word}
    return group or every  # a group ("class"): its commands; unknown: all, to list them


def _store_errors() -> tuple[type[Exception], ...]:
    """The exceptions that mean the database cannot be used, from the modules a
    command has loaded: one that never opened it (``check``) never imports sqlite3."""
    errors: list[type[Exception]] = []
    if (sqlite3 := sys.modules.get("sqlite3")) is not None:
        errors.append(sqlite3.Error)
    if (db := sys.modules.get("studyapp.store.db")) is not None:
        errors.append(db.StoreError)
    return tuple(errors)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = _commands_needed(argv)
    args = _parser(commands).parse_args(argv)
    paths = resolve_paths(args.data_dir)
    try:
        settings = load_settings(paths, extra_decks=args.decks)
    except ConfigError as exc:
        print(f"studyapp: config error: {exc}", file=sys.stderr)
        return 2
    from studyapp.app.lock import LockHeld

    if (blocked := _file_in_the_way(paths.data_dir)) is not None and args.command != "check":
        print(f"studyapp: cannot use the data folder {paths.data_dir}: {blocked}", file=sys.stderr)
        return 1
    try:
        if args.command is None:
            return _study_app(paths, settings)
        return _run(commands[args.command], args, paths, settings)
    except LockHeld as exc:
        print(f"studyapp: {exc}; close it first", file=sys.stderr)
        return 1
    except _store_errors() as exc:
        # StoreError (a database from a newer studyapp), a file that is not a
        # database, a locked database: say so, without a traceback.
        why = _why(exc, paths.database)
        print(f"studyapp: cannot use the database {paths.database}: {why}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A data folder that is a file (or under one), a full disk, a read-only folder.
        print(f"studyapp: {_os_error(exc)}", file=sys.stderr)
        return 1


def _file_in_the_way(folder: Path) -> str | None:
    """Why ``folder`` cannot be a folder (it, or a folder above it, is a file), or ``None``."""
    for path in (folder, *folder.parents):
        if path.exists():
            if path.is_dir():
                return None
            where = "it is a file" if path == folder else f"{path} is a file"
            return f"{where}; give a folder (--data-dir or STUDYAPP_HOME)"
    return None


def _run(command: Command, args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    """Run ``command``, holding the data folder's lock if it rewrites card states."""
    if not command.exclusive:
        return command.run(args, paths, settings)
    from studyapp.app.lock import data_lock

    with data_lock(paths.data_dir):
        return command.run(args, paths, settings)


def _why(exc: Exception, database: Path) -> str:
    db = sys.modules.get("studyapp.store.db")
    if db is None or isinstance(exc, db.StoreError):
        return str(exc)
    plain: str = db.why(exc, database)
    if "studyapp doctor" not in plain and not isinstance(exc, db.sqlite3.OperationalError):
        plain += "; run `studyapp doctor`"  # anything but busy/locked/full: a damaged file
    return plain


def _os_error(exc: OSError) -> str:
    """One line for an operating-system error: what, on which file, what to do."""
    import errno

    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full: cannot write{where}; free some space and try again"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and exc.filename:
        return f"cannot use the data folder{where}: a file is in the way ({exc.strerror})"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write{where}: {exc.strerror}; check the folder's permissions"
    return f"cannot use{where}: {exc.strerror or exc}"


def _study_app(paths: Paths, settings: Settings) -> int:
    from studyapp.tui.app import run

    exit_code: int = run(paths, settings)
    return exit_code
