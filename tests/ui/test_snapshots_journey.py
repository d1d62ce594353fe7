"""SVG snapshots of the critical-path section and an account timeline on the demo portfolio."""

from __future__ import annotations

from typing import Any

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers


async def _settle(pilot: Any) -> None:
    # Twice: a load's result arrives by call_from_thread and may start one more message round.
    for _ in range(2):
        await wait_for_workers(pilot.app)
        await pilot.pause()


def test_critical_path_section(snap_compare: Any, demo_store: Store) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("2")
        await _settle(pilot)

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run_before)


def test_account_timeline(snap_compare: Any, demo_store: Store) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("2")
        await _settle(pilot)
        await pilot.press("enter")  # the most behind account
        await _settle(pilot)
        await pilot.press("j", "j")
        await _settle(pilot)

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run_before)
