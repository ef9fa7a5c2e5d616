"""studyapp performance benchmarks.

Usage::

    python benchmarks/run.py [--quick] [--data DIR] [--json PATH]

Every figure is a ratio against a baseline measured in the same run, with the
two interleaved (A, B, A, B, ...) so background load hits both alike; the
median of the repetitions is reported, with absolute milliseconds. Data (a
10,000-card library and a 100,000-review database) come from
``benchmarks/generate.py`` and are reused while the parameters match.

Subprocess timings run with ``PYTHONPYCACHEPREFIX`` pointing into the data
folder (and bytecode writing on), after a warm-up run, so studyapp and its
dependencies are both imported from cached bytecode as in a normal install;
nothing is written into the source tree.

Exits non-zero only if something crashes; missed targets are reported.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

REPO = HERE.parent
BUNDLED_DECKS = REPO / "decks"

# ---------------------------------------------------------------------------
# Scripts run in fresh interpreters
# ---------------------------------------------------------------------------
TUI_SCRIPT = r"""
import time
t0 = time.perf_counter()
import asyncio, json, sys
from pathlib import Path
from studyapp.app.config import Settings
from studyapp.core.library import load_library
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.review import ReviewScreen
from textual.widgets import Static
t_import = time.perf_counter()
decks, cache, db = (Path(a) for a in sys.argv[1:4])
marks = {}

async def main():
    store = Store.open(db)
    app = StudyApp(
        load_library=lambda: load_library([decks], cache_dir=cache),
        store=store,
        settings=Settings(deck_dirs=(decks,), include_bundled=False),
    )
    marks["constructed"] = time.perf_counter()
    async with app.run_test() as pilot:
        marks["home"] = time.perf_counter()
        await pilot.press("a")
        for _ in range(10000):
            screen = app.screen
            if isinstance(screen, ReviewScreen) and screen.is_mounted:
                front = screen.query_one("#front", Static)
                if str(front.content):
                    break
            await pilot.pause(0.001)
        else:
            raise SystemExit("the review screen never showed a card")
        await pilot.pause()
        marks["first_card"] = time.perf_counter()
        card = screen.session.current.key
    store.close()
    marks["card"] = card

asyncio.run(main())
t_end = time.perf_counter()
print(json.dumps({
    "import_ms": (t_import - t0) * 1e3,
    "construct_ms": (marks["constructed"] - t_import) * 1e3,
    "home_ms": (marks["home"] - marks["constructed"]) * 1e3,
    "to_card_ms": (marks["first_card"] - marks["home"]) * 1e3,
    "exit_ms": (t_end - marks["first_card"]) * 1e3,
    "card": marks["card"],
}))
"""

BARE_TEXTUAL_SCRIPT = r"""
import time
t0 = time.perf_counter()
import asyncio, json
from textual.app import App
from textual.widgets import Label
t_import = time.perf_counter()

class Bare(App):
    def compose(self):
        yield Label("hello")

async def main():
    app = Bare()
    async with app.run_test() as pilot:
        for _ in range(10000):
            if app.query(Label) and app.query_one(Label).is_mounted:
                break
            await pilot.pause(0.001)
        await pilot.pause()

asyncio.run(main())
print(json.dumps({"import_ms": (t_import - t0) * 1e3}))
"""


# ---------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    measured_ms: float
    baseline_ms: float | None
    ratio: float | None
    target: str
    met: bool
    reps: int
    samples_ms: list[float] = field(default_factory=list)
    baseline_samples_ms: list[float] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _time_call(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def interleaved(
    measured: Callable[[], object], baseline: Callable[[], object], reps: int
) -> tuple[list[float], list[float]]:
    """Alternate the two (baseline first), ``reps`` times each; milliseconds."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(reps):
        b.append(_time_call(baseline))
        a.append(_time_call(measured))
    return a, b


