"""The metrics' SQL on a fresh store: each loader returns exactly the rows its metric reads."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_tui.db.store import Store
from cs_tui.domain import backtest as bt
from cs_tui.domain import metrics as m
from cs_tui.domain.metrics import Window

D = dt.date
YEAR = Window(D(2024, 1, 1), D(2024, 12, 31))

ACCOUNTS = [
    # account_id, name, segment, edition, csm, start, renewal, mrr, users, status, churned_on
    (
        "A1",
        "Acme",
        "enterprise",
        "enterprise",
        "ann",
        "2023-01-01",
        "2025-06-01",
        1000,
        50,
        "active",
        None,
    ),
    (
        "A2",
        "Bolt",
        "mid-market",
        "professional",
        "bob",
        "2023-06-01",
        None,
        500,
        10,
        "churned",
        "2024-03-15",
    ),
    ("A3", "Cora", "smb", "professional", "ann", "2024-05-01", None, 100, 3, "active", None),
]


@pytest.fixture
def mstore(tmp_path):
    store = Store.open(tmp_path / "m.db", create=True)
    store.insert_many(
        "accounts",
        [
            "account_id",
            "name",
            "segment",
            "edition",
            "csm",
            "start_date",
            "renewal_date",
            "mrr",
            "licensed_users",
            "status",
            "churned_on",
        ],
        ACCOUNTS,
    )
    store.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
        [
            ("A1", "2024-06-01", 12000, "renewed", 15000),
            ("A2", "2024-03-01", 6000, "churned", 0),
            ("A1", "2023-06-01", 10000, "renewed", 12000),  # before the window
            ("A3", "2024-12-31", 1200, "open", None),  # open: not decided
            ("A1", "2025-06-01", 15000, "open", None),
        ],
    )
    store.insert_many(
        "surveys",
        ["response_id", "account_id", "kind", "score", "submitted_at", "comment"],
        [
            ("n1", "A1", "nps", 10, "2024-01-01", ""),  # on `from`
            ("n2", "A2", "nps", 5, "2024-12-31T17:00:00", ""),  # a timestamp on `to`
            ("n3", "A1", "nps", 9, "2023-12-31", ""),  # before
            ("c1", "A3", "csat", 4, "2024-07-01", ""),
            ("c2", "A3", "csat", 2, "2025-01-01", ""),  # after
        ],
    )
    store.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "closed_at", "priority"],
        [
            ("t1", "A1", "2023-12-20", "2024-01-05", "high"),  # closed in the window
            ("t2", "A1", "2024-03-01", "2024-03-04", "low"),
            ("t3", "A3", "2024-12-01", None, "normal"),  # open
            ("t4", "A2", "2023-01-01", "2023-02-01", "low"),  # closed before
        ],
    )
    store.insert_many(
        "contacts",
        ["account_id", "name", "email", "role", "advocate"],
        [
            ("A1", "Ann", "ann@acme.test", "champion", 1),
            ("A1", "Ben", "ben@acme.test", "buyer", 0),
            ("A3", "Cy", "cy@cora.test", "user", 0),
        ],
    )
    weeks = [
        # account, week, score, engagement, product, relationship, business
        ("A1", "2024-02-26", 50, 40, 60, 50, 60),  # the latest on or before 2024-03-03
        ("A1", "2024-03-04", 90, 90, 90, 90, 90),  # after 90 days before 2024-06-01
        ("A1", "2024-12-23", 88, 90, 85, 88, 90),
        ("A1", "2025-01-06", 20, 20, 20, 20, 20),  # after `to`
        ("A2", "2023-11-27", 45, 30, 50, 60, 50),  # 95 days before 2024-03-01
        ("A3", "2024-12-30", 70, 70, 70, 70, 70),
    ]
    store.insert_many(
        "health_snapshots",
        ["account_id", "week", "score", "engagement", "product", "relationship", "business"],
        weeks,
    )
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
    assert sorted(s.response_id for s in inputs.surveys) == ["c1", "n1", "n2"]
    assert sorted(t.ticket_id for t in inputs.tickets) == ["t1", "t2"]
    assert len(inputs.contacts) == 3 and sum(c.advocate for c in inputs.contacts) == 1
    # Latest at `to` (A1's 2025 snapshot is after it); churned A2 keeps its last score, which
    # the health metrics leave out because A2 is not active at `to`.
    assert inputs.health == {"A1": 88.0, "A2": 45.0, "A3": 70.0}


def test_health_at_takes_the_latest_snapshot_on_or_before(mstore) -> None:
    assert mstore.health_at(D(2024, 3, 3)) == {"A1": 50.0, "A2": 45.0}
    assert mstore.health_at(D(2024, 3, 4)) == {"A1": 90.0, "A2": 45.0}
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
