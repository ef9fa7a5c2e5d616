"""Bounds on deck input (see ``docs/deck-format.md``, "Limits")."""

from typing import Final

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_EXPANDED_NODES"]

MAX_BYTES: Final = 8 * 1024 * 1024
"""Largest deck file accepted, in bytes (8 MiB, about 40,000 cards)."""
MAX_DEPTH: Final = 64
"""Deepest nesting of mappings and sequences accepted."""
MAX_EXPANDED_NODES: Final = 2_000_000
"""Largest number of nodes a document may have once aliases are expanded."""