def ratio_result(
    name: str, a: list[float], b: list[float], limit: float, detail: dict[str, Any] | None = None
) -> Result:
    ma, mb = _median(a), _median(b)
    ratio = ma / mb
    return Result(name, ma, mb, ratio, f"<= {limit}x", ratio <= limit, len(a), a, b, detail or {})


def absolute_result(
    name: str, a: list[float], limit_ms: float, detail: dict[str, Any] | None = None
) -> Result:
    ma = _median(a)
    return Result(
        name, ma, None, None, f"<= {limit_ms:g} ms", ma <= limit_ms, len(a), a, [], detail or {}
    )


class Subprocess:
    """Runs commands in fresh interpreters with a private bytecode cache."""

    def __init__(self, data: Path) -> None:
        self.env = dict(os.environ)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(data / "pycache")
        self.env["TEXTUAL_ANIMATIONS"] = "none"
        self.env.pop("STUDYAPP_DECKS", None)

    def run(self, argv: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
        merged = {**self.env, **(env or {})}
        start = time.perf_counter()
        proc = subprocess.run(argv, env=merged, capture_output=True, text=True, check=False)
        elapsed = (time.perf_counter() - start) * 1e3
        if proc.returncode != 0:
            raise RuntimeError(
                f"command failed ({proc.returncode}): {argv[:4]}...\n{proc.stderr[-3000:]}"
            )
        return elapsed, proc.stdout

    def series(
        self, commands: dict[str, tuple[list[str], dict[str, str] | None]], reps: int
    ) -> dict[str, tuple[list[float], list[str]]]:
        """Run each command once to warm up, then all of them in turn ``reps`` times."""
        for argv, env in commands.values():
            self.run(argv, env)
        out: dict[str, tuple[list[float], list[str]]] = {name: ([], []) for name in commands}
        for _ in range(reps):
            for name, (argv, env) in commands.items():
                ms, stdout = self.run(argv, env)
                out[name][0].append(ms)
                out[name][1].append(stdout)
        return out


def _phase_medians(outputs: list[str]) -> dict[str, Any]:
    rows = [json.loads(line) for line in outputs]
    keys = [k for k, v in rows[0].items() if isinstance(v, (int, float))]
    medians: dict[str, Any] = {k: round(_median([r[k] for r in rows]), 1) for k in keys}
    extra = {k: v for k, v in rows[0].items() if k not in keys}
    return {**medians, **extra}


# ---------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------
def bench_library(
    decks: Path, cache: Path, reps: int, miss_reps: int, log: Callable[[str], None]
) -> list[Result]:
    import yaml

    from studyapp.core.library import load_library

    files = sorted(decks.glob("*.yaml"))
    seen: list[tuple[int, int]] = []  # (cards, errors) of the last cold load

    def baseline() -> None:
        for path in files:
            yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)

    def cold() -> None:
        library = load_library([decks])
        cards = sum(len(d.cards) for d in library.decks)
        seen[:] = [(cards, sum(len(r.errors) for r in library.results))]

    log(f"  cold load x{reps} (interleaved with CSafeLoader)")
    a, b = interleaved(cold, baseline, reps)
    cards, errors = seen[0]
    if errors:
        raise RuntimeError(f"benchmark library has {errors} errors")
    results = [
        ratio_result(
            "1. cold library load (no cache) vs yaml.CSafeLoader",
            a,
            b,
            1.2,
            {
                "files": len(files),
                "cards": cards,
                "bytes": sum(p.stat().st_size for p in files),
            },
        )
    ]

    if miss_reps:
        log(f"  cold load with cache write x{miss_reps}")
        samples = []
        for _ in range(miss_reps):
            with tempfile.TemporaryDirectory() as tmp:
                samples.append(_time_call(lambda t=tmp: load_library([decks], cache_dir=Path(t))))
        results.append(
            Result(
                "1b. cold load + cache write (info)",
                _median(samples),
                _median(b),
                _median(samples) / _median(b),
                "info",
                True,
                miss_reps,
                samples,
            )
        )

    shutil.rmtree(cache, ignore_errors=True)
    load_library([decks], cache_dir=cache)  # prime
    entries = len(list(cache.glob("*.json")))
    warm_reps = reps + 2
    log(f"  warm load x{warm_reps}")
    a, b = interleaved(lambda: load_library([decks], cache_dir=cache), baseline, warm_reps)
    results.append(
        ratio_result(
            "2. warm library load (cache hit) vs yaml.CSafeLoader",
            a,
            b,
            0.1,
            {"cache_entries": entries},
        )
    )
    return results


