"""Pilot tests of the Metrics section: filters from the keyboard and the back-test what-if."""

from __future__ import annotations

from importlib import resources

import pytest

from cs_tui import config
from cs_tui.db.store import Store
from cs_tui.screens.metrics_screen import MetricsScreen
from cs_tui.widgets.backtest_panel import BacktestPanel
from cs_tui.widgets.metric_tile import MetricTile
from cs_tui.widgets.weight_editor import WeightEditor
from tests.ui.helpers import SIZE, make_app, wait_for_workers

# AS_OF is 2026-10-01: the window is 2025-10-02 to 2026-10-01.
ACCOUNTS = [
    ("U1", "Umbra", "enterprise", "enterprise", "Ana Ruiz", "2024-01-01", 1000.0, None),
    ("U2", "Vesta", "smb", "professional", "Bo Li", "2024-03-01", 200.0, "2026-03-15"),
    ("U3", "Wren", "mid-market", "professional", "Ana Ruiz", "2024-06-01", 500.0, None),
    ("U4", "Xeno", "enterprise", "enterprise", "Bo Li", "2024-02-01", 2000.0, None),
]
RENEWALS = [
    ("U1", "2026-01-01", 12000, "renewed", 12000),
    ("U2", "2026-03-01", 2400, "churned", 0),
    ("U3", "2026-06-01", 6000, "renewed", 6600),
    ("U4", "2026-02-01", 24000, "renewed", 18000),
]
# All: GRR (12000 + 0 + 6000 + 18000) / 44400 = 81.1%. Enterprise (U1, U4): 30000 / 36000 =
# 83.3%. Ana Ruiz (U1, U3): 18000 / 18000 = 100.0%.

# The latest snapshot at or before 90 days ahead of each renewal; score = 40/30/20/10 weighted.
SNAPSHOTS = [
    ("U1", "2025-09-29", 79.0, 90, 70, 80, 60),  # renews 2026-01-01: 36 + 21 + 16 + 6
    ("U2", "2025-11-24", 66.0, 30, 90, 90, 90),  # renews 2026-03-01: 12 + 27 + 18 + 9; churned
    ("U3", "2026-03-02", 57.0, 60, 60, 50, 50),  # renews 2026-06-01: 24 + 18 + 10 + 5
    ("U4", "2025-11-03", 60.0, 70, 50, 40, 90),  # renews 2026-02-01: 28 + 15 + 8 + 9
]
# Stored scores: churned U2 66 vs renewed 79, 57, 60: only U1 above it -> AUC 1/3.
# Engagement 40 -> 60 (total 120): U1 80.8, U2 60.0, U3 57.5, U4 61.7: U1 and U4 above the
# churned one -> AUC 2/3, a +100% change; U1 is the only green one.


@pytest.fixture
def mstore(store: Store) -> Store:
    store.insert_many(
        "accounts",
        ["account_id", "name", "segment", "edition", "csm", "start_date", "mrr",
         "licensed_users", "status", "churned_on"],
        [(*a[:7], 10, "churned" if a[7] else "active", a[7]) for a in ACCOUNTS],
    )  # fmt: skip
    store.insert_many(
        "renewals", ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"], RENEWALS
    )
    store.insert_many(
        "health_snapshots",
        ["account_id", "week", "score", "engagement", "product", "relationship", "business"],
        SNAPSHOTS,
    )
    return store


def tile(app, key: str) -> MetricTile:
    return app.screen.query_one(f"#tile-{key}", MetricTile)


async def settle(app, pilot) -> None:
    await wait_for_workers(app)
    await pilot.pause()


async def test_filters_from_the_keyboard(mstore: Store) -> None:
    app = make_app(mstore)  # no start-up refresh: the hand-made snapshots stay
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MetricsScreen)
        assert tile(app, "grr").value_text == "81.1%"
        assert tile(app, "grr").met is False  # target 90%
        await pilot.press("s")  # segment: enterprise
        await settle(app, pilot)
        assert screen.filters.segment == "enterprise"
        assert tile(app, "grr").value_text == "83.3%"
        await pilot.press("s", "s", "s")  # mid-market, smb, back to all
        await settle(app, pilot)
        assert screen.filters.segment is None
        await pilot.press("c")  # CSM: the first by name
        await settle(app, pilot)
        assert screen.filters.csm == "Ana Ruiz"
        assert tile(app, "grr").value_text == "100.0%" and tile(app, "grr").met is True
        # The back-test follows the filter: Ana's U1 and U3 renewed.
        panel = screen.query_one(BacktestPanel)
        assert panel.baseline.renewals == 2 and panel.baseline.churned == 0
        await pilot.press("C")  # back to all
        await settle(app, pilot)
        assert screen.filters.csm is None
        await pilot.press("e", "c")  # edition professional and CSM Ana: only U3
        await settle(app, pilot)
        assert (screen.filters.edition, screen.filters.csm) == ("professional", "Ana Ruiz")
        assert tile(app, "nrr").value_text == "110.0%"
        await pilot.press("x")
        await settle(app, pilot)
        assert screen.filters.is_empty and tile(app, "grr").value_text == "81.1%"
    # Filters only read: the database is as it was.
    assert mstore.count("renewals") == 4 and mstore.count("health_snapshots") == 4


