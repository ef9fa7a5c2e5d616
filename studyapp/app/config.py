"""Paths and settings.

* ``STUDYAPP_HOME=DIR`` (or ``--data-dir DIR``) puts config and data both in
  ``DIR``; otherwise the platform's config and data folders are used
  (platformdirs).
* Settings come from ``config.toml`` in the config folder (all optional).
* Deck folders: the bundled decks, then ``decks`` from the config file, then
  ``STUDYAPP_DECKS`` (an ``os.pathsep``-separated list), then ``--decks``.

Nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from studyapp.core.study.queue import DailyLimits
from studyapp.core.study.scheduling import SchedulerConfig

__all__ = [
    "ConfigError",
    "Paths",
    "Settings",
    "bundled_decks_dir",
    "load_settings",
    "resolve_paths",
]

APP_NAME = "studyapp"


class ConfigError(Exception):
    """The config file is unreadable or has a bad value."""


@dataclass(frozen=True, slots=True)
class Paths:
    config_dir: Path
    data_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "studyapp.db"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache" / "decks"

    @property
    def units_cache_dir(self) -> Path:
        """pint's cache of parsed unit definitions (see ``core.kinds._quantities``)."""
        return self.data_dir / "cache" / "units"


def resolve_paths(
    data_dir: Path | str | None = None, env: Mapping[str, str] | None = None
) -> Paths:
    """Where config and data live (computed only; nothing is created)."""
    env = os.environ if env is None else env
    home = data_dir or env.get("STUDYAPP_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(root, root)
    import platformdirs

    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
    )


