"""The scheduling policy: FSRS via py-fsrs plus our new state, lapses, leeches,
the interval cap, fuzz seeding, replay, the day rollover and interval labels."""

from __future__ import annotations

import itertools
import os
import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.study.scheduling import (
    CardState,
    LogEvent,
    Policy,
    Rating,
    SchedulerConfig,
    State,
    day_bounds,
    format_interval,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
NO_FUZZ = SchedulerConfig(enable_fuzz=False)


def exact(**changes: object) -> Policy:
    return Policy(replace(NO_FUZZ, **changes))  # type: ignore[arg-type]


def graduated(policy: Policy, now: datetime = T0) -> CardState:
    """A card that went straight to review with Easy."""
    state = policy.review(CardState(), Rating.EASY, now)
    assert state.state is State.REVIEW
    return state


def lapse_and_recover(policy: Policy, state: CardState) -> CardState:
    """Forget a review card at its due date, then relearn it: one lapse."""
    assert state.state is State.REVIEW and state.due is not None
    state = policy.review(state, Rating.AGAIN, state.due)
    if state.suspended:
        return state
    assert state.state is State.RELEARNING and state.due is not None
    state = policy.review(state, Rating.GOOD, state.due)
    assert state.state is State.REVIEW
    return state


# -- datetimes must be UTC ----------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 23, 12, 0),
        datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN),
        datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Europe/London")),  # +00:00 in winter
    ],
    ids=["naive", "berlin", "minus-5", "london-winter"],
)
def test_non_utc_datetimes_are_refused(moment: datetime) -> None:
    policy = exact()
    state = graduated(policy)
    with pytest.raises(ValueError, match="UTC"):
        policy.review(CardState(), Rating.GOOD, moment)
    with pytest.raises(ValueError, match="UTC"):
        policy.preview(state, moment)
    with pytest.raises(ValueError, match="UTC"):
        policy.retrievability(state, moment)
    with pytest.raises(ValueError, match="UTC"):
        day_bounds(moment, 4, BERLIN)


@pytest.mark.parametrize(
    "tz",
    [UTC, ZoneInfo("UTC"), ZoneInfo("Etc/UTC"), ZoneInfo("Etc/GMT"), timezone(timedelta(0), "Z")],
    ids=str,
)
def test_any_utc_tzinfo_is_accepted_and_normalised(tz: timezone | ZoneInfo) -> None:
    # py-fsrs itself only accepts datetime.UTC; the policy normalises the others.
    state = exact().review(CardState(), Rating.GOOD, T0.replace(tzinfo=tz))
    assert state.last_review == T0
    assert state.due == T0 + timedelta(minutes=10)
    assert state.due is not None and state.due.tzinfo is UTC


# -- new cards, learning steps, lapses --------------------------------------------


def test_new_card_ratings_give_the_learning_steps() -> None:
    policy = exact()
    after = {rating: policy.review(CardState(), rating, T0) for rating in Rating}
    assert after[Rating.AGAIN].state is State.LEARNING
    assert after[Rating.AGAIN].due == T0 + timedelta(minutes=1)
    assert after[Rating.AGAIN].step == 0
    assert after[Rating.HARD].state is State.LEARNING
    assert after[Rating.HARD].due == T0 + timedelta(minutes=5, seconds=30)  # between the steps
    assert after[Rating.GOOD].state is State.LEARNING
    assert after[Rating.GOOD].due == T0 + timedelta(minutes=10)
    assert after[Rating.GOOD].step == 1
    easy = after[Rating.EASY]
    assert easy.state is State.REVIEW
    assert easy.step is None
    assert easy.due is not None and easy.due - T0 >= timedelta(days=1)
    for state in after.values():
        assert state.reps == 1
        assert state.lapses == 0
        assert state.last_review == T0
        assert state.stability is not None and state.difficulty is not None


def test_good_through_the_steps_graduates() -> None:
    policy = exact()
    state = policy.review(CardState(), Rating.GOOD, T0)
    assert state.state is State.LEARNING and state.due is not None
    state = policy.review(state, Rating.GOOD, state.due)
    assert state.state is State.REVIEW
    assert state.reps == 2
    assert state.due is not None and state.due - T0 >= timedelta(days=1)