def bench_tui(
    runner: Subprocess, data: Path, reps: int, log: Callable[[str], None]
) -> list[Result]:
    py = sys.executable
    home = data / "home"
    small = data / "tui-bundled"
    shutil.rmtree(small, ignore_errors=True)
    small.mkdir(parents=True)
    # A fresh, empty database for the bundled deck: the first card is a new one.
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "bare": ([py, "-c", BARE_TEXTUAL_SCRIPT], None),
        "bundled": (
            [py, "-c", TUI_SCRIPT, str(BUNDLED_DECKS), str(small / "cache"), str(small / "db")],
            None,
        ),
        "10k": (
            [
                py,
                "-c",
                TUI_SCRIPT,
                str(data / "decks"),
                str(home / "cache" / "decks"),
                str(home / "studyapp.db"),
            ],
            None,
        ),
    }
    log(f"  time to first card x{reps} (+1 warm-up each), fresh interpreters")
    out = runner.series(commands, reps)
    bare_ms, bare_out = out["bare"]
    results = []
    for name, label in (
        ("bundled", "3a. TUI first card, bundled deck"),
        ("10k", "3b. TUI first card, 10k library + 100k reviews"),
    ):
        ms, stdout = out[name]
        detail = {"phases_ms": _phase_medians(stdout), "bare_phases_ms": _phase_medians(bare_out)}
        results.append(ratio_result(f"{label} vs bare Textual app", ms, bare_ms, 1.5, detail))
    return results


def bench_due(runner: Subprocess, data: Path, reps: int, log: Callable[[str], None]) -> Result:
    py = sys.executable
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "textual": ([py, "-c", "import textual.app"], None),
        "due": (
            [py, "-m", "studyapp", "due", "--decks", str(data / "decks")],
            {"STUDYAPP_HOME": str(data / "home")},
        ),
    }
    log(f"  studyapp due x{reps} (+1 warm-up each), fresh interpreters")
    out = runner.series(commands, reps)
    due_ms, due_out = out["due"]
    lines = due_out[-1].strip().splitlines()
    return ratio_result(
        "4. `studyapp due` (10k, warm cache) vs `import textual.app`",
        due_ms,
        out["textual"][0],
        0.5,
        {"output_lines": len(lines), "first_and_last_lines": lines[:1] + lines[-1:]},
    )


