"""``studyapp check``: diagnostics on stderr, a summary on stdout, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.core.deck.model import Diagnostic, Severity
from studyapp.core.library import load_library
from studyapp.core.library.lint import lint_library

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "decks"

GOOD = "deck: good\ntitle: Good\ncards:\n  - {id: a, topic: t, question: q, answer: a}\n"
WARN = (
    "deck: warn\ntitle: Warn\nsources: {g: {title: G}}\ncards:\n"
    "  - {id: a, topic: t, question: q1, answer: a}\n"
    "  - {id: b, topic: t, question: q2, answer: a}\n"
)
_bundled = lint_library(load_library([BUNDLED]))
assert _bundled.decks
BUNDLED_FILES = len(_bundled.results)
BUNDLED_CARDS = sum(len(deck.cards) for deck in _bundled.decks)
BUNDLED_LINES = [d.format() for result in _bundled.results for d in result.diagnostics]
"""What the bundled deck reports (warnings only: another test requires no error)."""
BUNDLED_WARNINGS = len(BUNDLED_LINES)

BROKEN = (
    "deck: broken\ntitle: Broken\ncards:\n"
    "  - id: a\n    topic: t\n    question: q\n    answer: yes\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, list[str]]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def bundled_summary(files: int = BUNDLED_FILES, cards: int = BUNDLED_CARDS, errors: int = 0) -> str:
    warnings = BUNDLED_WARNINGS
    return (
        f"checked {files} file{'s' * (files != 1)}, {cards} cards: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}\n"
    )


def test_bundled_deck_loads_without_errors() -> None:
    assert [line for line in BUNDLED_LINES if ": error: " in line] == []


def test_bundled_deck_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check")
    assert (code, err) == (0, BUNDLED_LINES)
    assert out == bundled_summary()


def test_bundled_deck_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", BUNDLED)
    assert (code, err) == (0, BUNDLED_LINES)
    assert out == bundled_summary()


def test_good_file_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", write(tmp_path / "g.yaml", GOOD))
    assert (code, out, err) == (0, "checked 1 file, 1 card: 0 errors, 0 warnings\n", [])


def test_warnings_alone_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "w.yaml", WARN)
    code, out, err = run(capsys, "check", path)
    assert code == 0
    assert err == [
        f"{path}:3:11: warning: source 'g' is not cited by any card [unused-source]",
        f"{path}:5:5: warning: card 'a' has no 'source' [missing-source]",
        f"{path}:6:5: warning: card 'b' has no 'source' [missing-source]",
    ]
    assert out == "checked 1 file, 2 cards: 0 errors, 3 warnings\n"


def test_errors_exit_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "b.yaml", BROKEN)
    code, out, err = run(capsys, "check", path)
    assert code == 1
    assert err == [
        f"{path}:7:13: error: 'answer' must be text, not a boolean "
        "(quote it if you mean the text) [wrong-type]"
    ]
    assert out == "checked 1 file, 0 cards: 1 error, 0 warnings\n"


def test_folder_with_several_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "a-good.yaml", GOOD)
    write(tmp_path / "b-broken.yaml", BROKEN)
    write(tmp_path / "sub" / "c-warn.yaml", WARN)
    code, out, err = run(capsys, "check", tmp_path)
    assert code == 1
    assert [line.split(": ", 2)[1] for line in err] == ["error", "warning", "warning", "warning"]
    assert err[0].startswith(f"{tmp_path / 'b-broken.yaml'}:7:13: error: ")
    assert out == "checked 3 files, 3 cards: 1 error, 3 warnings\n"


def test_missing_path_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    good = write(tmp_path / "g.yaml", GOOD)
    code, out, err = run(capsys, "check", missing, good)
    assert code == 1
    assert err == [f"{missing}:1:1: error: no such file or folder [io]"]
    assert out == "checked 1 file, 1 card: 1 error, 0 warnings\n"


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write(tmp_path / "b.yaml", BROKEN)
    warn = write(tmp_path / "w.yaml", WARN)
    missing = tmp_path / "missing.yaml"
    code, out, err = run(capsys, "check", "--format", "json", broken, warn, missing)
    assert code == 1
    assert err == []
    payload = json.loads(out)
    assert payload == {
        "files": 2,
        "cards": 2,
        "errors": 2,
        "warnings": 3,
        "diagnostics": [
            {
                "path": str(missing),
                "line": 1,
                "col": 1,
                "severity": "error",
                "message": "no such file or folder",
                "rule": "io",
            },
            {
                "path": str(broken),
                "line": 7,
                "col": 13,
                "severity": "error",
                "message": "'answer' must be text, not a boolean (quote it if you mean the text)",
                "rule": "wrong-type",
            },
            {
                "path": str(warn),
                "line": 3,
                "col": 11,
                "severity": "warning",
                "message": "source 'g' is not cited by any card",
                "rule": "unused-source",
            },
            {
                "path": str(warn),
                "line": 5,
                "col": 5,
                "severity": "warning",
                "message": "card 'a' has no 'source'",
                "rule": "missing-source",
            },
            {
                "path": str(warn),
                "line": 6,
                "col": 5,
                "severity": "warning",
                "message": "card 'b' has no 'source'",
                "rule": "missing-source",
            },
        ],
    }
    assert payload["errors"] == sum(d["severity"] == "error" for d in payload["diagnostics"])


def test_json_format_for_a_clean_deck(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--format", "json")
    assert (code, err) == (0, [])
    payload = json.loads(out)
    assert payload["files"] == BUNDLED_FILES
    assert payload["cards"] == BUNDLED_CARDS
    assert payload["errors"] == 0
    assert payload["warnings"] == BUNDLED_WARNINGS
    assert [Diagnostic.from_dict(d).format() for d in payload["diagnostics"]] == BUNDLED_LINES


def test_default_targets_include_configured_decks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env_decks = tmp_path / "env"
    cli_decks = tmp_path / "cli"
    write(env_decks / "b.yaml", BROKEN)
    write(cli_decks / "g.yaml", GOOD)
    monkeypatch.setenv("STUDYAPP_DECKS", str(env_decks))
    code, out, err = run(capsys, "check", "--decks", cli_decks)
    assert code == 1
    assert err == [*BUNDLED_LINES, *err[BUNDLED_WARNINGS:]]
    assert len(err) == BUNDLED_WARNINGS + 1
    assert err[-1].startswith(str(env_decks / "b.yaml"))
    assert out == bundled_summary(files=BUNDLED_FILES + 2, cards=BUNDLED_CARDS + 1, errors=1)


def test_explicit_paths_replace_the_configured_decks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", write(tmp_path / "g.yaml", GOOD))
    assert (code, out) == (0, "checked 1 file, 1 card: 0 errors, 0 warnings\n")


def test_config_error_exits_two(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(isolated_home / "config.toml", "[scheduling]\nnew_per_day = -1\n")
    code, out, err = run(capsys, "check")
    assert code == 2
    assert out == ""
    assert err == [
        f"studyapp: config error: {isolated_home / 'config.toml'}: "
        "[scheduling] new_per_day must be a whole number from 0 to 100000, got -1"
    ]


def test_data_dir_option_is_accepted_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "home" / "config.toml", "include_bundled_decks = false\n")
    code, out, _ = run(capsys, "check", "--data-dir", tmp_path / "home")
    assert (code, out) == (0, "checked 0 files, 0 cards: 0 errors, 0 warnings\n")


def test_check_writes_nothing(tmp_path: Path, isolated_home: Path) -> None:
    path = write(tmp_path / "g.yaml", GOOD)
    assert main(["check", str(path)]) == 0
    assert not isolated_home.exists()


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "xml"])
    assert info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_subprocess_run_on_a_broken_file_prints_no_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"deck: x\ntitle: \x1b[2J\ncards: [\n")
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "studyapp", "check", str(broken)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr
    assert result.stderr.startswith(f"{broken}:2:8: error: ")
    assert result.stdout == "checked 1 file, 0 cards: 1 error, 0 warnings\n"


# ------------------------------------------------------------------ the linter

LINT = (
    "deck: lint\ntitle: Lint\ncards:\n"
    "  - {id: a, topic: t, question: 'Which ion, chloride?', answer: Chloride}\n"
    "  - {id: b, topic: t, question: 'Which ion, chloride?', answer: Cl-}\n"
)


def test_lint_warnings_are_reported_with_the_loader_diagnostics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = write(tmp_path / "a.yaml", GOOD.replace("question: q", "question: 'Which ion?'"))
    path = write(
        tmp_path / "b.yaml",
        LINT.replace("'Which ion, chloride?', answer: Cl-", "Which ion?, answer: Cl-"),
    )
    code, out, err = run(capsys, "check", tmp_path)
    assert code == 0
    assert err == [
        f"{path}:4:33: warning: the answer 'Chloride' is written in the question "
        "[answer-in-question]",
        f"{path}:5:33: warning: card 'b' asks the same question as card 'a' ({other}:4) "
        "[duplicate-question]",
    ]
    assert out == "checked 2 files, 3 cards: 0 errors, 2 warnings\n"


def test_strict_makes_warnings_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "w.yaml", LINT)
    assert run(capsys, "check", path)[0] == 0
    code, out, err = run(capsys, "check", "--strict", path)
    assert code == 1
    assert [line.rsplit(" ", 1)[1] for line in err] == [
        "[answer-in-question]",
        "[duplicate-question]",
    ]
    assert out == "checked 1 file, 2 cards: 0 errors, 2 warnings (--strict: warnings fail)\n"


def test_strict_passes_a_clean_deck_and_fails_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "g.yaml", GOOD)
    broken = write(tmp_path / "b.yaml", BROKEN)
    assert run(capsys, "check", "--strict", good) == (
        0,
        "checked 1 file, 1 card: 0 errors, 0 warnings\n",
        [],
    )
    code, out, _ = run(capsys, "check", "--strict", broken)
    assert (code, out) == (1, "checked 1 file, 0 cards: 1 error, 0 warnings\n")
    assert run(capsys, "check", "--strict", "--format", "json", good)[0] == 0
    assert (
        run(capsys, "check", "--strict", "--format", "github", write(tmp_path / "w.yaml", LINT))[0]
        == 1
    )


def test_json_format_carries_lint_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "w.yaml", LINT)
    code, out, err = run(capsys, "check", "--format", "json", path)
    assert (code, err) == (0, [])
    payload = json.loads(out)
    assert (payload["errors"], payload["warnings"]) == (0, 2)
    assert payload["diagnostics"][1] == {
        "path": str(path),
        "line": 5,
        "col": 33,
        "severity": "warning",
        "message": f"card 'b' asks the same question as card 'a' ({path}:4)",
        "rule": "duplicate-question",
    }


def test_github_format_prints_one_annotation_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write(tmp_path / "b.yaml", BROKEN)
    lint = write(tmp_path / "w.yaml", LINT)
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "check", "--format", "github", missing, broken, lint)
    assert (code, err) == (1, [])
    assert out.splitlines() == [
        f"::error file={missing},line=1,col=1,title=io::no such file or folder",
        f"::error file={broken},line=7,col=13,title=wrong-type::'answer' must be text, "
        "not a boolean (quote it if you mean the text)",
        f"::warning file={lint},line=4,col=33,title=answer-in-question::"
        "the answer 'Chloride' is written in the question",
        f"::warning file={lint},line=5,col=33,title=duplicate-question::"
        f"card 'b' asks the same question as card 'a' ({lint}:4)",
    ]


def test_github_format_escapes_properties_and_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from studyapp.commands.check import github_annotation

    diagnostic = Diagnostic("a,b:c%.yaml", 3, 7, Severity.ERROR, "100% sure: a, b\r\nc", "x-y")
    assert github_annotation(diagnostic) == (
        "::error file=a%2Cb%3Ac%25.yaml,line=3,col=7,title=x-y::100%25 sure: a, b%0D%0Ac"
    )
    assert github_annotation(Diagnostic("d.yaml", 1, 2, Severity.WARNING, "m")) == (
        "::warning file=d.yaml,line=1,col=2::m"
    )
    # a real file whose name needs escaping
    path = write(tmp_path / "deck, v2: 100%.yaml", LINT)
    code, out, _ = run(capsys, "check", "--format", "github", path)
    escaped = str(path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert code == 0
    assert out.splitlines()[0] == (
        f"::warning file={escaped},line=4,col=33,title=answer-in-question::"
        "the answer 'Chloride' is written in the question"
    )


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    from studyapp.core.deck.rules import RULES

    code, out, err = run(capsys, "check", "--list-rules")
    assert (code, err) == (0, [])
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    assert lines[list(RULES).index("duplicate-question")].split()[1] == "warning"
    assert lines[0].split(None, 2) == ["io", "error", RULES["io"].summary]
    code, out, _ = run(capsys, "check", "--list-rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert rows[0] == {
        "rule": "io",
        "severity": "error",
        "lint": False,
        "summary": RULES["io"].summary,
    }
    assert {row["rule"] for row in rows if row["lint"]} == {
        "duplicate-question",
        "answer-in-question",
        "cloze-unhidden",
        "similar-choices",
        "unused-source",
        "impossible-case",
        "between-marks",
    }
