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

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from studyapp.server import ServerError
from studyapp.server.connection import Connection, class_names, server_errors

__all__ = [
    "Filters",
    "answers",
    "cards",
    "report_secret",
    "require_instructor",
    "students",
    "topics",
    "typed_students",
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


def _rows(conn: Connection, doing: str, query: str, filters: Filters) -> list[tuple[Any, ...]]:
    with server_errors(doing):
        return conn.execute(query, filters.params()).fetchall()


def students(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
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
    return _rows(conn, "reading the students' summaries", query, filters)


def topics(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """Per student x deck x topic: login, deck, topic, recalls, passes, prompts
    studied, mastery (mean predicted recall now)."""
    # The topic rollup sums every day: usable unless --since, or a review
    # dated after the report's day (--as-of in the past) must be left out.
    rolled = filters.since is None and _rows(
        conn,
        "reading the topics' summaries",
        "SELECT coalesce(max(last_day) <= %(today)s, true) FROM studyapp.stat_topic",
        filters,
    ) == [(True,)]
    days = f"""
            SELECT d.student, d.deck_id, d.topic, sum(d.recalls) AS recalls,
                   sum(d.passes) AS passes
            FROM studyapp.{"stat_topic" if rolled else "stat_day"} d
            WHERE {_DECK_TOPIC} {"" if rolled else f"AND {_DAY}"}
            GROUP BY 1, 2, 3
    """
    query = f"""
        WITH d AS ({days}), p AS (
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
    return _rows(conn, "reading the topics' summaries", query, filters)


def cards(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
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
    with server_errors("reading the cards' summaries"):
        return conn.execute(query, {**filters.params(), "leech": LEECH_LAPSES}).fetchall()


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
    return _rows(conn, "reading the wrong answers", query, filters)


def typed_students(
    conn: Connection, filters: Filters, keys: dict[str, str]
) -> list[tuple[Any, ...]]:
    """How many students typed a group of spellings: ``keys`` maps each text
    typed to its group's key; per prompt and key with two spellings or more:
    deck, card, sibling, key, students (each counted once however many of the
    spellings they typed)."""
    if not keys:
        return []
    query = f"""
        SELECT a.deck_id, a.card_id, a.sibling, k.key, count(DISTINCT a.student)::int
        FROM unnest(%(spellings)s::text[], %(keys)s::text[]) AS k(answer, key)
        JOIN studyapp.stat_answer a ON a.source = 'typed' AND a.answer = k.answer
        WHERE {_ANSWER}
        GROUP BY 1, 2, 3, 4
        HAVING count(DISTINCT a.answer) > 1
    """
    params = {**filters.params(), "spellings": list(keys), "keys": list(keys.values())}
    with server_errors("reading the wrong answers"):
        return conn.execute(query, params).fetchall()


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
