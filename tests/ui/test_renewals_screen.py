"""Pilot tests of the Renewals section: queue, horizon, filter, log a step, record outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, Static

from cs_tui.app import CsApp
from cs_tui.config import Settings
from cs_tui.db.store import Store
from cs_tui.screens.renewal_outcome_modal import RenewalOutcomeModal
from cs_tui.screens.renewal_step_modal import RenewalStepModal
from cs_tui.screens.renewals_screen import RenewalsScreen
from cs_tui.widgets.record_table import RecordTable
from cs_tui.widgets.renewal_strip import RenewalStrip
from tests.conftest import AS_OF, add_accounts
from tests.ui.helpers import SIZE, make_app, wait_for_workers

ACCOUNTS = [
    ("R1", "Rising Co", "smb", "professional", "Ana Ruiz"),
    ("R2", "Shrinking [b]Ltd[/b]", "smb", "professional", "Bo Li"),
    ("R3", "Leaving Inc", "mid-market", "professional", "Ana Ruiz"),
    ("R4", "Far Away", "enterprise", "enterprise", "Bo Li"),
]
DUE = {"R1": 20, "R2": 45, "R3": -3, "R4": 200}
"""Days from AS_OF to each account's open renewal."""


def day(offset: int) -> dt.date:
    return AS_OF + dt.timedelta(days=offset)


@pytest.fixture
def rstore(store: Store) -> Store:
    """Four accounts with open renewals of 12,000 ARR; R1's conversation already logged."""
    add_accounts(store, ACCOUNTS)
    store.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome"],
        [(aid, day(d).isoformat(), 12_000.0, "open") for aid, d in DUE.items()],
    )
    store.log_renewal_step("R1", "conversation", day(-30), "Ana Ruiz")
    return store


async def open_section(app: CsApp, pilot: Pilot[None]) -> RenewalsScreen:
    """Switch to the Renewals section and wait for its data."""
    await pilot.press("3")
    await wait_for_workers(app)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, RenewalsScreen)
    return screen


def queue(app: CsApp) -> RecordTable:
    return app.screen.query_one("#renewals-queue", RecordTable)


async def move_to(app: CsApp, pilot: Pilot[None], account_id: str) -> None:
    """Move the table cursor down to `account_id`'s row with the keyboard."""
    table = queue(app)
    while table.cursor_record is not None and table.cursor_record["account_id"] != account_id:
        before = table.cursor_row
        await pilot.press("j")
        assert table.cursor_row != before, f"{account_id} not in the table"


async def test_queue_horizon_and_filter(rstore: Store) -> None:
    app = make_app(rstore)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_section(app, pilot)
        table = queue(app)
        assert [r["account_id"] for r in table.records] == ["R3", "R1", "R2"]
        r3, r1, r2 = table.records
        assert r3["late"] == 93 and r1["late"] == 40 and r2["late"] == 45
        strip = screen.query_one(RenewalStrip).plain
        assert "LATE 3" in strip and "within 120 days" in strip
        await pilot.press("plus", "plus", "plus")
        assert screen.horizon == 210
        assert [r["account_id"] for r in table.records] == ["R3", "R1", "R2", "R4"]
        await pilot.press("minus", "minus", "minus", "minus", "minus", "minus", "minus")
        assert screen.horizon == 30
        assert [r["account_id"] for r in table.records] == ["R3", "R1"]
        await pilot.press("slash", *"leav")
        assert [r["account_id"] for r in table.records] == ["R3"]
        await pilot.press("escape")
        assert len(table.records) == 2


