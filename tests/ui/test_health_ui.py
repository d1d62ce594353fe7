"""Pilot tests of health on the portfolio and the account screen, checked against the db."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static, TabbedContent

from cs_tui.config import Settings
from cs_tui.db.store import Store
from cs_tui.screens.account_screen import AccountScreen
from cs_tui.screens.manual_measure_modal import ManualMeasureModal
from cs_tui.screens.portfolio_screen import PortfolioScreen
from cs_tui.widgets.account_health import AccountHealth
from cs_tui.widgets.record_table import RecordTable
from tests.conftest import AS_OF
from tests.ui.helpers import SIZE, make_app, wait_for_workers


async def settle(pilot: Any) -> None:
    """Wait for the loads and the app's start-up refresh (health, then reloads) to finish."""
    await wait_for_workers(pilot.app)
    await pilot.pause()


def table(app: Any) -> RecordTable:
    return app.screen.query_one("#portfolio-table", RecordTable)


def busiest_csm(store: Store) -> str:
    return store.query(
        "SELECT csm FROM accounts WHERE status = 'active' GROUP BY csm ORDER BY count(*) DESC, csm"
    )[0][0]


async def test_portfolio_shows_stored_health_worst_first_and_sorts(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        stored = {r.account_id: r for r in demo_store.latest_health(AS_OF)}
        assert t.row_count == len(stored) > 300
        scores = [r["score"] for r in t.records]
        assert scores == sorted(scores)
        first = t.records[0]
        assert first["band"] == stored[first["account_id"]].band == "red"
        assert first["trend"] is not None and len(first["trend"].bars) == 12
        await pilot.press("s")  # the next column: band, worst first
        assert t.sort_key == "band_rank"
        ranks = [r["band_rank"] for r in t.records]
        assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 2
        t.sort_by("arr")
        await pilot.press("S")  # reverse: largest ARR first
        arrs = [r["arr"] for r in t.records]
        assert t.reverse and arrs == sorted(arrs, reverse=True)
        assert arrs[0] == max(r.arr for r in stored.values())


async def test_filter_by_band_updates_the_table_and_the_strip(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"yellow")
        shown = table(app).records
        yellow = [r for r in demo_store.latest_health(AS_OF) if r.band == "yellow"]
        assert len(shown) == len(yellow) and all(r["band"] == "yellow" for r in shown)
        strip = str(app.screen.query_one("#health-strip", Static).render())
        assert "◆ yellow 100%" in strip and "red 0%" in strip
        await pilot.press("escape")
        assert table(app).row_count == len(demo_store.latest_health(AS_OF))


async def test_my_book_toggle(demo_store: Store) -> None:
    owner = busiest_csm(demo_store)
    app = make_app(demo_store, settings=Settings(my_csm=owner))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everyone = table(app).row_count
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and screen.my_book
        mine = {r.account_id for r in demo_store.latest_health(AS_OF, csm=owner)}
        assert {r["account_id"] for r in table(app).records} == mine
        assert 0 < len(mine) < everyone
        assert f"my book ({owner})" in str(screen.query_one("#health-strip", Static).render())
        await pilot.press("m")
        assert table(app).row_count == everyone


async def test_my_book_without_an_owner_says_how_to_set_one(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        assert not app.screen.my_book
        assert any("my_csm" in str(n.message) for n in app._notifications)


async def test_views_and_rollup(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        assert app.screen.query_one(TabbedContent).active == "view-charts"
        await pilot.press("v")
        assert app.screen.query_one(TabbedContent).active == "view-rollup"
        rollup = app.screen.query_one("#rollup-table", RecordTable)
        csms = {r[0] for r in demo_store.query("SELECT DISTINCT csm FROM accounts")}
        assert {r["csm"] for r in rollup.records} <= csms
        assert sum(r["accounts"] for r in rollup.records) == table(app).row_count
        await pilot.press("g")
        assert {r["segment"] for r in rollup.records} == {"enterprise", "mid-market", "smb"}


async def test_open_account_shows_its_health_and_a_manual_measure_is_saved(
    demo_store: Store,
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = table(app).records[0]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.account_id == target["account_id"]
        tab = screen.query_one(AccountHealth)
        assert tab.data is not None and tab.data.card.score == target["score"]
        headline = str(screen.query_one("#health-headline", Static).render())
        assert headline.startswith(f"Health {target['score']:.0f} ▼ red")
        measures = screen.query_one("#health-measures", RecordTable)
        total = sum(r["points"] for r in measures.records)
        assert abs(total - target["score"]) < 1 or tab.data.card.no_usage
        manual = screen.query_one("#manual-table", RecordTable)
        manual.focus()
        manual.move_cursor(row=manual.row_of("renewal_likelihood"))
        await pilot.press("m")
        assert isinstance(app.screen, ManualMeasureModal)
        await pilot.press("9", "enter", *"x", "enter")  # 9 is off the 1-5 scale
        assert isinstance(app.screen, ManualMeasureModal)
        assert "from 1 to 5" in str(app.screen.query_one("#manual-error", Static).render())
        await pilot.press("backspace", "2", "enter", *"[b]budget cut[/b]", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        [mm] = demo_store.manual_measures(target["account_id"])
        assert (mm.measure, mm.value, mm.set_by, mm.set_on, mm.reason) == (
            "renewal_likelihood",
            2,
            "me",
            AS_OF,
            "[b]budget cut[/b]",  # focusing a field selects its text: typing replaced "x"
        )
        logged = [
            a for a in demo_store.activities(target["account_id"]) if a.kind == "manual_measure"
        ]
        assert logged[0].text == "Renewal likelihood set to 2: [b]budget cut[/b]"
        row = next(r for r in manual.records if r["id"] == "renewal_likelihood")
        assert row["value"] == 2 and row["state"] == "counts"
        # The stored score now counts the measure (25 of business), as the tab shows.
        stored = next(
            r for r in demo_store.latest_health(AS_OF) if r.account_id == target["account_id"]
        )
        assert stored.score == tab.data.card.score
        assert stored.business != target["business"]
