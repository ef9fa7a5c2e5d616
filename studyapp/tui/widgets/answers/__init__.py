"""Answer widgets, one per interaction (see :class:`studyapp.core.kinds.grading.Interaction`).

A new objective kind reuses one of these; a new interaction adds a widget
here and one line in :data:`ANSWER_WIDGETS`.
"""

from __future__ import annotations

from studyapp.core.kinds.grading import Interaction
from studyapp.tui.widgets.answers.base import AnswerWidget, Submitted
from studyapp.tui.widgets.answers.matching import MatchingAnswer
from studyapp.tui.widgets.answers.options import OptionsAnswer
from studyapp.tui.widgets.answers.ordering import OrderingAnswer
from studyapp.tui.widgets.answers.text_entry import TextAnswer

__all__ = ["ANSWER_WIDGETS", "AnswerWidget", "Submitted"]

ANSWER_WIDGETS: dict[Interaction, type[AnswerWidget]] = {
    Interaction.CHOICE: OptionsAnswer,
    Interaction.MULTI: OptionsAnswer,
    Interaction.TRUE_FALSE: OptionsAnswer,
    Interaction.TYPED: TextAnswer,
    Interaction.NUMERIC: TextAnswer,
    Interaction.ORDERING: OrderingAnswer,
    Interaction.MATCHING: MatchingAnswer,
}
