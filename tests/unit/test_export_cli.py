"""`studyapp export` and `studyapp import`: reports, --force, bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.core.library.loader import load_deck_file

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "every_kind.yaml").write_text(
        (DATA / "every_kind.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return folder


def test_export_apkg_reports_counts_per_kind(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.apkg"
    code = main(["--decks", str(deck_dir), "export", "--deck", "gift-demo", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.startswith(f"wrote 11 cards from 1 deck to {out} (apkg): ")
    assert "2 cloze" in captured.out and "1 ordering" in captured.out
    assert zipfile.is_zipfile(out)
    assert "collection.anki2" in zipfile.ZipFile(out).namelist()


def test_export_refuses_to_overwrite_without_force(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.gift"
    out.write_text("precious", encoding="utf-8")
    args = ["--decks", str(deck_dir), "export", "--deck", "gift-demo", "-o", str(out)]
    assert main(args) == 1
    assert "already exists (use --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "precious"
    assert main([*args, "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("// deck gift-demo")


def test_gift_export_warns_about_what_it_cannot_express(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bank.txt"
    args = ["--decks", str(deck_dir), "export", "--deck", "gift-demo", "--format", "gift"]
    assert main([*args, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "wrote 8 cards" in captured.out
    assert "warning: not exported" in captured.err
    assert "1 ordering: GIFT has no ordering question" in captured.err
    assert "1 basic: a self-rated flip card" in captured.err


def test_export_format_from_suffix_or_error(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--decks", str(deck_dir), "export", "-o", str(tmp_path / "x.doc")]) == 1
    assert "cannot tell the format from 'x.doc': give --format" in capsys.readouterr().err
    assert not (tmp_path / "x.doc").exists()


def test_export_unknown_deck_and_broken_decks(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (deck_dir / "broken.yaml").write_text("deck: broken\ntitle: B\ncards: []\n", encoding="utf-8")
    out = tmp_path / "x.csv"
    assert main(["--decks", str(deck_dir), "export", "--deck", "nope", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no deck nope" in err
    assert not out.exists()
    assert main(["--decks", str(deck_dir), "export", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "not exported: " in captured.err and "broken.yaml has 1 error" in captured.err
    assert "from 3 decks" in captured.out  # the two bundled decks and gift-demo


def test_import_writes_a_checked_deck_and_refuses_to_overwrite(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "cards.tsv"
    assert main(["--decks", str(deck_dir), "export", "--deck", "gift-demo", "-o", str(table)]) == 0
    capsys.readouterr()
    deck = tmp_path / "mine.yaml"
    args = ["import", str(table), "--deck-id", "mine", "--title", "Mine", "-o", str(deck)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote 11 cards to {deck}: ")
    assert "1 choice card: imported as basic" in out
    result = load_deck_file(deck)
    assert result.errors == [] and result.deck is not None
    assert result.deck.title == "Mine"
    assert main(["check", str(deck)]) == 0
    capsys.readouterr()
    before = deck.read_text(encoding="utf-8")
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    assert deck.read_text(encoding="utf-8") == before  # same file, same ids


@pytest.mark.parametrize(
    ("content", "deck_id", "message", "code"),
    [
        (b"Q,A\n", "Bad Id", "is not a slug", 2),
        (b"\xff\xfeQ,A\n", "ok", "is not UTF-8 text", 1),
        (b",\n,\n", "ok", "no card to import", 1),
        (b"#separator:Weird\nQ,A\n", "ok", "unknown #separator", 1),
    ],
)
def test_import_bad_input_is_one_clear_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    deck_id: str,
    message: str,
    code: int,
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    out = tmp_path / "out.yaml"
    assert main(["import", str(source), "--deck-id", deck_id, "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert err.startswith("studyapp: ") and message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_import_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.yaml"
    assert main(["import", str(tmp_path / "nope.csv"), "--deck-id", "x", "-o", str(out)]) == 1
    assert "no such file" in capsys.readouterr().err


def test_outputs_get_the_usual_file_mode(tmp_path: Path) -> None:
    import os
    import stat

    from studyapp.app.output import write_output

    out = tmp_path / "new.txt"
    old = os.umask(0o022)
    try:
        write_output(out, lambda path: path.write_text("x", encoding="utf-8"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    os.chmod(out, 0o600)
    write_output(out, lambda path: path.write_text("y", encoding="utf-8"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a replaced file keeps its mode
    assert out.read_text(encoding="utf-8") == "y"
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]  # no temporary left


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    from studyapp.app.output import write_output

    out = tmp_path / "out.apkg"
    out.write_text("old", encoding="utf-8")

    def fail(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_output(out, fail)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.apkg"]


NOTE_HEADING = "note: written with changes (the format cannot express them as they are):"
WARNING_HEADING = "warning: not exported (the format cannot express them):"
FLIP_IN_ANKI = ("choice", "matching", "numeric", "ordering", "select", "truefalse")


@pytest.mark.parametrize("suffix", [".apkg", ".gift", ".csv", ".tsv"])
def test_every_format_reports_what_it_changes_on_stderr_only(
    suffix: str, deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One lossy report for every format: stdout is the one 'wrote' line, the rest is stderr."""
    out = tmp_path / f"out{suffix}"
    assert main(["--decks", str(deck_dir), "export", "--deck", "gift-demo", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1 and captured.out.startswith("wrote ")
    err = captured.err.splitlines()
    headings = [line for line in err if not line.startswith("  ")]
    assert (
        headings
        == {
            ".apkg": [NOTE_HEADING],
            ".gift": [WARNING_HEADING],
            ".csv": [NOTE_HEADING],
            ".tsv": [NOTE_HEADING],
        }[suffix]
    )
    if suffix == ".apkg":
        flips = [line for line in err if "a flip card in Anki" in line]
        assert [line.split()[1] for line in flips] == list(FLIP_IN_ANKI)
    if suffix == ".gift":
        assert "  1 ordering: GIFT has no ordering question" in err
    if suffix in (".csv", ".tsv"):
        laid_out = [line for line in err if "laid out as text" in line]
        assert [line.split()[1] for line in laid_out] == list(FLIP_IN_ANKI)


@pytest.mark.parametrize("deck", ["every_kind", "selank"])
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_table_round_trip_passes_check_strict(
    deck: str, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export -o x.csv, import x.csv -o y.yaml, check --strict y.yaml: every kind, no warning."""
    source = DATA / "every_kind.yaml" if deck == "every_kind" else REPO / "decks" / "selank.yaml"
    assert main(["check", "--strict", str(source)]) == 0  # the deck itself is clean
    table, again = tmp_path / f"x{suffix}", tmp_path / "y.yaml"
    assert main(["export", str(source), "-o", str(table)]) == 0
    assert main(["import", str(table), "--deck-id", "again", "-o", str(again)]) == 0
    capsys.readouterr()
    code = main(["check", "--strict", str(again)])
    assert (code, capsys.readouterr().err) == (0, "")


def test_export_of_named_paths_leaves_the_bundled_deck_out(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "class.csv"
    assert main(["export", str(deck_dir), "-o", str(out)]) == 0
    assert "from 1 deck to" in capsys.readouterr().out
    rows = out.read_text(encoding="utf-8").splitlines()[5:]
    assert rows and not any("Selank" in row for row in rows)
    # With no path, every configured deck: the bundled one too, unless the config says not.
    everything = tmp_path / "all.csv"
    assert main(["--decks", str(deck_dir), "export", "-o", str(everything)]) == 0
    assert "from 3 decks to" in capsys.readouterr().out  # two bundled, one of deck_dir


def test_include_bundled_decks_false_leaves_it_out_of_a_default_export(
    deck_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("include_bundled_decks = false\n", encoding="utf-8")
    out = tmp_path / "class.csv"
    args = ["--data-dir", str(home), "--decks", str(deck_dir), "export", "-o", str(out)]
    assert main(args) == 0
    assert "from 1 deck to" in capsys.readouterr().out


def test_export_of_a_missing_path_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope"
    assert main(["export", str(missing), "-o", str(tmp_path / "x.csv")]) == 1
    assert capsys.readouterr().err == f"studyapp: no such file or folder: {missing}\n"
