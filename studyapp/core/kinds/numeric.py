"""``numeric``: a number to recall or calculate, with a unit, graded by the app.

Two forms:

* **fixed**: ``answer: 0.15`` with ``unit: "%"``;
* **generated**: ``params`` (``name: {min, max, step}``) are drawn afresh each
  time the card is asked, the question's ``{name}`` placeholders are filled in
  and the expected answer is computed by ``formula`` with the safe evaluator
  of :mod:`studyapp.core.kinds.safe_eval` (deck text is never run as code).

A third form, **templated**: ``template: infusion-rate`` names a clinical
calculation (:mod:`studyapp.core.kinds._templates`) that gives the formula,
unit, rounding and worked solution; the card gives the params.

Answers are read by :mod:`studyapp.core.kinds.units` and converted exactly
(pint): ``250 mcg`` is right for a ``0.25 mg`` card, ``5 mg/mL`` for a
``5000 mcg/mL`` one, a bare number is read in the card's unit, and an answer
1000x off (mg vs mcg), 100x off (mL vs units on a U-100 syringe) or 60x off
(per minute vs per hour), or with the sign dropped, is wrong with a note
saying which slip it looks like. A quantity of another kind, or IU, is
wrong. An answer that cannot be read (an unknown unit, ``1,500``, mEq on a
card without a ``valence``) is never wrong: it is ``UNREADABLE`` and the
student is asked again (:func:`read_answer`). ``tolerance`` is absolute (in the
card's unit) or relative (``"2%"``); an answer that rounds to the expected
answer as shown (``decimals`` places) is also right.

A caveat such as "not medical advice" is deck data (``caveat``), not this
kind's: :meth:`studyapp.core.deck.model.Deck.caveat_for` says which cards show it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import Span, parse_inline, sanitize
from studyapp.core.kinds import safe_eval, units
from studyapp.core.kinds._numeric_check import (
    EXPRESSION_RE,
    IDENTIFIER_PATTERN,
    MAX_DECIMALS,
    MAX_MAGNITUDE,
    PARAM_FIELDS,
    PLACEHOLDER_RE,
    RELATIVE_PATTERN,
    SYRINGE,
    check,
)
from studyapp.core.kinds._numeric_lint import Finding, grid, lint_cases
from studyapp.core.kinds._templates import TEMPLATES
from studyapp.core.kinds.base import FieldSpec, FieldType
from studyapp.core.kinds.grading import DeckContext, Grade, Interaction, Question, Response, Verdict
from studyapp.core.kinds.syringe import U100_SCALE, U100_UNITS_PER_ML, syringe_fill

__all__ = [
    "answer_text",
    "ask",
    "case_problems",
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
        doc="mg, mcg (µg, ug), g, kg, mL, L, units (U-100), mmol, mEq, IU, gtt, %, °C, "
        "min, h, days, weeks, months, years, cm, m², and any unit per others (mg/kg/day).",
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
    FieldSpec(
        "formula",
        FieldType.TEXT,
        doc="Arithmetic over the params: + - * / ** ( ), ln exp sqrt min max.",
    ),
    FieldSpec(
        "template",
        FieldType.STRING,
        doc="A clinical calculation (formula, unit, rounding, solution): "
        + ", ".join(TEMPLATES)
        + ".",
        schema={"enum": list(TEMPLATES)},
    ),
    FieldSpec(
        "valence",
        FieldType.NUMBER,
        doc="The ion's valence: converts mEq to mmol.",
        schema={"exclusiveMinimum": 0},
    ),
    FieldSpec(
        "drop_factor",
        FieldType.NUMBER,
        doc="The giving set's drops per mL: converts gtt to mL.",
        schema={"exclusiveMinimum": 0},
    ),
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
    "oneOf": [{"required": ["answer"]}, {"required": ["formula"]}, {"required": ["template"]}],
    "dependentSchemas": {
        "params": {"anyOf": [{"required": ["formula"]}, {"required": ["template"]}]}
    },
}
"""JSON Schema rules across fields: 'answer', 'formula' or 'template', and 'params' need a
'formula' or a 'template'."""

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


def fill(
    text: str,
    values: Mapping[str, float],
    answer: str | None = None,
    expected: float | None = None,
) -> str:
    """``text`` with each ``{name}`` replaced by its value, without trailing zeros, and
    each ``{=expression:decimals}`` by its value (``expected`` is its ``answer``)."""

    def compute(match: re.Match[str]) -> str:
        """The value of one ``{=expression}`` (4 decimals unless told), or it as written."""
        scope = dict(values) if expected is None else {**values, "answer": expected}
        try:
            value = safe_eval.evaluate(safe_eval.parse(match.group(1), scope), scope)
        except safe_eval.FormulaError:
            return match.group()
        decimals = 4 if match.group(2) is None else int(match.group(2))
        return units.format_number(value, decimals)

    text = EXPRESSION_RE.sub(compute, text)

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


_MASS_SLIP = (1000, "check mg vs mcg")
_SLIPS: dict[units.Dimension | None, list[tuple[int, str]]] = {
    None: [_MASS_SLIP],
    units.Dimension.MASS: [_MASS_SLIP],
    units.Dimension.VOLUME: [
        _MASS_SLIP,
        (U100_UNITS_PER_ML, "check mL vs units on a U-100 syringe"),
    ],
    units.Dimension.PERCENT: [(100, "check percent vs fraction")],
    units.Dimension.RATIO: [_MASS_SLIP],
}
"""The slips worth naming, by the dimension of the card's unit: (factor, advice)."""
_PER_TIME_SLIP = (60, "check per minute vs per hour")
"""Also named for a rate per minute or per hour (mL/h, mcg/kg/min, gtt/min)."""