async def test_what_if_weights_recompute_at_once_and_save_nothing(mstore: Store) -> None:
    settings_before = [tuple(r) for r in mstore.query("SELECT * FROM settings")]
    app = make_app(mstore)  # no start-up refresh: the hand-made snapshots stay
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        screen = app.screen
        panel = screen.query_one(BacktestPanel)
        editor = screen.query_one(WeightEditor)
        assert panel.baseline.auc == pytest.approx(1 / 3)
        assert editor.points == (40, 30, 20, 10)
        await pilot.press("w")
        assert editor.has_focus
        await pilot.press("right", "right", "right", "right")  # engagement 40 -> 60
        assert editor.points == (60, 30, 20, 10)
        assert panel.what_if is not None
        assert panel.what_if.auc == pytest.approx(2 / 3)
        assert panel.what_if.band("green").renewals == 1  # U1 80.8
        assert panel.baseline.auc == pytest.approx(1 / 3)  # the stored scores do not move
        await pilot.press("escape")  # back to the weights in force
        assert editor.points == (40, 30, 20, 10)
        await pilot.press("down", "down", "left", "left", "left", "left")  # relationship 0
        assert editor.points == (40, 30, 0, 10)
        # U1 78.75, U2 60, U3 58.75, U4 65: two renewed above the churned one -> 2/3
        assert panel.what_if.auc == pytest.approx(2 / 3)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.kept_weights is not None
        assert screen.kept_weights.as_dict() == {
            "engagement": 40,
            "product": 30,
            "relationship": 0,
            "business": 10,
        }
        assert editor.in_force == (40, 30, 0, 10)
        await pilot.press("right", "escape")  # escape now returns to the kept weights
        assert editor.points == (40, 30, 0, 10)
    # Kept for the session only: no health.toml written, nothing in the database.
    assert not (config.config_dir() / "health.toml").exists()
    assert [tuple(r) for r in mstore.query("SELECT * FROM settings")] == settings_before
    assert mstore.count("health_snapshots") == 4


async def test_the_what_if_starts_from_the_users_health_toml(mstore: Store) -> None:
    # The user's copy of health.toml weighs engagement 60 and relationship 0... no: every
    # category keeps some weight (the model requires it): 55/25/10/10, green from 85.
    text = resources.files("cs_tui.templates").joinpath("health.toml").read_text()
    for old, new in [
        ('id = "engagement"\nlabel = "Engagement"\nweight = 40', "weight = 55"),
        ('label = "Product"\nweight = 30', "weight = 25"),
        ('label = "Relationship"\nweight = 20', "weight = 10"),
        ("green = 80", "green = 85"),
    ]:
        head, _, tail = old.rpartition("\n")
        assert old in text, old
        text = text.replace(old, f"{head}\n{new}" if head else new)
    config.config_dir().mkdir(parents=True, exist_ok=True)
    (config.config_dir() / "health.toml").write_text(text)
    app = make_app(mstore)  # no start-up refresh: the hand-made snapshots stay
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        panel = app.screen.query_one(BacktestPanel)
        assert app.screen.query_one(WeightEditor).points == (55, 25, 10, 10)
        # Stored scores 79, 66, 57, 60 with green from 85: nobody is green.
        assert panel.baseline.band("green").renewals == 0
        assert panel.baseline.band("yellow").renewals == 3


async def test_coming_back_to_the_section_reads_the_database_again(mstore: Store) -> None:
    app = make_app(mstore)  # no start-up refresh: the hand-made snapshots stay
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        assert tile(app, "grr").value_text == "81.1%"
        await pilot.press("1")
        # Meanwhile a renewal is decided: U3's next one, churned (6600 due, nothing kept).
        mstore.insert_many(
            "renewals",
            ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
            [("U3", "2026-09-01", 6600, "churned", 0)],
        )
        await pilot.press("5")
        await settle(app, pilot)
        # (12000 + 0 + 6000 + 18000 + 0) / (44400 + 6600) = 36000 / 51000
        assert tile(app, "grr").value_text == "70.6%"


async def test_the_start_up_health_refresh_fills_the_section(demo_store: Store) -> None:
    # No health history yet (as after an import): the start-up refresh writes it while the
    # section is open, and the section reads it when the app says health changed.
    with demo_store.transaction() as conn:
        conn.execute("DELETE FROM health_snapshots")
    app = make_app(demo_store, refresh=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        assert demo_store.count("health_snapshots") > 0
        assert tile(app, "avg_health").value_text != "—"
        panel = app.screen.query_one(BacktestPanel)
        assert panel.baseline.renewals > 0 and panel.baseline.auc is not None
