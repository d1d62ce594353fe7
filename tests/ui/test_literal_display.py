"""Security: imported names, comments and notes with markup or escapes are shown as typed.

The valid fixtures hold names with `[bold red]`, `[link=...]` and `[@click=app.quit]`, and a
survey comment with `\\x1b[2J`. Each must reach the screen as its literal text (ESC made
visible as ␛), in the portfolio table, on the account screen and in its tables.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TabbedContent

from cs_tui.db.importers import import_csv
from cs_tui.db.store import Store
from cs_tui.domain.rows import KINDS
from cs_tui.screens.account_screen import AccountScreen
from cs_tui.widgets.record_table import RecordTable
from tests.ui.helpers import SIZE, make_app, wait_for_workers

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "valid"
ESCAPED = (
    "A011,Evil \x1b[2J\x1b]8;;https://x\x07Co,smb,professional,Sam Okafor,2026-01-05,,90,3,,\n"
)


def load(store: Store, tmp_path: Path) -> None:
    for kind in KINDS:
        assert import_csv(store, kind, FIXTURES / f"{kind}.csv").ok
    extra = tmp_path / "accounts.csv"
    extra.write_text((FIXTURES / "accounts.csv").read_text() + ESCAPED, newline="")
    assert import_csv(store, "accounts", extra).inserted == 1


def row_text(table: RecordTable, key: str) -> str:
    row = table.row_of(key)
    assert row is not None, key
    width = table.size.width or SIZE[0]
    return "".join(s.text for s in table._render_line(row + 1, 0, width, table.rich_style))


async def test_portfolio_cells_show_names_exactly_as_imported(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        table = app.screen.query_one(RecordTable)
        assert "[bold red]Globex[/bold red]" in row_text(table, "A002")
        assert "Initech [link=https://x]click me[/link]" in row_text(table, "A003")
        assert "Umbrella, Inc. [@click=app.quit]quit[/]" in row_text(table, "A004")
        evil = row_text(table, "A011")
        assert "Evil ␛[2J␛]8;;https://x␇Co" in evil
        assert "\x1b" not in evil and "\x07" not in evil
        assert app.is_running  # nothing was "clicked"


async def test_account_screen_and_its_tables_show_text_literally(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        app.open_account("A004")
        await wait_for_workers(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        name = screen.query_one("#account-name", Static).render()
        assert str(name) == "Umbrella, Inc. [@click=app.quit]quit[/]"
        screen.query_one(TabbedContent).active = "tab-support"
        await pilot.pause()
        surveys = screen.query_one("#surveys-table", RecordTable)
        comment = row_text(surveys, "S-4")
        assert "Screen went blank: ␛[2J after export" in comment
        assert "\x1b" not in comment

        app.open_account("A011")
        await wait_for_workers(app)
        await pilot.pause()
        evil = str(app.screen.query_one("#account-name", Static).render())
        assert evil == "Evil ␛[2J␛]8;;https://x␇Co"


async def test_survey_comments_with_links_and_actions_stay_text(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        app.open_account("A010")
        await wait_for_workers(app)
        await pilot.pause()
        screen = app.screen
        screen.query_one(TabbedContent).active = "tab-support"
        await pilot.pause()
        comment = row_text(screen.query_one("#surveys-table", RecordTable), "S-6")
        assert "[link=https://x]see ticket[/link] [@click=app.quit]ok[/]" in comment
        contacts = screen.query_one("#contacts-table", RecordTable)
        screen.query_one(TabbedContent).active = "tab-contacts"
        await pilot.pause()
        assert "[bold]Rachael[/bold] Tyrell" in row_text(contacts, "rachael@tyrell.example")
