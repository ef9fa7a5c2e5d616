"""Enroll students (or, with --instructor, instructors) in a class: one
PostgreSQL login each, with a generated password, and a hand-out per person
(the config.toml line and the ~/.pgpass line for `studyapp sync`), printed or
written with --output to a new file only its owner can read (mode 0600).

A roster file is CSV with a header row naming a `login` column and, if you
like, a `name` column. Enrolling a login that already exists (say, from
another class on the same server, or dropped earlier) adds it to this class
and keeps its password, unless --reset-password.

Hand-outs name the server as --db does; --server HOST[:PORT] names it as
students reach it, and the URL's sslmode (default require) is kept.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.commands import fail
from studyapp.commands._class import add_db, run_on_server

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.server.handout import Address, Person

NAME = "class enroll"
HELP = "create logins for students and print their hand-outs"


def configure(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    parser.add_argument("names", nargs="*", metavar="NAME", help="logins to enroll")
    parser.add_argument(
        "--roster", type=Path, metavar="FILE.csv", help="enroll everyone in a roster file"
    )
    parser.add_argument(
        "--instructor", action="store_true", help="enroll instructors instead of students"
    )
    parser.add_argument(
        "--reset-password",
        action="store_true",
        help="give logins that already exist a new password too",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the hand-outs to FILE (a new file, mode 0600) instead of printing them",
    )
    parser.add_argument(
        "--server",
        metavar="HOST[:PORT]",
        help="the server as students reach it (default: as in --db)",
    )


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    if bool(args.names) == bool(args.roster):
        return fail("name the logins to enroll, or give --roster FILE.csv (one of them)", 2)
    return run_on_server(lambda: _enroll(args))


def _enroll(args: argparse.Namespace) -> int:
    from studyapp.server.connection import database_of, server_errors
    from studyapp.server.handout import RosterError, handout, read_roster
    from studyapp.server.migrate import open_class
    from studyapp.server.roles import enroll

    names = database_of(args.db)
    reserved = (names.instructors, names.students)
    try:
        people = (
            read_roster(args.roster, reserved) if args.roster else _people(args.names, reserved)
        )
        address = _address(args.db, args.server)
    except (RosterError, ValueError) as exc:
        return fail(str(exc))
    output: Path | None = args.output
    if output is not None and (output.exists() or not output.parent.is_dir()):
        reason = "already exists" if output.exists() else "is in a folder that does not exist"
        return fail(f"{output} {reason}: hand-outs are written to a new file only")
    with open_class(args.db) as conn, server_errors("enrolling"), conn.transaction():
        # The hand-outs are written before the logins are committed: a
        # password nobody could read is never made.
        enrolled = enroll(
            conn, people, instructor=args.instructor, reset_password=args.reset_password
        )
        text = "\n".join(handout(address, e.person, e.password) for e in enrolled)
        if output is None:
            sys.stdout.write(text)
        else:
            _write_private(output, text)
    new = sum(e.created for e in enrolled)
    role = "instructor" if args.instructor else "student"
    where = f"; hand-outs in {output}" if output else ""
    print(
        f"enrolled {len(enrolled)} {role}{'s' * (len(enrolled) != 1)} in {names.database} "
        f"({new} new login{'s' * (new != 1)}){where}",
        file=sys.stderr,
    )
    return 0


def _people(logins: list[str], reserved: tuple[str, ...]) -> list[Person]:
    from studyapp.server.handout import Person, login_problem

    for login in logins:
        problem = login_problem(login, reserved)
        if problem:
            raise ValueError(problem)
    return [Person(login) for login in dict.fromkeys(logins)]


def _address(url: str, server: str | None) -> Address:
    from studyapp.server.connection import parse
    from studyapp.server.handout import Address

    params = parse(url)
    host, port = str(params.get("host") or ""), str(params.get("port") or "5432")
    if server:  # HOST, HOST:PORT or [IPv6]:PORT
        host, colon, given = server.rpartition(":")
        if not colon or "]" in given:
            host, given = server, port
        host, port = host.strip("[]"), given
    if not host or host.startswith("/") or "," in host:
        raise ValueError("say how students reach the server: --server HOST[:PORT]")
    if not port.isdigit():
        raise ValueError(f"not a port number: {port}")
    return Address(host, int(port), str(params["dbname"]), str(params.get("sslmode") or "require"))


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file that only its owner can read."""
    from studyapp.server import ServerError

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as exc:
        # Raised inside the transaction: no login is created.
        raise ServerError(f"cannot write {path}: {exc.strerror or exc}; nobody enrolled") from None
