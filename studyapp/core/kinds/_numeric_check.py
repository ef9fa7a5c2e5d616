"""Validation of ``numeric`` cards (see :mod:`studyapp.core.kinds.numeric`).

Everything ``studyapp check`` reports about a numeric card: the answer or the
formula, params and their grids, placeholders, units, tolerance, decimals,
solution lines and the syringe option.
"""

from __future__ import annotations

import keyword
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.text import sanitize
from studyapp.core.kinds import safe_eval, units
from studyapp.core.kinds._numeric_lint import grid
from studyapp.core.kinds._numeric_probe import probe
from studyapp.core.kinds._numeric_spec import (
    EXPRESSION_RE,
    IDENTIFIER_RE,
    MAX_DECIMALS,
    MAX_GRID,
    MAX_MAGNITUDE,
    PARAM_KEYS,
    PLACEHOLDER_RE,
    RELATIVE_RE,
    SYRINGE,
    TYPE_NAMES,
    decimal_of,
)
from studyapp.core.kinds._templates import TEMPLATES, Template
from studyapp.core.kinds.base import CheckContext

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

__all__ = ["check", "grid"]


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
            message = f"{what} must be a number, not {TYPE_NAMES.get(node.kind, node.kind)}"
            self.error(node, message, "wrong-type")
            return None
        exact = decimal_of(node)
        if exact is None or abs(exact) > MAX_MAGNITUDE:
            self.error(node, f"{what} must be a finite number of at most 1e15", rule)
            return None
        return exact

    def read_template(self) -> Template | None:
        """The clinical template the card names (``None``: none, or unknown and reported)."""
        found = self.string("template")
        if found is None:
            return None
        node, text = found
        template = TEMPLATES.get(text.casefold())
        if template is None:
            known = ", ".join(TEMPLATES)
            self.error(node, f"unknown template '{text}' (known: {known})", "unknown-template")
        return template

    def read_unit(self, template: Template | None = None) -> units.Unit | None:
        """The card's unit, or its template's (``None`` when absent or unknown, reported)."""
        found = self.string("unit")
        if found is None:
            return (
                units.lookup_unit(template.unit) if template and "unit" not in self.fields else None
            )
        node, text = found
        unit = units.lookup_unit(text)
        if unit is None:
            suggestion = units.suggest_unit(text)
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            message = f"unknown unit '{text}' (known: {units.KNOWN_TEXT}){hint}"
            self.error(node, message, "unknown-unit")
        return unit

    def read_tolerance(self, template: Template | None = None) -> list[str]:
        """``["abs", "0.05"]`` or ``["rel", "2"]`` (percent); default the template's, or 0."""
        node = self.fields.get("tolerance")
        if node is None:
            if template is not None and template.tolerance.endswith("%"):
                return ["rel", template.tolerance[:-1]]
            return ["abs", template.tolerance if template else "0"]
        if isinstance(node.value, str):
            match = RELATIVE_RE.fullmatch(node.value)
            if match:
                return ["rel", str(Decimal(match.group(1)))]
        elif isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            exact = decimal_of(node)
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

    def read_decimals(self, template: Template | None = None) -> int | None:
        """``decimals``: a whole number from 0 to :data:`MAX_DECIMALS` (or the template's)."""
        node = self.fields.get("decimals")
        if node is None:
            return template.decimals if template else None
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
        if unit not in (units.ML, units.UNITS):
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
        if not IDENTIFIER_RE.fullmatch(param) or keyword.iskeyword(param):
            message = f"param name '{param}' must be a name like dose_mg (letters, digits, _)"
            self.error(key_node, message, "bad-param")
            return False
        if param == "answer" or param.startswith("__") or param in safe_eval.FUNCTIONS:
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
        problem = probe(expr, params)
        if problem:
            self.error(node, f"formula: {problem}", "formula-error")
            return None
        return formula

    def read_fact(self, field: str) -> str | None:
        """``valence`` or ``drop_factor``: a number > 0, exact."""
        node = self.fields.get(field)
        if node is None:
            return None
        exact = self.number(node, f"'{field}'", "bad-answer")
        if exact is not None and exact <= 0:
            self.error(node, f"'{field}' must be > 0, not {exact}", "bad-answer")
            return None
        return None if exact is None else str(exact)

    def template_formula(self, template: Template, params: list[list[str]]) -> str | None:
        """The template's formula, once the card declares every param it needs."""
        node = self.fields["template"]
        for other in ("answer", "formula"):
            if other in self.fields:
                message = f"give either 'template' or '{other}', not both"
                self.error(self.fields[other], message, "answer-and-formula")
        missing = [name for name, _ in template.params if name not in self.declared]
        if missing:
            wanted = ", ".join(f"{name} ({what})" for name, what in template.params)
            message = (
                f"template '{template.name}' needs param(s) {', '.join(missing)} "
                f"(it takes: {wanted})"
            )
            self.error(self.fields.get("params", node), message, "template-params")
        if not self.ok or len(params) < len(self.declared):
            return None
        problem = probe(safe_eval.parse(template.formula, self.declared), params)
        if problem:
            self.error(node, f"template '{template.name}': {problem}", "formula-error")
            return None
        return template.formula

    def read_answer_or_formula(
        self, params: list[list[str]], template: Template | None = None
    ) -> tuple[str | None, str | None]:
        """``(answer, formula)``: exactly one of them is given (or the template's formula)."""
        if template is not None:
            return None, self.template_formula(template, params)
        answer_node = self.fields.get("answer")
        formula_node = self.fields.get("formula")
        params_node = self.fields.get("params")
        if "template" in self.fields:
            self.ok = False  # an unknown template: reported
            return None, None
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
        for found in PLACEHOLDER_RE.findall(text):
            if found not in allowed:
                known = ", ".join(allowed) or "none: the card has no params"
                message = f"placeholder '{{{found}}}' in {where} is not a param (known: {known})"
                self.error(node, message, "unknown-placeholder")

    def expressions_ok(self, node: Node, text: str, allowed: Sequence[str]) -> None:
        """Report every ``{=expression}`` in ``text`` that does not parse."""
        for match in EXPRESSION_RE.finditer(text):
            try:
                safe_eval.parse(match.group(1), allowed)
            except safe_eval.FormulaError as exc:
                message = f"'{{={match.group(1)}}}' in 'solution': {exc.reason}"
                self.error(node, message, "formula-syntax")

    def read_solution(self, template: Template | None = None) -> list[str]:
        """The worked-solution lines (or the template's); placeholders must be params or
        ``answer``, and ``{=expression}`` must parse over them."""
        node = self.fields.get("solution")
        if node is None:
            return list(template.solution) if template else []
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
                self.expressions_ok(item, line, allowed)
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
        shown = set(PLACEHOLDER_RE.findall(texts))
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
    template = checker.read_template()
    unit = checker.read_unit(template)
    tolerance = checker.read_tolerance(template)
    decimals = checker.read_decimals(template)
    syringe = checker.read_syringe(unit)
    facts = {key: checker.read_fact(key) for key in ("valence", "drop_factor")}
    params = checker.read_params()
    answer, formula = checker.read_answer_or_formula(params, template)
    solution = checker.read_solution(template)
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
        "template": template.name if template else None,
        **facts,
    }
