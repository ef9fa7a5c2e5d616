"""Regenerate docs/class-screen.svg from the app itself: the class screen
(`studyapp class`) on the sample class the tests use, anonymous.

python docs/make_class_screenshot.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studyapp.tui.screens.class_report import ClassApp  # noqa: E402
from tests.unit.class_sample import sample_report  # noqa: E402

OUT = Path(__file__).with_name("class-screen.svg")


async def main() -> None:
    app = ClassApp(sample_report(anonymous=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.save_screenshot(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
