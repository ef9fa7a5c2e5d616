"""Optimizer benchmark on a real review history (``review_log_josh.csv``).

Usage::

    python benchmarks/optimizer.py [--data FILE] [--json PATH] [--repeat N]

Imports the file into a temporary studyapp database (the path `studyapp
import-reviews` takes), reads the reviews back as `studyapp optimize` does,
builds items with the 04:00 UTC day boundary of the published figures, and
reports:

* in-sample log loss and RMSE(bins) of FSRS-6's default parameters and of the
  parameters fitted on the whole file, computed with fsrs-rs's recency weights
  (this is what ``fsrs_rs_python.FSRS.evaluate`` reports, checked here) and
  unweighted;
* held-out figures, as `studyapp optimize` decides: 5 time-series splits, each
  fold predicted by parameters fitted on the folds before it (fsrs-rs's
  ``evaluate_with_time_series_splits`` figure for the fitted parameters is
  printed next to ours);
* for information, a single last-20 % tail (fit on the first 80 % of the items);
* the fit time (median of ``--repeat`` fits on every item) and the import time.

The data file is found at ``--data``, ``$STUDYAPP_SHARED_DATA/review_log_josh.csv``
or ``<repo>/../shared/data`` (one more level up from a git worktree).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from studyapp.core.progress import optimizer  # noqa: E402
from studyapp.core.progress.review_import import DEFAULT_SIBLING, parse_reviews  # noqa: E402
from studyapp.core.study.scheduling import Policy  # noqa: E402
from studyapp.store import Store  # noqa: E402

PUBLISHED = {
    "default in-sample": (0.4535, 0.0766),
    "fitted in-sample": (0.444, "0.042-0.052"),
    "fitted, time-series splits": (0.4403, 0.0418),
}


def find_data(given: Path | None) -> Path:
    candidates = [given] if given else []
    if os.environ.get("STUDYAPP_SHARED_DATA"):
        candidates.append(Path(os.environ["STUDYAPP_SHARED_DATA"]) / "review_log_josh.csv")
    for up in (REPO.parent, REPO.parent.parent):
        candidates.append(up / "shared" / "data" / "review_log_josh.csv")
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    raise SystemExit("review_log_josh.csv not found: pass --data or set STUDYAPP_SHARED_DATA")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--repeat", type=int, default=5, help="fits timed (median)")
    args = parser.parse_args()
    rs = optimizer.require_backend()
    path = find_data(args.data)

    with path.open(encoding="utf-8", newline="") as handle:
        reviews, errors = parse_reviews(handle, str(path), now=datetime.now(UTC))
    if errors:
        raise SystemExit("\n".join(errors[:10]))
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.db") as store:
        started = time.perf_counter()
        counts = store.import_reviews("josh", reviews, {}, DEFAULT_SIBLING, Policy())
        import_seconds = time.perf_counter() - started
        rows = store.review_rows()

    items = optimizer.build_items(rows, rollover_hour=4, tz=UTC)
    defaults = optimizer.default_parameters()
    fit_times = []
    fitted: tuple[float, ...] = ()
    for _ in range(args.repeat):
        started = time.perf_counter()
        fitted = optimizer.fit(items)
        fit_times.append(time.perf_counter() - started)

    fsrs_items = [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in it.reviews]) for it in items]
    check = rs.FSRS(list(defaults)).evaluate(fsrs_items)
    tss = rs.evaluate_with_time_series_splits(fsrs_items)

    report = optimizer.optimize(rows, rollover_hour=4, tz=UTC)
    cut = len(items) * 4 // 5
    tail_fit = optimizer.fit(items[:cut])
    tail = items[cut:]

    results: dict[str, Any] = {
        "file": path.name,
        "reviews": len(rows),
        "imported": counts.imported,
        "prompts": report.prompts,
        "items": len(items),
        "import_seconds": import_seconds,
        "fit_seconds_median": statistics.median(fit_times),
        "fit_seconds": fit_times,
        "optimize_seconds": report.evaluation_seconds + report.fit_seconds,
        "in_sample_weighted": {
            "default": optimizer.evaluate(items, defaults, weighted=True).to_json(),
            "fitted": optimizer.evaluate(items, fitted, weighted=True).to_json(),
            "fsrs_rs_evaluate_default": {"log_loss": check.log_loss, "rmse_bins": check.rmse_bins},
        },
        "in_sample": {
            "default": optimizer.evaluate(items, defaults).to_json(),
            "fitted": optimizer.evaluate(items, fitted).to_json(),
        },
        "held_out_time_series_splits": {
            "items": report.held_out,
            "default": report.default.to_json() if report.default else None,
            "fitted": report.fitted.to_json() if report.fitted else None,
            "fsrs_rs_evaluate_with_time_series_splits": {
                "log_loss": tss.log_loss,
                "rmse_bins": tss.rmse_bins,
            },
            "adopt": report.adopt,
            "reason": report.reason,
        },
        "last_20_percent_tail": {
            "items": len(tail),
            "from": tail[0].at.isoformat(),
            "default": optimizer.evaluate(tail, defaults).to_json(),
            "fitted": optimizer.evaluate(tail, tail_fit).to_json(),
        },
        "parameters": list(fitted),
    }
    print_results(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def print_results(r: dict[str, Any]) -> None:
    print(
        f"{r['file']}: {r['reviews']:,} reviews of {r['prompts']:,} cards -> "
        f"{r['items']:,} items (04:00 UTC day boundary)"
    )
    print(
        f"import {r['import_seconds']:.2f} s; fit on all items {r['fit_seconds_median']:.3f} s "
        f"(median); `optimize` (5 split fits + final fit) {r['optimize_seconds']:.2f} s"
    )
    print()
    print(f"{'':<50} {'log loss':>9} {'RMSE(bins)':>11}")

    def line(label: str, metrics: dict[str, float]) -> None:
        print(f"{label:<50} {metrics['log_loss']:>9.4f} {metrics['rmse_bins']:>11.4f}")

    w, u, h, t = (
        r["in_sample_weighted"],
        r["in_sample"],
        r["held_out_time_series_splits"],
        r["last_20_percent_tail"],
    )
    line("in-sample, fsrs-rs weights: default", w["default"])
    line("  (fsrs_rs_python FSRS.evaluate: default)", w["fsrs_rs_evaluate_default"])
    line("in-sample, fsrs-rs weights: fitted", w["fitted"])
    line("in-sample, unweighted: default", u["default"])
    line("in-sample, unweighted: fitted", u["fitted"])
    line(f"held out, 5 time-series splits ({h['items']:,}): default", h["default"])
    line("held out, 5 time-series splits: fitted", h["fitted"])
    line(
        "  (fsrs-rs evaluate_with_time_series_splits)",
        h["fsrs_rs_evaluate_with_time_series_splits"],
    )
    line(f"last 20% of items ({t['items']:,}): default", t["default"])
    line("last 20% of items: fitted on the first 80%", t["fitted"])
    print()
    print(f"decision: {'adopt' if h['adopt'] else 'keep'} ({h['reason']})")
    print("published: " + "; ".join(f"{k} {v[0]} / {v[1]}" for k, v in PUBLISHED.items()))


if __name__ == "__main__":
    raise SystemExit(main())
