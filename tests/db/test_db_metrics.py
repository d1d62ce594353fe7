"""The metrics' SQL on a fresh store: each loader returns exactly the rows its metric reads."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_tui.db.store import Store
from cs_tui.domain import backtest as bt
from cs_tui.domain import metrics as m
from cs_tui.domain.metrics import Window
from tests.db.metrics_portfolio import fill

D = dt.date
YEAR = Window(D(2024, 1, 1), D(2024, 12, 31))


@pytest.fixture
def mstore(tmp_path):
    store = fill(Store.open(tmp_path / "m.db", create=True))
    yield store
    store.close()


def test_loaders_take_only_the_window(mstore) -> None:
    inputs = mstore.metric_inputs(YEAR)
    assert sorted(a.account_id for a in inputs.accounts) == ["A1", "A2", "A3"]
    a2 = next(a for a in inputs.accounts if a.account_id == "A2")
    assert a2.churned_on == D(2024, 3, 15) and a2.mrr == 500.0
    assert [(r.account_id, r.renewal_date) for r in inputs.renewals] == [
        ("A2", D(2024, 3, 1)),
        ("A1", D(2024, 6, 1)),
    ]
    # n1 on `from`, n2 a timestamp on `to`, c1 inside; n3 before and c2 after are left out
    assert sorted((s.account_id, s.kind, s.score) for s in inputs.surveys) == [
        ("A1", "nps", 10),
        ("A2", "nps", 5),
        ("A3", "csat", 4),
    ]
    assert inputs.surveys[0].submitted_at.__class__ is dt.date
    # t1 closed in the window, t2 inside; t3 open and t4 closed before are left out
    assert sorted((t.opened_at, t.closed_at) for t in inputs.tickets) == [
        (D(2023, 12, 20), D(2024, 1, 5)),
        (D(2024, 3, 1), D(2024, 3, 4)),
    ]
    assert len(inputs.contacts) == 3 and sum(c.advocate for c in inputs.contacts) == 1
    # Latest at `to` (A1's 2025 snapshot is after it) of the accounts active then: A2 churned.
    assert inputs.health == {"A1": 88.0, "A3": 70.0}


def test_health_at_takes_the_latest_snapshot_on_or_before(mstore) -> None:
    assert mstore.health_at(D(2024, 3, 3)) == {"A1": 50.0, "A2": 45.0}
    assert mstore.health_at(D(2024, 3, 4)) == {"A1": 90.0, "A2": 45.0}
    assert mstore.health_at(D(2024, 3, 15)) == {"A1": 90.0}  # A2 churned that day
    assert mstore.health_at(D(2023, 1, 1)) == {}
    both = mstore.health_at_dates([D(2024, 3, 3), D(2025, 1, 6)])
    assert both[D(2025, 1, 6)]["A1"] == 20.0


def test_metrics_from_the_store(mstore) -> None:
    got = m.compute_metrics(mstore.metric_inputs(YEAR), YEAR)
    assert got["grr"] == pytest.approx(12000 / 18000)  # A1 kept 12000 of 12000, A2 0 of 6000
    assert got["nrr"] == pytest.approx(15000 / 18000)
    assert got["nps"] == pytest.approx(0.0)  # one promoter (10), one detractor (5)
    assert got["csat"] == 1.0
    assert got["median_resolution_days"] == pytest.approx((16 + 3) / 2)
    assert got["logo_churn"] == pytest.approx(1 / 2)  # A2 of A1, A2
    assert got["avg_health"] == pytest.approx((88 + 70) / 2)  # A1, A3 active at `to`
    assert got["contacts_per_account"] == pytest.approx(3 / 2)


def test_backtest_points_read_the_snapshot_90_days_ahead(mstore) -> None:
    points = mstore.backtest_points(YEAR)
    # A2 renews 2024-03-01: 90 days before is 2023-12-02, latest snapshot 2023-11-27.
    # A1 renews 2024-06-01: 90 days before is 2024-03-03, latest snapshot 2024-02-26 (not 03-04).
    assert [(p.account_id, p.week, p.score, p.churned) for p in points] == [
        ("A2", D(2023, 11, 27), 45.0, True),
        ("A1", D(2024, 2, 26), 50.0, False),
    ]
    assert points[1].engagement == 40.0 and points[1].business == 60.0
    result = bt.backtest(points)
    assert result.auc == 1.0  # the renewed account (50) scored above the churned one (45)
    assert result.band("red").renewals == 2
    # With all the weight on engagement: A1 40 vs A2 30, still a perfect ranking.
    assert bt.backtest(points, bt.Weights(1, 0, 0, 0)).auc == 1.0
    # With all the weight on relationship: A1 50 vs A2 60: the churned one scores higher.
    assert bt.backtest(points, bt.Weights(0, 0, 1, 0)).auc == 0.0


def test_backtest_point_without_a_snapshot(mstore) -> None:
    mstore.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
        [("A3", "2024-08-01", 1200, "churned", 0)],  # A3's only snapshot is in December
    )
    points = mstore.backtest_points(YEAR)
    missing = [p for p in points if not p.has_snapshot]
    assert [p.account_id for p in missing] == ["A3"]
    assert bt.backtest(points).missing == 1


def test_empty_store_gives_nulls(tmp_path) -> None:
    store = Store.open(tmp_path / "e.db", create=True)
    got = m.compute_metrics(store.metric_inputs(YEAR), YEAR)
    assert got["grr"] is None and got["nps"] is None and got["clv"] is None
    assert store.backtest_points(YEAR) == []
    store.close()


def test_onboarding_statuses_from_the_critical_path(store) -> None:
    from cs_tui.config import load_template
    from cs_tui.domain.journey import JourneyTemplate
    from tests.conftest import add_accounts

    add_accounts(store, [("B1", "Bee", "smb", "professional", "ann")])  # starts 2025-11-01
    path = load_template("journey.toml", JourneyTemplate).for_edition("professional")
    start = D(2025, 11, 1)
    # Tick every milestone up to "Full speed", one a day from the start: the last tick is
    # the day onboarding completes; first value is reached with the first-value stage's last.
    stages = path.stages[: path.onboarded_index + 1]
    ids = [ms.id for stage in stages for ms in stage.milestones]
    for i, mid in enumerate(ids):
        store.insert_many(
            "milestones",
            ["account_id", "milestone_id", "done_on", "done_by"],
            [("B1", mid, (start + dt.timedelta(days=i)).isoformat(), "ann")],
        )
    fv_count = sum(len(s.milestones) for s in path.stages[: path.first_value_index + 1])
    (status,) = store.onboarding_statuses(D(2026, 10, 1))
    assert status.account_id == "B1"
    assert status.completed_on == start + dt.timedelta(days=len(ids) - 1)
    assert status.first_value_on == start + dt.timedelta(days=fv_count - 1)
    # Due at the end of the onboarded stage's week: start + 7 x week - 1.
    assert status.due_on == start + dt.timedelta(days=7 * stages[-1].end_week - 1)
    # Seen from before the last tick, onboarding is not complete yet.
    (early,) = store.onboarding_statuses(start + dt.timedelta(days=len(ids) - 2))
    assert early.completed_on is None and early.first_value_on == status.first_value_on
    window = Window(start, D(2026, 10, 1))
    inputs = store.metric_inputs(window, onboarding=[status])
    got = m.compute_metrics(inputs, window)
    assert got["onboarding_completion"] == 1.0
    assert got["median_ttfv_days"] == fv_count - 1


def test_what_if_with_the_weights_in_force_gives_the_stored_scores(demo_store) -> None:
    # The health model's own scores, written by a recompute, recomputed from their stored
    # category scores with health.toml's weights: the same (category scores are stored to one
    # decimal, so a score may move by 0.1), and the no-usage cap is kept.
    from cs_tui.db.health import recompute_health
    from cs_tui.domain.health_model import load_health_model
    from tests.conftest import AS_OF

    recompute_health(demo_store, AS_OF)
    model = load_health_model()
    points = [p for p in demo_store.backtest_points(Window.ending(AS_OF)) if p.has_snapshot]
    assert len(points) > 50 and any(p.churned for p in points)
    weights, cap = bt.model_weights(model), model.no_usage.max_score
    for p in points:
        assert bt.what_if_score(p, weights, cap) == pytest.approx(p.score, abs=0.11), p
    stored = bt.backtest(points, bands=bt.model_bands(model))
    again = bt.backtest(points, weights, bands=bt.model_bands(model), cap=cap)
    assert stored.auc is not None and again.auc == pytest.approx(stored.auc, abs=0.01)