def test_custom_learning_steps_are_used() -> None:
    policy = exact(learning_steps=(timedelta(minutes=3), timedelta(hours=2), timedelta(days=1)))
    state = policy.review(CardState(), Rating.GOOD, T0)
    assert state.due == T0 + timedelta(hours=2)
    state = policy.review(state, Rating.GOOD, T0 + timedelta(hours=2))
    assert state.due == T0 + timedelta(hours=2, days=1)
    assert state.state is State.LEARNING


def test_again_on_a_review_card_is_a_lapse_and_relearns() -> None:
    policy = exact()
    state = graduated(policy)
    assert state.due is not None
    after = policy.review(state, Rating.AGAIN, state.due)
    assert after.state is State.RELEARNING
    assert after.lapses == 1
    assert after.due == state.due + timedelta(minutes=10)  # the relearning step
    assert after.reps == 2
    assert not after.suspended and not after.leech


def test_again_while_learning_or_relearning_is_not_a_lapse() -> None:
    policy = exact()
    state = policy.review(CardState(), Rating.AGAIN, T0)
    for _ in range(5):
        assert state.due is not None
        state = policy.review(state, Rating.AGAIN, state.due)
    assert state.state is State.LEARNING
    assert state.lapses == 0

    relearning = policy.review(graduated(policy), Rating.AGAIN, T0 + timedelta(days=30))
    assert relearning.lapses == 1
    again = policy.review(relearning, Rating.AGAIN, T0 + timedelta(days=30, minutes=10))
    assert again.state is State.RELEARNING
    assert again.lapses == 1


@pytest.mark.parametrize("rating", [Rating.HARD, Rating.GOOD, Rating.EASY])
def test_passing_a_review_card_is_not_a_lapse(rating: Rating) -> None:
    policy = exact()
    state = graduated(policy)
    assert state.due is not None
    after = policy.review(state, rating, state.due)
    assert after.state is State.REVIEW
    assert after.lapses == 0
    assert after.due is not None and after.due > state.due


def test_leech_at_eight_lapses_suspends_and_flags() -> None:
    policy = exact()
    state = graduated(policy)
    for lapse in range(1, 8):
        state = lapse_and_recover(policy, state)
        assert state.lapses == lapse
        assert not state.suspended, f"suspended at lapse {lapse}"
        assert not state.leech
    assert state.due is not None
    state = policy.review(state, Rating.AGAIN, state.due)
    assert state.lapses == 8
    assert state.suspended
    assert state.leech
    assert state.state is State.RELEARNING


def test_leech_comes_back_every_half_threshold() -> None:
    policy = exact()
    state = graduated(policy)
    suspended_at = []
    for _ in range(17):
        state = lapse_and_recover(policy, state)
        if state.suspended:
            suspended_at.append(state.lapses)
            # The student unsuspends it and keeps studying; the flag stays.
            state = replace(state, suspended=False)
            assert state.due is not None
            state = policy.review(state, Rating.GOOD, state.due)
        assert state.leech == (state.lapses >= 8)
    assert suspended_at == [8, 12, 16]


def test_leech_threshold_zero_disables_leeches() -> None:
    policy = exact(leech_threshold=0)
    state = graduated(policy)
    for _ in range(20):
        state = lapse_and_recover(policy, state)
    assert state.lapses == 20
    assert not state.suspended
    assert not state.leech


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (8, [8, 12, 16, 20]),
        (4, [4, 6, 8, 10, 12, 14, 16, 18, 20]),
        (1, list(range(1, 21))),
        (0, []),
    ],
)
def test_is_leech_lapse(threshold: int, expected: list[int]) -> None:
    policy = exact(leech_threshold=threshold)
    assert [n for n in range(21) if policy.is_leech_lapse(n)] == expected


def test_a_suspended_card_stays_suspended_when_reviewed() -> None:
    policy = exact()
    state = replace(graduated(policy), suspended=True)
    assert policy.review(state, Rating.GOOD, T0 + timedelta(days=9)).suspended


# -- the interval cap ---------------------------------------------------------------


