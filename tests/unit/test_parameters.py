"""Stored parameter sets: adopting reschedules from the log, `studyapp optimize` end to end."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyapp.app.config import Settings, resolve_paths
from studyapp.app.services import policy_for, rebuild_states
from studyapp.cli import main
from studyapp.core.progress.review_import import ImportedReview
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.store import Store
from tests.unit.synthetic_log import simulate, true_parameters

ADOPTED_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # after every synthetic review


def fill(store: Store, cards: int, seed: int = 7) -> None:
    """The synthetic student's history, imported into deck ``synthetic``."""
    reviews = [
        ImportedReview(i + 2, row.key[1], row.rating, row.at, 1000)  # type: ignore[index]
        for i, row in enumerate(simulate(cards, seed=seed))
    ]
    store.import_reviews("synthetic", reviews, {}, "main", Policy())


def test_adopting_parameters_reschedules_from_the_log(store: Store) -> None:
    fill(store, 40)
    defaults = store.card_states(["synthetic"])
    assert store.adopted_parameters().parameters is None
    settings = Settings()

    fitted = tuple(true_parameters())
    policy = Policy(replace(settings.scheduler, parameters=fitted))
    assert store.save_parameters(fitted, {"n": 1}, ADOPTED_AT, adopt=True, policy=policy) == 40
    adopted = store.card_states(["synthetic"])
    assert store.adopted_parameters().parameters == pytest.approx(fitted)
    assert store.adopted_parameters().since == ADOPTED_AT
    changed = [key for key in defaults if defaults[key].due != adopted[key].due]
    assert len(changed) > 30  # a forgetful student's cards come back sooner
    assert all(adopted[k].stability < defaults[k].stability for k in changed)  # type: ignore[operator]
    # the log and the parameter table imply the states: rebuild gives them again
    assert policy_for(store, settings).config.parameters == pytest.approx(fitted)
    assert rebuild_states(store, settings) == 40
    assert store.card_states(["synthetic"]) == adopted

    # a recorded, not adopted, fit changes nothing
    assert store.save_parameters(fitted[::-1], {}, ADOPTED_AT, adopt=False) == 0
    assert store.adopted_parameters().parameters == pytest.approx(fitted)

    # back to the defaults: the states are the ones before, exactly
    reset = Policy(replace(settings.scheduler, parameters=None))
    store.save_parameters(None, {"reset": True}, ADOPTED_AT, adopt=True, policy=reset)
    assert store.card_states(["synthetic"]) == defaults
    assert [row["adopted"] for row in store.parameter_history()] == [True, False, True]


def test_parameters_are_checked(store: Store) -> None:
    with pytest.raises(ValueError, match="21 finite"):
        store.save_parameters((1.0, 2.0), {}, ADOPTED_AT, adopt=False)
    with pytest.raises(ValueError, match="policy"):
        store.save_parameters(None, {}, ADOPTED_AT, adopt=True)
    assert store.parameter_history() == []


def test_the_app_schedules_with_the_adopted_parameters(store: Store) -> None:
    from studyapp.core.library import Library
    from studyapp.tui.app import StudyApp

    fitted = tuple(true_parameters())
    store.save_parameters(fitted, {}, ADOPTED_AT, adopt=True, policy=Policy())
    app = StudyApp(load_library=lambda: Library(()), store=store, settings=Settings())
    assert app.policy.config.parameters == pytest.approx(fitted)


# -- the command ---------------------------------------------------------------------
def database() -> Path:
    return resolve_paths().database


def test_optimize_dry_run_adopt_and_reset(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(database()) as store:
        fill(store, 150)
        before = store.card_states(["synthetic"])
    assert main(["optimize", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("parameters in use: FSRS-6's defaults\n")
    assert "spaced reviews" in out and "5 time-series splits" in out
    assert "default parameters" in out and "fitted parameters" in out
    assert "dry run: would adopt; nothing recorded or changed" in out
    with Store.open(database()) as store:
        assert store.parameter_history() == []

    assert main(["optimize"]) == 0
    out = capsys.readouterr().out
    assert "adopt: better than the default parameters on both held-out metrics" in out
    assert "adopted the fitted parameters: 150 cards rescheduled from the log" in out
    with Store.open(database()) as store:
        (row,) = store.parameter_history()
        assert row["adopted"] and len(row["parameters"]) == 21
        assert row["metrics"]["fitted"]["log_loss"] < row["metrics"]["default"]["log_loss"]
        assert store.card_states(["synthetic"]) != before

    assert main(["optimize"]) == 0  # again: compared with the parameters in use
    out = capsys.readouterr().out
    assert out.startswith("parameters in use: fitted, adopted ")
    assert "kept the parameters in use" in out

    assert main(["optimize", "--reset"]) == 0
    assert "back to FSRS-6's default parameters: 150 cards" in capsys.readouterr().out
    with Store.open(database()) as store:
        assert store.card_states(["synthetic"]) == before
        assert store.adopted_parameters().parameters is None
    assert main(["optimize", "--reset"]) == 0
    assert "already using FSRS-6's default parameters" in capsys.readouterr().out


def test_optimize_says_how_many_more_reviews_are_needed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["optimize"]) == 0
    assert "no reviews yet" in capsys.readouterr().out
    with Store.open(database()) as store:
        fill(store, 20, seed=1)
    assert main(["optimize"]) == 0
    out = capsys.readouterr().out
    assert "not enough to fit yet: " in out and "more spaced reviews are needed" in out
    with Store.open(database()) as store:
        assert store.parameter_history() == []


def test_optimize_without_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)
    assert main(["optimize"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "studyapp: fitting parameters needs the fsrs-rs-python package: "
        'pip install "studyapp[optimize]"'
    )


def test_rebuild_command_uses_the_adopted_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(database()) as store:
        fill(store, 30)
        fitted = tuple(true_parameters())
        policy = Policy(SchedulerConfig(parameters=fitted))
        store.save_parameters(fitted, {}, ADOPTED_AT, adopt=True, policy=policy)
        adopted = store.card_states(["synthetic"])
        store.conn.execute("DELETE FROM card_state")
    assert main(["rebuild"]) == 0
    with Store.open(database()) as store:
        assert store.card_states(["synthetic"]) == adopted


def test_optimize_and_import_do_not_import_textual_and_due_not_the_optimizer(
    tmp_path: Path,
) -> None:
    from tests.unit.test_import_hygiene import python

    csv = tmp_path / "r.csv"
    csv.write_text(
        "card_id,review_rating,review_time,review_duration\nx,3,2026-01-05T20:00:00+00:00,100\n",
        encoding="utf-8",
    )
    result = python(
        f"""
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        with redirect_stdout(io.StringIO()):
            due = main(["due"])
            slow = sorted(m for m in sys.modules if m.startswith(("fsrs_rs", "studyapp.core.opt")))
            codes = [main(["import-reviews", {str(csv)!r}, "--deck", "selank"]),
                     main(["optimize", "--dry-run"])]
        print(json.dumps({{"codes": [due, *codes], "slow": slow,
                          "textual": sorted(m for m in sys.modules if m.startswith("textual"))}}))
        """,
        tmp_path,
    )
    assert result == {"codes": [0, 0, 0], "slow": [], "textual": []}
