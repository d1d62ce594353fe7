"""The start-up refresh of health and playbooks says what it is doing, and only runs when
something changed since the last one."""

from __future__ import annotations

import pytest

from cs_tui.app import CsApp
from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers

DESCRIPTION = "demo.db · as of 2026-10-01"


async def titles_while_starting(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], str]:
    """Every header sub-title the start-up refresh showed, and the one left at the end."""
    seen: list[str] = []
    show = CsApp._show_sub_title

    def recording(self: CsApp, text: str) -> None:
        seen.append(text)  # from the first call, however early the refresh reports
        show(self, text)

    monkeypatch.setattr(CsApp, "_show_sub_title", recording)
    app = make_app(store, refresh=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        return seen, app.sub_title


async def test_a_refresh_shows_its_progress_then_the_usual_header(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo_store.transaction():  # a change since the last refresh (a note, an import)
        pass
    seen, last = await titles_while_starting(demo_store, monkeypatch)
    assert any(t.startswith(f"{DESCRIPTION} · updating: scoring accounts") for t in seen)
    assert any("updating: evaluating playbooks" in t for t in seen)
    assert last == DESCRIPTION

    seen, last = await titles_while_starting(demo_store, monkeypatch)  # nothing changed since
    assert not any("updating" in t for t in seen)
    assert last == DESCRIPTION
