"""Progress: statistics over the review log (``stats``, with the report's types
in ``stats_report``), fitting FSRS parameters to it (``optimizer``), and reading
review logs exported by other FSRS tools (``review_import``).

The top layer of :mod:`studyapp.core`: it may use :mod:`~studyapp.core.deck`,
:mod:`~studyapp.core.kinds` and :mod:`~studyapp.core.study`; nothing in core
imports it.
"""
