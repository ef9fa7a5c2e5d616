"""Studying: FSRS scheduling (``scheduling``), today's queue (``queue``), the
review log's records (``review_log``), the study session (``session``), exam
plans (``planning``), asking and grading objective prompts (``quiz``), exams
(``exam_spec``, ``exam``, ``exam_result``) and card search (``search``).

Builds on :mod:`studyapp.core.deck` and :mod:`studyapp.core.kinds`; works on
loaded decks and never reads files, so it imports nothing from
:mod:`studyapp.core.library` (nor from :mod:`studyapp.core.progress`, above it).
"""
