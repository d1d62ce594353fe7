"""Pilot tests of the Playbooks section and the account's Playbooks tab, checked in the db."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Select, TabbedContent

from cs_tui.app import CsApp
from cs_tui.config import load_template
from cs_tui.db.store import Store
from cs_tui.domain.playbooks import PlaybookTemplate
from cs_tui.screens.account_screen import AccountScreen
from cs_tui.screens.playbooks_screen import PlaybooksScreen
from cs_tui.screens.reason_modal import ReasonModal
from cs_tui.screens.start_playbook_modal import StartPlaybookModal
from cs_tui.widgets.account_playbooks import AccountPlaybooks
from cs_tui.widgets.record_table import RecordTable
from tests.conftest import AS_OF, add_accounts
from tests.ui.helpers import SIZE, make_app, wait_for_workers

D = dt.timedelta(days=1)
ACCOUNTS = [
    ("A1", "Acme [b]Corp[/b]", "smb", "professional", "Ana Ruiz"),
    ("A2", "Globex", "enterprise", "enterprise", "Bo Li"),
]


def playbook(playbook_id: str) -> Any:
    """A playbook of the built-in template."""
    found = load_template("playbooks.toml", PlaybookTemplate).get(playbook_id)
    assert found is not None
    return found


@pytest.fixture
def seeded(store: Store) -> Store:
    """Two accounts; A1 has the support-ticket play started two days ago (by hand)."""
    add_accounts(store, ACCOUNTS)
    store.start_playbook("A1", playbook("support-tickets"), AS_OF - 2 * D, "angry email", "ana")
    return store


async def settle(app: CsApp, pilot: Pilot[None]) -> None:
    """Let every worker finish, and those they start in turn (the start-up refresh of health
    and playbooks, the loads it causes)."""
    quiet = 0
    for _ in range(40):
        await wait_for_workers(app)
        await pilot.pause()
        quiet = 0 if any(w.is_running for w in app.workers) else quiet + 1
        if quiet == 2:
            return


def cursor_to(table: RecordTable, key: Any) -> None:
    """Put the table's cursor on the record with `key`."""
    row = table.row_of(key)
    assert row is not None, key
    table.move_cursor(row=row)


async def test_space_ticks_a_task_and_ctrl_z_undoes_it(seeded: Store) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PlaybooksScreen)
        table = screen.query_one("#today-table", RecordTable)
        mine = [r for r in table.records if r["playbook"] == "support-tickets"]
        assert [(r["when"], r["title"]) for r in mine] == [
            ("overdue", "Email acknowledging the issues, with resources"),
            ("today", "Follow-up with a guide or tutorial"),
            ("week", "Personal outreach by the CSM"),
        ]
        assert mine[0]["reason"] == "started by hand by ana: angry email"
        first = mine[0]["task_id"]
        cursor_to(table, first)
        await pilot.press("space")
        [run] = [r for r in seeded.playbook_runs() if r.playbook == "support-tickets"]
        task = seeded.playbook_tasks([run.id])[run.id][0]  # type: ignore[list-item,index]
        assert (task.done_on, task.done_by) == (AS_OF, "me")
        await settle(app, pilot)
        assert table.records[table.row_of(first)]["when"] == "done"  # type: ignore[index]
        assert "1 done today" in str(screen.query_one("#playbooks-summary").render())
        await pilot.press("ctrl+z")
        task = seeded.playbook_tasks([run.id])[run.id][0]  # type: ignore[list-item,index]
        assert task.done_on is None
        await settle(app, pilot)
        assert table.records[table.row_of(first)]["when"] == "overdue"  # type: ignore[index]


async def test_ticking_every_task_closes_the_run(seeded: Store) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one("#today-table", RecordTable)
        ids = [r["task_id"] for r in table.records if r["playbook"] == "support-tickets"]
        for task_id in ids:
            cursor_to(table, task_id)
            await pilot.press("space")
            await settle(app, pilot)
        [run] = [r for r in seeded.playbook_runs() if r.playbook == "support-tickets"]
        assert (run.status, run.closed_on) == ("done", AS_OF)
        await pilot.press("ctrl+z")  # undoing the last tick opens the run again
        [run] = [r for r in seeded.playbook_runs() if r.playbook == "support-tickets"]
        assert (run.status, run.closed_on) == ("open", None)


