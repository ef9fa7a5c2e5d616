"""A tiny arithmetic evaluator for the formulas of generated numeric cards.

A formula comes from a deck file, so it is data: it is never handed to
``eval``, ``exec`` or ``compile``. A tokenizer and a recursive-descent parser
accept exactly:

* numbers: ``12``, ``0.5``, ``.5``, ``1e3``, ``2.5E-4``;
* the parameter names declared by the card;
* ``+ - * /``, ``**`` (right-associative, binding tighter than unary minus on
  its left, as in Python: ``-2 ** 2`` is ``-4``), unary ``+`` and ``-``;
* parentheses;
* the functions of :data:`FUNCTIONS`: ``ln(x)``, ``exp(x)``, ``sqrt(x)``,
  ``min(a, b, ...)`` and ``max(a, b, ...)`` (a dose capped at a maximum is
  ``min(weight * dose_per_kg, max_dose)``).

Anything else (attribute access, calls, indexing, strings, commas, keywords,
comparisons, undeclared names) is a :class:`FormulaError` naming the
character offset. Input is bounded (:data:`MAX_LENGTH` characters,
:data:`MAX_DEPTH` levels of nesting) and so is evaluation: division by zero,
overflow and huge powers are errors, never ``inf``, ``nan`` or a hang.

Use :func:`parse` once to validate (the deck checker does), then
:func:`evaluate` with the drawn values.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Binary",
    "Call",
    "Expr",
    "FormulaError",
    "Name",
    "Num",
    "Unary",
    "evaluate",
    "names_in",
    "parse",
]

MAX_LENGTH = 500
"""The longest formula accepted, in characters."""
MAX_DEPTH = 50
"""The deepest nesting accepted (parentheses, unary signs, powers)."""
MAX_POWER_BASE = 1e6
MAX_POWER_EXPONENT = 100.0
"""``|base| > MAX_POWER_BASE`` with ``exponent > MAX_POWER_EXPONENT`` is refused."""


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated.

    ``offset`` is the 0-based character offset of the problem in the formula;
    ``kind`` is ``"syntax"``, ``"unknown-name"``, ``"limit"`` or ``"math"``.
    """

    def __init__(self, message: str, offset: int, kind: str = "syntax") -> None:
        super().__init__(f"{message} (at offset {offset})")
        self.offset = offset
        self.kind = kind
        self.reason = message


# ------------------------------------------------------------------ the tree


