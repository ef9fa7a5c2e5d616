"""Import hygiene: the core, the store and the CLI commands never pull in Textual;
the core's packages import only the layers below them (docs/architecture.md); and
nothing outside the class server (``studyapp.server``) imports psycopg.

Each runtime check runs in a fresh interpreter, so modules imported by other
tests cannot hide (or fake) an import; the static checks read every import
statement, so lazy imports inside functions are caught too.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
    *module_names("studyapp.app"),
    *module_names("studyapp.render"),
    *module_names("studyapp.commands"),
    "studyapp.cli",
]


def test_the_module_list_is_complete() -> None:
    assert {
        "studyapp.core.deck.yamlsafe",
        "studyapp.core.library.loader",
        "studyapp.core.deck.text",
        "studyapp.core.kinds.cloze",
        "studyapp.core.library",
        "studyapp.core.study.scheduling",
        "studyapp.core.study.session",
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


LAYERS = {
    "deck": set(),
    "kinds": {"deck"},
    "library": {"deck", "kinds"},
    "study": {"deck", "kinds"},
    "progress": {"deck", "kinds", "study"},
}
"""Each package of ``studyapp.core`` and the core packages it may import besides itself.

The kinds build on the deck model; the loader, which needs the kinds, is in
``library``, not in ``deck``. ``study`` works on loaded decks and never reads
deck files, so it does not import ``library``."""


def studyapp_imports(path: Path, package: str | None = None) -> set[str]:
    """Every ``studyapp`` module a source file imports, at any depth (lazy and
    ``TYPE_CHECKING`` imports included, relative imports resolved against
    ``package``, by default the file's own). For ``from X import a`` both ``X``
    and ``X.a`` are listed (``a`` may be a module)."""
    if package is None:  # an __init__ is its own package; __init__ itself drops out
        package = ".".join(path.relative_to(PACKAGE.parent).parent.parts)
    here = package.split(".")
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == "studyapp"}


def _layer_allows(layer: str | None, module: str) -> bool:
    """May a module of core package ``layer`` (``None``: ``core/__init__``) import ``module``?"""
    parts = module.split(".")
    if parts[:2] != ["studyapp", "core"]:
        return False  # never the application layer, store, tui, commands, render, cli
    allowed = {layer, *LAYERS[layer]} if layer is not None else set()
    return len(parts) == 2 or parts[2] in allowed


def test_the_static_import_reader_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from . import queue\n"
        "from ..deck.model import Card\n"
        "if TYPE_CHECKING:\n"
        "    from studyapp.store import Store\n"
        "def f() -> None:\n"
        "    import studyapp.core.progress.stats\n",
        encoding="utf-8",
    )
    found = studyapp_imports(source, "studyapp.core.study")
    assert {
        "studyapp.core.study.queue",
        "studyapp.core.deck.model",
        "studyapp.store",
        "studyapp.core.progress.stats",
    } <= found
    assert [m for m in sorted(found) if not _layer_allows("study", m)] == [
        "studyapp.core.progress.stats",
        "studyapp.store",
        "studyapp.store.Store",
    ]


def test_every_core_module_belongs_to_a_layer() -> None:
    packages = {p.name for p in (PACKAGE / "core").iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)
    assert sorted(p.name for p in (PACKAGE / "core").glob("*.py")) == ["__init__.py"]


def test_core_packages_import_only_the_layers_below_them_even_lazily() -> None:
    offenders = {}
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        inside = path.relative_to(PACKAGE / "core").parts
        layer = inside[0] if len(inside) > 1 else None
        bad = sorted(m for m in studyapp_imports(path) if not _layer_allows(layer, m))
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_importing_a_core_package_loads_no_higher_layer(layer: str, tmp_path: Path) -> None:
    modules = module_names(f"studyapp.core.{layer}")
    loaded = python(
        f"""
        import importlib, json, sys
        for name in {modules!r}:
            importlib.import_module(name)
        loaded = sorted(m for m in sys.modules if m.startswith("studyapp."))
        print(json.dumps({{"studyapp": loaded}}))
        """,
        tmp_path,
    )["studyapp"]
    assert isinstance(loaded, list) and f"studyapp.core.{layer}" in loaded
    assert [m for m in loaded if m != "studyapp.core" and not _layer_allows(layer, m)] == []


def test_only_the_entry_points_sit_at_the_package_root() -> None:
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "cli.py"]


OUTER = {
    "store": {"core", "store"},
    "app": {"core", "store", "app", "server"},  # app.sync: the event record, sync at run
    "render": {"core", "render"},
    "interchange": {"core", "interchange"},
    "server": {"server"},
}
"""Packages outside the core and the ``studyapp`` packages they may import: the store and
the application layer never reach up into the front ends (tui, commands, cli)."""


def test_the_store_app_render_interchange_and_server_never_import_the_front_ends() -> None:
    offenders = {}
    for package, allowed in OUTER.items():
        for path in sorted((PACKAGE / package).rglob("*.py")):
            bad = sorted(
                m
                for m in studyapp_imports(path)
                if m != "studyapp"
                and m.split(".")[1] not in allowed
                and m != "studyapp.__version__"
            )
            if bad:
                offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


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
