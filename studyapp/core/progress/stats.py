"""Statistics computed from the review log (definitions: ``docs/statistics.md``).

Pure: the store hands over the live (not undone) review rows and the card
states, the caller the loaded decks, a :class:`Policy` (for retrievability)
and the time. Days are *study days*: a day runs from the rollover hour
(local time) to the same hour the next day, as in the study queue.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from studyapp.core.deck.model import Card, Deck, PromptKey
from studyapp.core.progress.stats_report import (
    BUTTON_GROUPS,
    CONFUSED_LIMIT,
    FORECAST_DAYS,
    HISTORY_DAYS,
    MATURE_DAYS,
    WINDOWS,
    ConfusedPair,
    DayValue,
    Ratio,
    RetentionRow,
    ReviewRow,
    StateCounts,
    StatsReport,
    TodayLoad,
    TopicMastery,
)
from studyapp.core.study.scheduling import CardState, Policy, State, day_bounds
from studyapp.core.study.session import prompts_of

__all__ = [
    "FORECAST_DAYS",
    "HISTORY_DAYS",
    "MATURE_DAYS",
    "WINDOWS",
    "ConfusedPair",
    "DayValue",
    "LogRow",
    "Ratio",
    "RetentionRow",
    "ReviewRow",
    "StateCounts",
    "StatsReport",
    "TodayLoad",
    "TopicMastery",
    "compute_stats",
    "compute_stats_from_log",
    "heatmap_weeks",
    "log_row",
    "study_day",
]


def study_day(moment: datetime, rollover_hour: int = 4, tz: tzinfo | None = None) -> date:
    """The study day ``moment`` falls in (a day starts at ``rollover_hour`` local time).

    Agrees with :func:`studyapp.core.study.scheduling.day_bounds` (``tz`` ``None``: the
    system's zone).
    """
    # Aware datetimes subtract in wall-clock time, so the rollover hour survives DST.
    return (moment.astimezone(tz) - timedelta(hours=rollover_hour)).date()


def heatmap_weeks(per_day: Sequence[DayValue]) -> list[list[DayValue | None]]:
    """``per_day`` (consecutive days, oldest first) as weeks: columns Monday to Sunday.

    Cells before the first day and after the last are ``None``.
    """
    if not per_day:
        return []
    weeks: list[list[DayValue | None]] = []
    week: list[DayValue | None] = [None] * per_day[0].day.weekday()
    for value in per_day:
        week.append(value)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


def _streaks(days: set[date], today: date) -> tuple[int, int]:
    """The current streak (ending today, or yesterday when today has no review) and the longest."""
    start = today if today in days else today - timedelta(days=1)
    current = 0
    while start - timedelta(days=current) in days:
        current += 1
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    return current, longest


LogRow = tuple[str, str, str, str, int, str | None, int | None, str | None, str | None]
"""One live review as the store keeps it: ``(deck, card, sibling, reviewed_at, rating,
state_before, duration_ms, scheduled_due, picked)``, the times as fixed-width UTC ISO 8601
text (``2026-11-23T10:00:00.000000+00:00``), whose text order is time order. The statistics
read the log in this form: no object per review, no time parsed per review."""


def utc_text(moment: datetime) -> str:
    """``moment`` as the store writes times: UTC ISO 8601, microseconds, fixed width."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def log_row(row: ReviewRow) -> LogRow:
    """``row`` in the store's form (see :data:`LogRow`)."""
    due = None if row.scheduled_due is None else utc_text(row.scheduled_due)
    deck_id, card_id, sibling = row.key
    at = utc_text(row.reviewed_at)
    return (
        deck_id,
        card_id,
        sibling,
        at,
        row.rating,
        row.state_before,
        row.duration_ms,
        due,
        row.picked,
    )


class _StudyDays:
    """:func:`study_day` for many moments given as UTC text (see :data:`LogRow`): the bounds of
    each day are computed once (with :func:`day_bounds`, so DST is handled as in the study
    queue), kept as text, then compared as text (the last day found first, then bisected)."""

    def __init__(self, rollover_hour: int, tz: tzinfo | None) -> None:
        self.rollover_hour = rollover_hour
        self.tz = tz
        self.starts: list[str] = []
        self.ends: list[str] = []
        self.days: list[date] = []
        self._last = ("", "", date.min)

    def __call__(self, moment: datetime) -> date:
        return self.of_text(utc_text(moment))[2]

    def of_text(self, at: str) -> tuple[str, str, date]:
        """The study day ``at`` (UTC text) falls in: its start and end (UTC text), its date."""
        if self._last[0] <= at < self._last[1]:
            return self._last
        index = bisect_right(self.starts, at) - 1
        if not (index >= 0 and at < self.ends[index]):
            begin, finish = day_bounds(datetime.fromisoformat(at), self.rollover_hour, self.tz)
            index += 1
            self.starts.insert(index, utc_text(begin))
            self.ends.insert(index, utc_text(finish))
            self.days.insert(index, study_day(begin, self.rollover_hour, self.tz))
        self._last = (self.starts[index], self.ends[index], self.days[index])
        return self._last


def _choice_answer(data: Mapping[str, Any]) -> str | None:
    choices = data.get("choices")
    if not isinstance(choices, list):
        return None
    right = [str(c.get("text")) for c in choices if isinstance(c, Mapping) and c.get("correct")]
    return " / ".join(right) or None


def compute_stats(
    rows: Iterable[ReviewRow],
    states: Mapping[PromptKey, CardState],
    decks: Sequence[Deck],
    policy: Policy,
    now: datetime,
    *,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
) -> StatsReport:
    """Every figure of the statistics screen, from ``rows`` (the live reviews in log order).

    See :func:`compute_stats_from_log`, which takes the rows in the store's form.
    """
    return compute_stats_from_log(
        map(log_row, rows), states, decks, policy, now, rollover_hour=rollover_hour, tz=tz
    )


def compute_stats_from_log(
    rows: Iterable[LogRow],
    states: Mapping[PromptKey, CardState],
    decks: Sequence[Deck],
    policy: Policy,
    now: datetime,
    *,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
) -> StatsReport:
    """Every figure of the statistics screen.

    ``rows`` are the live reviews, in log order, as :data:`LogRow`; ``states`` the card
    states. Forecast, counts and mastery cover the prompts of ``decks`` only (a state
    left by a card removed from its deck is ignored); the history figures
    cover every row given. One pass over the log (:class:`_LogTally`), one over
    the prompts (:class:`_PromptTally`), then one function per figure.
    """
    day_of = _StudyDays(rollover_hour, tz)
    today = day_of(now)
    cards = {(deck.id, card.id): card for deck in decks for card in deck.cards}
    log = _LogTally(day_of, today)
    log.add_all(rows)
    prompts = _PromptTally(day_of, today, policy, now)
    for deck in decks:
        for prompt in prompts_of(deck):
            prompts.add(prompt.key, prompt.card.topic, states.get(prompt.key))
    history = [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    streak, longest = _streaks(set(log.per_day), today)
    target = policy.config.desired_retention
    return StatsReport(
        now=now,
        today=today,
        rollover_hour=rollover_hour,
        desired_retention=target,
        load=prompts.load(log.per_day[today], log.seconds[today]),
        forecast=tuple(
            DayValue(today + timedelta(days=n), value) for n, value in enumerate(prompts.forecast)
        ),
        reviews_per_day=tuple(DayValue(day, log.per_day[day]) for day in history),
        seconds_per_day=tuple(DayValue(day, log.seconds[day]) for day in history),
        streak=streak,
        longest_streak=longest,
        days_studied=sum(1 for day in history if log.per_day[day]),
        total_reviews=log.total,
        retention=_retention(log.samples, cards),
        mastery=_mastery(prompts.topics, target),
        counts=prompts.counts(),
        buttons={group: (v[0], v[1], v[2], v[3]) for group, v in log.buttons.items()},
        confused=_confused(log.picks, cards),
    )


_Sample = tuple[str, str, bool, int, bool]
"""(deck, card, mature, window index, recalled): a first answer of the day to a Review prompt."""
_REVIEW = State.REVIEW.value


class _LogTally:
    """One pass over the review log: reviews and seconds per day, the answer buttons
    per group, the first answers of Review prompts (for retention), the options
    picked in wrong answers (for confusion)."""

    def __init__(self, day_of: _StudyDays, today: date) -> None:
        self.day_of = day_of.of_text
        self.today = today
        self.total = 0
        self.per_day: Counter[date] = Counter()
        self.seconds: Counter[date] = Counter()
        self.buttons = {group: [0, 0, 0, 0] for group in BUTTON_GROUPS}
        self.samples: Counter[_Sample] = Counter()
        self.picks: dict[tuple[str, str], Counter[str]] = {}
        # A prompt's previous review: its study day, its time and the due it scheduled.
        self._last_seen: dict[PromptKey, tuple[date, str, str | None]] = {}
        self._spans = [span for _, span in WINDOWS if span is not None]
        self._windows: dict[date, int] = {}
        self._mature_dates: dict[str, str] = {}

    def add_all(self, rows: Iterable[LogRow]) -> None:
        """Tally ``rows`` (in log order). One loop with its state in locals: this runs once
        per review of the whole log, so the common case does no call and no lookup it can
        avoid (a day's counts are added when the day changes, rows being in time order)."""
        last_seen = self._last_seen
        buttons = self.buttons
        learning, young, mature_ = buttons["learning"], buttons["young"], buttons["mature"]
        every = buttons["all"]
        samples = self.samples
        windows = self._windows
        mature_from = self._mature_dates
        day_start = day_end = ""
        day = self.today
        count = seconds = 0
        for deck_id, card_id, sibling, at, rating, before, duration, due, picked in rows:
            if not day_start <= at < day_end:
                self._add_day(day, count, seconds)
                count = seconds = 0
                day_start, day_end, day = self.day_of(at)
            count += 1
            if duration:
                seconds += duration // 1000
            key = (deck_id, card_id, sibling)
            previous = last_seen.get(key)
            last_seen[key] = (day, at, due)
            if picked:
                self.picks.setdefault((deck_id, card_id), Counter())[picked] += 1
            counted = 1 <= rating <= 4
            if counted:
                every[rating - 1] += 1
            if before != _REVIEW:
                if counted:
                    learning[rating - 1] += 1
                continue
            # Mature: the interval the prompt was on (what its previous review scheduled)
            # is at least MATURE_DAYS: its due is at or after its time + MATURE_DAYS (as text).
            mature = False
            if previous is not None and previous[2] is not None:
                before_at = previous[1]
                shifted = mature_from.get(before_at[:10]) or self._mature_from(before_at[:10])
                mature = previous[2] >= shifted + before_at[10:]
            if counted:
                (mature_ if mature else young)[rating - 1] += 1
            if previous is None or previous[0] != day:
                window = windows.get(day)
                if window is None:
                    window = self._window(day)
                samples[(deck_id, card_id, mature, window, rating >= 2)] += 1
        self._add_day(day, count, seconds)

    def _add_day(self, day: date, count: int, seconds: int) -> None:
        if count:
            self.total += count
            self.per_day[day] += count
            self.seconds[day] += seconds

    def _mature_from(self, day: str) -> str:
        """The date (ISO text) :data:`MATURE_DAYS` after ``day``."""
        later = (date.fromisoformat(day) + timedelta(days=MATURE_DAYS)).isoformat()
        self._mature_dates[day] = later
        return later

    def _window(self, day: date) -> int:
        """The first window ``day`` is in (the windows are nested), or "all" only."""
        offset = (self.today - day).days
        window = 0
        while window < len(self._spans) and not 0 <= offset < self._spans[window]:
            window += 1
        self._windows[day] = window
        return window


_Group = tuple[str, str | None, str | None]
"""A retention row: (group, deck id, topic)."""


def _retention(
    samples: Counter[_Sample], cards: Mapping[tuple[str, str], Card]
) -> tuple[RetentionRow, ...]:
    """Retention per window: overall, young, mature, then each deck followed by its topics."""
    retention: dict[_Group, list[list[int]]] = {
        (group, None, None): [[0, 0] for _ in WINDOWS] for group in ("all", "young", "mature")
    }
    for (deck_id, card_id, mature, window, hit), number in samples.items():
        card = cards.get((deck_id, card_id))
        groups: list[_Group] = [
            ("all", None, None),
            ("mature" if mature else "young", None, None),
            ("deck", deck_id, None),
        ]
        if card is not None:
            groups.append(("topic", deck_id, card.topic))
        for group_key in groups:
            cells = retention.get(group_key)
            if cells is None:
                cells = retention[group_key] = [[0, 0] for _ in WINDOWS]
            for cell in cells[window:]:  # nested windows: this one and every longer one
                cell[0] += hit * number
                cell[1] += number
    order = {"all": 0, "young": 1, "mature": 2, "deck": 3, "topic": 3}
    return tuple(
        RetentionRow(group, deck_id, topic, tuple(Ratio(h, t) for h, t in cells))
        for (group, deck_id, topic), cells in sorted(
            retention.items(),
            # Each deck's row is followed by its topics.
            key=lambda item: (
                order[item[0][0]],
                item[0][1] or "",
                item[0][0] == "topic",
                (item[0][2] or "").casefold(),
            ),
        )
    )


class _PromptTally:
    """One pass over the prompts of the decks: the forecast, today's load, the
    counts per state, and each topic's prompts with their retrievability."""

    def __init__(self, day_of: _StudyDays, today: date, policy: Policy, now: datetime) -> None:
        self.day_of = day_of
        self.today = today
        self.policy = policy
        self.now = now
        self.forecast = [0] * FORECAST_DAYS
        self.due = self.overdue = self.learning_due = 0
        self.new = self.learning = self.reviewing = self.relearning = 0
        self.suspended = self.leech = 0
        self.topics: dict[tuple[str, str], list[tuple[PromptKey, float | None]]] = {}

    def add(self, key: PromptKey, topic: str, state: CardState | None) -> None:
        studied = state is not None and state.state is not State.NEW
        r = self.policy.retrievability(state, self.now) if studied and state is not None else None
        self.topics.setdefault((key[0], topic), []).append((key, r))
        if state is not None and state.suspended:  # studied or not: suspended
            self.suspended += 1
            self.leech += state.leech
        elif state is None or not studied:
            self.new += 1
        else:
            self.leech += state.leech
            self._count(state)

    def _count(self, state: CardState) -> None:
        """A studied, unsuspended prompt: its state, and when it is due."""
        if state.state is State.LEARNING:
            self.learning += 1
        elif state.state is State.RELEARNING:
            self.relearning += 1
        else:
            self.reviewing += 1
        if state.due is None:
            return
        due_day = self.day_of(state.due)
        offset = max(0, (due_day - self.today).days)
        if offset < FORECAST_DAYS:
            self.forecast[offset] += 1
        if offset == 0 and state.state is State.REVIEW:
            self.due += 1
            self.overdue += due_day < self.today
        elif offset == 0:
            self.learning_due += 1

    def load(self, reviews_today: int, seconds_today: int) -> TodayLoad:
        return TodayLoad(self.due, self.overdue, self.learning_due, reviews_today, seconds_today)

    def counts(self) -> StateCounts:
        return StateCounts(
            self.new, self.learning, self.reviewing, self.relearning, self.suspended, self.leech
        )


def _mastery(
    topics: Mapping[tuple[str, str], list[tuple[PromptKey, float | None]]], target: float
) -> tuple[TopicMastery, ...]:
    """Each topic's mean retrievability and its weakest prompts, weakest topic first."""
    mastery: list[TopicMastery] = []
    for (deck_id, topic), entries in topics.items():
        known = sorted(((r, key) for key, r in entries if r is not None), key=lambda e: e[0])
        mean = sum(r for r, _ in known) / len(known) if known else None
        weakest = tuple(key for _, key in known) + tuple(k for k, r in entries if r is None)
        above = sum(r >= target for r, _ in known)
        mastery.append(TopicMastery(deck_id, topic, len(entries), len(known), mean, above, weakest))
    mastery.sort(key=lambda m: (m.mean_r is None, m.mean_r or 0.0, m.deck_id, m.topic.casefold()))
    return tuple(mastery)


def _confused(
    picks: Mapping[tuple[str, str], Counter[str]], cards: Mapping[tuple[str, str], Card]
) -> tuple[ConfusedPair, ...]:
    """The options most often picked in wrong answers, most often first."""
    confused: list[ConfusedPair] = []
    for (deck_id, card_id), counter in picks.items():
        picked, times = min(counter.items(), key=lambda item: (-item[1], item[0]))
        card = cards.get((deck_id, card_id))
        confused.append(
            ConfusedPair(
                deck_id,
                card_id,
                card.topic if card else None,
                _choice_answer(card.data) if card else None,
                picked,
                times,
                sum(counter.values()),
            )
        )
    confused.sort(key=lambda c: (-c.times, -c.wrong, c.deck_id, c.card_id))
    return tuple(confused[:CONFUSED_LIMIT])