@dataclass(frozen=True, slots=True)
class Num:
    """A number literal."""

    value: float
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    """A declared parameter."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Unary:
    """``+x`` or ``-x``."""

    op: str
    operand: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class Binary:
    """``a + b``, ``a - b``, ``a * b``, ``a / b`` or ``a ** b``."""

    op: str
    left: Expr
    right: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    """``ln(x)``, ``min(a, b)``: one of :data:`FUNCTIONS`."""

    name: str
    args: tuple[Expr, ...]
    offset: int


Expr = Num | Name | Unary | Binary | Call

FUNCTIONS: dict[str, tuple[int, int]] = {
    "ln": (1, 1),
    "exp": (1, 1),
    "sqrt": (1, 1),
    "min": (2, 20),
    "max": (2, 20),
}
"""The functions a formula may call: name -> (fewest, most) arguments."""
_FUNCTION_TEXT = ", ".join(FUNCTIONS)


# ------------------------------------------------------------------ tokens


@dataclass(frozen=True, slots=True)
class _Token:
    """One token: its kind, its text and its offset in the formula."""

    kind: str
    """``num``, ``name``, ``op``, ``end``, or ``bad``: a character no token starts with."""
    text: str
    offset: int


_TOKEN_RE = re.compile(
    r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/(),])"
)
_FORBIDDEN = {
    ".": "attribute access ('.') is not allowed",
    "[": "indexing ('[') is not allowed",
    "]": "indexing (']') is not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "=": "'=' is not allowed: a formula is an expression, not an assignment",
    "!": "comparisons are not allowed",
    "%": "'%' is not allowed: divide by 100 instead",
    "^": "'^' is not allowed: use ** for powers",
}


def _tokens(formula: str) -> Iterator[_Token]:
    """The tokens of ``formula``; a bad character ends them with a ``"bad"`` token.

    The parser raises for a bad token only when it reaches it, so the first
    problem in reading order is the one reported (``lambda: 1`` names
    ``lambda``, not ``:``).
    """
    pos = 0
    while pos < len(formula):
        char = formula[pos]
        if char.isspace():
            pos += 1
            continue
        match = _TOKEN_RE.match(formula, pos)
        if match is None:
            yield _Token("bad", char, pos)
            return
        kind = match.lastgroup
        assert kind is not None
        yield _Token(kind, match.group(), pos)
        pos = match.end()
    yield _Token("end", "", len(formula))


# ------------------------------------------------------------------ parsing


class _Parser:
    """Recursive descent with one token of lookahead; depth is bounded by :data:`MAX_DEPTH`."""

    def __init__(self, formula: str, names: frozenset[str]) -> None:
        self.stream = _tokens(formula)
        self.token = next(self.stream)
        self.names = names
        self.depth = 0

    def advance(self) -> _Token:
        """Consume the current token (never past the end or a bad character)."""
        token = self.token
        if token.kind == "bad":
            raise _bad(token)
        if token.kind != "end":
            self.token = next(self.stream)
        return token

    def at_op(self, *ops: str) -> bool:
        """Whether the current token is one of the operators ``ops``."""
        return self.token.kind == "op" and self.token.text in ops

    def enter(self, offset: int) -> None:
        """Go one level deeper; raises beyond :data:`MAX_DEPTH`."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"nesting is deeper than {MAX_DEPTH} levels", offset, "limit")

    def expression(self) -> Expr:
        """``term (('+' | '-') term)*``"""
        node = self.term()
        while self.at_op("+", "-"):
            op = self.advance()
            node = Binary(op.text, node, self.term(), op.offset)
        return node

    def term(self) -> Expr:
        """``unary (('*' | '/') unary)*``"""
        node = self.unary()
        while self.at_op("*", "/"):
            op = self.advance()
            node = Binary(op.text, node, self.unary(), op.offset)
        return node

    def unary(self) -> Expr:
        """``('+' | '-') unary | power``"""
        if not self.at_op("+", "-"):
            return self.power()
        op = self.advance()
        self.enter(op.offset)
        operand = self.unary()
        self.depth -= 1
        return Unary(op.text, operand, op.offset)

    def power(self) -> Expr:
        """``atom ('**' unary)?``: right-associative through ``unary``."""
        base = self.atom()
        if not self.at_op("**"):
            return base
        op = self.advance()
        self.enter(op.offset)
        exponent = self.unary()
        self.depth -= 1
        return Binary("**", base, exponent, op.offset)

    def atom(self) -> Expr:
        """``NUMBER | NAME | '(' expression ')'``"""
        token = self.advance()
        if token.kind == "num":
            return _number(token)
        if token.kind == "name":
            return self.name(token)
        if token.kind == "op" and token.text == "(":
            self.enter(token.offset)
            inner = self.expression()
            self.depth -= 1
            if not self.at_op(")"):
                message = f"expected ')' to close '(' at offset {token.offset}"
                raise FormulaError(message, self.token.offset)
            self.advance()
            return inner
        if token.kind == "end":
            raise FormulaError("the formula ends where a number or name is expected", token.offset)
        raise FormulaError(f"expected a number or a name, found '{token.text}'", token.offset)

    def name(self, token: _Token) -> Name | Call:
        """A name token: a declared param or a call of a function (not a keyword or
        an undeclared name)."""
        if self.at_op("("):
            if token.text not in FUNCTIONS:
                message = f"calls are not allowed: '{token.text}(...)' (only {_FUNCTION_TEXT})"
                raise FormulaError(message, token.offset)
            return self.call(token)
        if token.text in self.names:
            return Name(token.text, token.offset)
        if keyword.iskeyword(token.text):
            raise FormulaError(f"the keyword '{token.text}' is not allowed", token.offset)
        if token.text.startswith("__"):
            raise FormulaError(f"'{token.text}' is not allowed", token.offset)
        declared = ", ".join(sorted(self.names)) or "none"
        message = f"unknown name '{token.text}' (declared: {declared})"
        raise FormulaError(message, token.offset, "unknown-name")

    def call(self, token: _Token) -> Call:
        """``NAME '(' expression (',' expression)* ')'`` with the right number of arguments."""
        self.advance()  # '('
        self.enter(token.offset)
        args = [self.expression()]
        while self.at_op(","):
            self.advance()
            args.append(self.expression())
        self.depth -= 1
        if not self.at_op(")"):
            message = f"expected ')' to close '{token.text}(' at offset {token.offset}"
            raise FormulaError(message, self.token.offset)
        self.advance()
        fewest, most = FUNCTIONS[token.text]
        if not fewest <= len(args) <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} or more"
            message = f"{token.text}() takes {wanted} argument(s), not {len(args)}"
            raise FormulaError(message, token.offset)
        return Call(token.text, tuple(args), token.offset)


_COMMA = "',' is not allowed: a formula is one arithmetic expression"


def _bad(token: _Token) -> FormulaError:
    """The error for a character no token starts with."""
    reason = _FORBIDDEN.get(token.text, f"unexpected character {token.text!r}")
    return FormulaError(reason, token.offset)


