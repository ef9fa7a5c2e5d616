"""The report's summary tables (migration 0005): kept up to date by a trigger
as pushes arrive, backfilled from events stored before, rebuilt from the
events to the same rows (studyapp.server.summaries), readable by instructors
only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest

from studyapp.server import summaries
from studyapp.server.migrate import migrate
from studyapp.server.sync import push
from tests.server.classdata import NOW, review, undo
from tests.server.conftest import ClassDb

PROMPT = (
    "SELECT reviews, recalls, passes, lapses, last_rating, last_stability, topic"
    " FROM studyapp.stat_prompt WHERE student = %s AND card_id = %s"
)


# What the trigger keeps that a rebuild does not: a prompt or a day whose every
# review was undone keeps its row, with nothing counted.
KEPT = {
    "stat_prompt": "reviews <> 0 OR last_at IS NOT NULL",
    "stat_day": "reviews <> 0",
    "stat_answer": "true",
}


def table(db: ClassDb, name: str, where: str = "true") -> list[tuple[Any, ...]]:
    return sorted(db.admin.execute(f"SELECT * FROM studyapp.{name} WHERE {where}").fetchall())


def term(db: ClassDb, first: str, second: str, third: str) -> None:
    """Three students' pushes: out of order, a batch again, undos, a topic change."""
    later = NOW + timedelta(days=3)
    a1 = review("c1", 3, at=NOW, reps=1, stability=2.0)
    a2 = review("c1", 1, at=NOW + timedelta(days=1), lapses=9, stability=0.4)
    a3 = review("c2", 1, at=NOW, picked="B")
    a4 = review("c3", 1, at=NOW, kind="typed", answer="Atropine")
    a5 = review("c3", 1, at=later, kind="typed", answer="atropine.", topic=None)
    with db.connect_as(first) as conn:
        push(conn, [a2, a4])
        push(conn, [a1, a3, a2])  # a2 again, and an earlier review after a later one
        push(conn, [a5, undo(a3)])  # c2's only wrong pick taken back: its row goes
    b1 = review("c1", 2, at=NOW, topic="mechanism", lapses=8, picked=["A", "C"])
    b2 = review("c1", 3, at=later, topic="safety", kind=None, lapses=8)
    b3 = review("c3", 1, at=NOW, kind="typed", answer=" ATROPINE")
    with db.connect_as(second) as conn:
        push(conn, [b1, b3])
        push(conn, [b2])  # c1 moves to another topic and kind
        push(conn, [b2, b3])
    c1 = review("c4", 1, at=NOW, kind="typed", answer="adrenaline")
    c2 = review("c4", 3, at=later, kind="typed")
    with db.connect_as(third) as conn:
        push(conn, [c1])
        push(conn, [undo(c1)])  # c4's only review taken back: a row of zeros stays
        push(conn, [c2, review("c1", 1, at=later, picked="B"), undo(c2)])


def rows(db: ClassDb, query: str, *params: object) -> list[tuple[Any, ...]]:
    return db.admin.execute(query, params).fetchall()


def test_a_push_is_summarised_per_student_and_prompt(class_db: ClassDb) -> None:
    (alice,) = class_db.enroll("alice")
    events = [
        review("c1", 3, at=NOW, reps=1, stability=2.0),
        review("c1", 1, at=NOW + timedelta(days=2), reps=2, stability=0.5, lapses=1),
        review("c1", 3, at=NOW + timedelta(days=3), reps=3, stability=4.0, lapses=1),
        review("c2", 1, at=NOW, reps=1, picked="B"),
    ]
    with class_db.connect_as(alice) as conn:
        # Two pushes, the later review first: the latest review wins by time.
        push(conn, [events[2], events[3]])
        push(conn, events[:2])
    assert rows(class_db, PROMPT, alice, "c1") == [(3, 2, 1, 1, 3, 4.0, "dosing")]
    assert rows(class_db, PROMPT, alice, "c2") == [(1, 0, 0, 0, 1, 10.0, "dosing")]
    days = rows(
        class_db,
        "SELECT day::text, reviews, recalls, passes FROM studyapp.stat_day"
        " WHERE student = %s ORDER BY day",
        alice,
    )
    assert days == [("2026-11-23", 2, 0, 0), ("2026-11-25", 1, 1, 0), ("2026-11-26", 1, 1, 1)]
    picks = rows(class_db, "SELECT card_id, source, answer, times FROM studyapp.stat_answer")
    assert picks == [("c2", "picked", "B", 1)]


