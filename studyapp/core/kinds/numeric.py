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
from decimal import Decimal
from random import Random

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import Span, parse_inline, sanitize
from studyapp.core.kinds import safe_eval, units
from studyapp.core.kinds._numeric_check import check
from studyapp.core.kinds._numeric_lint import Finding, grid, lint_cases
from studyapp.core.kinds._numeric_read import Reading, find_slip, is_right, read_answer
from studyapp.core.kinds._numeric_spec import (
    EXPRESSION_RE,
    IDENTIFIER_PATTERN,
    MAX_DECIMALS,
    MAX_MAGNITUDE,
    PARAM_FIELDS,
    PLACEHOLDER_RE,
    RELATIVE_PATTERN,
    SYRINGE,
)
from studyapp.core.kinds._templates import TEMPLATES
from studyapp.core.kinds.base import FieldSpec, FieldType
from studyapp.core.kinds.grading import DeckContext, Grade, Interaction, Question, Response, Verdict
from studyapp.core.kinds.syringe import U100_SCALE, U100_UNITS_PER_ML, syringe_fill

__all__ = [
    "Reading",
    "answer_text",
    "ask",
    "case_problems",
    "check",
    "doc",
    "fields",
    "grade",
    "interaction",
    "name",
    "read_answer",
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
    right = given is not None and is_right(card, float(given), expected)
    decided = reading.rule
    if not right and given is not None:
        slip = find_slip(card, float(given), expected)
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