def _number(token: _Token) -> Num:
    """A number literal; a literal that overflows a float is an error."""
    value = float(token.text)
    if not math.isfinite(value):
        raise FormulaError(f"the number {token.text[:20]} is too large", token.offset, "limit")
    return Num(value, token.offset)


def parse(formula: str, names: Iterable[str] = ()) -> Expr:
    """Parse ``formula``, in which only ``names`` may appear.

    Raises :class:`FormulaError` for anything but arithmetic on numbers and
    those names.
    """
    if len(formula) > MAX_LENGTH:
        message = f"the formula is longer than {MAX_LENGTH} characters"
        raise FormulaError(message, MAX_LENGTH, "limit")
    parser = _Parser(formula, frozenset(names))
    if parser.token.kind == "end":
        raise FormulaError("the formula is empty", 0)
    tree = parser.expression()
    token = parser.token
    if token.kind == "bad":
        raise _bad(token)
    if token.kind != "end":
        if token.text == "(":
            raise FormulaError("calls are not allowed ('(' after a value)", token.offset)
        if token.text == ",":
            raise FormulaError(_COMMA, token.offset)
        raise FormulaError(f"unexpected '{token.text}'", token.offset)
    return tree


def names_in(expr: Expr) -> set[str]:
    """The parameter names ``expr`` uses."""
    if isinstance(expr, Name):
        return {expr.name}
    if isinstance(expr, Unary):
        return names_in(expr.operand)
    if isinstance(expr, Binary):
        return names_in(expr.left) | names_in(expr.right)
    if isinstance(expr, Call):
        return set().union(*(names_in(arg) for arg in expr.args))
    return set()


# ------------------------------------------------------------------ evaluation


def evaluate(expr: Expr, values: Mapping[str, float]) -> float:
    """The value of ``expr`` with ``values`` for its names.

    Raises :class:`FormulaError` for a missing value, division by zero, a
    negative number to a fractional power, a power too large, or any result
    that is not a finite float.
    """
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Name):
        return _value_of(expr, values)
    if isinstance(expr, Unary):
        operand = evaluate(expr.operand, values)
        return -operand if expr.op == "-" else operand
    if isinstance(expr, Call):
        return _call(expr, [evaluate(arg, values) for arg in expr.args])
    left = evaluate(expr.left, values)
    right = evaluate(expr.right, values)
    result = _apply(expr.op, left, right, expr.offset)
    if not math.isfinite(result):
        raise FormulaError(f"the result of '{expr.op}' is too large", expr.offset, "math")
    return result


def _call(expr: Call, args: list[float]) -> float:
    """One function call; a logarithm of a number <= 0 or a square root of a negative
    number is an error, and so is an overflowing exponential."""
    if expr.name == "min":
        return min(args)
    if expr.name == "max":
        return max(args)
    (arg,) = args
    if expr.name == "ln":
        if arg <= 0:
            raise FormulaError("the logarithm of a number <= 0", expr.offset, "math")
        return math.log(arg)
    if expr.name == "sqrt":
        if arg < 0:
            raise FormulaError("the square root of a negative number", expr.offset, "math")
        return math.sqrt(arg)
    if arg > 700:
        raise FormulaError("the result of 'exp' is too large", expr.offset, "limit")
    return math.exp(arg)


def _value_of(expr: Name, values: Mapping[str, float]) -> float:
    """The value given for a name: present, a number, finite."""
    value = values.get(expr.name)
    if value is None:
        raise FormulaError(f"no value for '{expr.name}'", expr.offset, "unknown-name")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormulaError(f"the value of '{expr.name}' is not a number", expr.offset, "math")
    number = float(value)
    if not math.isfinite(number):
        raise FormulaError(f"the value of '{expr.name}' is not finite", expr.offset, "math")
    return number


def _apply(op: str, left: float, right: float, offset: int) -> float:
    """One binary operation; division by zero is an error."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        if right == 0:
            raise FormulaError("division by zero", offset, "math")
        return left / right
    return _power(left, right, offset)


def _power(base: float, exponent: float, offset: int) -> float:
    """``base ** exponent``, bounded; never a complex number or an overflow."""
    if abs(base) > MAX_POWER_BASE and exponent > MAX_POWER_EXPONENT:
        raise FormulaError("the power is too large", offset, "limit")
    if base == 0 and exponent < 0:
        raise FormulaError("division by zero (0 to a negative power)", offset, "math")
    if base < 0 and not exponent.is_integer():
        raise FormulaError("a negative number to a fractional power", offset, "math")
    try:
        return math.pow(base, exponent)
    except (OverflowError, ValueError) as exc:
        raise FormulaError("the power is too large", offset, "math") from exc
