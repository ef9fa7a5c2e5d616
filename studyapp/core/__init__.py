"""The domain: decks, card kinds, studying and progress, as pure Python.

No Textual, Rich, sqlite3 or psycopg here, and nothing from the rest of
``studyapp`` (a test checks both). The subpackages are layered, lowest first;
a package imports only from itself and the packages below it (see
``docs/architecture.md``)::

    deck      what a deck is made of: text, model, the safe YAML reader, positions
    kinds     the card kinds (one module each), their registry, and grading
    library   deck files read into a library: loader, lint, reload, schema
    study     scheduling, queues, sessions, exam plans, quizzes, exams, search
    progress  statistics, parameter fitting, importing other tools' review logs

``library`` and ``study`` both sit on ``kinds``; neither imports the other.
"""
