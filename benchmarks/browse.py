"""Browse on a 10,000-card deck: opening it, and what a search costs once typing pauses.

Usage::

    python benchmarks/browse.py [--reps N]

Writes one 10,000-card deck with ``generate.write_decks`` (the first deck of a
40,000-card library, in a temporary folder), opens it in browse with Pilot at
100x30, then times, for a few searches, :meth:`BrowseScreen.apply_search` (the filter
over every card and the table's new rows: what runs when typing pauses) and the screen
update after it (``pilot.pause()``: layout and drawing the rows on screen). Medians.
Target: a search at most 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PROFILE = False
QUERIES = ("receptor", "topic:kinetics", "is:new", "tag:exam -kind:cloze", "zzz-nothing", "")


async def run(folder: Path, reps: int) -> None:
    from random import Random

    from textual.widgets import Input

    from studyapp.app.config import Settings
    from studyapp.core.library import load_library
    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store
    from studyapp.tui.app import StudyApp
    from studyapp.tui.screens.browse import BrowseScreen

    decks = folder / "decks"
    store = Store.open(folder / "studyapp.db")
    app = StudyApp(
        load_library=lambda: load_library([decks], cache_dir=folder / "cache"),
        store=store,
        settings=Settings(deck_dirs=(decks,), include_bundled=False),
        policy=Policy(),
        rng=Random(1),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("b")
        await pilot.pause()
        opened = (time.perf_counter() - started) * 1e3
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        cards = len(screen.deck.cards)
        field = screen.query_one("#browse-search", Input)
        filters: list[float] = []
        paints: list[float] = []
        profiles: list[object] = []
        for _ in range(reps):
            for query in QUERIES:
                field.value = query
                await pilot.pause()
                started = time.perf_counter()
                if PROFILE:
                    import cProfile

                    profile = cProfile.Profile()
                    profile.runcall(screen.apply_search)
                    profiles.append(profile)
                else:
                    screen.apply_search()
                middle = time.perf_counter()
                await pilot.pause()
                filters.append((middle - started) * 1e3)
                paints.append((time.perf_counter() - middle) * 1e3)
    store.close()
    if profiles:
        import pstats

        pstats.Stats(*profiles).sort_stats("cumulative").print_stats(25)  # type: ignore[arg-type]
    print(f"{cards:,} cards: browse opened in {opened:.0f} ms")
    print(
        f"search when typing pauses: filter + rows {statistics.median(filters):.1f} ms "
        f"(max {max(filters):.1f}), screen update {statistics.median(paints):.1f} ms "
        f"(max {max(paints):.1f}); target <= 50 ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the searches")
    args = parser.parse_args(argv)
    global PROFILE
    PROFILE = args.profile
    with tempfile.TemporaryDirectory(prefix="studyapp-browse-") as tmp:
        folder = Path(tmp)
        files = generate.write_decks(folder / "all", 40_000, generate.DEFAULT_SEED)
        (folder / "decks").mkdir()
        files[0].rename(folder / "decks" / files[0].name)
        asyncio.run(run(folder, args.reps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
