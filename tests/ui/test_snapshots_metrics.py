"""SVG snapshot of the Metrics section on the demo portfolio at the fixed as-of."""

from __future__ import annotations

from typing import Any

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers


def test_metrics_section(snap_compare: Any, demo_store: Store) -> None:
    async def open_metrics(pilot: Any) -> None:
        await wait_for_workers(pilot.app)
        await pilot.pause()
        await pilot.press("5")
        await wait_for_workers(pilot.app)
        await pilot.pause()

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=open_metrics)


def test_metrics_section_filtered_with_a_what_if(snap_compare: Any, demo_store: Store) -> None:
    async def filter_and_try(pilot: Any) -> None:
        await wait_for_workers(pilot.app)
        await pilot.pause()
        await pilot.press("5")
        await wait_for_workers(pilot.app)
        await pilot.press("s", "w", "right", "right", "down", "left")
        await wait_for_workers(pilot.app)
        await pilot.pause()

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=filter_and_try)
