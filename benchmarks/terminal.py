"""Launch to home and launch to first card, in a real terminal, as a student sees it.

Usage::

    python benchmarks/terminal.py [--rounds N] [--data DIR] [--json PATH]

Runs the *installed* ``studyapp`` (the one next to this interpreter) in tmux: a private
server (``-S`` socket in a temporary folder, ``-f /dev/null``), a window of 100x30,
``TEXTUAL_ANIMATIONS=none``, ``TERM=xterm-256color``. The time is from asking tmux for the
window to the moment ``capture-pane`` (polled every few milliseconds) shows:

* **bare**: a Textual app composing one ``Label`` (the baseline);
* **home**: the deck list with its first deck's title;
* **first card**: after ``enter`` is sent on the home screen, the review screen's key bar.

Two libraries: the bundled deck on a fresh database (a new data folder each launch), and the
10,000-card library of ``benchmarks/generate.py`` with its 100,000-review database and warm
deck cache. Each round runs bare, bundled, 10k in turn (interleaved, so background load hits
all alike); the medians and ranges are printed with the ratios to the bare app. The
subprocesses write bytecode under ``benchmarks/.data/pycache`` (as ``run.py`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

SIZE = ("100", "30")
POLL_S = 0.02
TIMEOUT_S = 60.0
BARE_APP = """
from textual.app import App
from textual.widgets import Label


class Bare(App[None]):
    def compose(self):
        yield Label("bare app ready")


Bare().run()
"""


class Tmux:
    """A private tmux server; one window per launch."""

    def __init__(self, folder: Path) -> None:
        self.socket = str(folder / "tmux.sock")
        self("new-session", "-d", "-s", "bench", "-x", SIZE[0], "-y", SIZE[1], "sleep 86400")

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        )
        return result.stdout

    def wait(self, target: str, text: str, started: float) -> float:
        """Seconds from ``started`` until ``text`` is on the pane."""
        deadline = started + TIMEOUT_S
        screen = ""
        while time.perf_counter() < deadline:
            screen = self("capture-pane", "-p", "-t", target)
            if text in screen:
                return time.perf_counter() - started
            time.sleep(POLL_S)
        raise RuntimeError(f"{text!r} never appeared in {target}; last screen:\n{screen}")

    def launch(self, name: str, command: str) -> tuple[str, float]:
        started = time.perf_counter()
        self("new-window", "-d", "-t", "bench", "-n", name, command)
        return f"bench:{name}", started

    def close(self, target: str) -> None:
        self("kill-window", "-t", target)

    def stop(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, check=False)


FIRST_BUNDLED_CARD = "New 20  Learn 0  Due 0"
"""On the review screen of a fresh database's first bundled deck, drawn with its first card."""


def environment(home: Path | None) -> str:
    env = {
        "TEXTUAL_ANIMATIONS": "none",
        "TERM": "xterm-256color",
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": str(generate.DEFAULT_OUT / "pycache"),
    }
    if home is not None:
        env["STUDYAPP_HOME"] = str(home)
    return "env " + " ".join(f"{key}={value}" for key, value in env.items())


def one_app(
    tmux: Tmux, name: str, command: str, home_text: str, card_text: str | None
) -> tuple[float, float | None]:
    """Launch, time the home screen (and the first card after enter), close."""
    target, started = tmux.launch(name, command)
    try:
        home = tmux.wait(target, home_text, started)
        card = None
        if card_text is not None:
            tmux("send-keys", "-t", target, "Enter")
            card = tmux.wait(target, card_text, started)
        return home, card
    finally:
        tmux.close(target)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(values) * 1e3,
        "min_ms": min(values) * 1e3,
        "max_ms": max(values) * 1e3,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="data folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the samples here")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("terminal.py needs tmux", file=sys.stderr)
        return 1
    studyapp = Path(sys.executable).with_name("studyapp")
    generate.ensure(args.data)
    big_home = args.data / "home"
    decks = args.data / "decks"
    # The 10k library alone (the bundled decks would be listed first and studied on enter).
    (big_home / "config.toml").write_text("include_bundled_decks = false\n", encoding="utf-8")
    samples: dict[str, list[float]] = {
        key: [] for key in ("bare", "bundled_home", "bundled_card", "10k_home", "10k_card")
    }
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="studyapp-terminal-") as tmp:
        folder = Path(tmp)
        bare = folder / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        tmux = Tmux(folder)
        try:
            # warm-up: bytecode, the 10k deck cache, the page cache
            one_app(tmux, "w0", f"{environment(None)} {sys.executable} {bare}", "bare app", None)
            warm = f"{environment(big_home)} {studyapp} --decks {decks}"
            one_app(tmux, "w1", warm, "benchmark deck 1", "show answer")
            for round_ in range(args.rounds):
                command = f"{environment(None)} {sys.executable} {bare}"
                home, _ = one_app(tmux, f"b{round_}", command, "bare app ready", None)
                samples["bare"].append(home)
                fresh = folder / f"home-{round_}"
                command = f"{environment(fresh)} {studyapp}"
                # Enter studies the first bundled deck (pharmacy calculations, a typed
                # numeric card first): its review screen's header is the card shown.
                home, card = one_app(tmux, f"s{round_}", command, "Selank", FIRST_BUNDLED_CARD)
                samples["bundled_home"].append(home)
                samples["bundled_card"].append(card or 0.0)
                home, card = one_app(tmux, f"k{round_}", warm, "benchmark deck 1", "show answer")
                samples["10k_home"].append(home)
                samples["10k_card"].append(card or 0.0)
        finally:
            tmux.stop()
    load_after = os.getloadavg()
    bare_median = statistics.median(samples["bare"])
    results: dict[str, Any] = {
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load": [load_before, load_after],
        "samples_s": samples,
        "summary": {key: summary(values) for key, values in samples.items()},
        "ratios": {
            key: statistics.median(values) / bare_median
            for key, values in samples.items()
            if key != "bare"
        },
    }
    targets = {"bundled_home": 1.2, "bundled_card": 1.3, "10k_home": 1.2, "10k_card": 1.5}
    print(f"{'':<14}{'median ms':>10}{'range ms':>16}{'ratio':>8}{'target':>8}")
    for key, values in samples.items():
        line = summary(values)
        ratio = results["ratios"].get(key)
        print(
            f"{key:<14}{line['median_ms']:>10.0f}"
            f"{line['min_ms']:>8.0f}-{line['max_ms']:<7.0f}"
            + (f"{ratio:>8.2f}x{targets[key]:>7.1f}x" if ratio is not None else "")
        )
    print(f"{os.cpu_count()} CPUs, load {load_before} -> {load_after}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
