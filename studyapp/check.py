"""``studyapp check``: load decks, lint them, report in text, JSON or GitHub annotations.

Exit codes: 0 when there is no error (with ``--strict``: no error and no
warning), 1 otherwise; 2 for a usage or config error (reported by the CLI).
Never imports Textual or sqlite3.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from studyapp.core.model import Diagnostic, Severity

__all__ = ["FORMATS", "github_annotation", "list_rules", "run"]

FORMATS = ("text", "json", "github")


def run(targets: Sequence[Path], fmt: str, *, strict: bool = False) -> int:
    """Check the deck files under ``targets``; print the report; the exit code."""
    from studyapp.core.library import load_library
    from studyapp.core.lint import lint_library

    missing = [
        Diagnostic(str(t), 1, 1, Severity.ERROR, "no such file or folder", "io")
        for t in targets
        if not t.exists()
    ]
    library = lint_library(load_library([t for t in targets if t.exists()]))
    diagnostics = missing + [d for r in library.results for d in r.diagnostics]
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    files = len(library.results)
    cards = sum(len(r.deck.cards) for r in library.results if r.deck is not None)
    if fmt == "json":
        payload = {
            "files": files,
            "cards": cards,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.to_dict() for d in diagnostics],
        }
        print(json.dumps(payload, indent=2))
    elif fmt == "github":
        for diagnostic in diagnostics:
            print(github_annotation(diagnostic))
    else:
        for diagnostic in diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        print(
            f"checked {files} file{'s' * (files != 1)}, {cards} card{'s' * (cards != 1)}: "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            + (" (--strict: warnings fail)" if strict and warnings and not errors else "")
        )
    return 1 if errors or (strict and warnings) else 0


def github_annotation(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the diagnostic's line:
    ``::warning file=PATH,line=L,col=C,title=RULE::message``."""
    properties = [
        f"file={_escape_property(diagnostic.path)}",
        f"line={diagnostic.line}",
        f"col={diagnostic.col}",
    ]
    if diagnostic.rule:
        properties.append(f"title={_escape_property(diagnostic.rule)}")
    command = "error" if diagnostic.severity is Severity.ERROR else "warning"
    return f"::{command} {','.join(properties)}::{_escape_data(diagnostic.message)}"


def _escape_data(text: str) -> str:
    """As ``@actions/core`` escapes a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """As ``@actions/core`` escapes a command property's value."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def list_rules(fmt: str) -> int:
    """Print every rule id with its severity and summary (JSON with ``fmt == "json"``)."""
    from studyapp.core.rules import RULES

    if fmt == "json":
        rows = [
            {"rule": rule, "severity": r.severity.value, "lint": r.lint, "summary": r.summary}
            for rule, r in RULES.items()
        ]
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(rule) for rule in RULES)
    for rule, info in RULES.items():
        print(f"{rule:<{width}}  {info.severity.value:<7}  {info.summary}")
    return 0
