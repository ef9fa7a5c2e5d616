"""One writer per data folder: an OS lock on ``<data dir>/studyapp.lock``.

The study app holds it for its whole life; the commands that rewrite card
states (rebuild, restore, doctor --repair, optimize, import-reviews, suspend,
unsuspend) hold it while they run and refuse when it is taken. The lock is the
operating system's (``filelock``: ``fcntl``/``msvcrt`` underneath, none in our
code), so a crashed or killed holder releases it by itself.

Beside it, ``studyapp.lock.json`` (pid, host, started) is written by the holder
so the refusal can say who holds it. It is only a message: the OS lock decides.
See docs/reliability.md for why a lock rather than two coherent instances.
Cheap to import (the CLI imports :class:`LockHeld` for every command).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["LockHeld", "data_lock", "holder_message"]


class LockHeld(Exception):
    """Another studyapp holds the data folder; the message says which."""


def _lock_path(data_dir: Path) -> Path:
    return data_dir / "studyapp.lock"


def _info_path(data_dir: Path) -> Path:
    return data_dir / "studyapp.lock.json"


def holder_message(data_dir: Path) -> str:
    """``studyapp is already open in another terminal (pid 1234)``, from the holder's note."""
    import json
    import socket

    try:
        info = json.loads(_info_path(data_dir).read_text(encoding="utf-8"))
        pid = int(info["pid"])
        host = str(info.get("host", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return "studyapp is already open in another terminal"
    where = "" if not host or host == socket.gethostname() else f" on {host}"
    return f"studyapp is already open in another terminal (pid {pid}{where})"


@contextmanager
def data_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's lock (created with the folder if needed), or raise
    :class:`LockHeld` at once when another process holds it."""
    import json
    import socket
    from datetime import UTC, datetime

    from filelock import FileLock, Timeout

    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(_lock_path(data_dir)), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeld(holder_message(data_dir)) from None
    try:
        note = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        # On a full disk the lock still holds; only the refusal says less.
        with suppress(OSError):
            _info_path(data_dir).write_text(json.dumps(note), encoding="utf-8")
        yield
    finally:
        with suppress(OSError):
            _info_path(data_dir).unlink(missing_ok=True)
        lock.release()
