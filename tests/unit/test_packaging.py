"""The wheel ships the bundled decks, migrations and stylesheet, and a plain
(non-editable) install finds the decks."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("studyapp-*.whl")
    return built


def test_wheel_contains_decks_and_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "studyapp/decks/selank.yaml" in names
    # The bundled decks' parsed entries (core/library/seed.py): a first start parses nothing.
    assert any(n.startswith("studyapp/decks/parsed/") and n.endswith(".json") for n in names)
    assert "studyapp/store/migrations/0001_initial.sql" in names
    assert "studyapp/tui/app.tcss" in names
    assert "studyapp/templates/new_deck.yaml" in names  # studyapp new
    assert not any(name.startswith("tests/") for name in names)


def test_plain_install_finds_bundled_decks(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "STUDYAPP_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "studyapp", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "0 errors" in result.stdout
    located = subprocess.run(
        [
            sys.executable,
            "-c",
            "from studyapp.app.config import bundled_decks_dir as b; print(b())",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(target)


def test_plain_install_scaffolds_a_deck_that_passes_check(wheel: Path, tmp_path: Path) -> None:
    """``studyapp new`` reads its template from the installed package, not the source tree."""
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "-q"]
    subprocess.run(
        [*pip, "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "STUDYAPP_HOME": str(tmp_path / "home")}
    for argv in (["new", "decks/new.yaml"], ["check", "decks/new.yaml"]):
        result = subprocess.run(
            [sys.executable, "-m", "studyapp", *argv],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    assert "0 errors, 0 warnings" in result.stdout
    assert (tmp_path / "decks" / "deck.schema.json").is_file()
