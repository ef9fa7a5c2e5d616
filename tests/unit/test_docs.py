"""The documented example deck is real: it loads with no errors or warnings."""

from __future__ import annotations

import re
from pathlib import Path

from studyapp.core.loader import load_deck_bytes
from studyapp.core.session import prompts_of

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_deck_format_example_loads_cleanly() -> None:
    text = (DOCS / "deck-format.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    result = load_deck_bytes(example.encode(), "example.yaml")
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    kinds = {card.kind for card in result.deck.cards}
    assert kinds == {"basic", "reversible", "cloze"}
    siblings = [p.sibling for p in prompts_of(result.deck)]
    assert siblings == ["main", "forward", "reverse", "c1", "c2", "c3"]
