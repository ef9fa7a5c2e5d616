"""The test PostgreSQL server is real: TLS works, and passwords are checked by the server."""

from __future__ import annotations

import psycopg
import pytest

from tests.pgserver import PgServer


def test_connects_over_tls_with_sslmode_require(pg_server: PgServer) -> None:
    with psycopg.connect(pg_server.url(), sslmode="require", **_passfile(pg_server)) as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("select current_user").fetchone() == (pg_server.user,)


def test_a_wrong_password_is_refused_by_the_server(pg_server: PgServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_server.url(), password="not-the-password", connect_timeout=5)


def _passfile(pg: PgServer) -> dict[str, str]:
    return {"passfile": str(pg.passfile)}
