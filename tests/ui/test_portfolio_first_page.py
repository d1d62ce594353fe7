"""The Portfolio draws its first screenful before every account has been read."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import Static

from cs_tui.db.store import Store
from cs_tui.screens.portfolio_screen import FIRST_PAGE
from cs_tui.widgets.record_table import RecordTable
from tests.ui.helpers import SIZE, make_app, wait_for_workers


async def test_the_first_screenful_shows_before_every_account(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    read_all = Store.portfolio_health

    def slow_full_read(self: Store, as_of: Any, *, lowest: int | None = None) -> Any:
        if lowest is None:  # hold the full read until the test has looked
            release.wait(10)
        return read_all(self, as_of, lowest=lowest)

    monkeypatch.setattr(Store, "portfolio_health", slow_full_read)
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#portfolio-table", RecordTable)
        summary = app.screen.query_one("#portfolio-summary", Static)
        for _ in range(500):
            if table.row_count:
                break
            await pilot.pause(0.01)
        assert table.row_count == FIRST_PAGE
        assert str(summary.content) == "Reading every account…"
        first_keys = [r["account_id"] for r in table.records]
        release.set()
        await wait_for_workers(app)
        await pilot.pause()
        assert table.row_count > FIRST_PAGE
        assert [r["account_id"] for r in table.records[:FIRST_PAGE]] == first_keys
        assert "accounts" in str(summary.content)
        table.cursor_coordinate = table.cursor_coordinate._replace(row=0)
        app.screen.show_first_page(table.records[:3])  # a late first page changes nothing
        assert table.row_count > FIRST_PAGE
