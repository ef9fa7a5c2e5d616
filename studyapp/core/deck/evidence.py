"""Evidence levels: what kind of evidence a card's claim rests on (the card field ``evidence``).

One small, fixed vocabulary, shared by everything that reads the field: the
loader (an unknown value is an error with a suggestion), the JSON Schema (an
enum), browse search (``evidence:animal``), exam selection (``--evidence``),
the screens that show it after the answer, and the exports. The values are
kinds of support rather than a strict ranking (a vendor's storage advice and
a rat study answer different questions).
"""

from __future__ import annotations

import difflib

__all__ = ["EVIDENCE", "evidence_line", "suggest_evidence"]

EVIDENCE: dict[str, str] = {
    "clinical": "studies in people: clinical trials or post-marketing surveillance",
    "animal": "studies in living animals (rats, mice)",
    "in-vitro": "work on cells, tissue or enzymes outside a living body",
    "review": "a review or textbook: a published overview of many studies",
    "regulatory": "an official record: registration, approval, scheduling, a product's label",
    "vendor-claim": "a seller's product information: protocols, storage, preparation",
    "unreferenced-claim": "stated by the source with no study or reference given",
}
"""Every value of ``evidence``, in the order the docs list them, with its meaning."""


def suggest_evidence(value: str) -> str | None:
    """The known value closest to a misspelt ``value`` (``anmial`` -> ``animal``)."""
    close = difflib.get_close_matches(value.lower(), list(EVIDENCE), n=1, cutoff=0.5)
    return close[0] if close else None


def evidence_line(value: str) -> str:
    """What the screens show: ``animal: studies in living animals (rats, mice)``."""
    meaning = EVIDENCE.get(value)
    return f"{value}: {meaning}" if meaning else value
