"""The class report's benchmark, on a real local PostgreSQL.

Usage::

    python benchmarks/class_report.py [--events 10000000] [--students 200] [--quick]
                                      [--json benchmarks/class-report-results.json]
                                      [--keep] [--cluster FOLDER] [--trigger-students N]

It starts a private cluster and preloads a class as ``benchmarks/sync.py``
does (its ``start_cluster``, ``preload``; the review payloads also carry
``reps`` and ``lapses`` as a device sends them): by COPY with the summary
trigger off, the summaries then rebuilt from the events by the migrations'
own backfill SQL, and the last ``--trigger-students`` students through the
trigger (its cost per event, measured). Two class exams of 20 questions are
published and every student sits both (their ``exam`` events pushed).
``--keep`` leaves the cluster running; ``--cluster FOLDER`` measures on it
again (after migrating it to this studyapp's schema, timed), which is how a
change is measured at 10 million events without a 40-minute preload.

Measured, interleaved (report, scan, report, scan, ...), medians of
``--reps``:

* **report**: the whole instructor's report (``class report``'s
  ``gather`` and its text rendering: participation, at risk, topics, hardest
  cards, misconceptions, per student, both exams' item analysis);
* **scan**: one ``SELECT count(*) FROM studyapp.events``.

Target: the report is faster than the one scan (it reads summaries and their
rollups, not events). Then **push**: one student's push of ``--push-size``
reviews with no summary trigger, with the summaries' and with the summaries'
and rollups', interleaved (``--push-reps`` each, medians). The cluster is
deleted at the end unless ``--keep`` or ``--cluster``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from psycopg import sql

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import sync as sync_bench  # noqa: E402

from studyapp.commands.class_report import gather  # noqa: E402
from studyapp.render.class_report import render_text  # noqa: E402
from studyapp.server import summaries  # noqa: E402
from studyapp.server.exams import publish_exam  # noqa: E402
from studyapp.server.handout import Person  # noqa: E402
from studyapp.server.migrate import migrate  # noqa: E402
from studyapp.server.report import Filters  # noqa: E402
from studyapp.server.roles import enroll  # noqa: E402
from tests import pgserver  # noqa: E402

_plain_payload = sync_bench.payload


def payload(rng: random.Random, at: datetime) -> dict[str, Any]:
    """sync.py's review payload, with the repetition and lapse counts a device sends."""
    data = _plain_payload(rng, at)
    data["reps"] = rng.randint(1, 12)
    data["lapses"] = rng.choices((0, 1, 2, 9), (70, 20, 8, 2))[0]
    if data["card_kind"] == "typed" and data["rating"] == 1:
        data["answer"] = rng.choice(("atropine", "Atropine.", "adrenaline", "ATROPINE"))
    return data


def sit_exams(conn: Any, logins: list[str], rng: random.Random) -> dict[str, Any]:
    """Publish two exams of 20 questions; every student sits both (COPY as the
    administering role, the trigger records the sittings)."""
    started = time.perf_counter()
    opens = sync_bench.START
    buffer = io.StringIO()
    seq_base = 10**9
    for number in range(2):
        questions = [
            {"deck": f"deck{q % 10}", "card": f"card{q}", "sibling": "main", "kind": "choice"}
            for q in range(number * 20, number * 20 + 20)
        ]
        exam = publish_exam(
            conn,
            title=f"exam {number + 1}",
            deck_id="deck0",
            topic=None,
            time_limit_s=900,
            opens_at=opens,
            closes_at=opens + timedelta(days=365),
            questions=questions,
        )
        for n, login in enumerate(logins):
            ability = rng.gauss(0, 1)
            answers = []
            for q, question in enumerate(questions):
                right = rng.random() < 1 / (1 + 2.718 ** (-(ability - (q - 10) / 5)))
                answers.append(
                    {**question, "correct": right, "picked": "A" if right else "BCD"[q % 3]}
                )
            at = opens + timedelta(days=30 * (number + 1), minutes=n)
            body = {
                "answers": answers,
                "score": sum(a["correct"] for a in answers),
                "total": 20,
                "mode": "timed",
                "class_exam": exam.exam_id,
                "started_at": (at - timedelta(minutes=14)).isoformat(),
            }
            event = uuid.UUID(int=rng.getrandbits(128), version=4)
            device = uuid.UUID(int=n + 1)
            seq = seq_base + number
            buffer.write(sync_bench.event_line(event, device, "exam", at, None, body, login, seq))
    sync_bench.copy_text(conn, buffer.getvalue())
    sittings = conn.execute("SELECT count(*) FROM studyapp.exam_sitting").fetchone()
    return {
        "sittings": int(sittings[0]) if sittings else 0,
        "seconds": round(time.perf_counter() - started, 2),
    }


