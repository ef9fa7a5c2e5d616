"""The formula evaluator: arithmetic only, bounded, never Python's eval."""

from __future__ import annotations

import ast
import contextlib
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.kinds import safe_eval
from studyapp.core.kinds.safe_eval import (
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    FormulaError,
    Name,
    Num,
    Unary,
    evaluate,
    names_in,
    parse,
)


def calc(formula: str, **values: float) -> float:
    return evaluate(parse(formula, values), values)


# ------------------------------------------------------------------ arithmetic


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("1 + 2", 3),
        ("7 - 10", -3),
        ("6 * 7", 42),
        ("1 / 4", 0.25),
        ("2 ** 10", 1024),
        ("0.5", 0.5),
        (".5 + 1.", 1.5),
        ("1e3", 1000),
        ("2.5E-1", 0.25),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),  # left-associative
        ("64 / 4 / 2", 8),  # left-associative
        ("2 ** 3 ** 2", 512),  # right-associative: 2 ** 9
        ("(2 ** 3) ** 2", 64),
        ("-2 ** 2", -4),  # ** binds tighter than a unary minus on its left
        ("(-2) ** 2", 4),
        ("2 ** -1", 0.5),
        ("2 * -3", -6),
        ("--3", 3),
        ("+-+3", -3),
        ("-(1 + 2) * 2", -6),
        ("2 ** 0.5", math.sqrt(2)),
        ("(-8) ** 3", -512),
        ("0 ** 0", 1),
        ("  1\t+\n2  ", 3),
    ],
)
def test_arithmetic(formula: str, value: float) -> None:
    assert calc(formula) == pytest.approx(value)


def test_names_take_their_values() -> None:
    formula = "dose_mcg / (vial_mg * 1000 / water_ml)"
    assert calc(formula, dose_mcg=250, vial_mg=5, water_ml=2) == pytest.approx(0.1)
    expr = parse(formula, ["dose_mcg", "vial_mg", "water_ml"])
    assert names_in(expr) == {"dose_mcg", "vial_mg", "water_ml"}


def test_the_tree() -> None:
    assert parse("-a + 2 * 3", ["a"]) == Binary(
        "+", Unary("-", Name("a", 1), 0), Binary("*", Num(2.0, 5), Num(3.0, 9), 7), 3
    )


# ------------------------------------------------------------------ rejection


@pytest.mark.parametrize(
    ("formula", "reason", "offset"),
    [
        ("__import__('os')", "calls are not allowed", 0),
        ("__import__", "'__import__' is not allowed", 0),
        ("a.b", "attribute access", 1),
        ("(1).real", "attribute access", 3),
        ("f(x)", "calls are not allowed: 'f(...)'", 0),
        ("a(1)", "calls are not allowed: 'a(...)'", 0),
        ("(a)(1)", "calls are not allowed", 3),
        ("2 (3)", "calls are not allowed", 2),
        ("a[0]", "indexing", 1),
        ("x[0]", "unknown name 'x'", 0),
        ("'s'", "strings are not allowed", 0),
        ('"s"', "strings are not allowed", 0),
        ("lambda: 1", "the keyword 'lambda' is not allowed", 0),
        ("lambda x: x", "the keyword 'lambda' is not allowed", 0),
        ("True", "the keyword 'True' is not allowed", 0),
        ("1 if a else 2", "unexpected 'if'", 2),
        ("x", "unknown name 'x' (declared: a)", 0),
        ("a + y", "unknown name 'y' (declared: a)", 4),
        ("1, 2", "',' is not allowed", 1),
        ("a < 2", "comparisons are not allowed", 2),
        ("a == 2", "'=' is not allowed", 2),
        ("a = 2", "'=' is not allowed", 2),
        ("10 % 3", "'%' is not allowed", 3),
        ("2 ^ 3", "use ** for powers", 2),
        ("1 +", "ends where a number or name is expected", 3),
        ("", "the formula is empty", 0),
        ("   ", "the formula is empty", 0),
        ("(1 + 2", "expected ')'", 6),
        ("1 + 2)", "unexpected ')'", 5),
        ("* 2", "expected a number or a name, found '*'", 0),
        ("2 3", "unexpected '3'", 2),
        ("2x", "unexpected 'x'", 1),
        ("1e999", "too large", 0),
        ("a @ b", "unexpected character '@'", 2),
        ("a // b", "expected a number or a name, found '/'", 3),
        ("{a}", "unexpected character '{'", 0),
        ("a;b", "unexpected character ';'", 1),
    ],
)
def test_rejected(formula: str, reason: str, offset: int) -> None:
    with pytest.raises(FormulaError) as caught:
        calc(formula, a=1.0, b=2.0) if "b" in formula else parse(formula, ["a"])
    assert reason in str(caught.value)
    assert caught.value.offset == offset
    assert f"(at offset {offset})" in str(caught.value)


def test_unknown_names_have_their_own_kind() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("a * dose", ["a"])
    assert caught.value.kind == "unknown-name"
    with pytest.raises(FormulaError) as caught:
        parse("a.b", ["a", "b"])
    assert caught.value.kind == "syntax"


def test_over_long_input_is_refused_before_parsing() -> None:
    formula = "1+" * (MAX_LENGTH // 2) + "1"
    with pytest.raises(FormulaError, match="longer than 500 characters") as caught:
        parse(formula)
    assert caught.value.kind == "limit"
    assert calc("1+" * 249 + "1") == 250  # 499 characters: fine


@pytest.mark.parametrize(
    "formula",
    [
        "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1),
        "-" * (MAX_DEPTH + 1) + "1",
        "2" + "**2" * (MAX_DEPTH + 1),
    ],
)
def test_deep_nesting_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError, match="nesting is deeper than 50") as caught:
        parse(formula)
    assert caught.value.kind == "limit"


