"""Browse: a deck's cards in a table, a search box, and the selected card in full.

Every match is listed: the table draws only the rows on screen (``VirtualTable``),
and a search runs :data:`SEARCH_DELAY` seconds after the last keystroke, not on each.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from studyapp.core.deck.model import Card, Deck
from studyapp.core.deck.text import plain
from studyapp.core.library.reload import merge_decks
from studyapp.core.study.scheduling import CardState, State, day_bounds
from studyapp.core.study.search import (
    Query,
    QueryError,
    card_flags,
    card_text,
    faces_of,
    filter_cards,
    parse_query,
)
from studyapp.core.study.session import card_keys
from studyapp.tui.widgets.card_detail import card_detail, state_label
from studyapp.tui.widgets.fit import FitText, ellipsize, file_name_span
from studyapp.tui.widgets.key_bar import KeyBar
from studyapp.tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["BrowseScreen"]

SEARCH_DELAY = 0.12
"""Seconds after the last keystroke in the search field before the list is filtered
(typing a word filters once, not once a letter)."""

COLUMNS = (
    # key, label, preferred width, width when short of room, least width
    ("id", "ID", 20, 12, 8),
    ("kind", "Kind", 10, 10, 0),
    ("topic", "Topic", 16, 10, 8),
    ("state", "State", 14, 9, 7),
    ("due", "Due", 12, 12, 0),
)
"""The columns before the front, the main column, which takes the rest."""

FRONT_SHARE = 0.45
"""The front (the question) gets at least this share of the table's width."""

CELL_PADDING = 2
"""A table cell's padding, one cell on each side."""


def column_widths(width: int) -> dict[str, int]:
    """The width of each column of a table ``width`` cells wide (0: not shown).

    The front gets what is left, and at least :data:`FRONT_SHARE` of it: the
    other columns give way in turn (id, topic and state shrink, their text cut
    with an ellipsis; then due goes, then kind; the detail pane shows them all).
    """
    target = int(width * FRONT_SHARE)
    widths: dict[str, int] = {}
    for dropped in ((), ("due",), ("due", "kind")):
        widths = {c[0]: 0 if c[0] in dropped else c[2] for c in COLUMNS}
        for stage in (3, 4):  # toward the short widths, then toward the least ones
            for column in COLUMNS:
                key, least = str(column[0]), int(column[stage])
                if widths[key] and least:
                    lack = target - _front(width, widths)
                    widths[key] = max(least, min(widths[key], widths[key] - lack))
        if _front(width, widths) >= target:
            break
    return widths | {"front": max(8, _front(width, widths))}


def _front(width: int, widths: dict[str, int]) -> int:
    shown = [w for w in widths.values() if w]
    return width - sum(shown) - CELL_PADDING * (len(shown) + 1)


class BrowseScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("s", "toggle_suspend", "Suspend"),
        Binding("e", "edit", "Edit card"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("escape", "back", "Back"),
    ]
    HELP = "browse"
    search_delay = SEARCH_DELAY

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck
        self.shown: list[Card] = []
        """The cards listed (those matching the search), in deck order."""
        self._states: dict[tuple[str, str], CardState] = {}
        self._texts: dict[str, str] = {}
        self._fronts: dict[str, str] = {}
        self._siblings: dict[str, tuple[str, ...]] = {}
        self._matched = 0
        self._query = Query()
        self._loaded_deck: Deck | None = None
        self._widths: dict[str, int] = {}
        self._search_timer: Timer | None = None
        self._pending = Query()
        self._flags: dict[str, frozenset[str]] = {}
        self._flags_until: datetime | None = None
        self.filtered = 0
        """How many times the cards were filtered (a keystroke does not count on its own)."""

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="browse"):
            yield FitText(one_line=True, id="browse-title")
            yield Input(
                placeholder="search: words  tag:X  topic:X  kind:X  is:new|due|suspended|leech",
                id="browse-search",
            )
            yield VirtualTable(id="browse-table")
            with VerticalScroll(id="browse-detail-scroll"):
                yield Static(id="browse-detail")
        yield KeyBar(
            [
                ("/", "Search"),
                ("↑↓", "Select"),
                ("s", "Suspend"),
                ("e", "Edit"),
                ("?", "Keys"),
                ("esc", "Back"),
            ]
        )

    def on_mount(self) -> None:
        self._set_columns()
        self.query_one("#browse-table", VirtualTable).focus()

    def on_resize(self) -> None:
        if self._set_columns():
            self._refilter()

    def _set_columns(self) -> bool:
        """Lay the table's columns out for the screen's width; ``True`` if they changed."""
        # The table spans the screen but for the padding and a scrollbar.
        widths = column_widths(self.app.size.width - 4)
        if widths == self._widths:
            return False
        self._widths = widths
        labels = {key: label for key, label, *_sizes in COLUMNS} | {"front": "Front"}
        self.query_one("#browse-table", VirtualTable).set_columns(
            [(key, labels[key], width) for key, width in widths.items() if width]
        )
        return True

    def on_screen_resume(self) -> None:
        # Shown, first or again (back from the help or the editor): states may have changed.
        self._load()

    def library_reloaded(self) -> None:
        """Live reload: show the deck's new version (or keep this one if it broke)."""
        self.deck = merge_decks([self.deck], self.study_app.library)[0]
        self._load()

    # -- data -------------------------------------------------------------
    def _load(self) -> None:
        """Read the cards' text and the deck's states, then list the matches."""
        if self._loaded_deck is not self.deck:  # render every card once per deck version
            self._texts, self._fronts, self._siblings = {}, {}, {}
            for card in self.deck.cards:
                faces = faces_of(card)
                self._texts[card.id] = card_text(card, faces)
                self._siblings[card.id] = tuple(sibling for sibling, _ in faces)
                first = plain(list(faces[0][1].front)) if faces else ""
                self._fronts[card.id] = " ".join(first.split())
            self._loaded_deck = self.deck
        states = self.study_app.store.card_states([self.deck.id])
        self._states = {(key[1], key[2]): state for key, state in states.items()}
        self._flags_until = None  # the states changed: the is: flags are computed again
        self._refilter()

    def _card_flags(self) -> dict[str, frozenset[str]]:
        """Each card's ``is:`` flags, computed once per state read and study day (they
        depend on nothing else), so a search only matches the terms."""
        _, day_end = day_bounds(self.study_app.clock(), self.study_app.settings.rollover_hour)
        if self._flags_until != day_end:
            self._flags = {
                card.id: card_flags(self._card_states(card).values(), day_end)
                for card in self.deck.cards
            }
            self._flags_until = day_end
        return self._flags

    def _card_states(self, card: Card) -> dict[str, CardState]:
        siblings = self._siblings.get(card.id) or card.siblings
        return {s: self._states.get((card.id, s), CardState()) for s in siblings}

    def _refilter(self, *, rebuild: bool = True) -> None:
        """List the cards matching the search; without ``rebuild`` (a new search,
        same states) the table is left alone when the same cards match."""
        self.filtered += 1
        table = self.query_one("#browse-table", VirtualTable)
        selected = self.selected_card()
        selected_id = selected.id if selected is not None else None
        before = [card.id for card in self.shown]
        flags, texts, query = self._card_flags(), self._texts, self._query
        shown = filter_cards(query, self.deck.cards, texts, flags)
        self.shown = shown
        self._matched = len(shown)
        ids = [card.id for card in shown]
        if rebuild or ids != before:
            cursor = ids.index(selected_id) if selected_id in ids else 0
            table.set_rows(len(shown), self._row, cursor=cursor)
            self._show_detail()
        self._show_title()

    def _row(self, index: int) -> list[Text]:
        card = self.shown[index]
        return self._cells(card, list(self._card_states(card).values()))

    def _cells(self, card: Card, states: list[CardState]) -> list[Text]:
        """The row of ``card``: the shown columns' texts, cut to their widths."""
        cells = self._all_cells(card, states)
        return [ellipsize(cells[key], width) for key, width in self._widths.items() if width]

    def _all_cells(self, card: Card, states: list[CardState]) -> dict[str, Text]:
        dues = [
            s.due for s in states if s.due is not None and not s.suspended and s.state != State.NEW
        ]
        due = Text("-", style="dim")
        if dues:
            first = min(dues)
            style = "bold red" if first <= self.study_app.clock() else ""
            due = Text(f"{first.astimezone():%d %b %H:%M}", style=style)
        return {
            "id": Text(card.id, style="bold"),
            "kind": Text(card.kind, style="cyan"),
            "topic": Text(card.topic, style="magenta"),
            "state": state_label(states),
            "due": due,
            "front": Text(self._fronts[card.id]),
        }

    def _show_title(self) -> None:
        title = Text()
        title.append(self.deck.title, style="bold")
        total = len(self.deck.cards)
        if self._query:
            title.append(f"  {self._matched} of {total} cards match", style="dim")
        else:
            title.append(f"  {total} card{'s' * (total != 1)}", style="dim")
        title.append("  ·  ")
        title.append(self.deck.path, style="dim")  # cut to fit: the file name stays
        keep = file_name_span(title, self.deck.path)
        self.query_one("#browse-title", FitText).show(title, keep=keep)

    def selected_card(self) -> Card | None:
        table = self.query_one("#browse-table", VirtualTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def _show_detail(self) -> None:
        detail = self.query_one("#browse-detail", Static)
        card = self.selected_card()
        if card is None:
            detail.update(Text("No card matches the search.", style="dim"))
            return
        states = self._card_states(card)
        store = self.study_app.store
        histories = {s: store.history((self.deck.id, card.id, s)) for s in states}
        app = self.study_app
        detail.update(card_detail(self.deck, card, states, histories, app.policy, app.clock()))

    # -- events -----------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            query = parse_query(event.value)
        except QueryError as exc:
            if self._search_timer is not None:  # what was typed before is not the search
                self._search_timer.stop()
                self._search_timer = None
            event.input.add_class("invalid")
            self.query_one("#browse-title", FitText).show(Text(str(exc), style="bold red"))
            return
        event.input.remove_class("invalid")
        if self._search_timer is not None:
            self._search_timer.stop()
        self._pending = query
        self._search_timer = self.set_timer(self.search_delay, self.apply_search)

    def apply_search(self) -> None:
        """Filter with the search typed last (when the typing pauses, or on enter);
        nothing if no search is waiting."""
        if self._search_timer is None:
            return
        self._search_timer.stop()
        self._search_timer = None
        self._query = self._pending
        self._refilter(rebuild=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_search()  # enter: the list now, not after the delay
        self.query_one("#browse-table", VirtualTable).focus()

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self._show_detail()
        self.query_one("#browse-detail-scroll", VerticalScroll).scroll_home(animate=False)

    # -- actions ----------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_move(self, delta: int) -> None:
        table = self.query_one("#browse-table", VirtualTable)
        table.move_cursor(table.cursor_row + delta)

    def action_toggle_suspend(self) -> None:
        card = self.selected_card()
        if card is None:
            return
        states = self._card_states(card)
        suspend = not all(state.suspended for state in states.values())
        keys = card_keys(self.deck, card)
        self.study_app.store.suspend_prompts(keys, suspend, self.study_app.clock())
        verb = "Suspended" if suspend else "Unsuspended"
        self.notify(f"{verb} '{card.id}'.", markup=False)
        self._load()

    def action_edit(self) -> None:
        from studyapp.tui.live import edit_card

        card = self.selected_card()
        if card is not None:
            edit_card(self.study_app, self.deck, card)

    def action_back(self) -> None:
        """Escape: out of the search field first (to the table), then out of browse."""
        if isinstance(self.focused, Input):
            self.apply_search()  # what was typed, listed now (as at enter)
            self.query_one("#browse-table", VirtualTable).focus()
            return
        self.app.pop_screen()
