"""The SQLite store: the append-only log, the derived card state, undo marks,
day counts, atomic writes, and replay/rebuild giving back the same state."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.deck.model import Card, Deck, PromptKey
from studyapp.core.library.loader import load_deck_file
from studyapp.core.study.scheduling import (
    CardState,
    LogEvent,
    Policy,
    Rating,
    SchedulerConfig,
    State,
)
from studyapp.core.study.session import (
    DailyLimits,
    ReviewRecord,
    StudySession,
    build_queue,
    prompts_of,
)
from studyapp.store import Store
from studyapp.store.db import WriteFailed
from studyapp.store.repository import from_iso, to_iso
from tests.conftest import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = Policy(SchedulerConfig(enable_fuzz=False))
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY: PromptKey = ("d", "c1", "main")


def answer(
    store: Store, key: PromptKey, rating: Rating, at: datetime, policy: Policy = POLICY
) -> tuple[int, CardState]:
    """Answer ``key`` the way the session does; return the log id and the new state."""
    before = store.card_state(key)
    after = policy.review(before, rating, at)
    log_id = store.record_review(ReviewRecord(key, "basic", at, int(rating), 1500, before, after))
    return log_id, after


def basic(card_id: str) -> Card:
    return Card(
        card_id, "basic", "topic", 1, {"question": f"Q {card_id}?", "answer": f"A {card_id}"}
    )


def states_match(store: Store, policy: Policy) -> None:
    """``card_state`` is what replaying the log gives, for every prompt."""
    deck_ids = sorted({key[0] for key in store.replay_states(policy)} | {"d"})
    live = store.card_states(deck_ids)
    replayed = store.replay_states(policy)
    for key in live.keys() | replayed.keys():
        assert live.get(key, CardState()) == replayed.get(key, CardState()), key


# -- timestamps -----------------------------------------------------------------------


def test_iso_timestamps_are_fixed_width_utc_in_time_order() -> None:
    moments = [
        datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=2))),  # 23:30 the day before
        datetime(2026, 11, 23, 12, 0, 0, 999999, tzinfo=BERLIN),
        datetime(2027, 2, 1, 9, 0, tzinfo=ZoneInfo("UTC")),
    ]
    texts = [to_iso(m) for m in moments]
    assert len({len(t or "") for t in texts}) == 1
    assert sorted(texts, key=str) == [to_iso(m) for m in sorted(moments)]
    assert texts[2] == "2025-12-31T23:30:00.000000+00:00"
    for moment, text in zip(moments, texts, strict=True):
        back = from_iso(text)
        assert back == moment
        assert back is not None and back.tzinfo is UTC
    assert to_iso(None) is None and from_iso(None) is None
    with pytest.raises(ValueError):
        to_iso(datetime(2026, 1, 1))


# -- writes and reads -----------------------------------------------------------------


def test_a_new_store_is_empty(store: Store) -> None:
    assert store.card_states(["d"]) == {}
    assert store.card_states([]) == {}
    assert store.card_state(KEY) == CardState()
    assert store.review_count() == 0
    assert store.history(KEY) == []
    assert store.replay_states(POLICY) == {}


def test_record_review_round_trips_the_state(store: Store) -> None:
    log_id, after = answer(store, KEY, Rating.GOOD, T0)
    assert after.state is State.LEARNING
    assert store.card_state(KEY) == after
    assert store.card_states(["d"]) == {KEY: after}
    assert store.card_states(["other"]) == {}
    [row] = store.history(KEY)
    assert row == {
        "id": log_id,
        "action": "review",
        "reviewed_at": "2026-11-23T12:00:00.000000+00:00",
        "rating": 3,
        "duration_ms": 1500,
        "state_before": "new",
        "state_after": "learning",
        "scheduled_due": "2026-11-23T12:10:00.000000+00:00",
        "stability": after.stability,
        "difficulty": after.difficulty,
        "kind": "basic",
        "answer": None,
        "picked": None,
        "undone_at": None,
    }
    log_id2, after2 = answer(store, KEY, Rating.GOOD, T0 + timedelta(minutes=10))
    assert log_id2 > log_id
    assert store.card_state(KEY) == after2
    assert after2.state is State.REVIEW and after2.reps == 2
    assert store.review_count() == 2


def test_every_field_of_a_state_round_trips(store: Store) -> None:
    state = CardState(
        state=State.RELEARNING,
        step=0,
        stability=0.123456789012345,
        difficulty=9.87654321,
        due=T0 + timedelta(minutes=10, microseconds=7),
        last_review=T0,
        lapses=12,
        reps=40,
        suspended=True,
        leech=True,
    )
    store.record_review(ReviewRecord(KEY, "basic", T0, 1, 0, CardState(), state))
    assert store.card_state(KEY) == state


def test_card_states_of_several_decks(store: Store) -> None:
    keys = [("a", "x", "main"), ("b", "x", "main"), ("b", "y", "forward"), ("c", "z", "c1")]
    for i, key in enumerate(keys):
        answer(store, key, Rating.EASY, T0 + timedelta(minutes=i))
    assert set(store.card_states(["a", "b"])) == set(keys[:3])
    assert set(store.card_states(["c", "nope"])) == {keys[3]}


def test_a_failed_write_leaves_nothing_behind(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_id, first = answer(store, KEY, Rating.GOOD, T0)

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_put_state", staticmethod(broken))
    # Said in plain words (the TUI shows it and keeps the answer on screen).
    with pytest.raises(WriteFailed, match="input/output error"):
        answer(store, KEY, Rating.GOOD, T0 + timedelta(minutes=10))
    with pytest.raises(WriteFailed):
        store.set_suspended(KEY, True, T0)
    monkeypatch.undo()
    assert not store.conn.in_transaction
    with Store.open(db) as other:
        assert other.card_state(KEY) == first
        assert [row["id"] for row in other.history(KEY)] == [log_id]
    # The store still works afterwards.
    answer(store, KEY, Rating.GOOD, T0 + timedelta(minutes=10))
    assert store.review_count() == 2


def test_the_log_refuses_bad_rows(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.record_review(
            ReviewRecord(KEY, "basic", T0, 5, 0, CardState(), replace(CardState(), reps=1))
        )
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at) "
            "VALUES ('d', 'c', 'main', 'delete', '2026')"
        )
    assert store.card_state(KEY) == CardState()
    assert not store.conn.in_transaction


# -- suspension -----------------------------------------------------------------------


def test_suspend_and_unsuspend_are_logged(store: Store) -> None:
    _, learnt = answer(store, KEY, Rating.EASY, T0)
    suspended = store.set_suspended(KEY, True, T0 + timedelta(hours=1))
    assert suspended == replace(learnt, suspended=True)
    assert store.card_state(KEY) == suspended
    unsuspended = store.set_suspended(KEY, False, T0 + timedelta(hours=2))
    assert unsuspended == learnt
    actions = [
        (row["action"], row["state_before"], row["state_after"]) for row in store.history(KEY)
    ]
    assert actions == [
        ("review", "new", "review"),
        ("suspend", "review", "review"),
        ("unsuspend", "review", "review"),
    ]
    assert store.review_count() == 1  # suspensions are not reviews
    states_match(store, POLICY)


def test_suspending_a_new_prompt(store: Store) -> None:
    assert store.set_suspended(KEY, True, T0) == CardState(suspended=True)
    assert store.card_states(["d"]) == {KEY: CardState(suspended=True)}
    assert store.set_suspended(KEY, False, T0) == CardState()
    assert store.card_states(["d"]) == {}  # a plain new prompt needs no row
    assert len(store.history(KEY)) == 2
    states_match(store, POLICY)


def test_suspending_prompts_together_and_undoing_it(store: Store) -> None:
    keys = [("d", "cz", "c1"), ("d", "cz", "c2"), ("d", "cz", "c3")]
    _, learnt = answer(store, keys[0], Rating.EASY, T0)
    store.set_suspended(keys[2], True, T0)  # already suspended: left alone
    changes = store.suspend_prompts(keys, True, T0 + timedelta(hours=1))
    assert [(c.key, c.before) for c in changes] == [(keys[0], learnt), (keys[1], CardState())]
    assert all(store.card_state(key).suspended for key in keys)
    assert store.suspend_prompts(keys, True, T0) == []  # nothing to do: nothing logged
    states_match(store, POLICY)
    store.undo_suspension(changes)
    assert store.card_state(keys[0]) == learnt and store.card_state(keys[1]) == CardState()
    assert store.card_state(keys[2]).suspended  # not part of this change
    assert store.history(keys[1])[-1]["undone_at"] is not None
    states_match(store, POLICY)
    with pytest.raises(LookupError):  # twice
        store.undo_suspension(changes[:1])
    assert not store.conn.in_transaction


def test_a_suspension_with_a_later_entry_cannot_be_undone(store: Store) -> None:
    (change,) = store.suspend_prompts([KEY], True, T0)
    store.set_suspended(KEY, False, T0 + timedelta(minutes=1))  # e.g. from the browser
    with pytest.raises(ValueError, match="later"):
        store.undo_suspension([change])
    assert store.card_state(KEY) == CardState()
    states_match(store, POLICY)


# -- undo -----------------------------------------------------------------------------


def test_undo_marks_the_row_and_restores_the_state(store: Store, db: Path) -> None:
    _, first = answer(store, KEY, Rating.GOOD, T0)
    log_id, _ = answer(store, KEY, Rating.AGAIN, T0 + timedelta(minutes=10))
    store.undo_review(log_id, KEY, first)
    assert store.card_state(KEY) == first
    rows = store.history(KEY)
    assert [row["id"] for row in rows][-1] == log_id  # kept, not deleted
    assert rows[0]["undone_at"] is None
    undone_at = from_iso(rows[1]["undone_at"])
    assert undone_at is not None and undone_at.tzinfo is UTC
    assert store.review_count() == 1
    with Store.open(db) as other:
        assert other.card_state(KEY) == first
    states_match(store, POLICY)


def test_undoing_the_first_review_removes_the_state(store: Store) -> None:
    log_id, _ = answer(store, KEY, Rating.EASY, T0)
    store.undo_review(log_id, KEY, CardState())
    assert store.card_states(["d"]) == {}
    assert store.replay_states(POLICY) == {}
    assert len(store.history(KEY)) == 1


def test_undo_errors_change_nothing(store: Store) -> None:
    first_id, first = answer(store, KEY, Rating.GOOD, T0)
    second_id, second = answer(store, KEY, Rating.GOOD, T0 + timedelta(minutes=10))
    other_id, _ = answer(store, ("d", "c2", "main"), Rating.GOOD, T0)
    with pytest.raises(LookupError):
        store.undo_review(9999, KEY, first)
    with pytest.raises(LookupError):  # a row of another prompt
        store.undo_review(other_id, KEY, first)
    with pytest.raises(ValueError, match="later"):  # not the latest of its prompt
        store.undo_review(first_id, KEY, CardState())
    assert store.card_state(KEY) == second
    store.undo_review(second_id, KEY, first)
    with pytest.raises(LookupError):  # twice
        store.undo_review(second_id, KEY, first)
    assert store.card_state(KEY) == first
    assert not store.conn.in_transaction
    # Once the later review is undone the earlier one can be undone too.
    store.undo_review(first_id, KEY, CardState())
    assert store.card_state(KEY) == CardState()
    states_match(store, POLICY)


def test_a_suspension_cannot_be_undone_as_a_review(store: Store) -> None:
    answer(store, KEY, Rating.EASY, T0)
    store.set_suspended(KEY, True, T0)
    suspend_id = store.history(KEY)[-1]["id"]
    with pytest.raises(LookupError):
        store.undo_review(suspend_id, KEY, CardState())


# -- day counts -----------------------------------------------------------------------


def test_day_counts(store: Store) -> None:
    start = T0 - timedelta(hours=9)
    answer(store, ("a", "old", "main"), Rating.EASY, start - timedelta(days=3))
    # Yesterday's answers do not count; the review of "old" does.
    answer(store, ("a", "y", "main"), Rating.AGAIN, start - timedelta(seconds=1))
    answer(store, ("a", "old", "main"), Rating.GOOD, start + timedelta(hours=1))
    answer(store, ("a", "n1", "forward"), Rating.AGAIN, start)  # at the very start: counts
    answer(store, ("a", "n1", "forward"), Rating.GOOD, start + timedelta(minutes=3))  # learning
    answer(store, ("a", "y", "main"), Rating.GOOD, start + timedelta(minutes=4))  # learning
    undone, _ = answer(store, ("a", "n2", "main"), Rating.EASY, start + timedelta(minutes=5))
    store.undo_review(undone, ("a", "n2", "main"), CardState())
    store.set_suspended(("a", "s", "main"), True, start + timedelta(minutes=6))
    answer(store, ("b", "n3", "main"), Rating.EASY, start + timedelta(minutes=7))

    counts = store.day_counts(["a", "b", "c"], start)
    assert (counts["a"].new, counts["a"].reviews) == (1, 1)
    assert counts["a"].touched_cards == {"old", "n1", "y"}
    assert (counts["b"].new, counts["b"].reviews, counts["b"].touched_cards) == (1, 0, {"n3"})
    assert (counts["c"].new, counts["c"].reviews, counts["c"].touched_cards) == (0, 0, set())
    assert store.day_counts([], start) == {}
    later = store.day_counts(["a"], start + timedelta(minutes=4))
    assert later["a"].touched_cards == {"old", "y"}


def test_day_counts_read_only_the_day_s_rows(store: Store) -> None:
    """Today's counts come through the review time index: on a year of reviews SQLite
    otherwise picked the per-card index for ``deck_id IN (...)`` and read every review
    of the decks (0.5-0.7 s for 100,000 reviews, on every start-up)."""
    answer(store, ("a", "n1", "main"), Rating.GOOD, T0)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    store.day_counts(["a", "b", "c"], T0 - timedelta(hours=1))
    store.conn.set_trace_callback(None)
    (query,) = [s for s in statements if "FROM review_log" in s]
    plan = " ".join(str(row[3]) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert "USING INDEX review_log_time (reviewed_at>?)" in plan, plan


# -- replay and rebuild ---------------------------------------------------------------


def test_rebuild_repairs_a_damaged_state_table(store: Store) -> None:
    _, good = answer(store, KEY, Rating.EASY, T0)
    _, other = answer(store, ("d", "c2", "main"), Rating.AGAIN, T0)
    store.conn.execute("UPDATE card_state SET stability = 99, lapses = 5 WHERE card_id = 'c1'")
    store.conn.execute("DELETE FROM card_state WHERE card_id = 'c2'")
    store.conn.execute(
        "INSERT INTO card_state (deck_id, card_id, sibling, state) "
        "VALUES ('d', 'ghost', 'main', 'review')"
    )
    assert store.card_state(KEY) != good
    assert store.rebuild(POLICY) == 2
    assert store.card_states(["d"]) == {KEY: good, ("d", "c2", "main"): other}
    assert store.rebuild(POLICY) == 2  # idempotent


def test_replay_uses_the_logged_due_dates(store: Store) -> None:
    fuzzed = Policy(SchedulerConfig(), rng=random.Random(11))
    at = T0
    for rating in (Rating.EASY, Rating.GOOD, Rating.GOOD, Rating.EASY):
        _, state = answer(store, KEY, rating, at, fuzzed)
        assert state.due is not None
        at = state.due
    # Replaying with any policy of the same settings gives the fuzzed due back.
    assert store.replay_states(POLICY)[KEY] == state
    assert POLICY.review(CardState(), Rating.EASY, T0) != state


def _sim_decks() -> list[Deck]:
    """Two decks with every kind: 14 basic; 6 reversible and 4 two-deletion clozes."""
    return [
        Deck("a", "A", "", "a.yaml", tuple(basic(f"a{i}") for i in range(14))),
        Deck(
            "b",
            "B",
            "",
            "b.yaml",
            (
                *(
                    Card(f"r{i}", "reversible", "t", 1, {"front": f"f{i}", "back": f"b{i}"})
                    for i in range(6)
                ),
                *(
                    Card(f"c{i}", "cloze", "t", 1, {"text": f"{i} {{{{x}}}} {{{{y}}}}"})
                    for i in range(4)
                ),
            ),
        ),
    ]


def _simulate(
    store: Store, clock: FakeClock, policy: Policy, seed: int, days: int = 45
) -> dict[str, int]:
    """A few weeks of random study: answers, suspends, unsuspends and undos."""
    rng = random.Random(seed)
    decks = _sim_decks()
    limits = {"a": DailyLimits(new=4, reviews=40), "b": DailyLimits(new=3, reviews=40)}
    stats = {"answers": 0, "undos": 0, "suspends": 0, "unsuspends": 0}
    ratings = [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY]
    for _day in range(days):
        session = StudySession(decks, store, policy, clock, limits=limits.__getitem__, tz=BERLIN)
        for _ in range(rng.randint(3, 30)):
            if session.current is None:
                break
            roll = rng.random()
            if roll < 0.04:
                session.suspend_current()
                stats["suspends"] += 1
            elif roll < 0.14 and session.can_undo():
                session.undo()
                stats["undos"] += 1
            else:
                session.answer(rng.choices(ratings, [3, 1, 5, 1])[0], rng.randint(800, 30000))
                stats["answers"] += 1
            clock.advance(minutes=rng.uniform(0.2, 9))
        for key, state in store.card_states(["a", "b"]).items():
            if state.suspended and rng.random() < 0.25:
                store.set_suspended(key, False, clock())
                stats["unsuspends"] += 1
        clock.advance(hours=rng.uniform(14, 34))
    return stats


def test_replay_equals_state_after_weeks_of_study(store: Store) -> None:
    config = SchedulerConfig(leech_threshold=3)  # fuzz on, and leeches happen
    clock = FakeClock()
    stats = _simulate(store, clock, Policy(config, rng=random.Random(2026)), seed=7)
    assert stats["answers"] >= 300
    assert stats["undos"] > 10 and stats["suspends"] > 3 and stats["unsuspends"] > 3

    live = store.card_states(["a", "b"])
    replayed = store.replay_states(Policy(config))
    assert len(live) > 30
    for key in live.keys() | replayed.keys():
        assert live.get(key, CardState()) == replayed.get(key, CardState()), key
    # The run went through every situation worth replaying.
    seen = {s.state for s in live.values()}
    assert State.REVIEW in seen and (State.LEARNING in seen or State.RELEARNING in seen)
    assert any(s.leech for s in live.values())
    assert any(s.lapses > 0 for s in live.values())
    assert any(row[0] for row in store.conn.execute("SELECT undone_at FROM review_log"))
    dues = [s.due for s in live.values() if s.state is State.REVIEW and s.due is not None]
    exact_dues = {d for d in dues if d.time() == clock().time()}
    assert len(exact_dues) < len(dues)  # reviews at varied times

    count = store.rebuild(Policy(config))
    assert count == len(replayed)
    assert store.card_states(["a", "b"]) == live


def test_the_simulation_is_reproducible(tmp_path: Path) -> None:
    config = SchedulerConfig(leech_threshold=3)
    results = []
    for run in range(2):
        with Store.open(tmp_path / f"run{run}.db") as store:
            _simulate(store, FakeClock(), Policy(config, rng=random.Random(5)), seed=3, days=15)
            results.append(
                (
                    store.card_states(["a", "b"]),
                    store.conn.execute(
                        "SELECT deck_id, card_id, sibling, action, reviewed_at, rating, "
                        "scheduled_due FROM review_log ORDER BY id"
                    ).fetchall(),
                )
            )
    assert results[0] == results[1]


def test_replay_follows_the_policy_settings(store: Store) -> None:
    at = T0
    for rating in (Rating.EASY, Rating.AGAIN, Rating.GOOD):
        _, state = answer(store, KEY, rating, at)
        assert state.due is not None
        at = state.due
    assert store.replay_states(POLICY)[KEY] == store.card_state(KEY)
    strict = Policy(SchedulerConfig(enable_fuzz=False, leech_threshold=1))
    assert store.replay_states(strict)[KEY] == replace(state, suspended=True, leech=True)


# -- cards removed from a deck --------------------------------------------------------

DECK_YAML = """\
deck: pharm
title: Pharmacology basics
cards:
  - id: one
    topic: basics
    question: "What is a drug's half-life?"
    answer: "The time for its plasma concentration to halve"
{two}  - id: three
    topic: basics
    question: "What does an antagonist do at a receptor?"
    answer: "Binds without activating it"
