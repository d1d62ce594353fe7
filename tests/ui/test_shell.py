"""Pilot tests of the app shell: sections, filter, account screen, notes, help, quit."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent

from cs_tui.db.store import Store
from cs_tui.screens.account_screen import AccountScreen
from cs_tui.screens.error_modal import ErrorModal
from cs_tui.screens.help_screen import HelpScreen
from cs_tui.screens.portfolio_screen import PortfolioScreen
from cs_tui.screens.welcome_screen import WelcomeScreen
from cs_tui.widgets.record_table import RecordTable
from tests.conftest import add_accounts
from tests.ui.helpers import SIZE, make_app, wait_for_workers

ACCOUNTS = [
    ("A1", "Acme Corp", "smb", "professional", "Ana Ruiz"),
    ("A2", "Globex", "enterprise", "enterprise", "Bo Li"),
    ("A3", "[bold red]Initech[/]", "mid-market", "professional", "Ana Ruiz"),
]


async def test_sections_switch_from_the_keyboard(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == "portfolio"
        for key, mode in [
            ("2", "journey"),
            ("3", "renewals"),
            ("4", "playbooks"),
            ("5", "metrics"),
            ("1", "portfolio"),
        ]:
            await pilot.press(key)
            assert app.current_mode == mode


async def test_filter_narrows_the_table_and_escape_clears(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        table = app.screen.query_one(RecordTable)
        assert table.row_count == 3
        await pilot.press("slash", *"ana")
        assert sorted(r["account_id"] for r in table.records) == ["A1", "A3"]
        await pilot.press("escape")
        assert table.row_count == 3


async def test_enter_opens_the_account_and_a_note_is_stored(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        table = app.screen.query_one("#portfolio-table", RecordTable)
        row = table.row_of("A2")
        assert row is not None
        await pilot.press(*["down"] * row, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == "A2"
        await pilot.press("n")
        await pilot.press(*"[b]call[/b] went well")
        await pilot.press("ctrl+s")
        await wait_for_workers(app)
        await pilot.pause()
        notes = store.activities("A2")
        assert [(n.kind, n.text, n.author) for n in notes] == [
            ("note", "[b]call[/b] went well", "me")
        ]
        assert app.screen.query_one(TabbedContent).active == "tab-activity"
        log = app.screen.query_one("#activity-table", RecordTable)
        assert log.records[0]["text"] == "[b]call[/b] went well"
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)


async def test_markup_in_names_is_shown_literally(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        table = app.screen.query_one(RecordTable)
        row = table.row_of("A3")
        assert row is not None
        rendered = "".join(s.text for s in table._render_line(row + 1, 0, 160, table.rich_style))
        assert "[bold red]Initech[/]" in rendered


async def test_help_lists_bindings_and_q_quits(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {row[1] for row in app.screen.rows}
        assert {"Portfolio", "Filter", "Help", "Quit"} <= described
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_without_a_database_the_welcome_screen_explains_how_to_start() -> None:
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("1")
        assert isinstance(app.screen, WelcomeScreen)


async def test_the_palette_jumps_to_an_account_by_name(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"globex")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == "A2"


async def test_a_crash_in_a_screen_shows_an_error_panel_and_keeps_the_session(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(store, ACCOUNTS)
    app = make_app(store)
    app.catch_errors = True

    def boom(self: PortfolioScreen) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(PortfolioScreen, "action_filter", boom)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)
        assert "kaboom" in repr(app.screen.error)
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)
        assert app.is_running


async def test_a_failing_screen_worker_opens_the_error_panel(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(store, ACCOUNTS)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(store), "portfolio_health", broken)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):
            await pilot.pause(0.05)
            if isinstance(app.screen, ErrorModal):
                break
        assert isinstance(app.screen, ErrorModal)
        assert "disk on fire" in repr(app.screen.error)
