"""Rich renderings of a statistics report, shared by ``studyapp stats`` and the TUI.

Rich only (no Textual). Deck text (deck ids, topics, options) is data: it only
ever goes into :class:`rich.text.Text` or table cells built from it, never
into markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from studyapp.core.progress.stats import WINDOWS, DayValue, Ratio, StatsReport, heatmap_weeks

__all__ = [
    "bar_chart",
    "buttons_table",
    "confused_table",
    "counts_table",
    "heatmap",
    "mastery_table",
    "percent",
    "report_renderables",
    "retention_table",
    "summary_text",
    "time_table",
]

LEVELS = "·░▒▓█"
"""Heatmap cells, from no review to the busiest days (readable without colour)."""
EIGHTHS = " ▁▂▃▄▅▆▇█"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _ratio(ratio: Ratio, compact: bool = False) -> Text:
    if not ratio.total:
        return Text("–", style="dim")
    if compact:
        return Text(f"{percent(ratio.rate)} ({ratio.total})")
    return Text(f"{percent(ratio.rate)} ({ratio.hits}/{ratio.total})")


def _table(title: str, compact: bool, caption: str | None = None) -> Table:
    return Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        title_justify="left" if compact else "center",
        caption_justify="left" if compact else "center",
        title_style="bold" if compact else None,
    )


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def summary_text(report: StatsReport) -> Text:
    load = report.load
    text = Text()
    text.append("Today ", style="bold")
    text.append(f"{report.today:%a %d %b %Y}: ")
    text.append(f"{load.due} review{'s' * (load.due != 1)} due", style="green")
    text.append(f" ({load.overdue} overdue), ")
    text.append(f"{load.learning} in learning", style="red")
    text.append(f"; {load.reviewed} answered in {_minutes(load.seconds)}.\n")
    text.append("Streak ", style="bold")
    text.append(f"{report.streak} day{'s' * (report.streak != 1)}")
    text.append(f" (longest {report.longest_streak}); studied {report.days_studied} of the ")
    text.append(f"last 365 days; {report.total_reviews} reviews in all.")
    return text


def bar_chart(values: Sequence[DayValue], *, height: int = 6, style: str = "green") -> Text:
    """A vertical bar per day (eighth-block resolution), the maximum on the left,
    the weekday initial under each bar and a date label every 7 days."""
    top = max((v.value for v in values), default=0)
    width = len(str(top))
    text = Text()
    for line in range(height, 0, -1):
        label = str(top) if line == height else ""
        text.append(f"{label:>{width}} ┤" if line == height else f"{'':>{width}} │", style="dim")
        for value in values:
            eighths = round(8 * height * value.value / top) if top else 0
            level = max(0, min(8, eighths - 8 * (line - 1)))
            if value.value and line == 1 and level == 0:
                level = 1  # a day with reviews is never invisible
            text.append(EIGHTHS[level] * 2, style=style)
        text.append("\n")
    text.append(f"{0:>{width}} └" + "─" * (2 * len(values)) + "\n", style="dim")
    days = "".join(f"{v.day:%a}"[0] + " " for v in values)
    text.append(f"{'':>{width}}  {days}\n", style="dim")
    marks = [" "] * (2 * len(values))
    for index in range(0, len(values), 7):
        label = f"{values[index].day:%d %b}"
        marks[2 * index : 2 * index + len(label)] = list(label)
    text.append(f"{'':>{width}}  " + "".join(marks).rstrip(), style="dim")
    return text


def heatmap(values: Sequence[DayValue], *, style: str = "green") -> Text:
    """A calendar of reviews per day: one column per week, Monday at the top."""
    weeks = heatmap_weeks(values)
    top = max((v.value for v in values), default=0)
    # Levels 1-4 split the days with reviews into quarters (one busy day does not
    # wash the others out).
    busy = sorted(v.value for v in values if v.value)
    quartiles = [busy[len(busy) * q // 4] for q in (1, 2, 3)] if busy else []
    text = Text()
    months = [" "] * len(weeks)
    free = 0  # the first column a month label may start at
    for index, week in enumerate(weeks):
        first = next((cell for cell in week if cell is not None), None)
        if first is not None and first.day.day <= 7 and index >= free:
            label = f"{first.day:%b}"
            months[index : index + len(label)] = list(label)
            free = index + len(label) + 1
    text.append("    " + "".join(months) + "\n", style="dim")
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"{name:<4}", style="dim")
        for week in weeks:
            cell = week[weekday]
            if cell is None:
                text.append(" ")
            elif not cell.value:
                text.append(LEVELS[0], style="dim")
            else:
                level = 1 + sum(cell.value > q for q in quartiles)
                text.append(LEVELS[level], style=style)
        text.append("\n")
    text.append("    less ", style="dim")
    text.append(LEVELS[0], style="dim")
    text.append(LEVELS[1:], style=style)
    text.append(f" more (busiest day: {top})", style="dim")
    return text


def retention_table(report: StatsReport, compact: bool = False) -> Table:
    """``compact``: each cell is "rate (reviews counted)", for narrow screens."""
    caption = "(n): first answers of Review prompts counted" if compact else None
    table = _table("True retention (first answer of the day)", compact, caption)
    table.add_column("Group")
    for name, _ in WINDOWS:
        table.add_column(name, justify="right")
    for row in report.retention:
        table.add_row(Text(row.label), *(_ratio(r, compact) for r in row.windows))
    return table


def mastery_table(report: StatsReport) -> Table:
    target = percent(report.desired_retention)
    table = _table("Mastery per topic (weakest first)", False)
    table.add_column("Deck")
    table.add_column("Topic")
    table.add_column("Prompts", justify="right")
    table.add_column("Studied", justify="right")
    table.add_column("Mean R", justify="right")
    table.add_column(f"R ≥ {target}", justify="right")
    for m in report.mastery:
        table.add_row(
            Text(m.deck_id),
            Text(m.topic),
            str(m.prompts),
            str(m.studied),
            percent(m.mean_r),
            str(m.above),
        )
    return table


def counts_table(report: StatsReport, compact: bool = False) -> Table:
    c = report.counts
    table = _table("Prompts by state", compact)
    for name in ("New", "Learning", "Review", "Relearning", "Suspended", "Leech", "Total"):
        table.add_column(name, justify="right")
    table.add_row(
        *(str(n) for n in (c.new, c.learning, c.review, c.relearning, c.suspended, c.leech)),
        str(c.total),
    )
    return table


def buttons_table(report: StatsReport, compact: bool = False) -> Table:
    table = _table("Answer buttons", compact)
    table.add_column("Prompts")
    for name in ("Again", "Hard", "Good", "Easy"):
        table.add_column(name, justify="right")
    for group, values in report.buttons.items():
        total = sum(values)
        cells = [f"{n} ({percent(n / total)})" if total else "0" for n in values]
        table.add_row(group, *cells)
    return table


def time_table(report: StatsReport, days: int = 14, compact: bool = False) -> Table:
    table = _table(f"Time spent (last {days} days)", compact)
    table.add_column("Day")
    table.add_column("Reviews", justify="right")
    table.add_column("Time", justify="right")
    pairs = list(zip(report.reviews_per_day, report.seconds_per_day, strict=True))[-days:]
    for reviews, spent in reversed(pairs):
        table.add_row(f"{reviews.day:%a %d %b}", str(reviews.value), _minutes(spent.value))
    return table


def confused_table(report: StatsReport, compact: bool = False) -> Table:
    table = _table("Most confused (choice questions: the wrong option picked most)", compact)
    table.add_column("Card")
    table.add_column("Correct")
    table.add_column("Picked instead")
    table.add_column("Times", justify="right")
    for pair in report.confused:
        table.add_row(
            Text(f"{pair.deck_id}/{pair.card_id}"),
            Text(pair.correct or "?"),
            Text(pair.picked),
            f"{pair.times} of {pair.wrong}",
        )
    return table


def report_renderables(report: StatsReport) -> list[RenderableType]:
    """Everything ``studyapp stats`` prints, in order."""
    out: list[RenderableType] = [
        summary_text(report),
        Group(Text("\nDue in the next 30 days", style="bold"), bar_chart(report.forecast)),
        Group(
            Text("\nReviews per day, last 365 days", style="bold"), heatmap(report.reviews_per_day)
        ),
        retention_table(report),
        mastery_table(report),
        counts_table(report),
        buttons_table(report),
        time_table(report),
    ]
    if report.confused:
        out.append(confused_table(report))
    return out
