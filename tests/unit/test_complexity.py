"""No function in studyapp/ has a cyclomatic complexity above 25 (radon's measure).

ruff's C901 (also on, in pyproject.toml) counts differently and scored the old
68-branch ``compute_stats`` at 23, so this test holds radon's stricter bar.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

LIMIT = 25
PACKAGE = Path(__file__).resolve().parents[2] / "studyapp"


def test_no_function_is_more_complex_than_the_limit() -> None:
    over = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > LIMIT:
                where = f"{path.relative_to(PACKAGE)}:{block.lineno}"
                over.append(f"{where} {block.fullname} {block.complexity}")
    assert not over, "split these into named steps:\n" + "\n".join(over)


def test_the_measure_sees_branches() -> None:
    branches = "\n".join(f"    if x == {n}:\n        return {n}" for n in range(LIMIT + 1))
    (block,) = cc_visit(f"def f(x):\n{branches}\n")
    assert block.complexity > LIMIT