# What a push keeps up to date, from nothing to everything: the triggers on
# the events (migration 0005) and on the summaries (0008: their rollups).
TRIGGERS = {
    "none": (),
    "summaries": (("events", "events_summarise"),),
    "rollups": (
        ("events", "events_summarise"),
        ("stat_day", "stat_day_roll_up_insert"),
        ("stat_day", "stat_day_roll_up_update"),
        ("stat_prompt", "stat_prompt_roll_up_insert"),
        ("stat_prompt", "stat_prompt_roll_up_update"),
        ("stat_answer", "stat_answer_roll_up_insert"),
        ("stat_answer", "stat_answer_roll_up_update"),
        ("stat_answer", "stat_answer_roll_up_delete"),
    ),
}


def push_cost(pg: pgserver.PgServer, boss: Any, size: int, reps: int) -> dict[str, Any]:
    """One student's push of ``size`` reviews (``studyapp.server.sync.push``,
    connected as the student) with no summary trigger, with the summaries'
    (0005), and with the summaries' and their rollups' (0008, as a class
    runs), interleaved; the triggers are switched between pushes (not timed),
    after a first push (not timed) has made the push's temporary table. The
    reviews are dated within the class's term (no day after the report's)."""
    row = boss.execute(
        "SELECT r.login, (SELECT count(*) FROM studyapp.events e WHERE e.student = r.login)"
        " FROM studyapp.roster r WHERE r.role = 'student' ORDER BY r.login LIMIT 1"
    ).fetchone()
    rng = random.Random(f"{size}/{row[1]}")  # new events each run, never a repeat
    password = uuid.uuid4().hex  # a new one: the build's passwords are not kept
    boss.execute(
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(row[0]), sql.Literal(password))
    )
    every = TRIGGERS["rollups"]
    samples: dict[str, list[float]] = {name: [] for name in TRIGGERS}
    with sync_bench.connect_student(pg, row[0], password) as conn:
        sync_bench.push(conn, sync_bench.reviews(rng, uuid.uuid4(), 1, sync_bench.START))
        try:
            for rep in range(reps):
                for name, enabled in TRIGGERS.items():
                    for table, trigger in every:
                        state = "ENABLE" if (table, trigger) in enabled else "DISABLE"
                        boss.execute(f"ALTER TABLE studyapp.{table} {state} TRIGGER {trigger}")
                    device = uuid.UUID(int=rng.getrandbits(128), version=4)
                    events = sync_bench.reviews(
                        rng, device, size, sync_bench.START + timedelta(hours=rep)
                    )
                    started = time.perf_counter()
                    sync_bench.push(conn, events)
                    samples[name].append((time.perf_counter() - started) * 1e3)
        finally:
            for table, trigger in every:
                boss.execute(f"ALTER TABLE studyapp.{table} ENABLE TRIGGER {trigger}")
    medians = {name: statistics.median(ms) for name, ms in samples.items()}
    return {
        "reviews": size,
        "reps": reps,
        "push_ms_median": {name: round(ms, 2) for name, ms in medians.items()},
        "over_none": {name: round(ms / medians["none"], 2) for name, ms in medians.items()},
        "push_ms": {name: [round(x, 2) for x in ms] for name, ms in samples.items()},
    }


def measure(conn: Any, reps: int, now: datetime) -> dict[str, Any]:
    report_s, scan_s = [], []
    sizes = {}
    for _ in range(reps):
        started = time.perf_counter()
        made = gather(conn, Filters(now))
        text = render_text(made)
        report_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        count = conn.execute("SELECT count(*) FROM studyapp.events").fetchone()
        scan_s.append(time.perf_counter() - started)
        sizes = {
            "events": int(count[0]) if count else 0,
            "report_lines": text.count("\n"),
            "students": made.participation.students,
            "at_risk": len(made.at_risk),
            "exams": {t: {"students": e.students, "mean": e.mean} for t, e in made.exams.items()},
        }
    report_median, scan_median = statistics.median(report_s), statistics.median(scan_s)
    return {
        **sizes,
        "report_seconds_median": round(report_median, 3),
        "scan_seconds_median": round(scan_median, 3),
        "report_over_scan": round(report_median / scan_median, 3),
        "report_seconds": [round(s, 3) for s in report_s],
        "scan_seconds": [round(s, 3) for s in scan_s],
    }


