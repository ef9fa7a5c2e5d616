"""Paths and settings: STUDYAPP_HOME, --data-dir, platformdirs, config.toml."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.app.config import (
    ConfigError,
    Paths,
    Settings,
    bundled_decks_dir,
    load_settings,
    resolve_paths,
)
from studyapp.core.study.scheduling import SchedulerConfig
from studyapp.core.study.session import DailyLimits

REPO_DECKS = Path(__file__).resolve().parents[2] / "decks"


def files_under(root: Path) -> list[Path]:
    return sorted(root.rglob("*")) if root.exists() else []


def settings_from(tmp_path: Path, toml: str, env: dict[str, str] | None = None) -> Settings:
    paths = Paths(tmp_path / "config", tmp_path / "data")
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(toml, encoding="utf-8")
    return load_settings(paths, env=env or {})


def config_error(tmp_path: Path, toml: str) -> str:
    with pytest.raises(ConfigError) as info:
        settings_from(tmp_path, toml)
    message = str(info.value)
    assert message.startswith(str(tmp_path / "config" / "config.toml") + ": ")
    return message.split(": ", 1)[1]


# ------------------------------------------------------------------- paths


def test_studyapp_home_puts_config_and_data_in_one_folder(isolated_home: Path) -> None:
    paths = resolve_paths()
    assert paths == Paths(isolated_home, isolated_home)
    assert paths.config_file == isolated_home / "config.toml"
    assert paths.database == isolated_home / "studyapp.db"
    assert paths.cache_dir == isolated_home / "cache" / "decks"


def test_data_dir_overrides_studyapp_home(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "mine")
    assert paths == Paths(tmp_path / "mine", tmp_path / "mine")
    assert resolve_paths(str(tmp_path / "text")) == Paths(tmp_path / "text", tmp_path / "text")


def test_data_dir_and_home_expand_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_paths("~/s").data_dir == tmp_path / "s"
    assert resolve_paths(env={"STUDYAPP_HOME": "~/h"}).config_dir == tmp_path / "h"


def test_without_home_platformdirs_paths_under_xdg(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("STUDYAPP_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    paths = resolve_paths()
    assert paths.config_dir == tmp_path / "xdg-config" / "studyapp"
    assert paths.data_dir == tmp_path / "xdg-data" / "studyapp"
    assert paths.database == tmp_path / "xdg-data" / "studyapp" / "studyapp.db"


def test_empty_studyapp_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    paths = resolve_paths(env={"STUDYAPP_HOME": ""})
    assert paths == Paths(tmp_path / "c" / "studyapp", tmp_path / "d" / "studyapp")


def test_explicit_env_mapping_is_used(tmp_path: Path) -> None:
    assert resolve_paths(env={"STUDYAPP_HOME": str(tmp_path)}) == Paths(tmp_path, tmp_path)


def test_nothing_is_created_on_disk(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home_root = isolated_home.parent
    before = files_under(home_root)
    paths = resolve_paths()
    settings = load_settings(paths)
    assert settings.deck_dirs == (bundled_decks_dir(),)
    monkeypatch.delenv("STUDYAPP_HOME")
    load_settings(resolve_paths())
    load_settings(resolve_paths(tmp_path / "x"), extra_decks=[tmp_path / "y"])
    assert files_under(home_root) == before
    assert not isolated_home.exists()
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------- defaults


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = load_settings(Paths(tmp_path, tmp_path), env={})
    assert settings == Settings(deck_dirs=(bundled_decks_dir(),))
    assert settings.scheduler == SchedulerConfig()
    assert settings.rollover_hour == 4
    assert settings.limits == DailyLimits(20, 200)
    assert settings.limits_for("anything") == DailyLimits(20, 200)
    assert settings.include_bundled is True


def test_bundled_decks_dir_holds_the_bundled_deck() -> None:
    assert (bundled_decks_dir() / "selank.yaml").is_file()
    assert bundled_decks_dir().resolve() == REPO_DECKS.resolve()


# ------------------------------------------------------------ config values


def test_config_values_are_read(tmp_path: Path) -> None:
    absolute = tmp_path / "absolute-decks"
    settings = settings_from(
        tmp_path,
        f"""
        decks = ["relative", "{absolute.as_posix()}"]

        [scheduling]
        desired_retention = 0.85
        day_rollover_hour = 3
        new_per_day = 15
        reviews_per_day = 150
        maximum_interval = 365
        learning_steps = ["30s", "5m", "1h"]
        relearning_steps = ["1d"]
        leech_threshold = 6
        fuzz = false

        [deck.selank]
        new_per_day = 10

        [deck.other]
        reviews_per_day = 0
        """,
    )
    assert settings.deck_dirs == (
        bundled_decks_dir(),
        tmp_path / "config" / "relative",
        absolute,
    )
    assert settings.scheduler == SchedulerConfig(
        desired_retention=0.85,
        learning_steps=(timedelta(seconds=30), timedelta(minutes=5), timedelta(hours=1)),
        relearning_steps=(timedelta(days=1),),
        maximum_interval=365,
        leech_threshold=6,
        enable_fuzz=False,
    )
    assert settings.rollover_hour == 3
    assert settings.limits == DailyLimits(15, 150)
    assert settings.limits_for("selank") == DailyLimits(10, 150)
    assert settings.limits_for("other") == DailyLimits(15, 0)
    assert settings.limits_for("unknown") == DailyLimits(15, 150)


def test_decks_entries_expand_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = settings_from(tmp_path, 'decks = ["~/pharm-decks"]\n')
    assert settings.deck_dirs[-1] == tmp_path / "pharm-decks"


def test_bundled_decks_can_be_left_out(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, 'include_bundled_decks = false\ndecks = ["/d"]\n')
    assert settings.deck_dirs == (Path("/d"),)
    assert settings.include_bundled is False


def test_empty_learning_steps_are_allowed(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, "[scheduling]\nlearning_steps = []\n")
    assert settings.scheduler.learning_steps == ()


def test_readme_example_config_is_valid(tmp_path: Path) -> None:
    readme = (REPO_DECKS.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    example = "\n".join(line.strip() for line in example.splitlines())
    settings = settings_from(tmp_path, example)
    assert settings.limits_for("selank") == DailyLimits(10, 200)
    assert settings.sync_url == "postgresql://alice@db.example.edu:5432/pharm101?sslmode=require"


# ------------------------------------------------------------ deck folders


def test_deck_folder_order(tmp_path: Path) -> None:
    sep = os.pathsep
    settings = settings_from(
        tmp_path,
        'decks = ["from-config"]\n',
        env={"STUDYAPP_DECKS": f"{tmp_path / 'env1'}{sep} {sep}{tmp_path / 'env2'} "},
    )
    assert settings.deck_dirs == (
        bundled_decks_dir(),
        tmp_path / "config" / "from-config",
        tmp_path / "env1",
        tmp_path / "env2",
    )
    paths = Paths(tmp_path / "config", tmp_path / "data")
    with_extra = load_settings(paths, extra_decks=[tmp_path / "cli"], env={})
    assert with_extra.deck_dirs[-1] == tmp_path / "cli"


def test_studyapp_decks_from_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "STUDYAPP_DECKS", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    )
    settings = load_settings(resolve_paths())
    assert settings.deck_dirs == (bundled_decks_dir(), tmp_path / "a", tmp_path / "b")


# --------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[scheduling]\ndesired_retention = 1.5\n",
            "[scheduling] desired_retention must be a number from 0.7 to 0.99, got 1.5",
        ),
        (
            '[scheduling]\ndesired_retention = "high"\n',
            "[scheduling] desired_retention must be a number from 0.7 to 0.99, got 'high'",
        ),
        (
            "[scheduling]\nday_rollover_hour = 24\n",
            "[scheduling] day_rollover_hour must be a whole number from 0 to 23, got 24",
        ),
        (
            "[scheduling]\nnew_per_day = -1\n",
            "[scheduling] new_per_day must be a whole number from 0 to 100000, got -1",
        ),
        (
            "[scheduling]\nnew_per_day = 2.5\n",
            "[scheduling] new_per_day must be a whole number from 0 to 100000, got 2.5",
        ),
        (
            "[scheduling]\nmaximum_interval = true\n",
            "[scheduling] maximum_interval must be a whole number from 1 to 36500, got True",
        ),
        (
            '[scheduling]\nlearning_steps = "1m"\n',
            '[scheduling] learning_steps must be a list like ["1m", "10m"]',
        ),
        (
            '[scheduling]\nrelearning_steps = ["10 minutes"]\n',
            "[scheduling] relearning_steps: '10 minutes' is not a step like '10m'",
        ),
        (
            '[scheduling]\nlearning_steps = ["1.5m"]\n',
            "[scheduling] learning_steps: '1.5m' is not a step like '10m'",
        ),
        (
            '[scheduling]\nlearning_steps = ["99999999999999999999999999m"]\n',
            "[scheduling] learning_steps: '99999999999999999999999999m' is out of range: "
            "each step from 1s to 365d",
        ),
        (
            '[scheduling]\nrelearning_steps = ["9855000d"]\n',
            "[scheduling] relearning_steps: '9855000d' is out of range: each step from 1s to 365d",
        ),
        (
            '[scheduling]\nlearning_steps = ["0m"]\n',
            "[scheduling] learning_steps: '0m' is out of range: each step from 1s to 365d",
        ),
        ('[scheduling]\nfuzz = "no"\n', "[scheduling] fuzz must be true or false, got 'no'"),
        ('scheduling = "fast"\n', "[scheduling] must be a table"),
        (
            "[deck.selank]\nnew_per_day = -5\n",
            "[deck.selank] new_per_day must be a whole number from 0 to 100000, got -5",
        ),
        ("deck = 5\n", "deck must be a table of [deck.<id>] tables"),
        ("[deck]\nselank = 5\n", "[deck.selank] must be a table"),
        ('decks = "~/decks"\n', 'decks must be a list of folders, like decks = ["~/pharm-decks"]'),
        ("decks = [1, 2]\n", 'decks must be a list of folders, like decks = ["~/pharm-decks"]'),
        ('include_bundled_decks = "no"\n', "include_bundled_decks must be true or false, got 'no'"),
        (
            "[scheduling]\ndesired_retntion = 0.9\n",
            "unknown setting 'desired_retntion' in [scheduling]; did you mean 'desired_retention'?",
        ),
        (
            "[deck.selank]\nnew_per_dya = 3\n",
            "unknown setting 'new_per_dya' in [deck.selank]; did you mean 'new_per_day'?",
        ),
        ("deck_dirs = []\n", "unknown setting 'deck_dirs' in the top level; did you mean 'decks'?"),
        ("colour = 'red'\n", "unknown setting 'colour' in the top level"),
    ],
)
def test_bad_values_raise_a_clear_config_error(tmp_path: Path, toml: str, message: str) -> None:
    assert config_error(tmp_path, toml) == message


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[scheduling\nnew_per_day = 1\n")
    assert "line 1" in message


def test_config_file_that_is_not_utf8(tmp_path: Path) -> None:
    paths = Paths(tmp_path, tmp_path)
    paths.config_file.write_bytes(b"decks = ['caf\xe9']\n")
    with pytest.raises(ConfigError, match=r"config\.toml: .*utf-8"):
        load_settings(paths, env={})


def test_hard_after_seconds_sets_when_a_slow_right_answer_proposes_hard(tmp_path: Path) -> None:
    paths = Paths(tmp_path, tmp_path)
    paths.config_file.write_text("[scheduling]\nhard_after_seconds = 45\n", encoding="utf-8")
    assert load_settings(paths, env={}).hard_after_ms == 45_000
    paths.config_file.write_text("[scheduling]\nhard_after_seconds = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="hard_after_seconds"):
        load_settings(paths, env={})


# ------------------------------------------------------------ [sync]


def test_sync_url_is_read_and_a_password_in_it_refused_unshown(tmp_path: Path) -> None:
    assert settings_from(tmp_path, "").sync_url is None
    url = "postgresql://alice@db.example.edu/pharm101"
    assert settings_from(tmp_path, f'[sync]\nurl = "{url}"\n').sync_url == url
    for bad in (
        "postgresql://alice:hunter22@db.example.edu/pharm101",
        "host=db user=alice password=hunter22 dbname=pharm101",
        "postgresql://alice@db/pharm101?password=hunter22",
    ):
        with pytest.raises(ConfigError, match="must not hold a password") as raised:
            settings_from(tmp_path, f'[sync]\nurl = "{bad}"\n')
        assert "hunter22" not in str(raised.value)
    with pytest.raises(ConfigError, match="unknown setting 'uri' in \\[sync\\]"):
        settings_from(tmp_path, '[sync]\nuri = "x"\n')
