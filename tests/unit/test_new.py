"""``studyapp new PATH``: a deck with a commented example of every kind that passes check."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from studyapp.cli import main
from studyapp.commands.new import SCHEMA_FILE, default_id, default_title, render
from studyapp.core.kinds import KINDS
from studyapp.core.library.loader import load_deck_file
from studyapp.core.library.schema import deck_schema, schema_json
from studyapp.core.study.session import prompts_of


def scaffold(tmp_path: Path, *extra: str, name: str = "pharm/beta-blockers.yaml") -> Path:
    target = tmp_path / name
    assert main(["new", str(target), *extra]) == 0
    return target


def test_the_new_deck_passes_check_with_no_errors_and_no_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = scaffold(tmp_path)
    result = load_deck_file(target)
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    assert result.deck.id == "beta-blockers"
    assert result.deck.title == "Beta blockers"
    capsys.readouterr()
    assert main(["check", str(target)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "0 errors, 0 warnings" in captured.out
    assert len(prompts_of(result.deck)) >= len(KINDS)


def test_every_registered_kind_has_a_commented_example(tmp_path: Path) -> None:
    text = scaffold(tmp_path).read_text(encoding="utf-8")
    deck = load_deck_file(tmp_path / "pharm" / "beta-blockers.yaml").deck
    assert deck is not None
    kinds = {card.kind for card in deck.cards}
    missing = set(KINDS) - kinds
    assert not missing, f"add an example of kind(s) {sorted(missing)} to templates/new_deck.yaml"
    lines = text.splitlines()
    for kind in KINDS:
        first = next(card for card in deck.cards if card.kind == kind)
        start = first.line - 1  # the card's "- id:" line, 0-based
        while start > 0 and lines[start - 1].strip().startswith("#"):
            start -= 1  # up to the first line of the comment block above the card
        assert lines[start].strip().startswith(f"# {kind}"), (kind, lines[start])
    # Every kind's own fields are shown, optional ones included, somewhere in the examples.
    data = yaml.safe_load(text)
    written = {(card.get("kind", "basic"), key) for card in data["cards"] for key in card}
    for name, kind_module in KINDS.items():
        for spec in kind_module.fields:
            shown = (name, spec.name) in written or f"# {spec.name}: " in text  # or commented
            assert shown, f"no example of {name}.{spec.name}"


def test_the_new_deck_validates_against_the_schema_and_names_it(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    jsonschema.Draft202012Validator(deck_schema()).validate(yaml.safe_load(text))
    written = target.parent / SCHEMA_FILE
    assert written.read_text(encoding="utf-8") == schema_json()


def test_an_existing_schema_file_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / SCHEMA_FILE).write_text("{}", encoding="utf-8")
    scaffold(tmp_path, name="decks/a.yaml")
    assert (folder / SCHEMA_FILE).read_text(encoding="utf-8") == "{}"
    assert "kept" in capsys.readouterr().out


def test_a_given_schema_is_named_and_no_file_is_written(tmp_path: Path) -> None:
    url = "https://example.org/deck.schema.json"
    target = scaffold(tmp_path, "--schema", url)
    assert target.read_text(encoding="utf-8").startswith(f"# yaml-language-server: $schema={url}\n")
    assert not (target.parent / SCHEMA_FILE).exists()


def test_new_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "deck.yaml"
    target.write_text("my work\n", encoding="utf-8")
    assert main(["new", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("studyapp: ")
    assert "already exists" in captured.err and "--force" in captured.err
    assert target.read_text(encoding="utf-8") == "my work\n"
    assert main(["new", str(target), "--force", "--id", "mine", "--title", "Mine"]) == 0
    deck = load_deck_file(target).deck
    assert deck is not None and (deck.id, deck.title) == ("mine", "Mine")


def test_new_creates_folders_and_prints_the_next_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a" / "b c" / "New Deck.yml"
    assert main(["new", str(target)]) == 0
    out = capsys.readouterr().out
    assert target.is_file()
    assert f"wrote {target}" in out
    assert "studyapp check '" in out  # the path has a space: quoted for the shell
    assert load_deck_file(target).deck is not None


def test_any_title_is_written_as_safe_yaml(tmp_path: Path) -> None:
    title = 'Bêta: "blockers" # [not] a comment {x}'
    target = scaffold(tmp_path, "--title", title, name="t.yaml")
    deck = load_deck_file(target).deck
    assert deck is not None and deck.title == title


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["x.txt"], "ends in .yaml"),
        (["x.yaml", "--id", "Not A Slug"], "must be a slug"),
        (["x.yaml", "--title", "two\nlines"], "one line"),
    ],
)
def test_bad_arguments_are_refused_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    argv = [str(tmp_path / argv[0]), *argv[1:]]
    assert main(["new", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_deck_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d.yaml").mkdir()
    assert main(["new", str(tmp_path / "d.yaml"), "--force"]) == 1
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "deck_id", "title"),
    [
        ("beta-blockers.yaml", "beta-blockers", "Beta blockers"),
        ("Beta Blockers.YAML", "beta-blockers", "Beta blockers"),
        ("__.yaml", "my-deck", "My deck"),
        ("ACE_inhibitors.yml", "ace_inhibitors", "Ace inhibitors"),
    ],
)
def test_default_id_and_title(name: str, deck_id: str, title: str) -> None:
    assert default_id(Path(name)) == deck_id
    assert default_title(deck_id) == title


def test_render_fills_every_marker() -> None:
    text = render("d", "T", "s.json", "p.yaml")
    assert not re.search(r"__[A-Z_]+__", text)
    assert yaml.safe_load(text)["title"] == "T"
