"""The bounded, position-keeping YAML reader."""

from __future__ import annotations

import math
import time

import pytest
import yaml

from studyapp.core.deck import yamlsafe
from studyapp.core.deck.yamlsafe import MAX_DEPTH, MAX_EXPANDED_NODES, Node, YamlProblem, read_yaml


def read_ok(text: str) -> Node:
    root, problems = read_yaml(text)
    assert problems == []
    assert root is not None
    return root


def plain(node: Node) -> object:
    """The Python value of a node tree (for comparisons)."""
    if isinstance(node.value, dict):
        return {k: plain(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [plain(v) for v in node.value]
    return node.value


# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("source", "value", "kind"),
    [
        ("text", "text", "str"),
        ("'quoted'", "quoted", "str"),
        ("12", 12, "int"),
        ("-3", -3, "int"),
        ("1_000", 1000, "int"),
        ("0755", "0755", "str"),
        ("1.5", 1.5, "float"),
        ("1e3", 1000.0, "float"),
        (".inf", math.inf, "float"),
        ("-.inf", -math.inf, "float"),
        ("yes", True, "bool"),
        ("No", False, "bool"),
        ("off", False, "bool"),
        ("TRUE", True, "bool"),
        ("~", None, "null"),
        ("null", None, "null"),
        ("", None, "null"),
        ("'12'", "12", "str"),
        ('"yes"', "yes", "str"),
        ("!!str 12", "12", "str"),
        ("!!int 12", 12, "int"),
        ("!!null ''", None, "null"),
        ("2024-01-01", "2024-01-01", "str"),
        ("1:30", "1:30", "str"),
        ("a-b", "a-b", "str"),
    ],
)
def test_scalar_resolution(source: str, value: object, kind: str) -> None:
    root = read_ok(f"k: {source}\n")
    node = root.value["k"]
    assert node.value == value
    assert node.kind == kind


def test_nan_resolves_to_a_float() -> None:
    node = read_ok("k: .nan\n").value["k"]
    assert node.kind == "float"
    assert math.isnan(node.value)


def test_raw_keeps_the_scalar_as_written() -> None:
    root = read_ok("a: 1.50\nb: 0x1F\nc: 'q'\nd: yes\n")
    assert [root.value[k].raw for k in "abcd"] == ["1.50", "0x1F", "q", "yes"]
    assert root.value["a"].value == 1.5
    assert root.value["c"].quoted is True
    assert root.value["a"].quoted is False


def test_structure_and_positions() -> None:
    root = read_ok("deck: x\ncards:\n  - id: a\n    tags: [t1, t2]\n")
    assert plain(root) == {"deck": "x", "cards": [{"id": "a", "tags": ["t1", "t2"]}]}
    assert (root.line, root.col, root.kind) == (1, 1, "map")
    cards = root.value["cards"]
    assert (cards.line, cards.col, cards.kind) == (3, 3, "seq")
    card = cards.value[0]
    assert (card.line, card.col) == (3, 5)
    tags = card.value["tags"]
    assert (tags.line, tags.col) == (4, 11)
    assert [(t.line, t.col) for t in tags.value] == [(4, 12), (4, 16)]
    assert root.keys is not None
    assert {k: (n.line, n.col) for k, n in root.keys.items()} == {"deck": (1, 1), "cards": (2, 1)}


def test_size_counts_nodes_with_aliases_expanded() -> None:
    root = read_ok("a: &x [1, 2, 3]\nb: [*x, *x]\n")
    assert root.value["a"].size == 4
    assert root.value["b"].size == 1 + 4 + 4
    assert root.value["b"].value[0] is root.value["a"]


def test_non_string_keys_use_the_text_as_written() -> None:
    root = read_ok("1: one\n2.50: two\nyes: three\n~: four\n")
    assert list(root.value) == ["1", "2.50", "yes", "~"]


def test_empty_document_gives_no_root_and_no_problem() -> None:
    assert read_yaml("") == (None, [])
    assert read_yaml("# nothing\n") == (None, [])


# --------------------------------------------------------------- problems


def test_duplicate_key_keeps_the_first_value_and_reports_the_second() -> None:
    root, problems = read_yaml("a: 1\nb: 2\na: 3\n")
    assert root is not None
    assert plain(root) == {"a": 1, "b": 2}
    assert problems == [
        YamlProblem(3, 1, "duplicate key 'a' (first defined at line 1)", False, "duplicate-key")
    ]


def test_duplicate_key_in_a_flow_mapping() -> None:
    _, problems = read_yaml("m: {x: 1, y: 2, x: 3}\n")
    assert [(p.line, p.col, p.rule) for p in problems] == [(1, 17, "duplicate-key")]


def test_duplicate_keys_written_differently_but_equal() -> None:
    # Both keys are the string "a"; quoting does not make them different.
    _, problems = read_yaml("a: 1\n'a': 2\n")
    assert [(p.line, p.rule) for p in problems] == [(2, "duplicate-key")]


def test_syntax_error_without_a_translation_keeps_the_parser_text() -> None:
    root, problems = read_yaml("a: &x &y 1\n")  # two anchors on one value: no deck does it
    assert root is None
    (problem,) = problems
    assert problem.fatal
    assert problem.rule == "yaml"
    assert problem.message.startswith("YAML syntax error: ")
    assert (problem.line, problem.col) == (1, 7)


def test_second_document() -> None:
    root, problems = read_yaml("a: 1\n---\nb: 2\n")
    assert root is None
    assert problems == [
        YamlProblem(
            2, 1, "a deck file must hold one YAML document, found a second one", True, "yaml"
        )
    ]


def test_control_character_is_a_problem_with_its_position() -> None:
    root, problems = read_yaml("a: 1\nb: x\x07y\n")
    assert root is None
    (problem,) = problems
    assert (problem.line, problem.col, problem.fatal) == (2, 5, True)
    assert "U+0007" in problem.message
    assert "\n" not in problem.message


def test_complex_keys_are_reported_at_the_key_without_expanding_it() -> None:
    root, problems = read_yaml("x: &l [1, 2]\n? [a, b]\n: v\n? *l\n: w\n")
    assert root is not None
    assert [(p.line, p.col, p.message) for p in problems] == [
        (2, 3, "mapping keys must be plain values"),
        (4, 3, "mapping keys must be plain values"),
    ]
    assert all(not p.fatal for p in problems)


def test_huge_aliased_key_is_cheap() -> None:
    # l5 expands to about 600,000 nodes: printing it would take seconds.
    levels = ["l0: &l0 [a, a, a, a, a, a, a, a, a]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 6)]
    text = "\n".join(levels) + "\nk: {? *l5 : 1}\n"
    start = time.process_time()
    _, problems = read_yaml(text)
    assert time.process_time() - start < 0.3
    assert [p.message for p in problems] == ["mapping keys must be plain values"]
    assert all(len(p.message) < 100 for p in problems)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object:os.system",
        "!!python/object/apply:subprocess.call",
        "!!python/name:builtins.eval",
        "!!python/module:os",
        "!!timestamp",
        "!!binary",
        "!local",
        "!<tag:example.com,2000:x>",
    ],
)
def test_unsupported_tags_on_scalars_and_collections(tag: str) -> None:
    for text in (f"a: {tag} x\n", f"a: {tag} [x]\n", f"a: {tag} {{x: 1}}\n"):
        root, problems = read_yaml(text)
        assert root is None
        (problem,) = problems
        assert problem.fatal
        assert problem.message.startswith("unsupported YAML tag ")
        assert (problem.line, problem.col) == (1, 4)


