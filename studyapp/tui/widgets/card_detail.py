"""A card in full, as Rich ``Text``: every prompt's faces, its citation and
explain and evidence level, and each prompt's scheduling and review history.

Used by the browse screen's detail pane. Deck text goes in through
``Text.append`` and :func:`spans_to_text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.text import Text

from studyapp.core.deck.model import Card, Deck
from studyapp.core.study.scheduling import CardState, Policy, Rating, State, format_interval
from studyapp.core.study.search import faces_of
from studyapp.render.card_text import spans_to_text
from studyapp.tui.widgets.grade_view import explain_text

__all__ = ["card_detail", "format_time", "state_label"]

STATE_STYLES = {
    State.NEW: "blue",
    State.LEARNING: "red",
    State.RELEARNING: "red",
    State.REVIEW: "green",
}
RATING_STYLES = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


def format_time(moment: datetime | None) -> str:
    """A local date and time, ``24 Nov 2026 12:10``; ``-`` for none."""
    return "-" if moment is None else f"{moment.astimezone():%d %b %Y %H:%M}"


def state_label(states: Sequence[CardState]) -> Text:
    """One card's states for a table cell: ``review``, ``new/learning``, ``+ susp``."""
    names = list(dict.fromkeys(s.state for s in states))
    text = Text()
    for index, state in enumerate(names):
        if index:
            text.append("/", style="dim")
        text.append(state.value, style=STATE_STYLES[state])
    if any(s.leech for s in states):
        text.append(" leech", style="bold magenta")
    elif any(s.suspended for s in states):
        text.append(" susp", style="yellow")
    return text


def card_detail(
    deck: Deck,
    card: Card,
    states: Mapping[str, CardState],
    histories: Mapping[str, Sequence[Mapping[str, Any]]],
    policy: Policy,
    now: datetime,
) -> Text:
    """The detail of ``card``; ``states`` and ``histories`` are by sibling."""
    text = Text()
    text.append(card.id, style="bold")
    text.append(f"  {card.kind}", style="cyan")
    text.append("  topic ", style="dim")
    text.append(card.topic, style="magenta")
    if card.tags:
        text.append("  tags ", style="dim")
        text.append(", ".join(card.tags))
    text.append(f"\n{deck.path}:{card.line}\n", style="dim")
    if card.source is not None:
        text.append("Source: ", style="bold")
        text.append(card.source.label(deck) + "\n")
    if card.explain or card.evidence:
        text.append_text(explain_text(card.explain, card.evidence))
        text.append("\n")
    for sibling, face in faces_of(card):
        text.append(f"\n── {sibling} ", style="bold cyan")
        text.append("─" * 20 + "\n", style="cyan")
        text.append("Front  ", style="bold")
        text.append_text(spans_to_text(face.front))
        text.append("\nBack   ", style="bold")
        text.append_text(spans_to_text(face.back))
        text.append("\n")
        state = states.get(sibling, CardState())
        _schedule(text, state, policy, now)
        _history(text, histories.get(sibling, ()))
    return text


def _schedule(text: Text, state: CardState, policy: Policy, now: datetime) -> None:
    text.append("State  ", style="bold")
    text.append(state.state.value, style=STATE_STYLES[state.state])
    if state.suspended:
        text.append("  suspended", style="yellow")
    if state.leech:
        text.append("  leech", style="bold magenta")
    text.append("\n")
    if state.state is State.NEW:
        text.append("       never studied\n", style="dim")
        return
    fields = [
        ("stability", "-" if state.stability is None else f"{state.stability:.2f} d"),
        ("difficulty", "-" if state.difficulty is None else f"{state.difficulty:.2f}"),
        ("retrievability now", f"{policy.retrievability(state, now):.0%}"),
    ]
    second = [
        ("due", format_time(state.due)),
        ("reps", str(state.reps)),
        ("lapses", str(state.lapses)),
    ]
    for row in (fields, second):
        text.append("      ")
        for name, value in row:
            text.append(f" {name} ", style="dim")
            text.append(value)
        text.append("\n")


def _history(text: Text, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    text.append("History\n", style="bold")
    for row in rows:
        at = datetime.fromisoformat(row["reviewed_at"])
        text.append(f"  {format_time(at)}  ", style="dim" if row["undone_at"] else "")
        if row["action"] != "review":
            text.append(row["action"], style="yellow")
        else:
            rating = int(row["rating"])
            text.append(f"{Rating(rating).name.title():<5}", style=RATING_STYLES.get(rating, ""))
            due = row["scheduled_due"]
            if due:
                interval = datetime.fromisoformat(due) - at
                text.append(f"  next in {format_interval(interval)}", style="dim")
        if row["undone_at"]:
            text.append("  (undone)", style="dim italic")
        text.append("\n")
