"""The class server's sync benchmark, on a real local PostgreSQL.

Usage::

    python benchmarks/sync.py [--events 10000000] [--students 200] [--quick]
                              [--json benchmarks/sync-results.json]

It starts a private cluster with ``tests/pgserver.py`` (loopback only, the
test configuration), creates a class with studyapp's own migrations, enrolls
the students (real logins with SCRAM passwords), preloads the events table
with ``--events`` events spread over them by COPY, and then measures:

* **Sync**: every student, on a connection of its own, syncs ``--rounds``
  times, alternating two devices; each sync pushes ``reviews / rounds`` new
  reviews and pulls what the other device pushed. At most ``--workers``
  students sync at once (bounded load). Reported: p50 / p95 / max latency of
  one sync (push + pull), and events per second over the whole phase.
* **One push vs bare COPY**: a push of ``--reviews`` reviews (COPY into a
  temporary table, the per-student lock, one INSERT ... SELECT ... ON
  CONFLICT DO NOTHING) against a bare psycopg binary COPY of the same rows
  for the same student straight into the events table, interleaved (A, B, A,
  B, ...), medians; once on connections that have pushed before, once on new
  connections (connecting is not timed). Target: at most 2x.
* **First sync**: a new device pushes 100,000 local reviews (``--first-sync``)
  for a student with none yet, against a bare COPY of the same rows.

The cluster is deleted at the end (``--keep`` leaves it running and prints
where). Exits non-zero only if something crashes; a missed target is reported.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import platform
import queue
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from studyapp.server import summaries  # noqa: E402
from studyapp.server.events import Event  # noqa: E402
from studyapp.server.handout import Person  # noqa: E402
from studyapp.server.migrate import migrate  # noqa: E402
from studyapp.server.roles import enroll  # noqa: E402
from studyapp.server.sync import event_row, pull, push  # noqa: E402
from tests import pgserver  # noqa: E402

DATABASE = "bench"
START = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
KINDS = ("basic", "reversible", "cloze", "choice", "typed", "numeric")
TOPICS = ("mechanism", "dosing", "safety", "history", "pathway", "interactions")
COPY_COLUMNS = (
    "event_id, device_id, kind, occurred_at, deck_id, card_id, sibling, refers_to, payload,"
    " student, seq"
)
COPY_TYPES = ["uuid", "uuid", "text", "timestamptz", "text", "text", "text", "uuid", "jsonb"]
COPY_TYPES += ["text", "int8"]


def payload(rng: random.Random, at: datetime) -> dict[str, Any]:
    """A review's payload as a device would send it: what class reports read."""
    rating = rng.choices((1, 2, 3, 4), (12, 10, 70, 8))[0]
    stability = round(rng.uniform(0.5, 200.0), 3)
    data: dict[str, Any] = {
        "rating": rating,
        "duration_ms": rng.randint(1500, 40_000),
        "card_kind": rng.choice(KINDS),
        "topic": rng.choice(TOPICS),
        "state": "review" if rating > 1 else "relearning",
        "stability": stability,
        "difficulty": round(rng.uniform(1.0, 10.0), 3),
        "due": (at + timedelta(days=stability)).isoformat(),
    }
    if data["card_kind"] == "choice" and rating == 1:
        data["picked"] = rng.choice("ABCD")
    return data


def reviews(rng: random.Random, device: uuid.UUID, count: int, start: datetime) -> list[Event]:
    out = []
    for i in range(count):
        at = start + timedelta(seconds=20 * i)
        card = rng.randrange(2_000)
        out.append(
            Event(
                uuid.UUID(int=rng.getrandbits(128), version=4),
                device,
                "review",
                at,
                f"deck{card % 10}",
                f"card{card}",
                "main",
                payload=payload(rng, at),
            )
        )
    return out


# ---------------------------------------------------------------------------
# Set-up: cluster, class, students, preload
# ---------------------------------------------------------------------------
def start_cluster(folder: Path) -> pgserver.PgServer:
    pg = pgserver.start(folder)
    pgserver.wait_ready(pg)
    with psycopg.connect(pg.url(), passfile=str(pg.passfile), autocommit=True) as conn:
        # Room for the bulk load without a checkpoint every few seconds.
        conn.execute("ALTER SYSTEM SET max_wal_size = '8GB'")
        conn.execute("ALTER SYSTEM SET checkpoint_timeout = '30min'")
        conn.execute("SELECT pg_reload_conf()")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return pg