def _slips(unit: units.Unit | None) -> list[tuple[int, str]]:
    """The slips to look for on a card in ``unit``."""
    factors = list(_SLIPS.get(unit.dimension if unit else None, _SLIPS[None]))
    if unit is not None and any(
        name in ("minute", "hour") and power < 0 for name, power in unit.terms
    ):
        factors.append(_PER_TIME_SLIP)
    return factors


def _slip(card: Card, given: float, expected: float) -> tuple[str, str] | None:
    """The slip a wrong answer looks like, as ``(rule, advice)``: a dropped or
    added sign; 1000x (mg/mcg); 100x (mL/units, percent/fraction); 60x (per min/per h)."""
    if expected == 0 or given == 0:
        return None
    allowed = _allowed_error(card.data["tolerance"], expected)
    if _close(-given, expected, allowed):
        advice = f"the sign must match: {units.format_signed(given)} vs "
        return "sign", advice + units.format_signed(expected)
    for factor, advice in _slips(units.lookup_unit(card.data["unit"] or "")):
        if _close(given / factor, expected, allowed):
            return "slip", f"{advice}: your answer is {factor}x too large"
        if _close(given * factor, expected, allowed):
            return "slip", f"{advice}: your answer is {factor}x too small"
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer read in the card's unit (``value``), or why it gives no value.

    ``verdict`` is ``UNREADABLE`` (ask again) or ``WRONG`` (a quantity of
    another kind) when ``value`` is ``None``; ``notes`` are feedback lines.
    """

    value: Decimal | None
    notes: tuple[str, ...] = ()
    verdict: Verdict | None = None
    rule: str = ""


def read_answer(
    unit_symbol: str | None,
    text: str,
    *,
    valence: Decimal | None = None,
    drop_factor: Decimal | None = None,
) -> Reading:
    """Read ``text`` as a quantity in the card's unit (``unit_symbol``).

    Conversions are exact (pint, on fractions): ``5 mg/mL`` for a ``mcg/mL``
    card reads as 5000. ``valence`` and ``drop_factor`` are the card's (mEq to
    mmol, gtt to mL). Unreadable (asked again, never wrong): no number first,
    an unknown unit, ``1,500``, a unit on a card without one, or units that
    convert only with a fact the card does not give. Wrong: a quantity of
    another kind (``mg`` for ``mL``), or IU for anything but IU (saying why).
    """
    target = units.lookup_unit(unit_symbol or "")
    try:
        quantity = units.parse_quantity(text)
    except units.UnitError as exc:
        return _unreadable(target, f"Could not read the answer: {exc}.")
    given = quantity.unit
    if given is None or given == target:
        return Reading(quantity.value)
    if given.has(units.Dimension.ACTIVITY) and (target is None or not target.has(given.dimension)):
        why = units.IU_NOTE if target is None else units.iu_reason(given, target)
        return Reading(None, (f"{_first_upper(why)}.",), Verdict.WRONG, "iu")
    if target is None:
        return _unreadable(target, f"This question has no unit, so '{given.symbol}' is not read.")
    try:
        converted = units.convert(
            quantity.value, given, target, valence=valence, drop_factor=drop_factor
        )
    except units.MissingFactor as exc:
        return _unreadable(target, f"Could not convert: {exc}.")
    except units.IncompatibleUnits as exc:
        if given.has(units.Dimension.ACTIVITY) or target.has(units.Dimension.ACTIVITY):
            return Reading(None, (f"{_first_upper(str(exc))}.",), Verdict.WRONG, "iu")
        note = f"Expected {_describe(target)}, not {given.symbol}."
        return Reading(None, (note,), Verdict.WRONG, "dimension")
    shown = units.format_quantity(quantity)
    exact = units.format_number(converted)
    value = exact if len(exact.partition(".")[2]) <= 6 else f"{units.format_number(converted, 4)}…"
    note = f"{shown} = {value} {target.symbol}"
    return Reading(converted, (note,))


def _first_upper(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def _unreadable(target: units.Unit | None, why: str) -> Reading:
    """Ask again, saying what can be read."""
    hint = f"Type {units.reading_hint(target)}."
    return Reading(None, (why, hint), Verdict.UNREADABLE, "unreadable")


def _describe(unit: units.Unit) -> str:
    """``a volume in mL``, ``a mass in mg``, ``a percentage (%)``, ``a quantity in mg/mL``."""
    if unit.dimension is units.Dimension.PERCENT:
        return "a percentage (%)"
    if unit.dimension is units.Dimension.RATIO:
        return f"a quantity in {unit.symbol}"
    return f"a {unit.dimension.value} in {unit.symbol}"


def solution_lines(card: Card, values: Mapping[str, float], expected: float) -> list[str]:
    """The worked solution with the drawn values and the answer filled in."""
    data = card.data
    answer = units.format_number(expected, data["decimals"])
    unit = data["unit"]
    lines = [fill(line, values, answer, expected) for line in data["solution"]]
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
    """Grade a typed number against the answer recomputed from ``question.values``.

    An answer that cannot be read is ``UNREADABLE`` (see :func:`read_answer`):
    the student is asked again. An empty answer and one longer than
    :data:`~studyapp.core.kinds.units.MAX_INPUT` characters are wrong.
    """
    typed = sanitize(str(response)).strip()
    text = " ".join(typed.split())
    expected, problem = _expected(card, question.values)
    if problem is not None:
        return Grade(Verdict.WRONG, 0.0, text, "?", feedback=(problem,))
    unit = card.data["unit"]
    shown = units.format_number(expected, card.data["decimals"])
    expected_text = f"{shown} {unit}" if unit else shown
    solution = tuple(solution_lines(card, question.values, expected))
    drawing = tuple(syringe_lines(card, question))

    def result(
        verdict: Verdict, answer: str, lines: Sequence[str] = (), decided: str = ""
    ) -> Grade:
        score = 1.0 if verdict is Verdict.CORRECT else 0.0
        return Grade(
            verdict,
            score,
            answer,
            expected_text,
            tuple(lines),
            rule=decided,
            solution=solution,
            drawing=drawing,
        )

    if not text or len(typed) > units.MAX_INPUT:  # as typed: spaces cannot hide a hedge
        why = "no answer given" if not text else f"too long: over {units.MAX_INPUT} characters"
        decided = "empty" if not text else "too-long"
        return result(Verdict.WRONG, text[: units.MAX_INPUT], (why,), decided)
    if _accepted_alias(card, text, context):
        return result(Verdict.CORRECT, text, decided="alias")
    reading = read_answer(
        unit, text, valence=_fact(card, "valence"), drop_factor=_fact(card, "drop_factor")
    )
    if reading.verdict is Verdict.UNREADABLE:
        return Grade(Verdict.UNREADABLE, 0.0, text, expected_text, reading.notes, rule=reading.rule)
    feedback = list(reading.notes)
    given = reading.value
    right = given is not None and _is_right(card, float(given), expected)
    decided = reading.rule
    if not right and given is not None:
        slip = _slip(card, float(given), expected)
        if slip:
            decided, advice = slip
            feedback.append(f"{advice[0].upper()}{advice[1:]}.")
    return result(Verdict.CORRECT if right else Verdict.WRONG, text, feedback, decided)


def _fact(card: Card, key: str) -> Decimal | None:
    """A card's own conversion fact (``valence``, ``drop_factor``), exact."""
    value = card.data.get(key)
    return None if value is None else Decimal(value)


def _accepted_alias(card: Card, text: str, context: DeckContext) -> bool:
    """A fixed card's answer the student said was right ("I was right").

    Generated cards ignore aliases: their answer changes with every draw.
    """
    if card.data["answer"] is None:
        return False
    return text.casefold() in (a.casefold() for a in context.aliases.get(card.id, ()))


def case_problems(card: Card) -> list[Finding]:
    """What ``studyapp check`` finds over every case a generated card can draw
    (impossible cases, fills between a syringe's marks); ``[]`` for a fixed card."""
    data = card.data
    if data["formula"] is None or not data["params"]:
        return []
    template = TEMPLATES.get(data.get("template") or "")
    unit = units.lookup_unit(data["unit"] or "")
    return lint_cases(data["formula"], data["params"], unit, template, data["syringe"] == SYRINGE)


def syringe_lines(card: Card, question: Question) -> list[str]:
    """The syringe art for the expected answer of a ``syringe: u100`` card, else ``[]``."""
    expected, problem = _expected(card, question.values)
    fill_units = None if problem else _syringe_units(card, expected)
    return [] if fill_units is None else syringe_fill(fill_units)
