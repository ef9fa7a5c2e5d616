"""What pint costs, and what grading a numeric answer costs once it is warm.

    python benchmarks/units.py [--reps N] [--json FILE]

* **cold**: in a fresh interpreter, ``import pint`` and building our registry (pint's
  defaults plus ``pharmacy_units.txt``), without and with pint's cache of parsed
  definitions (the app keeps one in its data folder): what the background warm-up hides;
* **reading**: importing the units module and reading six answers' units in a fresh
  interpreter (pint is never imported for that: checked);
* **grading**: grading one numeric answer that needs a conversion (``0.875 mL/min`` on a
  ``mL/h`` card, ``5 mg/mL`` on a ``mcg/mL`` card), the registry warm: median per answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
import pint
t1 = time.perf_counter()
from studyapp.core.kinds import _quantities
if len(sys.argv) > 1:
    _quantities.use_cache_folder(Path(sys.argv[1]))
_quantities.registry()
t2 = time.perf_counter()
print((t1 - t0) * 1e3, (t2 - t1) * 1e3)
"""

READING = """
import sys, time
t0 = time.perf_counter()
from studyapp.core.kinds import units
for text in ("5 mg/mL", "3 mcg/kg/min", "-20C", "1:1000", "40 mg/m2", "9 IU"):
    units.parse_quantity(text)
t1 = time.perf_counter()
assert "pint" not in sys.modules
print((t1 - t0) * 1e3)
"""


def fresh(code: str, reps: int, *args: str) -> list[list[float]]:
    """Run ``code`` in ``reps`` fresh interpreters; the numbers each prints."""
    runs = []
    for _ in range(reps):
        out = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs.append([float(x) for x in out.split()])
    return runs


def grading(reps: int) -> dict[str, float]:
    """Median milliseconds to grade one converted answer, warm."""
    from studyapp.core.deck.model import Card
    from studyapp.core.kinds import KINDS, _quantities
    from studyapp.core.kinds.grading import DeckContext, Question

    _quantities.registry()
    numeric = KINDS["numeric"]
    cases = {"0.875 mL/min on mL/h": ("52.5", "mL/h"), "5 mg/mL on mcg/mL": ("5000", "mcg/mL")}
    result = {}
    for name, (answer, unit) in cases.items():
        data = {
            "question": "Q?",
            "unit": unit,
            "answer": answer,
            "formula": None,
            "params": [],
            "tolerance": ["abs", "0"],
            "decimals": None,
            "solution": [],
            "syringe": None,
            "template": None,
            "valence": None,
            "drop_factor": None,
        }
        card = Card(id="c", kind="numeric", topic="dosing", line=1, data=data)
        question = Question(numeric.interaction, (), unit=unit)
        typed = name.split(" on ")[0]
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            grade = numeric.grade(card, question, typed, DeckContext("d"))
            times.append((time.perf_counter() - t0) * 1e3)
            assert grade.correct, grade
        result[name] = statistics.median(times)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    cold = fresh(COLD, args.reps)
    with tempfile.TemporaryDirectory() as folder:
        fresh(COLD, 1, folder)  # fills pint's cache
        cached = fresh(COLD, args.reps, folder)
    reading = fresh(READING, args.reps)
    results = {
        "pint_import_ms": statistics.median(r[0] for r in cold),
        "registry_build_ms": statistics.median(r[1] for r in cold),
        "registry_build_cached_ms": statistics.median(r[1] for r in cached),
        "read_units_without_pint_ms": statistics.median(r[0] for r in reading),
        "grade_warm_ms": grading(args.reps * 30),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
