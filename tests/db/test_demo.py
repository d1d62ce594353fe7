"""The demo portfolio: deterministic, internally consistent, and shaped like a real SaaS book."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_tui.db.demo import DemoSummary, generate
from cs_tui.db.demo_journey import load_path
from cs_tui.db.demo_plan import anniversary
from cs_tui.db.store import Store, StoreError
from cs_tui.domain.models import Activity, Barrier, MilestoneTick, Ticket
from tests.conftest import AS_OF, DEMO_ACCOUNTS

TABLES = (
    "staff",
    "accounts",
    "contacts",
    "renewals",
    "usage",
    "tickets",
    "surveys",
    "milestones",
    "barriers",
    "activities",
    "settings",
)


def build(path: Path, *, accounts: int = 60, seed: int = 42, as_of: dt.date = AS_OF) -> Store:
    """A new store at `path` holding a generated demo portfolio."""
    store = Store.open(path, create=True)
    generate(store, accounts=accounts, seed=seed, as_of=as_of)
    return store


def dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every demo table, in rowid order."""
    return {
        t: [tuple(r) for r in store.query(f"SELECT * FROM [{t}] ORDER BY rowid")] for t in TABLES
    }


def one(store: Store, sql: str, *params: object) -> Any:
    """The single value of a query."""
    return store.query(sql, params)[0][0]


def pairs(store: Store, sql: str, *params: object) -> dict[Any, Any]:
    """A two-column query as a dict."""
    return {r[0]: r[1] for r in store.query(sql, params)}


def past_year(as_of: dt.date) -> str:
    """The first day of the 365-day window ending at `as_of`."""
    return (as_of - dt.timedelta(days=364)).isoformat()


# -- determinism -------------------------------------------------------------------------------


def test_same_arguments_give_identical_tables(tmp_path: Path) -> None:
    a, b = build(tmp_path / "a.db"), build(tmp_path / "b.db")
    first, second = dump(a), dump(b)
    assert all(first[t] for t in TABLES), "every table has rows"
    for table in TABLES:
        assert first[table] == second[table], table


def test_another_seed_or_date_gives_another_portfolio(tmp_path: Path) -> None:
    base = dump(build(tmp_path / "a.db"))
    other_seed = dump(build(tmp_path / "b.db", seed=43))
    other_day = dump(build(tmp_path / "c.db", as_of=AS_OF + dt.timedelta(days=1)))
    for other in (other_seed, other_day):
        assert other["accounts"] != base["accounts"]
        assert other["usage"] != base["usage"]