def admin(pg: pgserver.PgServer) -> psycopg.Connection[Any]:
    return psycopg.connect(pg.url(DATABASE), passfile=str(pg.passfile), autocommit=True)


def add_preload_options(parser: argparse.ArgumentParser) -> None:
    """--trigger-students N and --trigger-all: how :func:`preload` keeps the summaries."""
    parser.add_argument(
        "--trigger-students",
        type=int,
        default=4,
        metavar="N",
        help="preload only the last N students through the summary trigger (default 4;"
        " the others by COPY with it off, then the summaries rebuilt); --trigger-all: every one",
    )
    parser.add_argument(
        "--trigger-all",
        dest="trigger_students",
        action="store_const",
        const=None,
        help="preload every event through the summary trigger (slow: ~3,400 events/s)",
    )


def preload(
    conn: psycopg.Connection[Any],
    logins: Sequence[str],
    total: int,
    *,
    trigger_students: int | None = None,
) -> dict[str, Any]:
    """COPY ``total`` review events, spread evenly over ``logins`` (text format,
    built in chunks), one transaction per student.

    Fast path (``trigger_students`` set): the summary trigger (migration 0005)
    is disabled while every student but the last ``trigger_students`` is
    copied; the summaries are then rebuilt from those events by the
    migrations' own backfill SQL (``studyapp.server.summaries.rebuild``), the
    trigger enabled again, and the last students copied through it, so the
    trigger's cost is still measured on a sample (``trigger_on`` against
    ``trigger_off``, events per second of COPY, the generation in Python not
    counted). The events are the same either way (one seeded generator, the
    students in order). ``None``: every COPY through the trigger (what a term
    of pushes costs; about 3,400 events/s at 10 million).
    """
    rng = random.Random(14)
    per_student = total // len(logins)
    sampled = len(logins) if trigger_students is None else min(trigger_students, len(logins))
    bulk = len(logins) - sampled
    copy_s = {"off": 0.0, "on": 0.0}
    out: dict[str, Any] = {}
    started = time.perf_counter()
    if bulk:
        conn.execute(f"ALTER TABLE studyapp.events DISABLE TRIGGER {summaries.TRIGGER}")
    for number, login in enumerate(logins):
        if number == bulk and bulk:
            conn.execute(f"ALTER TABLE studyapp.events ENABLE TRIGGER {summaries.TRIGGER}")
            t0 = time.perf_counter()
            summaries.rebuild(conn)
            out["rebuild_seconds"] = round(time.perf_counter() - t0, 1)
            print(f"  summaries rebuilt in {out['rebuild_seconds']} s", flush=True)
        device = uuid.UUID(int=rng.getrandbits(128), version=4)
        buffer = io.StringIO()
        for seq in range(1, per_student + 1):
            at = START + timedelta(minutes=seq)
            card = rng.randrange(2_000)
            event = uuid.UUID(int=rng.getrandbits(128), version=4)
            prompt = (f"deck{card % 10}", f"card{card}", "main")
            buffer.write(
                event_line(event, device, "review", at, prompt, payload(rng, at), login, seq)
            )
        t0 = time.perf_counter()
        copy_text(conn, buffer.getvalue())
        copy_s["off" if number < bulk else "on"] += time.perf_counter() - t0
        if number % 20 == 19:
            done = (number + 1) * per_student
            rate = done / (time.perf_counter() - started)
            print(f"  preloaded {done:,} events ({rate:,.0f}/s)", flush=True)
    conn.execute("VACUUM (ANALYZE) studyapp.events")
    seconds = time.perf_counter() - started
    size = conn.execute("SELECT pg_total_relation_size('studyapp.events_p00') * 16").fetchone()
    for state, students in (("off", bulk), ("on", sampled)):
        if students:
            out[f"trigger_{state}"] = {
                "events": students * per_student,
                "copy_seconds": round(copy_s[state], 1),
                "copy_events_per_second": round(students * per_student / copy_s[state]),
            }
    return {
        "events": per_student * len(logins),
        "seconds": round(seconds, 1),
        "events_per_second": round(per_student * len(logins) / seconds),
        "approx_bytes": int(size[0]) if size else None,
        **out,
    }


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------
def connect_student(pg: pgserver.PgServer, login: str, password: str) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=pg.host,
        port=pg.port,
        dbname=DATABASE,
        user=login,
        password=password,
        sslmode="require",
        autocommit=True,
    )


