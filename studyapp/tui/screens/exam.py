"""Exam (and cram): one question at a time, with the review screen's answer widgets.

Timed mode gives no feedback until the exam is submitted, shows a countdown
(read from the app's clock every second) and submits itself at zero. Tutor
mode (and cram) grades and explains each answer at once and locks it. Exam
answers never change a review schedule; cram is not even saved.

What is on screen is the answer: whenever the student leaves a question (any
key or the go-to dialog), submits, or the time runs out, the screen asks the
answer widgets for their pending answer (``AnswerWidget.pending``) and hands
it to the exam (``ExamRun.keep``, ``ExamRun.submit(shown)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Rule, Static

from studyapp.core.kinds.grading import Grade, Response
from studyapp.core.study.exam import ExamClosed, ExamItem, ExamRun, format_clock
from studyapp.render.card_text import spans_to_text
from studyapp.tui.screens.exam_dialogs import ChoiceDialog, GoToDialog
from studyapp.tui.widgets.answers import ANSWER_WIDGETS, AnswerWidget, Submitted
from studyapp.tui.widgets.answers.text_entry import TextAnswer
from studyapp.tui.widgets.grade_view import explain_text, grade_text, show_feedback
from studyapp.tui.widgets.key_bar import KeyBar
from studyapp.tui.widgets.question_map import Marker, QuestionMap

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["EXAM_NOTE", "ExamScreen"]

EXAM_NOTE = "Exam answers do not change your review schedule."
CRAM_NOTE = "Cram does not change your review schedule: nothing is saved."

KEYS = [
    ("n/p", "Next/Prev"),
    ("f", "Flag"),
    ("g", "Go to"),
    ("ctrl+s", "Submit"),
    ("?", "Keys"),
    ("esc", "Leave"),
]
"""After the answer widget's own key (digits pick options: never a letter of these)."""
KEYS_FLIP = [("space", "Show answer"), *KEYS]
KEYS_MARK = [("r/w", "Right/Wrong"), *KEYS]
KEYS_TYPING = [
    ("enter", "Answer"),
    ("ctrl+n/p", "Next/Prev"),
    ("ctrl+f", "Flag"),
    ("esc", "Leave field"),
    ("ctrl+s", "Submit"),
]