def bench_session(data: Path, reps: int, log: Callable[[str], None]) -> list[Result]:
    from studyapp.core.library import load_library
    from studyapp.core.study.scheduling import Policy, day_bounds
    from studyapp.core.study.session import DailyLimits, ReviewRecord, StudySession, build_queue
    from studyapp.core.study.session import prompts_of as prompts_of_deck
    from studyapp.store import Store

    library = load_library([data / "decks"], cache_dir=data / "home" / "cache" / "decks")
    decks = library.decks
    ids = [d.id for d in decks]
    policy = Policy()

    def clock() -> datetime:
        return datetime.now(UTC)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "studyapp.db"
        shutil.copyfile(data / "home" / "studyapp.db", db)
        store = Store.open(db)
        try:
            session_reps = max(reps * 4, 15)
            log(f"  StudySession construction x{session_reps}")

            def construct() -> StudySession:
                return StudySession(decks, store, policy, clock, limits=lambda _: DailyLimits())

            construct()  # warm the SQLite page cache
            samples = [_time_call(construct) for _ in range(session_reps)]
            session = construct()

            # Where the time goes (each part on its own, medians).
            start, end = day_bounds(clock(), 4)
            parts: dict[str, list[float]] = {
                "card_states": [],
                "day_counts": [],
                "prompts_of": [],
                "build_queue": [],
            }
            states = store.card_states(ids)
            today = store.day_counts(ids, start)
            prompts = [p for d in decks for p in prompts_of_deck(d)]
            for _ in range(session_reps):
                parts["card_states"].append(_time_call(lambda: store.card_states(ids)))
                parts["day_counts"].append(_time_call(lambda: store.day_counts(ids, start)))
                parts["prompts_of"].append(
                    _time_call(lambda: [p for d in decks for p in prompts_of_deck(d)])
                )
                parts["build_queue"].append(
                    _time_call(
                        lambda: build_queue(prompts, states, today, lambda _: DailyLimits(), end)
                    )
                )
            counts = session.counts()
            results = [
                absolute_result(
                    "5a. queue build: StudySession() on 10k cards / 100k reviews",
                    samples,
                    50,
                    {
                        "prompts": len(prompts),
                        "states": len(states),
                        "queue": {
                            "new": counts.new,
                            "learning": counts.learning,
                            "review": counts.review,
                        },
                        "parts_ms": {k: round(_median(v), 2) for k, v in parts.items()},
                    },
                )
            ]

            commits = 300
            log(f"  Store.record_review x{commits}")
            queue = session.queue.review + session.queue.new + session.queue.learning
            pool = queue or [p for d in decks for p in prompts_of_deck(d)]
            records = []
            now = clock()
            for i in range(commits):
                prompt = pool[i % len(pool)]
                before = session.state_of(prompt)
                rating = (3, 3, 3, 1, 2, 4)[i % 6]
                after = policy.review(before, rating, now)
                records.append(
                    ReviewRecord(prompt.key, prompt.card.kind, now, rating, 4000, before, after)
                )
            commit_samples = []
            for record in records:
                start_t = time.perf_counter()
                store.record_review(record)
                commit_samples.append((time.perf_counter() - start_t) * 1e3)
            results.append(
                absolute_result(
                    "5b. one answer commit: Store.record_review",
                    commit_samples,
                    5,
                    {"p90_ms": round(sorted(commit_samples)[int(commits * 0.9)], 3)},
                )
            )

            answers = 30
            log(f"  StudySession.answer x{answers} (info: commit + queue rebuild)")
            session = construct()
            answer_samples = []
            for i in range(answers):
                if session.current is None:
                    break
                answer_samples.append(
                    _time_call(lambda i=i: session.answer(3 if i % 4 else 1, 4000))
                )
            results.append(
                Result(
                    "5c. StudySession.answer (info: commit + rebuild)",
                    _median(answer_samples),
                    None,
                    None,
                    "info",
                    True,
                    len(answer_samples),
                    answer_samples,
                )
            )
        finally:
            store.close()
    return results


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------
def bench_authoring(data: Path, reps: int, log: Callable[[str], None]) -> list[Result]:
    """Live reload's poll of the deck files, and a browse search over the biggest deck."""
    from studyapp.core.library import load_library
    from studyapp.core.library.reload import stamps
    from studyapp.core.study.scheduling import CardState, day_bounds
    from studyapp.core.study.search import card_flags, card_text, matches, parse_query

    decks = data / "decks"
    poll_reps = max(reps * 20, 50)
    log(f"  live reload poll (stat every deck file) x{poll_reps}")
    stamps([decks])
    polls = [_time_call(lambda: stamps([decks])) for _ in range(poll_reps)]
    results = [absolute_result("6a. live reload: one poll of the 10k library's files", polls, 20)]
    library = load_library([decks], cache_dir=data / "home" / "cache" / "decks")
    deck = max(library.decks, key=lambda d: len(d.cards))
    log(f"  browse: render and index {len(deck.cards)} cards, then search x{reps * 4}")
    texts: dict[str, str] = {}
    index = [_time_call(lambda: texts.update((c.id, card_text(c)) for c in deck.cards))]
    results.append(
        absolute_result(f"6b. browse: open, index the text of {len(deck.cards)} cards", index, 2000)
    )
    _, day_end = day_bounds(datetime.now(UTC))
    flags = {c.id: card_flags([CardState()], day_end) for c in deck.cards}

    def search() -> None:
        for query in ("a", "ab", "kind:cloze is:new", '"the drug" -tag:x'):
            parsed = parse_query(query)
            [c for c in deck.cards if matches(parsed, c, texts[c.id], flags[c.id])]

    searches = [_time_call(search) / 4 for _ in range(reps * 4)]
    results.append(
        absolute_result(
            f"6c. browse: one search over {len(deck.cards)} cards (filter only)", searches, 50
        )
    )
    return results


