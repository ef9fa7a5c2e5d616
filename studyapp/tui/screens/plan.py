"""Exam plan: plan a deck (or some of its topics) toward an exam date, or remove a plan.

Opened from home with ``p``. The maths is in :mod:`studyapp.core.study.planning`; what
this screen shows is what ``studyapp plan`` prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from studyapp.app.plan_service import new_plan, plan_summary
from studyapp.core.deck.model import Deck
from studyapp.core.study.planning import study_date

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["PlanScreen"]

PLAN_NOTE = (
    "Until the exam, cards come early where needed so that their predicted recall on "
    "the day reaches the target. Answers are scheduled as usual."
)


class PlanScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("ctrl+s", "save", "Save", show=False, priority=True),
        Binding("delete", "remove", "Remove plan", show=False),
        Binding("question_mark", "app.help", "Keys", show=False),  # (modal: see cram_setup)
    ]
    HELP = "plan"

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        target = self.study_app.settings.scheduler.desired_retention
        with Vertical(classes="dialog", id="plan-form"):
            title = Text("Exam plan: ", style="bold")
            title.append(self.deck.title, style="bold")
            yield Static(title, classes="dialog-message")
            yield Static(PLAN_NOTE, markup=False, classes="dialog-note")
            yield OptionList(id="plan-list")
            for label, field in (
                ("Exam date", Input(placeholder="YYYY-MM-DD", id="plan-date")),
                ("Topics", Input(placeholder="comma-separated; empty: all", id="plan-topics")),
                ("Target", Input(value=f"{target:.2f}", id="plan-target")),
            ):
                with Horizontal(classes="plan-field"):
                    yield Static(label, classes="plan-label")
                    yield field
            yield Static(id="plan-status", markup=False)
            yield Static(
                "tab next field · enter saves · del removes the highlighted plan · esc closes",
                classes="dialog-note dialog-keys",
            )

    def on_mount(self) -> None:
        self._show_plans()
        self.query_one("#plan-date", Input).focus()

    def _show_plans(self) -> None:
        plans = self.query_one("#plan-list", OptionList)
        plans.clear_options()
        new_limit = self.study_app.settings.limits_for(self.deck.id).new
        for outcome in self.study_app.plan_outcomes():
            if outcome.plan.deck_id != self.deck.id:
                continue
            text = Text(f"{outcome.plan.id}: {outcome.plan.exam_date.isoformat()} ", style="bold")
            text.append(plan_summary(outcome, new_limit))
            plans.add_option(Option(text, id=str(outcome.plan.id)))
        plans.display = plans.option_count > 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        status = self.query_one("#plan-status", Static)
        exam = self.query_one("#plan-date", Input).value.strip()
        topics = self.query_one("#plan-topics", Input).value.split(",")
        target_text = self.query_one("#plan-target", Input).value.strip()
        now = self.study_app.clock()
        try:
            target = float(target_text)
        except ValueError:
            status.update(Text(f"The target {target_text!r} is not a number.", style="red"))
            return
        today = study_date(now, self.study_app.settings.rollover_hour)
        try:
            plan = new_plan(self.deck, exam, topics, target, today)
        except ValueError as exc:
            status.update(Text(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", style="red"))
            return
        saved = self.study_app.store.add_plan(plan, now)
        status.update(Text(f"Saved plan {saved.id}: {saved.describe()}.", style="green"))
        self.query_one("#plan-date", Input).value = ""
        self._show_plans()

    def action_remove(self) -> None:
        plans = self.query_one("#plan-list", OptionList)
        if plans.highlighted is None or not plans.display:
            self.notify("Highlight a plan in the list first.", markup=False)
            return
        plan_id = plans.get_option_at_index(plans.highlighted).id
        if plan_id is not None and self.study_app.store.remove_plan(int(plan_id)):
            status = self.query_one("#plan-status", Static)
            status.update(Text(f"Removed plan {plan_id}; your reviews are unchanged."))
        self._show_plans()

    def action_close(self) -> None:
        self.dismiss(None)
