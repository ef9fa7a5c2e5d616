"""`studyapp import-reviews`: validated, all-or-nothing, idempotent, then rebuilt."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyapp.app.config import resolve_paths
from studyapp.cli import main
from studyapp.core.progress.review_import import parse_reviews
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store

DECK = """\
deck: tiny
title: Tiny
cards:
  - id: one
    topic: history
    question: Q1
    answer: A1
  - id: both
    kind: reversible
    topic: history
    front: F
    back: B
"""

HEADER = "card_id,review_rating,review_time,review_duration\n"
GOOD = (
    HEADER
    + "one,3,2026-01-05T20:00:00+00:00,4000\n"
    + "both,1,2026-01-05T20:01:00.500000+00:00,9000\n"
    + "one,3,2026-01-07T19:00:00+01:00,3500\n"  # 18:00 UTC
    + "x999,4,2026-01-06T08:00:00Z,\n"
)


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK, encoding="utf-8")
    return folder


def write(tmp_path: Path, text: str, name: str = "reviews.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def log_rows() -> list[tuple[object, ...]]:
    with Store.open(resolve_paths().database) as store:
        return store.conn.execute(
            "SELECT deck_id, card_id, sibling, reviewed_at, rating, duration_ms, state_before, "
            "state_after, kind FROM review_log ORDER BY reviewed_at"
        ).fetchall()


def run(deck_dir: Path, *args: str) -> int:
    return main(["import-reviews", *args, "--deck", "tiny", "--decks", str(deck_dir)])


def test_import_appends_reviews_and_rebuilds_states(
    tmp_path: Path, deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    assert run(deck_dir, str(path)) == 0
    out = capsys.readouterr().out
    assert f"{path}: 4 rows; imported 4, skipped 0 already in the log" in out
    assert "3 cards: 2 in deck 'tiny', 1 not in it (kept under sibling 'main')" in out
    assert log_rows() == [
        ("tiny", "one", "main", "2026-01-05T20:00:00.000000+00:00", 3, 4000, "new",
         "learning", "basic"),
        ("tiny", "both", "forward", "2026-01-05T20:01:00.500000+00:00", 1, 9000, "new",
         "learning", "reversible"),
        ("tiny", "x999", "main", "2026-01-06T08:00:00.000000+00:00", 4, None, "new",
         "review", None),
        ("tiny", "one", "main", "2026-01-07T18:00:00.000000+00:00", 3, 3500, "learning",
         "review", "basic"),
    ]  # fmt: skip
    with Store.open(resolve_paths().database) as store:
        states = store.card_states(["tiny"])
        assert set(states) == {
            ("tiny", "one", "main"),
            ("tiny", "both", "forward"),
            ("tiny", "x999", "main"),
        }
        assert states[("tiny", "one", "main")].reps == 2
        assert states[("tiny", "one", "main")].state.value == "review"
        # card_state is what the log implies
        assert store.replay_states(Policy()) == states


def test_reimporting_the_same_file_adds_nothing(
    tmp_path: Path, deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    assert run(deck_dir, str(path)) == 0
    before = log_rows()
    capsys.readouterr()
    assert run(deck_dir, str(path)) == 0
    assert "4 rows; imported 0, skipped 4 already in the log" in capsys.readouterr().out
    assert log_rows() == before
    # a file with one new row and the old ones adds just that row
    more = write(tmp_path, GOOD + "one,1,2026-01-10T20:00:00+00:00,5000\n", "more.csv")
    assert run(deck_dir, str(more)) == 0
    assert "5 rows; imported 1, skipped 4" in capsys.readouterr().out
    assert len(log_rows()) == 5


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(
    tmp_path: Path, deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        HEADER
        + "one,3,2026-01-05T20:00:00+00:00,4000\n"  # line 2: fine
        + "one,5,2026-01-06T20:00:00+00:00,4000\n"  # 3
        + "one,3,2026-01-07T20:00:00,4000\n"  # 4: no offset
        + "one,3,yesterday,4000\n"  # 5
        + "one,3\n"  # 6
        + ",3,2026-01-07T20:00:00+00:00,1\n"  # 7
        + "one,3,2026-01-07T20:00:00+00:00,-4\n"  # 8
        + "one,3,2999-01-07T20:00:00+00:00,4\n"  # 9: in the future
    )
    path = write(tmp_path, text)
    assert run(deck_dir, str(path)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:3: error: review_rating must be 1, 2, 3 or 4, got '5'",
        f"{path}:4: error: review_time has no UTC offset: '2026-01-07T20:00:00'",
        f"{path}:5: error: review_time is not an ISO 8601 time: 'yesterday'",
        f"{path}:6: error: expected 4 fields, got 2",
        f"{path}:7: error: card_id is empty",
        f"{path}:8: error: review_duration must be whole milliseconds, got '-4'",
        f"{path}:9: error: review_time is in the future: 2999-01-07 20:00:00+00:00",
        f"studyapp: 7 bad rows in {path}: nothing imported",
    ]
    assert not resolve_paths().database.exists()


def test_missing_columns_unknown_deck_and_unreadable_file(
    tmp_path: Path, deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "card_id,rating,time\n1,3,2026-01-05T20:00:00+00:00\n")
    assert run(deck_dir, str(path)) == 1
    assert capsys.readouterr().err.startswith(
        f"{path}:1: error: missing columns review_rating, review_time, review_duration"
    )
    good = write(tmp_path, GOOD, "good.csv")
    assert main(["import-reviews", str(good), "--deck", "nope", "--decks", str(deck_dir)]) == 1
    assert "studyapp: no deck 'nope' (decks: " in capsys.readouterr().err
    assert run(deck_dir, str(tmp_path / "absent.csv")) == 1
    assert "studyapp: cannot read" in capsys.readouterr().err
    assert not resolve_paths().database.exists()


def test_dry_run_counts_and_writes_nothing(
    tmp_path: Path, deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    assert run(deck_dir, str(path), "--dry-run") == 0
    assert "4 rows; would import 4, skipped 0" in capsys.readouterr().out
    assert log_rows() == []


def test_older_imported_reviews_replay_before_newer_studyapp_reviews(
    tmp_path: Path, deck_dir: Path
) -> None:
    """A review studied in studyapp (logged first) and an older imported one:
    replay goes in time order, and the logged due of the latest review is kept."""
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    key = ("tiny", "one", "main")
    studied = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    with Store.open(resolve_paths().database) as store:
        before = CardState()
        after = policy.review(before, Rating.GOOD, studied)
        store.record_review(ReviewRecord(key, "basic", studied, 3, 1000, before, after))
    path = write(tmp_path, HEADER + "one,1,2026-01-05T20:00:00+00:00,4000\n")
    assert run(deck_dir, str(path)) == 0
    with Store.open(resolve_paths().database) as store:
        state = store.card_state(key)
        assert state.reps == 2 and state.last_review == studied
        expected = policy.review(
            policy.review(CardState(), Rating.AGAIN, datetime(2026, 1, 5, 20, tzinfo=UTC)),
            Rating.GOOD,
            studied,
        )
        assert state.stability == pytest.approx(expected.stability)
        assert state.due == after.due  # what the student was told
        assert store.replay_states(policy)[key] == state


def test_parse_reviews_reads_the_shared_layout() -> None:
    reviews, errors = parse_reviews(GOOD.splitlines(keepends=True), "r.csv")
    assert errors == []
    assert [(r.line, r.card_id, r.rating, r.duration_ms) for r in reviews] == [
        (2, "one", 3, 4000),
        (3, "both", 1, 9000),
        (4, "one", 3, 3500),
        (5, "x999", 4, None),
    ]
    assert reviews[2].at == datetime(2026, 1, 7, 18, 0, tzinfo=UTC)
    assert parse_reviews([], "e.csv")[1] == ["e.csv:1: error: the file is empty "
                                             "(expected card_id,review_rating,review_time,"
                                             "review_duration)"]  # fmt: skip


def test_import_replays_only_the_prompts_it_touches_once(
    tmp_path: Path, deck_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One scheduler pass per imported review plus the touched prompts' own log; the
    rest of the log is not replayed again. With adopted parameters (reviews before them
    rescheduled) card_state is still exactly what a full rebuild gives."""
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    other, key = ("tiny", "both", "forward"), ("tiny", "one", "main")
    with Store.open(resolve_paths().database) as store:
        state = CardState()
        for day in (2, 3, 6, 12):  # another prompt's history: never replayed by the import
            at = datetime(2026, 1, day, 9, tzinfo=UTC)
            after = policy.review(state, Rating.GOOD, at)
            store.record_review(ReviewRecord(other, "reversible", at, 3, 1000, state, after))
            state = after
        studied = datetime(2026, 1, 4, 9, tzinfo=UTC)  # the touched prompt's own review
        after = policy.review(CardState(), Rating.HARD, studied)
        store.record_review(ReviewRecord(key, "basic", studied, 2, 1000, CardState(), after))
        from fsrs.scheduler import DEFAULT_PARAMETERS

        weights = [*DEFAULT_PARAMETERS]
        weights[0] *= 1.5
        adopted_at = datetime(2026, 1, 8, tzinfo=UTC)
        adopted = Policy(SchedulerConfig(parameters=tuple(weights)))
        store.save_parameters(weights, {}, adopted_at, adopt=True, policy=adopted)
        untouched = store.card_state(other)
    calls: list[object] = []
    review = Policy.review

    def counting(self: Policy, *args: object, **kwargs: object) -> CardState:
        calls.append(args)
        return review(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Policy, "review", counting)
    path = write(
        tmp_path, HEADER + "one,3,2026-01-05T20:00:00Z,4000\none,1,2026-01-09T08:00:00Z,0\n"
    )
    assert run(deck_dir, str(path)) == 0
    assert len(calls) == 3  # the two imported reviews and the prompt's logged one
    monkeypatch.setattr(Policy, "review", review)
    with Store.open(resolve_paths().database) as store:
        assert store.card_state(other) == untouched
        assert store.card_state(key).reps == 3
        assert store.replay_states(adopted, adopted_at) == store.card_states(["tiny"])


