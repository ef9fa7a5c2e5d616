"""Validate and lint deck files. Exit status: 0 when there is no error (with
--strict: no error and no warning), 1 otherwise, 2 for a usage or config error.
Reports as text (diagnostics on stderr, a summary on stdout), JSON, or GitHub
Actions annotations. Never imports Textual or sqlite3, so it runs fast in CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.core.deck.model import Diagnostic, Severity

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

__all__ = ["FORMATS", "check", "github_annotation", "list_rules"]

NAME = "check"
HELP = "validate and lint deck files; report errors and warnings"
FORMATS = ("text", "json", "github")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="deck files or folders")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, or github (GitHub Actions annotations)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--list-rules", action="store_true", help="list every rule id with its severity and exit"
    )


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    if args.list_rules:
        return list_rules(args.format)
    return check(args.paths or list(settings.deck_dirs), args.format, strict=args.strict)


def check(targets: Sequence[Path], fmt: str, *, strict: bool = False) -> int:
    """Check the deck files under ``targets``; print the report; the exit code."""
    files, cards, diagnostics = _diagnose(targets)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
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
        print(_summary(files, cards, errors, warnings, strict=strict))
    return 1 if errors or (strict and warnings) else 0


def _diagnose(targets: Sequence[Path]) -> tuple[int, int, list[Diagnostic]]:
    """Load and lint the deck files under ``targets``: how many files and cards,
    and every diagnostic (a missing target first)."""
    from studyapp.core.library import load_library
    from studyapp.core.library.lint import lint_library

    missing = [
        Diagnostic(str(t), 1, 1, Severity.ERROR, "no such file or folder", "io")
        for t in targets
        if not t.exists()
    ]
    library = lint_library(load_library([t for t in targets if t.exists()]))
    cards = sum(len(r.deck.cards) for r in library.results if r.deck is not None)
    return (
        len(library.results),
        cards,
        missing + [d for r in library.results for d in r.diagnostics],
    )


def _summary(files: int, cards: int, errors: int, warnings: int, *, strict: bool) -> str:
    """``checked 2 files, 30 cards: 0 errors, 1 warning`` (and why a warning fails)."""
    return (
        f"checked {files} file{'s' * (files != 1)}, {cards} card{'s' * (cards != 1)}: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        + (" (--strict: warnings fail)" if strict and warnings and not errors else "")
    )


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
    from studyapp.core.deck.rules import RULES

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
