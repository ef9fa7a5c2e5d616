"""What a deck is made of: card text and its inline markup (``text``), the data
model (``model``), the safe YAML reader (``yamlsafe`` with ``yaml_errors`` and
``yaml_lines``), where values sit in a file (``positions``), the evidence levels,
the rule ids diagnostics name (``rules``), the size limits, and the Markdown
summary of loaded decks (``report``).

The bottom layer of :mod:`studyapp.core`: it imports nothing from the other
core packages (the card kinds build on it; the loader, which needs the kinds,
is in :mod:`studyapp.core.library`).
"""