"""
TWO = """\
  - id: two
    kind: reversible
    topic: basics
    front: "Agonist"
    back: "A drug that activates a receptor"
"""


def _load(tmp_path: Path, with_two: bool) -> Deck:
    path = tmp_path / "pharm.yaml"
    path.write_text(DECK_YAML.format(two=TWO if with_two else ""), encoding="utf-8")
    result = load_deck_file(path)
    assert result.deck is not None, result.diagnostics
    return result.deck


def test_a_removed_card_keeps_its_history(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    full = _load(tmp_path, with_two=True)
    session = StudySession([full], store, POLICY, clock, tz=BERLIN)
    studied = []
    while session.current is not None:
        studied.append(session.current.key)
        session.answer(Rating.EASY, 1000)
    assert ("pharm", "two", "forward") in studied
    two = store.card_state(("pharm", "two", "forward"))
    assert two.state is State.REVIEW

    clock.now = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    without = _load(tmp_path, with_two=False)
    session = StudySession([without], store, POLICY, clock, tz=BERLIN)
    assert all(p.card.id != "two" for p in prompts_of(without))
    while session.current is not None:
        assert session.current.card.id != "two"
        session.answer(Rating.GOOD, 1000)
    assert session.next_due() is not None
    assert store.rebuild(POLICY) >= 3
    assert store.card_state(("pharm", "two", "forward")) == two

    again = StudySession([_load(tmp_path, with_two=True)], store, POLICY, clock, tz=BERLIN)
    assert again.states[("pharm", "two", "forward")] == two
    # It is not new again: its review is due (and its new reverse waits for another day).
    assert [p.key for p in again.queue.review] == [("pharm", "two", "forward")]
    assert [p.key for p in again.queue.new] == []


def test_rebuild_reads_the_log_under_the_write_lock(store: Store) -> None:
    answer(store, KEY, Rating.GOOD, T0)
    seen = []

    class Spy(Policy):
        def replay(self, events: Iterable[LogEvent]) -> CardState:
            seen.append(store.conn.in_transaction)
            return super().replay(events)

    assert store.rebuild(Spy(SchedulerConfig(enable_fuzz=False))) == 1
    assert seen == [True]
    assert not store.conn.in_transaction


def test_queue_states_give_the_same_queue_as_every_state(store: Store) -> None:
    """The session reads only what can be due (plus bare keys); its queue must
    be exactly the one built from every stored state."""
    config = SchedulerConfig(leech_threshold=3)
    clock = FakeClock()
    _simulate(store, clock, Policy(config, rng=random.Random(5)), seed=11, days=20)
    decks = _sim_decks()
    prompts = [p for deck in decks for p in prompts_of(deck)]
    every = store.card_states(["a", "b"])
    for days_ahead in (0, 1, 3, 10, 60):
        day_end = clock() + timedelta(days=days_ahead)
        states, settled = store.queue_states(["a", "b"], day_end)
        assert states.keys() | settled == every.keys()
        assert not states.keys() & settled
        full = build_queue(prompts, every, {}, lambda _d: DailyLimits(), day_end)
        lean = build_queue(prompts, states, {}, lambda _d: DailyLimits(), day_end, settled)
        assert (full.learning, full.review, full.new) == (lean.learning, lean.review, lean.new)
    upcoming = list(store.upcoming(["a", "b"]))
    assert [due for due, _ in upcoming] == sorted(due for due, _ in upcoming)
    expected = {k for k, s in every.items() if not s.suspended and s.due is not None}
    assert {key for _, key in upcoming} == expected
    leeches = store.leech_counts(["a", "b"])
    assert leeches == {
        d: n for d in ("a", "b") if (n := sum(1 for k, s in every.items() if k[0] == d and s.leech))
    }


def test_answers_and_picked_options_are_logged_and_aliases_kept(store: Store) -> None:
    before = store.card_state(KEY)
    after = POLICY.review(before, Rating.AGAIN, T0)
    store.record_review(
        ReviewRecord(KEY, "choice", T0, 1, 900, before, after, answer="TrkA", picked="TrkA")
    )
    (row,) = store.history(KEY)
    assert (row["kind"], row["answer"], row["picked"]) == ("choice", "TrkA", "TrkA")
    store.add_alias("d", "c1", "brain-derived neurotrophic factor", T0)
    store.add_alias("d", "c1", "brain-derived neurotrophic factor", T0)  # kept once
    store.add_alias("d", "c1", "bdnf protein", T0 + timedelta(seconds=1))
    assert store.aliases("d") == {"c1": ("brain-derived neurotrophic factor", "bdnf protein")}
    assert store.aliases("other") == {}


def test_undo_is_an_event_naming_the_event_it_undoes(store: Store) -> None:
    _, first = answer(store, KEY, Rating.GOOD, T0)
    second_id, _ = answer(store, KEY, Rating.AGAIN, T0 + timedelta(minutes=10))
    store.undo_review(second_id, KEY, first)
    named = store.conn.execute("SELECT event_id FROM review_log WHERE id = ?", (second_id,))
    undos = store.conn.execute("SELECT kind, refers_to, at, device_id FROM undo_log").fetchall()
    assert [(kind, refers_to, device) for kind, refers_to, _, device in undos] == [
        ("undo", named.fetchone()[0], store.device_id)
    ]
    # The log row is kept, marked undone at the undo event's time; replay skips it.
    row = store.history(KEY)[-1]
    assert row["id"] == second_id and row["undone_at"] == undos[0][2]
    assert store.card_state(KEY) == first
    states_match(store, POLICY)
    # The undo waits to be pushed after the two answers it follows.
    sources = [source for _, source, _ in store.unpushed()]
    assert sources == ["review_log", "review_log", "undo_log"]
    assert store.waiting() == 3
    store.acknowledge(2)
    store.acknowledge(1)  # the cursor never moves back
    assert store.waiting() == 1 and store.pushed_through() == 2


def test_pulled_events_are_appended_once_and_an_early_undo_applies(store: Store) -> None:
    """Events from another device: each stored once however often it arrives,
    its prompt replayed; an undo that arrives before the answer it names
    (possible across pages) still takes the answer back."""
    other = "00000000-0000-4000-8000-00000000000a"
    review = {
        "event_id": "00000000-0000-4000-8000-000000000001",
        "device_id": other,
        "action": "review",
        "reviewed_at": to_iso(T0),
        "deck_id": KEY[0],
        "card_id": KEY[1],
        "sibling": KEY[2],
        "rating": 3,
        "kind": "basic",
    }
    undo = {
        "event_id": "00000000-0000-4000-8000-000000000002",
        "device_id": other,
        "kind": "undo",
        "at": to_iso(T0 + timedelta(seconds=5)),
        "refers_to": review["event_id"],
    }

    def policy() -> tuple[Policy, datetime | None]:
        return POLICY, None

    done = store.append_events([("review_log", review)], policy)
    assert (done.new, done.replayed) == (1, 1)
    assert store.card_state(KEY).reps == 1
    assert store.append_events([("review_log", review)], policy).new == 0  # once
    later = ("d", "c2", "main")
    early = {**review, "event_id": "00000000-0000-4000-8000-000000000003", "card_id": later[1]}
    undo_early = {**undo, "event_id": "00000000-0000-4000-8000-000000000004"}
    undo_early["refers_to"] = early["event_id"]
    store.append_events([("undo_log", undo_early)], policy)
    store.append_events([("review_log", early)], policy)
    assert store.card_state(later) == CardState()
    assert store.history(later)[0]["undone_at"] == undo["at"]
    assert store.waiting() == 0  # pulled events are not this device's to push
    states_match(store, POLICY)


def test_reopen_reads_the_same_file_on_a_second_connection(tmp_path: Path) -> None:
    """The statistics worker reads on its own connection: it sees what was committed."""
    store = Store.open(tmp_path / "s.db")
    answer(store, KEY, Rating.GOOD, datetime(2026, 1, 1, tzinfo=UTC))
    reader = store.reopen()
    assert reader is not None and reader.conn is not store.conn
    try:
        assert reader.review_count() == store.review_count() == 1
    finally:
        reader.close()
        store.close()
    with Store.open(":memory:") as memory:
        assert memory.reopen() is None
