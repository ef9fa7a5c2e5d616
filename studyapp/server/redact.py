"""Passwords masked in anything studyapp prints about a connection.

Rule: every connection string and every driver error shown to a user, written
to a log or put in an exception message goes through :func:`redact` first, and
only this module decides what a password looks like. Connection strings are
masked the ways people write them (URL user info, ``?password=``, libpq
``key=value`` pairs, quoted or not); for the channel nobody shapes in advance,
a driver error that quotes back what it was given, :func:`redact` also takes
the literal secrets to hide (:func:`secrets_in` extracts them from a URL).
No psycopg here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

__all__ = ["MASK", "redact", "secrets_in"]

MASK = "****"

_KEYS = r"(?:pg)?password|passwd|pwd"
_URL_USERINFO = re.compile(
    r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)(?P<secret>[^\s]*)(?P<tail>@[^@\s]*)",
    re.IGNORECASE,
)
_QUOTED_PAIR = re.compile(
    rf"(?P<head>\b(?:{_KEYS})\s*=\s*')(?P<secret>(?:[^'\\]|\\.)*)(?P<tail>')", re.IGNORECASE
)
_PLAIN_PAIR = re.compile(
    rf"(?P<head>\b(?:{_KEYS})\s*=\s*)(?P<secret>[^\s'\"&;]+)(?P<tail>)", re.IGNORECASE
)
_MIN_SECRET = 4
"""Shorter literal secrets are not hunted in prose (they would mangle words)."""


def _mask(match: re.Match[str]) -> str:
    if not match.group("secret"):
        return match.group(0)
    return f"{match.group('head')}{MASK}{match.group('tail')}"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every password masked: those written in connection strings,
    and each of ``secrets`` wherever it appears (longest first)."""
    for secret in sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_USERINFO.sub(_mask, text)
    text = _QUOTED_PAIR.sub(_mask, text)
    return _PLAIN_PAIR.sub(_mask, text)


def secrets_in(dsn: str) -> set[str]:
    """The passwords written in ``dsn`` (as typed and percent-decoded), to hide them
    also where a driver error quotes them out of context."""
    found: set[str] = set()
    for pattern in (_URL_USERINFO, _QUOTED_PAIR, _PLAIN_PAIR):
        for match in pattern.finditer(dsn):
            secret = match.group("secret")
            if secret:
                found.update({secret, unquote(secret)})
    return found
