"""SVG snapshot of the Metrics section on the demo portfolio at the fixed as-of."""

from __future__ import annotations

from typing import Any

from textual.worker import WorkerCancelled, WorkerState

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app


async def settle(pilot: Any) -> None:
    """Wait for every worker that is still meant to finish (an exclusive worker cancels the
    one it replaces, and waiting on a cancelled worker raises)."""
    while True:
        live = [w for w in pilot.app.workers if w.state != WorkerState.CANCELLED]
        if not any(w.is_running or w.state == WorkerState.PENDING for w in live):
            break
        try:
            await pilot.app.workers.wait_for_complete(live)
        except WorkerCancelled:  # replaced while we waited: look again
            continue
    await pilot.pause()


def test_metrics_section(snap_compare: Any, demo_store: Store) -> None:
    async def open_metrics(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=open_metrics)


def test_metrics_section_filtered_with_a_what_if(snap_compare: Any, demo_store: Store) -> None:
    async def filter_and_try(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("s", "w", "right", "right", "down", "left")
        await settle(pilot)

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=filter_and_try)
