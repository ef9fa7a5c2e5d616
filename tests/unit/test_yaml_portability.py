"""Bundled YAML reads the same in every YAML tool, not only in libyaml.

The loader uses libyaml, which accepts a few constructs other parsers reject
(a plain scalar ending in ``?`` inside ``[...]``). Instructors open these files
in editors (yaml-language-server) and scripts (pure-Python PyYAML), so the
files we ship and the files ``studyapp new`` writes must read the same there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "decks").glob("*.yaml")) + sorted(
    (ROOT / "studyapp" / "templates").glob("*.yaml")
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_pure_python_yaml_reads_what_libyaml_reads(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader)


def test_the_check_covers_files() -> None:
    assert any(p.parent.name == "decks" for p in SHIPPED)
    assert any(p.parent.name == "templates" for p in SHIPPED)


def test_the_difference_it_guards_against_is_real() -> None:
    text = "- [Is it safe?, sure]\n"
    assert yaml.load(text, Loader=yaml.CSafeLoader) == [["Is it safe?", "sure"]]
    with pytest.raises(yaml.YAMLError):
        yaml.load(text, Loader=yaml.SafeLoader)
