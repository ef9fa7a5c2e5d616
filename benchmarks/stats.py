"""How long the statistics take on the benchmark data (10,000 cards, 100,000 reviews).

Usage::

    python benchmarks/stats.py [--data DIR] [--reps N]

Times the two store reads (the live review log, the card states) and the
computation of every figure (:func:`studyapp.core.progress.stats.compute_stats`), and
prints the medians. The data come from ``benchmarks/generate.py`` (reused
while its parameters match), as for ``run.py``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="data folder")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (median reported)")
    args = parser.parse_args(argv)

    from studyapp.core.library import load_library
    from studyapp.core.progress.stats import compute_stats
    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store
    from studyapp.store.stats import review_rows

    generate.ensure(args.data)
    library = load_library([args.data / "decks"], cache_dir=args.data / "home" / "cache" / "decks")
    decks = library.decks
    ids = [deck.id for deck in decks]
    policy = Policy()
    now = datetime.now(UTC)
    times: dict[str, list[float]] = {"log": [], "states": [], "compute": [], "total": []}
    with Store.open(args.data / "home" / "studyapp.db") as store:
        review_rows(store)  # warm the page cache
        for _ in range(args.reps):
            gc.collect()
            t0 = time.perf_counter()
            rows = review_rows(store)
            t1 = time.perf_counter()
            states = store.card_states(ids)
            t2 = time.perf_counter()
            report = compute_stats(rows, states, decks, policy, now)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
