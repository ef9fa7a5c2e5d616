"""The class server: a PostgreSQL database that holds every student's events.

Rule: this package is the only code that talks to PostgreSQL (psycopg 3, the
optional extra ``studyapp[class]``), and it imports nothing from
:mod:`studyapp.core`; what it stores is defined here (:mod:`.events`). The
base install never imports it: the ``studyapp class ...`` commands import it
inside ``run``. Submodules:

- :mod:`.events`: the event record sync moves, and its kinds (no psycopg);
- :mod:`.redact`: connection strings and errors with passwords masked (no psycopg);
- :mod:`.connection`: connecting, the class's role names, one-line errors;
- :mod:`.migrate`: the numbered server migrations in ``migrations/``;
- :mod:`.roles`: enrolling students and instructors, dropping a login;
- :mod:`.sync`: ``push``, ``pull`` and ``status``, the sync protocol;
- :mod:`.decks`: published deck files, content-addressed and versioned.

The design, schema and security model: ``docs/class-server.md``.
"""

from __future__ import annotations

__all__ = ["SchemaTooNew", "ServerError"]


class ServerError(Exception):
    """The class server cannot do what was asked; the message is one line and
    never contains a password."""


class SchemaTooNew(ServerError):
    """The class database was set up by a newer studyapp: nothing is written."""