class ExamScreen(Screen[None]):
    BINDINGS = [
        Binding("n,right", "next", "Next", show=False),
        Binding("p,left", "previous", "Previous", show=False),
        # Also while typing an answer (the text field takes n, p, f and arrows).
        Binding("ctrl+n", "next", "Next", show=False, priority=True),
        Binding("ctrl+p", "previous", "Previous", show=False, priority=True),
        Binding("f", "flag", "Flag", show=False),
        Binding("ctrl+f", "flag", "Flag", show=False, priority=True),
        Binding("g", "go_to", "Go to", show=False),
        Binding("space", "reveal", "Show answer", show=False),
        Binding("enter", "enter", "Answer", show=False),
        Binding("r", "mark(True)", "I was right", show=False),
        Binding("w", "mark(False)", "I was wrong", show=False),
        Binding("ctrl+s", "submit", "Submit", show=False, priority=True),
        Binding("escape", "escape", "Leave", show=False),
    ]
    HELP = "exam"

    TICK_SECONDS = 1.0

    def __init__(self, exam: ExamRun, *, cram: bool = False) -> None:
        super().__init__()
        self.exam = exam
        self.cram = cram
        self._widgets: dict[int, AnswerWidget] = {}
        self._done = False

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="exam-bar"):
            yield Static(id="exam-title")
            yield Static(id="exam-clock")
        yield QuestionMap(id="exam-map")
        yield Static(id="exam-meta", classes="one-line")
        with VerticalScroll(id="exam-card"):
            yield Static(id="exam-front")
            yield Rule(id="exam-divider")
            yield Static(id="exam-back")
            yield Static(id="exam-explain")
        yield Static(id="exam-hint")
        yield Static(CRAM_NOTE if self.cram else EXAM_NOTE, id="exam-note", markup=False)
        yield KeyBar(KEYS, id="exam-keys")

    def on_mount(self) -> None:
        self.show_item()
        self.set_interval(self.TICK_SECONDS, self._tick)
        asked, found = self.exam.spec.count, len(self.exam.items)
        if asked is not None and found < asked:
            self.notify(f"Only {found} of the {asked} questions asked for match.", markup=False)

    # -- rendering --------------------------------------------------------
    def show_item(self) -> None:
        """Show the current question (after moving to it): text, answer widget, focus."""
        exam = self.exam
        item = exam.current
        front = spans_to_text(item.question.prompt if item.question else item.prompt.face().front)
        if item.question is not None and item.question.hint:
            front.append(f"\n{item.question.hint}", style="italic dim")
        self.query_one("#exam-front", Static).update(front)
        for position, other in self._widgets.items():
            other.display = position == item.position
        widget = self._widget(item)
        card = self.query_one("#exam-card", VerticalScroll)
        if widget is None or exam.locked(item) or isinstance(widget, TextAnswer):
            card.focus()  # a text field waits for enter: n and p still move
        else:
            widget.focus()
        self._refresh()
        card.scroll_home(animate=False)

    def _widget(self, item: ExamItem) -> AnswerWidget | None:
        """The item's answer widget, made once and kept (it keeps the answer given)."""
        if item.question is None:
            return None
        widget = self._widgets.get(item.position)
        if widget is None:
            widget = ANSWER_WIDGETS[item.interaction](item.question)
            self._widgets[item.position] = widget
            self.query_one("#exam-card", VerticalScroll).mount(widget, after="#exam-front")
        return widget

    def _refresh(self) -> None:
        """Update everything but the question itself: bar, map, meta, feedback, hint."""
        exam = self.exam
        item = exam.current
        self._update_bar()
        self.query_one("#exam-map", QuestionMap).show(self._markers(), exam.index)
        card = item.prompt.card
        meta = Text()
        meta.append(card.topic, style="bold magenta")
        meta.append(f"  {card.kind}  ·  {item.prompt.deck.title}", style="dim")
        if item.flagged:
            meta.append("  ⚑ flagged", style="bold yellow")
        self.query_one("#exam-meta", Static).update(meta)
        self._show_feedback(item)
        self._show_keys(item)

    def _update_bar(self) -> None:
        exam = self.exam
        title = Text()
        if self.cram:
            title.append("Cram", style="bold")
        elif exam.spec.class_exam is not None:
            title.append("Class exam", style="bold")
        else:
            title.append(exam.spec.mode.value.title(), style="bold")  # Timed, Tutor
        answered = len(exam.items) - exam.unanswered(self._shown())
        flagged = sum(item.flagged for item in exam.items)
        title.append(f" · Question {exam.index + 1} of {len(exam.items)}")
        title.append(f" · {answered} answered", style="dim")
        if flagged:
            title.append(f" · {flagged} flagged", style="yellow")
        self.query_one("#exam-title", Static).update(title)
        remaining = exam.remaining()
        clock = Text()
        if remaining is None:
            elapsed = (exam.result.finished_at if exam.result else exam.clock()) - exam.started_at
            clock.append("Time ", style="dim")
            clock.append(format_clock(elapsed), style="bold")
        else:
            urgent = remaining.total_seconds() < 60
            clock.append("Time left ", style="dim")
            clock.append(format_clock(remaining), style="bold red" if urgent else "bold green")
        self.query_one("#exam-clock", Static).update(clock)

    def _markers(self) -> list[Marker]:
        """The question map's markers: answered (•), graded (✓ ✗, tutor), flagged (⚑)."""
        exam = self.exam
        shown = self._shown()
        markers = []
        for item in exam.items:
            if item.grade is not None:
                mark, style = ("✓", "green") if item.grade.correct else ("✗", "red")
            elif exam.answered_with(item, shown):
                mark, style = "•", "bold"
            else:
                mark, style = " ", "dim"
            markers.append(Marker(mark, item.flagged, style))
        return markers

    def _show_feedback(self, item: ExamItem) -> None:
        exam = self.exam
        back = self.query_one("#exam-back", Static)
        card = item.prompt.card
        explained = card.explain
        show_back = show_explain = False
        if item.is_flip and item.revealed:
            back.update(spans_to_text(item.prompt.face().back))
            show_back = True
            show_explain = exam.tutor and item.marked is not None
        elif item.grade is not None and exam.tutor:
            back.update(grade_text(item.grade))
            show_back = show_explain = True
            if explained in item.grade.feedback:
                explained = None  # the grade's feedback already shows it
        shown = explain_text(explained, card.evidence)
        self.query_one("#exam-explain", Static).update(shown)
        self.query_one("#exam-divider").display = show_back
        back.display = show_back
        self.query_one("#exam-explain").display = show_explain and bool(shown)

    def _show_keys(self, item: ExamItem) -> None:
        """The hint line and the key bar: true for this question and what has focus."""
        exam = self.exam
        hint = Text(style="dim")
        keys = KEYS
        widget = self._widgets.get(item.position)
        typing = isinstance(self.focused, Input)
        if item.is_flip:
            if not item.revealed:
                hint.append("Recall the answer, then space shows it.")
                keys = KEYS_FLIP
            elif item.marked is None:
                hint.append("Were you right?  r: I was right   w: I was wrong")
                keys = KEYS_MARK
            elif exam.tutor:
                hint.append(f"Marked {'right' if item.marked else 'wrong'}.")
            else:
                hint.append(f"Marked {'right' if item.marked else 'wrong'}: r / w change it.")
                keys = KEYS_MARK
        elif exam.locked(item):
            hint.append("Graded.")
        else:
            if item.answered:
                hint.append("Answer saved: you can change it until you submit.")
            elif isinstance(widget, TextAnswer) and not typing:
                hint.append("enter: type your answer.")
            else:
                hint.append("Answer the question.")
            if widget is not None:
                keys = [*widget.key_hints(), *KEYS]
        if typing:
            hint.append("  Typing: ctrl+n / ctrl+p move, esc leaves the field.")
            keys = KEYS_TYPING
        elif item.answered:
            last = item.position + 1 == len(exam.items)
            hint.append("  ctrl+s submits." if last else "  n: next question.")
        self.query_one("#exam-hint", Static).update(hint)
        self.query_one("#exam-keys", KeyBar).show_keys(keys)

    def on_descendant_focus(self) -> None:
        if not self._done:  # entering a text field changes the keys
            self._show_keys(self.exam.current)

    def on_descendant_blur(self) -> None:
        if not self._done:
            self._show_keys(self.exam.current)

    # -- time -------------------------------------------------------------
    def _tick(self) -> bool:
        """Every second: update the countdown; at zero submit. ``True`` once finished."""
        if self._done:
            return True
        if self.exam.expired() and self.exam.check_time(self._shown()):
            self.notify("Time is up: the exam was submitted.", markup=False)
            self._finish()
            return True
        self._update_bar()
        return False

    def _act(self, change: Callable[[], object]) -> bool:
        """Run ``change`` on the exam unless its time is up (then it is submitted)."""
        if self._tick():
            return False
        try:
            change()
        except ExamClosed:
            self._finish()
            return False
        return True

    def _shown(self) -> dict[int, Response | None]:
        """The answer on screen of every question shown so far (``None``: none)."""
        return {position: widget.pending() for position, widget in self._widgets.items()}

    def _keep_shown(self) -> None:
        """Leaving the current question: the answer on screen is the answer
        (tutor mode grades it; coming back shows the grade)."""
        item = self.exam.current
        widget = self._widgets.get(item.position)
        if widget is None or self.exam.locked(item):
            return
        grade = self.exam.keep(widget.pending())
        if grade is not None and not grade.readable:
            if isinstance(widget, TextAnswer):  # not kept: said so when the student comes back
                widget.show_unreadable(grade)
        elif grade is not None:
            widget.show_result(grade)

    def _leave_field(self) -> None:
        """Timed mode: leaving a text field saves its text (a tutor-mode answer
        is graded on enter or on leaving the question, not on leaving the field)."""
        if not self.exam.tutor:
            self._keep_shown()

    def _finish(self) -> None:
        """Submit, save (exams, not cram) and show the results."""
        if self._done:
            return
        self._done = True
        from studyapp.tui.screens.exam_results import ExamResultsScreen

        result = self.exam.submit(self._shown())
        exam_id = None if self.cram else self.study_app.store.save_exam(result)
        if exam_id is not None:
            self.study_app.start_sync()  # with a class server: the exam goes at once
        if self.app.screen is not self:  # a dialog is open over the exam
            self.app.pop_screen()
        self.app.switch_screen(ExamResultsScreen(result, exam_id=exam_id, cram=self.cram))

    def save_class_exam(self) -> None:
        """The app is quitting: a class exam in progress is submitted and saved
        (what is on screen counts), sent at the next sync. Other exams are left."""
        if self._done or self.cram or self.exam.spec.class_exam is None:
            return
        self._done = True
        self.study_app.store.save_exam(self.exam.submit(self._shown()))

    # -- answering --------------------------------------------------------
    def on_submitted(self, event: Submitted) -> None:
        event.stop()
        item = self.exam.current
        widget = self._widgets.get(item.position)
        if widget is None or event.control is not widget or self.exam.locked(item):
            return  # typeahead: an answer posted by a question no longer shown

        graded: Grade | None = None

        def answer() -> None:
            nonlocal graded
            graded = self.exam.answer(event.response)

        if not self._act(answer):
            return
        if graded is not None and not graded.readable and isinstance(widget, TextAnswer):
            widget.show_unreadable(graded)  # not kept: asked again, saying what can be read
            return
        self._refresh()
        if isinstance(widget, TextAnswer) or self.exam.locked(item):
            self._show_answer()  # the keys move on again

    def action_reveal(self) -> None:
        item = self.exam.current
        if item.is_flip and not item.revealed and self._act(self.exam.reveal):
            self._refresh()
            self._show_answer()

    def action_mark(self, correct: bool) -> None:
        item = self.exam.current
        if not item.is_flip or not item.revealed or self.exam.locked(item):
            return
        if self._act(lambda: self.exam.mark(correct)):
            self._refresh()
            self._show_answer()

    def _show_answer(self) -> None:
        """The card takes the keys (n, p... reach the screen; up/down, pgup/pgdn
        scroll it) and shows the answer or feedback, if any, scrolled into view."""
        card = self.query_one("#exam-card", VerticalScroll)
        show_feedback(card, self.query_one("#exam-divider"), self.query_one("#exam-explain"))

    def action_enter(self) -> None:
        """Flip: show the answer. Objective: back into the answer. Graded: next."""
        item = self.exam.current
        if self.exam.locked(item):
            self.action_next()
        elif item.is_flip:
            self.action_reveal()
        elif (widget := self._widgets.get(item.position)) is not None:
            widget.focus_answer()
            self._refresh()

    # -- navigation -------------------------------------------------------
    def _move(self, move: Callable[[], bool]) -> None:
        def change() -> None:
            self._keep_shown()
            if move():
                self.show_item()

        self._act(change)

    def action_next(self) -> None:
        self._move(self.exam.next)

    def action_previous(self) -> None:
        self._move(self.exam.previous)

    def action_go_to(self) -> None:
        if self._tick():
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._move(lambda: self.exam.go_to(index) is not None)

        self.app.push_screen(GoToDialog(len(self.exam.items)), chosen)

    def action_flag(self) -> None:
        if self._act(self.exam.toggle_flag):
            self._refresh()

    # -- leaving ----------------------------------------------------------
    def action_submit(self) -> None:
        if self._tick():
            return
        exam = self.exam
        unanswered = exam.unanswered(self._shown())
        left = [f"{unanswered} unanswered"] if unanswered else []
        flagged = sum(item.flagged for item in exam.items)
        if flagged:
            left.append(f"{flagged} flagged")
        what = "End the cram session" if self.cram else "Submit the exam"
        message = f"{what} now?" + (f" ({', '.join(left)})" if left else "")

        def chosen(key: str | None) -> None:
            if key == "y":
                self._finish()

        choices = [("y", "submit" if not self.cram else "end"), ("n", "keep going")]
        self.app.push_screen(ChoiceDialog(message, choices), chosen)

    def action_escape(self) -> None:
        if isinstance(self.focused, Input):  # leave the text field: keys move again
            if self._act(self._leave_field):
                self.query_one("#exam-card", VerticalScroll).focus()
                self._refresh()
            return
        if self.cram:
            message = "Leave the cram session?"
            choices = [("y", "see results"), ("d", "leave"), ("n", "keep going")]
        elif self.exam.spec.class_exam is not None:  # taken once: no discarding
            message = "Leave the class exam? It is taken once: leaving submits it."
            choices = [("y", "submit and see results"), ("n", "keep going")]
        else:
            message = "Leave the exam?"
            choices = [("y", "submit and see results"), ("d", "discard it"), ("n", "keep going")]

        def chosen(key: str | None) -> None:
            if key == "y":
                self._finish()
            elif key == "d" and not self._done:
                self._done = True
                self.app.pop_screen()

        self.app.push_screen(ChoiceDialog(message, choices), chosen)
