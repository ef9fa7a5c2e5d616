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

from studyapp.commands import fail

__all__ = ["add_db", "run_on_server"]

DB_HELP = (
    "the class database, e.g. postgresql://USER@HOST:5432/pharm101?sslmode=require "
    "(no password in it: libpq reads it from ~/.pgpass, PGPASSFILE or PGPASSWORD)"
)


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="URL", help=DB_HELP)


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
