"""How long the two importers take on the benchmark data (issue 16's import targets).

Usage::

    python benchmarks/imports.py [--data DIR] [--rounds N] [--json PATH]

* ``import-reviews``: the benchmark database's 100,000 reviews written as one CSV per deck
  (10 files, the columns of ``review_log_josh.csv``), imported one after another with the
  installed ``studyapp import-reviews`` into a fresh data folder (the deck cache warmed first,
  as a student's is). Target: all 10 files in at most 5 s.
* ``import`` (CSV cards): the 10,000 cards exported with ``studyapp export`` as one CSV, made
  into a deck by ``studyapp import`` in process; the baseline is ``yaml.dump`` with
  ``yaml.CDumper`` writing the same deck (the YAML the import wrote, loaded back) to a file.
  The two alternate, ``--rounds`` times; the medians and their ratio are printed. Target:
  at most 2x.

The data come from ``benchmarks/generate.py`` (reused while its parameters match).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def review_csvs(db: Path, out: Path) -> dict[str, Path]:
    """One CSV per deck of the database's live reviews; deck id -> file."""
    files: dict[str, Path] = {}
    handles: dict[str, Any] = {}
    writers: dict[str, Any] = {}
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT deck_id, card_id, rating, reviewed_at, duration_ms FROM review_log "
            "WHERE action = 'review' AND undone_at IS NULL ORDER BY id"
        )
        for deck_id, card_id, rating, at, duration in rows:
            if deck_id not in writers:
                files[deck_id] = out / f"{deck_id}-reviews.csv"
                handles[deck_id] = files[deck_id].open("w", encoding="utf-8", newline="")
                writers[deck_id] = csv.writer(handles[deck_id])
                writers[deck_id].writerow(
                    ["card_id", "review_rating", "review_time", "review_duration"]
                )
            writers[deck_id].writerow([card_id, rating, at, duration or 0])
    for handle in handles.values():
        handle.close()
    return files


def studyapp(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, STUDYAPP_HOME=str(home), PYTHONDONTWRITEBYTECODE="")
    env["PYTHONPYCACHEPREFIX"] = str(generate.DEFAULT_OUT / "pycache")
    command = [str(Path(sys.executable).with_name("studyapp")), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True)


def bench_import_reviews(data: Path, work: Path, rounds: int) -> dict[str, Any]:
    files = review_csvs(data / "home" / "studyapp.db", work)
    decks = str(data / "decks")
    totals: list[float] = []
    rows = 0
    for round_ in range(rounds):
        home = work / f"home-{round_}"
        studyapp("--decks", decks, "due", home=home)  # warm the deck cache
        started = time.perf_counter()
        for deck_id, path in sorted(files.items()):
            studyapp("--decks", decks, "import-reviews", str(path), "--deck", deck_id, home=home)
        totals.append(time.perf_counter() - started)
        with sqlite3.connect(home / "studyapp.db") as conn:
            rows = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    return {"files": len(files), "rows": rows, "seconds": totals}


def bench_import_cards(data: Path, work: Path, rounds: int) -> dict[str, Any]:
    import yaml

    from studyapp.cli import main as cli

    decks = str(data / "decks")
    home = work / "home-cards"
    table = work / "cards.csv"
    studyapp("export", decks, "--format", "csv", "-o", str(table), home=home)
    deck_yaml = work / "imported.yaml"
    os.environ["STUDYAPP_HOME"] = str(home)
    args = ["import", str(table), "--deck-id", "imported", "-o", str(deck_yaml), "--force"]
    devnull = open(os.devnull, "w")  # noqa: SIM115
    stdout = sys.stdout
    try:
        sys.stdout = devnull
        assert cli(args) == 0
        document = yaml.load(deck_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        baseline_out = work / "cdumper.yaml"
        measured: list[float] = []
        baseline: list[float] = []
        for _ in range(rounds):
            gc.collect()
            t0 = time.perf_counter()
            with baseline_out.open("w", encoding="utf-8") as handle:
                yaml.dump(document, handle, Dumper=yaml.CDumper, allow_unicode=True)
            baseline.append(time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            assert cli(args) == 0
            measured.append(time.perf_counter() - t0)
    finally:
        sys.stdout = stdout
        devnull.close()
    return {
        "cards": len(document["cards"]),
        "seconds": measured,
        "baseline_seconds": baseline,
        "ratio": statistics.median(measured) / statistics.median(baseline),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="data folder")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (median reported)")
    parser.add_argument("--only", choices=("reviews", "cards"), default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the samples here")
    args = parser.parse_args(argv)
    generate.ensure(args.data)
    results: dict[str, Any] = {
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="studyapp-imports-") as tmp:
        work = Path(tmp)
        if args.only in (None, "reviews"):
            reviews = bench_import_reviews(args.data, work, args.rounds)
            results["import_reviews"] = reviews
            print(
                f"import-reviews: {reviews['rows']:,} rows in {reviews['files']} files: "
                f"{statistics.median(reviews['seconds']):.2f} s median "
                f"({min(reviews['seconds']):.2f}-{max(reviews['seconds']):.2f}), target <= 5 s"
            )
        if args.only in (None, "cards"):
            cards = bench_import_cards(args.data, work, args.rounds)
            results["import_cards"] = cards
            print(
                f"import (CSV, {cards['cards']:,} cards): "
                f"{statistics.median(cards['seconds']) * 1e3:.0f} ms vs yaml.CDumper "
                f"{statistics.median(cards['baseline_seconds']) * 1e3:.0f} ms: "
                f"{cards['ratio']:.2f}x, target <= 2x"
            )
    results["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"{results['cpus']} CPUs, load {results['load']} -> {results['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
