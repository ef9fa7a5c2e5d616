"""The application layer: the wiring the command line and the study app share.

``config`` (where data lives, and the settings file), ``services`` (load decks,
open sessions, due counts, suspend, rebuild), ``plan_service`` (exam plans as
the sessions and screens use them) and ``output`` (writing a command's output
file safely). It joins :mod:`studyapp.core` to :mod:`studyapp.store`; it never
imports Textual (a test checks it), so the commands that use it start fast.
"""
