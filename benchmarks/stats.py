"""How long the statistics take on the benchmark data (10,000 cards, 100,000 reviews).

Usage::

    python benchmarks/stats.py [--data DIR] [--reps N]

Times the two store reads (the live review log, the card states) and the
computation of every figure (:func:`studyapp.core.progress.stats.compute_stats_from_log`),
interleaved with the baseline of issue 16's target: a bare ``sqlite3`` read of the
review rows (``fetchall``), and prints the medians and the ratio of the total to the
baseline (target: at most 2x). The data come from ``benchmarks/generate.py`` (reused
while its parameters match), as for ``run.py``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

BARE_READ = (
    "SELECT deck_id, card_id, sibling, reviewed_at, rating, state_before, duration_ms, "
    "scheduled_due, kind, picked FROM review_log WHERE action = 'review' "
    "AND undone_at IS NULL AND rating IS NOT NULL ORDER BY id"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="data folder")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (median reported)")
    args = parser.parse_args(argv)

    from studyapp.core.library import load_library
    from studyapp.core.progress.stats import compute_stats_from_log
    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store
    from studyapp.store.stats import log_rows

    generate.ensure(args.data)
    library = load_library([args.data / "decks"], cache_dir=args.data / "home" / "cache" / "decks")
    decks = library.decks
    ids = [deck.id for deck in decks]
    policy = Policy()
    now = datetime.now(UTC)
    times: dict[str, list[float]] = {"log": [], "states": [], "compute": [], "total": []}
    bare: list[float] = []
    database = args.data / "home" / "studyapp.db"
    with Store.open(database) as store, sqlite3.connect(database) as conn:
        log_rows(store)  # warm the page cache
        for _ in range(args.reps):
            gc.collect()
            t0 = time.perf_counter()
            conn.execute(BARE_READ).fetchall()
            bare.append((time.perf_counter() - t0) * 1e3)
            gc.collect()
            t0 = time.perf_counter()
            rows = log_rows(store)
            t1 = time.perf_counter()
            states = store.card_states(ids)
            t2 = time.perf_counter()
            report = compute_stats_from_log(rows, states, decks, policy, now)
            t3 = time.perf_counter()
            for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                times[name].append(seconds * 1e3)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(
        f"{len(rows)} reviews, {report.counts.total} prompts in {len(decks)} decks; "
        f"{os.cpu_count()} CPUs, load {load}"
    )
    for name, values in times.items():
        print(f"{name:>8}: {statistics.median(values):7.0f} ms (median of {len(values)})")
    ratio = statistics.median(times["total"]) / statistics.median(bare)
    print(
        f"    bare: {statistics.median(bare):7.0f} ms (sqlite3 fetchall of the review rows); "
        f"total / bare = {ratio:.2f}x, target <= 2x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
