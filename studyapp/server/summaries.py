"""The class report's summary tables rebuilt from the events.

Rule: the summaries (migration 0005 and later) are what the trigger on
``studyapp.events`` has added up push by push; :func:`rebuild` recomputes
them from the stored events with the migrations' own backfill SQL
(``studyapp.summary_sql(..., 'add')``, the text the trigger runs on each
push's rows), so the two must agree (a test pushes, undoes and re-pushes, then
compares). Used after a bulk load that bypassed the trigger (the benchmarks
preload millions of events that way) and to repair a class's summaries. Runs
as the administering role, which owns the tables; one transaction.
"""

from __future__ import annotations

from studyapp.server.connection import Connection, server_errors

__all__ = ["ROLLUP_TABLES", "SUMMARY_TABLES", "TRIGGER", "rebuild"]

SUMMARY_TABLES = ("stat_prompt", "stat_day", "stat_answer")
"""The tables the trigger on the events keeps (in ``studyapp``)."""
ROLLUP_TABLES = ("stat_student_day", "stat_topic", "stat_card", "stat_answer_class")
"""Their rollups (migration 0008), kept by triggers on the summaries: rebuilt
with them, by those triggers, as the summaries are filled again."""
TRIGGER = "events_summarise"
"""The statement-level trigger on ``studyapp.events`` that keeps them."""


def rebuild(conn: Connection) -> None:
    """Empty the summary tables and fill them again from every stored event."""
    tables = ", ".join(f"studyapp.{name}" for name in (*SUMMARY_TABLES, *ROLLUP_TABLES))
    with server_errors("rebuilding the class report's summaries"), conn.transaction():
        conn.execute(f"TRUNCATE {tables}")
        statements = conn.execute(
            "SELECT unnest(studyapp.summary_sql('studyapp.events', 'add'))"
        ).fetchall()
        for (statement,) in statements:
            conn.execute(statement)
