"""The start-up refresh of health and playbooks says what it is doing, and only runs when
something changed since the last one."""

from __future__ import annotations

from cs_tui.app import CsApp
from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers

DESCRIPTION = "demo.db · as of 2026-10-01"


async def titles_while_starting(store: Store) -> tuple[list[str], str]:
    """Every header sub-title shown while the workstation starts, and the last one."""
    app: CsApp = make_app(store, refresh=True)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:

        def record(title: str) -> None:
            seen.append(title)

        app.watch(app, "sub_title", record, init=False)
        await wait_for_workers(app)
        await pilot.pause()
        return seen, app.sub_title


async def test_a_refresh_shows_its_progress_then_the_usual_header(demo_store: Store) -> None:
    with demo_store.transaction():  # a change since the last refresh (a note, an import)
        pass
    seen, last = await titles_while_starting(demo_store)
    assert any(t.startswith(f"{DESCRIPTION} · updating: scoring accounts") for t in seen)
    assert any("updating: evaluating playbooks" in t for t in seen)
    assert last == DESCRIPTION

    seen, last = await titles_while_starting(demo_store)  # nothing changed since
    assert not any("updating" in t for t in seen)
    assert last == DESCRIPTION
