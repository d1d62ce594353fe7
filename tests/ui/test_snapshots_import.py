"""SVG snapshots of the import screen on the demo portfolio: a report of problems, a valid check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from cs_tui.db.store import Store
from tests.ui.helpers import SIZE, make_app, wait_for_workers

ROOT = Path(__file__).resolve().parents[2]


def check(path: str, kind: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await wait_for_workers(pilot.app)
        pilot.app.open_import(kind)
        await pilot.pause()
        field = pilot.app.screen.query_one("#import-path", Input)
        field.cursor_blink = False  # a blinking cursor would make the snapshot flaky
        field.value = path
        await pilot.press("enter")
        await wait_for_workers(pilot.app)
        await pilot.pause()

    return run_before


def test_import_screen_reports_problems(
    snap_compare: Any, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the report names the file as typed: keep it relative
    run_before = check("fixtures/bad/accounts_missing_columns.csv", "accounts")
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run_before)


def test_import_screen_after_a_valid_check(
    snap_compare: Any, demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("usage.csv").write_text(
        "account_id,date,active_users,logins,session_minutes,features_used,"
        "workflows_completed,integrations_active\n"
        "ACC-00001,2026-10-01,5,9,30.5,4,1,1\n"
    )
    run_before = check("usage.csv", "usage")
    assert snap_compare(make_app(demo_store), terminal_size=SIZE, run_before=run_before)
