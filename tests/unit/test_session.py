"""The study session on a real SQLite store: queues, limits, burying, learning,
suspension, leeches, counts, summary, durable answers and undo."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.deck.model import Card, Deck, PromptKey
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig, State
from studyapp.core.study.session import (
    DailyLimits,
    Prompt,
    QueueCounts,
    ReviewRecord,
    SessionSummary,
    StudySession,
)
from studyapp.store import Store
from tests.conftest import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = Policy(SchedulerConfig(enable_fuzz=False))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Berlin wall-clock time, as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def basic(card_id: str) -> Card:
    return Card(
        card_id, "basic", "topic", 1, {"question": f"Q {card_id}?", "answer": f"A {card_id}"}
    )


def reversible(card_id: str) -> Card:
    return Card(
        card_id, "reversible", "topic", 1, {"front": f"F {card_id}", "back": f"B {card_id}"}
    )


def cloze(card_id: str) -> Card:
    return Card(card_id, "cloze", "topic", 1, {"text": f"{card_id}: {{{{one}}}} and {{{{two}}}}"})


def make_deck(deck_id: str, cards: list[Card]) -> Deck:
    return Deck(deck_id, deck_id.title(), "", f"{deck_id}.yaml", tuple(cards))


def leech_count(states: Mapping[PromptKey, CardState], deck_id: str) -> int:
    return sum(1 for key, state in states.items() if key[0] == deck_id and state.leech)


def basics(deck_id: str, n: int) -> Deck:
    return make_deck(deck_id, [basic(f"{deck_id}{i:02d}") for i in range(n)])


def open_session(
    decks: list[Deck], store: Store, clock: Callable[[], datetime], **kwargs: object
) -> StudySession:
    kwargs.setdefault("tz", BERLIN)
    return StudySession(decks, store, POLICY, clock, **kwargs)  # type: ignore[arg-type]


def seed_review(store: Store, key: PromptKey, due: datetime, **changes: object) -> CardState:
    """Give ``key`` a review state due at ``due`` (as if it was learnt long ago)."""
    at = due - timedelta(days=10)
    after = replace(POLICY.review(CardState(), Rating.EASY, at), due=due, **changes)  # type: ignore[arg-type]
    store.record_review(ReviewRecord(key, "basic", at, int(Rating.EASY), 1000, CardState(), after))
    return after


def study_all(
    session: StudySession, rating: Rating = Rating.EASY, limit: int = 500
) -> list[PromptKey]:
    keys: list[PromptKey] = []
    while session.current is not None and len(keys) < limit:
        keys.append(session.current.key)
        session.answer(rating, 1000)
    return keys


def queue_keys(session: StudySession) -> dict[str, list[PromptKey]]:
    q = session.queue
    return {
        "learning": [p.key for p in q.learning],
        "review": [p.key for p in q.review],
        "new": [p.key for p in q.new],
    }


# -- what is due today ----------------------------------------------------------------


def test_due_today_means_due_before_the_next_rollover(store: Store) -> None:
    deck = basics("d", 4)
    seed_review(store, ("d", "d00", "main"), local(2026, 11, 23, 23, 0))  # tonight
    seed_review(store, ("d", "d01", "main"), local(2026, 11, 24, 3, 30))  # before rollover
    seed_review(store, ("d", "d02", "main"), local(2026, 11, 24, 5, 0))  # tomorrow
    seed_review(store, ("d", "d03", "main"), local(2026, 11, 20, 9, 0))  # overdue
    session = open_session([deck], store, FakeClock(local(2026, 11, 23, 9, 0)))
    assert queue_keys(session)["review"] == [
        ("d", "d03", "main"),
        ("d", "d00", "main"),
        ("d", "d01", "main"),
    ]
    assert session.counts() == QueueCounts(new=0, learning=0, review=3)
    assert session.current is not None and session.current.key == ("d", "d03", "main")


def test_a_review_due_later_today_can_be_studied_now(store: Store) -> None:
    deck = basics("d", 1)
    seed_review(store, ("d", "d00", "main"), local(2026, 11, 23, 23, 0))
    clock = FakeClock(local(2026, 11, 23, 9, 0))
    session = open_session([deck], store, clock)
    after = session.answer(Rating.GOOD, 1500)
    assert after.last_review == clock()
    assert session.current is None
    assert session.counts() == QueueCounts(0, 0, 0)


def test_the_day_follows_the_rollover_hour_of_the_session(store: Store) -> None:
    deck = basics("d", 1)
    seed_review(store, ("d", "d00", "main"), local(2026, 11, 24, 5, 0))
    clock = FakeClock(local(2026, 11, 23, 9, 0))
    assert open_session([deck], store, clock).counts().review == 0
    assert open_session([deck], store, clock, rollover_hour=6).counts().review == 1


# -- new cards: limits, order ---------------------------------------------------------


def test_new_cards_come_in_deck_order(store: Store, clock: FakeClock) -> None:
    cards = [basic(name) for name in ("zeta", "alpha", "mid", "beta", "omega")]
    session = open_session([make_deck("d", cards)], store, clock)
    assert study_all(session) == [("d", c.id, "main") for c in cards]


def test_new_limit_per_deck_defaults_to_20(store: Store, clock: FakeClock) -> None:
    deck = basics("d", 30)
    session = open_session([deck], store, clock)
    assert session.counts() == QueueCounts(new=20, learning=0, review=0)
    keys = study_all(session)
    assert keys == [("d", f"d{i:02d}", "main") for i in range(20)]
    assert session.current is None
    assert session.counts().new == 0


def test_new_limit_counts_what_was_introduced_earlier_today(store: Store, clock: FakeClock) -> None:
    deck = basics("d", 30)
    limits = lambda _deck_id: DailyLimits(new=5)  # noqa: E731
    session = open_session([deck], store, clock, limits=limits)
    assert session.counts().new == 5
    session.answer(Rating.EASY, 1000)
    session.answer(Rating.AGAIN, 1000)  # still introduced: it is in learning now
    assert session.counts() == QueueCounts(new=3, learning=1, review=0)

    clock.advance(minutes=30)
    restarted = open_session([deck], store, clock, limits=limits)
    assert restarted.counts() == QueueCounts(new=3, learning=1, review=0)
    assert [k[1] for k in queue_keys(restarted)["new"]] == ["d02", "d03", "d04"]
    # Answering the learning card again does not use up a new card.
    assert restarted.current is not None and restarted.current.key == ("d", "d01", "main")
    restarted.answer(Rating.GOOD, 1000)
    assert restarted.counts().new == 3

    # Tomorrow (after 04:00 local) the limit starts afresh.
    clock.now = local(2026, 11, 24, 4, 1)
    tomorrow = open_session([deck], store, clock, limits=limits)
    assert tomorrow.counts().new == 5
    assert [k[1] for k in queue_keys(tomorrow)["new"]] == ["d02", "d03", "d04", "d05", "d06"]


def test_new_limit_zero_shows_no_new_cards(store: Store, clock: FakeClock) -> None:
    session = open_session([basics("d", 3)], store, clock, limits=lambda _: DailyLimits(new=0))
    assert session.current is None
    assert session.counts() == QueueCounts(0, 0, 0)


def test_new_limit_spans_the_rollover_inside_one_session(store: Store) -> None:
    deck = basics("d", 10)
    clock = FakeClock(local(2026, 11, 24, 3, 50))
    session = open_session([deck], store, clock, limits=lambda _: DailyLimits(new=2))
    study_all(session)
    assert session.current is None
    clock.now = local(2026, 11, 24, 4, 5)
    assert session.refresh() is not None
    assert session.counts().new == 2
    assert study_all(session) == [("d", "d02", "main"), ("d", "d03", "main")]


# -- reviews: limits ------------------------------------------------------------------


def test_review_limit_counts_reviews_done_today(store: Store) -> None:
    deck = basics("d", 12)
    for i in range(10):
        seed_review(store, ("d", f"d{i:02d}", "main"), local(2026, 11, 23, 8, i))
    clock = FakeClock(local(2026, 11, 23, 9, 0))
    limits = lambda _: DailyLimits(new=0, reviews=4)  # noqa: E731
    session = open_session([deck], store, clock, limits=limits)
    assert session.counts() == QueueCounts(new=0, learning=0, review=4)
    session.answer(Rating.GOOD, 1000)
    session.answer(Rating.GOOD, 1000)
    assert session.counts().review == 2
    # A lapse counts as a review; the relearning card is not a review any more.
    session.answer(Rating.AGAIN, 1000)
    assert session.counts() == QueueCounts(new=0, learning=1, review=1)

    restarted = open_session([deck], store, clock, limits=limits)
    assert restarted.counts() == QueueCounts(new=0, learning=1, review=1)
    # The most overdue go first.
    assert queue_keys(restarted)["review"] == [("d", "d03", "main")]
    # The default limit (200) shows everything that is due.
    assert open_session([deck], store, clock).counts().review == 7


@pytest.mark.parametrize(
    ("reviews", "new", "pattern"),
    [
        (3, 3, "RNRNRN"),
        (30, 5, "RRRRRN" * 5 + "RRRRR"),
        (4, 12, "NNRNNNRNNRNNNRNN"),
        (5, 0, "RRRRR"),
        (0, 3, "NNN"),
    ],
)
def test_new_prompts_are_spread_evenly_through_the_reviews(
    store: Store, reviews: int, new: int, pattern: str
) -> None:
    deck = basics("d", reviews + new)
    for i in range(reviews):
        seed_review(store, ("d", f"d{i:02d}", "main"), local(2026, 11, 23, 8, i))
    clock = FakeClock(local(2026, 11, 23, 9, 0))
    session = open_session([deck], store, clock, limits=lambda _: DailyLimits(new=new))
    keys = study_all(session, Rating.EASY)
    assert "".join("R" if int(k[1][1:]) < reviews else "N" for k in keys) == pattern
    # Each queue keeps its own order: reviews by due date, new ones by deck order.
    assert [k[1] for k in keys if int(k[1][1:]) < reviews] == [f"d{i:02d}" for i in range(reviews)]
    assert [k[1] for k in keys if int(k[1][1:]) >= reviews] == [
        f"d{i:02d}" for i in range(reviews, reviews + new)
    ]


def test_undo_keeps_the_spread(store: Store) -> None:
    deck = basics("d", 6)
    for i in range(3):
        seed_review(store, ("d", f"d{i:02d}", "main"), local(2026, 11, 23, 8, i))
    clock = FakeClock(local(2026, 11, 23, 9, 0))
    session = open_session([deck], store, clock)
    session.answer(Rating.EASY, 1000)  # review d00
    session.answer(Rating.EASY, 1000)  # new d03
    session.undo()
    assert session.current is not None and session.current.key[1] == "d03"
    session.undo()
    assert session.current is not None and session.current.key[1] == "d00"
    assert [k[1] for k in study_all(session)] == ["d00", "d03", "d01", "d04", "d02", "d05"]


# -- two decks at once ----------------------------------------------------------------


def test_two_decks_at_once_have_separate_limits(store: Store, clock: FakeClock) -> None:
    a, b = basics("a", 10), basics("b", 10)
    for i in range(4):
        seed_review(store, ("a", f"a{i:02d}", "main"), clock() - timedelta(hours=1 + i))
        seed_review(store, ("b", f"b{i:02d}", "main"), clock() - timedelta(hours=1 + i))
    table = {"a": DailyLimits(new=2, reviews=1), "b": DailyLimits(new=3, reviews=3)}
    session = open_session([a, b], store, clock, limits=table.__getitem__)
    assert session.counts() == QueueCounts(new=5, learning=0, review=4)
    keys = study_all(session)
    assert sum(k[0] == "a" for k in keys) == 3
    assert sum(k[0] == "b" for k in keys) == 6
    assert [k[1] for k in keys if k[0] == "a" and int(k[1][1:]) >= 4] == ["a04", "a05"]
    assert [k[1] for k in keys if k[0] == "b" and int(k[1][1:]) >= 4] == ["b04", "b05", "b06"]
    today = store.day_counts(["a", "b"], local(2026, 11, 23, 4, 0))
    assert (today["a"].new, today["a"].reviews) == (2, 1)
    assert (today["b"].new, today["b"].reviews) == (3, 3)


def test_studying_one_deck_does_not_touch_the_other(store: Store, clock: FakeClock) -> None:
    a, b = basics("a", 3), basics("b", 3)
    study_all(open_session([a], store, clock, limits=lambda _: DailyLimits(new=1)))
    assert open_session([b], store, clock, limits=lambda _: DailyLimits(new=1)).counts().new == 1
    assert open_session([a, b], store, clock, limits=lambda _: DailyLimits(new=1)).counts().new == 1


# -- siblings -------------------------------------------------------------------------


def test_reverse_waits_until_the_next_day(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [reversible("pair")])
    session = open_session([deck], store, clock)
    assert session.counts() == QueueCounts(new=1, learning=0, review=0)
    assert session.current is not None and session.current.sibling == "forward"
    session.answer(Rating.EASY, 1000)
    assert session.current is None  # the reverse is buried
    assert session.counts() == QueueCounts(0, 0, 0)

    clock.advance(hours=10)  # 23:00 local: still the same study day
    assert session.refresh() is None
    restarted = open_session([deck], store, clock)
    assert restarted.current is None

    clock.now = local(2026, 11, 24, 4, 0)  # the rollover
    assert session.refresh() is not None
    assert session.current is not None and session.current.key == ("d", "pair", "reverse")
    fresh = open_session([deck], store, clock)
    assert fresh.current is not None and fresh.current.key == ("d", "pair", "reverse")


def test_a_due_review_buries_its_new_sibling(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [cloze("c")])
    seed_review(store, ("d", "c", "c2"), clock() - timedelta(hours=1))
    session = open_session([deck], store, clock)
    assert queue_keys(session) == {"learning": [], "review": [("d", "c", "c2")], "new": []}
    session.answer(Rating.GOOD, 1000)
    assert session.current is None
    clock.now = local(2026, 11, 24, 4, 0)
    assert session.refresh() is not None and session.current is not None
    assert session.current.key == ("d", "c", "c1")


def test_two_due_siblings_show_one_per_day(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [reversible("pair"), basic("other")])
    seed_review(store, ("d", "pair", "forward"), clock() - timedelta(hours=2))
    seed_review(store, ("d", "pair", "reverse"), clock() - timedelta(hours=1))
    seed_review(store, ("d", "other", "main"), clock() - timedelta(hours=3))
    session = open_session([deck], store, clock)
    assert session.counts() == QueueCounts(new=0, learning=0, review=2)
    assert study_all(session, Rating.GOOD) == [("d", "other", "main"), ("d", "pair", "forward")]
    clock.now = local(2026, 11, 24, 4, 0)
    assert study_all(open_session([deck], store, clock), Rating.GOOD) == [("d", "pair", "reverse")]


def test_burying_survives_a_restart_the_same_day(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [reversible("p1"), reversible("p2"), basic("b")])
    session = open_session([deck], store, clock)
    assert study_all(session) == [
        ("d", "p1", "forward"),
        ("d", "p2", "forward"),
        ("d", "b", "main"),
    ]
    clock.advance(hours=3)
    restarted = open_session([deck], store, clock)
    assert restarted.current is None
    assert restarted.counts() == QueueCounts(0, 0, 0)
    clock.now = local(2026, 11, 24, 4, 30)
    assert study_all(open_session([deck], store, clock)) == [
        ("d", "p1", "reverse"),
        ("d", "p2", "reverse"),
    ]


def test_a_learning_sibling_is_not_buried(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [reversible("pair")])
    session = open_session([deck], store, clock)
    session.answer(Rating.AGAIN, 1000)  # forward: learning
    assert session.current is not None and session.current.key == ("d", "pair", "forward")

    clock.now = local(2026, 11, 24, 9, 0)  # next day: forward still learning, reverse new
    day2 = open_session([deck], store, clock)
    assert queue_keys(day2) == {
        "learning": [("d", "pair", "forward")],
        "review": [],
        "new": [("d", "pair", "reverse")],
    }
    assert day2.current is not None and day2.current.key == ("d", "pair", "forward")
    day2.answer(Rating.AGAIN, 1000)  # forward studied today...
    # ...so the new reverse is buried, but the learning forward keeps coming back.
    assert queue_keys(day2) == {"learning": [("d", "pair", "forward")], "review": [], "new": []}
    assert day2.current is not None and day2.current.key == ("d", "pair", "forward")


# -- learning -------------------------------------------------------------------------


def test_learning_cards_come_back_when_due(store: Store, clock: FakeClock) -> None:
    session = open_session([basics("d", 3)], store, clock)
    assert session.current is not None and session.current.key[1] == "d00"
    session.answer(Rating.AGAIN, 1000)  # d00 due in 1 minute
    assert session.current is not None and session.current.key[1] == "d01"
    assert session.counts() == QueueCounts(new=2, learning=1, review=0)
    clock.advance(minutes=2)
    session.answer(Rating.GOOD, 1000)  # d01 due in 10 minutes
    # d00 is due now and goes before the new d02.
    assert session.current is not None and session.current.key[1] == "d00"
    clock.advance(minutes=1)
    session.answer(Rating.GOOD, 1000)  # d00 due in 10 minutes, after d01
    assert session.current is not None and session.current.key[1] == "d02"
    session.answer(Rating.EASY, 1000)
    # Nothing else left: learn ahead (20 minutes) in due order.
    assert session.current is not None and session.current.key[1] == "d01"
    assert session.counts() == QueueCounts(new=0, learning=2, review=0)
    assert study_all(session, Rating.GOOD) == [("d", "d01", "main"), ("d", "d00", "main")]
    assert session.counts() == QueueCounts(0, 0, 0)


def test_learn_ahead_limit(store: Store, clock: FakeClock) -> None:
    deck = basics("d", 1)
    session = open_session([deck], store, clock, learn_ahead=timedelta(minutes=5))
    session.answer(Rating.GOOD, 1000)  # due in 10 minutes, beyond the 5 minute learn-ahead
    assert session.current is None
    assert session.counts() == QueueCounts(new=0, learning=1, review=0)
    clock.advance(minutes=4)
    assert session.refresh() is None
    clock.advance(minutes=1)  # due in 5 minutes: within learn-ahead
    assert session.refresh() is not None
    assert session.current is not None and session.current.key == ("d", "d00", "main")
    assert open_session([deck], store, clock, learn_ahead=timedelta(0)).current is None


def test_a_learning_card_due_tomorrow_is_not_counted_today(store: Store) -> None:
    clock = FakeClock(local(2026, 11, 24, 3, 55))
    deck = basics("d", 1)
    session = open_session([deck], store, clock)
    session.answer(Rating.GOOD, 1000)  # due 04:05, after the rollover
    assert session.counts() == QueueCounts(0, 0, 0)
    assert session.current is None
    clock.advance(minutes=10)
    assert open_session([deck], store, clock).counts() == QueueCounts(0, 1, 0)


# -- suspension and leeches -----------------------------------------------------------


def test_suspended_prompts_never_appear(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [basic("a"), basic("b"), reversible("r")])
    session = open_session([deck], store, clock)
    assert session.current is not None and session.current.key == ("d", "a", "main")
    assert session.suspend_current() is not None
    assert store.card_state(("d", "a", "main")) == CardState(suspended=True)
    assert session.current is not None and session.current.key == ("d", "b", "main")
    session.answer(Rating.AGAIN, 1000)  # b in learning, then suspended while learning
    store.set_suspended(("d", "b", "main"), True, clock())
    store.set_suspended(("d", "r", "reverse"), True, clock())
    clock.advance(minutes=5)
    restarted = open_session([deck], store, clock)
    assert queue_keys(restarted) == {"learning": [], "review": [], "new": [("d", "r", "forward")]}
    assert study_all(restarted) == [("d", "r", "forward")]
    clock.now = local(2026, 11, 30, 12, 0)
    later = open_session([deck], store, clock)
    assert all(key[1] != "a" and key[1] != "b" for key in study_all(later))

    store.set_suspended(("d", "a", "main"), False, clock())
    assert store.card_state(("d", "a", "main")) == CardState()
    assert open_session([deck], store, clock).current is not None


def test_suspend_with_nothing_current(store: Store, clock: FakeClock) -> None:
    session = open_session([make_deck("d", [])], store, clock)
    assert session.current is None
    assert session.suspend_current() is None
    with pytest.raises(RuntimeError):
        session.answer(Rating.GOOD, 1000)


def test_a_leech_is_suspended_during_study(store: Store, clock: FakeClock) -> None:
    deck = basics("d", 2)
    key = ("d", "d00", "main")
    seed_review(store, key, clock() - timedelta(hours=1), lapses=7)
    session = open_session([deck], store, clock, limits=lambda _: DailyLimits(new=0))
    assert session.current is not None and session.current.key == key
    after = session.answer(Rating.AGAIN, 1000)
    assert after.lapses == 8
    assert after.suspended and after.leech
    assert store.card_state(key) == after
    assert session.current is None  # not relearnt: suspended
    assert session.counts() == QueueCounts(0, 0, 0)
    assert leech_count(session.states, "d") == 1
    clock.advance(minutes=30)
    assert open_session([deck], store, clock).counts().learning == 0


# -- counts and summary ---------------------------------------------------------------


def test_counts_and_summary(store: Store, clock: FakeClock) -> None:
    deck = basics("d", 5)
    seed_review(store, ("d", "d04", "main"), clock() - timedelta(hours=1))
    session = open_session([deck], store, clock)
    assert session.counts() == QueueCounts(new=4, learning=0, review=1)
    assert session.counts().total == 5
    assert session.summary.studied == 0 and session.summary.next_due is None

    answered: dict[PromptKey, Rating] = {}
    ratings = [Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.AGAIN]
    for rating in ratings:
        assert session.current is not None
        answered[session.current.key] = rating
        session.answer(rating, 2500)
        clock.advance(seconds=5)
    assert session.summary.studied == 4
    assert session.summary.again == 2
    assert session.summary.time_ms == 10_000
    dues = [s.due for k, s in session.states.items() if k in answered and s.due is not None]
    assert session.summary.next_due == min(dues) == session.next_due()
    counts = session.counts()
    assert counts.learning == sum(r in (Rating.AGAIN, Rating.GOOD) for r in answered.values())
    assert counts.new + counts.review == 1


def test_next_due_ignores_suspended_and_other_decks(store: Store, clock: FakeClock) -> None:
    seed_review(store, ("other", "x", "main"), clock() + timedelta(hours=1))
    seed_review(store, ("d", "d00", "main"), clock() + timedelta(hours=2), suspended=True)
    later = seed_review(store, ("d", "d01", "main"), clock() + timedelta(days=3))
    session = open_session([basics("d", 2)], store, clock)
    assert session.next_due() == later.due


def test_intervals_preview_the_current_prompt(store: Store, clock: FakeClock) -> None:
    session = open_session([basics("d", 1)], store, clock)
    intervals = session.intervals()
    assert intervals[Rating.AGAIN] == timedelta(minutes=1)
    assert intervals[Rating.GOOD] == timedelta(minutes=10)
    after = session.answer(Rating.EASY, 1000)
    assert after.due == clock() + intervals[Rating.EASY]


def test_prompt_faces_render(store: Store, clock: FakeClock) -> None:
    session = open_session([make_deck("d", [reversible("r")])], store, clock)
    assert isinstance(session.current, Prompt)
    face = session.current.face()
    assert "F r" in "".join(span.text for span in face.front)
    assert "B r" in "".join(span.text for span in face.back)


# -- every answer is durable at once --------------------------------------------------


def test_each_answer_is_committed_before_answer_returns(
    store: Store, db: Path, clock: FakeClock
) -> None:
    deck = basics("d", 3)
    session = open_session([deck], store, clock)
    other = sqlite3.connect(db)
    try:
        for n, rating in enumerate([Rating.GOOD, Rating.EASY, Rating.AGAIN], start=1):
            assert session.current is not None
            key = session.current.key
            after = session.answer(rating, 1234, answer="typed")
            rows = other.execute(
                "SELECT deck_id, card_id, sibling, rating, duration_ms, answer, state_after "
                "FROM review_log ORDER BY id"
            ).fetchall()
            assert len(rows) == n
            assert rows[-1] == (*key, int(rating), 1234, "typed", after.state.value)
            with Store.open(db) as second:
                assert second.card_state(key) == after
                assert second.review_count() == n
    finally:
        other.close()


def test_a_crash_loses_no_answer(db: Path, clock: FakeClock) -> None:
    deck = basics("d", 4)
    store = Store.open(db)
    session = open_session([deck], store, clock)
    answered = {}
    for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY):
        assert session.current is not None
        key = session.current.key
        answered[key] = session.answer(rating, 1000)
    del session, store  # dropped, never closed
    with Store.open(db) as reopened:
        assert reopened.card_states(["d"]) == answered
        assert reopened.review_count() == 3


def test_a_killed_process_loses_no_answer(db: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os
        from datetime import datetime, UTC
        from zoneinfo import ZoneInfo
        from studyapp.core.deck.model import Card, Deck
        from studyapp.core.study.scheduling import Policy, SchedulerConfig
        from studyapp.core.study.session import StudySession
        from studyapp.store import Store

        cards = tuple(
            Card(f"c{{i}}", "basic", "t", 1, {{"question": "q", "answer": "a"}}) for i in range(3)
        )
        deck = Deck("d", "D", "", "d.yaml", cards)
        store = Store.open({str(db)!r})
        now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
        session = StudySession(
            [deck], store, Policy(SchedulerConfig(enable_fuzz=False)), lambda: now,
            tz=ZoneInfo("Europe/Berlin"),
        )
        session.answer(3, 1000)
        session.answer(4, 1000)
        os._exit(17)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == 17, result.stderr.decode()
    with Store.open(db) as reopened:
        states = reopened.card_states(["d"])
        assert set(states) == {("d", "c0", "main"), ("d", "c1", "main")}
        assert states[("d", "c0", "main")].state is State.LEARNING
        assert states[("d", "c1", "main")].state is State.REVIEW
        assert reopened.review_count() == 2


# -- undo -----------------------------------------------------------------------------


def test_undo_several_steps(store: Store, db: Path, clock: FakeClock) -> None:
    deck = basics("d", 5)
    seed_review(store, ("d", "d04", "main"), clock() - timedelta(hours=1))
    day_start = local(2026, 11, 23, 4, 0)
    session = open_session([deck], store, clock)
    history: list[tuple[Prompt, CardState, QueueCounts, int]] = []
    for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.GOOD, Rating.HARD):
        assert session.current is not None
        prompt = session.current
        history.append(
            (
                prompt,
                session.state_of(prompt),
                session.counts(),
                store.day_counts(["d"], day_start)["d"].new,
            )
        )
        session.answer(rating, 1000)
        clock.advance(minutes=2)
    introduced = sum(before.state is State.NEW for _, before, _, _ in history)
    assert introduced >= 2
    assert store.day_counts(["d"], day_start)["d"].new == introduced
    assert {before.state for _, before, _, _ in history} >= {
        State.NEW,
        State.REVIEW,
        State.LEARNING,
    }
    assert session.summary.studied == 5

    log_ids = [row["id"] for key in {p.key for p, *_ in history} for row in store.history(key)]
    for step, (prompt, before, counts, new_today) in enumerate(reversed(history), start=1):
        assert session.can_undo()
        assert session.undo() == prompt
        assert session.current == prompt
        assert store.card_state(prompt.key) == before  # exactly the previous state
        assert session.state_of(prompt) == before
        assert store.day_counts(["d"], day_start)["d"].new == new_today
        assert session.summary.studied == 5 - step
        assert session.counts() == counts
        with Store.open(db) as second:  # committed
            assert second.card_state(prompt.key) == before
    assert not session.can_undo()
    assert session.undo() is None
    assert session.summary.studied == 0
    assert session.summary.again == 0
    assert session.summary.time_ms == 0
    assert session.summary.next_due == session.next_due()

    # The log keeps every row, marked undone; nothing counts any more.
    rows = [row for key in {p.key for p, *_ in history} for row in store.history(key)]
    assert sorted(row["id"] for row in rows) == sorted(log_ids)
    answered_rows = [
        row for row in rows if row["kind"] is not None and row["undone_at"] is not None
    ]
    assert len(answered_rows) == 5
    assert store.review_count() == 1  # only the seeded review
    assert store.day_counts(["d"], day_start)["d"].new == 0


def test_answer_after_undo(store: Store, clock: FakeClock) -> None:
    session = open_session([basics("d", 2)], store, clock)
    first = session.current
    assert first is not None
    session.answer(Rating.AGAIN, 1000)
    session.undo()
    assert session.current == first
    after = session.answer(Rating.EASY, 1000)
    assert after.state is State.REVIEW
    assert store.card_state(first.key) == after
    history = store.history(first.key)
    assert [row["rating"] for row in history] == [1, 4]
    assert history[0]["undone_at"] is not None and history[1]["undone_at"] is None
    assert session.summary.studied == 1 and session.summary.again == 0


def test_undo_of_a_leech_unsuspends(store: Store, clock: FakeClock) -> None:
    key = ("d", "d00", "main")
    before = seed_review(store, key, clock() - timedelta(hours=1), lapses=7)
    session = open_session([basics("d", 1)], store, clock, limits=lambda _: DailyLimits(new=0))
    assert session.answer(Rating.AGAIN, 1000).leech
    assert session.undo() is not None
    assert store.card_state(key) == before
    assert leech_count(session.states, "d") == 0
    assert session.counts() == QueueCounts(0, 0, 1)


def test_undo_brings_back_a_buried_sibling_day(store: Store, clock: FakeClock) -> None:
    deck = make_deck("d", [reversible("pair")])
    session = open_session([deck], store, clock)
    session.answer(Rating.EASY, 1000)
    assert session.current is None
    session.undo()
    assert session.current is not None and session.current.key == ("d", "pair", "forward")
    assert session.counts() == QueueCounts(1, 0, 0)
    assert store.day_counts(["d"], local(2026, 11, 23, 4, 0))["d"].touched_cards == set()


def test_suspend_suspends_the_whole_card_and_undo_brings_every_prompt_back(
    store: Store, clock: FakeClock
) -> None:
    deck = make_deck("d", [cloze("cz"), basic("b"), reversible("r")])
    # Both deletions and both sides in learning: each would come again today.
    for key in (("d", "cz", "c1"), ("d", "cz", "c2"), ("d", "r", "forward"), ("d", "r", "reverse")):
        after = POLICY.review(CardState(), Rating.AGAIN, clock())
        store.record_review(ReviewRecord(key, "cloze", clock(), 1, 1000, CardState(), after))
    clock.advance(minutes=2)
    session = open_session([deck], store, clock)
    session.answer(Rating.GOOD, 1000)  # an answer before the suspension stays undoable
    answered = session.current
    assert answered is not None and answered.key[1] == "cz"
    assert session.suspend_current() == answered
    siblings = [("d", "cz", "c1"), ("d", "cz", "c2")]
    assert all(store.card_state(key).suspended for key in siblings)
    assert session.current is not None and session.current.key[1] != "cz"
    assert all(p.key[1] != "cz" for q in (session.queue.learning, session.queue.new) for p in q)
    assert session.can_undo()
    assert session.undo() == answered  # the suspension: both prompts back
    assert not any(store.card_state(key).suspended for key in siblings)
    assert session.current == answered
    history = [row["action"] for row in store.history(("d", "cz", "c2"))]
    assert history == ["review", "suspend"]  # kept, marked undone
    assert store.history(("d", "cz", "c2"))[-1]["undone_at"] is not None
    assert session.undo() is not None  # then the answer before it
    assert session.summary.studied == 0
    replayed = store.replay_states(POLICY)
    assert store.card_states(["d"]) == {k: v for k, v in replayed.items() if v != CardState()}


def test_suspending_a_card_in_a_focus_session_skips_its_other_prompts(
    store: Store, clock: FakeClock
) -> None:
    deck = make_deck("d", [cloze("cz"), basic("b")])
    focus = [("d", "cz", "c1"), ("d", "cz", "c2"), ("d", "b", "main")]
    session = open_session([deck], store, clock, focus=focus)
    assert session.current is not None and session.current.key == focus[0]
    session.suspend_current()
    assert session.current is not None and session.current.key == ("d", "b", "main")
    assert session.counts().total == 1


def test_undo_updates_the_summary_next_due(store: Store, clock: FakeClock) -> None:
    session = open_session([basics("d", 2)], store, clock)
    session.answer(Rating.AGAIN, 1000)
    assert session.summary.next_due == clock() + timedelta(minutes=1)
    session.answer(Rating.GOOD, 1000)
    assert session.summary.next_due == clock() + timedelta(minutes=1)
    session.undo()
    assert session.summary.next_due == clock() + timedelta(minutes=1)
    session.undo()
    assert session.summary.next_due is None
    assert session.summary == SessionSummary()