async def test_my_book_shows_only_my_accounts(rstore: Store) -> None:
    app = CsApp(rstore, as_of=AS_OF, settings=Settings(user="Bo Li"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_section(app, pilot)
        assert screen.my_book
        assert [r["account_id"] for r in queue(app).records] == ["R2"]
        await pilot.press("m")
        assert [r["account_id"] for r in queue(app).records] == ["R3", "R1", "R2"]


async def test_log_a_step_from_the_keyboard(rstore: Store) -> None:
    app = make_app(rstore)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(app, pilot)
        await move_to(app, pilot, "R1")
        await pilot.press("l")
        modal = app.screen
        assert isinstance(modal, RenewalStepModal)
        assert modal.chosen == "proposal"  # the first step not done yet
        await pilot.press("down", "tab", *"sent v2", "ctrl+s")
        await wait_for_workers(app)
        await pilot.pause()
        assert isinstance(app.screen, RenewalsScreen)
        [logged] = [a for a in rstore.activities("R1") if a.kind == "renewal_contract"]
        assert (logged.date, logged.author, logged.text) == (AS_OF, "me", "sent v2")
        row = next(r for r in queue(app).records if r["account_id"] == "R1")
        assert row["expected_done"] is True and row["late"] is None


async def test_escape_logs_nothing(rstore: Store) -> None:
    app = make_app(rstore)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(app, pilot)
        before = rstore.count("activities")
        await pilot.press("l", "escape", "o", "escape")
        assert isinstance(app.screen, RenewalsScreen)
        assert rstore.count("activities") == before


@pytest.mark.parametrize(("typed", "kind"), [("15k", "expansion"), ("9,000", "contraction")])
async def test_record_renewed_higher_or_lower(rstore: Store, typed: str, kind: str) -> None:
    app = make_app(rstore)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(app, pilot)
        await move_to(app, pilot, "R2")
        await pilot.press("o")
        assert isinstance(app.screen, RenewalOutcomeModal)
        await pilot.press("tab", *typed)
        assert kind in str(app.screen.query_one("#outcome-change", Static).content)
        await pilot.press("ctrl+s")
        await wait_for_workers(app)
        await pilot.pause()
        assert isinstance(app.screen, RenewalsScreen)
        new_arr = 15_000.0 if kind == "expansion" else 9_000.0
        renewals = {r.renewal_date: r for r in rstore.renewals("R2")}
        assert renewals[day(45)].outcome == "renewed"
        assert renewals[day(45)].arr_renewed == new_arr
        nxt = renewals[dt.date(2027, 11, 15)]
        assert nxt.outcome == "open" and nxt.arr_due == new_arr
        account = rstore.account("R2")
        assert account is not None and account.renewal_date == dt.date(2027, 11, 15)
        assert account.mrr == new_arr / 12
        activity = rstore.activities("R2")[0]
        assert activity.kind == "renewal_outcome" and kind in activity.text
        assert "R2" not in [r["account_id"] for r in queue(app).records]


async def test_record_churned_with_validation(rstore: Store) -> None:
    app = make_app(rstore)
    async with app.run_test(size=SIZE) as pilot:
        await open_section(app, pilot)
        first = queue(app).cursor_record
        assert first is not None and first["account_id"] == "R3"
        await pilot.press("o", "right", "enter", "ctrl+s")
        modal = app.screen
        assert isinstance(modal, RenewalOutcomeModal)
        errors = str(modal.query_one("#outcome-errors", Static).content)
        assert "Reason: choose a churn reason" in errors
        await pilot.press("tab", "enter", "end", "enter")  # the last reason: other
        assert modal.query_one(Select).value == "other"
        await pilot.press("ctrl+s")
        assert "Note: say why the customer left" in str(
            modal.query_one("#outcome-errors", Static).content
        )
        assert rstore.count("activities") == 1  # only R1's conversation
        await pilot.press("tab", *"bought by a rival", "ctrl+s")
        await wait_for_workers(app)
        await pilot.pause()
        assert isinstance(app.screen, RenewalsScreen)
        [renewal] = rstore.renewals("R3")
        assert renewal.outcome == "churned" and renewal.arr_renewed == 0.0
        assert renewal.churn_reason == "other: bought by a rival"
        account = rstore.account("R3")
        assert account is not None and account.status == "churned"
        assert account.churned_on == day(-3)
        activity = rstore.activities("R3")[0]
        assert activity.kind == "renewal_outcome" and "bought by a rival" in activity.text


async def test_past_year_view_lists_decided_renewals(rstore: Store) -> None:
    rstore.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed", "churn_reason"],
        [
            ("R1", day(-300).isoformat(), 10_000.0, "renewed", 12_000.0, None),
            ("R4", day(-30).isoformat(), 8_000.0, "churned", 0.0, "price: too dear"),
            ("R4", day(-400).isoformat(), 8_000.0, "renewed", 8_000.0, None),  # too old
        ],
    )
    app = make_app(rstore)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_section(app, pilot)
        await pilot.press("p")
        table = screen.query_one("#renewals-past", RecordTable)
        assert [(r["account_id"], r["kind"], r["arr_change"]) for r in table.records] == [
            ("R4", "churned", -8_000.0),
            ("R1", "expansion", 2_000.0),
        ]
        assert table.records[0]["reason"] == "price / budget for this product: too dear"
        strip = screen.query_one(RenewalStrip).plain
        assert "NRR 66.7%" in strip and "GRR 55.6%" in strip
        await pilot.press("o")
        assert isinstance(app.screen, RenewalsScreen)  # no outcome for decided renewals
        await pilot.press("p")
        assert screen.query_one("#renewals-queue", RecordTable).has_focus
