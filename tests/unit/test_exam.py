"""Self-test exams and cram: choosing questions (pools, filters), running an exam
(navigation, flags, changing answers, time, expiry, tutor mode), scoring, saving
and loading history; exams and cram never touch a schedule; "review my misses"
(a focus session) does."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from studyapp import cli
from studyapp.commands import exam as exam_command
from studyapp.core.deck.model import Deck, PromptKey
from studyapp.core.kinds.grading import Interaction, Response
from studyapp.core.library.loader import load_deck_bytes
from studyapp.core.study.exam import (
    ExamClosed,
    ExamMode,
    ExamRun,
    ExamSpec,
    Pool,
    PoolFacts,
    build_cram,
    build_exam,
    format_clock,
    parse_duration,
    select_prompts,
)
from studyapp.core.study.quiz import Quizzer
from studyapp.core.study.scheduling import CardState, Policy, Rating, SchedulerConfig, State
from studyapp.core.study.session import DailyLimits, Prompt, ReviewRecord, StudySession, prompts_of
from studyapp.store import Store
from tests.conftest import FakeClock
from tests.unit.test_import_hygiene import python

POLICY = Policy(SchedulerConfig(enable_fuzz=False))

DECK = """\
deck: pharm
title: Pharm
cards:
  - id: agonist
    topic: receptors
    tags: [core]
    question: What is an agonist?
    answer: A drug that activates a receptor
    explain: Antagonists bind without activating.
  - id: antagonist
    topic: receptors
    question: What is an antagonist?
    answer: A drug that blocks a receptor
  - id: propranolol
    kind: reversible
    topic: receptors
    tags: [drugs]
    front: Propranolol
    back: Non-selective beta blocker
  - id: half-life
    kind: cloze
    topic: kinetics
    tags: [core]
    text: "After {{one}} half-life, {{50%}} is left."
  - id: gaba-enzyme
    kind: choice
    topic: mechanism
    tags: [core, drugs]
    evidence: in-vitro
    question: Which enzyme breaks down GABA?
    choices:
      - text: GABA transaminase
        correct: true
      - text: Monoamine oxidase A
        why: It breaks down monoamines.
      - text: Glutamic acid decarboxylase
    explain: Less breakdown leaves more GABA.
  - id: trkb
    kind: typed
    topic: mechanism
    evidence: animal
    question: Which receptor does BDNF activate?
    answer: TrkB
  - id: wada
    kind: truefalse
    topic: regulatory
    statement: The drug is on the WADA list.
    answer: false
  - id: cytokines
    kind: select
    topic: mechanism
    question: Which cytokines go down?
    choices:
      - {text: TNF-alpha, correct: true}
      - {text: IL-6, correct: true}
      - {text: IL-10}
"""

OTHER = """\
deck: other
title: Other
cards:
  - id: b12
    topic: vitamins
    question: Which vitamin needs intrinsic factor?
    answer: B12
"""


def load(text: str, name: str) -> Deck:
    result = load_deck_bytes(text.encode(), name)
    assert result.deck is not None, [d.format() for d in result.diagnostics]
    return result.deck


@pytest.fixture
def deck() -> Deck:
    return load(DECK, "pharm.yaml")


@pytest.fixture
def other() -> Deck:
    return load(OTHER, "other.yaml")


@pytest.fixture
def quizzer(store: Store, clock: FakeClock) -> Quizzer:
    return Quizzer(store, clock, rng=Random(5))


def keys(prompts: Iterable[Prompt]) -> set[PromptKey]:
    return {p.key for p in prompts}


def table_rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Everything the schedule is made of (and the exams), to compare before/after."""
    return {
        name: store.conn.execute(f"SELECT * FROM {name} ORDER BY 1, 2, 3").fetchall()
        for name in ("review_log", "card_state", "answer_alias")
    }


def exam_of(
    deck: Deck,
    quizzer: Quizzer,
    clock: FakeClock,
    *cards: str,
    mode: ExamMode = ExamMode.TIMED,
    limit: timedelta | None = None,
) -> ExamRun:
    """An exam on the first prompt of each of ``cards``, in that order."""
    by_card = {}
    for prompt in prompts_of(deck):
        by_card.setdefault(prompt.card.id, prompt)
    spec = ExamSpec(deck_ids=(deck.id,), count=len(cards), time_limit=limit, mode=mode)
    return ExamRun(spec, [by_card[c] for c in cards], quizzer, clock)


