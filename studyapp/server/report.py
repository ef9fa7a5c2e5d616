"""What the class report reads from the server: grouped queries over the
summary tables (migration 0005), never over the events, and over their
rollups (migration 0008: per student x day, student x topic, prompt, prompt x
wrong answer) wherever the filters allow, which give the same sums from
thousands of rows instead of hundreds of thousands.

Rule: every figure is summed in PostgreSQL and comes back as rows in the
field order of the core's fact records (``studyapp.core.progress.class_report``:
``StudentFacts``, ``TopicFacts``, ``CardFacts``, ``AnswerFacts``), which the
``class report`` command builds; this module imports nothing from the core.
Only the class's instructors may read the summaries (grants and row-level
security); :func:`require_instructor` says so in one line before anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from psycopg import Pipeline

from studyapp.server import ServerError
from studyapp.server.connection import Connection, class_names, server_errors

__all__ = [
    "Filters",
    "Query",
    "Rows",
    "answers",
    "answers_query",
    "cards",
    "cards_query",
    "report_secret",
    "require_instructor",
    "send",
    "snapshot",
    "students",
    "students_query",
    "topics",
    "topics_query",
    "typed_students",
    "typed_students_query",
]


@dataclass(frozen=True)
class Filters:
    """What the report covers: one deck and topic (or all), reviews since a day,
    as of a moment (``now``: the windows, overdue and predicted recall)."""

    now: datetime
    deck: str | None = None
    topic: str | None = None
    since: date | None = None

    def params(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "today": self.now.date(),
            "deck": self.deck,
            "topic": self.topic,
            "since": self.since,
        }


# Rows of studyapp.stat_day (d) and studyapp.stat_prompt (p) the filters keep.
_DAY = """
    (%(since)s::date IS NULL OR d.day >= %(since)s) AND d.day <= %(today)s
"""
_DECK_TOPIC = """
    (%(deck)s::text IS NULL OR d.deck_id = %(deck)s)
    AND (%(topic)s::text IS NULL OR d.topic = %(topic)s)
"""
_PROMPT = """
    (%(deck)s::text IS NULL OR p.deck_id = %(deck)s)
    AND (%(topic)s::text IS NULL OR coalesce(p.topic, '') = %(topic)s)
    AND (%(since)s::date IS NULL OR p.last_at >= %(since)s)
"""
# Days since the latest review in double precision: date_part, not extract
# (whose numeric result costs more per row than the rest of the query).
_RECALL_NOW = "studyapp.recall(p.last_stability, date_part('epoch', %(now)s - p.last_at) / 86400)"


def require_instructor(conn: Connection) -> None:
    """A :class:`ServerError` unless the connected login is one of the class's instructors."""
    names = class_names(conn.info.dbname)
    with server_errors("checking who may read the class report"):
        row = conn.execute(
            "SELECT current_user::text, pg_has_role(current_user, %s, 'USAGE')",
            (names.instructors,),
        ).fetchone()
    assert row is not None
    if not row[1]:
        raise ServerError(
            f"permission denied: the class report is for the instructors of {names.database} "
            f"({row[0]} is not one); a student sees their own standing with `studyapp class me`"
        )


Rows = Callable[[], list[tuple[Any, ...]]]
"""A query's rows, read when called (waiting for them if need be)."""


@dataclass(frozen=True)
class Query:
    """One of the report's queries: what it does (for errors), its SQL, its parameters."""

    doing: str
    sql: str
    params: dict[str, Any]


@contextmanager
def snapshot(conn: Connection) -> Iterator[Pipeline | None]:
    """One read-only snapshot for the report's queries (a repeatable-read
    transaction: the figures agree with each other while pushes arrive), in
    pipeline mode where the client's libpq has it (the pipeline to give
    :func:`send`; ``None`` otherwise, and the queries go one by one)."""
    with server_errors("reading the class report"), conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if not Pipeline.is_supported():
            yield None
            return
        with conn.pipeline() as pipe:
            yield pipe


def send(conn: Connection, query: Query, pipe: Pipeline | None = None) -> Rows:
    """Send ``query`` now; the function returned reads its rows. In pipeline
    mode (``pipe``: ``conn.pipeline()``), each query is synced on its own, so
    the server runs the queries sent back to back and each result can be read
    as soon as it is ready, while the caller works on the rows read before."""
    with server_errors(query.doing):
        cursor = conn.execute(query.sql, query.params)
        if pipe is not None:
            pipe.sync()

    def rows() -> list[tuple[Any, ...]]:
        with server_errors(query.doing):
            return cursor.fetchall()

    return rows


