"""How the cost grows with the library and the history (issue 16's growth table).

Usage::

    python benchmarks/growth.py [--reps N] [--json PATH]

Five data sets from ``benchmarks/generate.py`` (kept under ``benchmarks/.data/growth-*``,
the 10k/100k one is the main data set): 1,000, 10,000 and 50,000 cards with 100,000
reviews, and 10,000 cards with 10,000, 100,000 and 1,000,000 reviews. For each:

* **first card**: a fresh interpreter runs ``run.py``'s TUI script (imports, ``StudyApp``
  with a warm deck cache, home, ``a``, until the review screen shows the card); its peak
  **RSS** is read from the child's resource usage (``os.wait4``);
* **home counts**: ``services.deck_rows`` (what the home screen shows), in process;
* **queue build**: ``StudySession`` on every deck, in process;
* **stats**: ``store.stats.stats_report`` (every figure of ``studyapp stats``), in process;
* **log read**: a bare ``sqlite3`` read of the review rows ``stats`` reads (the baseline of
  ``stats --json``'s target).

Medians of ``--reps`` repetitions. Absolute times on a shared machine: compare within a row.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import run  # noqa: E402
import stats as stats_benchmark  # noqa: E402

SETS = [(1_000, 100_000), (10_000, 100_000), (50_000, 100_000), (10_000, 10_000)]
SETS += [(10_000, 1_000_000)]


def folder(cards: int, reviews: int) -> Path:
    if (cards, reviews) == (generate.DEFAULT_CARDS, generate.DEFAULT_REVIEWS):
        return generate.DEFAULT_OUT
    return generate.DEFAULT_OUT.parent / ".data" / f"growth-{cards}-{reviews}"


def median_ms(call: Callable[[], object], reps: int) -> float:
    samples = []
    for _ in range(reps):
        gc.collect()
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1e3)
    return statistics.median(samples)


def first_card(data: Path) -> tuple[float, float, dict[str, Any]]:
    """Wall ms and peak RSS (MB) of one fresh interpreter to the first card."""
    command = [
        sys.executable,
        "-c",
        run.TUI_SCRIPT,
        str(data / "decks"),
        str(data / "home" / "cache" / "decks"),
        str(data / "home" / "studyapp.db"),
    ]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="")
    env["PYTHONPYCACHEPREFIX"] = str(generate.DEFAULT_OUT / "pycache")
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = (time.perf_counter() - started) * 1e3
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"the TUI script failed on {data}")
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return wall, rss, json.loads(out.strip().splitlines()[-1])


def measure(data: Path, reps: int) -> dict[str, Any]:
    from studyapp.app.config import Settings
    from studyapp.app.services import deck_rows
    from studyapp.core.library import load_library
    from studyapp.core.study.scheduling import Policy
    from studyapp.core.study.session import DailyLimits, StudySession
    from studyapp.store import Store
    from studyapp.store.stats import stats_report

    first_card(data)  # warm-up: bytecode, deck cache, page cache
    runs = [first_card(data) for _ in range(reps)]
    library = load_library([data / "decks"], cache_dir=data / "home" / "cache" / "decks")
    decks = library.decks
    settings = Settings(deck_dirs=(data / "decks",), include_bundled=False)
    policy = Policy()
    now = datetime.now(UTC)
    db = data / "home" / "studyapp.db"
    with Store.open(db) as store:
        home = median_ms(lambda: deck_rows(library, store, settings, lambda: now), reps)
        queue = median_ms(
            lambda: StudySession(decks, store, policy, lambda: now, limits=lambda _: DailyLimits()),
            reps,
        )
        stats = median_ms(lambda: stats_report(store, decks, policy, now), reps)
    with sqlite3.connect(db) as conn:

        def bare_read() -> list[Any]:
            return conn.execute(stats_benchmark.BARE_READ).fetchall()

        log_read = median_ms(bare_read, reps)
    return {
        "first_card_ms": statistics.median(r[0] for r in runs),
        "first_card_phases_ms": {
            key: statistics.median(r[2][key] for r in runs)
            for key in ("import_ms", "construct_ms", "home_ms", "to_card_ms")
        },
        "rss_mb": statistics.median(r[1] for r in runs),
        "home_counts_ms": home,
        "queue_build_ms": queue,
        "stats_ms": stats,
        "log_read_ms": log_read,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"load_before": os.getloadavg(), "rows": []}
    print(
        f"{'cards':>7} {'reviews':>9} {'1st card':>9} {'RSS MB':>7} {'home':>7} "
        f"{'queue':>7} {'stats':>8} {'log read':>9} {'ratio':>6}   (ms; reviews written)"
    )
    for cards, reviews in SETS:
        data = folder(cards, reviews)
        manifest = generate.ensure(data, cards=cards, reviews=reviews)
        # The generator studies the way a student does: with few cards it cannot reach the
        # reviews asked for (1,000 cards: ~28k of 100k), so the table shows what it wrote.
        written = manifest["reviews_written"]
        row = {"cards": cards, "reviews": reviews, "reviews_written": written}
        row |= measure(data, args.reps)
        results["rows"].append(row)
        print(
            f"{cards:>7,} {written:>9,} {row['first_card_ms']:>9.0f} {row['rss_mb']:>7.0f} "
            f"{row['home_counts_ms']:>7.0f} {row['queue_build_ms']:>7.0f} "
            f"{row['stats_ms']:>8.0f} {row['log_read_ms']:>9.0f} "
            f"{row['stats_ms'] / row['log_read_ms']:>5.2f}x",
            flush=True,
        )
    results["load_after"] = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load {results['load_before']} -> {results['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
