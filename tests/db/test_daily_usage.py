"""Usage held in memory (`DailyUsage`) sums exactly as the SQL path does, and bulk inserts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cs_tui.db import bulk
from cs_tui.db.daily_usage import EPOCH, VALUE_COLUMNS, DailyUsage
from cs_tui.db.demo import build, generate
from cs_tui.db.health import HISTORY_CHANGE_DAYS, _Scope, recompute_health
from cs_tui.db.store import Store
from cs_tui.domain.health import snapshot_weeks, usage_periods
from cs_tui.domain.health_model import load_health_model
from tests.conftest import AS_OF, add_accounts

ACCOUNTS = 60


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DailyUsage]:
    """A small generated demo (no derived data yet) and the usage it held in memory."""
    path = tmp_path_factory.mktemp("daily") / "demo.db"
    store = Store.open(path, create=True)
    summary = generate(store, accounts=ACCOUNTS, seed=3, as_of=AS_OF)
    store.close()
    assert summary.usage is not None
    return path, summary.usage


def history_dates() -> list[dt.date]:
    weeks = snapshot_weeks(AS_OF)
    return sorted(set(weeks) | {w - dt.timedelta(days=HISTORY_CHANGE_DAYS) for w in weeks})


def snapshots(store: Store) -> list[tuple[object, ...]]:
    return [
        tuple(r) for r in store.query("SELECT * FROM health_snapshots ORDER BY account_id, week")
    ]


def test_held_usage_is_the_usage_table(demo: tuple[Path, DailyUsage]) -> None:
    path, usage = demo
    conn = sqlite3.connect(path)
    rows = conn.execute(
        f"SELECT account_id, date, {', '.join(VALUE_COLUMNS)} FROM usage ORDER BY rowid"
    ).fetchall()
    assert len(usage) == len(rows) > 0
    k = np.repeat(np.arange(len(usage.account_ids)), np.diff(usage.offsets))
    held = [
        (
            usage.account_ids[a],
            (EPOCH + dt.timedelta(days=int(d))).isoformat(),
            *(v[i].item() for v in usage.values),
        )
        for i, (a, d) in enumerate(zip(k, usage.day, strict=True))
    ]
    assert held == rows


@pytest.mark.parametrize(
    "scope",
    [_Scope(), _Scope(rowids=(11, 37)), _Scope(ids=("ACC-00005", "ACC-00002", "ACC-00040"))],
    ids=["all", "rowids", "ids"],
)
@pytest.mark.parametrize("dates", ["history", "as_of"])
def test_period_sums_equal_the_sql_sums_exactly(
    demo: tuple[Path, DailyUsage], scope: _Scope, dates: str
) -> None:
    path, usage = demo
    store = Store.open(path)
    model = load_health_model()
    wanted = history_dates() if dates == "history" else [AS_OF - dt.timedelta(days=30), AS_OF]
    periods = usage_periods(model, wanted)
    from_sql = store._usage_periods(periods, scope, threads=1)
    held = store._usage_periods(periods, scope, threads=1, held=usage)
    assert len(from_sql) > 0
    pd.testing.assert_frame_equal(held, from_sql, check_exact=True)
    store.close()


def test_an_account_not_held_falls_back_to_the_table(demo: tuple[Path, DailyUsage]) -> None:
    path, usage = demo
    store = Store.open(path)
    periods = usage_periods(load_health_model(), [AS_OF])
    fewer = DailyUsage(usage.account_ids[:-1], usage.offsets[:-1], usage.day, usage.values)
    assert fewer.period_sums(usage.account_ids, periods) is None
    pd.testing.assert_frame_equal(
        store._usage_periods(periods, _Scope(), 1, held=fewer),
        store._usage_periods(periods, _Scope(), 1),
        check_exact=True,
    )
    store.close()


def test_fingerprint_from_held_usage_is_the_same(demo: tuple[Path, DailyUsage]) -> None:
    path, usage = demo
    store = Store.open(path)
    model = load_health_model()
    for until in (AS_OF, AS_OF - dt.timedelta(days=100), AS_OF - dt.timedelta(days=900)):
        assert store.health_data_fingerprint(
            model, until, usage=usage
        ) == store.health_data_fingerprint(model, until)
    store.close()


def test_build_writes_the_history_a_full_recompute_from_the_table_writes(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "d.db", create=True)
    seen: list[float] = []
    summary = build(
        store, accounts=ACCOUNTS, seed=3, as_of=AS_OF, stale_days=90,
        progress=lambda _label, fraction: seen.append(fraction),
    )  # fmt: skip
    assert summary.usage is None  # not kept once the derived data is written
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    built = snapshots(store)
    weeks = {r[1] for r in built}
    assert len(weeks) > 40 and store.count("playbook_runs") > 0
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.query("PRAGMA foreign_key_check") == []
    recompute_health(store, AS_OF, stale_days=90, history="all")
    assert snapshots(store) == built


def test_from_rows_wants_rows_grouped_by_account() -> None:
    one = np.array([1, 2])
    with pytest.raises(ValueError, match="grouped"):
        DailyUsage.from_rows(["A", "B"], np.array([1, 0]), one, [one] * len(VALUE_COLUMNS))
    empty = DailyUsage.from_rows(["A"], np.zeros(0), np.zeros(0), [np.zeros(0)] * 6)
    assert empty.period_sums(["A"], [(AS_OF, AS_OF)])[0] == []  # type: ignore[index]


def test_bulk_inserts_every_row_in_order_with_nulls(store: Store) -> None:
    width = 4
    per = bulk.rows_per_insert(width)
    assert per * width <= 999 and bulk.rows_per_insert(2000) == 1
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    rows = [
        ("A1", "call", f"2026-01-{1 + k % 28:02d}", None if k % 3 else f"note {k}")
        for k in range(2 * per + 7)
    ]
    with store.transaction() as conn:
        head = bulk.insert_head("activities", ("account_id", "kind", "date", "text"))
        bulk.insert_tuples(conn, head, rows, width)
    got = store.query("SELECT account_id, kind, date, text FROM activities ORDER BY id")
    assert [tuple(r) for r in got] == rows
    with pytest.raises(ValueError):
        bulk.insert_head("activities; DROP", ("a",))