def test_nesting_up_to_the_limit_is_fine() -> None:
    assert calc("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH) == 1
    assert calc("-" * MAX_DEPTH + "1") == 1  # an even number of minus signs


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("1 / 0", "division by zero"),
        ("1 / (a - 1)", "division by zero"),
        ("0 ** -1", "division by zero"),
        ("10000000 ** 101", "the power is too large"),
        ("(-10000000) ** 200", "the power is too large"),
        ("2 ** 5000", "the power is too large"),
        ("1.5 ** 1e6", "the power is too large"),
        ("9 ** 9 ** 9", "the power is too large"),
        ("(-8) ** (1 / 3)", "a negative number to a fractional power"),
        ("1e308 * 10", "too large"),
        ("1e308 + 1e308", "too large"),
        ("1e300 / 1e-300", "too large"),
    ],
)
def test_evaluation_errors(formula: str, reason: str) -> None:
    with pytest.raises(FormulaError, match=reason) as caught:
        calc(formula, a=1.0)
    assert caught.value.kind in ("math", "limit")


def test_missing_or_bad_values() -> None:
    expr = parse("a + b", ["a", "b"])
    with pytest.raises(FormulaError, match="no value for 'b'"):
        evaluate(expr, {"a": 1.0})
    with pytest.raises(FormulaError, match="not finite"):
        evaluate(expr, {"a": 1.0, "b": math.inf})
    with pytest.raises(FormulaError, match="not a number"):
        evaluate(expr, {"a": 1.0, "b": "2"})  # type: ignore[dict-item]


def test_eval_is_never_used() -> None:
    tree = ast.parse(Path(safe_eval.__file__).read_text(encoding="utf-8"))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert called.isdisjoint({"eval", "exec", "compile", "__import__", "getattr"})


# ------------------------------------------------------------------ properties


def _expressions() -> st.SearchStrategy[tuple[str, Fraction]]:
    """Well-formed formulas over small ints, each with its exact value."""
    leaves = st.integers(min_value=0, max_value=9).map(lambda n: (str(n), Fraction(n)))

    def extend(
        children: st.SearchStrategy[tuple[str, Fraction]],
    ) -> st.SearchStrategy[tuple[str, Fraction]]:
        binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
            lambda t: _binary(t[0], t[1], t[2])
        )
        power = st.tuples(children, st.integers(min_value=0, max_value=3)).map(
            lambda t: (f"({t[0][0]}) ** {t[1]}", t[0][1] ** t[1])
        )
        negate = children.map(lambda c: (f"-({c[0]})", -c[1]))
        return binary | power | negate

    return st.recursive(leaves, extend, max_leaves=12)


def _binary(
    left: tuple[str, Fraction], op: str, right: tuple[str, Fraction]
) -> tuple[str, Fraction]:
    text = f"({left[0]}) {op} ({right[0]})"
    a, b = left[1], right[1]
    if op == "/":
        value = a / b if b else Fraction(10**400)  # marks a division by zero
    else:
        value = {"+": a + b, "-": a - b, "*": a * b}[op]
    if abs(left[1]) >= 10**300 or abs(right[1]) >= 10**300:
        value = Fraction(10**400)
    return text, value


@given(_expressions())
def test_the_evaluator_agrees_with_exact_arithmetic(case: tuple[str, Fraction]) -> None:
    formula, exact = case
    if len(formula) > MAX_LENGTH or abs(exact) >= 10**300:
        with pytest.raises(FormulaError):
            evaluate(parse(formula), {})
        return
    try:
        value = evaluate(parse(formula), {})
    except FormulaError as exc:  # nesting depth or an intermediate overflow only
        assert exc.kind in ("limit", "math"), exc
        return
    assert math.isclose(value, float(exact), rel_tol=1e-9, abs_tol=1e-9)


def _flat_value(first: int, ops: list[tuple[str, int]]) -> Fraction:
    """School precedence, done by hand: products and quotients first, then sums."""
    terms = [Fraction(first)]
    signs = [1]
    for op, n in ops:
        if op == "*":
            terms[-1] *= n
        elif op == "/":
            terms[-1] /= n
        else:
            terms.append(Fraction(n))
            signs.append(1 if op == "+" else -1)
    return sum((sign * term for sign, term in zip(signs, terms, strict=True)), Fraction(0))


@given(
    st.integers(0, 99),
    st.lists(st.tuples(st.sampled_from("+-*/"), st.integers(1, 99)), max_size=30),
)
def test_precedence_agrees_with_arithmetic_on_flat_expressions(
    first: int, ops: list[tuple[str, int]]
) -> None:
    formula = str(first) + "".join(f" {op} {n}" for op, n in ops)
    expected = _flat_value(first, ops)
    assert math.isclose(calc(formula), float(expected), rel_tol=1e-9, abs_tol=1e-9)


_ALPHABET = st.sampled_from(list("0123456789.eE+-*/() abx_[]'\",:=<%^@\\\n")) | st.characters()


@given(st.text(_ALPHABET, max_size=120))
def test_arbitrary_text_raises_nothing_but_formula_error(text: str) -> None:
    try:
        value = evaluate(parse(text, ["a", "b"]), {"a": 3.0, "b": 0.0})
    except FormulaError:
        return
    assert math.isfinite(value)


@given(st.text(max_size=600))
def test_any_unicode_raises_nothing_but_formula_error(text: str) -> None:
    with contextlib.suppress(FormulaError):
        parse(text, ["a"])