def test_import_loads_only_the_named_decks_file(
    tmp_path: Path, deck_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deck is found through the cache's deck indexes; the other decks' cards are not
    loaded (on a big library that was most of a small import's time)."""
    import studyapp.app.services as services

    other = deck_dir / "other.yaml"
    other.write_text(DECK.replace("deck: tiny", "deck: other"), encoding="utf-8")
    assert run(deck_dir, "--dry-run", str(write(tmp_path, GOOD))) == 0  # warms the cache
    loaded: list[list[Path]] = []
    real = services.load_library

    def spy(paths, cache_dir=None):  # type: ignore[no-untyped-def]
        loaded.append([Path(p) for p in paths])
        return real(paths, cache_dir=cache_dir)

    monkeypatch.setattr(services, "load_library", spy)
    assert run(deck_dir, str(write(tmp_path, GOOD))) == 0
    assert [[p.name for p in paths] for paths in loaded] == [["tiny.yaml"]]
    with Store.open(resolve_paths().database) as store:
        assert store.review_count() == 4


def test_imported_rows_get_the_event_ids_a_recorded_answer_gets(
    tmp_path: Path, deck_dir: Path
) -> None:
    # The import writes event ids in its insert (the per-row trigger was most of its time):
    # they must be exactly the trigger's, and wait to be pushed in log order.
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    at = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)
    with Store.open(resolve_paths().database) as store:
        after = policy.review(CardState(), Rating.GOOD, at, fuzz=False)
        store.record_review(
            ReviewRecord(("tiny", "both", "reverse"), "reversible", at, 3, 1000, CardState(), after)
        )
    assert run(deck_dir, str(write(tmp_path, GOOD))) == 0
    with Store.open(resolve_paths().database) as store:
        later = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
        store.record_review(
            ReviewRecord(("tiny", "one", "main"), "basic", later, 3, 1000, CardState(), after)
        )
        conn = store.conn
        prefix, device = (
            conn.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()[0]
            for name in ("event_prefix", "device_id")
        )
        rows = conn.execute("SELECT id, event_id, device_id FROM review_log ORDER BY id").fetchall()
        assert [row[0] for row in rows] == [1, 2, 3, 4, 5, 6]
        assert rows == [(n, f"{prefix}8001-{n:012x}", device) for n, _, _ in rows]
        pending = conn.execute(
            "SELECT event_id FROM local_event WHERE source = 'review_log' ORDER BY n"
        ).fetchall()
        assert [event for (event,) in pending] == [event for _, event, _ in rows]