def simulate(
    pg: pgserver.PgServer,
    passwords: dict[str, str],
    cursors: dict[str, int],
    reviews_each: int,
    rounds: int,
    workers: int,
) -> dict[str, Any]:
    """Every student syncs ``rounds`` times on its own connection, at most
    ``workers`` at once; the latency of each sync (push + pull)."""
    todo: queue.Queue[str] = queue.Queue()
    for login in passwords:
        todo.put(login)
    latencies: list[float] = []
    connects: list[float] = []
    moved = {"pushed": 0, "pulled": 0}
    lock = threading.Lock()
    failures: list[BaseException] = []

    def student(login: str) -> None:
        rng = random.Random(login)
        devices = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(2)]
        device_cursor = {device: cursors[login] for device in devices}
        began = time.perf_counter()
        with connect_student(pg, login, passwords[login]) as conn:
            connected = time.perf_counter()
            mine: list[float] = []
            pushed = pulled = 0
            for round_ in range(rounds):
                device = devices[round_ % 2]
                batch = reviews(
                    rng, device, reviews_each // rounds, START + timedelta(days=400 + round_)
                )
                t0 = time.perf_counter()
                pushed += push(conn, batch)
                page = pull(conn, device, device_cursor[device])
                mine.append(time.perf_counter() - t0)
                device_cursor[device] = page.cursor
                pulled += len(page.events)
        with lock:
            connects.append(connected - began)
            latencies.extend(mine)
            moved["pushed"] += pushed
            moved["pulled"] += pulled

    def worker() -> None:
        while True:
            try:
                login = todo.get_nowait()
            except queue.Empty:
                return
            try:
                student(login)
            except BaseException as exc:  # reported after the phase
                failures.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise failures[0]
    ms = sorted(x * 1e3 for x in latencies)
    return {
        "students": len(passwords),
        "syncs": len(ms),
        "concurrent": workers,
        "sync_ms": {
            "p50": round(statistics.median(ms), 2),
            "p95": round(ms[int(0.95 * (len(ms) - 1))], 2),
            "max": round(ms[-1], 2),
        },
        "connect_ms_p50": round(statistics.median(connects) * 1e3, 2),
        "pushed": moved["pushed"],
        "pulled": moved["pulled"],
        "seconds": round(wall, 2),
        "events_per_second": round((moved["pushed"] + moved["pulled"]) / wall),
        "pushed_per_second": round(moved["pushed"] / wall),
    }


def event_line(
    event: uuid.UUID,
    device: uuid.UUID,
    kind: str,
    at: datetime,
    prompt: tuple[str, str, str] | None,
    body: dict[str, Any],
    login: str,
    seq: int,
) -> str:
    """One event as a line of COPY's text format, in ``COPY_COLUMNS`` order."""
    deck, card, sibling = prompt if prompt else ("\\N", "\\N", "\\N")
    return (
        f"{event}\t{device}\t{kind}\t{at.isoformat()}\t{deck}\t{card}\t{sibling}\t\\N"
        f"\t{json.dumps(body)}\t{login}\t{seq}\n"
    )


def copy_text(conn: psycopg.Connection[Any], text: str) -> None:
    """Lines of :func:`event_line` into the events table, in one transaction."""
    with (
        conn.transaction(),
        conn.cursor() as cur,
        cur.copy(f"COPY studyapp.events ({COPY_COLUMNS}) FROM STDIN") as copy,
    ):
        copy.write(text)