@pytest.mark.parametrize("fuzz", [False, True])
def test_maximum_interval_caps_repeated_easy(fuzz: bool) -> None:
    policy = Policy(SchedulerConfig(maximum_interval=30, enable_fuzz=fuzz), rng=random.Random(3))
    state = CardState()
    now = T0
    intervals = []
    for _ in range(12):
        state = policy.review(state, Rating.EASY, now)
        assert state.due is not None
        intervals.append(state.due - now)
        now = state.due
    assert max(intervals) == timedelta(days=30)
    assert all(interval <= timedelta(days=30) for interval in intervals)
    if fuzz:  # fuzz draws around the capped interval, never above it
        assert all(timedelta(days=25) <= i <= timedelta(days=30) for i in intervals[-3:])
    else:
        assert intervals[-3:] == [timedelta(days=30)] * 3
    # Without the cap the same answers go far beyond 30 days.
    uncapped = exact()
    free = CardState()
    now = T0
    for _ in range(6):
        free = uncapped.review(free, Rating.EASY, now)
        assert free.due is not None
        now = free.due
    assert free.due is not None and free.last_review is not None
    assert free.due - free.last_review > timedelta(days=30)


# -- preview ------------------------------------------------------------------------


def _states_to_preview() -> list[CardState]:
    policy = exact()
    new = CardState()
    learning = policy.review(new, Rating.GOOD, T0)
    review = graduated(policy)
    assert review.due is not None
    matured = policy.review(review, Rating.GOOD, review.due)
    relearning = policy.review(matured, Rating.AGAIN, T0 + timedelta(days=60))
    return [new, learning, review, matured, relearning]


@pytest.mark.parametrize("index", range(5), ids=["new", "learning", "review", "mature", "relearn"])
@pytest.mark.parametrize("late", [timedelta(0), timedelta(days=3), timedelta(hours=2)])
def test_preview_matches_review_without_fuzz(index: int, late: timedelta) -> None:
    policy = exact()
    state = _states_to_preview()[index]
    now = (state.due or T0) + late
    preview = policy.preview(state, now)
    assert set(preview) == set(Rating)
    for rating, interval in preview.items():
        after = policy.review(state, rating, now)
        assert after.due == now + interval, rating


def test_preview_of_a_review_card_is_monotonic() -> None:
    policy = exact()
    for state in _states_to_preview()[2:4]:
        assert state.due is not None
        for late in (timedelta(0), timedelta(days=5), timedelta(days=-1)):
            p = policy.preview(state, state.due + late)
            assert p[Rating.AGAIN] <= p[Rating.HARD] <= p[Rating.GOOD] <= p[Rating.EASY]
            assert p[Rating.AGAIN] == timedelta(minutes=10)
            assert p[Rating.HARD] >= timedelta(days=1)
            assert p[Rating.GOOD] < p[Rating.EASY]


def test_preview_ignores_fuzz_and_does_not_consume_the_rng() -> None:
    rng = random.Random(5)
    policy = Policy(SchedulerConfig(), rng=rng)
    state = _states_to_preview()[3]
    assert state.due is not None
    before = rng.getstate()
    assert policy.preview(state, state.due) == exact().preview(state, state.due)
    assert rng.getstate() == before


# -- fuzz ---------------------------------------------------------------------------


def _study(policy: Policy, ratings: list[Rating]) -> list[CardState]:
    """Review one card at fixed times (every 9 days), whatever it was scheduled for."""
    state = CardState()
    out = []
    for i, rating in enumerate(ratings):
        state = policy.review(state, rating, T0 + timedelta(days=9 * i))
        out.append(state)
    return out


RATINGS = [Rating.EASY, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.EASY, Rating.GOOD] * 3


def test_seeded_fuzz_is_deterministic() -> None:
    first = _study(Policy(SchedulerConfig(), rng=random.Random(42)), RATINGS)
    second = _study(Policy(SchedulerConfig(), rng=random.Random(42)), RATINGS)
    assert first == second
    other = _study(Policy(SchedulerConfig(), rng=random.Random(43)), RATINGS)
    assert [s.due for s in other] != [s.due for s in first]


