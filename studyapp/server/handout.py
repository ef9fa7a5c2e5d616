"""Roster files in, hand-outs out: the text side of enrolling a class.

Rule: no psycopg and no server here, so bad input is refused before anything
is written to the server. A roster is a CSV file with a header row naming a
``login`` column (and optionally ``name``); a bad row is reported as
``path:line:col: error: message``. A hand-out tells one student the
``config.toml`` line and the ``~/.pgpass`` line that let ``studyapp sync``
connect; it is the only place a password is ever printed or written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

__all__ = [
    "LOGIN",
    "Address",
    "Person",
    "RosterError",
    "handout",
    "login_problem",
    "read_roster",
]

LOGIN = re.compile(r"^[a-z][a-z0-9_.-]{0,62}$")
"""A login name: lowercase, so it reads the same quoted or not, in a URL and in ~/.pgpass."""


@dataclass(frozen=True)
class Person:
    login: str
    name: str | None = None


@dataclass(frozen=True)
class Address:
    """Where students reach the class database."""

    host: str
    port: int
    database: str
    sslmode: str = "require"

    def url(self, login: str) -> str:
        """The URL a student puts in ``config.toml`` (no password, ever)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return (
            f"postgresql://{quote(login, safe='')}@{host}:{self.port}/{self.database}"
            f"?sslmode={self.sslmode}"
        )

    def pgpass(self, login: str, password: str) -> str:
        """The ``~/.pgpass`` line that gives libpq the password."""
        fields = (self.host, str(self.port), self.database, login, password)
        return ":".join(f.replace("\\", "\\\\").replace(":", "\\:") for f in fields)


class RosterError(ValueError):
    """A roster file cannot be used (the message is ``path:line:col: error: ...``
    or one line)."""


def login_problem(name: str, reserved: tuple[str, ...] = ()) -> str | None:
    """Why ``name`` cannot be a login (``None``: it can)."""
    if not LOGIN.match(name):
        return (
            f"'{name}' is not a valid login: 1-63 lowercase letters, digits, _ . -, "
            "starting with a letter"
        )
    if name.startswith("pg_") or name in reserved:
        return f"'{name}' is reserved"
    return None


def read_roster(path: Path, reserved: tuple[str, ...] = ()) -> list[Person]:
    """The people in a roster CSV file, in file order."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise RosterError(f"{path}: cannot read the roster: {reason}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise RosterError(f"{path}:1:1: error: empty roster (a header row naming 'login' first)")
    header = [cell.strip().lower() for cell in rows[0]]
    if "login" not in header:
        raise RosterError(
            f"{path}:1:1: error: no 'login' column in the header row ({', '.join(header)})"
        )
    login_at, name_at = header.index("login"), header.index("name") if "name" in header else None
    people: list[Person] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        column = 1 + sum(len(cell) + 1 for cell in row[:login_at])
        login = row[login_at].strip() if login_at < len(row) else ""
        problem = login_problem(login, reserved) if login else "no login on this row"
        if problem is None and login in seen:
            problem = f"'{login}' is already on line {seen[login]}"
        if problem:
            raise RosterError(f"{path}:{number}:{column}: error: {problem}")
        seen[login] = number
        name = row[name_at].strip() if name_at is not None and name_at < len(row) else ""
        people.append(Person(login, name or None))
    return people


def handout(address: Address, person: Person, password: str | None) -> str:
    """One student's hand-out (``password`` None: the login keeps its password)."""
    title = f"{person.login} ({person.name})" if person.name else person.login
    lines = [f"# {title}", f'config.toml:  [sync] url = "{address.url(person.login)}"']
    if password is None:
        lines.append(
            "password:     unchanged (an existing login; --reset-password makes a new one)"
        )
    else:
        lines.append(f"~/.pgpass:    {address.pgpass(person.login, password)}")
    return "\n".join(lines) + "\n"
