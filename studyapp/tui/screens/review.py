"""Review: show a prompt, reveal, rate 1-4; undo, suspend.

An answer whose commit fails (disk full, read-only folder, I/O error, the
database locked by another program) stays on screen with the error above the
rating bar; the rating keys retry it, and so does a timer every
:data:`RETRY_SECONDS`. Leaving with an unsaved answer asks for a second esc.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Rule, Static

from studyapp.core.kinds.grading import Grade, Interaction, Question
from studyapp.core.library.reload import merge_decks
from studyapp.core.study.quiz import Quizzer
from studyapp.core.study.scheduling import Rating, format_interval
from studyapp.core.study.session import StudySession, card_keys
from studyapp.render.card_text import spans_to_text
from studyapp.store.db import WriteFailed
from studyapp.tui.screens.exam_dialogs import ChoiceDialog
from studyapp.tui.widgets.answers import ANSWER_WIDGETS, AnswerWidget, Submitted
from studyapp.tui.widgets.answers.text_entry import TextAnswer
from studyapp.tui.widgets.fit import FitText
from studyapp.tui.widgets.grade_view import explain_text, grade_text, show_feedback
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["ReviewScreen"]

RETRY_SECONDS = 5.0
"""How often an answer that could not be saved is tried again."""

MAX_DURATION_MS = 10 * 60 * 1000
"""Time on a card is capped (a student who walks away should not skew stats)."""

RATING_STYLES = {
    Rating.AGAIN: "bold red",
    Rating.HARD: "bold yellow",
    Rating.GOOD: "bold green",
    Rating.EASY: "bold blue",
}


KEYS_QUESTION = [
    ("space", "Show answer"),
    ("u", "Undo"),
    ("s", "Suspend"),
    ("e", "Edit"),
    ("?", "Keys"),
    ("esc", "End"),
]
KEYS_OBJECTIVE = [("u", "Undo"), ("s", "Suspend"), ("e", "Edit"), ("?", "Keys"), ("esc", "End")]
"""After the answer widget's own key (digits pick options, see ``widgets/answers``)."""
KEYS_TYPING = [("enter", "Submit"), ("esc", "Leave the field")]
KEYS_GRADED = [
    ("enter", "Accept rating"),
    ("1-4", "Override"),
    ("u", "Undo"),
    ("s", "Suspend"),
    ("e", "Edit"),
    ("?", "Keys"),
    ("esc", "End"),
]
KEYS_ANSWER = [
    ("1-4", "Rate"),
    ("space", "Good"),
    ("u", "Undo"),
    ("s", "Suspend"),
    ("e", "Edit"),
    ("?", "Keys"),
    ("esc", "End"),
]


class ReviewScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "reveal_or_good", "Show answer", key_display="space"),
        Binding("enter", "reveal_or_good", "Show answer", show=False),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("r", "i_was_right", "I was right"),
        Binding("e", "edit", "Edit card"),
        Binding("escape,q", "back", "Back"),
    ]
    HELP = "review"

    def __init__(self, session: StudySession, quizzer: Quizzer) -> None:
        super().__init__()
        self.session = session
        self.quizzer = quizzer
        self.revealed = False
        self.question: Question | None = None
        self.grade: Grade | None = None
        self._shown_at = time.monotonic()
        self._stale = False
        """The card changed by a live reload while another screen was on top."""
        self.unsaved: tuple[int, int] | None = None
        """The rating and time of an answer whose commit failed (kept, retried)."""
        self._leave_unsaved = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="review-bar"):
            yield Static(id="deck-title", classes="one-line")
            yield Static(id="counts")
        yield FitText(one_line=True, id="card-meta")
        with VerticalScroll(id="card"):
            yield Static(id="front")
            yield Rule(id="divider")
            yield Static(id="back")
            yield Static(id="explain")
        yield Static(id="save-error")
        yield Static(id="answer-bar")
        yield KeyBar(KEYS_QUESTION, id="keys")

    def on_mount(self) -> None:
        self.query_one("#save-error").display = False
        self.set_interval(RETRY_SECONDS, self.retry_unsaved)
        self.show_current()

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def library_reloaded(self) -> None:
        """Live reload: keep the session; show the current card again if it changed."""
        before = self.session.current
        self.session.update_decks(merge_decks(self.session.decks, self.study_app.library))
        after = self.session.current
        if (
            before is None
            or after is None
            or after.key != before.key
            or replace(after.card, line=0) != replace(before.card, line=0)
        ):
            if self.app.screen is self:
                self.show_current()
            else:  # under the help: show it when back (the session may have ended)
                self._stale = True
        elif self.is_mounted:
            self._update_counts()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.show_current()

    # -- rendering --------------------------------------------------------
    def show_current(self) -> None:
        prompt = self.session.current
        if prompt is None:
            self._finish()
            return
        self.revealed = False
        self._shown_at = time.monotonic()
        self.query_one("#deck-title", Static).update(Text(prompt.deck.title, style="bold"))
        self._update_counts()
        card = prompt.card
        meta = Text()
        meta.append(card.topic, style="bold magenta")
        meta.append(f"  {card.kind}", style="dim")
        keep = None
        if card.source is not None:  # cut to fit, the title gives way before its section
            meta.append("  ·  ")
            label = card.source.label(prompt.deck)
            section = label.rfind(" § ")
            keep = (len(meta) + section, len(meta) + len(label)) if section >= 0 else None
            meta.append(label, style="italic")
        self.query_one("#card-meta", FitText).show(meta, keep=keep)
        for widget_id in ("#divider", "#back", "#explain"):
            self.query_one(widget_id).display = False
        for old in self.query(AnswerWidget):
            old.remove()
        self.question = self.grade = None
        interaction = self.quizzer.interaction(prompt)
        if interaction is Interaction.FLIP:
            self._show_flip()
        else:
            self._show_objective(interaction)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)

    def _show_flip(self) -> None:
        assert self.session.current is not None
        self.query_one("#card", VerticalScroll).focus()  # a long card scrolls with the keys
        face = self.session.current.face()
        self.query_one("#front", Static).update(spans_to_text(face.front))
        self.query_one("#back", Static).update(spans_to_text(face.back))
        self.query_one("#answer-bar", Static).update(
            Text.assemble(
                ("space", "bold reverse"), " or ", ("enter", "bold reverse"), " show answer"
            )
        )
        self.query_one("#keys", KeyBar).show_keys(KEYS_QUESTION)

    def _show_objective(self, interaction: Interaction) -> None:
        assert self.session.current is not None
        question = self.quizzer.ask(self.session.current)
        self.question = question
        front = spans_to_text(question.prompt)
        if question.hint:
            front.append(f"\n{question.hint}", style="italic dim")
        self.query_one("#front", Static).update(front)
        widget = ANSWER_WIDGETS[interaction](question)
        self.query_one("#card", VerticalScroll).mount(widget, after="#front")
        widget.focus_answer()
        self.query_one("#answer-bar", Static).update(
            Text("Answer the question; it is graded and a rating is proposed.", style="dim")
        )
        self._show_keys()

    def _show_keys(self) -> None:
        """The key bar of an unanswered objective question: true whatever has focus."""
        widgets = list(self.query(AnswerWidget))
        if self.question is None or self.grade is not None or not widgets:
            return
        keys = KEYS_TYPING
        if not isinstance(self.focused, Input):
            keys = [*widgets[0].key_hints(), *KEYS_OBJECTIVE]
        self.query_one("#keys", KeyBar).show_keys(keys)

    def on_descendant_focus(self) -> None:
        self._show_keys()

    def on_descendant_blur(self) -> None:
        self._show_keys()

    def on_submitted(self, event: Submitted) -> None:
        event.stop()
        prompt = self.session.current
        if prompt is None or self.question is None or self.grade is not None:
            return
        grade = self.quizzer.grade(prompt, self.question, event.response)
        if not grade.readable and isinstance(event.control, TextAnswer):
            event.control.show_unreadable(grade)  # asked again: nothing graded or committed
            return
        self._show_grade(grade)

    def _show_grade(self, grade: Grade) -> None:
        self.grade = grade
        for widget in self.query(AnswerWidget):
            widget.show_result(grade)
        self.query_one("#back", Static).update(grade_text(grade))
        self._reveal()

    def _update_counts(self) -> None:
        counts = self.session.counts()
        self.query_one("#counts", Static).update(
            Text.assemble(
                ("New ", "dim"),
                (str(counts.new), "bold blue"),
                ("  Learn ", "dim"),
                (str(counts.learning), "bold red"),
                ("  Due ", "dim"),
                (str(counts.review), "bold green"),
            )
        )

    def _reveal(self) -> None:
        self.revealed = True
        self.query_one("#divider").display = True
        self.query_one("#back").display = True
        card = self.session.current.card if self.session.current else None
        explain = card.explain if card else None
        if self.grade is not None and explain in self.grade.feedback:
            explain = None  # the grade's feedback already shows it
        shown = explain_text(explain, card.evidence if card else None)
        self.query_one("#explain", Static).update(shown)
        self.query_one("#explain").display = bool(shown)
        # The card scrolls with the keys from now on; the digits rate.
        scroller = self.query_one("#card", VerticalScroll)
        show_feedback(scroller, self.query_one("#divider"), self.query_one("#explain"))
        proposed = self._proposed()
        bar = Text()
        for rating, interval in self.session.intervals().items():
            style = RATING_STYLES[rating]
            bar.append(f" {int(rating)} ", style=f"{style} reverse")
            label = rating.name.title()
            bar.append(f" {label}{'*' if rating is proposed else ''} ", style=style)
            bar.append(f"{format_interval(interval)}   ", style="dim")
        if proposed is not None:
            bar.append("* proposed", style="dim")
        if self._can_claim_right():
            bar.append("   r: I was right", style="bold")
        self.query_one("#answer-bar", Static).update(bar)
        keys = KEYS_ANSWER if self.grade is None else KEYS_GRADED
        self.query_one("#keys", KeyBar).show_keys(keys)

    def _elapsed_ms(self) -> int:
        return min(int((time.monotonic() - self._shown_at) * 1000), MAX_DURATION_MS)

    def _proposed(self) -> Rating | None:
        if self.grade is None:
            return None
        return self.quizzer.propose(self.grade, self._elapsed_ms())

    def _can_claim_right(self) -> bool:
        return (
            self.grade is not None
            and not self.grade.correct
            and self.question is not None
            and self.question.interaction is Interaction.TYPED
        )

    def _finish(self) -> None:
        from studyapp.tui.screens.summary import SummaryScreen

        # The end of a session: the database file alone now holds every answer.
        self.study_app.store.checkpoint()
        self.app.switch_screen(SummaryScreen(self.session))

    # -- actions ----------------------------------------------------------
    def action_reveal_or_good(self) -> None:
        if self.session.current is None:
            return
        if self.question is not None:  # objective: enter accepts the proposed rating
            proposed = self._proposed()
            if proposed is not None:
                self.action_rate(int(proposed))
            else:  # not answered yet (the text field was left): back into the answer
                for widget in self.query(AnswerWidget):
                    widget.focus_answer()
        elif not self.revealed:
            self._reveal()
        else:
            self.action_rate(int(Rating.GOOD))

    def action_rate(self, rating: int) -> None:
        if self.session.current is None or not self.revealed:
            return
        grade = self.grade
        duration = self.unsaved[1] if self.unsaved else self._elapsed_ms()
        try:
            self.session.answer(
                rating,
                duration,
                answer=grade.answer if grade else None,
                picked=grade.picked_wrong if grade else None,
            )
        except WriteFailed as exc:  # nothing was kept: the card and answer stay
            self._not_saved(rating, duration, str(exc))
            return
        self._saved()
        self.show_current()

    def retry_unsaved(self) -> None:
        """The timer's retry of an answer that could not be saved."""
        if self.unsaved is not None:
            self.action_rate(self.unsaved[0])

    def _not_saved(self, rating: int, duration: int, why: str) -> None:
        first = self.unsaved is None
        self.unsaved = (rating, duration)
        error = self.query_one("#save-error", Static)
        error.update(
            Text.assemble(
                ("Not saved: ", "bold red"),
                (why, "red"),
                "\nYour answer is kept on screen: press 1-4 to try again "
                f"(tried again every {RETRY_SECONDS:.0f} s).",
            )
        )
        error.display = True
        if first:
            self.notify(f"Your answer was not saved: {why}", severity="error", markup=False)

    def _saved(self) -> None:
        if self.unsaved is not None:
            self.notify("Saved.")
        self.unsaved = None
        self._leave_unsaved = False
        self.query_one("#save-error").display = False

    def _write_failed(self, what: str, exc: WriteFailed) -> None:
        self.notify(f"{what} failed, nothing changed: {exc}", severity="error", markup=False)

    def action_i_was_right(self) -> None:
        """Ask how to keep a typed answer the student says was right (and, for an
        opposite, whether they are sure first)."""
        if self.session.current is None or self.grade is None or not self._can_claim_right():
            return
        grade = self.grade
        if grade.rule == "opposite":
            expected = grade.expected
            message = (
                f"'{grade.answer}' has the opposite meaning of '{expected}' "
                f"({'; '.join(grade.feedback)}). Are you sure it was right?"
            )
            choices = [("y", "yes, it was right"), ("n", "no")]

            def sure(key: str | None) -> None:
                if key == "y":
                    self._ask_how_to_keep(grade)

            self.app.push_screen(ChoiceDialog(message, choices), sure)
            return
        self._ask_how_to_keep(grade)

    def _ask_how_to_keep(self, grade: Grade) -> None:
        message = (
            f"I was right: '{grade.answer}' will be rated as right.\n"
            "t: accept it this time only (the spelling is not kept).\n"
            "a: always accept this spelling for this card (kept as your answer).\n"
            "esc: cancel."
        )
        choices = [("t", "accept this time"), ("a", "always accept this spelling")]

        def chosen(key: str | None) -> None:
            prompt = self.session.current
            if key not in ("t", "a") or prompt is None or self.question is None:
                return
            if self.grade is not grade:
                return  # the card changed meanwhile
            remember = key == "a"
            accepted = self.quizzer.accept(prompt, self.question, grade.answer, remember=remember)
            if remember:
                self.notify(f"Kept '{grade.answer}' as an accepted answer.", markup=False)
            else:
                self.notify("Accepted this time; the spelling is not kept.", markup=False)
            self._show_grade(accepted)

        self.app.push_screen(ChoiceDialog(message, choices), chosen)

    def action_undo(self) -> None:
        what = self.session.next_undo()
        try:
            prompt = self.session.undo()
        except WriteFailed as exc:
            self._write_failed("Undo", exc)
            return
        if prompt is None:
            self.notify("Nothing to undo in this session.")
            return
        if what == "suspension":
            self.notify(f"Unsuspended the card '{prompt.card.id}'.", markup=False)
        else:
            self.notify("Undid the last answer.")
        self.show_current()

    def action_suspend(self) -> None:
        try:
            prompt = self.session.suspend_current()
        except WriteFailed as exc:
            self._write_failed("Suspending", exc)
            return
        if prompt is None:
            return
        count = len(card_keys(prompt.deck, prompt.card))
        every = f" (all {count} of its prompts)" if count > 1 else ""
        self.notify(
            f"Suspended the card '{prompt.card.id}'{every}: u undoes it, "
            "s in browse brings it back.",
            markup=False,
        )
        self.show_current()

    def action_edit(self) -> None:
        from studyapp.tui.live import edit_card

        prompt = self.session.current
        if prompt is not None:
            edit_card(self.study_app, prompt.deck, prompt.card)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # out of the text field first
            self.query_one("#card", VerticalScroll).focus()
            return
        if self.unsaved is not None and not self._leave_unsaved:
            self._leave_unsaved = True
            self.notify(
                "Your last answer is not saved: press esc again to leave without it.",
                severity="warning",
            )
            return
        if self.session.summary.studied:
            self._finish()
        else:
            self.app.pop_screen()
