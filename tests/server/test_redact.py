"""`redact()`: a password does not reach what studyapp prints.

Asserted negatively: what matters is that the secret is absent, not that a
mask appears. Connection strings are written the ways people type them, and
driver errors that echo them back are included; the last tests run the real
driver and the real commands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyapp.server.redact import MASK, redact, secrets_in

SECRET = "hunter2-and-then-some"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            f"postgresql://alice:{SECRET}@db.example.edu:5432/pharm101",
            f"postgresql://alice:{MASK}@db.example.edu:5432/pharm101",
        ),
        (f"postgres://alice:{SECRET}@db/pharm101", f"postgres://alice:{MASK}@db/pharm101"),
        (f"postgresql://:{SECRET}@db/pharm101", f"postgresql://:{MASK}@db/pharm101"),
        (
            f"postgresql://alice:{SECRET}@db1:5432,db2:5433/pharm101?sslmode=verify-full",
            f"postgresql://alice:{MASK}@db1:5432,db2:5433/pharm101?sslmode=verify-full",
        ),
        (
            "postgresql://alice:p@ss:w/rd@db/pharm101",  # an @ and a / typed raw
            f"postgresql://alice:{MASK}@db/pharm101",
        ),
        (
            f"postgresql://db/pharm101?user=alice&password={SECRET}&sslmode=require",
            f"postgresql://db/pharm101?user=alice&password={MASK}&sslmode=require",
        ),
        (
            f"host=db user=alice password={SECRET} dbname=pharm101",
            f"host=db user=alice password={MASK} dbname=pharm101",
        ),
        (
            "host=db password='hunter 2 \\' quoted' dbname=pharm101",
            f"host=db password='{MASK}' dbname=pharm101",
        ),
        (f"host=db password = {SECRET}", f"host=db password = {MASK}"),
        (f"PGPASSWORD={SECRET} studyapp sync", f"PGPASSWORD={MASK} studyapp sync"),
        (f"Password={SECRET};Host=db", f"Password={MASK};Host=db"),
    ],
    ids=[
        "url",
        "postgres scheme",
        "url, no user",
        "url, several hosts",
        "url, password with @ and /",
        "url query",
        "libpq pairs",
        "libpq pairs, quoted",
        "libpq pairs, spaced",
        "environment",
        "ado style",
    ],
)
def test_a_connection_string_keeps_everything_but_the_password(typed: str, expected: str) -> None:
    assert redact(typed) == expected
    assert SECRET not in redact(typed)
    assert "hunter" not in redact(typed)


@pytest.mark.parametrize(
    "clean",
    [
        "postgresql://alice@db.example.edu:5432/pharm101?sslmode=require",
        "postgresql://db.example.edu:5432/pharm101",
        "host=db user=alice sslmode=verify-full sslrootcert=/etc/ssl/class.crt",
        "/home/alice/a:b@c.db",
        'FATAL:  password authentication failed for user "alice"',
        "permission denied for database pharm101",
    ],
)
def test_text_without_a_password_is_left_alone(clean: str) -> None:
    assert redact(clean) == clean


def test_a_driver_error_that_quotes_the_password_out_of_context() -> None:
    url = f"postgresql://alice:{SECRET}@db/pharm101"
    echoed = f'invalid integer value "{SECRET}" for connection option "port"'
    assert SECRET not in redact(echoed, secrets_in(url))
    assert redact(echoed, secrets_in(url)) == (
        f'invalid integer value "{MASK}" for connection option "port"'
    )


def test_a_percent_encoded_password_is_hidden_decoded_too() -> None:
    url = "postgresql://alice:s%40cret%2Fpw@db/pharm101"
    assert secrets_in(url) == {"s%40cret%2Fpw", "s@cret/pw"}
    assert "s@cret/pw" not in redact("the server said: s@cret/pw", secrets_in(url))


def test_short_literal_secrets_do_not_mangle_messages() -> None:
    assert redact("the cat sat", {"at"}) == "the cat sat"


def test_the_real_driver_error_for_a_bad_port_is_redacted() -> None:
    """psycopg quotes back the value it could not use; our one line does not."""
    from studyapp.server import ServerError
    from studyapp.server.connection import connect

    url = f"postgresql://alice:{SECRET}@127.0.0.1:notaport/pharm101"
    with pytest.raises(ServerError) as raised:
        connect(url)
    assert SECRET not in str(raised.value)


def test_a_malformed_connection_string_is_never_echoed() -> None:
    """libpq's parse error quotes a fragment of the string, which can be the
    password when it was typed where none is expected."""
    from studyapp.server import ServerError
    from studyapp.server.connection import connect

    with pytest.raises(ServerError) as raised:
        connect(f"host=db password {SECRET}")
    assert SECRET not in str(raised.value)
    assert "not a connection URL" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://alice:{SECRET}@127.0.0.1:1/pharm101",
        f"host=127.0.0.1 port=1 dbname=pharm101 password={SECRET}",
        f"host=127.0.0.1 port=1 dbname=pharm101 password='{SECRET}'",
        f"postgresql://127.0.0.1:1/pharm101?password={SECRET}",
    ],
)
def test_no_class_command_prints_the_password(url: str) -> None:
    for command in (["class", "init"], ["class", "students"], ["class", "enroll", "bob"]):
        result = subprocess.run(
            [sys.executable, "-m", "studyapp", *command, "--db", url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 1, result
        assert SECRET not in result.stdout + result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("studyapp: ")
