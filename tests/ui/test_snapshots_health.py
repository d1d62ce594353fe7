"""SVG snapshots of health: the portfolio's charts and rollup, and an account's Health tab."""

from __future__ import annotations

from typing import Any

from cs_tui.config import Settings
from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers


async def settle(pilot: Any) -> None:
    await wait_for_workers(pilot.app)
    await pilot.pause()


def test_portfolio_charts(snap_compare: Any, demo_store: Store) -> None:
    async def charts(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=charts)


def test_portfolio_rollup_of_my_book_by_segment(snap_compare: Any, demo_store: Store) -> None:
    owner = demo_store.query("SELECT csm FROM accounts ORDER BY account_id LIMIT 1")[0][0]

    async def rollup(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("m", "v", "v", "g")
        await pilot.pause()

    app = make_app(demo_store, settings=Settings(my_csm=owner))
    assert snap_compare(app, terminal_size=SIZE, run_before=rollup)


def test_account_health_tab(snap_compare: Any, demo_store: Store) -> None:
    async def open_worst(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=open_worst)