def test_a_pushed_again_event_counts_once(class_db: ClassDb) -> None:
    (alice,) = class_db.enroll("alice")
    event = review("c1", 3)
    with class_db.connect_as(alice) as conn:
        push(conn, [event])
        push(conn, [event, event])
    assert rows(class_db, PROMPT, alice, "c1")[0][:3] == (1, 1, 1)


def test_an_undo_takes_a_review_back_in_the_same_push_or_a_later_one(class_db: ClassDb) -> None:
    (alice,) = class_db.enroll("alice")
    first = review("c1", 3, at=NOW, stability=5.0)
    wrong = review("c1", 1, at=NOW + timedelta(hours=1), stability=1.0, picked=["A", "C"])
    late = review("c2", 1, at=NOW, answer="atropine")
    with class_db.connect_as(alice) as conn:
        push(conn, [first, wrong, late])
        assert rows(class_db, PROMPT, alice, "c1") == [(2, 2, 1, 0, 1, 1.0, "dosing")]
        push(conn, [undo(wrong)])
        # The latest review left is the first one again; its picks are gone.
        assert rows(class_db, PROMPT, alice, "c1") == [(1, 1, 1, 0, 3, 5.0, "dosing")]
        again = review("c2", 2, at=NOW + timedelta(hours=2))
        push(conn, [again, undo(again)])
    assert rows(class_db, PROMPT, alice, "c2")[0][:3] == (1, 1, 0)
    assert rows(class_db, "SELECT card_id, source, answer FROM studyapp.stat_answer") == [
        ("c2", "typed", "atropine")
    ]
    day = rows(
        class_db, "SELECT sum(reviews)::int FROM studyapp.stat_day WHERE student = %s", alice
    )
    assert day == [(2,)]


def test_events_stored_before_the_migration_are_summarised(fresh_db: ClassDb) -> None:
    migrate(fresh_db.admin, target=4)
    (alice,) = fresh_db.enroll("alice")
    wrong = review("c1", 1, at=NOW + timedelta(hours=1), picked="D")
    with fresh_db.connect_as(alice) as conn:
        push(conn, [review("c1", 3, at=NOW), wrong, undo(wrong), review("c2", 1, picked="D")])
    assert migrate(fresh_db.admin, target=5) == [5]
    assert rows(fresh_db, PROMPT, alice, "c1") == [(1, 1, 1, 0, 3, 10.0, "dosing")]
    assert rows(fresh_db, "SELECT card_id, answer, times FROM studyapp.stat_answer") == [
        ("c2", "D", 1)
    ]


def test_a_rebuild_from_the_events_equals_what_the_trigger_kept(class_db: ClassDb) -> None:
    term(class_db, *class_db.enroll("alice", "bob", "carol"))
    assert table(class_db, "stat_prompt", "reviews = 0")  # a prompt with nothing left
    kept = {name: table(class_db, name, where) for name, where in KEPT.items()}
    summaries.rebuild(class_db.admin)
    assert {name: table(class_db, name) for name in KEPT} == kept


@pytest.mark.parametrize(
    "table",
    [
        "stat_prompt",
        "stat_day",
        "stat_answer",
        "report_key",
        "stat_student_day",
        "stat_topic",
        "stat_card",
        "stat_answer_class",
    ],
)
def test_students_cannot_read_or_write_the_summaries(class_db: ClassDb, table: str) -> None:
    (alice,) = class_db.enroll("alice")
    (teach,) = class_db.enroll("teach", instructor=True)
    with class_db.connect_as(alice) as conn:
        push(conn, [review("c1", 1, picked="A")])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"SELECT * FROM studyapp.{table}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"DELETE FROM studyapp.{table}")
    with class_db.connect_as(teach) as conn:
        assert conn.execute(f"SELECT count(*) FROM studyapp.{table}").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"DELETE FROM studyapp.{table}")
