"""Pilot tests of the browse screen: listing, search, detail, suspend."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Static

from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.browse import BrowseScreen
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.virtual_table import VirtualTable
from tests.conftest import FakeClock
from tests.tui.test_app import advance, screen_text, seed_history

SIZE = (100, 30)


def rows(app: StudyApp) -> list[list[str]]:
    table = app.screen.query_one("#browse-table", VirtualTable)
    return [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]


def ids(app: StudyApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    assert len(screen.shown) == screen.query_one("#browse-table", VirtualTable).row_count
    return [card.id for card in screen.shown]


def detail(app: StudyApp) -> str:
    return str(app.screen.query_one("#browse-detail", Static).render())


async def typed(app: StudyApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """What was typed is listed (the search runs when typing pauses: here, now)."""
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    screen.apply_search()
    await pilot.pause()


async def search(app: StudyApp, pilot, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    app.screen.query_one("#browse-search", Input).value = query
    await typed(app, pilot)
    return ids(app)


async def open_browse(app: StudyApp, pilot) -> BrowseScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("b")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


async def test_b_opens_browse_listing_every_card(app: StudyApp) -> None:
    async with app.run_test(size=(140, 30)) as pilot:
        await open_browse(app, pilot)
        assert rows(app) == [
            ["agonist", "basic", "basics", "new", "-", "What is an agonist?"],
            [
                "half-life",
                "cloze",
                "kinetics",
                "new",
                "-",
                "After [...] half-life, 50% of the drug is left.",
            ],
            ["beta-blocker", "reversible", "receptors", "new", "-", "Propranolol"],
            [
                "markup",
                "basic",
                "safety",
                "new",
                "-",
                "Literal [bold red]x[/] and an escape [2J here",
            ],
        ]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_the_front_is_the_main_column_and_cut_cells_end_with_an_ellipsis(
    app: StudyApp, make_app: Callable[..., StudyApp]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(app, pilot)
        table = app.screen.query_one("#browse-table", VirtualTable)
        widths = {key: width for key, _label, width in table.columns}
        assert list(widths) == ["id", "topic", "state", "front"]  # kind and due: in the detail
        assert widths["front"] >= sum(widths.values()) - widths["front"]
        assert [row[3] for row in rows(app)] == [
            "What is an agonist?",
            "After [...] half-life, 50% of the…",
            "Propranolol",
            "Literal [bold red]x[/] and an esc…",
        ]
    wider = make_app()
    async with wider.run_test(size=(100, 30)) as pilot:
        await open_browse(wider, pilot)
        assert rows(wider)[2][:4] == ["beta-blocker", "reversible", "receptors", "new"]


async def test_b_on_a_broken_deck_explains(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "b")
        assert isinstance(app.screen, HomeScreen)
        assert "Choose a deck that loaded" in [n.message for n in app._notifications][-1]


async def test_search_by_text_and_each_token(app: StudyApp, store: Store, clock: FakeClock) -> None:
    seed_history(store, clock)  # agonist learning (due in 5 min), half-life a leech
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(app, pilot)
        assert await search(app, pilot, "propranolol") == ["beta-blocker"]
        assert await search(app, pilot, "beta blocker") == ["beta-blocker"]  # back text
        assert await search(app, pilot, '"of the drug"') == ["half-life"]
        assert await search(app, pilot, "topic:kin") == ["half-life"]
        assert await search(app, pilot, "kind:basic") == ["agonist", "markup"]
        assert await search(app, pilot, "kind:basic -topic:safety") == ["agonist"]
        assert await search(app, pilot, "is:new") == ["half-life", "beta-blocker", "markup"]  # c2
        assert await search(app, pilot, "is:learning") == ["agonist"]
        assert await search(app, pilot, "is:review") == ["half-life"]
        assert await search(app, pilot, "is:due") == ["agonist", "half-life"]
        assert await search(app, pilot, "is:leech") == ["half-life"]
        assert await search(app, pilot, "nothing-like-this") == []
        assert "No card matches" in detail(app)
        assert await search(app, pilot, "") == ["agonist", "half-life", "beta-blocker", "markup"]


async def test_search_by_tag_suspended_and_leech(
    make_app, store: Store, clock: FakeClock, deck_dir
) -> None:  # type: ignore[no-untyped-def]
    (deck_dir / "vitamins.yaml").write_text(
        "deck: vitamins\ntitle: Vitamins\ncards:\n"
        "  - id: b12\n    topic: vitamins\n    tags: [exam, Water-soluble]\n"
        '    question: "Which vitamin needs intrinsic factor?"\n    answer: "B12"\n'
        "  - id: k\n    topic: vitamins\n    tags: [fat-soluble]\n"
        '    question: "Which vitamin does warfarin antagonise?"\n    answer: "K"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "b")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert await search(app, pilot, "tag:water-soluble") == ["b12"]
        assert await search(app, pilot, "-tag:exam") == ["k"]
        assert await search(app, pilot, "is:suspended") == []
        await search(app, pilot, "")
        await pilot.press("down", "s")  # suspend k from the browser
        assert store.card_state(("vitamins", "k", "main")).suspended
        assert rows(app)[1][3] == "new susp"
        assert await search(app, pilot, "is:suspended") == ["k"]
        await pilot.press("s")  # and back
        assert not store.card_state(("vitamins", "k", "main")).suspended
        assert await search(app, pilot, "is:suspended") == []


async def test_a_bad_state_is_reported_and_keeps_the_rows(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(app, pilot)
        await search(app, pilot, "kind:cloze")
        assert await search(app, pilot, "is:bogus") == ["half-life"]
        title = str(app.screen.query_one("#browse-title", Static).render())
        assert "unknown state 'is:bogus'" in title
        assert app.screen.query_one("#browse-search", Input).has_class("invalid")


async def test_detail_shows_every_prompt_and_its_scheduling(
    app: StudyApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(140, 30)) as pilot:  # wide: the due column too
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        await advance(pilot, 3)  # agonist: Good at 12:00 (the fake clock)
        await pilot.press("escape", "escape")  # summary, then home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        clock.advance(minutes=5)
        await open_browse(app, pilot)
        assert rows(app)[0][3:5] == ["learning", "23 Nov 12:10"]
        text = detail(app)
        assert "agonist  basic  topic basics" in text
        assert "decks/tiny.yaml:13" in text
        assert "Source: Lecture notes § Basics [1]" in text
        assert "Why: Antagonists bind without activating." in text
        assert "Front  What is an agonist?" in text
        assert "Back   A drug that binds a receptor and activates it" in text
        assert "State  learning" in text
        assert "stability 2.31 d" in text
        assert "difficulty 2.12" in text
        assert "retrievability now 100%" in text
        assert "due 23 Nov 2026 12:10" in text
        assert "reps 1" in text and "lapses 0" in text
        assert "23 Nov 2026 12:00  Good   next in 10m" in text
        # Reversible: two prompts, each with its faces and state.
        await pilot.press("down", "down")
        text = detail(app)
        assert "── forward" in text and "── reverse" in text
        assert text.count("State  new") == 2
        assert "Front  Non-selective beta blocker" in text


async def test_detail_renders_markup_literally(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(app, pilot)
        await search(app, pilot, "kind:basic topic:safety")
        assert "Front  Literal [bold red]x[/] and an escape [2J here" in detail(app)
        assert "Back   Still [bold red]x[/]" in detail(app)


async def test_typing_in_the_search_box_does_not_trigger_keys(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(app, pilot)
        await pilot.press("slash", "b", "e", "t", "a", "s")  # e and s: not edit, not suspend
        await typed(app, pilot)
        assert app.screen.query_one("#browse-search", Input).value == "betas"
        assert ids(app) == []
        await pilot.press("backspace")
        await typed(app, pilot)
        assert ids(app) == ["beta-blocker"]
        assert not store.card_state(("tiny", "beta-blocker", "forward")).suspended
        assert notifications_of(app) == []
        await pilot.press("enter")  # back to the table, where s suspends
        assert app.screen.focused is app.screen.query_one("#browse-table", VirtualTable)
        await pilot.press("s")
        assert store.card_state(("tiny", "beta-blocker", "forward")).suspended
        assert store.card_state(("tiny", "beta-blocker", "reverse")).suspended


def notifications_of(app: StudyApp) -> list[str]:
    return [n.message for n in app._notifications]


def write_big_deck(deck_dir, count: int) -> None:  # type: ignore[no-untyped-def]
    cards = "".join(
        f"  - id: c{i:05d}\n    topic: t{i % 3}\n    question: Q{i}\n    answer: A{i}\n"
        for i in range(count)
    )
    (deck_dir / "vitamins.yaml").write_text(f"deck: big\ntitle: Big\ncards:\n{cards}", "utf-8")


async def test_a_big_deck_lists_every_match_and_draws_only_the_rows_on_screen(
    make_app, deck_dir
) -> None:  # type: ignore[no-untyped-def]
    """10,000 cards: every one is listed (the list scrolls to the last), but only the rows
    on screen are ever made; a search lists every match too."""
    write_big_deck(deck_dir, 10_000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "b")
        await pilot.pause()
        title = str(app.screen.query_one("#browse-title", Static).render())
        assert "Big  10000 cards" in title and "listed" not in title
        assert len(ids(app)) == 10_000
        table = app.screen.query_one("#browse-table", VirtualTable)
        assert 0 < table.made <= 2 * table.size.height  # the rows on screen, not 10,000
        await pilot.press("end")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        selected = screen.selected_card()
        assert selected is not None and selected.id == "c09999"
        assert "c09999" in screen_text(app)
        assert table.made <= 3 * table.size.height
        assert len(await search(app, pilot, "topic:t1")) == 3_333
        await pilot.press("end")  # the table has the keys: to the last match
        await pilot.pause()
        selected = screen.selected_card()
        assert selected is not None and selected.id == "c09997"


async def test_typing_filters_once_when_the_typing_pauses(make_app, deck_dir) -> None:  # type: ignore[no-untyped-def]
    """Keystrokes do not filter each; the search typed last runs once (when the typing
    pauses, here: enter, with a delay too long to pass during the test)."""
    write_big_deck(deck_dir, 300)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen.search_delay = 3600
        before = screen.filtered
        await pilot.press("slash", "t", "o", "p", "i", "c", ":", "t", "2")
        await pilot.pause()
        assert screen.filtered == before  # nine keys, no filtering yet
        assert len(ids(app)) == 300
        await pilot.press("enter")
        await pilot.pause()
        assert screen.filtered == before + 1
        assert len(ids(app)) == 100


async def test_help_from_browse_shows_the_search_syntax_at_80x24(app: StudyApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for words in ("tag:X", "topic:X", "kind:X", "is:STATE", "suspended, leech", "-term"):
            assert words in shown
        assert "ctrl+q" in shown and "escape closes" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, BrowseScreen)


async def test_a_search_reuses_the_cards_flags_until_the_states_or_the_day_change(
    app: StudyApp,
    clock: FakeClock,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """The is: flags depend on the states and the study day only: a search does not
    compute them again (on a big deck that was most of a keystroke's cost); a new day
    does, and so does a state read (after suspending)."""
    import studyapp.tui.screens.browse as browse

    counted: list[int] = []
    real = browse.card_flags

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(browse, "card_flags", counting)
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(app, pilot)
        assert len(counted) == 4  # one per card
        assert len(await search(app, pilot, "is:new")) == 4
        assert await search(app, pilot, "kind:basic") == ["agonist", "markup"]
        assert len(counted) == 4
        clock.advance(days=1)
        await search(app, pilot, "is:new")
        assert len(counted) == 8
        await pilot.press("s")  # suspend the selected card: the states are read again
        await pilot.pause()
        assert len(counted) == 12
