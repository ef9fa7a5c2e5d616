"""``numeric``: a number to recall or calculate, with a unit, graded by the app.

Two forms:

* **fixed**: ``answer: 0.15`` with ``unit: "%"``;
* **generated**: ``params`` (``name: {min, max, step}``) are drawn afresh each
  time the card is asked, the question's ``{name}`` placeholders are filled in
  and the expected answer is computed by ``formula`` with the safe evaluator
  of :mod:`studyapp.core.safe_eval` (deck text is never run as code).

Answers are read by :mod:`studyapp.core.units`: ``250 mcg`` is right for a
``0.25 mg`` card, a bare number is read in the card's unit, and an answer
1000x off (mg vs mcg) or 100x off (mL vs units on a U-100 syringe) is wrong
with a note saying which slip it looks like. ``tolerance`` is absolute (in the
card's unit) or relative (``"2%"``); an answer that rounds to the expected
answer as shown (``decimals`` places) is also right.

Dosing cards are arithmetic exercises from research literature, never medical
advice: :func:`ask` says so in ``Question.hint``.
"""

from __future__ import annotations

import itertools
import keyword
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from random import Random
from typing import TYPE_CHECKING, Any

from studyapp.core import safe_eval, units
from studyapp.core.grading import DeckContext, Grade, Interaction, Question, Response, Verdict
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.model import Card, Face
from studyapp.core.text import Span, parse_inline, sanitize

if TYPE_CHECKING:
    from studyapp.core.yamlsafe import Node

__all__ = [
    "DISCLAIMER",
    "answer_text",
    "ask",
    "check",
    "doc",
    "fields",
    "grade",
    "interaction",
    "name",
    "render",
    "siblings",
    "syringe_fill",
    "syringe_lines",
]

name = "numeric"
doc = (
    "A number with a unit, typed and graded: fixed, or generated afresh from "
    "params and a formula each time it is asked."
)
interaction = Interaction.NUMERIC
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What is asked; {param}s filled in."),
    FieldSpec("answer", FieldType.NUMBER, doc="The fixed answer, in 'unit' (or give 'formula')."),
    FieldSpec("unit", FieldType.STRING, doc="mg, mcg (µg, ug), g, mL, units (U-100) or %."),
    FieldSpec(
        "tolerance",
        FieldType.TEXT,
        doc="Accepted error: absolute in 'unit' (0.05) or relative ('2%'); default 0.",
    ),
    FieldSpec("params", FieldType.MAPPING, doc="Generated variants: name -> {min, max, step}."),
    FieldSpec("formula", FieldType.TEXT, doc="Arithmetic over the params: + - * / ** ( )."),
    FieldSpec("decimals", FieldType.NUMBER, doc="Decimal places the answer is shown with."),
    FieldSpec(
        "solution", FieldType.STRING_LIST, doc="Worked-solution lines; {param} and {answer}."
    ),
    FieldSpec("syringe", FieldType.STRING, doc="'u100': show the fill on a U-100 syringe."),
)

DISCLAIMER = "Arithmetic practice from research literature - not medical advice."
"""Shown with every dosing or syringe question."""

MAX_MAGNITUDE = Decimal(10) ** 15
"""The largest number accepted for an answer, a tolerance or a param bound."""
MAX_GRID = 1_000_000
"""The most values one param may take."""
MAX_DECIMALS = 10
PARAM_KEYS = ("min", "max", "step")
SYRINGE = "u100"
U100_UNITS_PER_ML = 100
U100_SCALE = 100
"""A U-100 syringe holds 100 units (1 mL)."""
MAX_ART_WIDTH = 70

_TYPE_NAMES = {
    "str": "text",
    "map": "a mapping",
    "seq": "a list",
    "bool": "a boolean",
    "null": "empty",
}
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_RELATIVE_RE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*")


# =================================================================== check


