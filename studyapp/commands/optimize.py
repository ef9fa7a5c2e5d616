"""Fit FSRS-6 parameters to your own review log.

The fitted parameters are compared with the ones in use on reviews held out
by time (each predicted by parameters fitted only on earlier reviews), and
adopted only when they predict them better: lower log loss and no higher
RMSE(bins). Adopting them reschedules every card from the log.
Needs the optional fsrs-rs-python package: pip install "studyapp[optimize]".
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings
    from studyapp.core.progress.optimizer import Report

NAME = "optimize"
HELP = "fit FSRS parameters to your review log (adopted only if they predict it better)"
EXCLUSIVE = True  # rewrites card states: not while the study app is open


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="fit and report, but record and change nothing"
    )
    parser.add_argument(
        "--reset", action="store_true", help="go back to FSRS-6's default parameters"
    )


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from datetime import UTC, datetime

    from studyapp.core.progress import optimizer
    from studyapp.store import Store

    if args.reset:
        return _reset(paths, settings, dry_run=args.dry_run)
    try:
        optimizer.require_backend()
    except optimizer.OptimizerUnavailable as exc:
        print(f"studyapp: {exc}", file=sys.stderr)
        return 1
    if not paths.database.exists():
        print(f"no reviews yet: the optimizer needs at least {optimizer.MIN_ITEMS} spaced reviews")
        return 0
    with Store.open(paths.database) as store:
        adopted = store.adopted_parameters()
        rows = store.review_rows()
        if adopted.parameters is None:
            print("parameters in use: FSRS-6's defaults")
        else:
            assert adopted.since is not None
            print(f"parameters in use: fitted, adopted {adopted.since:%Y-%m-%d %H:%M} UTC")
        try:
            report = optimizer.optimize(
                rows,
                current=adopted.parameters,
                rollover_hour=settings.rollover_hour,
                num_relearning_steps=len(settings.scheduler.relearning_steps),
            )
        except (ValueError, RuntimeError) as exc:  # fsrs-rs refusing the data
            print(f"studyapp: fitting failed: {exc}", file=sys.stderr)
            return 1
        _print_report(report)
        if report.needed:
            return 0
        if args.dry_run:
            verdict = "would adopt" if report.adopt else "would keep the parameters in use"
            print(f"dry run: {verdict}; nothing recorded or changed")
            return 0
        assert report.parameters is not None
        now = datetime.now(UTC)
        from dataclasses import replace

        from studyapp.core.study.scheduling import Policy

        policy = Policy(replace(settings.scheduler, parameters=report.parameters))
        count = store.save_parameters(
            report.parameters, report.to_json(), now, adopt=report.adopt, policy=policy
        )
    if report.adopt:
        print(f"adopted the fitted parameters: {count} cards rescheduled from the log")
    else:
        print("kept the parameters in use (the fit is recorded, not adopted)")
    return 0


def _reset(paths: Paths, settings: Settings, *, dry_run: bool) -> int:
    from dataclasses import replace
    from datetime import UTC, datetime

    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store

    if not paths.database.exists():
        print("already using FSRS-6's default parameters")
        return 0
    with Store.open(paths.database) as store:
        if store.adopted_parameters().parameters is None:
            print("already using FSRS-6's default parameters")
            return 0
        if dry_run:
            print("dry run: would go back to FSRS-6's default parameters")
            return 0
        policy = Policy(replace(settings.scheduler, parameters=None))
        count = store.save_parameters(
            None, {"reset": True}, datetime.now(UTC), adopt=True, policy=policy
        )
    print(f"back to FSRS-6's default parameters: {count} cards rescheduled from the log")
    return 0


def _print_report(report: Report) -> None:
    print(
        f"{report.reviews:,} reviews of {report.prompts:,} prompts; "
        f"{report.items:,} spaced reviews (a prompt's first review on a later day)"
    )
    if report.needed:
        print(
            f"not enough to fit yet: {report.needed:,} more spaced reviews are needed "
            f"(at least {report.items + report.needed:,})"
        )
        return
    print(
        f"held out: {report.held_out:,} spaced reviews, {report.splits} time-series splits "
        f"(each predicted by parameters fitted on earlier reviews only; "
        f"{report.evaluation_seconds:.2f} s)"
    )
    print(f"fit on all {report.items:,} spaced reviews: {report.fit_seconds:.2f} s")
    print()
    print(f"{'held-out reviews':<22} {'log loss':>9} {'RMSE(bins)':>11}")
    rows = [("default parameters", report.default)]
    if report.current is not None:
        rows.append(("parameters in use", report.current))
    rows.append(("fitted parameters", report.fitted))
    for label, metrics in rows:
        assert metrics is not None
        print(f"{label:<22} {metrics.log_loss:>9.4f} {metrics.rmse_bins:>11.4f}")
    print()
    print(f"{'adopt' if report.adopt else 'do not adopt'}: {report.reason}")
