"""Exam plans against mismatched students: the tables in ``docs/scheduling.md``.

Usage::

    python benchmarks/planning.py [--seeds 6,7,8 | --count 20] [--json PATH]

Each profile of ``tests/unit/planning_sim.py`` (the scheduler's own student, a
fast and a slow forgetter, and a student with the parameters fitted to
``review_log_josh.csv``) studies 150 new prompts (10 new a day) for 30 days
toward an exam with target 0.95, with and without a plan, once per seed. For
each profile it prints the mean (and range) over seeds of the true share of
prompts at the target on the exam day, the share the app predicts (and the
mean of the ends of its range), the share without a plan, and the busiest
day's answers over the mean day's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.unit.planning_sim import Student, profiles, simulate  # noqa: E402


def _spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.0%} ({min(values):.0%}-{max(values):.0%})"


def measure(student: Student, seeds: list[int], tmp: Path) -> dict[str, Any]:
    planned = [simulate(tmp, student=student, seed=seed) for seed in seeds]
    unplanned = [simulate(tmp, student=student, seed=seed, planned=False) for seed in seeds]
    return {
        "student": student.name,
        "seeds": seeds,
        "true_share": [run.share_at() for run in planned],
        "predicted_share": [run.predicted_share for run in planned],
        "predicted_low": [run.predicted_low for run in planned],
        "predicted_high": [run.predicted_high for run in planned],
        "unplanned_share": [run.share_at() for run in unplanned],
        "load_ratio": [run.load_ratio for run in planned],
        "unplanned_load_ratio": [run.load_ratio for run in unplanned],
        "worst_true_recall": [min(run.recall) for run in planned],
    }


def row(result: dict[str, Any]) -> str:
    low = statistics.mean(result["predicted_low"])
    high = statistics.mean(result["predicted_high"])
    ratios = result["load_ratio"]
    return (
        f"| {result['student']} | {_spread(result['true_share'])} "
        f"| {statistics.mean(result['predicted_share']):.0%} ({low:.0%}-{high:.0%}) "
        f"| {_spread(result['unplanned_share'])} "
        f"| {statistics.mean(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="6,7,8", help="comma-separated seeds")
    parser.add_argument("--count", type=int, default=0, help="seeds 1..N instead of --seeds")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    seeds = (
        list(range(1, args.count + 1)) if args.count else [int(s) for s in args.seeds.split(",")]
    )
    print(
        "| student | true share ≥ 0.95 on exam day, with plan | the app predicts (range) "
        "| without plan | max/mean daily load |"
    )
    print("|---|---:|---:|---:|---:|")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for student in profiles():
            result = measure(student, seeds, Path(tmp))
            results.append(result)
            print(row(result), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