def bundled_decks_dir() -> Path:
    """The decks shipped with studyapp (in the wheel, or the source tree)."""
    package = Path(__file__).resolve().parents[1]  # studyapp/, this is studyapp/app/config.py
    packaged = package / "decks"  # where the wheel puts them
    if packaged.is_dir():
        return packaged
    return package.parent / "decks"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, with defaults."""

    deck_dirs: tuple[Path, ...] = ()
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    rollover_hour: int = 4
    limits: DailyLimits = field(default_factory=DailyLimits)
    deck_limits: Mapping[str, DailyLimits] = field(default_factory=dict)
    include_bundled: bool = True
    hard_after_ms: int = 20_000
    """A right answer to a graded question slower than this proposes Hard, not Good."""
    sync_url: str | None = None
    """``[sync] url``: the class server this device syncs with (never a password)."""

    def limits_for(self, deck_id: str) -> DailyLimits:
        return self.deck_limits.get(deck_id, self.limits)


MAX_STEP = timedelta(days=365)
"""The longest learning step: longer ones are what reviews are for (and a step of
27,000 years overflows every date)."""
MAX_STEPS = 20


def _steps(value: Any, name: str) -> tuple[timedelta, ...]:
    if not isinstance(value, list):
        raise ConfigError(f'{name} must be a list like ["1m", "10m"]')
    if len(value) > MAX_STEPS:
        raise ConfigError(f"{name} must have at most {MAX_STEPS} steps, got {len(value)}")
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    out = []
    for item in value:
        text = str(item).strip()
        if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
            raise ConfigError(f"{name}: {item!r} is not a step like '10m'")
        digits = text[:-1].lstrip("0") or "0"
        seconds = int(digits) * units[text[-1]] if len(digits) <= 12 else None
        if seconds is None or not 1 <= seconds <= MAX_STEP.total_seconds():
            raise ConfigError(f"{name}: {item!r} is out of range: each step from 1s to 365d")
        out.append(timedelta(seconds=seconds))
    return tuple(out)


def _number(table: Mapping[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{key} must be a number from {low} to {high}, got {value!r}")
    return value


def _integer(table: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{key} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _flag(table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    return value


_TOP_KEYS = ("decks", "include_bundled_decks", "scheduling", "deck", "sync")
_SCHEDULING_KEYS = (
    "desired_retention",
    "learning_steps",
    "relearning_steps",
    "maximum_interval",
    "leech_threshold",
    "fuzz",
    "day_rollover_hour",
    "new_per_day",
    "reviews_per_day",
    "hard_after_seconds",
)
_DECK_KEYS = ("new_per_day", "reviews_per_day")


def _sync_url(data: Mapping[str, Any]) -> str | None:
    """``[sync] url``, refused if it holds a password (libpq reads that from
    ~/.pgpass, PGPASSFILE or PGPASSWORD; the value is not shown)."""
    table = data.get("sync", {})
    if not isinstance(table, dict):
        raise ConfigError("[sync] must be a table")
    _known_keys(table, ("url",), "[sync]")
    url = table.get("url")
    if url is None:
        return None
    if not isinstance(url, str) or not url.strip():
        raise ConfigError('[sync] url must be text like "postgresql://alice@host:5432/pharm101"')
    from urllib.parse import urlsplit

    try:
        secret = "password" in url.lower() or bool(urlsplit(url.strip()).password)
    except ValueError:
        secret = False
    if secret:
        raise ConfigError(
            "[sync] url must not hold a password (not shown): put it in ~/.pgpass, "
            "PGPASSFILE or PGPASSWORD"
        )
    return url.strip()


def _known_keys(table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    """A misspelt setting is an error, not silently ignored."""
    for key in table:
        if key not in allowed:
            import difflib  # only for a misspelt setting

            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"unknown setting '{key}' in {where}{hint}")


def load_settings(
    paths: Paths,
    *,
    extra_decks: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read ``config.toml`` (if any) and the deck folder settings."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    if paths.config_file.is_file():
        import tomllib  # only when there is a config file to read

        try:
            data = tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{paths.config_file}: {exc}") from exc
    try:
        return _settings(data, paths, extra_decks, env)
    except ConfigError as exc:
        raise ConfigError(f"{paths.config_file}: {exc}") from exc


def _settings(
    data: Mapping[str, Any], paths: Paths, extra_decks: Sequence[Path], env: Mapping[str, str]
) -> Settings:
    _known_keys(data, _TOP_KEYS, "the top level")
    dirs: list[Path] = []
    include_bundled = _flag(data, "include_bundled_decks", True)
    if include_bundled:
        dirs.append(bundled_decks_dir())
    decks = data.get("decks", [])
    if not isinstance(decks, list) or not all(isinstance(e, str) and e.strip() for e in decks):
        raise ConfigError('decks must be a list of folders, like decks = ["~/pharm-decks"]')
    for entry in decks:
        path = Path(entry).expanduser()
        dirs.append(path if path.is_absolute() else paths.config_dir / path)
    for entry in env.get("STUDYAPP_DECKS", "").split(os.pathsep):
        if entry.strip():
            dirs.append(Path(entry.strip()).expanduser())
    dirs.extend(Path(p).expanduser() for p in extra_decks)
    class_decks = paths.data_dir / "class-decks"  # written by `studyapp sync`
    if class_decks.is_dir():
        dirs.append(class_decks)

    sched = data.get("scheduling", {})
    if not isinstance(sched, dict):
        raise ConfigError("[scheduling] must be a table")
    _known_keys(sched, _SCHEDULING_KEYS, "[scheduling]")
    defaults = SchedulerConfig()
    try:
        scheduler = SchedulerConfig(
            desired_retention=_number(
                sched, "desired_retention", defaults.desired_retention, 0.7, 0.99
            ),
            learning_steps=_steps(sched["learning_steps"], "learning_steps")
            if "learning_steps" in sched
            else defaults.learning_steps,
            relearning_steps=_steps(sched["relearning_steps"], "relearning_steps")
            if "relearning_steps" in sched
            else defaults.relearning_steps,
            maximum_interval=_integer(
                sched, "maximum_interval", defaults.maximum_interval, 1, 36500
            ),
            leech_threshold=_integer(sched, "leech_threshold", defaults.leech_threshold, 0, 1000),
            enable_fuzz=_flag(sched, "fuzz", True),
        )
        rollover = _integer(sched, "day_rollover_hour", 4, 0, 23)
        hard_after_ms = 1000 * _integer(sched, "hard_after_seconds", 20, 1, 3600)
        limits = DailyLimits(
            new=_integer(sched, "new_per_day", 20, 0, 100000),
            reviews=_integer(sched, "reviews_per_day", 200, 0, 1000000),
        )
    except ConfigError as exc:
        raise ConfigError(f"[scheduling] {exc}") from None
    deck_tables = data.get("deck", {})
    if not isinstance(deck_tables, dict):
        raise ConfigError("deck must be a table of [deck.<id>] tables")
    deck_limits: dict[str, DailyLimits] = {}
    for deck_id, table in deck_tables.items():
        if not isinstance(table, dict):
            raise ConfigError(f"[deck.{deck_id}] must be a table")
        _known_keys(table, _DECK_KEYS, f"[deck.{deck_id}]")
        try:
            deck_limits[deck_id] = DailyLimits(
                new=_integer(table, "new_per_day", limits.new, 0, 100000),
                reviews=_integer(table, "reviews_per_day", limits.reviews, 0, 1000000),
            )
        except ConfigError as exc:
            raise ConfigError(f"[deck.{deck_id}] {exc}") from None
    return Settings(
        tuple(dirs),
        scheduler,
        rollover,
        limits,
        deck_limits,
        include_bundled,
        hard_after_ms,
        _sync_url(data),
    )
