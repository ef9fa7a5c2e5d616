"""Browse: a deck's cards in a table, a search box, and the selected card in full."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from studyapp.core.model import Card, Deck
from studyapp.core.reload import merge_decks
from studyapp.core.scheduling import CardState, State, day_bounds
from studyapp.core.search import (
    Query,
    QueryError,
    card_flags,
    card_text,
    faces_of,
    matches,
    parse_query,
)
from studyapp.core.session import card_keys
from studyapp.core.text import plain
from studyapp.tui.widgets.card_detail import card_detail, state_label
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["BrowseScreen"]

MAX_ROWS = 250
"""At most this many matches are listed (a table of thousands is slow to build):
the title says when more match, and a search narrows them down."""

FRONT_WIDTH = 60
"""The front column shows at most this many characters of the first prompt
(fewer on a narrow terminal, so the table needs no horizontal scrolling)."""


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

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="browse"):
            yield Static(id="browse-title")
            yield Input(
                placeholder="search: words  tag:X  topic:X  kind:X  is:new|due|suspended|leech",
                id="browse-search",
            )
            yield DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
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
        table = self.query_one("#browse-table", DataTable)
        for label, key in (
            ("ID", "id"),
            ("Kind", "kind"),
            ("Topic", "topic"),
            ("State", "state"),
            ("Due", "due"),
            ("Front", "front"),
        ):
            table.add_column(label, key=key)
        table.focus()

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
        self._refilter()

    def _card_states(self, card: Card) -> dict[str, CardState]:
        siblings = self._siblings.get(card.id) or card.siblings
        return {s: self._states.get((card.id, s), CardState()) for s in siblings}

    def _refilter(self, *, rebuild: bool = True) -> None:
        """List the cards matching the search; without ``rebuild`` (a new search,
        same states) the table is left alone when the same cards match."""
        table = self.query_one("#browse-table", DataTable)
        selected = self.selected_card()
        selected_id = selected.id if selected is not None else None
        before = [card.id for card in self.shown]
        now = self.study_app.clock()
        _, day_end = day_bounds(now, self.study_app.settings.rollover_hour)
        shown: list[Card] = []
        self._matched = 0
        for card in self.deck.cards:
            flags = card_flags(self._card_states(card).values(), day_end)
            if not matches(self._query, card, self._texts[card.id], flags):
                continue
            self._matched += 1
            if len(shown) < MAX_ROWS:
                shown.append(card)
        self.shown = shown
        ids = [card.id for card in shown]
        if rebuild or ids != before:
            table.clear()
            table.add_rows(
                [self._cells(card, list(self._card_states(card).values())) for card in shown]
            )
            if selected_id in ids:
                table.move_cursor(row=ids.index(selected_id))
            self._show_detail()
        self._show_title()

    def _cells(self, card: Card, states: list[CardState]) -> list[Text]:
        dues = [
            s.due for s in states if s.due is not None and not s.suspended and s.state != State.NEW
        ]
        due = Text("-", style="dim")
        if dues:
            first = min(dues)
            style = "bold red" if first <= self.study_app.clock() else ""
            due = Text(f"{first.astimezone():%d %b %H:%M}", style=style)
        front = self._fronts[card.id]
        width = max(16, min(FRONT_WIDTH, self.app.size.width - 72))
        if len(front) > width:
            front = front[: width - 1] + "…"
        return [
            Text(card.id, style="bold"),
            Text(card.kind, style="cyan"),
            Text(card.topic, style="magenta"),
            state_label(states),
            due,
            Text(front),
        ]

    def _show_title(self) -> None:
        title = Text()
        title.append(self.deck.title, style="bold")
        total = len(self.deck.cards)
        if self._query:
            title.append(f"  {self._matched} of {total} cards match", style="dim")
        else:
            title.append(f"  {total} card{'s' * (total != 1)}", style="dim")
        if self._matched > len(self.shown):
            title.append(f"  (first {len(self.shown)} listed: search to narrow)", style="yellow")
        title.append(f"  ·  {self.deck.path}", style="dim")
        self.query_one("#browse-title", Static).update(title)

    def selected_card(self) -> Card | None:
        table = self.query_one("#browse-table", DataTable)
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
            self._query = parse_query(event.value)
        except QueryError as exc:
            event.input.add_class("invalid")
            self.query_one("#browse-title", Static).update(Text(str(exc), style="bold red"))
            return
        event.input.remove_class("invalid")
        self._refilter(rebuild=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#browse-table", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.query_one("#browse-detail-scroll", VerticalScroll).scroll_home(animate=False)

    # -- actions ----------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_move(self, delta: int) -> None:
        table = self.query_one("#browse-table", DataTable)
        if self.shown:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.shown) - 1)))

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
            self.query_one("#browse-table", DataTable).focus()
            return
        self.app.pop_screen()
