"""Exam plans: prediction, plan due dates, spreading, caps, the queue, and after the date.

Every test runs on an injected clock (``FakeClock``, UTC, rollover 04:00) and an
unfuzzed policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.core.deck.model import Card, Deck, PromptKey
from studyapp.core.study.planning import (
    ExamPlan,
    PlanEffect,
    PlanOutcome,
    apply_plans,
    day_start,
    plan_schedule,
    study_date,
)
from studyapp.core.study.queue import DailyLimits, DayCounts
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig, State
from studyapp.core.study.session import ReviewRecord, StudySession
from studyapp.store import Store
from tests.conftest import FakeClock

POLICY = Policy(SchedulerConfig(enable_fuzz=False))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # study day 2026-11-23 (UTC, rollover 4)
TODAY = date(2026, 11, 23)
EXAM = date(2026, 12, 13)  # 20 days left
EXAM_START = datetime(2026, 12, 13, 4, 0, tzinfo=UTC)


def key(n: int, deck: str = "d") -> PromptKey:
    return (deck, f"c{n:03d}", "main")


def learnt(stability_days: float, last_review: datetime, due: datetime | None = None) -> CardState:
    """A review-state prompt with this stability, last reviewed then."""
    return CardState(
        state=State.REVIEW,
        stability=stability_days,
        difficulty=5.0,
        due=due if due is not None else last_review + timedelta(days=round(stability_days)),
        last_review=last_review,
        reps=3,
    )


def schedule(
    states: dict[PromptKey, CardState],
    plan: ExamPlan | None = None,
    *,
    extra: Sequence[tuple[PromptKey, str]] = (),
    now: datetime = NOW,
    done_today: int = 0,
) -> PlanOutcome:
    """The outcome of ``plan`` (default: deck d, EXAM, 0.9) over ``states`` (topic "t")."""
    plan = plan or ExamPlan("d", EXAM, target=0.9)
    scope = [(k, "t") for k in states] + list(extra)
    return plan_schedule(plan, scope, states, POLICY, now, tz=UTC, done_today=done_today)


# -- days ---------------------------------------------------------------------------


def test_study_days_start_at_the_rollover() -> None:
    assert study_date(datetime(2026, 11, 23, 3, 59, tzinfo=UTC), 4, UTC) == date(2026, 11, 22)
    assert study_date(datetime(2026, 11, 23, 4, 0, tzinfo=UTC), 4, UTC) == TODAY
    assert day_start(TODAY, 4, UTC) == datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    assert study_date(day_start(EXAM, 4, UTC), 4, UTC) == EXAM


def test_a_plan_is_active_on_every_day_before_the_exam() -> None:
    plan = ExamPlan("d", EXAM, topics=("a",))
    assert plan.active_on(EXAM - timedelta(days=1))
    assert not plan.active_on(EXAM)
    assert plan.covers("a") and not plan.covers("b")
    assert ExamPlan("d", EXAM).covers("anything")


# -- prediction ----------------------------------------------------------------------


def test_prediction_is_fsrs_retrievability_at_the_start_of_the_exam_day() -> None:
    strong = learnt(100.0, NOW - timedelta(days=5))
    weak = learnt(4.0, NOW - timedelta(days=2))
    outcome = schedule({key(1): strong, key(2): weak}, extra=[(key(3), "t")])
    expected = [POLICY.retrievability(s, EXAM_START) for s in (strong, weak)]
    assert expected[0] > 0.9 > expected[1]
    assert outcome.prompts == 3 and outcome.new == 1
    assert outcome.predicted == pytest.approx(sum(expected) / 3)  # never studied counts 0
    assert outcome.on_target == 1
    assert outcome.days_left == 20 and outcome.active


def test_suspended_and_other_topics_are_out_of_scope() -> None:
    states = {key(1): replace(learnt(10.0, NOW), suspended=True), key(2): learnt(10.0, NOW)}
    plan = ExamPlan("d", EXAM, topics=("t",))
    outcome = plan_schedule(
        plan, [(key(1), "t"), (key(2), "t"), (key(3), "other")], states, POLICY, NOW, tz=UTC
    )
    assert outcome.prompts == 1 and outcome.new == 0


# -- plan due dates ------------------------------------------------------------------


def test_a_card_due_after_the_exam_and_below_target_gets_the_earliest_sufficient_day() -> None:
    # Stability 30 days, reviewed 10 days ago: FSRS has it due after the exam,
    # but on the exam day (30 days after the review) it would be at 0.90 - a bit less.
    state = learnt(25.0, NOW - timedelta(days=10), due=NOW + timedelta(days=40))
    plan = ExamPlan("d", EXAM, target=0.95)
    outcome = schedule({key(1): state}, plan)
    assert POLICY.retrievability(state, EXAM_START) < 0.95
    day = outcome.plan_due[key(1)]
    assert TODAY <= day < EXAM  # never past the exam

    def after_good(on: date) -> float:
        after = POLICY.review(state, Rating.GOOD, day_start(on, 4, UTC), fuzz=False)
        return POLICY.retrievability(after, EXAM_START)

    assert after_good(day) >= 0.95
    assert day == TODAY or after_good(day - timedelta(days=1)) < 0.95
    assert outcome.due_today() == (frozenset({key(1)}) if day == TODAY else frozenset())


def test_cards_fsrs_shows_before_the_exam_or_already_on_target_are_left_alone() -> None:
    due_before = learnt(5.0, NOW - timedelta(days=3), due=NOW + timedelta(days=2))
    on_target = learnt(400.0, NOW - timedelta(days=3))
    learning = CardState(State.LEARNING, 0, 1.0, 5.0, NOW + timedelta(minutes=10), NOW)
    outcome = schedule({key(1): due_before, key(2): on_target, key(3): learning})
    assert outcome.plan_due == {}


def test_a_card_reviewed_today_is_planned_from_tomorrow() -> None:
    state = learnt(25.0, NOW - timedelta(hours=1), due=NOW + timedelta(days=60))
    outcome = schedule({key(1): state}, ExamPlan("d", EXAM, target=0.97))
    assert outcome.plan_due[key(1)] > TODAY


def test_when_no_day_reaches_the_target_the_day_before_the_exam_is_used() -> None:
    # Long forgotten and very hard: even a Good review the day before leaves it below 0.95.
    state = replace(
        learnt(0.5, NOW - timedelta(days=40), due=NOW + timedelta(days=30)), difficulty=10.0
    )
    outcome = schedule({key(1): state}, ExamPlan("d", EXAM, target=0.95))
    assert outcome.plan_due[key(1)] == EXAM - timedelta(days=1)


def test_pulled_reviews_are_spread_over_the_least_loaded_days() -> None:
    # 60 identical prompts, all needing a final review with the same window;
    # plus 30 reviews FSRS already has due on one day of it.
    base = learnt(25.0, NOW - timedelta(days=10), due=NOW + timedelta(days=40))
    states = {key(n): base for n in range(60)}
    busy = TODAY + timedelta(days=15)
    for n in range(100, 130):
        states[key(n)] = learnt(3.0, NOW - timedelta(days=1), due=day_start(busy, 4, UTC))
    outcome = schedule(states, ExamPlan("d", EXAM, target=0.95))
    per_day = outcome.extra_per_day()
    assert sum(per_day.values()) == 60
    assert all(day < EXAM for day in per_day)
    assert busy not in per_day  # the day FSRS already filled gets none
    counts = list(per_day.values())
    assert max(counts) - min(counts) <= 1  # evenly spread over the other days
    assert len(per_day) >= 10


def test_reviews_done_today_count_in_todays_load() -> None:
    base = learnt(40.0, NOW - timedelta(days=30), due=NOW + timedelta(days=30))
    states = {key(n): base for n in range(40)}
    fresh = schedule(states, ExamPlan("d", EXAM, target=0.95))
    busy = schedule(states, ExamPlan("d", EXAM, target=0.95), done_today=50)
    assert len(fresh.due_today()) == 2  # 40 over 20 days
    assert busy.due_today() == frozenset()
    assert len(busy.plan_due) == 40


def test_new_cards_get_a_daily_pace_that_finishes_in_the_first_half() -> None:
    outcome = schedule({}, extra=[(key(n), "t") for n in range(100)])
    assert outcome.new == 100
    assert outcome.new_per_day == 10  # 100 over 10 of the 20 days left

    def effect_of(plan: ExamPlan) -> PlanEffect:
        scope = [(key(n), "t") for n in range(100)]
        return apply_plans(
            [plan], lambda _d: scope, lambda _d: {}, {"d": DayCounts()}, POLICY, NOW, tz=UTC
        )

    effect = effect_of(ExamPlan("d", EXAM))
    limits = effect.limits(lambda _d: DailyLimits(new=5, reviews=50))
    assert limits("d") == DailyLimits(new=10, reviews=50)
    # A plan on the whole deck paces it: a higher limit is lowered to the pace
    # (20 new a day would crowd the first days; issue 19's load smoothing).
    assert effect.limits(lambda _d: DailyLimits(new=20))("d").new == 10
    # A plan on some topics only raises the limit (the deck's other cards keep it).
    topical = effect_of(ExamPlan("d", EXAM, topics=("t",)))
    assert topical.limits(lambda _d: DailyLimits(new=20))("d").new == 20


# -- after the exam ------------------------------------------------------------------


def test_on_and_after_the_exam_day_the_plan_asks_for_nothing() -> None:
    state = learnt(25.0, NOW - timedelta(days=10), due=NOW + timedelta(days=40))
    for now in (day_start(EXAM, 4, UTC) + timedelta(hours=2), NOW + timedelta(days=40)):
        outcome = schedule({key(1): state}, ExamPlan("d", EXAM, target=0.95), now=now)
        assert outcome.days_left == 0 and not outcome.active
        assert outcome.plan_due == {} and outcome.new_per_day == 0
        effect = apply_plans(
            [ExamPlan("d", EXAM, target=0.95)],
            lambda _d: [(key(1), "t")],
            lambda _d: {key(1): state},
            {},
            POLICY,
            now,
            tz=UTC,
        )
        assert effect.outcomes == [] and effect.pulled == {}


# -- the queue, the buttons and the log ------------------------------------------------


def deck(n: int) -> Deck:
    cards = tuple(
        Card(f"c{i:03d}", "basic", "t", 1, {"question": f"Q{i}", "answer": f"A{i}"})
        for i in range(n)
    )
    return Deck("d", "D", "", "d.yaml", cards)


def seed(store: Store, k: PromptKey, state: CardState) -> None:
    assert state.last_review is not None
    store.record_review(ReviewRecord(k, "basic", state.last_review, 3, 1000, CardState(), state))


def test_the_session_studies_pulled_prompts_and_logs_fsrs_own_due(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    plan = ExamPlan("d", TODAY + timedelta(days=2), target=0.95)
    state = learnt(25.0, NOW - timedelta(days=20), due=NOW + timedelta(days=10))
    with Store.open(tmp_path / "s.db") as store:
        seed(store, key(0), state)
        plain = StudySession([deck(1)], store, POLICY, clock, tz=UTC)
        assert plain.current is None  # FSRS has nothing due today
        session = StudySession([deck(1)], store, POLICY, clock, tz=UTC, plans=[plan])
        assert session.current is not None and session.current.key == key(0)
        assert session.counts().review == 1
        exam_start = day_start(plan.exam_date, 4, UTC)
        # Answered, the log and the state keep FSRS's own due date.
        after = session.answer(Rating.GOOD, 1000)
        assert after == POLICY.review(state, Rating.GOOD, NOW, fuzz=False)
        assert store.history(key(0))[-1]["scheduled_due"] == after.due.isoformat(  # type: ignore[union-attr]
            timespec="microseconds"
        )
        assert store.card_state(key(0)) == after
        assert session.current is None  # answered once: not asked again today
        # After the exam, the plan is gone and FSRS's schedule is what is left.
        clock.now = exam_start + timedelta(days=1, hours=8)
        later = StudySession([deck(1)], store, POLICY, clock, tz=UTC, plans=[plan])
        assert later.plan_effect is not None and later.plan_effect.outcomes == []
        assert later.current is None or later.state_of(later.current).due <= clock.now  # type: ignore[operator]


def test_rating_buttons_show_intervals_capped_at_the_exam_day(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    plan = ExamPlan("d", TODAY + timedelta(days=10), target=0.95)
    exam_start = day_start(plan.exam_date, 4, UTC)
    state = learnt(5.0, NOW - timedelta(days=5), due=NOW)  # FSRS-due today
    with Store.open(tmp_path / "s.db") as store:
        seed(store, key(0), state)
        session = StudySession([deck(1)], store, POLICY, clock, tz=UTC, plans=[plan])
        fsrs = POLICY.preview(state, NOW)
        shown = session.intervals()
        good = POLICY.review(state, Rating.GOOD, NOW, fuzz=False)
        # Good would jump past the exam and leave it below the target then: capped.
        assert fsrs[Rating.GOOD] > exam_start - NOW
        assert POLICY.retrievability(good, exam_start) < 0.95
        assert shown[Rating.GOOD] == exam_start - NOW
        assert shown[Rating.AGAIN] == fsrs[Rating.AGAIN]  # short ones are left alone
        # Easy reaches the target on the day: not capped.
        easy = POLICY.review(state, Rating.EASY, NOW, fuzz=False)
        if POLICY.retrievability(easy, exam_start) >= 0.95:
            assert shown[Rating.EASY] == fsrs[Rating.EASY]
        # Without a plan the buttons show FSRS's intervals.
        plain = StudySession([deck(1)], store, POLICY, clock, tz=UTC)
        assert plain.intervals() == fsrs
        # The log keeps what FSRS scheduled.
        assert session.answer(Rating.GOOD, 1000).due == good.due


def test_a_plan_on_another_deck_changes_nothing(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    with Store.open(tmp_path / "s.db") as store:
        seed(store, key(0), learnt(25.0, NOW - timedelta(days=20), due=NOW + timedelta(days=10)))
        other = ExamPlan("elsewhere", TODAY + timedelta(days=2), target=0.95)
        session = StudySession([deck(1)], store, POLICY, clock, tz=UTC, plans=[other])
        assert session.plans == [] and session.plan_effect is None
        assert session.current is None


# -- the store -------------------------------------------------------------------------


def test_plans_are_stored_listed_and_removed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        first = store.add_plan(ExamPlan("d", EXAM, ("a", "b"), 0.92), NOW)
        second = store.add_plan(ExamPlan("e", TODAY + timedelta(days=3)), NOW)
        past = store.add_plan(ExamPlan("d", TODAY - timedelta(days=3)), NOW)
        assert first.id is not None and first.created_at == NOW
        assert store.exam_plans() == [past, second, first]
        assert store.exam_plans(TODAY) == [second, first]
        assert store.exam_plans(EXAM) == [first]
        assert store.remove_plan(second.id or 0)
        assert not store.remove_plan(second.id or 0)
        assert store.exam_plans(TODAY) == [first]
        assert store.review_count() == 0  # plans never write the log


# -- the fast paths planning uses agree with py-fsrs ------------------------------------


@pytest.mark.parametrize("fuzz", [False, True])
def test_recall_after_and_retrievability_match_a_full_py_fsrs_review(fuzz: bool) -> None:
    import random

    import fsrs

    policy = Policy(SchedulerConfig(enable_fuzz=fuzz), rng=random.Random(3))
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    rng = random.Random(11)
    checked = 0
    for _ in range(300):
        last = NOW - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23))
        state = CardState(
            state=rng.choice([State.REVIEW, State.REVIEW, State.LEARNING, State.RELEARNING]),
            step=0,
            stability=rng.uniform(0.1, 300.0),
            difficulty=rng.uniform(1.0, 10.0),
            due=last + timedelta(days=3),
            last_review=last,
        )
        at = NOW + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
        then = at + timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
        rating = rng.choice(list(Rating))
        expected = policy.retrievability(policy.review(state, rating, at, fuzz=False), then)
        assert policy.recall_after(state, rating, at, then) == pytest.approx(expected, abs=1e-12)
        card = fsrs.Card(
            card_id=1,
            state=fsrs.State(2),
            stability=state.stability,
            difficulty=state.difficulty,
            due=state.due,
            last_review=state.last_review,
        )
        assert policy.retrievability(state, then) == pytest.approx(
            scheduler.get_card_retrievability(card, then), abs=1e-12
        )
        checked += 1
    assert checked == 300


def test_a_topic_plan_introduces_its_new_cards_first_and_raises_the_limit(
    tmp_path: Path,
) -> None:
    cards = tuple(
        Card(
            f"c{i:03d}", "basic", "later" if i < 30 else "exam", 1, {"question": "Q", "answer": "A"}
        )
        for i in range(40)
    )
    topical = Deck("d", "D", "", "d.yaml", cards)
    clock = FakeClock(NOW)
    plan = ExamPlan("d", TODAY + timedelta(days=5), topics=("exam",))
    with Store.open(tmp_path / "s.db") as store:
        session = StudySession(
            [topical],
            store,
            POLICY,
            clock,
            tz=UTC,
            plans=[plan],
            limits=lambda _d: DailyLimits(new=1, reviews=100),
        )
        # 10 new prompts on the topic, 2 of the 5 days to introduce them: 5 a day.
        assert session.plan_effect is not None
        assert session.plan_effect.outcomes[0].new_per_day == 5
        assert session.limits("d") == DailyLimits(new=5, reviews=100)
        assert [p.card.topic for p in session.queue.new] == ["exam"] * 5
        plain = StudySession(
            [topical], store, POLICY, clock, tz=UTC, limits=lambda _d: DailyLimits(new=1)
        )
        assert [p.card.topic for p in plain.queue.new] == ["later"]


def test_a_card_reviewed_today_with_the_exam_tomorrow_is_not_planned_again() -> None:
    state = learnt(25.0, NOW - timedelta(hours=1), due=NOW + timedelta(days=60))
    plan = ExamPlan("d", TODAY + timedelta(days=1), target=0.999)
    outcome = schedule({key(1): state}, plan)
    assert outcome.days_left == 1 and outcome.plan_due == {}


def test_the_busiest_day_is_measured_and_announced_when_reviews_bunch_up() -> None:
    from studyapp.app.plan_service import describe_outcome

    # 30 reviews FSRS already has due on one day, 20 cards spread evenly: that
    # day is far above the mean, and the student is told so (issue 19: where the
    # 1.5x bound cannot be met, the app says so).
    busy = TODAY + timedelta(days=5)
    states = {
        key(n): learnt(3.0, NOW - timedelta(days=1), due=day_start(busy, 4, UTC)) for n in range(30)
    }
    outcome = schedule(states, ExamPlan("d", EXAM, target=0.9))
    assert outcome.busiest is not None and outcome.busiest[0] == busy
    assert outcome.busiest[1] >= 30
    assert outcome.peak_ratio() > 1.5
    lines = describe_outcome(outcome, 20)
    assert any(line.startswith(f"Busiest day: {busy.isoformat()} with about") for line in lines)
    # An even load says nothing of a busiest day.
    base = learnt(40.0, NOW - timedelta(days=30), due=NOW + timedelta(days=30))
    even = schedule({key(n): base for n in range(40)}, ExamPlan("d", EXAM, target=0.95))
    assert even.peak_ratio() <= 1.5
    assert not any(line.startswith("Busiest day") for line in describe_outcome(even, 20))