def machine() -> dict[str, Any]:
    import textual
    import yaml

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from yaml import _yaml  # type: ignore[attr-defined]

        libyaml = _yaml.get_version_string()
    except (ImportError, AttributeError):
        libyaml = None
    # Which event parser studyapp's YAML reader uses (diagnostic only).
    from studyapp.core.deck import yamlsafe

    parser = getattr(yamlsafe, "_Parser", None)
    yaml_parser = f"{parser.__module__}.{parser.__name__}" if parser is not None else "?"
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "textual": getattr(textual, "__version__", "?"),
        "pyyaml": yaml.__version__,
        "libyaml": libyaml,
        "studyapp_yaml_event_parser": yaml_parser,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def table(results: list[Result]) -> str:
    header = ("benchmark", "median ms", "baseline ms", "ratio", "target", "result")
    rows = [header]
    for r in results:
        rows.append(
            (
                r.name,
                f"{r.measured_ms:.2f}" if r.measured_ms < 10 else f"{r.measured_ms:.0f}",
                "" if r.baseline_ms is None else f"{r.baseline_ms:.0f}",
                "" if r.ratio is None else f"{r.ratio:.2f}x",
                r.target,
                "-" if r.target == "info" else ("met" if r.met else "MISSED"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="studyapp performance benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~2 minutes)")
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="data folder")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="results file")
    args = parser.parse_args(argv)
    reps = 3 if args.quick else 5
    miss_reps = 0 if args.quick else 2
    sub_reps = 5 if args.quick else 11
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    info = machine()
    log(f"{info['cpus']} CPUs, Python {info['python']}, load {info['load_average']}")
    log(f"data in {args.data} (generating if missing or stale)")
    manifest = generate.ensure(args.data)
    log(
        f"  {manifest['cards_loaded']} cards in {len(manifest['files'])} files, "
        f"{manifest['reviews_written']} reviews"
    )
    runner = Subprocess(args.data)
    results: list[Result] = []
    log("library")
    results += bench_library(
        args.data / "decks", args.data / "home" / "cache" / "decks", reps, miss_reps, log
    )
    log("TUI")
    results += bench_tui(runner, args.data, sub_reps, log)
    log("CLI")
    results.append(bench_due(runner, args.data, sub_reps, log))
    log("session and store")
    results += bench_session(args.data, reps, log)
    log("authoring (browse, live reload)")
    results += bench_authoring(args.data, reps, log)
    info["load_average_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None

    print()
    print(table(results))
    missed = [r.name for r in results if r.target != "info" and not r.met]
    print()
    print(f"{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    payload = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "seconds": round(time.perf_counter() - started, 1),
        "machine": info,
        "data": manifest,
        "results": [asdict(r) for r in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
