"""Statistics on a hand-written review history, with every figure worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.cli import main
from studyapp.commands import stats as stats_command
from studyapp.core.deck.model import Card, Deck, PromptKey
from studyapp.core.progress.stats import (
    MATURE_DAYS,
    ReviewRow,
    StatsReport,
    compute_stats,
    heatmap_weeks,
    study_day,
)
from studyapp.core.study.scheduling import CardState, Policy, SchedulerConfig, State
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store
from studyapp.store.stats import review_rows, stats_report

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday; study day 2026-11-23


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def card(card_id: str, topic: str, kind: str = "basic", **data: object) -> Card:
    return Card(card_id, kind, topic, 1, data, siblings=("main",))


CHOICES = [
    {"text": "GABA transaminase", "correct": True},
    {"text": "Glutamic acid decarboxylase", "correct": False},
    {"text": "Monoamine oxidase A", "correct": False},
]
DECK = Deck(
    "d",
    "D",
    "",
    "d.yaml",
    (
        card("a", "t1"),
        card("b", "t2"),
        card("c", "t1"),
        card("e", "t3"),
        card("q", "t3", "choice", choices=CHOICES),
    ),
)


def key(card_id: str) -> PromptKey:
    return ("d", card_id, "main")


def row(
    card_id: str, when: str, before: str, rating: int, due: str | None, **kw: object
) -> ReviewRow:
    return ReviewRow(
        key(card_id),
        at(when),
        rating,
        before,
        scheduled_due=at(due) if due else None,
        **kw,  # type: ignore[arg-type]
    )


# Review history (see the comment of each row; interval = what the previous review scheduled).
HISTORY = [
    row("c", "2025-06-01T10:00", "new", 3, "2025-06-02T10:00"),
    row("c", "2025-06-02T10:00", "review", 2, "2025-06-12T10:00"),  # young (1d), hit, 539 days ago
    row("b", "2026-01-05T10:00", "new", 3, "2026-01-06T10:00"),
    row("b", "2026-01-06T10:00", "review", 4, "2026-02-15T10:00"),  # young (1d), hit, 321 days ago
    row("a", "2026-11-10T10:00", "new", 3, "2026-11-11T10:00"),
    row("a", "2026-11-11T10:00", "review", 1, "2026-11-11T10:10"),  # young (1d), miss, 12 days ago
    row("a", "2026-11-11T10:10", "relearning", 3, "2026-11-13T10:10"),  # not a Review prompt
    row("a", "2026-11-13T10:10", "review", 3, "2026-12-13T10:10"),  # young (2d), hit, 10 days ago
    row("a", "2026-11-20T09:00", "review", 1, "2026-11-20T09:10"),  # mature (30d), miss, 3 days ago
    row("b", "2026-11-22T10:00", "review", 3, "2026-12-22T10:00"),  # mature (40d), hit, 1 day ago
    # 03:00 UTC is before the 04:00 rollover: still study day 11-22, b's second answer that day.
    row("b", "2026-11-23T03:00", "review", 1, "2026-11-23T03:10"),
]


def report(
    rows: list[ReviewRow] = HISTORY,
    states: dict[PromptKey, CardState] | None = None,
    now: datetime = NOW,
    policy: Policy | None = None,
) -> StatsReport:
    return compute_stats(
        rows, states or {}, [DECK], policy or Policy(), now, rollover_hour=4, tz=UTC
    )


def cells(stats: StatsReport, group: str, topic: str | None = None) -> list[tuple[int, int]]:
    (found,) = [r for r in stats.retention if r.group == group and r.topic == topic]
    return [(ratio.hits, ratio.total) for ratio in found.windows]


def test_true_retention_counts_review_prompts_once_per_study_day() -> None:
    stats = report()
    # windows: 7d, 30d, 365d, all
    assert cells(stats, "all") == [(1, 2), (2, 4), (3, 5), (4, 6)]
    assert cells(stats, "young") == [(0, 0), (1, 2), (2, 3), (3, 4)]
    assert cells(stats, "mature") == [(1, 2), (1, 2), (1, 2), (1, 2)]
    assert cells(stats, "deck") == [(1, 2), (2, 4), (3, 5), (4, 6)]
    assert cells(stats, "topic", "t1") == [(0, 1), (1, 3), (1, 3), (2, 4)]
    assert cells(stats, "topic", "t2") == [(1, 1), (1, 1), (2, 2), (2, 2)]
    assert stats.retention_of("all").windows[0].rate == 0.5
    assert [r.label for r in stats.retention][:3] == ["overall", "young (<21d)", "mature (≥21d)"]


def test_reviews_per_day_buttons_and_time() -> None:
    timed = [
        row("a", "2026-11-22T10:00", "new", 3, None, duration_ms=61_500),
        row("b", "2026-11-23T05:00", "new", 4, None, duration_ms=2_000),
        row("b", "2026-11-23T05:01", "learning", 1, None, duration_ms=1_999),
    ]
    stats = report(HISTORY + timed)
    per_day = {v.day: v.value for v in stats.reviews_per_day}
    assert len(stats.reviews_per_day) == 365
    assert stats.reviews_per_day[-1].day == date(2026, 11, 23)
    assert per_day[date(2026, 11, 22)] == 3  # two at 11-22 and one at 03:00 on the 23rd
    assert per_day[date(2026, 11, 23)] == 2
    assert per_day[date(2026, 11, 11)] == 2
    assert date(2025, 6, 2) not in per_day  # older than a year: not in the calendar
    assert stats.total_reviews == 14
    assert stats.days_studied == 8  # 01-05, 01-06, 11-10, 11-11, 11-13, 11-20, 11-22, 11-23
    seconds = {v.day: v.value for v in stats.seconds_per_day}
    assert seconds[date(2026, 11, 22)] == 61
    assert seconds[date(2026, 11, 23)] == 2 + 1
    assert stats.load.reviewed == 2 and stats.load.seconds == 3
    # Buttons: again, hard, good, easy. Learning: new, learning, relearning before.
    assert stats.buttons["learning"] == (1, 0, 5, 1)
    assert stats.buttons["young"] == (1, 1, 1, 1)
    assert stats.buttons["mature"] == (2, 0, 1, 0)
    assert stats.buttons["all"] == (4, 1, 7, 2)


def test_streak_follows_the_rollover_hour() -> None:
    rows = [
        row("a", "2026-11-21T12:00", "new", 3, None),
        row("a", "2026-11-22T02:00", "learning", 3, None),  # study day 11-21
        row("a", "2026-11-23T03:59", "learning", 3, None),  # study day 11-22
    ]
    # At noon on the 23rd nothing was studied today: the streak ends yesterday.
    assert (report(rows).streak, report(rows).longest_streak) == (2, 2)
    # Just before the rollover it is still the 22nd, studied: the streak ends today.
    early = report(rows, now=at("2026-11-23T03:59:30"))
    assert early.today == date(2026, 11, 22) and early.streak == 2
    # A review at 04:00 belongs to the 23rd.
    later = report([*rows, row("a", "2026-11-23T04:00", "review", 3, None)])
    assert later.streak == 3
    # Two days without a review: no streak, the longest one is kept.
    assert report(rows, now=at("2026-11-25T12:00")).streak == 0
    assert report(rows, now=at("2026-11-25T12:00")).longest_streak == 2


def test_study_day_in_a_local_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # UTC+1 in November
    assert study_day(at("2026-11-23T02:30"), 4, berlin) == date(2026, 11, 22)  # 03:30 local
    assert study_day(at("2026-11-23T03:00"), 4, berlin) == date(2026, 11, 23)  # 04:00 local
    assert study_day(at("2026-11-23T03:00"), 4, UTC) == date(2026, 11, 22)


def test_mature_is_exactly_an_interval_of_21_days_or_more() -> None:
    # The log is read as UTC text; maturity is decided on it to the microsecond.
    start = datetime(2026, 10, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    exactly = start + timedelta(days=MATURE_DAYS)
    rows = [
        ReviewRow(key("a"), start, 3, "new", scheduled_due=exactly),
        ReviewRow(key("b"), start, 3, "new", scheduled_due=exactly - timedelta(microseconds=1)),
        # Given in another zone: the same instants.
        ReviewRow(
            key("c"),
            start.astimezone(ZoneInfo("Asia/Kathmandu")),
            3,
            "new",
            scheduled_due=exactly.astimezone(ZoneInfo("America/Santiago")),
        ),
        ReviewRow(key("e"), start, 3, "new", scheduled_due=exactly + timedelta(days=400)),
        ReviewRow(key("a"), at("2026-11-20T10:00"), 3, "review"),
        ReviewRow(key("b"), at("2026-11-20T10:00"), 3, "review"),
        ReviewRow(key("c"), at("2026-11-20T10:00"), 1, "review"),
        ReviewRow(key("e"), at("2026-11-20T10:00"), 4, "review"),
    ]
    stats = report(rows)
    assert stats.buttons["mature"] == (1, 0, 1, 1)  # a, c and e
    assert stats.buttons["young"] == (0, 0, 1, 0)  # b: one microsecond short
    assert cells(stats, "mature")[3] == (2, 3) and cells(stats, "young")[3] == (1, 1)


def test_study_days_across_daylight_saving_changes() -> None:
    # New York: clocks go forward on 2026-03-08 and back on 2026-11-01 (at 02:00).
    york = ZoneInfo("America/New_York")
    moments = [
        "2026-03-08T08:59",  # 04:59 EDT: day 03-08
        "2026-03-08T07:59",  # 03:59 EDT: still day 03-07
        "2026-03-08T08:00",  # 04:00 EDT: day 03-08
        "2026-11-01T08:59",  # 03:59 EST (after the change): day 10-31
        "2026-11-01T09:00",  # 04:00 EST: day 11-01
        "2026-11-01T07:30",  # 02:30 EST: day 10-31
    ]
    rows = [ReviewRow(key("a"), at(m), 3, "learning") for m in moments]
    stats = compute_stats(rows, {}, [DECK], Policy(), NOW, rollover_hour=4, tz=york)
    per_day = {v.day: v.value for v in stats.reviews_per_day if v.value}
    expected = {date(2026, 3, 7): 1, date(2026, 3, 8): 2, date(2026, 10, 31): 2}
    assert per_day == expected | {date(2026, 11, 1): 1}
    assert all(study_day(at(m), 4, york) in per_day for m in moments)


def review_state(
    due: str, stability: float = 10.0, last: str = "2026-11-13T12:00", **kw: object
) -> CardState:
    return CardState(
        state=State.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=at(due),
        last_review=at(last),
        reps=3,
        **kw,  # type: ignore[arg-type]
    )


def test_forecast_and_today_load() -> None:
    states = {
        key("a"): review_state("2026-11-22T10:00"),  # overdue: today
        key("b"): review_state("2026-11-24T03:00"),  # before tomorrow's rollover: today
        key("c"): review_state("2026-11-24T05:00"),  # tomorrow
        key("e"): CardState(State.LEARNING, 1, 2.0, 5.0, at("2026-11-23T12:10"), NOW, reps=1),
        key("q"): review_state("2026-11-23T09:00", suspended=True),  # suspended: never due
        ("d", "gone", "main"): review_state("2026-11-23T09:00"),  # card no longer in the deck
    }
    stats = report([], states)
    assert [v.value for v in stats.forecast[:3]] == [3, 1, 0]
    assert sum(v.value for v in stats.forecast) == 4
    assert stats.forecast[0].day == date(2026, 11, 23) and len(stats.forecast) == 30
    assert (stats.load.due, stats.load.overdue, stats.load.learning) == (2, 1, 1)
    far = report([], {key("a"): review_state("2026-12-23T05:00")})  # 30 days on: past the end
    assert sum(v.value for v in far.forecast) == 0
    edge = report([], {key("a"): review_state("2026-12-23T03:00")})  # still day 29
    assert edge.forecast[29].value == 1


def test_counts_by_state() -> None:
    states = {
        key("a"): review_state("2026-11-30T10:00"),
        key("b"): CardState(State.RELEARNING, 0, 2.0, 5.0, NOW, NOW, lapses=1, reps=4),
        key("c"): review_state("2026-11-30T10:00", suspended=True, leech=True),
        key("e"): CardState(State.LEARNING, 1, 2.0, 5.0, NOW, NOW, reps=1),
    }
    counts = report([], states).counts
    assert (counts.new, counts.learning, counts.review, counts.relearning) == (1, 1, 1, 1)
    assert (counts.suspended, counts.leech, counts.total) == (1, 1, 5)


def test_a_never_studied_suspended_prompt_counts_as_suspended_not_new() -> None:
    states = {key("a"): CardState(suspended=True), key("b"): review_state("2026-11-30T10:00")}
    counts = report([], states).counts
    assert (counts.new, counts.review, counts.suspended, counts.total) == (3, 1, 1, 5)


def fsrs_r(days: int, stability: float) -> float:
    """FSRS-6 retrievability by hand, default decay w20 = 0.1542: factor = 0.9 ** (-1 / w20) - 1
    = 0.9804, so R(30 days, S = 10) = (1 + 0.9804 * 3) ** -0.1542 = 0.8094."""
    decay = 0.1542
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * days / stability) ** -decay


def test_mastery_mean_retrievability_weakest_first() -> None:
    states = {
        # t1: a reviewed 10 days ago with S = 10 (R = 0.9 exactly), c 30 days ago with S = 10.
        key("a"): review_state("2026-12-01T12:00", 10.0, "2026-11-13T12:00"),
        key("c"): review_state("2026-12-01T12:00", 10.0, "2026-10-24T12:00"),
        # t2: b reviewed today (R = 1).
        key("b"): review_state("2026-12-01T12:00", 4.0, "2026-11-23T11:00"),
    }
    stats = report([], states, policy=Policy(SchedulerConfig(desired_retention=0.85)))
    by_topic = {m.topic: m for m in stats.mastery}
    assert [m.topic for m in stats.mastery] == ["t1", "t2", "t3"]  # t3: nothing studied, last
    t1 = by_topic["t1"]
    assert fsrs_r(10, 10.0) == pytest.approx(0.9)
    assert t1.mean_r == pytest.approx((fsrs_r(10, 10.0) + fsrs_r(30, 10.0)) / 2)
    assert t1.mean_r == pytest.approx((0.9 + 0.8094) / 2, abs=1e-4)  # 3.9412 ** -0.1542
    assert (t1.prompts, t1.studied, t1.above) == (2, 2, 1)
    assert t1.weakest == (key("c"), key("a"))
    assert by_topic["t2"].mean_r == pytest.approx(1.0) and by_topic["t2"].above == 1
    t3 = by_topic["t3"]
    assert (t3.prompts, t3.studied, t3.mean_r, t3.above) == (2, 0, None, 0)
    assert t3.weakest == (key("e"), key("q"))


def test_most_confused_option_per_choice_card() -> None:
    wrong = "Glutamic acid decarboxylase"
    rows = [
        row("q", "2026-11-20T10:00", "new", 1, None, picked=wrong, kind="choice"),
        row("q", "2026-11-21T10:00", "learning", 1, None, picked="Monoamine oxidase A"),
        row("q", "2026-11-22T10:00", "learning", 1, None, picked=wrong),
        row("q", "2026-11-22T10:05", "learning", 3, None),
    ]
    (pair,) = report(rows).confused
    assert (pair.card_id, pair.topic, pair.correct) == ("q", "t3", "GABA transaminase")
    assert (pair.picked, pair.times, pair.wrong) == (wrong, 2, 3)


def test_heatmap_weeks_start_on_monday() -> None:
    stats = report()
    weeks = heatmap_weeks(stats.reviews_per_day)
    first = stats.reviews_per_day[0].day  # 2025-11-24, a Monday
    assert first.weekday() == 0 and weeks[0][0] is not None and weeks[0][0].day == first
    assert len(weeks) == 53 and weeks[-1][0] is not None and weeks[-1][0].day == NOW.date()
    assert weeks[-1][1:] == [None] * 6


def test_json_has_every_figure() -> None:
    data = json.loads(json.dumps(report().to_json()))
    assert set(data) >= {
        "forecast",
        "today_load",
        "reviews_per_day",
        "seconds_per_day",
        "streak",
        "retention",
        "mastery",
        "counts",
        "buttons",
        "confused",
        "longest_streak",
        "days_studied",
    }
    overall = data["retention"][0]
    assert overall["group"] == "all" and overall["7d"] == {"recalled": 1, "total": 2, "rate": 0.5}


# -- the store: live rows only, undone ones excluded -------------------------


def record(
    store: Store, card_id: str, when: datetime, rating: int, before: CardState, policy: Policy
) -> tuple[int, CardState]:
    after = policy.review(before, rating, when, fuzz=False)
    log_id = store.record_review(
        ReviewRecord(key(card_id), "basic", when, rating, 3000, before, after)
    )
    return log_id, after


def test_store_rows_exclude_undone_reviews(store: Store) -> None:
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    t = at("2026-11-10T10:00")
    _, s1 = record(store, "a", t, 3, CardState(), policy)
    _, s2 = record(store, "a", t + timedelta(minutes=10), 3, s1, policy)
    assert s2.state is State.REVIEW and s2.due is not None
    _, s3 = record(store, "a", s2.due, 3, s2, policy)  # a Review prompt, recalled
    undone, _ = record(store, "a", s3.due or NOW, 1, s3, policy)  # forgotten... then undone
    store.undo_review(undone, key("a"), s3)
    rows = review_rows(store)
    assert [r.rating for r in rows] == [3, 3, 3]
    assert review_rows(store, ["other"]) == []
    stats = stats_report(store, [DECK], policy, NOW, rollover_hour=4, tz=UTC)
    assert stats.total_reviews == 3
    assert cells(stats, "all")[3] == (1, 1)
    assert stats.buttons["all"] == (0, 0, 3, 0)
    assert stats.counts.review == 1 and stats.counts.new == 4


# -- studyapp stats ----------------------------------------------------------

DECK_YAML = """\
deck: pharm
title: Pharm
cards:
  - id: one
    topic: basics
    question: "Q1"
    answer: "A1"
  - id: two
    topic: kinetics
    question: "Q2"
    answer: "A2"
