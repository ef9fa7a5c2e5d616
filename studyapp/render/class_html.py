"""The class report as one self-contained HTML file.

Rule: one file, nothing fetched: inline CSS, charts as inline SVG, no script,
no web font; readable on a phone (fluid width, tables scroll sideways) and
printable (a print style sheet). Every text from decks or students is escaped
(:func:`html.escape`), so a deck cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from studyapp.core.progress.class_report import ClassReport
from studyapp.render.class_report import Section, clean, headline, percent, sections

__all__ = ["render_html"]

_CSS = """
:root { color-scheme: light; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 0 auto; padding: 1rem; max-width: 60rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid #2b5d8a; }
.figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0; }
.figure { flex: 1 1 9rem; border: 1px solid #ccd; border-radius: .4rem; padding: .5rem .75rem; }
.figure b { display: block; font-size: 1.6rem; color: #2b5d8a; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e3e3e8; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: #a4262c; font-weight: 600; }
svg { max-width: 100%; height: auto; }
@media print {
  body { max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, svg { break-inside: avoid; }
}
"""


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    def cell(tag: str, i: int, value: object) -> str:
        css = ' class="n"' if i in numeric else ""
        return f"<{tag}{css}>{escape(clean(value))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}">none</td></tr>'
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


def _bars(title: str, bars: Sequence[tuple[str, float, str]], scale: float = 1.0) -> str:
    """A horizontal bar chart: (label, value 0..scale, value shown) per bar."""
    if not bars:
        return ""
    height = 24 * len(bars) + 8
    parts = [
        f'<svg viewBox="0 0 640 {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="13">'
    ]
    for i, (label, value, shown) in enumerate(bars):
        y = 4 + 24 * i
        width = 380 * max(0.0, min(value / scale if scale else 0.0, 1.0))
        parts.append(
            f'<text x="0" y="{y + 15}">{escape(clean(label))[:40]}</text>'
            f'<rect x="200" y="{y + 3}" width="380" height="16" fill="#e8edf3"/>'
            f'<rect x="200" y="{y + 3}" width="{width:.1f}" height="16" fill="#2b5d8a"/>'
            f'<text x="588" y="{y + 15}">{escape(shown)}</text>'
        )
    return "".join(parts) + "</svg>"


def _histogram(title: str, values: Sequence[float], bins: int = 10) -> str:
    """Columns counting ``values`` in ``bins`` equal ranges."""
    if not values:
        return ""
    low, high = min(values), max(values)
    step = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / step), bins - 1)] += 1
    top = max(counts)
    parts = [
        f'<svg viewBox="0 0 640 200" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="12">'
    ]
    for i, count in enumerate(counts):
        h = 150 * count / top
        x = 20 + 60 * i
        parts.append(
            f'<rect x="{x}" y="{170 - h:.1f}" width="52" height="{h:.1f}" fill="#2b5d8a"/>'
            f'<text x="{x + 26}" y="{165 - h:.1f}" text-anchor="middle">{count}</text>'
            f'<text x="{x + 26}" y="188" text-anchor="middle">{low + step * i:.0f}</text>'
        )
    return "".join(parts) + "</svg>"


def _section(section: Section) -> str:
    return f"<h2>{escape(section.title)}</h2>" + _table(
        section.headers, section.rows, set(section.numeric)
    )


def render_html(report: ClassReport) -> str:
    p = report.participation
    charts = {
        "topics": _bars(
            "true retention per topic",
            [
                (f"{t.deck_id}: {t.topic or '-'}", t.retention or 0.0, percent(t.retention))
                for t in report.topics
            ],
        ),
        **{
            f"exam:{title}": _histogram(f"scores in {title}", exam.scores)
            for title, exam in report.exams.items()
        },
    }
    body = [
        "<h1>Class report</h1>",
        f"<p>{report.generated.isoformat()}"
        + (" &middot; anonymous: pseudonyms, no names" if report.anonymous else "")
        + "</p>",
        '<div class="figures">'
        + "".join(
            f'<div class="figure"><b>{escape(str(v))}</b>{escape(k)}</div>'
            for k, v in headline(report)
        )
        + "</div>",
        "<h2>Reviews per student</h2>",
        _histogram("reviews per student", p.reviews_per_student),
    ]
    for section in sections(report):
        body.append(_section(section))
        body.append(charts.get(section.key, ""))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Class report {report.generated.isoformat()}</title><style>{_CSS}</style>"
        "</head><body>" + "".join(body) + "</body></html>\n"
    )