def test_seeded_fuzz_does_not_depend_on_or_disturb_the_global_random() -> None:
    random.seed(1)
    first = _study(Policy(SchedulerConfig(), rng=random.Random(42)), RATINGS)
    random.seed(2)
    state = random.getstate()
    second = _study(Policy(SchedulerConfig(), rng=random.Random(42)), RATINGS)
    assert random.getstate() == state
    assert first == second


def test_fuzz_changes_due_dates_only() -> None:
    fuzzed = _study(Policy(SchedulerConfig(), rng=random.Random(42)), RATINGS)
    plain = _study(exact(), RATINGS)
    assert [s.due for s in fuzzed] != [s.due for s in plain]
    for a, b in zip(fuzzed, plain, strict=True):
        assert replace(a, due=None) == replace(b, due=None)
        assert a.due is not None and b.due is not None and a.last_review is not None
        # Fuzz stays within a few days either way and whole days.
        assert abs(a.due - b.due) <= (b.due - a.last_review) * 0.25 + timedelta(days=1)
        assert (a.due - b.due) % timedelta(days=1) == timedelta(0)


def test_fuzz_off_in_config_ignores_the_rng() -> None:
    assert _study(Policy(NO_FUZZ, rng=random.Random(42)), RATINGS) == _study(exact(), RATINGS)


# -- retrievability -----------------------------------------------------------------


def test_retrievability() -> None:
    policy = exact()
    assert policy.retrievability(CardState(), T0) == 0.0
    state = graduated(policy)
    values = [policy.retrievability(state, T0 + timedelta(days=d)) for d in (0, 1, 8, 30, 365)]
    assert values[0] == pytest.approx(1.0)
    assert all(a > b for a, b in itertools.pairwise(values))
    # At the scheduled due date recall is the desired retention.
    assert state.due is not None
    assert policy.retrievability(state, state.due) == pytest.approx(0.9, abs=0.01)
    assert 0.0 < values[-1] < 0.7


# -- replay -------------------------------------------------------------------------


def test_replay_gives_the_state_of_the_reviews_with_logged_due_dates() -> None:
    policy = Policy(SchedulerConfig(), rng=random.Random(9))
    rng = random.Random(10)
    state = CardState()
    events: list[LogEvent] = []
    now = T0
    for i in range(60):
        if i % 17 == 5:
            events.append(LogEvent("suspend", now))
            state = replace(state, suspended=True)
        elif i % 17 == 9:
            events.append(LogEvent("unsuspend", now))
            state = replace(state, suspended=False)
        else:
            rating = rng.choice(list(Rating))
            state = policy.review(state, rating, now)
            events.append(LogEvent("review", now, int(rating), state.due))
        assert policy.replay(events) == state, i
        assert state.due is not None
        now = max(now + timedelta(minutes=1), state.due + timedelta(hours=rng.randint(-30, 30)))
    assert state.reps > 40


def test_replay_of_nothing_is_new() -> None:
    assert exact().replay([]) == CardState()
    assert exact().replay([LogEvent("suspend", T0)]) == CardState(suspended=True)


def test_replay_counts_leeches_like_review() -> None:
    policy = exact()
    state = graduated(policy)
    events = [LogEvent("review", T0, int(Rating.EASY), state.due)]
    while not state.suspended:
        assert state.due is not None
        at = state.due
        rating = Rating.AGAIN if state.state is State.REVIEW else Rating.GOOD
        state = policy.review(state, rating, at)
        events.append(LogEvent("review", at, int(rating), state.due))
    replayed = policy.replay(events)
    assert replayed == state
    assert replayed.leech and replayed.suspended and replayed.lapses == 8


