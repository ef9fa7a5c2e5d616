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

A caveat such as "not medical advice" is deck data (``caveat``), not this
kind's: :meth:`studyapp.core.model.Deck.caveat_for` says which cards show it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from random import Random

from studyapp.core import safe_eval, units
from studyapp.core.grading import DeckContext, Grade, Interaction, Question, Response, Verdict
from studyapp.core.kinds._numeric_check import (
    IDENTIFIER_PATTERN,
    MAX_DECIMALS,
    MAX_MAGNITUDE,
    PARAM_FIELDS,
    PLACEHOLDER_RE,
    RELATIVE_PATTERN,
    SYRINGE,
    check,
    grid,
)
from studyapp.core.kinds.base import FieldSpec, FieldType
from studyapp.core.model import Card, Face
from studyapp.core.syringe import U100_SCALE, U100_UNITS_PER_ML, syringe_fill
from studyapp.core.text import Span, parse_inline, sanitize

__all__ = [
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
    FieldSpec(
        "answer",
        FieldType.NUMBER,
        doc="The fixed answer, in 'unit' (or give 'formula').",
        schema={"minimum": -float(MAX_MAGNITUDE), "maximum": float(MAX_MAGNITUDE)},
    ),
    FieldSpec(
        "unit",
        FieldType.STRING,
        doc="mg, mcg (µg, ug), g, mL, units (U-100) or %.",
        schema={"examples": [u.symbol for u in units.KNOWN_UNITS]},
    ),
    FieldSpec(
        "tolerance",
        FieldType.TEXT,
        doc="Accepted error: absolute in 'unit' (0.05) or relative ('2%'); default 0.",
        schema={
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": f"^{RELATIVE_PATTERN}$"},
            ]
        },
    ),
    FieldSpec(
        "params",
        FieldType.MAPPING,
        doc="Generated variants: name -> {min, max, step}.",
        of=PARAM_FIELDS,
        schema={
            "propertyNames": {"pattern": f"^{IDENTIFIER_PATTERN}$", "not": {"const": "answer"}}
        },
    ),
    FieldSpec("formula", FieldType.TEXT, doc="Arithmetic over the params: + - * / ** ( )."),
    FieldSpec(
        "decimals",
        FieldType.NUMBER,
        doc="Decimal places the answer is shown with.",
        schema={"type": "integer", "minimum": 0, "maximum": MAX_DECIMALS},
    ),
    FieldSpec(
        "solution", FieldType.STRING_LIST, doc="Worked-solution lines; {param} and {answer}."
    ),
    FieldSpec(
        "syringe",
        FieldType.STRING,
        doc="'u100': show the fill on a U-100 syringe.",
        schema={"enum": [SYRINGE, SYRINGE.upper()]},
    ),
)
schema_rules = {
    "oneOf": [{"required": ["answer"]}, {"required": ["formula"]}],
    "dependentRequired": {"params": ["formula"]},
}
"""JSON Schema rules across fields: 'answer' or 'formula', and 'params' need a 'formula'."""

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
    return Question(
        Interaction.NUMERIC, tuple(parse_inline(prompt)), unit=data["unit"], values=values
    )


def _draw(params: Sequence[Sequence[str]], rng: Random) -> dict[str, float]:
    """One value per param, uniform on its grid ``min, min + step, ... <= max``."""
    values: dict[str, float] = {}
    for param_name, low, high, step in params:
        first, by, count = grid(low, high, step)
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

    return PLACEHOLDER_RE.sub(replace, text)


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


def syringe_lines(card: Card, question: Question) -> list[str]:
    """The syringe art for the expected answer of a ``syringe: u100`` card, else ``[]``."""
    expected, problem = _expected(card, question.values)
    fill_units = None if problem else _syringe_units(card, expected)
    return [] if fill_units is None else syringe_fill(fill_units)
