"""Clinical calculation templates for ``numeric`` cards (``template: infusion-rate``).

Rule: a template is data, not code: a formula for the safe evaluator, the
params it needs, its unit, rounding rule, tolerance, worked-solution lines and
the conditions every drawn case must meet (``check`` proves them over the
params' grids, :mod:`studyapp.core.kinds._numeric_lint`). A card that names a
template gives only its question and its params' ranges; any of ``unit``,
``decimals``, ``tolerance`` and ``solution`` it gives itself wins over the
template's. Formulas are the standard ones (docs/deck-format.md cites them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TEMPLATES", "Condition", "Template"]


@dataclass(frozen=True, slots=True)
class Condition:
    """An expression over the params (and ``answer``) that must be > 0 (or >= 0) in
    every case; ``meaning`` says why, for the error message."""

    expression: str
    meaning: str
    strict: bool = True


@dataclass(frozen=True, slots=True)
class Template:
    """One clinical calculation."""

    name: str
    title: str
    params: tuple[tuple[str, str], ...]
    """``(name, what it is, with its unit)`` for each param the card must give."""
    formula: str
    unit: str
    decimals: int
    tolerance: str
    """``"0"`` (only rounding as shown) or a relative ``"1%"``."""
    rounding: str
    solution: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()


def _positive(*names: str) -> tuple[Condition, ...]:
    """Each of ``names`` is a positive number."""
    return tuple(Condition(name, f"'{name}' must be > 0") for name in names)


_ANSWER = Condition("answer", "the answer must be > 0")
_FRACTION = (
    Condition("f", "'f' (bioavailability) must be > 0"),
    Condition("1 - f", "'f' (bioavailability) must be at most 1", strict=False),
)

_LIST = [
    Template(
        "weight-dose",
        "Weight-based dose with a maximum dose",
        (("weight", "body weight, kg"), ("dose_per_kg", "mg/kg"), ("max_dose", "cap, mg")),
        "min(weight * dose_per_kg, max_dose)",
        "mg",
        1,
        "0",
        "to 0.1 mg",
        (
            "By weight: {weight} kg × {dose_per_kg} mg/kg = {=weight * dose_per_kg} mg.",
            "The maximum is {max_dose} mg a dose: give the smaller of the two.",
            "Dose: {answer} mg (to 0.1 mg).",
        ),
        _positive("weight", "dose_per_kg", "max_dose"),
    ),
    Template(
        "dose-volume",
        "Volume to give: dose over concentration",
        (("dose", "mg"), ("stock_mg", "mg in the stock"), ("stock_ml", "mL of the stock")),
        "dose * stock_ml / stock_mg",
        "mL",
        2,
        "0",
        "to 0.01 mL",
        (
            "Concentration: {stock_mg} mg / {stock_ml} mL = {=stock_mg / stock_ml:4} mg/mL.",
            "Volume: {dose} mg ÷ {=stock_mg / stock_ml:4} mg/mL = {answer} mL (to 0.01 mL).",
        ),
        (*_positive("dose", "stock_mg", "stock_ml"), _ANSWER),
    ),
    Template(
        "infusion-rate",
        "Infusion rate from a dose rate and a bag's concentration",
        (("dose_rate", "mg/h"), ("drug_mg", "mg in the bag"), ("bag_ml", "mL in the bag")),
        "dose_rate * bag_ml / drug_mg",
        "mL/h",
        1,
        "0",
        "to 0.1 mL/h",
        (
            "Concentration: {drug_mg} mg / {bag_ml} mL = {=drug_mg / bag_ml:4} mg/mL.",
            "Rate: {dose_rate} mg/h ÷ {=drug_mg / bag_ml:4} mg/mL = {answer} mL/h (to 0.1 mL/h).",
        ),
        (*_positive("dose_rate", "drug_mg", "bag_ml"), _ANSWER),
    ),
    Template(
        "infusion-rate-weight",
        "Infusion rate from a weight-based dose rate (mcg/kg/min)",
        (
            ("dose", "mcg/kg/min"),
            ("weight", "kg"),
            ("drug_mg", "mg in the bag"),
            ("bag_ml", "mL in the bag"),
        ),
        "dose * weight * 60 / 1000 * bag_ml / drug_mg",
        "mL/h",
        1,
        "0",
        "to 0.1 mL/h",
        (
            "Dose rate: {dose} mcg/kg/min × {weight} kg × 60 min/h = {=dose * weight * 60} mcg/h"
            " = {=dose * weight * 60 / 1000:4} mg/h.",
            "Concentration: {drug_mg} mg / {bag_ml} mL = {=drug_mg / bag_ml:4} mg/mL.",
            "Rate: {=dose * weight * 60 / 1000:4} mg/h ÷ {=drug_mg / bag_ml:4} mg/mL"
            " = {answer} mL/h (to 0.1 mL/h).",
        ),
        (*_positive("dose", "weight", "drug_mg", "bag_ml"), _ANSWER),
    ),
    Template(
        "drip-rate",
        "Gravity drip rate",
        (("volume", "mL"), ("hours", "h"), ("gtt_per_ml", "drop factor, gtt/mL")),
        "volume * gtt_per_ml / (hours * 60)",
        "gtt/min",
        0,
        "0",
        "to whole drops",
        (
            "Drops: {volume} mL × {gtt_per_ml} gtt/mL = {=volume * gtt_per_ml} gtt.",
            "Minutes: {hours} h × 60 = {=hours * 60} min.",
            "Rate: {=volume * gtt_per_ml} gtt ÷ {=hours * 60} min = {answer} gtt/min"
            " (whole drops).",
        ),
        (*_positive("volume", "hours", "gtt_per_ml"), _ANSWER),
    ),
    Template(
        "dilution",
        "Dilution, C1 × V1 = C2 × V2: volume of stock",
        (("c1", "stock, %"), ("c2", "wanted, %"), ("v2", "final volume, mL")),
        "c2 * v2 / c1",
        "mL",
        1,
        "0",
        "to 0.1 mL",
        (
            "C1 × V1 = C2 × V2, so V1 = C2 × V2 ÷ C1.",
            "V1 = {c2} % × {v2} mL ÷ {c1} % = {answer} mL of stock (to 0.1 mL),"
            " made up to {v2} mL.",
        ),
        (
            *_positive("c1", "c2", "v2"),
            Condition("c1 - c2", "the stock (c1) must be stronger than the dilution (c2)"),
        ),
    ),
    Template(
        "reconstitution",
        "Reconstitution: volume to draw from a reconstituted vial",
        (("vial_mg", "mg in the vial"), ("diluent_ml", "mL added"), ("dose_mg", "mg wanted")),
        "dose_mg * diluent_ml / vial_mg",
        "mL",
        2,
        "0",
        "to 0.01 mL",
        (
            "After adding {diluent_ml} mL: {vial_mg} mg / {diluent_ml} mL"
            " = {=vial_mg / diluent_ml:4} mg/mL.",
            "Draw {dose_mg} mg ÷ {=vial_mg / diluent_ml:4} mg/mL = {answer} mL (to 0.01 mL).",
        ),
        (
            *_positive("vial_mg", "diluent_ml", "dose_mg"),
            Condition("vial_mg - dose_mg", "the dose must fit in one vial", strict=False),
        ),
    ),
    Template(
        "percent-strength",
        "Percent strength (w/v): mass in a volume",
        (("percent", "% w/v"), ("volume", "mL")),
        "percent * 10 * volume",
        "mg",
        1,
        "0",
        "to 0.1 mg",
        (
            "{percent} % w/v is {percent} g in 100 mL = {=percent * 10} mg/mL.",
            "In {volume} mL: {=percent * 10} mg/mL × {volume} mL = {answer} mg.",
        ),
        (
            *_positive("percent", "volume"),
            Condition("100 - percent", "a w/v percentage above 100 is impossible here"),
        ),
    ),
    Template(
        "ratio-strength",
        "Ratio strength (1:N, w/v): mass in a volume",
        (("ratio", "N of 1:N"), ("volume", "mL")),
        "1000 * volume / ratio",
        "mg",
        2,
        "0",
        "to 0.01 mg",
        (
            "1:{ratio} is 1 g in {ratio} mL = 1000 mg ÷ {ratio} mL = {=1000 / ratio:4} mg/mL.",
            "In {volume} mL: {=1000 / ratio:4} mg/mL × {volume} mL = {answer} mg.",
        ),
        _positive("ratio", "volume"),
    ),
    Template(
        "cockcroft-gault",
        "Creatinine clearance (Cockcroft & Gault 1976)",
        (
            ("age", "years"),
            ("weight", "kg"),
            ("scr", "serum creatinine, mg/dL"),
            ("female", "1 for a woman, 0 for a man"),
        ),
        "(140 - age) * weight / (72 * scr) * (1 - 0.15 * female)",
        "mL/min",
        0,
        "1%",
        "to whole mL/min (1% tolerance)",
        (
            "CrCl = (140 − age) × weight ÷ (72 × SCr), × 0.85 for a woman.",
            "(140 − {age}) × {weight} ÷ (72 × {scr}) = {=(140 - age) * weight / (72 * scr):1}.",
            "Sex factor {=1 - 0.15 * female:2}: CrCl = {answer} mL/min (whole mL/min).",
        ),
        (
            Condition("140 - age", "age must be under 140 (else the clearance is negative)"),
            *_positive("weight", "scr"),
            Condition("female", "'female' must be 0 or 1", strict=False),
            Condition("1 - female", "'female' must be 0 or 1", strict=False),
        ),
    ),
    Template(
        "loading-dose",
        "Loading dose from a volume of distribution",
        (("vd", "L/kg"), ("weight", "kg"), ("target", "mg/L"), ("f", "bioavailability")),
        "vd * weight * target / f",
        "mg",
        0,
        "1%",
        "to whole mg (1% tolerance)",
        (
            "LD = Vd × C ÷ F; Vd = {vd} L/kg × {weight} kg = {=vd * weight:2} L.",
            "LD = {=vd * weight:2} L × {target} mg/L ÷ {f} = {answer} mg.",
        ),
        (*_positive("vd", "weight", "target"), *_FRACTION),
    ),
    Template(
        "maintenance-dose",
        "Maintenance dose from clearance",
        (("cl", "L/h"), ("target", "average Css, mg/L"), ("tau", "dosing interval, h"), ("f", "F")),
        "cl * target * tau / f",
        "mg",
        0,
        "1%",
        "to whole mg (1% tolerance)",
        (
            "Dose = CL × Css × τ ÷ F.",
            "{cl} L/h × {target} mg/L × {tau} h ÷ {f} = {answer} mg a dose.",
        ),
        (*_positive("cl", "target", "tau"), *_FRACTION),
    ),
    Template(
        "first-order",
        "First-order elimination: concentration after a time",
        (("c0", "mg/L"), ("t_half", "half-life, h"), ("t", "time, h")),
        "c0 * exp(-ln(2) / t_half * t)",
        "mg/L",
        2,
        "1%",
        "to 0.01 mg/L (1% tolerance)",
        (
            "k = ln 2 ÷ t½ = 0.693 ÷ {t_half} h = {=ln(2) / t_half:4} per h.",
            "C = C0 × e^(−k × t) = {c0} mg/L × e^(−{=ln(2) / t_half:4} × {t}) = {answer} mg/L.",
        ),
        (*_positive("c0", "t_half"), Condition("t", "'t' must be >= 0", strict=False)),
    ),
    Template(
        "bsa-mosteller",
        "Body surface area (Mosteller 1987)",
        (("height", "cm"), ("weight", "kg")),
        "sqrt(height * weight / 3600)",
        "m²",
        2,
        "0",
        "to 0.01 m²",
        (
            "BSA = √(height × weight ÷ 3600).",
            "√({height} cm × {weight} kg ÷ 3600) = √{=height * weight / 3600:4} = {answer} m².",
        ),
        _positive("height", "weight"),
    ),
    Template(
        "bsa-dose",
        "Dose by body surface area (Mosteller)",
        (("height", "cm"), ("weight", "kg"), ("dose_per_m2", "mg/m²")),
        "dose_per_m2 * sqrt(height * weight / 3600)",
        "mg",
        0,
        "1%",
        "to whole mg (1% tolerance: BSA is often rounded first)",
        (
            "BSA = √({height} × {weight} ÷ 3600) = {=sqrt(height * weight / 3600):2} m².",
            "Dose: {dose_per_m2} mg/m² × {=sqrt(height * weight / 3600):2} m² = {answer} mg.",
        ),
        _positive("height", "weight", "dose_per_m2"),
    ),
]

TEMPLATES: dict[str, Template] = {template.name: template for template in _LIST}
"""Every template by name."""
