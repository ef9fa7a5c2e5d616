"""Shared by the reliability tests: a study database with some reviews in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.app.config import resolve_paths
from studyapp.core.study.scheduling import CardState, Policy, SchedulerConfig
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def add_reviews(database: Path, count: int, *, deck: str = "selank", first: int = 0) -> None:
    """``count`` answers (Good) on ``count`` different prompts, committed one by one."""
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    with Store.open(database) as store:
        for n in range(first, first + count):
            key = (deck, f"card-{n:05d}", "main")
            at = START + timedelta(minutes=n)
            before = store.card_state(key)
            after = policy.review(before, 3, at)
            store.record_review(ReviewRecord(key, "basic", at, 3, 1500, before, after))


@pytest.fixture
def database(isolated_home: Path) -> Path:
    """The isolated data folder's database, with 120 reviews."""
    path = resolve_paths().database
    add_reviews(path, 120)
    return path


def reviews_in(path: Path) -> int:
    with Store.open(path) as store:
        return store.review_count()


__all__ = ["START", "CardState", "add_reviews", "reviews_in"]


def can_mount() -> bool:
    import os
    import sys

    return sys.platform == "linux" and hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB file system (tmpfs), to fill up: as root on Linux only."""
    import subprocess

    if not can_mount():
        pytest.skip("a small real file system needs root on Linux (mount -t tmpfs)")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; return the filler file."""
    import errno
    import os

    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (65536, 4096, 512, 1):
            block = b"\0" * size
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return filler