# ----------------------------------------------------------------- limits


def test_depth_limit_allows_max_depth_and_rejects_one_more() -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert read_yaml(ok)[1] == []
    too_deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    root, problems = read_yaml(too_deep)
    assert root is None
    assert problems == [
        YamlProblem(1, MAX_DEPTH + 1, "document is nested deeper than 64 levels", True, "too-deep")
    ]


def test_very_deep_flow_and_block_nesting_is_bounded() -> None:
    for text in ("[" * 100_000 + "]" * 100_000, "{a: " * 100_000, "- " * 100_000 + "x"):
        start = time.process_time()
        root, problems = read_yaml(text)
        assert time.process_time() - start < 3
        assert root is None
        assert [p.rule for p in problems] == ["too-deep"]


def test_alias_bomb() -> None:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    start = time.process_time()
    root, problems = read_yaml("\n".join(lines) + "\n")
    assert time.process_time() - start < 2
    assert root is None
    (problem,) = problems
    assert problem.rule == "alias-bomb"
    assert problem.fatal
    assert f"{MAX_EXPANDED_NODES:,}" in problem.message


def test_expansion_limit_counts_across_siblings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "MAX_EXPANDED_NODES", 50)
    assert read_yaml("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a]\n")[1] == []
    root, problems = read_yaml("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a]\n")
    assert root is None
    assert [p.rule for p in problems] == ["alias-bomb"]
    root, problems = read_yaml("".join(f"k{i}: [1, 2, 3, 4]\n" for i in range(12)))
    assert root is None
    assert [p.rule for p in problems] == ["alias-bomb"]


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "MAX_BYTES", 64)
    assert read_yaml("a: " + "x" * 50)[1] == []
    root, problems = read_yaml("a: " + "x" * 70)
    assert root is None
    assert [(p.line, p.col, p.rule, p.fatal) for p in problems] == [(1, 1, "too-large", True)]
    assert "larger than" in problems[0].message


def test_integer_over_the_digit_limit_stays_text() -> None:
    digits = "9" * 5_000
    node = read_ok(f"k: {digits}\n").value["k"]
    assert (node.value, node.kind) == (digits, "str")


def test_the_c_event_parser_is_used_when_pyyaml_has_it() -> None:
    """The pure Python scanner is about 6x slower: a silent fallback would be a regression."""
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    assert yamlsafe._Parser.__module__ == "yaml._yaml"


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, "{a: " * 100_000, "- " * 100_000 + "x"],
    ids=["flow-sequence", "flow-mapping", "block-sequence"],
)
def test_our_depth_limit_fires_first_with_either_event_parser(text: str) -> None:
    """libyaml (PyYAML >= 6.0.2 builds) stops at 1,000 levels by itself; the
    pure-Python parser has no limit. Either way the user sees our limit, at the
    65th level, and the document is read only about a kilobyte past it."""
    expected = read_yaml(text)[1]
    assert [p.rule for p in expected] == ["too-deep"]
    for parser in (yamlsafe._Parser, yamlsafe._PurePythonParser):
        start = time.process_time()
        root, problems = yamlsafe._read(text, parser)
        assert time.process_time() - start < 3
        assert root is None
        if problems[0].rule == "yaml":  # libyaml's own limit: read_yaml falls back
            assert "maximum nesting depth" in problems[0].message
            assert parser is yamlsafe._Parser
        else:
            assert problems == expected
