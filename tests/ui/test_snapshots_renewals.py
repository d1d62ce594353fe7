"""SVG snapshots of the Renewals section on the demo portfolio at the fixed as-of."""

from __future__ import annotations

from typing import Any

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers


async def _open_renewals(pilot: Any, *keys: str) -> None:
    await wait_for_workers(pilot.app)
    await pilot.pause()
    pilot.app.switch_section("renewals")
    await pilot.pause()
    await wait_for_workers(pilot.app)
    await pilot.pause()
    if keys:
        await pilot.press(*keys)
        await pilot.pause()


def test_renewals_section(snap_compare: Any, demo_store: Store) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=_open_renewals)


def test_renewals_past_year(snap_compare: Any, demo_store: Store) -> None:
    async def past(pilot: Any) -> None:
        await _open_renewals(pilot, "p")

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=past)


def test_renewal_outcome_form(snap_compare: Any, demo_store: Store) -> None:
    async def churn_form(pilot: Any) -> None:
        await _open_renewals(pilot, "o", "right", "enter", "ctrl+s")

    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=churn_form)
