"""How a graded answer is shown: verdict, expected answer, feedback, typed
diff, worked solution. Plain ``Text``: nothing from a deck is markup.

:func:`show_feedback` scrolls it into view once it is shown (at 80x24 the
options of a long question push it below the fold)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import ScrollableContainer
from textual.widget import Widget

from studyapp.core.deck.evidence import evidence_line
from studyapp.core.kinds.grading import Grade, Verdict

__all__ = ["explain_text", "grade_text", "show_feedback"]

VERDICTS = {
    Verdict.CORRECT: ("Correct", "bold green"),
    Verdict.ALMOST: ("Almost", "bold yellow"),
    Verdict.PARTIAL: ("Partly right", "bold yellow"),
    Verdict.WRONG: ("Wrong", "bold red"),
    Verdict.UNREADABLE: ("Not read: answer again", "bold yellow"),
}
DIFF_STYLES = {"=": "", "-": "bold green underline", "+": "bold red strike"}


def grade_text(grade: Grade) -> Text:
    """The result block shown under the question once it is graded."""
    label, style = VERDICTS[grade.verdict]
    text = Text()
    text.append(label, style=style)
    if grade.verdict is Verdict.PARTIAL:
        text.append(f"  {grade.score:.0%}", style=style)
    text.append("\n")
    if not grade.correct:
        text.append("Expected: ", style="bold")
        text.append(grade.expected)
        text.append("\n")
    if grade.diff and not grade.correct:
        text.append("Your answer: ", style="bold")
        for op, run in grade.diff:
            text.append(run, style=DIFF_STYLES.get(op, ""))
        text.append("   (green: missing, red: extra)\n", style="dim")
    for line in grade.feedback:
        text.append(f"{line}\n", style="italic")
    if grade.solution:
        text.append("Solution\n", style="bold")
        for line in grade.solution:
            text.append(f"  {line}\n")
    for line in grade.drawing:
        text.append(f"{line}\n", style="cyan")
    text.rstrip()
    return text


def show_feedback(card: ScrollableContainer, top: Widget, bottom: Widget) -> None:
    """Focus the scrolling ``card`` (then its keys scroll it: up/down, pgup/pgdn,
    home/end; the screen's own keys still reach the screen) and scroll it, once
    laid out, so that the feedback from ``top`` (the verdict) to ``bottom`` (the
    "Why") is in view; when it does not all fit, ``top`` comes first."""
    card.focus()

    def scroll() -> None:  # once the feedback is laid out
        if bottom.display:
            card.scroll_to_widget(bottom, animate=False, immediate=True)
        card.scroll_to_widget(top, animate=False, immediate=True)

    card.call_after_refresh(scroll)


def explain_text(explain: str | None, evidence: str | None = None) -> Text:
    """A card's ``explain`` ("Why: ...") and its evidence level, shown after the
    answer; empty if it has neither."""
    text = Text()
    if explain:
        text.append("Why: ", style="bold")
        text.append(explain)
    if evidence:
        if explain:
            text.append("\n")
        text.append("Evidence: ", style="bold")
        text.append(evidence_line(evidence), style="italic")
    return text