# -- day_bounds ---------------------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(
    tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime:
    """A wall-clock time in ``tz``, as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


def test_day_bounds_berlin_rollover_at_4am() -> None:
    start, end = day_bounds(local(BERLIN, 2026, 11, 23, 12, 0), 4, BERLIN)
    assert start == local(BERLIN, 2026, 11, 23, 4, 0) == utc(2026, 11, 23, 3, 0)
    assert end == local(BERLIN, 2026, 11, 24, 4, 0)
    # 03:59 local still belongs to the previous study day; 04:00 starts a new one.
    before = day_bounds(local(BERLIN, 2026, 11, 24, 3, 59), 4, BERLIN)
    assert before == (start, end)
    assert day_bounds(local(BERLIN, 2026, 11, 24, 4, 0), 4, BERLIN)[0] == end
    # Just after midnight local is still "yesterday".
    assert day_bounds(local(BERLIN, 2026, 11, 24, 0, 30), 4, BERLIN) == (start, end)


def test_day_bounds_utc() -> None:
    start, end = day_bounds(utc(2026, 11, 23, 3, 59), 4, UTC)
    assert (start, end) == (utc(2026, 11, 22, 4, 0), utc(2026, 11, 23, 4, 0))
    assert day_bounds(utc(2026, 11, 23, 4, 0), 4, UTC) == (end, utc(2026, 11, 24, 4, 0))
    for result in (start, end):
        assert result.tzinfo is UTC


@pytest.mark.parametrize("hour", [0, 6, 23])
def test_day_bounds_custom_rollover_hour(hour: int) -> None:
    at = local(BERLIN, 2026, 7, 10, hour, 0)
    start, end = day_bounds(at, hour, BERLIN)
    assert start == at
    assert end == local(BERLIN, 2026, 7, 11, hour, 0)
    assert day_bounds(at - timedelta(minutes=1), hour, BERLIN) == (start - timedelta(days=1), start)


@pytest.mark.parametrize(
    ("day", "hours"),
    [((2026, 3, 28), 23), ((2026, 10, 24), 25), ((2026, 6, 1), 24)],
    ids=["spring-forward", "fall-back", "summer"],
)
def test_day_bounds_keep_the_local_hour_across_dst(day: tuple[int, int, int], hours: int) -> None:
    start, end = day_bounds(local(BERLIN, *day, 12, 0), 4, BERLIN)
    next_day = (datetime(*day) + timedelta(days=1)).timetuple()[:3]
    assert start == local(BERLIN, *day, 4, 0)
    assert end == local(BERLIN, *next_day, 4, 0)
    assert end - start == timedelta(hours=hours)
    assert end.astimezone(BERLIN).hour == 4
    # The next study day starts where this one ends.
    assert day_bounds(end, 4, BERLIN)[0] == end


@pytest.mark.parametrize("tz", [BERLIN, None], ids=["zoneinfo", "system"])
@pytest.mark.usefixtures("system_tz_berlin")
def test_day_bounds_when_the_rollover_hour_happens_twice(tz: ZoneInfo | None) -> None:
    # On 2026-10-25 Berlin goes from 03:00 CEST back to 02:00 CET: 02:xx happens
    # twice. The study day starts at the first 02:00 whichever 02:xx it is now.
    first_two = utc(2026, 10, 25, 0, 0)  # 02:00 CEST
    expected = (first_two, utc(2026, 10, 26, 1, 0))  # to 02:00 CET the next day
    for now in (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 15), utc(2026, 10, 25, 1, 59)):
        assert day_bounds(now, 2, tz) == expected, now
    assert day_bounds(utc(2026, 10, 24, 23, 59), 2, tz)[1] == first_two


@pytest.fixture
def system_tz_berlin() -> Iterator[None]:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.mark.usefixtures("system_tz_berlin")
@pytest.mark.parametrize("day", [(2026, 3, 28), (2026, 10, 24), (2026, 11, 23)])
def test_day_bounds_with_the_system_zone_follow_dst(day: tuple[int, int, int]) -> None:
    now = local(BERLIN, *day, 12, 0)
    assert day_bounds(now, 4) == day_bounds(now, 4, BERLIN)
    assert day_bounds(now - timedelta(hours=9), 4)[1] == day_bounds(now, 4, BERLIN)[0]


# -- format_interval ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(seconds=0), "<1m"),
        (timedelta(seconds=59), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=5, seconds=30), "6m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59, seconds=40), "1h"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=23, minutes=40), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=29, hours=20), "1.0mo"),
        (timedelta(days=75), "2.5mo"),
        (timedelta(days=359), "1.0y"),
        (timedelta(days=438), "1.2y"),
    ],
)
def test_format_interval(delta: timedelta, label: str) -> None:
    assert format_interval(delta) == label