def bare_copy(
    conn: psycopg.Connection[Any], student: str, events: Sequence[Event], after: int = 0
) -> None:
    """The baseline: the same rows, COPY'd straight into the events table as
    ``student``'s, numbered after ``after``, in one transaction (by the
    superuser: COPY FROM is not allowed where row-level security applies)."""
    binary_copy = f"COPY studyapp.events ({COPY_COLUMNS}) FROM STDIN (FORMAT BINARY)"
    with conn.transaction(), conn.cursor() as cur, cur.copy(binary_copy) as copy:
        copy.set_types(COPY_TYPES)
        for n, event in enumerate(events, start=after + 1):
            copy.write_row((*event_row(event), student, n))


def versus_copy(
    measured: Callable[[int], Callable[[], object]],
    baseline: Callable[[int], Callable[[], object]],
    reps: int,
) -> dict[str, Any]:
    """Interleaved A, B, A, B, ... timings (each callable prepared before its
    timer starts); medians and their ratio."""
    a: list[float] = []
    b: list[float] = []
    for rep in range(reps):
        for prepare, samples in ((measured, a), (baseline, b)):
            fn = prepare(rep)
            gc.collect()
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1e3)
    push_ms, copy_ms = statistics.median(a), statistics.median(b)
    return {
        "push_ms": round(push_ms, 2),
        "copy_ms": round(copy_ms, 2),
        "ratio": round(push_ms / copy_ms, 2),
        "reps": reps,
        "push_samples_ms": [round(x, 2) for x in a],
        "copy_samples_ms": [round(x, 2) for x in b],
    }


