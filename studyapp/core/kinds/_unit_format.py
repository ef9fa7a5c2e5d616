"""Showing numbers of numeric cards (see :mod:`studyapp.core.kinds.units`).

Rule: a number is shown in plain decimal notation without trailing zeros,
rounded half away from zero when a number of places is asked for, and a float
is first cut to :data:`FLOAT_DIGITS` significant digits so float noise never
decides a rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["FLOAT_DIGITS", "format_number", "format_signed"]


FLOAT_DIGITS = 12
"""Significant digits a float result keeps before it is rounded for showing: a formula
computed in floats (``0.1 + 0.2``) is never a last-digit hair below a rounding edge."""


def format_number(value: Decimal | float | int, decimals: int | None = None) -> str:
    """``value`` in plain decimal notation without trailing zeros.

    ``0.40`` gives ``"0.4"``, ``1500.0`` gives ``"1500"``, ``2.5e-4`` gives
    ``"0.00025"``. With ``decimals``, the value is first rounded (half away
    from zero) to that many decimal places, a float first to
    :data:`FLOAT_DIGITS` significant digits. Floats are read through their
    shortest ``repr``, so ``0.1 + 0.2`` shows as ``0.30000000000000004``
    unless rounded.
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        return str(value)
    if decimals is not None:
        if isinstance(value, float):  # float noise first: 6.749999999999999 is 6.75
            with localcontext() as ctx:
                ctx.prec = FLOAT_DIGITS
                number = +number
        number = _round(number, decimals)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _round(number: Decimal, decimals: int) -> Decimal:
    """``number`` rounded half away from zero to ``decimals`` places, never raising."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, number.adjusted() + decimals + 2)
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_signed(value: Decimal | float | int) -> str:
    """``+70`` or ``−70`` (a real minus sign): a number whose sign matters."""
    text = format_number(-value if value < 0 else value)
    return f"−{text}" if value < 0 else f"+{text}"
