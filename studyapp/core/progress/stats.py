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
from datetime import date, datetime, timedelta, tzinfo
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
    "Ratio",
    "RetentionRow",
    "ReviewRow",
    "StateCounts",
    "StatsReport",
    "TodayLoad",
    "TopicMastery",
    "compute_stats",
    "heatmap_weeks",
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


class _StudyDays:
    """:func:`study_day` for many moments: the bounds of each day are computed once
    (with :func:`day_bounds`, so DST is handled as in the study queue), then bisected."""

    def __init__(self, rollover_hour: int, tz: tzinfo | None) -> None:
        self.rollover_hour = rollover_hour
        self.tz = tz
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        self.days: list[date] = []

    def __call__(self, moment: datetime) -> date:
        index = bisect_right(self.starts, moment) - 1
        if index >= 0 and moment < self.ends[index]:
            return self.days[index]
        start, end = day_bounds(moment, self.rollover_hour, self.tz)
        index += 1
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        self.days.insert(index, study_day(start, self.rollover_hour, self.tz))
        return self.days[index]


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
    """Every figure of the statistics screen.

    ``rows`` are the live reviews, in log order; ``states`` the card states.
    Forecast, counts and mastery cover the prompts of ``decks`` only (a state
    left by a card removed from its deck is ignored); the history figures
    cover every row given. One pass over the log (:class:`_LogTally`), one over
    the prompts (:class:`_PromptTally`), then one function per figure.
    """
    day_of = _StudyDays(rollover_hour, tz)
    today = day_of(now)
    cards = {(deck.id, card.id): card for deck in decks for card in deck.cards}
    log = _LogTally(day_of, today)
    add = log.add
    for row in rows:
        add(row)
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
        self.day_of = day_of
        self.today = today
        self.total = 0
        self.per_day: Counter[date] = Counter()
        self.seconds: Counter[date] = Counter()
        self.buttons = {group: [0, 0, 0, 0] for group in BUTTON_GROUPS}
        self.samples: Counter[_Sample] = Counter()
        self.picks: dict[tuple[str, str], Counter[str]] = {}
        self._last_seen: dict[PromptKey, tuple[date, float | None]] = {}
        self._spans = [span for _, span in WINDOWS if span is not None]

    def add(self, row: ReviewRow) -> None:
        self.total += 1
        day = self.day_of(row.reviewed_at)
        self.per_day[day] += 1
        self.seconds[day] += (row.duration_ms or 0) // 1000
        previous = self._last_seen.get(row.key)
        # The interval the prompt was on: what its previous review scheduled.
        interval = previous[1] if previous is not None else None
        mature = interval is not None and interval >= MATURE_DAYS
        review = row.state_before == _REVIEW
        if 1 <= row.rating <= 4:
            group = ("mature" if mature else "young") if review else "learning"
            self.buttons[group][row.rating - 1] += 1
            self.buttons["all"][row.rating - 1] += 1
        if review and (previous is None or previous[0] != day):
            window = self._window(day)
            self.samples[(row.key[0], row.key[1], mature, window, row.rating >= 2)] += 1
        self._last_seen[row.key] = (day, _scheduled_days(row))
        if row.picked:
            self.picks.setdefault((row.key[0], row.key[1]), Counter())[row.picked] += 1

    def _window(self, day: date) -> int:
        """The first window ``day`` is in (the windows are nested), or "all" only."""
        offset = (self.today - day).days
        window = 0
        while window < len(self._spans) and not 0 <= offset < self._spans[window]:
            window += 1
        return window


def _scheduled_days(row: ReviewRow) -> float | None:
    """The interval, in days, this review scheduled (``None``: not recorded)."""
    if row.scheduled_due is None:
        return None
    return (row.scheduled_due - row.reviewed_at).total_seconds() / 86400


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