"""


@pytest.fixture
def cli_home(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("include_bundled_decks = false\n", encoding="utf-8")
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "pharm.yaml").write_text(DECK_YAML, encoding="utf-8")
    monkeypatch.setenv("STUDYAPP_DECKS", str(decks))
    monkeypatch.setattr(stats_command, "_now", lambda: NOW)
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    with Store.open(isolated_home / "studyapp.db") as store:
        before = CardState()
        when = at("2026-11-20T10:00")
        for rating in (3, 3, 3):
            after = policy.review(before, rating, when, fuzz=False)
            store.record_review(
                ReviewRecord(("pharm", "one", "main"), "basic", when, rating, 5000, before, after)
            )
            before, when = after, max(when + timedelta(minutes=1), after.due or when)
        # A deck that is no longer loaded: its history still counts, unless --deck says otherwise.
        ghost = policy.review(CardState(), 1, when, fuzz=False)
        store.record_review(
            ReviewRecord(("ghost", "x", "main"), "basic", when, 1, 1000, CardState(), ghost)
        )
    return isolated_home


def test_stats_json(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decks"] == ["pharm"]
    assert data["total_reviews"] == 4  # the ghost deck's review included
    assert data["counts"] == {
        "new": 1,
        "learning": 0,
        "review": 1,
        "relearning": 0,
        "suspended": 0,
        "leech": 0,
        "total": 2,
    }
    assert data["retention"][0]["all"] == {"recalled": 1, "total": 1, "rate": 1.0}
    assert data["buttons"]["all"] == {"again": 1, "hard": 0, "good": 3, "easy": 0}
    assert [m["topic"] for m in data["mastery"]] == ["basics", "kinetics"]
    assert data["today"] == "2026-11-23"


def test_stats_json_of_one_deck(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--deck", "pharm", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_reviews"] == 3
    assert data["buttons"]["all"] == {"again": 0, "hard": 0, "good": 3, "easy": 0}
    assert [row["deck"] for row in data["retention"] if row["group"] == "deck"] == ["pharm"]


def test_suspended_new_cards_are_counted_alike_everywhere(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`suspend` on a never-studied card: Suspended in the statistics, and no
    longer New in `due` (the deck list counts the same way)."""
    assert main(["suspend", "pharm", "two"]) == 0
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert (counts["new"], counts["suspended"], counts["total"]) == (0, 1, 2)
    assert main(["due", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["new"] == 0


def test_stats_text(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--deck", "pharm"]) == 0
    out = capsys.readouterr().out
    for title in ("Due in the next 30 days", "Reviews per day", "True retention", "Mastery"):
        assert title in out
    assert "basics" in out and "kinetics" in out


def test_stats_unknown_deck(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--deck", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studyapp: no loaded deck nope") and "pharm" in err


def test_stats_without_a_database(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_reviews"] == 0 and data["counts"]["new"] > 0
    assert not (isolated_home / "studyapp.db").exists()


def test_heatmap_cells_by_quarter_of_busy_days() -> None:
    from studyapp.core.progress.stats import DayValue
    from studyapp.render.stats import bar_chart, heatmap

    monday = date(2026, 11, 16)
    counts = [0, 1, 2, 3, 4, 5, 7]  # busy days 1..7: quartiles 2, 4, 6
    values = [DayValue(monday + timedelta(days=i), n) for i, n in enumerate(counts)]
    lines = heatmap(values).plain.splitlines()
    assert [line[4:] for line in lines[1:8]] == ["·", "░", "░", "▒", "▒", "▓", "█"]
    assert lines[1].startswith("Mon ") and lines[7].startswith("Sun ")
    assert lines[8].endswith("more (busiest day: 7)")
    chart = bar_chart(values[:2] + values[-1:], height=2).plain.splitlines()
    # 0, 1 and 7 of a top of 7 on two rows of eighths: 1 is round(16 / 7) = 2 eighths.
    assert chart[0] == "7 ┤    ██" and chart[1] == "  │  ▂▂██"


def _reference_log_figures(
    rows: list[ReviewRow], now: datetime, tz: ZoneInfo
) -> tuple[dict[date, int], dict[str, list[int]], dict[str, list[list[int]]]]:
    """The log figures as docs/statistics.md defines them, with datetimes and no shortcut:
    reviews per study day, answer buttons per group, first-answer retention per window."""
    today = study_day(now, 4, tz)
    per_day: dict[date, int] = {}
    buttons = {group: [0, 0, 0, 0] for group in ("learning", "young", "mature", "all")}
    retention = {group: [[0, 0] for _ in range(4)] for group in ("all", "young", "mature")}
    last: dict[PromptKey, ReviewRow] = {}
    for r in rows:
        day = study_day(r.reviewed_at, 4, tz)
        per_day[day] = per_day.get(day, 0) + 1
        previous = last.get(r.key)
        due = previous.scheduled_due if previous is not None else None
        mature = (
            previous is not None
            and due is not None
            and (due - previous.reviewed_at).total_seconds() / 86400 >= MATURE_DAYS
        )
        group = ("mature" if mature else "young") if r.state_before == "review" else "learning"
        buttons[group][r.rating - 1] += 1
        buttons["all"][r.rating - 1] += 1
        first = previous is None or study_day(previous.reviewed_at, 4, tz) != day
        if r.state_before == "review" and first:
            age = (today - day).days
            for window, span in enumerate((7, 30, 365, None)):
                if span is None or 0 <= age < span:
                    for name in ("all", "mature" if mature else "young"):
                        retention[name][window][0] += r.rating >= 2
                        retention[name][window][1] += 1
        last[r.key] = r
    return per_day, buttons, retention


@pytest.mark.parametrize("seed", range(8))
def test_log_figures_match_a_plain_datetime_reference(seed: int) -> None:
    import random

    rng = random.Random(seed)
    york = ZoneInfo("America/New_York")  # the log spans its March DST change
    now = datetime(2026, 4, 10, 15, 0, tzinfo=UTC)
    moment = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
    rows: list[ReviewRow] = []
    for _ in range(400):
        moment += timedelta(minutes=rng.choice((1, 7, 50, 300, 1440)))
        delta = rng.choice(
            (
                timedelta(days=MATURE_DAYS),
                timedelta(days=MATURE_DAYS) - timedelta(microseconds=1),
                timedelta(days=rng.randint(1, 60), seconds=rng.randint(0, 86399)),
                timedelta(minutes=10),
            )
        )
        rows.append(
            ReviewRow(
                key(rng.choice("abce")),
                moment.astimezone(rng.choice((UTC, york))),  # any zone: the same instant
                rng.randint(1, 4),
                rng.choice(("new", "learning", "review", "review", "relearning")),
                duration_ms=rng.choice((None, 0, 999, 1000, 65_432)),
                scheduled_due=None if rng.random() < 0.1 else moment + delta,
            )
        )
    stats = compute_stats(rows, {}, [DECK], Policy(), now, rollover_hour=4, tz=york)
    per_day, buttons, retention = _reference_log_figures(rows, now, york)
    assert {v.day: v.value for v in stats.reviews_per_day if v.value} == {
        day: n for day, n in per_day.items() if 0 <= (stats.today - day).days < 365
    }
    assert stats.total_reviews == len(rows)
    assert {group: list(values) for group, values in stats.buttons.items()} == buttons
    for group in ("all", "young", "mature"):
        assert cells(stats, group) == [tuple(cell) for cell in retention[group]]
