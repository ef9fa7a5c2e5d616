"""Import hygiene: the core, the store and the CLI commands never pull in Textual,
and nothing outside the class server (``studyapp.server``) imports psycopg.

Each check runs in a fresh interpreter, so modules imported by other tests
cannot hide (or fake) an import.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import studyapp

PACKAGE = Path(studyapp.__file__).resolve().parent


def python(code: str, cwd: Path) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return data


def module_names(prefix: str) -> list[str]:
    """``studyapp`` module names under ``prefix`` (from the source files)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name == prefix or name.startswith(prefix + "."):
            names.append(name)
    return names


CORE = module_names("studyapp.core")  # imported first, so sqlite3 can be blamed
NO_TEXTUAL = [
    *CORE,
    *module_names("studyapp.store"),
    "studyapp.config",
    "studyapp.services",
    "studyapp.stats_view",
    *module_names("studyapp.commands"),
    "studyapp.check",
    "studyapp.cli",
]


def test_the_module_list_is_complete() -> None:
    assert {
        "studyapp.core.yamlsafe",
        "studyapp.core.loader",
        "studyapp.core.text",
        "studyapp.core.kinds.cloze",
        "studyapp.core.library",
        "studyapp.core.scheduling",
        "studyapp.core.session",
        "studyapp.store",
    } <= set(NO_TEXTUAL)


def test_core_store_config_services_cli_do_not_import_textual(tmp_path: Path) -> None:
    # One fresh interpreter imports the modules one by one (core first) and
    # records, after each, the heavy modules loaded so far: the first module
    # after which one appears is the one that imported it.
    after = python(
        f"""
        import importlib, json, sys
        heavy = ("textual", "anki", "sqlite3", "_sqlite3", "psycopg")
        seen = {{}}
        for name in {NO_TEXTUAL!r}:
            importlib.import_module(name)
            seen[name] = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
        print(json.dumps(seen))
        """,
        tmp_path,
    )
    assert list(after) == NO_TEXTUAL
    textual = {m: v for m, v in after.items() if any(str(x).startswith("textual") for x in v)}
    assert textual == {}
    anki = {m: v for m, v in after.items() if any(str(x).startswith("anki") for x in v)}
    assert anki == {}
    sqlite = {m: after[m] for m in CORE if after[m]}
    assert sqlite == {}
    psycopg = {m: v for m, v in after.items() if any(str(x).startswith("psycopg") for x in v)}
    assert psycopg == {}


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any depth (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_core_source_imports_sqlite3() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if "sqlite3" in m)
        for path in (PACKAGE / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_core_source_imports_textual_or_rich_even_lazily() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in ("textual", "rich")
        )
        for path in (PACKAGE / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_anki_is_never_imported_by_any_studyapp_source() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(m.split(".")[0] == "anki" for m in imported_modules(path))
    ]
    assert offenders == []


def test_importing_every_studyapp_module_does_not_import_anki(tmp_path: Path) -> None:
    result = python(
        f"""
        import importlib, json, sys
        for name in {module_names("studyapp")!r}:
            importlib.import_module(name)
        print(json.dumps({{"anki": sorted(m for m in sys.modules if m.split(".")[0] == "anki"),
                          "textual": "textual" in sys.modules}}))
        """,
        tmp_path,
    )
    assert result["anki"] == []
    # Sanity check of the method: the TUI modules are in the list and do load Textual.
    assert result["textual"] is True


def test_due_command_does_not_import_textual(tmp_path: Path) -> None:
    result = python(
        """
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        out = io.StringIO()
        with redirect_stdout(out):
            code = main(["due"])
        print(json.dumps({"code": code, "out": out.getvalue(),
                          "textual": sorted(m for m in sys.modules if m.startswith("textual"))}))
        """,
        tmp_path,
    )
    assert result["code"] == 0
    assert isinstance(result["out"], str)
    assert result["out"].splitlines()[0].split() == ["deck", "new", "learn", "due"]
    assert "selank" in result["out"]
    assert result["textual"] == []


def test_check_command_does_not_import_textual(tmp_path: Path) -> None:
    result = python(
        """
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        with redirect_stdout(io.StringIO()):
            code = main(["check"])
        print(json.dumps({"code": code, "textual": "textual" in sys.modules,
                          "sqlite3": "sqlite3" in sys.modules}))
        """,
        tmp_path,
    )
    assert result == {"code": 0, "textual": False, "sqlite3": False}


def test_stats_command_does_not_import_textual(tmp_path: Path) -> None:
    result = python(
        """
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        out = io.StringIO()
        with redirect_stdout(out):
            text = main(["stats"])
            as_json = main(["stats", "--json"])
        print(json.dumps({"codes": [text, as_json], "out": out.getvalue(),
                          "textual": sorted(m for m in sys.modules if m.startswith("textual"))}))
        """,
        tmp_path,
    )
    assert result["codes"] == [0, 0]
    assert isinstance(result["out"], str) and "True retention" in result["out"]
    assert result["textual"] == []


def test_try_command_does_not_import_textual(tmp_path: Path) -> None:
    result = python(
        """
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        out = io.StringIO()
        with redirect_stdout(out):
            typed = main(["try", "selank", "tuftsin-typed", "tufstin"])
            numeric = main(["try", "selank", "concentration-numeric", "2500", "--json"])
        print(json.dumps({"codes": [typed, numeric], "out": out.getvalue(),
                          "textual": sorted(m for m in sys.modules if m.startswith("textual"))}))
        """,
        tmp_path,
    )
    assert result["codes"] == [0, 0]
    assert isinstance(result["out"], str) and "Verdict: almost" in result["out"]
    assert result["textual"] == []


PSYCOPG_FREE = """
    import io, json, sys
    from contextlib import redirect_stderr, redirect_stdout
    from studyapp.cli import main
    codes = []
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        for argv in {argvs!r}:
            try:
                codes.append(main(argv))
            except SystemExit as exc:
                codes.append(exc.code)
    import studyapp.tui.app  # the study app's modules
    print(json.dumps({{"codes": codes,
                      "psycopg": sorted(m for m in sys.modules if m.startswith("psycopg"))}}))
"""


def test_the_base_install_never_imports_psycopg(tmp_path: Path) -> None:
    """The class server is an optional extra: running the everyday commands,
    listing every command (which imports every command module, `class ...`
    included) and importing the study app load no psycopg."""
    argvs = [["due"], ["check"], ["stats"], ["--help"], ["class", "init", "--help"]]
    result = python(PSYCOPG_FREE.format(argvs=argvs), tmp_path)
    assert result == {"codes": [0, 0, 0, 0, 0], "psycopg": []}


def test_only_the_class_server_package_imports_psycopg() -> None:
    offenders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(m.split(".")[0] == "psycopg" for m in imported_modules(path))
        and path.relative_to(PACKAGE).parts[0] != "server"
        and path.name != "_class.py"  # imports it inside run, to say what to install
    )
    assert offenders == []
