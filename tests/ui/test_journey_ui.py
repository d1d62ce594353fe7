"""Pilot tests of the critical path: section, timeline, ticks, undo, barriers, restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, OptionList

from cs_tui.config import Settings
from cs_tui.db.store import Store
from cs_tui.screens.account_screen import AccountScreen
from cs_tui.screens.barrier_modal import BarrierModal
from cs_tui.screens.journey_screen import JourneyScreen
from cs_tui.screens.timeline_screen import TimelineScreen
from cs_tui.widgets.account_journey import AccountJourney
from cs_tui.widgets.milestone_ribbon import MilestoneRibbon
from cs_tui.widgets.record_table import RecordTable
from tests.conftest import AS_OF
from tests.ui.helpers import SIZE, make_app, wait_for_workers

COLUMNS = [
    "account_id", "name", "segment", "edition", "csm", "start_date", "mrr", "licensed_users",
    "status",
]  # fmt: skip


def _seed(store: Store) -> None:
    """Four accounts: week 2 (set-up overdue), week 1, week 9 with set-up done, a 2-year-old."""
    day = AS_OF.toordinal()
    rows = [
        ("A1", "Acme [b]Corp[/b]", "enterprise", "ann", day - 10),
        ("A2", "Globex", "professional", "bob", day - 2),
        ("A3", "Initech", "professional", "ann", day - 60),
        ("A4", "Old Timers", "professional", "bob", day - 800),
    ]
    store.insert_many(
        "accounts",
        COLUMNS,
        [
            (a, n, "smb", e, c, dt.date.fromordinal(s).isoformat(), 10.0, 1, "active")
            for a, n, e, c, s in rows
        ],
    )
    for mid in ("blog_migrated", "crm_integrated", "website_code_deployed"):
        store.tick_milestone("A3", mid, AS_OF - dt.timedelta(days=55), "ann")


async def _settle(app, pilot) -> None:
    # Twice: a load's result arrives by call_from_thread, and the highlight it causes is one
    # more message later (seen failing under load with a single round).
    for _ in range(2):
        await wait_for_workers(app)
        await pilot.pause()


async def _open_timeline(app, pilot, account_id: str) -> TimelineScreen:
    """From the critical-path section, move to `account_id` and press enter."""
    await pilot.press("2")
    await _settle(app, pilot)
    table = app.screen.query_one(RecordTable)
    table.move_cursor(row=table.row_of(account_id))
    await pilot.press("enter")
    await _settle(app, pilot)
    assert isinstance(app.screen, TimelineScreen)
    return app.screen


def _reopen(path: Path) -> Store:
    return Store.open(path)


async def test_tick_undo_and_restart(store: Store) -> None:
    _seed(store)
    app = make_app(store, settings=Settings(user="Zoë"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_timeline(app, pilot, "A1")
        # the cursor starts on the next milestone due: the first of technical set-up
        assert screen.cursor_id == "m:blog_migrated"
        assert screen.query_one(MilestoneRibbon).selected == "blog_migrated"
        assert screen.progress("blog_migrated").state == "overdue"
        await pilot.press("space")
        await _settle(app, pilot)
        [tick] = store.milestone_ticks("A1")
        assert (tick.milestone_id, tick.done_on, tick.done_by) == ("blog_migrated", AS_OF, "Zoë")
        assert screen.progress("blog_migrated").state == "late"
        # undo removes it from the database
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert store.milestone_ticks("A1") == []
        assert screen.progress("blog_migrated").state == "overdue"
        # move down, tick the second milestone, untick it, undo the untick
        await pilot.press("j", "space")
        await _settle(app, pilot)
        assert [t.milestone_id for t in store.milestone_ticks("A1")] == ["crm_integrated"]
        await pilot.press("space")
        await _settle(app, pilot)
        assert store.milestone_ticks("A1") == []
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert [t.milestone_id for t in store.milestone_ticks("A1")] == ["crm_integrated"]
        log = [a.text for a in store.activities("A1")]
        assert "Ticked: CRM integrated" in log and "Unticked: CRM integrated" in log
    path = store.path
    store.close()

    again = _reopen(path)
    app2 = make_app(again)
    async with app2.run_test(size=SIZE) as pilot:
        screen = await _open_timeline(app2, pilot, "A1")
        progress = screen.progress("crm_integrated")
        assert progress.state == "late" and progress.done_by == "Zoë"
        assert screen.progress("blog_migrated").state == "overdue"
        # the section shows the stored tick too
        await pilot.press("escape")
        await _settle(app2, pilot)
        assert isinstance(app2.screen, JourneyScreen)
    again.close()


async def test_add_and_resolve_a_barrier_and_restart(store: Store) -> None:
    _seed(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_timeline(app, pilot, "A1")
        await pilot.press("b")
        assert isinstance(app.screen, BarrierModal)
        # pick the template's second known barrier of the stage: "ours", then save
        await pilot.press("shift+tab", "shift+tab", "down", "enter")
        modal = app.screen
        assert modal.query_one("#barrier-text", Input).value == "Blog migration is slow"
        assert modal.kind == "ours"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen is screen
        [barrier] = store.barriers("A1")
        assert (barrier.stage, barrier.kind, barrier.text) == (
            "setup",
            "ours",
            "Blog migration is slow",
        )
        assert (barrier.opened_on, barrier.created_by, barrier.resolved_on) == (AS_OF, "me", None)
        assert screen.cursor_id == f"b:{barrier.id}"
        assert screen.data.journey.open_barriers == 1

        # a typed barrier (markup stays text), customer by default
        await pilot.press("b", *"[b]x[/b]", "enter")
        await _settle(app, pilot)
        typed = [b for b in store.barriers("A1") if b.id != barrier.id][0]
        assert (typed.kind, typed.text) == ("customer", "[b]x[/b]")

        # r resolves the barrier under the cursor; ctrl+z reopens it; r again
        await pilot.press("r")
        await _settle(app, pilot)
        assert store.barrier(typed.id).resolved_on == AS_OF
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert store.barrier(typed.id).resolved_on is None
        await pilot.press("r")
        await _settle(app, pilot)
        assert store.barrier(typed.id).resolved_on == AS_OF
        # undo the resolve, then undo the add: the barrier is gone
        await pilot.press("ctrl+z", "ctrl+z")
        await _settle(app, pilot)
        assert store.barrier(typed.id) is None
        options = screen.query_one("#path-list", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Blog migration is slow" in p and "opened today" in p for p in prompts)
    path = store.path
    store.close()

    again = _reopen(path)
    app2 = make_app(again)
    async with app2.run_test(size=SIZE) as pilot:
        screen = await _open_timeline(app2, pilot, "A1")
        assert [(b.text, b.resolved_on) for b in screen.data.barriers] == [
            ("Blog migration is slow", None)
        ]
        # the section counts it
        await pilot.press("escape")
        await _settle(app2, pilot)
        table = app2.screen.query_one(RecordTable)
        assert table.records[table.row_of("A1")]["open_barriers"] == 1
    again.close()


async def test_escape_in_the_barrier_modal_logs_nothing(store: Store) -> None:
    _seed(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _open_timeline(app, pilot, "A1")
        await pilot.press("b", "n", "escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert store.barriers("A1") == []
        await pilot.press("ctrl+z")  # nothing to undo: no change
        assert store.milestone_ticks("A1") == []


async def test_section_lists_first_year_most_behind_first(store: Store) -> None:
    _seed(store)
    app = make_app(store, settings=Settings(user="ann"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, JourneyScreen)
        table = screen.query_one(RecordTable)
        # A4 is older than a year: not shown until `a`
        assert [r["account_id"] for r in table.records] == ["A3", "A1", "A2"]
        a3 = table.records[0]
        assert (a3["week"], a3["reached_stage"], a3["status"]) == (9, "Oriented", "stuck")
        assert table.records[2]["status"] == "on track"
        await pilot.press("a")
        await _settle(app, pilot)
        assert [r["account_id"] for r in table.records][0] == "A4"
        await pilot.press("a")
        await _settle(app, pilot)
        assert len(table.records) == 3
        # my accounts: ann's
        await pilot.press("m")
        await _settle(app, pilot)
        assert sorted(r["account_id"] for r in table.records) == ["A1", "A3"]
        await pilot.press("m")
        await _settle(app, pilot)
        # filter by status text
        await pilot.press("slash", *"on track")
        assert [r["account_id"] for r in table.records] == ["A2"]
        await pilot.press("escape")
        assert len(table.records) == 3
        summary = str(screen.query_one("#journey-summary").render())
        assert "3 accounts in their first year" in summary and "1 stuck" in summary


async def test_a_tick_on_the_timeline_shows_in_the_section(store: Store) -> None:
    _seed(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _open_timeline(app, pilot, "A2")
        await pilot.press("space")  # A2 is in week 1: ticked on time
        await _settle(app, pilot)
        await pilot.press("escape")
        await _settle(app, pilot)
        table = app.screen.query_one(RecordTable)
        a2 = table.records[table.row_of("A2")]
        assert a2["next_milestone"] == "CRM integrated"


async def test_mine_without_a_user_explains(store: Store) -> None:
    _seed(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await _settle(app, pilot)
        await pilot.press("m")
        await _settle(app, pilot)
        assert app.screen.only_mine is False
        assert len(app.screen.query_one(RecordTable).records) == 3


async def test_account_screen_journey_tab_and_t_opens_the_timeline(store: Store) -> None:
    _seed(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_account("A3")
        await _settle(app, pilot)
        assert isinstance(app.screen, AccountScreen)
        tab = app.screen.query_one(AccountJourney)
        ribbon = tab.query_one(MilestoneRibbon)
        assert ribbon.journey is not None and ribbon.journey.week == 9
        await pilot.press("t")
        await _settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen) and app.screen.account_id == "A3"
        assert app.screen.cursor_id == "m:understands_functionality"
        await pilot.press("space", "escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AccountScreen)
        assert ribbon.journey.done.get("understands_functionality") == AS_OF


async def test_a_read_only_database_refuses_ticks_without_crashing(store: Store) -> None:
    _seed(store)
    path = store.path
    store.close()
    readonly = Store(path, readonly=True)
    app = make_app(readonly)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_timeline(app, pilot, "A1")
        await pilot.press("space")
        await _settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert screen.undo_stack == []
        assert screen.progress("blog_migrated").state == "overdue"
    readonly.close()
    again = Store.open(path)
    assert again.milestone_ticks("A1") == []
    again.close()