def students(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """The rows of :func:`students_query`."""
    return send(conn, students_query(filters))()


def students_query(filters: Filters) -> Query:
    """Every enrolled student (not dropped): login, name, reviews, recalls,
    passes, last day, days active in the last 7 and 30, overdue prompts,
    recalls and passes over the last 14 days and the 14 before."""
    # Without a deck or topic, the per-student day rollup holds the same sums.
    whole = filters.deck is None and filters.topic is None
    days = "studyapp.stat_student_day d" if whole else "studyapp.stat_day d"
    query = f"""
        WITH d AS (
            SELECT d.student, sum(d.reviews) AS reviews, sum(d.recalls) AS recalls,
                   sum(d.passes) AS passes, max(d.day) AS last_day,
                   count(DISTINCT d.day) FILTER (WHERE d.day > %(today)s - 7) AS a7,
                   count(DISTINCT d.day) FILTER (WHERE d.day > %(today)s - 30) AS a30,
                   sum(d.recalls) FILTER (WHERE d.day > %(today)s - 14) AS rr,
                   sum(d.passes) FILTER (WHERE d.day > %(today)s - 14) AS rp,
                   sum(d.recalls) FILTER (WHERE d.day <= %(today)s - 14
                                           AND d.day > %(today)s - 28) AS pr,
                   sum(d.passes) FILTER (WHERE d.day <= %(today)s - 14
                                          AND d.day > %(today)s - 28) AS pp
            FROM {days} WHERE {_DAY} {"" if whole else f"AND {_DECK_TOPIC}"}
            GROUP BY d.student
        ), o AS (
            SELECT p.student, count(*) AS overdue FROM studyapp.stat_prompt p
            WHERE p.last_due < %(now)s AND {_PROMPT}
            GROUP BY p.student
        )
        SELECT r.login, r.display_name, coalesce(d.reviews, 0)::int,
               coalesce(d.recalls, 0)::int, coalesce(d.passes, 0)::int, d.last_day,
               coalesce(d.a7, 0)::int, coalesce(d.a30, 0)::int, coalesce(o.overdue, 0)::int,
               coalesce(d.rr, 0)::int, coalesce(d.rp, 0)::int,
               coalesce(d.pr, 0)::int, coalesce(d.pp, 0)::int
        FROM studyapp.roster r
        LEFT JOIN d ON d.student = r.login
        LEFT JOIN o ON o.student = r.login
        WHERE r.role = 'student' AND r.dropped_at IS NULL
        ORDER BY r.login
    """
    return Query("reading the students' summaries", query, filters.params())


def topics(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """The rows of :func:`topics_query`."""
    return send(conn, topics_query(filters))()


def topics_query(filters: Filters) -> Query:
    """Per student x deck x topic: login, deck, topic, recalls, passes, prompts
    studied, mastery (mean predicted recall now)."""
    # The topic rollup sums every day: read unless --since, or a review dated
    # after the report's day (--as-of in the past) must be left out; the
    # summaries otherwise (the branch not taken is never run: a one-time filter).
    query = f"""
        WITH rolled AS (
            SELECT %(since)s::date IS NULL AND coalesce(
                (SELECT max(t.last_day) FROM studyapp.stat_topic t) <= %(today)s, true) AS yes
        ), d AS (
            SELECT d.student, d.deck_id, d.topic, sum(d.recalls) AS recalls,
                   sum(d.passes) AS passes
            FROM studyapp.stat_topic d
            WHERE (SELECT yes FROM rolled) AND {_DECK_TOPIC}
            GROUP BY 1, 2, 3
            UNION ALL
            SELECT d.student, d.deck_id, d.topic, sum(d.recalls), sum(d.passes)
            FROM studyapp.stat_day d
            WHERE NOT (SELECT yes FROM rolled) AND {_DECK_TOPIC} AND {_DAY}
            GROUP BY 1, 2, 3
        ), p AS (
            SELECT p.student, p.deck_id, coalesce(p.topic, '') AS topic, count(*) AS prompts,
                   avg({_RECALL_NOW}) AS mastery
            FROM studyapp.stat_prompt p WHERE {_PROMPT}
            GROUP BY 1, 2, 3
        )
        SELECT coalesce(d.student, p.student), coalesce(d.deck_id, p.deck_id),
               coalesce(d.topic, p.topic), coalesce(d.recalls, 0)::int,
               coalesce(d.passes, 0)::int, coalesce(p.prompts, 0)::int, p.mastery
        FROM d FULL JOIN p USING (student, deck_id, topic)
        JOIN studyapp.roster r ON r.login = coalesce(d.student, p.student)
        WHERE r.role = 'student' AND r.dropped_at IS NULL
        ORDER BY 2, 3, 1
    """
    return Query("reading the topics' summaries", query, filters.params())


def cards(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """The rows of :func:`cards_query`."""
    return send(conn, cards_query(filters))()


def cards_query(filters: Filters) -> Query:
    """Per prompt: deck, card, sibling, topic, kind, students, reviews,
    recalls, passes, lapses (summed over students), leeches (students with
    ``leech_lapses`` lapses or more)."""
    if filters.since is None:
        # The prompt rollup (its leeches counted at LEECH_LAPSES; a test checks).
        query = """
            SELECT c.deck_id, c.card_id, c.sibling, max(c.topic), max(c.card_kind),
                   sum(c.students)::int, sum(c.reviews)::int, sum(c.recalls)::int,
                   sum(c.passes)::int, sum(c.lapses)::int, sum(c.leeches)::int
            FROM studyapp.stat_card c
            WHERE (%(deck)s::text IS NULL OR c.deck_id = %(deck)s)
              AND (%(topic)s::text IS NULL OR c.topic = %(topic)s)
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, 3
        """
    else:
        query = f"""
            SELECT p.deck_id, p.card_id, p.sibling, coalesce(max(p.topic), ''),
                   coalesce(max(p.card_kind), ''), count(*)::int, sum(p.reviews)::int,
                   sum(p.recalls)::int, sum(p.passes)::int, sum(p.lapses)::int,
                   (count(*) FILTER (WHERE p.lapses >= %(leech)s))::int
            FROM studyapp.stat_prompt p WHERE {_PROMPT}
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, 3
        """
    return Query("reading the cards' summaries", query, {**filters.params(), "leech": LEECH_LAPSES})


LEECH_LAPSES = 8
"""The app's default leech threshold (the core's ``LEECH_LAPSES``; a test checks they agree)."""


# Rows of studyapp.stat_answer_class or stat_answer (a) the filters keep: the
# topic is the prompt's (any student's latest review in that topic).
_ANSWER = """
    (%(deck)s::text IS NULL OR a.deck_id = %(deck)s)
    AND (%(topic)s::text IS NULL OR EXISTS (
        SELECT FROM studyapp.stat_card c
        WHERE c.deck_id = a.deck_id AND c.card_id = a.card_id AND c.sibling = a.sibling
          AND c.topic = %(topic)s))
"""


def answers(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """The rows of :func:`answers_query`."""
    return send(conn, answers_query(filters))()


def answers_query(filters: Filters) -> Query:
    """Wrong answers per prompt, summed over the students: deck, card, sibling,
    kind, source (picked or typed), answer, times, students (from the rollup;
    :func:`typed_students` counts the students of typed spellings grouped)."""
    query = f"""
        SELECT a.deck_id, a.card_id, a.sibling, max(a.card_kind), a.source, a.answer,
               sum(a.times)::int, sum(a.students)::int
        FROM studyapp.stat_answer_class a
        WHERE {_ANSWER}
        GROUP BY a.deck_id, a.card_id, a.sibling, a.source, a.answer
        HAVING sum(a.times) > 0
    """
    return Query("reading the wrong answers", query, filters.params())


def typed_students(
    conn: Connection, groups: Mapping[tuple[str, str, str, str], Sequence[str]]
) -> list[tuple[Any, ...]]:
    """The rows of :func:`typed_students_query`."""
    return send(conn, typed_students_query(groups))()


def typed_students_query(groups: Mapping[tuple[str, str, str, str], Sequence[str]]) -> Query:
    """How many students typed a group of spellings: ``groups`` maps (deck,
    card, sibling, key) to the group's spellings; per group: deck, card,
    sibling, key, students (each counted once however many of the spellings
    they typed). One index range per group (the primary key of stat_answer
    starts with the prompt and the answer)."""
    query = """
        SELECT g.deck_id, g.card_id, g.sibling, g.key, (
            SELECT count(DISTINCT a.student)::int FROM studyapp.stat_answer a
            WHERE a.deck_id = g.deck_id AND a.card_id = g.card_id AND a.sibling = g.sibling
              AND a.source = 'typed' AND a.answer = ANY(g.spellings))
        FROM (SELECT s.deck_id, s.card_id, s.sibling, s.key, array_agg(s.answer) AS spellings
              FROM unnest(%(decks)s::text[], %(cards)s::text[], %(siblings)s::text[],
                          %(keys)s::text[], %(answers)s::text[])
                   AS s(deck_id, card_id, sibling, key, answer)
              GROUP BY 1, 2, 3, 4) g
    """
    flat = [(*group, answer) for group, spellings in groups.items() for answer in spellings]
    columns = ("decks", "cards", "siblings", "keys", "answers")
    params = {name: [row[i] for row in flat] for i, name in enumerate(columns)}
    return Query("reading the wrong answers", query, params)


def report_secret(conn: Connection) -> str:
    """The class's secret for stable pseudonyms."""
    with server_errors("reading the class's report key"):
        row = conn.execute("SELECT secret FROM studyapp.report_key").fetchone()
    if row is None:
        raise ServerError("the class has no report key: run `studyapp class init`")
    return str(row[0])


MIN_STUDENTS = 5
"""Class aggregates shown to a student need this many contributing students
(enforced by the server's ``studyapp.class_standing``; a test checks it)."""


def standing(conn: Connection, at: datetime | None = None) -> list[tuple[Any, ...]]:
    """The connected student's standing per deck and topic: deck, topic, own
    retention, own mastery, then for retention and for mastery the number of
    contributing students and the class's quartiles (``None`` below
    :data:`MIN_STUDENTS`)."""
    with server_errors("reading your standing in the class"):
        return conn.execute(
            "SELECT * FROM studyapp.class_standing(coalesce(%s, now()))", (at,)
        ).fetchall()
