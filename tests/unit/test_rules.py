"""The rule registry, the rule ids used in the source and the documented rules agree."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

import studyapp
from studyapp.core.deck.model import Severity
from studyapp.core.deck.rules import RULES
from studyapp.core.library import Library
from studyapp.core.library.lint import lint_library
from studyapp.core.library.loader import load_deck_bytes

PACKAGE = Path(studyapp.__file__).resolve().parent
DOCS = PACKAGE.parent / "docs" / "deck-format.md"
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

EMITTERS = {
    # call name -> severity of what it reports; the rule is its last positional argument
    "error": Severity.ERROR,
    "at": Severity.ERROR,
    "warning": Severity.WARNING,
    "check_unique": Severity.ERROR,
    "check_shown": Severity.ERROR,
    "number": Severity.ERROR,
    "YamlProblem": Severity.ERROR,
    "fatal": Severity.ERROR,  # the YAML reader's stops (too-deep, alias-bomb)
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _strings(node: ast.expr | None) -> list[str]:
    """The rule ids a rule argument can take: a literal, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if RULE_ID.match(node.value) else []
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def emitted_rules() -> dict[str, set[Severity]]:
    """Every rule id the source reports, with the severities it reports it at.

    Found by reading the code: the last positional argument (or ``rule=``) of
    the reporting calls, ``Diagnostic(..., Severity.X, message, rule)``, and
    strings assigned to a variable called ``rule`` (passed on to ``error``).
    """
    found: dict[str, set[Severity]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "tui" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            severity: Severity | None = None
            values: list[str] = []
            if isinstance(node, ast.Call):
                name = _name(node.func)
                rule_kw = next((k.value for k in node.keywords if k.arg == "rule"), None)
                last = node.args[-1] if node.args else None
                if name in EMITTERS:
                    severity = EMITTERS[name]
                    values = _strings(rule_kw) or _strings(last)
                    level_kw = next((k.value for k in node.keywords if k.arg == "severity"), None)
                    if isinstance(level_kw, ast.Attribute) and level_kw.attr == "WARNING":
                        severity = Severity.WARNING  # YamlProblem(..., severity=...WARNING)
                elif name == "Finding" and node.args:  # a numeric case problem (lint)
                    error_kw = next((k.value for k in node.keywords if k.arg == "error"), None)
                    warn = isinstance(error_kw, ast.Constant) and error_kw.value is False
                    severity = Severity.WARNING if warn else Severity.ERROR
                    values = _strings(node.args[0])
                elif name == "Diagnostic" and len(node.args) == 6:
                    level = node.args[3]
                    if isinstance(level, ast.Attribute) and level.attr in ("ERROR", "WARNING"):
                        severity = Severity[level.attr]
                    values = _strings(last)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "rule" for t in targets):
                    severity, values = Severity.ERROR, _strings(node.value)
            for value in values:
                assert severity is not None, (path, value)
                found.setdefault(value, set()).add(severity)
    return found


def test_the_scan_finds_rules_of_every_reporter() -> None:
    found = emitted_rules()
    # the loader, a kind, the YAML reader (default and keyword), the library, the CLI, the linter
    for rule in ("unknown-key", "same-sides", "yaml", "duplicate-key", "duplicate-deck", "io"):
        assert rule in found
    assert {"cloze-unbalanced", "cloze-bad-number", "formula-syntax", "bad-answer"} <= set(found)
    assert found["duplicate-question"] == {Severity.WARNING}


def test_every_rule_used_in_the_source_is_registered_with_its_severity() -> None:
    found = emitted_rules()
    assert {rule: sorted(s) for rule, s in found.items() if len(s) > 1} == {}
    assert {rule: s.pop() for rule, s in found.items()} == {
        rule: info.severity for rule, info in RULES.items()
    }


def test_lint_rules_are_warnings_and_marked_as_lint() -> None:
    lint_source = (PACKAGE / "core" / "library" / "lint.py").read_text(encoding="utf-8")
    lint_rules = {rule for rule, info in RULES.items() if info.lint}
    assert lint_rules == {
        "duplicate-question",
        "answer-in-question",
        "cloze-unhidden",
        "similar-choices",
        "unused-source",
        "impossible-case",
        "between-marks",
    }
    for rule in lint_rules:
        # An impossible case is the one lint error: it needs every case of a card
        # enumerated, too slow for loading, and the card cannot be kept.
        wanted = Severity.ERROR if rule == "impossible-case" else Severity.WARNING
        assert RULES[rule].severity is wanted
        assert f'"{rule}"' in lint_source


def lint_rules_section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("\n## Lint rules\n", 1)[1]
    return section.split("\n## ", 1)[0]


def test_every_rule_is_documented_in_the_lint_rules_section() -> None:
    section = lint_rules_section()
    documented = re.findall(r"^### `([a-z0-9-]+)` \((error|warning)\)$", section, re.MULTILINE)
    assert [rule for rule, _ in documented] == list(RULES)
    assert {rule: Severity(level) for rule, level in documented} == {
        rule: info.severity for rule, info in RULES.items()
    }


def test_every_documented_rule_has_an_example_and_a_fix() -> None:
    section = lint_rules_section()
    entries = re.split(r"^### ", section, flags=re.MULTILINE)[1:]
    assert len(entries) == len(RULES)
    for entry in entries:
        rule = entry.split("`", 2)[1]
        assert "```yml\n" in entry or "```console\n" in entry or "```text\n" in entry, rule
        assert "**Fix**" in entry, rule


def test_the_docs_keep_a_single_yaml_block() -> None:
    # tests/unit/test_docs.py loads the one ```yaml block; rule examples use ```yml.
    assert DOCS.read_text(encoding="utf-8").count("```yaml\n") == 1


def documented_examples() -> list[tuple[str, str]]:
    """``(rule, yml example)`` of every rule documented with a YAML example."""
    out = []
    for entry in re.split(r"^### ", lint_rules_section(), flags=re.MULTILINE)[1:]:
        rule = entry.split("`", 2)[1]
        for block in re.findall(r"```yml\n(.*?)```", entry, re.DOTALL):
            out.append((rule, block))
    return out


def as_deck(example: str) -> str:
    """A card example inside a deck; a whole-file example as it is."""
    if re.search(r"^(deck|cards):", example, re.MULTILINE) or example.startswith("# a whole"):
        return example
    return "deck: demo\ntitle: Demo\ncards:\n" + textwrap.indent(example, "  ")


def test_nearly_every_rule_has_a_yaml_example() -> None:
    without = set(RULES) - {rule for rule, _ in documented_examples()}
    # file-level problems: shown as check output instead
    assert without == {
        "io",
        "too-large",
        "encoding",
        "too-deep",
        "alias-bomb",
        "empty",
        "duplicate-deck",
    }


@pytest.mark.parametrize(("rule", "example"), documented_examples())
def test_each_documented_example_reports_its_rule(rule: str, example: str) -> None:
    result = load_deck_bytes(as_deck(example).encode(), "example.yaml")
    library = lint_library(Library((result,)))
    reported = [d for d in library.results[0].diagnostics if d.rule == rule]
    assert reported, [d.format() for d in library.results[0].diagnostics]
    assert {d.severity for d in reported} == {RULES[rule].severity}