def push_versus_copy(
    pg: pgserver.PgServer,
    passwords: dict[str, str],
    boss: psycopg.Connection[Any],
    size: int,
    reps: int,
    *,
    cold: bool,
    first: bool = False,
) -> dict[str, Any]:
    """A push of ``size`` reviews against a bare COPY of the same rows.

    ``cold``: each on a new connection (a device connects, pushes, leaves:
    the backend's caches are empty and the temporary table is created), else
    both on connections that have done one already. ``first``: each push is a
    new student's first sync (no events on the server yet). Connecting is
    never timed.
    """
    rng = random.Random(size * 2 + cold)
    logins = sorted(passwords)[:reps]
    if first:
        made = enroll(boss, [Person(f"first{size}_{n}") for n in range(reps)])
        passwords = {**passwords, **{done.login: done.password or "" for done in made}}
        logins = [done.login for done in made]
    opened: list[psycopg.Connection[Any]] = []

    def connection(login: str | None) -> psycopg.Connection[Any]:
        """A new connection, as ``login`` (None: the superuser), used once."""
        conn = admin(pg) if login is None else connect_student(pg, login, passwords[login])
        conn.execute("SELECT 1")
        opened.append(conn)
        return conn

    warm = {} if cold else {login: connection(login) for login in logins}
    for conn in warm.values():  # the first push of a connection creates its temporary table
        push(conn, reviews(rng, uuid.UUID(int=rng.getrandbits(128), version=4), 1, START))
    admin_warm = connection(None)
    tag = uuid.uuid4().hex[:8]  # baseline "students": new names, seq from 1
    bare_copy(admin_warm, f"warmup_{tag}", reviews(rng, uuid.uuid4(), 1, START))
    device = uuid.UUID(int=rng.getrandbits(128), version=4)

    def measured(rep: int) -> Callable[[], object]:
        login = logins[rep % len(logins)]
        conn = warm.get(login) or connection(login)
        events = reviews(rng, device, size, START + timedelta(days=500 + rep))
        return lambda: push(conn, events)

    def baseline(rep: int) -> Callable[[], object]:
        # The same student as the push of this round (a first sync: a new one),
        # so both add to an index range of the same size.
        student = f"baseline_{tag}_{rep}" if first else logins[rep % len(logins)]
        conn = connection(None) if cold else admin_warm
        top = conn.execute(
            "SELECT coalesce(max(seq), 0) FROM studyapp.events WHERE student = %s", (student,)
        ).fetchone()
        events = reviews(rng, device, size, START + timedelta(days=600 + rep))
        return lambda: bare_copy(conn, student, events, int(top[0]) if top else 0)

    try:
        return versus_copy(measured, baseline, reps)
    finally:
        for conn in opened:
            conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--reviews", type=int, default=200, help="reviews each student pushes")
    parser.add_argument("--rounds", type=int, default=4, help="syncs per student")
    parser.add_argument("--workers", type=int, default=16, help="students syncing at once")
    parser.add_argument("--first-sync", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=21, help="push vs COPY repetitions")
    add_preload_options(parser)
    parser.add_argument("--quick", action="store_true", help="100,000 events, fewer reps")
    parser.add_argument("--json", type=Path, default=HERE / "sync-results.json")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.reps = 100_000, 7
    base = Path(tempfile.mkdtemp(prefix="studyapp-bench-pg-"))
    base.chmod(0o755)
    folder = base / "cluster"
    free = shutil.disk_usage(base).free
    print(f"cluster in {folder} ({free / 1e9:.0f} GB free)", flush=True)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "parameters": {k: v for k, v in vars(args).items() if k not in ("json", "keep")},
    }
    try:
        pg = start_cluster(folder)
        with admin(pg) as boss:
            results["server"] = boss.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            migrate(boss)
            people = [Person(f"student{n:03d}") for n in range(args.students)]
            passwords = {e.login: e.password or "" for e in enroll(boss, people)}
            print(f"preloading {args.events:,} events for {args.students} students", flush=True)
            results["preload"] = preload(
                boss, sorted(passwords), args.events, trigger_students=args.trigger_students
            )
            per_student = args.events // args.students
            cursors = dict.fromkeys(passwords, per_student)
            print("syncing", flush=True)
            results["sync"] = simulate(
                pg, passwords, cursors, args.reviews, args.rounds, args.workers
            )
            # Leave autovacuum nothing to do after the sync phase's inserts (it
            # would compete for the CPU with the timings below).
            boss.execute("VACUUM (ANALYZE) studyapp.events")
            for name, cold in (("push_vs_copy_warm", False), ("push_vs_copy_cold", True)):
                print(f"one push vs bare COPY ({name[-4:]})", flush=True)
                results[name] = push_versus_copy(
                    pg, passwords, boss, args.reviews, args.reps, cold=cold
                )
            print(f"first sync of {args.first_sync:,} events vs bare COPY", flush=True)
            results["first_sync"] = push_versus_copy(
                pg, passwords, boss, args.first_sync, 3, cold=True, first=True
            )
            total = boss.execute("SELECT count(*) FROM studyapp.events").fetchone()
            results["events_at_end"] = int(total[0]) if total else None
            size = boss.execute("SELECT pg_database_size(current_database())").fetchone()
            results["database_bytes"] = int(size[0]) if size else None
    finally:
        if args.keep:
            print(f"cluster left running in {folder}")
        else:
            pgserver.stop(folder)
            shutil.rmtree(base, ignore_errors=True)
    report(results)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


def report(results: dict[str, Any]) -> None:
    sync, first = results["sync"], results["first_sync"]
    print(f"\nPostgreSQL {results['server']}; {results['events_at_end']:,} events at the end")
    pre = results["preload"]
    print(
        f"preload: {pre['events']:,} events in {pre['seconds']} s ({pre['events_per_second']:,}/s)"
    )
    ms = sync["sync_ms"]
    print(
        f"sync ({sync['students']} students, {sync['syncs']} syncs, {sync['concurrent']} at once): "
        f"p50 {ms['p50']} ms, p95 {ms['p95']} ms, max {ms['max']} ms; "
        f"{sync['events_per_second']:,} events/s ({sync['pushed']:,} pushed, "
        f"{sync['pulled']:,} pulled in {sync['seconds']} s)"
    )
    rows = (
        ("one push, connections in use", results["push_vs_copy_warm"]),
        ("one push, new connections", results["push_vs_copy_cold"]),
        ("first sync", first),
    )
    for name, row in rows:
        met = "met" if row["ratio"] <= 2 else "MISSED"
        print(
            f"{name}: {row['push_ms']} ms vs bare COPY {row['copy_ms']} ms: "
            f"{row['ratio']}x (target <= 2x: {met})"
        )


if __name__ == "__main__":
    raise SystemExit(main())
