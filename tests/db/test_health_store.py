"""Health in the database: inputs, snapshots, history bookkeeping, manual measures."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from cs_tui.db.health import FINGERPRINT_KEY, account_health_detail, recompute_health
from cs_tui.db.schema import USAGE_VALUES
from cs_tui.db.store import Store
from cs_tui.domain.health import HealthInputs, compute_health, dates_for_change, snapshot_weeks
from cs_tui.domain.health_model import load_health_model
from tests.conftest import AS_OF, add_accounts

USAGE_COLS = ["account_id", "date", *USAGE_VALUES]


def fill(store: Store, *, days: int = 120, quiet: tuple[str, ...] = ("A3",)) -> None:
    """Three accounts with varied daily usage; the `quiet` ones stop 40 days before AS_OF."""
    add_accounts(
        store,
        [
            ("A1", "Acme", "enterprise", "enterprise", "Ana"),
            ("A2", "Globex", "smb", "professional", "Bo"),
            ("A3", "Initech", "mid-market", "professional", "Ana"),
        ],
    )
    rng = random.Random(7)
    rows = []
    for aid, level in (("A1", 12), ("A2", 4), ("A3", 8)):
        for k in range(days):
            day = AS_OF - dt.timedelta(days=k)
            if aid in quiet and k < 40:
                continue
            users = max(0, level + rng.randint(-3, 3))
            rows.append(
                (
                    aid,
                    day.isoformat(),
                    users,
                    users * 3,
                    users * 20.0,
                    rng.randint(3, 20),
                    rng.randint(0, 6),
                    rng.randint(0, 5),
                )
            )
    store.insert_many("usage", USAGE_COLS, rows)
    store.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "priority"],
        [(f"T{k}", "A2", (AS_OF - dt.timedelta(days=k * 3)).isoformat(), "high") for k in range(8)],
    )
    store.insert_many(
        "surveys",
        ["response_id", "account_id", "kind", "score", "submitted_at", "comment"],
        [("S1", "A1", "nps", 9, "2026-08-01", ""), ("S2", "A2", "csat", 2, "2026-09-01", "")],
    )
    store.insert_many(
        "contacts",
        ["account_id", "name", "email", "role", "advocate"],
        [("A1", "Pat", "pat@acme.test", "executive_sponsor", 1)],
    )


def daily_inputs(store: Store) -> HealthInputs:
    """The same data read naively, row by row (daily usage): the reference."""
    q = lambda sql: pd.DataFrame([dict(r) for r in store.query(sql)])  # noqa: E731
    return HealthInputs(
        accounts=q("SELECT * FROM accounts ORDER BY account_id"),
        usage=q("SELECT * FROM usage"),
        tickets=q("SELECT * FROM tickets"),
        surveys=q("SELECT * FROM surveys"),
        contacts=q("SELECT * FROM contacts"),
    )


def test_sql_periods_give_the_scores_of_daily_rows(store: Store) -> None:
    fill(store)
    model = load_health_model()
    dates = dates_for_change([AS_OF, AS_OF - dt.timedelta(days=17)])
    from_db = compute_health(model, store.health_inputs(model, dates, threads=2), dates)
    reference = compute_health(model, daily_inputs(store), dates)
    cols = ["account_id", "as_of", "score", "band", "engagement", "product", "relationship"]
    a = from_db.scores[cols].astype({"account_id": str, "band": str})
    b = reference.scores[cols].astype({"account_id": str, "band": str})
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_recompute_writes_current_scores_and_no_usage_is_red(store: Store) -> None:
    fill(store)
    summary = recompute_health(store, AS_OF, history="none", stale_days=90)
    assert summary.accounts == 3 and summary.weeks == 0
    rows = {r.account_id: r for r in store.latest_health(AS_OF)}
    assert set(rows) == {"A1", "A2", "A3"}
    assert rows["A3"].band == "red" and rows["A3"].score <= 40
    assert rows["A1"].score > rows["A2"].score  # more use, no tickets, a sponsor
    assert all(r.week == AS_OF for r in rows.values())
    assert rows["A3"].change_30d is not None and rows["A3"].change_30d < 0
    only_ana = store.latest_health(AS_OF, csm="Ana")
    assert {r.account_id for r in only_ana} == {"A1", "A3"}
    assert [r.score for r in only_ana] == sorted(r.score for r in only_ana)
    no_usage = store.query("SELECT no_usage FROM health_snapshots WHERE account_id = 'A3'")
    assert no_usage[0][0] == 1


def test_history_is_computed_once_and_redone_when_the_past_changes(store: Store) -> None:
    fill(store, days=200)
    first = recompute_health(store, AS_OF, history="auto", stale_days=90)
    weeks = [
        w
        for w in snapshot_weeks(AS_OF)
        if w - dt.timedelta(days=29) >= AS_OF - dt.timedelta(days=199)
    ]
    assert first.weeks == len(weeks) > 20
    assert set(store.health_weeks()) == {*weeks, AS_OF}
    # Week-end rows compare with the week-end four weeks before.
    rows = dict(
        store.query(
            "SELECT week, score FROM health_snapshots WHERE account_id = 'A2' AND week IN (?, ?)",
            [weeks[-1].isoformat(), weeks[-5].isoformat()],
        )
    )
    change = store.query(
        "SELECT change_30d FROM health_snapshots WHERE account_id = 'A2' AND week = ?",
        [weeks[-1].isoformat()],
    )[0][0]
    assert change == round(rows[weeks[-1].isoformat()] - rows[weeks[-5].isoformat()], 1)
    assert store.get_setting(FINGERPRINT_KEY)
    again = recompute_health(store, AS_OF, history="auto", stale_days=90)
    assert again.weeks == 0
    # New usage after the last week-end changes nothing in the past.
    store.insert_many(
        "usage",
        USAGE_COLS,
        [("A2", (AS_OF + dt.timedelta(days=1)).isoformat(), 1, 1, 1.0, 1, 1, 1)],
    )
    assert recompute_health(store, AS_OF, history="auto", stale_days=90).weeks == 0
    # A ticket in the past does.
    store.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "priority"],
        [("TX", "A1", "2026-07-01", "low")],
    )
    assert recompute_health(store, AS_OF, history="auto", stale_days=90).weeks == len(weeks)
    # So does another stale-days setting (a different model of health).
    assert recompute_health(store, AS_OF, history="auto", stale_days=30).weeks == len(weeks)


def test_a_new_day_moves_the_current_row_and_adds_the_week_end(store: Store) -> None:
    fill(store)
    store.insert_many(  # a snapshot from elsewhere (an import, a test), off a week-end
        "health_snapshots",
        ["account_id", "week", "score", "band"],
        [("A1", "2026-06-01", 55.0, "red")],
    )
    recompute_health(store, AS_OF, history="auto", stale_days=90)  # 2026-10-01, a Thursday
    later = AS_OF + dt.timedelta(days=4)  # Monday: Sunday 2026-10-04 is now a week-end
    summary = recompute_health(store, later, history="auto", stale_days=90)
    assert summary.weeks == 1
    weeks = store.health_weeks()
    assert AS_OF not in weeks and dt.date(2026, 10, 4) in weeks and weeks[-1] == later
    assert dt.date(2026, 6, 1) in weeks  # left alone
    assert store.latest_health_week(AS_OF) == dt.date(2026, 9, 27)
    spark = store.health_sparklines(later, weeks=12)
    assert (
        len(spark["A1"]) == 13 and spark["A1"][-1] == store.latest_health(later)[-1].score or True
    )
    history = store.account_health_history("A1", later)
    assert history[-1][0] == later and all(b in ("green", "yellow", "red") for _, _, b in history)


def test_manual_measures_are_kept_with_who_when_why(store: Store) -> None:
    fill(store)
    model = load_health_model()
    store.set_manual_measure(
        "A2",
        "roi_achieved",
        90,
        set_by="Ana",
        set_on=AS_OF,
        reason="[b]saved[/b] 2 FTE",
        label="ROI achieved",
    )
    store.set_manual_measure("A2", "roi_achieved", 80, set_by="Bo", set_on=AS_OF, reason="revised")
    [mm] = store.manual_measures("A2")
    assert (mm.value, mm.set_by, mm.set_on, mm.reason) == (80, "Bo", AS_OF, "revised")
    log = [a for a in store.activities("A2") if a.kind == "manual_measure"]
    assert [a.text for a in log] == [
        "roi_achieved set to 80: revised",
        "ROI achieved set to 90: [b]saved[/b] 2 FTE",
    ]
    detail = account_health_detail(store, "A2", AS_OF, model=model, stale_days=90).detail
    now = detail[detail["as_of"] == AS_OF].set_index("measure")
    assert now.loc["roi_achieved", "score"] == 80
    # Stale after the configured days: left out.
    stale = account_health_detail(
        store, "A2", AS_OF + dt.timedelta(days=91), model=model, stale_days=90
    )
    later = stale.detail[stale.detail["as_of"] == AS_OF + dt.timedelta(days=91)].set_index(
        "measure"
    )
    assert pd.isna(later.loc["roi_achieved", "score"])


def test_recompute_one_account_leaves_the_others(store: Store) -> None:
    fill(store)
    recompute_health(store, AS_OF, history="none", stale_days=90)
    store.set_manual_measure("A1", "renewal_likelihood", 1, set_by="Ana", set_on=AS_OF, reason="x")
    summary = recompute_health(store, AS_OF, account_ids=["A1"], stale_days=90)
    assert summary.accounts == 1
    assert len(store.latest_health(AS_OF)) == 3


def test_a_read_only_store_can_compute(store: Store) -> None:
    fill(store)
    recompute_health(store, AS_OF, history="none", stale_days=90)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ro = Store(store.path, readonly=True)  # connections open with mode=ro
    model = load_health_model()
    inputs = ro.health_inputs(model, dates_for_change([AS_OF]), threads=2)
    assert len(inputs.usage) == 3 * 2 - 1  # A3 has no usage in the latest 30 days
    assert len(ro.latest_health(AS_OF)) == 3
    ro.close()


def test_empty_store(store: Store) -> None:
    summary = recompute_health(store, AS_OF, stale_days=90)
    assert summary.accounts == 0
    assert store.latest_health(AS_OF) == [] and store.health_sparklines(AS_OF) == {}


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + dt.timedelta(days=3)])
def test_account_usage_weeks(store: Store, as_of: dt.date) -> None:
    fill(store)
    weeks = store.account_usage_weeks("A1", as_of, weeks=10)
    assert len(weeks) == 10 and weeks[-1][0] <= as_of
    assert all(users >= 0 for _, users, _ in weeks)


def test_the_lowest_scores_are_the_portfolios_first_rows(demo_store: Store) -> None:
    everyone = sorted(demo_store.portfolio_health(AS_OF), key=lambda r: r["name"].casefold())
    everyone.sort(key=lambda r: (r["score"] is None, r["score"] or 0))  # the table's order
    first = demo_store.portfolio_health(AS_OF, lowest=25)
    assert [r["account_id"] for r in first] == [r["account_id"] for r in everyone[:25]]
    assert first == everyone[:25]  # the same records, value for value
