"""Published deck files: content-addressed by sha256, with a version per deck id.

Rule: a deck file's bytes are stored once, under their sha256 (the server
checks the address); publishing a deck id whose newest version already has
those bytes adds nothing, and any other content adds the next version. Deck
files are stored as given: what they mean is the deck loader's business on
each device, which keeps card ids and their history across versions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from studyapp.server.connection import Connection, server_errors

__all__ = ["Published", "PublishedDeck", "latest", "publish"]

LOCK_DECK = 0x5355
"""First key of the per-deck advisory lock taken while a version is added."""


@dataclass(frozen=True)
class Published:
    deck_id: str
    version: int
    sha256: str
    new: bool
    """False: the newest version already had this content; nothing was added."""


@dataclass(frozen=True)
class PublishedDeck:
    deck_id: str
    version: int
    sha256: str
    file_name: str
    content: bytes
    published_at: datetime
    published_by: str


def publish(conn: Connection, deck_id: str, file_name: str, content: bytes) -> Published:
    """Publish ``content`` as deck ``deck_id`` (one transaction)."""
    digest = hashlib.sha256(content).hexdigest()
    with server_errors(f"publishing {deck_id}"), conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_DECK, deck_id))
        newest = conn.execute(
            "SELECT version, sha256 FROM studyapp.deck_version WHERE deck_id = %s"
            " ORDER BY version DESC LIMIT 1",
            (deck_id,),
        ).fetchone()
        if newest is not None and newest[1] == digest:
            return Published(deck_id, newest[0], digest, False)
        version = 1 if newest is None else newest[0] + 1
        conn.execute(
            "INSERT INTO studyapp.deck_file (sha256, content) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            (digest, content),
        )
        conn.execute(
            "INSERT INTO studyapp.deck_version (deck_id, version, sha256, file_name)"
            " VALUES (%s, %s, %s, %s)",
            (deck_id, version, digest, file_name),
        )
    return Published(deck_id, version, digest, True)


def latest(conn: Connection) -> list[PublishedDeck]:
    """The newest version of every published deck, by deck id."""
    with server_errors("reading the published decks"):
        rows = conn.execute(
            "SELECT DISTINCT ON (v.deck_id) v.deck_id, v.version, v.sha256, v.file_name,"
            " f.content, v.published_at, v.published_by"
            " FROM studyapp.deck_version v JOIN studyapp.deck_file f USING (sha256)"
            " ORDER BY v.deck_id, v.version DESC"
        ).fetchall()
    return [PublishedDeck(*row) for row in rows]
