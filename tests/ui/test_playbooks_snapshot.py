"""SVG snapshots of the Playbooks section on the demo portfolio at the fixed as-of."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app
from tests.ui.test_playbooks_ui import settle


def test_today_on_the_demo_portfolio(snap_compare: Any, demo_store: Store) -> None:
    app = make_app(demo_store)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(app, pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_open_runs_on_the_demo_portfolio(snap_compare: Any, demo_store: Store) -> None:
    app = make_app(demo_store)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
