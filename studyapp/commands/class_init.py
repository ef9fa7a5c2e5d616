"""Create or upgrade a class database on PostgreSQL: the schema (numbered
migrations, each in a transaction), the class's instructor and student group
roles, and the row-level-security policies. Re-running it is harmless.

The database is created if the server has none of that name. Run it as a
role that may create roles (a superuser, or the database's owner with
CREATEROLE); that role becomes an instructor of the class. Next:

  studyapp class enroll --db URL alice bob       (or --roster class.csv)
  studyapp class publish --db URL decks/
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class init"
HELP = "create or upgrade a class database on PostgreSQL (re-running is harmless)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_on_server(lambda: _init(args.db))


def _init(url: str) -> int:
    from studyapp.server.connection import database_of, open_or_create
    from studyapp.server.migrate import SCHEMA_VERSION, migrate, migrations
    from studyapp.server.redact import redact

    names = database_of(url)
    conn, created = open_or_create(url)
    with conn:
        applied = migrate(conn)
    if created:
        print(f"created the database {names.database}")
    files = {m.number: m.name for m in migrations()}
    for number in applied:
        print(f"applied {files[number]}")
    state = "up to date" if applied else "already up to date"
    print(
        f"{redact(url)}: class schema version {SCHEMA_VERSION}, {state}; "
        f"groups {names.instructors}, {names.students}"
    )
    return 0
