"""Pilot tests of the import screen: palette, check, report, import, sections rebuilt."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static
from textual.widgets._toast import Toast

from cs_tui.app import CsApp
from cs_tui.db.store import Store
from cs_tui.screens.import_screen import ImportScreen, kind_from_name
from cs_tui.screens.portfolio_screen import PortfolioScreen
from cs_tui.widgets.record_table import RecordTable
from tests.ui.helpers import SIZE, make_app, wait_for_workers

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def shown_import_screen(app: CsApp) -> ImportScreen:
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    return screen


def report_lines(screen: ImportScreen) -> list[str]:
    options = screen.query_one("#import-report", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def status(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-status", Static).render())


async def test_palette_opens_the_import_screen_with_the_kind_chosen(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"import usage")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = shown_import_screen(app)
        assert app.current_mode == "import"
        assert screen.query_one("#import-kind", Select).value == "usage"
        assert screen.query_one("#import-path", Input).has_focus


async def test_check_lists_every_problem_and_import_stays_locked(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_import()
        await pilot.pause()
        screen = shown_import_screen(app)
        path = str(FIXTURES / "bad" / "surveys_score_out_of_range.csv")
        screen.query_one("#import-path", Input).value = path
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        assert screen.kind == "surveys"  # chosen from the file name
        assert report_lines(screen) == [
            f"{path}:2: score: nps scores run 0-10, got 11",
            f"{path}:3: score: csat scores run 1-5, got 0",
        ]
        assert status(screen).startswith("2 problems in ")
        assert screen.check_action("run_import", ()) is None  # shown, but disabled
        await pilot.press("ctrl+s")
        await wait_for_workers(app)
        assert store.count("surveys") == 0
        assert store.get_setting("derived_stale") is None


async def test_check_then_import_writes_and_rebuilds_the_portfolio(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_workers(app)
        app.open_import("accounts")
        await pilot.pause()
        screen = shown_import_screen(app)
        screen.query_one("#import-path", Input).value = str(FIXTURES / "valid" / "accounts.csv")
        await pilot.press("ctrl+r")
        await wait_for_workers(app)
        await pilot.pause()
        assert report_lines(screen) == [
            "accounts: 10 rows: 10 would be inserted, 0 would be updated, 0 unchanged; "
            "3 new CSM(s) would be added to staff"
        ]
        assert store.count("accounts") == 0  # a check writes nothing
        assert screen.check_action("run_import", ()) is True
        await pilot.press("ctrl+s")
        await wait_for_workers(app)
        await pilot.pause()
        assert app.screen == screen  # no error panel on top (a failed worker shows one)
        assert store.count("accounts") == 10
        assert store.get_setting("derived_stale") == "0"  # health recomputed after the import
        assert store.latest_health_week(app.as_of) == app.as_of
        assert report_lines(screen)[0].startswith("accounts: 10 rows: 10 inserted")
        await pilot.pause(0.2)
        toasts = list(app.screen.query(Toast))
        assert [str(t.render()) for t in toasts] == [
            "Imported\naccounts: 10 rows: 10 inserted, 0 updated, 0 unchanged; "
            "3 new CSM(s) added to staff"
        ]
        assert screen.check_action("run_import", ()) is None  # import once per check
        await pilot.press("escape")
        await wait_for_workers(app)
        await pilot.pause()
        assert app.current_mode == "portfolio"
        assert isinstance(app.screen, PortfolioScreen)
        shown = {r["account_id"] for r in app.screen.query_one(RecordTable).records}
        assert shown == {f"A{i:03d}" for i in range(1, 11)} - {"A005", "A009"}  # active ones


async def test_editing_the_path_after_a_check_locks_the_import_again(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_import()
        await pilot.pause()
        screen = shown_import_screen(app)
        screen.query_one("#import-path", Input).value = str(FIXTURES / "valid" / "accounts.csv")
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        assert screen.check_action("run_import", ()) is True
        await pilot.press("x")
        assert screen.check_action("run_import", ()) is None


def test_kind_from_the_file_name() -> None:
    assert kind_from_name("~/exports/Usage-2026-09.csv") == "usage"
    assert kind_from_name("crm.csv") is None
