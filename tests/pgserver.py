"""A throwaway PostgreSQL server for the tests: a private cluster, TLS on, a password superuser.

The class-server tests run against a real PostgreSQL, never a mock. This module
finds one, in this order:

1. ``STUDYAPP_TEST_PG_URL`` (a superuser URL without a password; the password
   comes from libpq's usual places, e.g. ``PGPASSFILE``), which ``.ci/run``
   exports after starting a cluster with ``python tests/pgserver.py start``;
2. otherwise a private cluster started for the test session with ``initdb`` and
   ``pg_ctl`` from the installed PostgreSQL (as the ``postgres`` user when run as
   root, because PostgreSQL refuses to run as root), in a temporary folder, on a
   free loopback port, with a self-signed certificate so ``sslmode=require``
   works, and stopped at the end.

When neither is possible the tests skip with the reason, except under
``CI=true``, where they fail: CI must test against a real server.

The superuser's password is random, written only to a 0600 passfile in the
cluster's folder, and never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ADMIN_USER = "studyapp_test_admin"


@dataclass(frozen=True)
class PgServer:
    """Where the test server listens and how to reach it as its superuser."""

    host: str
    port: int
    user: str
    passfile: Path

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        """A URL without a password (libpq reads it from ``passfile``)."""
        return f"postgresql://{user or self.user}@{self.host}:{self.port}/{dbname}"

    def env(self) -> dict[str, str]:
        """Environment entries a client process needs to connect as the superuser."""
        return {"PGPASSFILE": str(self.passfile)}


class Unavailable(Exception):
    """No PostgreSQL server can be found or started here (the message says why)."""


def _bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        path = Path(out.stdout.strip())
        if (path / "initdb").exists():
            return path
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise Unavailable("PostgreSQL's initdb is not installed (Debian: apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise Unavailable("running as root, and runuser is missing to start PostgreSQL")
        return [runuser, "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Unavailable(f"{' '.join(argv[:5])} ... failed: {result.stderr.strip()}")


def start(folder: Path) -> PgServer:
    """Create and start a cluster in ``folder`` (which must not exist yet)."""
    bindir = _bindir()
    folder.mkdir(mode=0o700, parents=True)
    data = folder / "data"
    password = secrets.token_urlsafe(24)
    pwfile = folder / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(pwfile, "postgres")
    _run(
        _as_server_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                ADMIN_USER,
                "--pwfile",
                str(pwfile),
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )
    )
    pwfile.unlink()
    _make_certificate(data)
    port = _free_port()
    conf = data / "postgresql.conf"
    with conf.open("a") as handle:
        handle.write(
            "\n# studyapp tests\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {port}\n"
            f"unix_socket_directories = '{folder}'\n"
            "ssl = on\n"
            "ssl_cert_file = 'server.crt'\n"
            "ssl_key_file = 'server.key'\n"
            "max_connections = 300\n"
            "shared_buffers = 128MB\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )
    _run(
        _as_server_user(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start"]
        )
    )
    passfile = folder / "pgpass"
    passfile.write_text(f"127.0.0.1:{port}:*:{ADMIN_USER}:{password}\n")
    passfile.chmod(0o600)
    return PgServer("127.0.0.1", port, ADMIN_USER, passfile)


def _make_certificate(data: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Unavailable("openssl is missing (needed for the test server's TLS certificate)")
    crt, key = data / "server.crt", data / "server.key"
    _run(
        _as_server_user(
            [
                openssl,
                "req",
                "-new",
                "-x509",
                "-days",
                "2",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-out",
                str(crt),
                "-keyout",
                str(key),
            ]
        )
    )
    _run(_as_server_user(["chmod", "0600", str(key)]))  # PostgreSQL refuses a readable key


def stop(folder: Path) -> None:
    """Stop the cluster in ``folder`` (if it runs) and delete the folder."""
    with contextlib.suppress(Unavailable):
        bindir = _bindir()
        data = folder / "data"
        if (data / "postmaster.pid").exists():
            _run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]))
    shutil.rmtree(folder, ignore_errors=True)


def from_environment() -> PgServer | None:
    """The server named by ``STUDYAPP_TEST_PG_URL`` (``None`` when unset)."""
    url = os.environ.get("STUDYAPP_TEST_PG_URL")
    if not url:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    passfile = os.environ.get("PGPASSFILE", "")
    if not passfile:
        raise Unavailable("STUDYAPP_TEST_PG_URL is set but PGPASSFILE is not")
    return PgServer(
        parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "", Path(passfile)
    )


@contextlib.contextmanager
def server() -> Iterator[PgServer]:
    """The environment's server, or a private one for the duration of the block."""
    existing = from_environment()
    if existing is not None:
        yield existing
        return
    base = Path(tempfile.mkdtemp(prefix="studyapp-pg-"))
    base.chmod(0o755)
    folder = base / "cluster"
    try:
        yield start(folder)
    finally:
        stop(folder)
        shutil.rmtree(base, ignore_errors=True)


def wait_ready(pg: PgServer, timeout: float = 30.0) -> None:
    """Wait until the server accepts TCP connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((pg.host, pg.port), 1):
            return
        time.sleep(0.1)
    raise Unavailable(f"PostgreSQL on {pg.host}:{pg.port} did not answer within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    """``start DIR`` prints shell exports for the server it starts; ``stop DIR`` stops it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.action == "stop":
        stop(args.folder)
        return 0
    try:
        pg = start(args.folder)
    except Unavailable as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 1
    print(f"export STUDYAPP_TEST_PG_URL={pg.url()}")
    print(f"export PGPASSFILE={pg.passfile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
