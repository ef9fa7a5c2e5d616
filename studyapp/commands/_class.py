"""What the ``studyapp class ...`` commands share: the ``--db`` option, and
running a command against the class server with one-line errors.

Rule: nothing here imports psycopg or :mod:`studyapp.server` at import time
(every command module is imported to build the parser, and the base install
has no psycopg); :func:`run_on_server` imports them when a class command runs,
and turns a missing psycopg or a :class:`~studyapp.server.ServerError` into
``studyapp: message`` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from studyapp.commands import fail

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

__all__ = [
    "add_db",
    "add_student_db",
    "no_server",
    "run_as_student",
    "run_on_server",
    "student_url",
]

DB_HELP = (
    "the class database, e.g. postgresql://USER@HOST:5432/pharm101?sslmode=require "
    "(no password in it: libpq reads it from ~/.pgpass, PGPASSFILE or PGPASSWORD)"
)


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="URL", help=DB_HELP)


def add_student_db(parser: argparse.ArgumentParser) -> None:
    """A student's commands: ``--db`` defaults to the device's ``[sync] url``."""
    parser.add_argument("--db", metavar="URL", help=f"{DB_HELP}; default: [sync] url")


def student_url(args: argparse.Namespace, settings: Settings) -> str | None:
    """The server a student's command talks to: ``--db``, else ``[sync] url``."""
    url: str | None = args.db or settings.sync_url
    return url


def run_as_student(
    args: argparse.Namespace, paths: Paths, settings: Settings, action: Callable[[str], int]
) -> int:
    """Run a student's command ``action(url)`` on their server (``--db``, else
    ``[sync] url``), or say in one line how to name one."""
    url = student_url(args, settings)
    if not url:
        return no_server(paths)
    return run_on_server(lambda: action(url))


def no_server(paths: Paths) -> int:
    """One line saying how to name the class server, exit status 1."""
    return fail(
        'no class server: put `[sync] url = "postgresql://USER@HOST:5432/CLASS"` in '
        f"{paths.config_file}, or give --db URL"
    )


def run_on_server(action: Callable[[], int]) -> int:
    """Run ``action`` (which talks to the server); its exit status, or 1 with one line."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return fail("the class server needs psycopg: pip install 'studyapp[class]'")
    from studyapp.server import ServerError

    try:
        return action()
    except ServerError as exc:
        return fail(str(exc))
