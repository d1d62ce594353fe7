"""SVG snapshots of the shell on the demo portfolio at the fixed as-of."""

from __future__ import annotations

from typing import Any

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers


def test_portfolio_section(snap_compare: Any, demo_store: Store) -> None:
    async def settle(pilot: Any) -> None:
        await wait_for_workers(pilot.app)
        await pilot.pause()

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=settle)


def test_account_screen(snap_compare: Any, demo_store: Store) -> None:
    async def open_first(pilot: Any) -> None:
        await wait_for_workers(pilot.app)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_workers(pilot.app)
        await pilot.pause()

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=open_first)


def test_help_screen(snap_compare: Any, demo_store: Store) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, press=["question_mark"])
