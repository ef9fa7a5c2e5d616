"""The summaries' rollups (migration 0008) and the rebuild from the events
(studyapp.server.summaries): after pushes out of order, a batch pushed again,
undos in the same push and a later one, a prompt moving to another topic and
a leech, every rollup equals its summary grouped, the summaries rebuilt from
the events equal what the trigger kept, and the report's queries give the same
rows from the rollups as from the summaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from studyapp.server import report as server
from studyapp.server import summaries
from studyapp.server.migrate import migrate
from studyapp.server.report import LEECH_LAPSES, Filters
from tests.server.classdata import NOW
from tests.server.conftest import ClassDb
from tests.server.test_summaries import KEPT, table, term

# Each rollup, and the same rows grouped from the summary it rolls up.
GROUPED = {
    "stat_student_day": (
        "SELECT student, day, sum(reviews)::int, sum(recalls)::int, sum(passes)::int"
        " FROM studyapp.stat_day GROUP BY 1, 2"
    ),
    "stat_topic": (
        "SELECT student, deck_id, topic, sum(recalls)::int, sum(passes)::int, max(day)"
        " FROM studyapp.stat_day GROUP BY 1, 2, 3"
    ),
    "stat_card": (
        "SELECT deck_id, card_id, sibling, coalesce(topic, ''), coalesce(card_kind, ''),"
        " count(*)::int, sum(reviews)::int, sum(recalls)::int, sum(passes)::int,"
        " sum(lapses)::int, (count(*) FILTER (WHERE lapses >= %(leech)s))::int"
        " FROM studyapp.stat_prompt GROUP BY 1, 2, 3, 4, 5"
    ),
    "stat_answer_class": (
        "SELECT deck_id, card_id, sibling, source, answer, coalesce(card_kind, ''),"
        " count(*)::int, sum(times)::int FROM studyapp.stat_answer GROUP BY 1, 2, 3, 4, 5, 6"
    ),
}


def assert_rollups_match(db: ClassDb) -> None:
    for name, query in GROUPED.items():
        grouped = sorted(db.admin.execute(query, {"leech": LEECH_LAPSES}).fetchall())
        assert table(db, name) == grouped, name


@pytest.mark.usefixtures("pg")
def test_rollups_follow_pushes_undos_and_a_rebuild(fresh_db: ClassDb) -> None:
    migrate(fresh_db.admin, target=7)
    logins = fresh_db.enroll("alice", "bob", "carol")
    term(fresh_db, *logins)
    # Upgrading rolls up what is there; pushes after it keep the rollups.
    assert migrate(fresh_db.admin) == [8]
    assert_rollups_match(fresh_db)
    term(fresh_db, *logins)
    assert_rollups_match(fresh_db)
    assert table(fresh_db, "stat_card", "leeches > 0")  # a leech, counted
    kept = {name: table(fresh_db, name, where) for name, where in KEPT.items()}
    summaries.rebuild(fresh_db.admin)
    assert {name: table(fresh_db, name) for name in KEPT} == kept
    assert_rollups_match(fresh_db)


def test_the_report_reads_the_same_rows_from_the_rollups(class_db: ClassDb) -> None:
    logins = class_db.enroll("alice", "bob", "carol")
    term(class_db, *logins)
    # The summaries' path (--since before every review) leaves out a prompt
    # whose every review was undone; a rebuild drops those rows.
    summaries.rebuild(class_db.admin)
    conn, now = class_db.admin, NOW + timedelta(days=5)
    # Every review is in deck pharm: the whole class from the per-student day
    # rollup, and deck pharm from the summaries.
    assert server.students(conn, Filters(now)) == server.students(conn, Filters(now, "pharm"))
    for deck, topic in ((None, None), ("pharm", None), (None, "dosing"), (None, "")):
        rolled = Filters(now, deck, topic)
        summed = Filters(now, deck, topic, since=date(2000, 1, 1))
        for query in (server.topics, server.cards):
            rows = query(conn, rolled)
            assert rows and rows == query(conn, summed), (query.__name__, deck, topic)


def test_the_report_is_the_same_without_pipeline_mode(
    class_db: ClassDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyapp.commands.class_report import gather

    logins = class_db.enroll("alice", "bob", "carol")
    term(class_db, *logins)
    filters = Filters(NOW + timedelta(days=5))
    pipelined = gather(class_db.admin, filters).to_json()
    # A libpq older than 14 has no pipeline mode: the queries go one by one.
    monkeypatch.setattr(server.Pipeline, "is_supported", classmethod(lambda cls: False))
    assert gather(class_db.admin, filters).to_json() == pipelined
    assert pipelined["misconceptions"] and pipelined["hardest"]