def test_summary_counts_every_table_it_wrote(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.db", create=True)
    summary = generate(store, accounts=30, seed=5, as_of=AS_OF)
    assert isinstance(summary, DemoSummary)
    assert set(summary.counts) == set(TABLES)
    # The store's own bookkeeping (its count of data changes) is not the demo's.
    bookkeeping = {"settings": 1}
    for table, count in summary.counts.items():
        assert store.count(table) == count + bookkeeping.get(table, 0), table
    assert summary.counts["accounts"] == 30
    assert summary.total_rows == sum(store.count(t) for t in TABLES) - 1
    assert "30 accounts" in str(summary)


def test_progress_goes_from_zero_to_one(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    build_store = Store.open(tmp_path / "d.db", create=True)
    generate(build_store, accounts=20, as_of=AS_OF, progress=lambda s, f: seen.append((s, f)))
    fractions = [f for _, f in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert {"Usage", "Activities"} <= {label for label, _ in seen}


def test_refuses_a_store_that_holds_accounts_or_zero_accounts(tmp_path: Path) -> None:
    store = build(tmp_path / "d.db", accounts=5)
    before = dump(store)
    with pytest.raises(StoreError, match="empty database"):
        generate(store, accounts=5, as_of=AS_OF)
    assert dump(store) == before
    with pytest.raises(ValueError):
        generate(Store.open(tmp_path / "e.db", create=True), accounts=0, as_of=AS_OF)


def test_foreign_keys_are_checked_again_after_the_bulk_load(tmp_path: Path) -> None:
    store = build(tmp_path / "d.db", accounts=5)
    assert one(store, "PRAGMA foreign_keys") == 1
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), store.transaction() as conn:
        conn.execute("INSERT INTO tickets (ticket_id, account_id) VALUES ('x', 'nobody')")


# -- invariants --------------------------------------------------------------------------------


def check_invariants(store: Store, as_of: dt.date) -> None:
    """Laws every demo portfolio obeys, whatever its size, seed or date."""
    day = as_of.isoformat()
    assert store.query("PRAGMA foreign_key_check") == []
    accounts = store.accounts()  # validates every row against the pydantic model
    assert accounts
    by_id = {a.account_id: a for a in accounts}
    assert len({a.name for a in accounts}) == len(accounts), "account names are unique"
    for a in accounts:
        assert a.start_date <= as_of
        assert (a.status == "churned") == (a.churned_on is not None)
        assert a.churned_on is None or a.churned_on <= as_of
    staff = {r["name"]: r["role"] for r in store.query("SELECT name, role FROM staff")}
    assert {a.csm for a in accounts} <= {n for n, r in staff.items() if r == "csm"}
    assert sorted(set(staff.values())) == ["csm", "manager", "onboarding"]

    # Renewals: one open per active account (the account's renewal date), none once churned.
    open_ = pairs(
        store, "SELECT account_id, count(*) FROM renewals WHERE outcome = 'open' GROUP BY 1"
    )
    for a in accounts:
        renewals = store.renewals(a.account_id)
        if a.status == "active":
            assert open_.get(a.account_id) == 1, a
            (current,) = [r for r in renewals if r.outcome == "open"]
            assert current.renewal_date == a.renewal_date
            assert current.arr_due == pytest.approx(a.mrr * 12)
            assert current.renewal_date <= as_of + dt.timedelta(days=366)
        else:
            assert a.account_id not in open_
            assert renewals[0].outcome == "churned"
            assert renewals[0].renewal_date == a.churned_on
            assert renewals[0].arr_renewed == 0 and renewals[0].churn_reason
        for r in renewals:
            assert r.renewal_date > a.start_date
            if r.outcome != "open":
                assert r.renewal_date <= as_of and r.arr_renewed is not None
    assert (
        one(
            store,
            "SELECT count(*) FROM renewals WHERE outcome NOT IN ('open', 'renewed', 'churned')",
        )
        == 0
    )  # noqa: E501

    # Usage: never before the start, after as_of, or on/after the churn date; at most a year.
    bad_usage = one(
        store,
        "SELECT count(*) FROM usage u JOIN accounts a USING (account_id) "
        "WHERE u.date < a.start_date OR u.date > ? OR u.date < ? "
        "OR (a.churned_on IS NOT NULL AND u.date >= a.churned_on) "
        "OR u.active_users > a.licensed_users OR u.active_users < 0 OR u.logins < u.active_users",
        day,
        past_year(as_of),
    )
    assert bad_usage == 0
    for a in accounts[:5]:
        days = one(store, "SELECT count(*) FROM usage WHERE account_id = ?", a.account_id)
        last = a.churned_on - dt.timedelta(days=1) if a.churned_on else as_of
        first = max(a.start_date, as_of - dt.timedelta(days=364))
        assert days == max(0, (last - first).days + 1), a

    # Critical path: ticks and barriers only for accounts under a year, never after as_of.
    path = load_path()
    milestone_ids = {m.id for m in path.milestones}
    enterprise_only = {m.id for m in path.milestones if m.enterprise_only}
    for tick in store.models(MilestoneTick, "SELECT * FROM milestones"):
        a = by_id[tick.account_id]
        assert (as_of - a.start_date).days < 365
        assert a.start_date <= tick.done_on <= as_of
        assert tick.milestone_id in milestone_ids
        assert tick.milestone_id not in enterprise_only or a.edition == "enterprise"
    for b in store.models(Barrier, "SELECT * FROM barriers"):
        a = by_id[b.account_id]
        assert (as_of - a.start_date).days < 365
        assert b.stage in path.stages
        assert (b.kind, b.text) in path.barriers[path.stages.index(b.stage)]
        assert a.start_date <= b.opened_on <= as_of
        assert b.resolved_on is None or b.opened_on <= b.resolved_on <= as_of

    # Tickets, surveys, activities: valid rows, dated inside the account's life.
    for t in store.models(Ticket, "SELECT * FROM tickets"):
        assert by_id[t.account_id].start_date <= t.opened_at <= as_of
        assert t.closed_at is None or t.opened_at <= t.closed_at <= as_of
    scores = store.query("SELECT kind, min(score), max(score) FROM surveys GROUP BY kind")
    for kind, low, high in scores:
        assert (low, high) >= ((0, 0) if kind == "nps" else (1, 1))
        assert high <= (10 if kind == "nps" else 5)
    for act in store.models(Activity, "SELECT * FROM activities"):
        a = by_id[act.account_id]
        assert a.start_date <= act.date <= (a.churned_on or as_of)
    roles = store.query("SELECT DISTINCT role FROM contacts")
    assert {r[0] for r in roles} <= {"buyer", "champion", "executive_sponsor", "admin", "user"}
    assert one(store, "SELECT count(DISTINCT account_id) FROM contacts WHERE role = 'buyer'") == (
        len(accounts)
    )


def test_the_session_demo_portfolio_obeys_every_invariant(demo_store: Store) -> None:
    check_invariants(demo_store, AS_OF)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    accounts=st.integers(1, 45),
    seed=st.integers(0, 2**32 - 1),
    as_of=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
)
def test_any_small_portfolio_obeys_every_invariant(
    accounts: int, seed: int, as_of: dt.date
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "d.db", accounts=accounts, seed=seed, as_of=as_of)
        try:
            assert store.count("accounts") == accounts
            check_invariants(store, as_of)
        finally:
            store.close()


def test_a_leap_day_start_renews_on_the_28th_of_february() -> None:
    assert anniversary(dt.date(2028, 2, 29), 2029) == dt.date(2029, 2, 28)
    assert anniversary(dt.date(2028, 2, 29), 2032) == dt.date(2032, 2, 29)
    assert anniversary(dt.date(2027, 3, 1), 2028) == dt.date(2028, 3, 1)


# -- realism -----------------------------------------------------------------------------------


def test_retention_figures_look_like_a_real_book(demo_store: Store) -> None:
    grr, nrr, decided = demo_store.query(
        "SELECT sum(min(arr_renewed, arr_due)) / sum(arr_due), sum(arr_renewed) / sum(arr_due), "
        "count(*) FROM renewals WHERE outcome != 'open' AND renewal_date BETWEEN ? AND ?",
        [past_year(AS_OF), AS_OF.isoformat()],
    )[0]
    assert decided > DEMO_ACCOUNTS / 2
    assert 0.82 <= grr <= 0.96
    assert 0.98 <= nrr <= 1.15
    outcomes = pairs(
        demo_store,
        "SELECT CASE WHEN outcome = 'churned' THEN 'churned' "
        "WHEN arr_renewed > arr_due THEN 'expanded' WHEN arr_renewed < arr_due THEN "
        "'contracted' ELSE 'flat' END, count(*) FROM renewals WHERE outcome != 'open' "
        "GROUP BY 1",
    )
    assert set(outcomes) == {"churned", "expanded", "contracted", "flat"}
    churned = one(demo_store, "SELECT avg(status = 'churned') FROM accounts")
    assert 0.03 <= churned <= 0.15


def test_segments_editions_and_books(demo_store: Store) -> None:
    mrr = pairs(demo_store, "SELECT segment, avg(mrr) FROM accounts GROUP BY segment")
    assert mrr["enterprise"] > 3 * mrr["mid-market"] > 9 * mrr["smb"]
    assert one(demo_store, "SELECT count(DISTINCT edition) FROM accounts") == 2
    roles = pairs(demo_store, "SELECT role, count(*) FROM staff GROUP BY role")
    assert roles["onboarding"] == 2 and roles["manager"] == 1
    books = [r[0] for r in demo_store.query("SELECT count(*) FROM accounts GROUP BY csm")]
    assert all(40 <= b <= 60 for b in books), books
    assert one(demo_store, "SELECT count(*) FROM contacts WHERE advocate") > 0
    assert one(demo_store, "SELECT count(*) FROM accounts WHERE name = ?", "Square [Brackets] & Co")


def test_nps_csat_and_ticket_bursts(demo_store: Store) -> None:
    nps = one(
        demo_store,
        "SELECT 100.0 * (sum(score >= 9) - sum(score <= 6)) / count(*) FROM surveys "
        "WHERE kind = 'nps'",
    )
    assert 15 <= nps <= 45
    csat = one(demo_store, "SELECT avg(score > 3.5) FROM surveys WHERE kind = 'csat'")
    assert 0.7 <= csat <= 0.95
    assert one(demo_store, "SELECT count(*) FROM surveys WHERE comment != ''") > 0
    bursts = one(
        demo_store,
        "SELECT count(*) FROM (SELECT account_id FROM tickets WHERE opened_at > date(?, "
        "'-30 days') GROUP BY 1 HAVING count(*) > 3)",
        AS_OF.isoformat(),
    )
    assert 2 <= bursts <= 0.1 * DEMO_ACCOUNTS
    assert 0 < one(demo_store, "SELECT count(*) FROM tickets WHERE closed_at IS NULL")


def test_usage_tells_stories_not_noise(demo_store: Store) -> None:
    # Compare each established account's last 30 days with its first 30 days of the year.
    rows = demo_store.query(
        "SELECT account_id, avg(CASE WHEN date > date(?, '-30 days') THEN active_users END), "
        "avg(CASE WHEN date < date(?, '+30 days') THEN active_users END) FROM usage "
        "JOIN accounts USING (account_id) WHERE status = 'active' AND start_date < ? "
        "GROUP BY account_id",
        [AS_OF.isoformat(), past_year(AS_OF), past_year(AS_OF)],
    )
    ratios = [late / early for _, late, early in rows if early]
    falling = sum(r < 0.7 for r in ratios) / len(ratios)
    rising = sum(r > 1.1 for r in ratios) / len(ratios)
    assert 0.12 <= falling <= 0.35
    assert 0.1 <= rising
    weekend, weekday = demo_store.query(
        "SELECT avg(CASE WHEN strftime('%w', date) IN ('0', '6') THEN active_users END), "
        "avg(CASE WHEN strftime('%w', date) NOT IN ('0', '6') THEN active_users END) FROM usage"
    )[0]
    assert weekend < 0.5 * weekday


def test_renewal_timeline_is_mostly_but_not_always_followed(demo_store: Store) -> None:
    day = AS_OF.isoformat()
    overdue = one(
        demo_store, "SELECT count(*) FROM renewals WHERE outcome = 'open' AND renewal_date < ?", day
    )
    assert overdue >= 1
    for kind, lead in (("renewal_conversation", 90), ("renewal_proposal", 60)):
        due, logged = demo_store.query(
            "SELECT count(*), sum(EXISTS (SELECT 1 FROM activities x WHERE x.account_id = "
            "r.account_id AND x.kind = ? AND x.date >= date(r.renewal_date, ?))) "
            "FROM renewals r WHERE outcome = 'open' AND renewal_date <= date(?, ?)",
            [kind, f"-{lead + 10} days", day, f"+{lead - 5} days"],
        )[0]
        assert due > 5
        assert 0.5 * due <= logged < due, kind


def test_new_accounts_walk_the_critical_path_some_behind(demo_store: Store) -> None:
    path = load_path()
    new = [a for a in demo_store.accounts() if (AS_OF - a.start_date).days < 365]
    assert 0.1 <= len(new) / DEMO_ACCOUNTS <= 0.3
    ticked = {
        (r[0], r[1]) for r in demo_store.query("SELECT account_id, milestone_id FROM milestones")
    }
    behind = 0
    for a in new:
        overdue = [
            m
            for m in path.milestones
            if (not m.enterprise_only or a.edition == "enterprise")
            and a.start_date + dt.timedelta(days=m.due_day) < AS_OF
            and (a.account_id, m.id) not in ticked
        ]
        behind += bool(overdue)
        # Behind means weeks, not a whole year: no milestone is half a year overdue.
        for m in overdue:
            assert (AS_OF - a.start_date).days - m.due_day < 26 * 7, (a.name, m.id)
    assert 0.1 * len(new) <= behind <= 0.45 * len(new)
    assert one(demo_store, "SELECT count(*) FROM barriers WHERE resolved_on IS NULL") > 0
    assert one(demo_store, "SELECT count(*) FROM barriers WHERE resolved_on IS NOT NULL") > 0