def right(exam: ExamRun) -> Response:
    """The right response to the current (objective) question."""
    item = exam.current
    question = item.question
    assert question is not None
    card = item.prompt.card.id
    if card == "gaba-enzyme":
        return question.options.index("GABA transaminase")
    if card == "trkb":
        return "TrkB"
    if card == "wada":
        return 1
    if card == "cytokines":
        return frozenset(question.options.index(o) for o in ("TNF-alpha", "IL-6"))
    raise AssertionError(card)


def right_of(exam: ExamRun, position: int) -> Response:
    """The right response to question ``position`` (the exam stays where it is)."""
    index = exam.index
    exam.index = position
    try:
        return right(exam)
    finally:
        exam.index = index


def wrong(exam: ExamRun) -> Response:
    """A wrong response to the current (objective) question."""
    question = exam.current.question
    assert question is not None
    if question.interaction is Interaction.TYPED:
        return "no idea"
    if question.interaction is Interaction.MULTI:
        return frozenset()
    return next(i for i in range(len(question.options)) if i != right(exam))


# -- durations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("90s", 90), ("1h", 3600), ("1h30m", 5400), (" 2M ", 120), ("1h 5s", 3605)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "15", "m", "3x", "0m", "15m-", "1.5h", "-5m"])
def test_parse_duration_refuses_what_is_not_one(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_format_clock() -> None:
    assert format_clock(timedelta(seconds=0)) == "00:00"
    assert format_clock(timedelta(seconds=61.9)) == "01:01"
    assert format_clock(timedelta(hours=1, seconds=5)) == "1:00:05"
    assert format_clock(timedelta(seconds=-3)) == "00:00"


def test_spec_round_trips_through_json_and_is_validated() -> None:
    spec = ExamSpec(("a", "b"), ("t",), ("x",), Pool.MISSED, 5, timedelta(minutes=15))
    assert ExamSpec.from_json(json.loads(json.dumps(spec.to_json()))) == spec
    assert ExamSpec.from_json(ExamSpec().to_json()) == ExamSpec()
    assert spec.describe() == "a, b; topics: t; tags: x; pool: missed"
    levels = replace(spec, evidence=("animal", "in-vitro"))
    assert ExamSpec.from_json(json.loads(json.dumps(levels.to_json()))) == levels
    assert levels.describe() == "a, b; topics: t; tags: x; evidence: animal, in-vitro; pool: missed"
    # an exam saved before evidence levels existed reads back with no evidence filter
    saved = {key: value for key, value in spec.to_json().items() if key != "evidence"}
    assert ExamSpec.from_json(saved) == spec
    with pytest.raises(ValueError, match="at least one"):
        ExamSpec(count=0)
    with pytest.raises(ValueError, match="positive"):
        ExamSpec(time_limit=timedelta(0))


def test_cli_pools_are_the_exam_pools() -> None:
    assert tuple(pool.value for pool in Pool) == exam_command.POOLS


# -- choosing questions ---------------------------------------------------------------

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def review(store: Store, key: PromptKey, rating: Rating, at: datetime = T0) -> int:
    before = store.card_state(key)
    after = POLICY.review(before, rating, at)
    return store.record_review(ReviewRecord(key, "basic", at, int(rating), 1000, before, after))


def finished_exam(
    deck: Deck,
    quizzer: Quizzer,
    clock: FakeClock,
    answers: dict[str, bool],
    flags: tuple[str, ...] = (),
) -> ExamRun:
    """A submitted timed exam, each card answered right or wrong as given."""
    exam = exam_of(deck, quizzer, clock, *answers)
    for index, (card, correct) in enumerate(answers.items()):
        exam.go_to(index)
        if exam.current.is_flip:
            exam.reveal()
            exam.mark(correct)
        else:
            exam.answer(right(exam) if correct else wrong(exam))
        if card in flags:
            exam.toggle_flag()
    exam.submit()
    return exam


def test_each_pool_with_a_seeded_history(
    deck: Deck, store: Store, quizzer: Quizzer, clock: FakeClock
) -> None:
    def k(card: str, sibling: str = "main") -> PromptKey:
        return ("pharm", card, sibling)

    # Reviews: last Again; Again then Good (recovered); an undone Again.
    review(store, k("agonist"), Rating.AGAIN)
    review(store, k("antagonist"), Rating.AGAIN)
    review(store, k("antagonist"), Rating.GOOD, T0 + timedelta(minutes=5))
    review(store, k("trkb"), Rating.GOOD)
    good = store.card_state(k("trkb"))
    undone = review(store, k("trkb"), Rating.AGAIN, T0 + timedelta(days=1))
    store.undo_review(undone, k("trkb"), good)
    # A leech (suspended by the scheduler) and a card suspended by hand.
    store.record_review(
        ReviewRecord(
            k("wada"),
            "truefalse",
            T0,
            1,
            1000,
            CardState(),
            replace(POLICY.review(CardState(), Rating.AGAIN, T0), leech=True, suspended=True),
        )
    )
    store.set_suspended(k("cytokines"), True, T0)
    # Exams: wrong and flagged; wrong then right in a later exam; right and flagged, then
    # in a later exam without the flag.
    first = finished_exam(
        deck,
        quizzer,
        clock,
        {"half-life": False, "gaba-enzyme": False, "propranolol": True},
        flags=("half-life", "propranolol"),
    )
    store.save_exam(first.result)
    second = finished_exam(deck, quizzer, clock, {"gaba-enzyme": True, "propranolol": True})
    store.save_exam(second.result)

    facts = store.pool_facts(["pharm"])
    assert facts.last_again == {k("agonist"), k("wada")}  # wada: missed, but suspended
    assert facts.exam_missed == {k("half-life", "c1")}
    assert facts.exam_flagged == {k("half-life", "c1")}

    def pool(which: Pool) -> set[PromptKey]:
        spec = ExamSpec(pool=which, count=None)
        return keys(select_prompts([deck], spec, facts, Random(1), one_per_card=False))

    every = keys(prompts_of(deck))
    assert pool(Pool.ALL) == every - {k("wada"), k("cytokines")}
    assert pool(Pool.UNSEEN) == every - {
        k("agonist"),
        k("antagonist"),
        k("trkb"),
        k("wada"),
        k("cytokines"),
    }
    assert pool(Pool.MISSED) == {k("agonist"), k("half-life", "c1")}
    assert pool(Pool.FLAGGED) == {k("half-life", "c1")}
    assert pool(Pool.LEECHES) == {k("wada")}
    # The undone Again does not count: trkb's last live review is Good.
    assert k("trkb") not in pool(Pool.MISSED)


def test_missed_pool_includes_unanswered_exam_questions(
    deck: Deck, store: Store, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "trkb", "agonist")
    store.save_exam(exam.submit())
    facts = store.pool_facts(["pharm"])
    assert facts.exam_missed == {("pharm", "trkb", "main"), ("pharm", "agonist", "main")}


def test_count_topic_tag_and_deck_filters(deck: Deck, other: Deck) -> None:
    facts = PoolFacts()
    decks = [deck, other]

    def chosen(**changes: object) -> list[PromptKey]:
        spec = replace(ExamSpec(count=None), **changes)
        return [p.key for p in select_prompts(decks, spec, facts, Random(3))]

    every = chosen()
    # One prompt per card: 9 cards, not 11 prompts (reversible and cloze have two).
    assert len(every) == 9 == len({key[:2] for key in every})
    assert len(chosen(count=4)) == 4
    assert chosen(count=4) == every[:4]  # same seed, same order
    assert {key[1] for key in chosen(topics=("RECEPTORS",))} == {
        "agonist",
        "antagonist",
        "propranolol",
    }
    assert {key[1] for key in chosen(tags=("core",))} == {"agonist", "half-life", "gaba-enzyme"}
    assert {key[1] for key in chosen(tags=("drugs",), topics=("mechanism",))} == {"gaba-enzyme"}
    assert {key[0] for key in chosen(deck_ids=("other",))} == {"other"}
    assert {key[1] for key in chosen(evidence=("in-vitro",))} == {"gaba-enzyme"}
    assert {key[1] for key in chosen(evidence=("animal", "in-vitro"))} == {"gaba-enzyme", "trkb"}
    assert chosen(evidence=("clinical",)) == []  # cards without a level match none
    assert chosen(topics=("nothing",)) == []
    spec = ExamSpec(count=None)
    orders = {
        tuple(p.key for p in select_prompts(decks, spec, facts, Random(seed))) for seed in range(5)
    }
    assert len(orders) > 1  # the order comes from the injected rng


def test_build_exam_is_none_without_questions(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    spec = ExamSpec(topics=("nothing",))
    assert build_exam([deck], spec, PoolFacts(), Random(1), quizzer, clock) is None
    exam = build_exam([deck], ExamSpec(count=3), PoolFacts(), Random(1), quizzer, clock)
    assert exam is not None and len(exam.items) == 3
    for item in exam.items:
        assert (item.question is None) == (item.interaction is Interaction.FLIP)


# -- running an exam ------------------------------------------------------------------


def test_navigation(deck: Deck, quizzer: Quizzer, clock: FakeClock) -> None:
    exam = exam_of(deck, quizzer, clock, "agonist", "trkb", "wada")
    assert exam.index == 0 and not exam.previous()
    assert exam.next() and exam.current.prompt.card.id == "trkb"
    assert exam.next() and not exam.next()
    assert exam.index == 2
    assert exam.previous() and exam.index == 1
    assert exam.go_to(0).prompt.card.id == "agonist"
    with pytest.raises(IndexError, match="no question 4"):
        exam.go_to(3)


def test_flags(deck: Deck, quizzer: Quizzer, clock: FakeClock) -> None:
    exam = exam_of(deck, quizzer, clock, "agonist", "trkb")
    assert exam.toggle_flag() is True
    exam.next()
    assert exam.toggle_flag() is True and exam.toggle_flag() is False
    result = exam.submit()
    assert [item.flagged for item in result.items] == [True, False]


def test_timed_answers_change_until_submitted_and_get_no_feedback(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "trkb", "agonist")
    assert exam.answer("TrkA") is None  # no grade before submitting
    assert exam.current.grade is None and exam.current.answered
    assert not exam.locked()
    assert exam.answer("TrkB") is None  # changed
    exam.next()
    with pytest.raises(ValueError, match="reveal"):
        exam.mark(True)
    exam.reveal()
    exam.mark(False)
    exam.mark(True)  # changed too
    result = exam.submit()
    assert [(i.answer, i.correct) for i in result.items] == [
        ("TrkB", True),
        ("marked right", True),
    ]
    with pytest.raises(ExamClosed):
        exam.answer("x")
    with pytest.raises(ExamClosed):
        exam.toggle_flag()
    assert exam.submit() is result  # submitting twice gives the same result


def test_the_answer_on_screen_when_leaving_is_kept(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "cytokines", "trkb", "wada", "agonist")
    ticks = right(exam)
    assert exam.keep(ticks) is None  # timed: kept, no feedback
    assert exam.current.response == ticks and exam.current.answered
    exam.next()
    exam.keep(None)  # untouched: stays unanswered
    assert not exam.current.answered
    exam.keep("TrkB")
    exam.keep(None)  # the text was deleted again: no answer on screen, none kept
    assert not exam.current.answered
    exam.next()
    exam.next()
    exam.keep(0)  # a flip question has no answer widget: left alone
    assert exam.current.response is None
    assert exam.unanswered() == 3
    # At submission the answers on screen count, even those not kept yet.
    assert exam.unanswered({1: "TrkB", 2: None}) == 2
    result = exam.submit({1: "TrkB", 2: None})
    assert [i.correct for i in result.items] == [True, True, False, False]
    assert result.items[1].answer == "TrkB" and result.unanswered == 2


def test_what_is_on_screen_at_zero_is_the_answer(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "trkb", "cytokines", limit=timedelta(minutes=1))
    clock.advance(minutes=2)
    ticks = right_of(exam, 1)
    assert exam.check_time({0: "TrkB", 1: ticks}) is True
    result = exam.result
    assert result is not None and result.timed_out
    assert [i.correct for i in result.items] == [True, True] and result.unanswered == 0
    with pytest.raises(ExamClosed):
        exam.keep("TrkA")


def test_tutor_mode_grades_the_answer_kept_on_leaving(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "cytokines", "trkb", mode=ExamMode.TUTOR)
    grade = exam.keep(frozenset({0}))
    assert grade is not None and exam.locked()
    assert exam.keep(frozenset({0, 1})) is grade  # locked: unchanged
    exam.next()
    assert exam.keep(None) is None and not exam.locked()


def test_time_per_question_from_the_clock(deck: Deck, quizzer: Quizzer, clock: FakeClock) -> None:
    exam = exam_of(deck, quizzer, clock, "agonist", "trkb", "wada")
    clock.advance(seconds=10)
    assert exam.time_on(exam.current) == 10_000
    exam.next()
    clock.advance(seconds=20)
    exam.go_to(0)
    clock.advance(seconds=5)
    exam.go_to(2)
    clock.advance(seconds=1.5)
    result = exam.submit()
    assert [item.time_ms for item in result.items] == [15_000, 20_000, 1_500]
    assert result.finished_at - result.started_at == timedelta(seconds=36.5)


def test_remaining_time_expiry_and_auto_submit(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "trkb", "agonist", limit=timedelta(minutes=1))
    assert exam.remaining() == timedelta(minutes=1) and not exam.expired()
    exam.answer("TrkB")
    clock.advance(seconds=45)
    assert exam.remaining() == timedelta(seconds=15)
    assert exam.check_time() is False and not exam.finished
    exam.next()
    clock.advance(seconds=30)  # 15 s past the limit
    assert exam.expired() and exam.remaining() == timedelta(0)
    assert exam.check_time() is True
    assert exam.finished and exam.check_time() is False
    result = exam.result
    assert result is not None and result.timed_out
    # Time after the deadline does not count.
    assert result.finished_at == exam.started_at + timedelta(minutes=1)
    assert [item.time_ms for item in result.items] == [45_000, 15_000]
    assert [(i.answer, i.correct) for i in result.items] == [("TrkB", True), (None, False)]


def test_answering_after_the_time_is_up_submits_and_refuses(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "trkb", limit=timedelta(seconds=30))
    clock.advance(seconds=31)
    with pytest.raises(ExamClosed):
        exam.answer("TrkB")
    assert exam.finished and exam.result is not None and exam.result.items[0].answer is None


def test_no_time_limit(deck: Deck, quizzer: Quizzer, clock: FakeClock) -> None:
    exam = exam_of(deck, quizzer, clock, "trkb")
    clock.advance(hours=5)
    assert exam.remaining() is None and not exam.expired() and not exam.check_time()


def test_tutor_mode_grades_at_once_and_locks(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "gaba-enzyme", "agonist", mode=ExamMode.TUTOR)
    wrong = exam.current.question.options.index("Monoamine oxidase A")  # type: ignore[union-attr]
    grade = exam.answer(wrong)
    assert grade is not None and not grade.correct and grade.expected == "GABA transaminase"
    assert exam.locked()
    with pytest.raises(ExamClosed, match="already graded"):
        exam.answer(right(exam))
    exam.next()
    assert not exam.locked()
    exam.reveal()
    marked = exam.mark(True)
    assert marked is not None and marked.correct
    with pytest.raises(ExamClosed, match="already marked"):
        exam.mark(False)
    result = exam.submit()
    assert [i.correct for i in result.items] == [False, True]
    assert result.items[0].explanation == "Less breakdown leaves more GABA."
    assert [i.evidence for i in result.items] == ["in-vitro", None]
    assert "Monoamine oxidase A: It breaks down monoamines." in result.items[0].feedback


def test_scoring_per_topic_with_partial_credit(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "gaba-enzyme", "trkb", "cytokines", "wada", "agonist")
    exam.answer(right(exam))  # mechanism: right
    exam.next()
    exam.answer("TrkA")  # mechanism: wrong
    exam.next()
    question = exam.current.question
    assert question is not None
    exam.answer(frozenset({question.options.index("TNF-alpha")}))  # mechanism: 2 of 3 items
    exam.next()
    exam.answer(right(exam))  # regulatory: right
    # agonist (receptors) is left unanswered.
    result = exam.submit()
    assert result.total == 5 and result.correct == 2
    assert result.score == pytest.approx(2 + 2 / 3)
    assert result.percent == pytest.approx((2 + 2 / 3) / 5)
    topics = {t.topic: (t.questions, t.correct, round(t.score, 3)) for t in result.by_topic()}
    assert topics == {
        "mechanism": (3, 1, round(1 + 2 / 3, 3)),
        "regulatory": (1, 1, 1.0),
        "receptors": (1, 0, 0.0),
    }
    unanswered = result.items[4]
    assert unanswered.answer is None and not unanswered.correct
    assert unanswered.expected == "A drug that activates a receptor"
    assert result.missed == [
        ("pharm", "trkb", "main"),
        ("pharm", "cytokines", "main"),
        unanswered.key,
    ]


def test_unanswered_objective_questions_show_the_expected_answer(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    exam = exam_of(deck, quizzer, clock, "gaba-enzyme", "trkb", "wada", "cytokines")
    result = exam.submit()
    assert [(i.answer, i.expected) for i in result.items] == [
        (None, "GABA transaminase"),
        (None, "TrkB"),
        (None, "False"),
        (None, "TNF-alpha; IL-6"),
    ]


# -- saving and loading ---------------------------------------------------------------


def test_save_and_load_exam_history(
    deck: Deck, store: Store, quizzer: Quizzer, clock: FakeClock
) -> None:
    assert store.exam_history() == []
    exam = exam_of(deck, quizzer, clock, "trkb", "agonist", limit=timedelta(minutes=10))
    exam.answer("TrkB")
    exam.toggle_flag()
    clock.advance(seconds=12)
    exam.next()
    clock.advance(seconds=3)
    first = store.save_exam(exam.submit())
    clock.advance(hours=1)
    later = exam_of(deck, quizzer, clock, "wada", mode=ExamMode.TUTOR)
    second = store.save_exam(later.submit())
    history = store.exam_history()
    assert [h.id for h in history] == [second, first]  # newest first
    old = history[1]
    assert old.spec == exam.spec and old.mode is ExamMode.TIMED
    assert (old.score, old.total) == (1.0, 2)
    assert old.finished_at - old.started_at == timedelta(seconds=15)
    assert history[0].mode is ExamMode.TUTOR
    assert store.exam_history(limit=1)[0].id == second
    rows = store.exam_answers(first)
    assert [
        (r.position, r.key, r.kind, r.topic, r.answer, r.correct, r.score, r.time_ms, r.flagged)
        for r in rows
    ] == [
        (0, ("pharm", "trkb", "main"), "typed", "mechanism", "TrkB", True, 1.0, 12_000, True),
        (1, ("pharm", "agonist", "main"), "basic", "receptors", None, False, 0.0, 3_000, False),
    ]
    assert store.exam_answers(999) == []


def test_saving_is_one_transaction(
    deck: Deck, store: Store, quizzer: Quizzer, clock: FakeClock
) -> None:
    result = exam_of(deck, quizzer, clock, "trkb", "agonist").submit()
    broken = replace(result, items=(result.items[0], replace(result.items[1], score=2.0)))
    with pytest.raises(sqlite3.IntegrityError):
        store.save_exam(broken)  # the second answer breaks a CHECK: nothing is kept
    assert store.exam_history() == []
    assert store.conn.execute("SELECT count(*) FROM exam_answer").fetchone() == (0,)
    assert not store.conn.in_transaction


# -- exams and cram never touch the schedule ------------------------------------------


def test_an_exam_leaves_card_state_and_the_review_log_untouched(
    deck: Deck, store: Store, quizzer: Quizzer, clock: FakeClock
) -> None:
    review(store, ("pharm", "trkb", "main"), Rating.GOOD)
    review(store, ("pharm", "agonist", "main"), Rating.AGAIN)
    before = table_rows(store)
    facts = store.pool_facts(["pharm"])
    exam = build_exam([deck], ExamSpec(count=None), facts, Random(2), quizzer, clock)
    assert exam is not None
    for index, item in enumerate(exam.items):
        exam.go_to(index)
        if item.question is None:
            exam.reveal()
            exam.mark(index % 2 == 0)
        else:
            exam.answer(right(exam))
    store.save_exam(exam.submit())
    assert table_rows(store) == before
    assert len(store.exam_history()) == 1


def test_cram_writes_nothing(deck: Deck, store: Store, quizzer: Quizzer, clock: FakeClock) -> None:
    review(store, ("pharm", "agonist", "main"), Rating.GOOD)
    store.set_suspended(("pharm", "antagonist", "main"), True, T0)
    before = table_rows(store)
    facts = store.pool_facts(["pharm"])
    cram = build_cram([deck], ["receptors"], facts, Random(4), quizzer, clock)
    assert cram is not None and cram.tutor and cram.spec.count is None
    # Every prompt of the topic (both sides of the reversible card), not the suspended one.
    assert keys(i.prompt for i in cram.items) == {
        ("pharm", "agonist", "main"),
        ("pharm", "propranolol", "forward"),
        ("pharm", "propranolol", "reverse"),
    }
    for index in range(len(cram.items)):
        cram.go_to(index)
        cram.reveal()
        cram.mark(False)
    result = cram.submit()
    assert result.correct == 0
    assert table_rows(store) == before
    assert store.exam_history() == []
    assert build_cram([deck], ["nothing"], facts, Random(4), quizzer, clock) is None


# -- review my misses: a focus session --------------------------------------------------


def test_a_focus_session_studies_exactly_the_missed_prompts_and_changes_their_schedule(
    deck: Deck, other: Deck, store: Store, clock: FakeClock
) -> None:
    # trkb: a review card due in 20 days (not due today); wada: suspended.
    review(store, ("pharm", "trkb", "main"), Rating.EASY, clock() - timedelta(days=1))
    trkb_before = store.card_state(("pharm", "trkb", "main"))
    assert trkb_before.state is State.REVIEW and trkb_before.due is not None
    assert trkb_before.due > clock() + timedelta(days=2)
    store.set_suspended(("pharm", "wada", "main"), True, clock())
    missed: list[PromptKey] = [
        ("pharm", "trkb", "main"),
        ("pharm", "propranolol", "reverse"),
        ("pharm", "wada", "main"),
        ("pharm", "gone", "main"),  # a card no longer in the deck
        ("pharm", "half-life", "c2"),
        ("pharm", "trkb", "main"),  # listed twice: asked once
    ]
    session = StudySession(
        [deck, other],
        store,
        POLICY,
        clock,
        limits=lambda _deck: DailyLimits(new=0, reviews=0),  # limits do not apply
        focus=missed,
    )
    assert session.counts().total == 3
    assert (session.counts().new, session.counts().review) == (2, 1)
    asked = []
    while session.current is not None:
        asked.append(session.current.key)
        session.answer(Rating.AGAIN, 1000)
        clock.advance(minutes=1)
    # In order, once each, though learning steps are due again within the session.
    assert asked == [
        ("pharm", "trkb", "main"),
        ("pharm", "propranolol", "reverse"),
        ("pharm", "half-life", "c2"),
    ]
    assert session.summary.studied == 3 and session.summary.again == 3
    # Reviews are logged and schedules changed, as in any review session.
    trkb = store.history(("pharm", "trkb", "main"))
    assert [(r["rating"], r["state_before"]) for r in trkb] == [(4, "new"), (1, "review")]
    assert store.card_state(("pharm", "trkb", "main")).state is State.RELEARNING
    assert store.card_state(("pharm", "half-life", "c2")).state is State.LEARNING
    assert store.review_count() == 4


def test_a_focus_session_can_undo_and_ask_again(deck: Deck, store: Store, clock: FakeClock) -> None:
    focus = [("pharm", "agonist", "main"), ("pharm", "antagonist", "main")]
    session = StudySession([deck], store, POLICY, clock, focus=focus)
    session.answer(Rating.GOOD, 1000)
    assert session.current is not None and session.current.key == focus[1]
    assert session.undo() is not None
    assert session.current is not None and session.current.key == focus[0]
    assert store.card_state(focus[0]) == CardState()
    session.answer(Rating.GOOD, 1000)
    session.answer(Rating.GOOD, 1000)
    assert session.current is None and session.counts().total == 0


def test_suspending_in_a_focus_session_skips_the_prompt(
    deck: Deck, store: Store, clock: FakeClock
) -> None:
    focus = [("pharm", "agonist", "main"), ("pharm", "antagonist", "main")]
    session = StudySession([deck], store, POLICY, clock, focus=focus)
    assert session.suspend_current() is not None
    assert session.current is not None and session.current.key == focus[1]


# -- the exam command (no TUI) --------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "pharm.yaml").write_text(DECK, encoding="utf-8")
    data = tmp_path / "data"
    monkeypatch.setenv("STUDYAPP_HOME", str(data))
    monkeypatch.setenv("STUDYAPP_DECKS", str(folder))
    yield data


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_exam_history_command(
    home: Path, deck: Deck, quizzer: Quizzer, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    assert run_cli("exam", "--history") == (0, "no exams yet: `studyapp exam` starts one\n", "")
    with Store.open(home / "studyapp.db") as store:
        exam = exam_of(deck, Quizzer(store, clock), clock, "trkb", "agonist")
        exam.answer("TrkB")
        store.save_exam(exam.submit())
    code, out, _ = run_cli("exam", "--history")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "finished", "mode", "questions", "score", "on"]
    assert lines[1].split()[0] == "1" and "timed" in lines[1] and "1/2 (50%)" in lines[1]
    assert lines[1].endswith("pharm")
    assert lines[-1] == "Exam answers do not change your review schedule."


def test_exam_command_checks_before_starting_the_tui(home: Path) -> None:
    code, _, err = run_cli("exam", "--deck", "nope")
    assert code == 1 and "no deck nope" in err and "pharm" in err
    code, _, err = run_cli("exam", "--deck", "pharm", "--topic", "nothing")
    assert code == 1 and "no question matches this exam (pharm; topics: nothing)" in err
    code, _, err = run_cli("exam", "--pool", "leeches")
    assert code == 1 and "pool: leeches" in err
    code, _, err = run_cli("exam", "--deck", "pharm", "--evidence", "clinical")
    assert code == 1 and "no question matches this exam (pharm; evidence: clinical)" in err
    for bad in (["--time", "15"], ["-n", "0"], ["--pool", "some"], ["--evidence", "rumour"]):
        with pytest.raises(SystemExit) as exit_info:
            run_cli("exam", *bad)
        assert exit_info.value.code == 2


def test_exam_command_starts_the_tui_on_the_spec(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyapp.tui import app

    started: list[ExamSpec | None] = []
    monkeypatch.setattr(app, "run", lambda paths, settings, *, exam=None: started.append(exam) or 0)
    args = ("exam", "--deck", "pharm", "--topic", "mechanism", "--tag", "core", "-n", "5")
    assert run_cli(*args, "--time", "90s", "--tutor", "--pool", "unseen")[0] == 0
    levels = ("--evidence", "in-vitro", "--evidence", "animal", "--evidence", "in-vitro")
    assert run_cli("exam", "--deck", "pharm", *levels)[0] == 0
    assert started == [
        ExamSpec(
            ("pharm",),
            ("mechanism",),
            ("core",),
            Pool.UNSEEN,
            5,
            timedelta(seconds=90),
            ExamMode.TUTOR,
        ),
        ExamSpec(("pharm",), evidence=("in-vitro", "animal")),
    ]


def test_exam_history_does_not_import_textual(tmp_path: Path) -> None:
    result = python(
        """
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        out = io.StringIO()
        with redirect_stdout(out):
            code = main(["exam", "--history"])
        print(json.dumps({"code": code, "out": out.getvalue(),
                          "textual": sorted(m for m in sys.modules if m.startswith("textual"))}))
        """,
        tmp_path,
    )
    assert result["code"] == 0
    assert "no exams yet" in str(result["out"])
    assert result["textual"] == []