async def test_enter_opens_the_account_of_the_task(seeded: Store) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one("#today-table", RecordTable)
        [record] = [r for r in table.records if r["title"].startswith("Personal outreach")]
        cursor_to(table, record["task_id"])
        await pilot.press("enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == "A1"


async def test_runs_view_shows_progress_and_filters_by_playbook_and_owner(seeded: Store) -> None:
    app = make_app(seeded, refresh=True)  # the start-up evaluation starts Bo Li's runs
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("r")
        screen = app.screen
        assert screen.query_one(TabbedContent).active == "tab-runs"
        runs = screen.query_one("#runs-table", RecordTable)
        assert runs.has_focus
        tickets = [r for r in runs.records if r["playbook"] == "support-tickets"]
        assert [(r["account_name"], r["progress"]) for r in tickets] == [
            ("Acme [b]Corp[/b]", (0, 3))
        ]
        by_playbook = screen.query_one("#runs-playbook", Select)
        await pilot.press("p")
        assert by_playbook.expanded
        by_playbook.value = "support-tickets"  # what enter on that option sets
        await pilot.pause()
        assert {r["playbook"] for r in runs.records} == {"support-tickets"}
        by_owner = screen.query_one("#runs-owner", Select)
        by_owner.value = "Bo Li"
        await pilot.pause()
        assert runs.records == []
        by_playbook.clear()
        await pilot.pause()
        assert runs.records and {r["csm"] for r in runs.records} == {"Bo Li"}


async def account_tab(app: CsApp, pilot: Pilot[None], account_id: str) -> AccountPlaybooks:
    """Open the account's screen on its Playbooks tab, with the checklist focused."""
    app.open_account(account_id)
    await pilot.pause()
    app.screen.query_one(TabbedContent).active = "tab-playbooks"
    await settle(app, pilot)
    widget = app.screen.query_one(AccountPlaybooks)
    widget.query_one(DataTable).focus()
    await pilot.pause()
    return widget


async def test_start_a_playbook_by_hand_then_cancel_it(seeded: Store) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        widget = await account_tab(app, pilot, "A2")
        runs = seeded.playbook_runs(account_id="A2")
        before = {r.id for r in runs}
        playbooks = load_template("playbooks.toml", PlaybookTemplate).playbooks
        running = {r.playbook for r in runs if r.status == "open"}  # the start-up evaluation's
        index = next(i for i, p in enumerate(playbooks) if i > 0 and p.id not in running)
        chosen = playbooks[index]
        await pilot.press("p")
        assert isinstance(app.screen, StartPlaybookModal)
        await pilot.press("enter")  # open the list of playbooks
        await pilot.pause()
        await pilot.press(*["down"] * index, "enter")  # a playbook not running for A2
        await pilot.pause()
        await pilot.press("enter")  # no reason yet: refused, the modal stays
        assert isinstance(app.screen, StartPlaybookModal)
        await pilot.press(*"exec asked", "enter")
        await settle(app, pilot)
        [run] = [r for r in seeded.playbook_runs(account_id="A2") if r.id not in before]
        assert (run.playbook, run.reason) == (chosen.id, "started by hand by me: exec asked")
        assert seeded.activities("A2")[0].text == f"Started {chosen.name}: exec asked"
        table = widget.query_one(DataTable)
        assert table.row_count >= 1 + len(chosen.steps)
        table.move_cursor(row=table.get_row_index(f"run:{run.id}"))
        await pilot.press("c")
        assert isinstance(app.screen, ReasonModal)
        await pilot.press(*"not needed", "enter")
        await settle(app, pilot)
        cancelled = seeded.playbook_run(run.id)  # type: ignore[arg-type]
        assert cancelled is not None
        assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "not needed")
        assert widget.runs[-1][0].status == "cancelled"  # kept in the history, listed last


async def test_space_in_the_account_tab_ticks_and_unticks(seeded: Store) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        widget = await account_tab(app, pilot, "A1")
        [run] = [
            r for r in seeded.playbook_runs(account_id="A1") if r.playbook == "support-tickets"
        ]
        first = seeded.playbook_tasks([run.id])[run.id][0]  # type: ignore[list-item,index]
        table = widget.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(f"task:{first.id}"))
        await pilot.press("space")
        await settle(app, pilot)
        assert seeded.playbook_tasks([run.id])[run.id][0].done_on == AS_OF  # type: ignore[list-item,index]
        await pilot.press("space")
        await settle(app, pilot)
        assert seeded.playbook_tasks([run.id])[run.id][0].done_on is None  # type: ignore[list-item,index]


async def test_startup_evaluation_starts_runs(store: Store) -> None:
    add_accounts(store, ACCOUNTS)
    store.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "priority"],
        [(f"T{i}", "A2", (AS_OF - i * D).isoformat(), "high") for i in range(4)],
    )
    app = make_app(store, refresh=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        [run] = [r for r in store.playbook_runs(account_id="A2") if r.playbook == "support-tickets"]
        assert run.reason == "tickets in 30 days = 4 > 3"
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one("#today-table", RecordTable)
        assert any(r["reason"] == "tickets in 30 days = 4 > 3" for r in table.records)
