"""The vocabulary of ``numeric`` cards (see :mod:`studyapp.core.kinds.numeric`).

Rule: every limit, field and pattern a numeric card is checked against
(:mod:`studyapp.core.kinds._numeric_check`) and read with is defined here once,
and a number is taken exactly as the deck wrote it (:func:`decimal_of`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from studyapp.core.kinds.base import FieldSpec, FieldType

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node


MAX_MAGNITUDE = Decimal(10) ** 15
"""The largest number accepted for an answer, a tolerance or a param bound."""
MAX_GRID = 1_000_000
"""The most values one param may take."""
MAX_DECIMALS = 10
PARAM_FIELDS = (
    FieldSpec("min", FieldType.NUMBER, required=True, doc="The smallest value drawn."),
    FieldSpec("max", FieldType.NUMBER, required=True, doc="The largest value drawn."),
    FieldSpec("step", FieldType.NUMBER, doc="Values are min, min+step, ... <= max (default 1)."),
)
"""The fields of one param of ``params``."""
PARAM_KEYS = tuple(spec.name for spec in PARAM_FIELDS)
SYRINGE = "u100"
U100_UNITS_PER_ML = 100
U100_SCALE = 100
"""A U-100 syringe holds 100 units (1 mL)."""
MAX_ART_WIDTH = 70

TYPE_NAMES = {
    "str": "text",
    "map": "a mapping",
    "seq": "a list",
    "bool": "a boolean",
    "null": "empty",
}
IDENTIFIER_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
"""A param name (Python keywords are also refused)."""
IDENTIFIER_RE = re.compile(IDENTIFIER_PATTERN)
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
EXPRESSION_RE = re.compile(r"\{=([^{}:]+)(?::(\d))?\}")
"""A computed step in a solution line: ``{=weight * dose_per_kg}``, ``{=ln(2) / t_half:4}``."""
RELATIVE_PATTERN = r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*"
"""A relative tolerance, ``2%``."""
RELATIVE_RE = re.compile(RELATIVE_PATTERN)


def decimal_of(node: Node) -> Decimal | None:
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