def running(folder: Path) -> pgserver.PgServer:
    """The cluster a ``--keep`` run left in ``folder`` (its ``pgpass`` names the port)."""
    host, port, _, user, _ = (folder / "pgpass").read_text().strip().split(":", 4)
    pg = pgserver.PgServer(host, int(port), user, folder / "pgpass")
    pgserver.wait_ready(pg)
    return pg


def build(pg: pgserver.PgServer, args: argparse.Namespace, results: dict[str, Any]) -> None:
    """The class: schema, students, the preload, the exams."""
    with sync_bench.admin(pg) as boss:
        results["server"] = boss.execute("SHOW server_version").fetchone()[0]
        migrate(boss)
        people = [Person(f"student{n:03d}") for n in range(args.students)]
        logins = sorted(e.login for e in enroll(boss, people))
        print(f"preloading {args.events:,} events for {args.students} students", flush=True)
        results["preload"] = sync_bench.preload(
            boss, logins, args.events, trigger_students=args.trigger_students
        )
        print("two class exams, every student sits both", flush=True)
        results["exams"] = sit_exams(boss, logins, random.Random(15))


def report_on(pg: pgserver.PgServer, args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Bring the class's schema up to date (timed: a new migration's backfill),
    then measure the report against the scan."""
    with sync_bench.admin(pg) as boss:
        started = time.perf_counter()
        applied = migrate(boss)
        if applied:
            results["upgrade"] = {
                "migrations": applied,
                "seconds": round(time.perf_counter() - started, 1),
            }
        boss.execute("VACUUM (ANALYZE)")
        for table in (*summaries.SUMMARY_TABLES, *summaries.ROLLUP_TABLES, "exam_response"):
            rows = boss.execute(f"SELECT count(*) FROM studyapp.{table}").fetchone()
            results.setdefault("summary_rows", {})[table] = int(rows[0]) if rows else 0
        now = sync_bench.START + timedelta(minutes=args.events // args.students + 1)
        print("report vs count(*)", flush=True)
        results["report"] = measure(boss, args.reps, now)
        if args.push_reps:
            print(f"a push of {args.push_size} reviews, with and without the triggers", flush=True)
            results["push"] = push_cost(pg, boss, args.push_size, args.push_reps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="200,000 events")
    parser.add_argument("--json", type=Path, default=HERE / "class-report-results.json")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument(
        "--cluster",
        type=Path,
        metavar="FOLDER",
        help="measure on the cluster a --keep run left in FOLDER (migrated first; kept;"
        " give the same --events and --students)",
    )
    sync_bench.add_preload_options(parser)
    parser.add_argument("--push-size", type=int, default=200, help="reviews per push timed")
    parser.add_argument(
        "--push-reps", type=int, default=11, help="pushes timed per trigger set (0: none)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.events = 200_000
    sync_bench.payload = payload
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": {k: v for k, v in vars(args).items() if k not in ("json", "keep", "cluster")},
    }
    if args.cluster is not None:
        pg = running(args.cluster)
        with sync_bench.admin(pg) as boss:
            results["server"] = boss.execute("SHOW server_version").fetchone()[0]
        report_on(pg, args, results)
    else:
        base = Path(tempfile.mkdtemp(prefix="studyapp-bench-report-"))
        base.chmod(0o755)
        folder = base / "cluster"
        try:
            pg = sync_bench.start_cluster(folder)
            build(pg, args, results)
            report_on(pg, args, results)
        finally:
            if args.keep:
                print(f"cluster left running in {folder}")
            else:
                pgserver.stop(folder)
                shutil.rmtree(base, ignore_errors=True)
    shown = ("preload", "exams", "upgrade", "summary_rows", "report", "push")
    print(json.dumps({k: results[k] for k in shown if k in results}, indent=2))
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
