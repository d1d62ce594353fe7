"""Helpers for Pilot and snapshot tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App
from textual.worker import WorkerFailed, WorkerState

from cs_tui.app import CsApp
from cs_tui.config import Settings
from cs_tui.db.store import Store
from tests.conftest import AS_OF

SIZE = (160, 48)


def make_app(
    store: Store | None, *, settings: Settings | None = None, refresh: bool = False
) -> CsApp:
    """The app at the fixed as-of, with a stable path in the header (snapshots stay equal).

    The start-up refresh of health and playbooks is off unless `refresh`: the demo fixture is
    already current at AS_OF, and hand-built stores keep exactly what a test put in them.
    """
    return CsApp(
        store, as_of=AS_OF, settings=settings, db_path=Path("demo.db"), refresh_on_start=refresh
    )


async def wait_for_workers(app: App[object]) -> None:
    """Wait until no worker is pending or running.

    A worker cancelled because a newer one of its exclusive group replaced it is normal (the
    start-up refresh reloads screens); a worker that failed still fails the test.
    """
    while busy := [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]:
        results = await asyncio.gather(*(w.wait() for w in busy), return_exceptions=True)
        for result in results:
            if isinstance(result, WorkerFailed):
                raise result