class _Checker:
    """Validates one numeric card's fields, collecting its data as it goes.

    Each ``read_*`` method reports its own problems at the exact node and
    clears :attr:`ok`; type errors the loader already reported are not
    reported twice.
    """

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.fields = ctx.fields
        self.ok = True
        self.declared: list[str] = []
        """Every well-formed param name, even of a param with a bad grid."""

    def error(self, node: Node | None, message: str, rule: str) -> None:
        """Report an error at ``node`` (the card when ``None``); the card is rejected."""
        self.ctx.error(node, message, rule)
        self.ok = False

    # ------------------------------------------------------------ scalars

    def string(self, field: str) -> tuple[Node, str] | None:
        """A plain string field (already type-checked by the loader)."""
        node = self.fields.get(field)
        if node is None:
            return None
        if not isinstance(node.value, str) or not sanitize(node.value).strip():
            self.ok = False  # reported by the loader
            return None
        return node, sanitize(node.value).strip()

    def number(self, node: Node, what: str, rule: str) -> Decimal | None:
        """The exact value of a number node, or ``None`` (reported) if unusable."""
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            message = f"{what} must be a number, not {_TYPE_NAMES.get(node.kind, node.kind)}"
            self.error(node, message, "wrong-type")
            return None
        exact = _decimal_of(node)
        if exact is None or abs(exact) > MAX_MAGNITUDE:
            self.error(node, f"{what} must be a finite number of at most 1e15", rule)
            return None
        return exact

    def read_unit(self) -> units.Unit | None:
        """The card's unit (``None`` when absent or unknown, the latter reported)."""
        found = self.string("unit")
        if found is None:
            return None
        node, text = found
        unit = units.lookup_unit(text)
        if unit is None:
            suggestion = units.suggest_unit(text)
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            message = f"unknown unit '{text}' (known: g, mg, mcg, mL, units, %){hint}"
            self.error(node, message, "unknown-unit")
        return unit

    def read_tolerance(self) -> list[str]:
        """``["abs", "0.05"]`` or ``["rel", "2"]`` (percent); default ``["abs", "0"]``."""
        node = self.fields.get("tolerance")
        if node is None:
            return ["abs", "0"]
        if isinstance(node.value, str):
            match = _RELATIVE_RE.fullmatch(node.value)
            if match:
                return ["rel", str(Decimal(match.group(1)))]
        elif isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            exact = _decimal_of(node)
            if exact is not None and 0 <= exact <= MAX_MAGNITUDE:
                return ["abs", str(exact)]
        else:
            self.ok = False  # a boolean, null or collection: reported by the loader
            return ["abs", "0"]
        shown = node.raw if node.raw is not None else str(node.value)
        message = (
            f"bad tolerance '{shown}': give a number >= 0 in the answer's unit "
            "(0.05) or a percentage ('2%')"
        )
        self.error(node, message, "bad-tolerance")
        return ["abs", "0"]

    def read_decimals(self) -> int | None:
        """``decimals``: a whole number from 0 to :data:`MAX_DECIMALS`."""
        node = self.fields.get("decimals")
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.ok = False  # reported by the loader
            return None
        if isinstance(value, int) and 0 <= value <= MAX_DECIMALS:
            return value
        shown = node.raw if node.raw is not None else str(value)
        message = f"'decimals' must be a whole number from 0 to {MAX_DECIMALS}, not {shown}"
        self.error(node, message, "bad-decimals")
        return None

    def read_syringe(self, unit: units.Unit | None) -> str | None:
        """``syringe``: only ``u100``, and only on a volume card."""
        found = self.string("syringe")
        if found is None:
            return None
        node, text = found
        if text.casefold() != SYRINGE:
            message = f"unknown syringe '{text}': the only one is '{SYRINGE}'"
            self.error(node, message, "bad-syringe")
            return None
        if unit is None and "unit" in self.fields:
            return None  # the unit's own error is enough
        if unit is None or unit.dimension is not units.Dimension.VOLUME:
            message = f"'syringe: {SYRINGE}' needs 'unit: mL' or 'unit: units'"
            self.error(node, message, "bad-syringe")
            return None
        return SYRINGE

    # ------------------------------------------------------------ params

    def read_params(self) -> list[list[str]]:
        """``[[name, min, max, step], ...]`` as exact decimal strings, in order."""
        node = self.fields.get("params")
        if node is None:
            return []
        if not isinstance(node.value, dict) or node.keys is None:
            self.ok = False  # reported by the loader
            return []
        params: list[list[str]] = []
        for param, value_node in node.value.items():
            key_node = node.keys[param]
            if self.param_name_ok(param, key_node):
                self.declared.append(param)
                grid = self.read_grid(param, value_node)
                if grid is not None:
                    params.append([param, *grid])
        return params

    def param_name_ok(self, param: str, key_node: Node) -> bool:
        """A param name is an identifier, not a keyword, ``answer`` or a dunder."""
        if not _IDENTIFIER_RE.fullmatch(param) or keyword.iskeyword(param):
            message = f"param name '{param}' must be a name like dose_mg (letters, digits, _)"
            self.error(key_node, message, "bad-param")
            return False
        if param == "answer" or param.startswith("__"):
            self.error(key_node, f"param name '{param}' is reserved", "bad-param")
            return False
        return True

    def read_grid(self, param: str, node: Node) -> list[str] | None:
        """``[min, max, step]`` of one param, checked."""
        if not isinstance(node.value, dict) or node.keys is None:
            message = f"param '{param}' must be a mapping {{min, max, step}}, not {node.kind}"
            self.error(node, message, "bad-param")
            return None
        for key, key_node in node.keys.items():
            if key not in PARAM_KEYS:
                message = f"unknown key '{key}' in param '{param}' (known: min, max, step)"
                self.error(key_node, message, "unknown-key")
        bounds: dict[str, Decimal] = {}
        complete = True
        for key in PARAM_KEYS:
            if key in node.value:
                exact = self.number(node.value[key], f"'{key}' of param '{param}'", "bad-param")
                if exact is None:
                    complete = False
                else:
                    bounds[key] = exact
            elif key != "step":
                self.error(node, f"param '{param}' is missing '{key}'", "bad-param")
                complete = False
        return self.grid_ok(param, node, bounds) if complete else None

    def grid_ok(self, param: str, node: Node, bounds: dict[str, Decimal]) -> list[str] | None:
        """``[min, max, step]`` when ``min <= max``, ``step > 0`` and the grid is not huge."""
        low, high = bounds["min"], bounds["max"]
        step = bounds.get("step", Decimal(1))
        fields: dict[str, Node] = node.value
        if low > high:
            message = f"param '{param}': min {low} is greater than max {high}"
            self.error(fields["min"], message, "bad-param")
            return None
        if step <= 0:
            message = f"param '{param}': step must be > 0, not {step}"
            self.error(fields["step"], message, "bad-param")
            return None
        if (high - low) / step >= MAX_GRID:  # rounded division: never raises
            where = fields.get("step", node)
            message = f"param '{param}' takes more than {MAX_GRID:,} values: use a larger step"
            self.error(where, message, "bad-param")
            return None
        return [str(low), str(high), str(step)]

    # ------------------------------------------------------------ formula

    def read_formula(self, params: list[list[str]]) -> str | None:
        """The formula, parsed against the declared params and probed at their edges."""
        formula = self.ctx.text("formula")
        node = self.fields.get("formula")
        if node is None:
            return None
        if formula is None:
            self.ok = False
            return None
        try:
            expr = safe_eval.parse(formula, self.declared)
        except safe_eval.FormulaError as exc:
            rule = "formula-unknown-name" if exc.kind == "unknown-name" else "formula-syntax"
            self.error(node, f"formula: {exc}", rule)
            return None
        if len(params) < len(self.declared):
            return None  # a param's grid is reported: nothing to probe
        problem = _probe(expr, params)
        if problem:
            self.error(node, f"formula: {problem}", "formula-error")
            return None
        return formula

    def read_answer_or_formula(self, params: list[list[str]]) -> tuple[str | None, str | None]:
        """``(answer, formula)``: exactly one of them is given."""
        answer_node = self.fields.get("answer")
        formula_node = self.fields.get("formula")
        params_node = self.fields.get("params")
        if answer_node is None and formula_node is None:
            message = "numeric card is missing required key 'answer' or 'formula'"
            self.error(None, message, "missing-key")
            return None, None
        if answer_node is not None and formula_node is not None:
            message = "give either 'answer' (a fixed number) or 'formula', not both"
            self.error(formula_node, message, "answer-and-formula")
            return None, None
        if params_node is not None and formula_node is None:
            message = "'params' need a 'formula' computing the answer from them"
            self.error(params_node, message, "params-without-formula")
            return None, None
        if answer_node is not None:
            if isinstance(answer_node.value, bool) or not isinstance(
                answer_node.value, (int, float)
            ):
                self.ok = False  # reported by the loader
                return None, None
            exact = self.number(answer_node, "'answer'", "bad-answer")
            return (None if exact is None else str(exact)), None
        return None, self.read_formula(params)

    # ------------------------------------------------------------ placeholders

    def placeholders_ok(self, node: Node, text: str, allowed: Sequence[str], where: str) -> None:
        """Report every ``{name}`` in ``text`` that is not in ``allowed``."""
        for found in _PLACEHOLDER_RE.findall(text):
            if found not in allowed:
                known = ", ".join(allowed) or "none: the card has no params"
                message = f"placeholder '{{{found}}}' in {where} is not a param (known: {known})"
                self.error(node, message, "unknown-placeholder")

    def read_solution(self, params: list[list[str]]) -> list[str]:
        """The worked-solution lines; placeholders must be params or ``answer``."""
        node = self.fields.get("solution")
        if node is None:
            return []
        items = node.value if isinstance(node.value, list) else [node]
        allowed = [*self.declared, "answer"]
        lines: list[str] = []
        for item in items:
            if isinstance(item.value, bool) or not isinstance(item.value, (str, int, float)):
                self.ok = False  # reported by the loader
                continue
            raw = item.value if isinstance(item.value, str) else (item.raw or str(item.value))
            line = " ".join(sanitize(raw).split())
            if line:
                self.placeholders_ok(item, line, allowed, "'solution'")
                lines.append(line)
        return lines

    def warn_unused(self, params: list[list[str]], formula: str | None, texts: str) -> None:
        """Warn about params used neither by the formula nor in the card's text."""
        if formula is None or not params:
            return
        try:
            used = safe_eval.names_in(safe_eval.parse(formula, [p[0] for p in params]))
        except safe_eval.FormulaError:  # pragma: no cover - parsed before
            return
        shown = set(_PLACEHOLDER_RE.findall(texts))
        params_node = self.fields["params"]
        assert params_node.keys is not None
        for param, *_ in params:
            if param not in used and param not in shown:
                message = f"param '{param}' is used neither by the formula nor in the question"
                self.ctx.warning(params_node.keys[param], message, "unused-param")


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Validate a numeric card; return its data (JSON-ready) or ``None``."""
    checker = _Checker(ctx)
    question = ctx.text("question")
    unit = checker.read_unit()
    tolerance = checker.read_tolerance()
    decimals = checker.read_decimals()
    syringe = checker.read_syringe(unit)
    params = checker.read_params()
    answer, formula = checker.read_answer_or_formula(params)
    solution = checker.read_solution(params)
    if question is not None:
        names = checker.declared
        checker.placeholders_ok(ctx.fields["question"], question, names, "the question")
        checker.warn_unused(params, formula, "\n".join([question, *solution]))
    if question is None or not checker.ok or (answer is None and formula is None):
        return None
    return {
        "question": question,
        "unit": unit.symbol if unit else None,
        "answer": answer,
        "formula": formula,
        "params": params,
        "tolerance": tolerance,
        "decimals": decimals,
        "solution": solution,
        "syringe": syringe,
    }


def _decimal_of(node: Node) -> Decimal | None:
    """The exact value of a YAML number as written (``0.15`` is not ``0.1499...``)."""
    value = node.value
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        return None
    try:
        exact = Decimal((node.raw or repr(value)).replace("_", ""))
    except InvalidOperation:
        exact = Decimal(repr(value))
    return exact if exact.is_finite() else None


def _grid(low: str, high: str, step: str) -> tuple[Decimal, Decimal, int]:
    """``(min, step, count)`` of a param's grid."""
    first, last, by = Decimal(low), Decimal(high), Decimal(step)
    return first, by, int((last - first) // by) + 1


def _probe_values(param: Sequence[str]) -> list[float]:
    """A param's values most likely to break a formula: the ends, and zero."""
    first, by, count = _grid(param[1], param[2], param[3])
    values = {first, first + by * (count - 1)}
    if first <= 0 and (-first) % by == 0 and -first // by < count:
        values.add(Decimal(0))
    return sorted(float(v) for v in values)


def _probe_points(params: Sequence[Sequence[str]]) -> Iterator[dict[str, float]]:
    """Points to evaluate at: every combination, or one param at a time when too many."""
    names = [p[0] for p in params]
    choices = [_probe_values(p) for p in params]
    if math.prod(len(c) for c in choices) <= 512:
        for combo in itertools.product(*choices):
            yield dict(zip(names, combo, strict=True))
        return
    base = {n: c[0] for n, c in zip(names, choices, strict=True)}
    yield base
    for n, c in zip(names, choices, strict=True):
        for value in c[1:]:
            yield {**base, n: value}


def _probe(expr: safe_eval.Expr, params: Sequence[Sequence[str]]) -> str | None:
    """Why ``expr`` fails at an edge of the params' grids, or ``None``."""
    for point in _probe_points(params):
        try:
            safe_eval.evaluate(expr, point)
        except safe_eval.FormulaError as exc:
            at = ", ".join(f"{k}={units.format_number(v)}" for k, v in point.items())
            return f"{exc.reason} when {at}" if at else exc.reason
    return None


# =================================================================== prompts


def siblings(card: Card) -> tuple[str, ...]:
    """One prompt: ``main``."""
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    """The question with its placeholders as written, and the answer (or the formula)."""
    data = card.data
    front = tuple(parse_inline(data["question"]))
    unit = data["unit"]
    if data["answer"] is not None:
        number = units.format_number(Decimal(data["answer"]))
        back: tuple[Span, ...] = (Span(f"{number} {unit}" if unit else number),)
    else:
        back = (Span("= "), Span(data["formula"], frozenset({"code"})))
        if unit:
            back += (Span(f", in {unit}"),)
    return Face(front, back)


def answer_text(card: Card) -> list[str]:
    """The fixed answer as a number (``["0.15"]``); nothing for generated cards."""
    if card.data["answer"] is None:
        return []
    return [units.format_number(Decimal(card.data["answer"]))]


# =================================================================== asking


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    """A question with fresh params drawn from ``rng`` (fixed cards: as written)."""
    data = card.data
    values = _draw_valid(card, rng)
    prompt = fill(data["question"], values)
    hint = DISCLAIMER if data["syringe"] or card.topic == "dosing" else None
    return Question(
        Interaction.NUMERIC,
        tuple(parse_inline(prompt)),
        unit=data["unit"],
        values=values,
        hint=hint,
    )


def _draw(params: Sequence[Sequence[str]], rng: Random) -> dict[str, float]:
    """One value per param, uniform on its grid ``min, min + step, ... <= max``."""
    values: dict[str, float] = {}
    for param_name, low, high, step in params:
        first, by, count = _grid(low, high, step)
        values[param_name] = float(first + by * rng.randrange(count))
    return values


def _draw_valid(card: Card, rng: Random, attempts: int = 50) -> dict[str, float]:
    """Draw until the formula can be evaluated (a zero divisor inside a grid)."""
    values = _draw(card.data["params"], rng)
    for _ in range(attempts):
        if _expected(card, values)[1] is None:
            break
        values = _draw(card.data["params"], rng)
    return values


def fill(text: str, values: Mapping[str, float], answer: str | None = None) -> str:
    """``text`` with each ``{name}`` replaced by its value, without trailing zeros."""

    def replace(match: re.Match[str]) -> str:
        """The value of one placeholder, or the placeholder as written."""
        key = match.group(1)
        if key in values:
            return units.format_number(values[key])
        if key == "answer" and answer is not None:
            return answer
        return match.group()

    return _PLACEHOLDER_RE.sub(replace, text)


# =================================================================== grading


def _expected(card: Card, values: Mapping[str, float]) -> tuple[float, str | None]:
    """The expected answer in the card's unit, or an explanation of why there is none."""
    data = card.data
    if data["answer"] is not None:
        return float(Decimal(data["answer"])), None
    names = [p[0] for p in data["params"]]
    try:
        return safe_eval.evaluate(safe_eval.parse(data["formula"], names), values), None
    except safe_eval.FormulaError as exc:
        return math.nan, f"this card's formula cannot be computed: {exc.reason}"


def _allowed_error(tolerance: Sequence[str], expected: float) -> float:
    """The largest accepted difference from ``expected``, in the card's unit."""
    kind, amount = tolerance
    if kind == "rel":
        return float(Decimal(amount)) / 100 * abs(expected)
    return float(Decimal(amount))


def _close(given: float, expected: float, allowed: float) -> bool:
    """``given`` is within ``allowed`` of ``expected`` (plus float rounding noise)."""
    return abs(given - expected) <= allowed + 1e-9 * max(abs(given), abs(expected))


def _shown(value: float, decimals: int | None) -> Decimal:
    """``value`` as shown with ``decimals`` places (exact, for comparing)."""
    return Decimal(units.format_number(value, decimals))


def _is_right(card: Card, given: float, expected: float) -> bool:
    """Within tolerance, or equal to the expected answer once both are rounded as shown."""
    data = card.data
    if _close(given, expected, _allowed_error(data["tolerance"], expected)):
        return True
    decimals = data["decimals"]
    return decimals is not None and _shown(given, decimals) == _shown(expected, decimals)


_SLIPS: dict[units.Dimension | None, list[tuple[int, str]]] = {
    None: [(1000, "check mg vs mcg")],
    units.Dimension.MASS: [(1000, "check mg vs mcg")],
    units.Dimension.VOLUME: [
        (1000, "check mg vs mcg"),
        (U100_UNITS_PER_ML, "check mL vs units on a U-100 syringe"),
    ],
    units.Dimension.PERCENT: [(100, "check percent vs fraction")],
}
"""The slips worth naming, by the dimension of the card's unit: (factor, advice)."""


def _slip(card: Card, given: float, expected: float) -> str | None:
    """The unit slip a wrong answer looks like (1000x: mg/mcg; 100x: mL/units)."""
    if expected == 0 or given == 0:
        return None
    allowed = _allowed_error(card.data["tolerance"], expected)
    unit = units.lookup_unit(card.data["unit"] or "")
    dimension = unit.dimension if unit else None
    factors = _SLIPS.get(dimension, _SLIPS[None])
    for factor, advice in factors:
        if _close(given / factor, expected, allowed):
            return f"{advice}: your answer is {factor}x too large"
        if _close(given * factor, expected, allowed):
            return f"{advice}: your answer is {factor}x too small"
    return None


def _read_answer(card: Card, text: str) -> tuple[Decimal | None, list[str]]:
    """The response in the card's unit, and feedback lines (why it is unreadable, conversions)."""
    try:
        quantity = units.parse_quantity(text)
    except units.UnitError as exc:
        example = f"e.g. 0.25 {card.data['unit']}" if card.data["unit"] else "e.g. 0.25"
        return None, [f"Could not read the answer: {exc} ({example})."]
    target = units.lookup_unit(card.data["unit"] or "")
    if quantity.unit is None or quantity.unit == target:
        return quantity.value, []
    if target is None:
        return None, ["Expected a plain number, without a unit."]
    if quantity.unit.dimension is not target.dimension:
        return None, [f"Expected {_describe(target)}, not {quantity.unit.symbol}."]
    converted = units.convert(quantity.value, quantity.unit, target)
    note = f"{units.format_quantity(quantity)} = {units.format_number(converted)} {target.symbol}"
    return converted, [note]


def _describe(unit: units.Unit) -> str:
    """``a volume in mL``, ``a mass in mg``, ``a percentage (%)``."""
    if unit.dimension is units.Dimension.PERCENT:
        return "a percentage (%)"
    return f"a {unit.dimension.value} in {unit.symbol}"


def solution_lines(card: Card, values: Mapping[str, float], expected: float) -> list[str]:
    """The worked solution with the drawn values and the answer filled in."""
    data = card.data
    answer = units.format_number(expected, data["decimals"])
    unit = data["unit"]
    lines = [fill(line, values, answer) for line in data["solution"]]
    if not lines and data["formula"] is not None:
        if values:
            lines.append(", ".join(f"{k} = {units.format_number(v)}" for k, v in values.items()))
        lines.append(f"{data['formula']} = {answer}{f' {unit}' if unit else ''}")
    fill_units = _syringe_units(card, expected)
    if fill_units is not None:
        lines.append(_syringe_sentence(fill_units))
    return lines


def _syringe_units(card: Card, expected: float) -> float | None:
    """The U-100 syringe fill for ``expected``, for a card with ``syringe: u100``."""
    if card.data["syringe"] != SYRINGE or not math.isfinite(expected) or expected < 0:
        return None
    unit = units.lookup_unit(card.data["unit"] or "")
    return expected * U100_UNITS_PER_ML if unit == units.ML else expected


def _syringe_sentence(fill_units: float) -> str:
    """The solution line saying which mark to draw to (or that it does not fit)."""
    shown = units.format_number(fill_units, 1)
    volume = units.format_number(fill_units / U100_UNITS_PER_ML, 3)
    if fill_units > U100_SCALE:
        return f"That is {shown} units ({volume} mL): more than a U-100 syringe holds (100 units)."
    return f"On a U-100 syringe: draw to the {shown}-unit mark ({volume} mL)."


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """Grade a typed number against the answer recomputed from ``question.values``."""
    text = " ".join(sanitize(str(response)).split())
    expected, problem = _expected(card, question.values)
    if problem is not None:
        return Grade(Verdict.WRONG, 0.0, text, "?", feedback=(problem,))
    unit = card.data["unit"]
    shown = units.format_number(expected, card.data["decimals"])
    expected_text = f"{shown} {unit}" if unit else shown
    solution = tuple(solution_lines(card, question.values, expected))
    given, feedback = _read_answer(card, text)
    right = given is not None and _is_right(card, float(given), expected)
    if not right and _accepted_alias(card, text, context):
        right = True
    if not right and given is not None:
        slip = _slip(card, float(given), expected)
        if slip:
            feedback.append(f"{slip[0].upper()}{slip[1:]}.")
    return Grade(
        Verdict.CORRECT if right else Verdict.WRONG,
        1.0 if right else 0.0,
        text,
        expected_text,
        feedback=tuple(feedback),
        solution=solution,
        drawing=tuple(syringe_lines(card, question)),
    )


def _accepted_alias(card: Card, text: str, context: DeckContext) -> bool:
    """A fixed card's answer the student said was right ("I was right").

    Generated cards ignore aliases: their answer changes with every draw.
    """
    if card.data["answer"] is None:
        return False
    return text.casefold() in (a.casefold() for a in context.aliases.get(card.id, ()))


# =================================================================== syringe

_CELLS = 50
"""Barrel width in characters: one per 2 units."""
_NEEDLE = "-----["
_LEFT = len(_NEEDLE)


def syringe_fill(fill_units: float) -> list[str]:
    """Plain-text art of a 0-100 unit U-100 syringe filled to ``fill_units``.

    Four lines, at most 70 characters wide: the labels 0, 10, ... 100, a
    ruler, the barrel (``█`` per 2 units, ``▌`` for an odd unit) and a caret
    under the fill mark with the amount. Above 100 units the barrel is full
    and the last line says the dose is over capacity. Raises ``ValueError``
    for a negative or non-finite amount.
    """
    if not math.isfinite(fill_units) or fill_units < 0:
        raise ValueError(f"cannot draw a fill of {fill_units} units")
    amount = units.format_number(fill_units, 1)
    noun = "unit" if amount == "1" else "units"
    volume = units.format_number(fill_units / U100_UNITS_PER_ML, 3)
    labels = [" "] * (_LEFT + _CELLS + 3)
    for mark in range(0, U100_SCALE + 1, 10):
        at = _LEFT + mark // 2
        labels[at : at + len(str(mark))] = str(mark)
    ruler = "".join("|" if i % 5 == 0 else "." for i in range(_CELLS + 1))
    over = fill_units > U100_SCALE
    whole = round(min(fill_units, U100_SCALE))
    barrel = ("█" * (whole // 2) + ("▌" if whole % 2 else "")).ljust(_CELLS)
    lines = [
        "".join(labels).rstrip(),
        " " * _LEFT + ruler,
        f"{_NEEDLE}{barrel}]==||",
    ]
    if over:
        lines.append(f"{' ' * _LEFT}OVER CAPACITY: {amount} units ({volume} mL) > 100 units")
    else:
        lines.append(_caret_line(_LEFT + whole // 2, f"{amount} {noun} ({volume} mL)"))
    return [line[:MAX_ART_WIDTH] for line in lines]


def _caret_line(column: int, label: str) -> str:
    """A ``^`` at ``column`` with ``label`` after it, or before it when near the right edge."""
    if column + 2 + len(label) <= MAX_ART_WIDTH:
        return f"{' ' * column}^ {label}"
    return f"{label} ^".rjust(column + 1)


def syringe_lines(card: Card, question: Question) -> list[str]:
    """The syringe art for the expected answer of a ``syringe: u100`` card, else ``[]``."""
    expected, problem = _expected(card, question.values)
    fill_units = None if problem else _syringe_units(card, expected)
    return [] if fill_units is None else syringe_fill(fill_units)
