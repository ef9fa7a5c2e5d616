"""The documented example deck is real: it loads with no errors or warnings."""

from __future__ import annotations

import re
from pathlib import Path

from studyapp.core.library.loader import load_deck_bytes
from studyapp.core.study.session import prompts_of

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


def test_the_architecture_doc_lists_every_core_module_in_its_package() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    core = Path(__file__).resolve().parents[2] / "studyapp" / "core"
    rows = dict(re.findall(r"^\| `core/(\w+)/` \| (.*?) \|", text, re.MULTILINE))
    listed = {package: set(re.findall(r"`(\w+)`", row)) for package, row in rows.items()}
    actual = {
        package.name: {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
        for package in core.iterdir()
        if (package / "__init__.py").is_file()
    }
    assert {
        package: listed.get(package, set()) - {"Library", "__init__"} for package in actual
    } == actual


def test_the_architecture_doc_names_every_package_and_the_readme_points_to_it() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    package = Path(__file__).resolve().parents[2] / "studyapp"
    for sub in sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file()):
        assert f"`studyapp/{sub}/`" in text
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in readme
