"""Tests of the renewal queries on a fresh store: queue, steps, outcomes, decided renewals."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_tui.db.accounts import ACCOUNT_COLUMNS
from cs_tui.db.store import Store
from cs_tui.domain.renewal_outcomes import RenewalError, validate_outcome
from cs_tui.domain.renewals import HealthInfo

AS_OF = dt.date(2025, 6, 2)


@pytest.fixture
def rstore(store: Store) -> Store:
    """A fresh store with four accounts in two books and their renewals.

    A1 (ann): due in 10 days, 12,000. A2 (ann): overdue by 5 days, 6,000.
    B1 (bob): due in 100 days, 24,000. B2 (bob): due in 200 days, 3,000.
    """
    accounts = [
        ("A1", "Alpha <b>", "ann", 10, 1000.0),
        ("A2", "Acme", "ann", -5, 500.0),
        ("B1", "Beta", "bob", 100, 2000.0),
        ("B2", "Bravo", "bob", 200, 250.0),
    ]
    store.insert_many(
        "accounts",
        ACCOUNT_COLUMNS,
        [
            (aid, name, "smb", "professional", csm, "2023-01-01", day(d), mrr, 10, "active", None)
            for aid, name, csm, d, mrr in accounts
        ],
    )
    store.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome"],
        [(aid, day(d), mrr * 12, "open") for aid, _, _, d, mrr in accounts],
    )
    return store


def day(offset: int) -> str:
    """AS_OF + offset days, as ISO text."""
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


def renewal_id(store: Store, account_id: str) -> int:
    """The id of an account's open renewal."""
    rows = store.query(
        "SELECT id FROM renewals WHERE account_id = ? AND outcome = 'open'", [account_id]
    )
    assert len(rows) == 1
    return int(rows[0][0])


# -- the queue --------------------------------------------------------------------------------


def test_queue_within_horizon_includes_overdue_in_urgency_order(rstore: Store) -> None:
    queue = rstore.renewal_queue(AS_OF, 120)
    assert [s.account_id for s in queue] == ["A2", "A1", "B1"]
    assert [s.window for s in queue] == ["overdue", "30-1", "over-90"]
    assert queue[1].account_name == "Alpha <b>" and queue[1].csm == "ann"
    assert queue[1].arr_due == 12_000.0 and queue[1].days_left == 10
    assert [s.account_id for s in rstore.renewal_queue(AS_OF, 0)] == ["A2"]
    assert len(rstore.renewal_queue(AS_OF, 200)) == 4
    assert len(rstore.renewal_queue(AS_OF, 199)) == 3


def test_queue_of_one_book(rstore: Store) -> None:
    assert [s.account_id for s in rstore.renewal_queue(AS_OF, 365, csm="bob")] == ["B1", "B2"]
    assert rstore.renewal_queue(AS_OF, 365, csm="nobody") == []


def test_queue_uses_given_health_and_unknown_otherwise(rstore: Store) -> None:
    health = {"A1": HealthInfo(score=55.0, band="red", change_30d=-3.0)}
    queue = {s.account_id: s for s in rstore.renewal_queue(AS_OF, 120, health=health)}
    assert queue["A1"].band == "red" and queue["A1"].risk == "high"
    assert queue["B1"].band is None and queue["B1"].risk == "unknown"


def test_queue_reads_the_latest_stored_health_by_default(rstore: Store) -> None:
    rstore.insert_many(
        "health_snapshots",
        ["account_id", "week", "score", "engagement", "product", "relationship", "business"]
        + ["band", "change_30d"],
        [
            ("A1", day(-14), 70.0, 70, 70, 70, 70, "yellow", 2.0),
            ("A1", day(-7), 64.0, 64, 64, 64, 64, "yellow", -8.0),
            ("B1", day(-7), 90.0, 90, 90, 90, 90, "green", None),
            ("B1", day(7), 20.0, 20, 20, 20, 20, "red", -70.0),  # after as-of: ignored
        ],
    )
    queue = {s.account_id: s for s in rstore.renewal_queue(AS_OF, 120)}
    assert (queue["A1"].band, queue["A1"].score, queue["A1"].change_30d) == ("yellow", 64.0, -8.0)
    assert queue["A1"].risk == "high"  # yellow and falling
    assert (queue["B1"].band, queue["B1"].risk) == ("green", "low")
    assert queue["A2"].band is None and queue["A2"].risk == "unknown"
    assert [s.band for s in rstore.renewal_queue(AS_OF, 120, csm="bob")] == ["green"]


def test_decided_renewals_leave_the_queue(rstore: Store) -> None:
    rstore.record_renewal_outcome(
        renewal_id(rstore, "A1"), validate_outcome("renewed", arr_renewed="12000"), AS_OF, "ann"
    )
    assert "A1" not in {s.account_id for s in rstore.renewal_queue(AS_OF, 120)}


# -- steps ------------------------------------------------------------------------------------


def test_logged_steps_make_a_renewal_on_time(rstore: Store) -> None:
    assert rstore.renewal_queue(AS_OF, 30)[1].late  # A1, 10 days out, nothing logged
    for step in ("conversation", "proposal"):
        rstore.log_renewal_step("A1", step, AS_OF - dt.timedelta(days=50), "ann")
    a1 = rstore.renewal_queue(AS_OF, 30)[1]
    assert a1.missing == ("contract",)
    activity = rstore.log_renewal_step("A1", "contract", AS_OF, "ann", "  sent for signature ")
    assert activity.id is not None and activity.kind == "renewal_contract"
    a1 = rstore.renewal_queue(AS_OF, 30)[1]
    assert not a1.late and a1.expected_done
    logged = rstore.activities("A1")
    assert [a.kind for a in logged][0] == "renewal_contract"
    assert logged[0].text == "sent for signature" and logged[0].author == "ann"
    assert {a.text for a in logged[1:]} == {"Initial conversation", "Proposal sent"}


def test_steps_logged_too_early_do_not_count(rstore: Store) -> None:
    rstore.log_renewal_step("A1", "contract", AS_OF - dt.timedelta(days=131), "ann")
    assert rstore.renewal_queue(AS_OF, 30)[1].late


def test_ticked_renewal_playbook_tasks_count_as_steps(rstore: Store) -> None:
    with rstore.transaction() as conn:
        run = conn.execute(
            "INSERT INTO playbook_runs (account_id, playbook, started_on, reason, status) "
            "VALUES ('A1', 'renewal-prep', ?, 'due', 'open')",
            [day(-80)],
        ).lastrowid
        other = conn.execute(
            "INSERT INTO playbook_runs (account_id, playbook, started_on, reason, status) "
            "VALUES ('A1', 'qbr-enterprise', ?, 'due', 'open')",
            [day(-80)],
        ).lastrowid
        conn.executemany(
            "INSERT INTO playbook_tasks (run_id, step, title, owner_role, due_on, done_on, "
            "done_by) VALUES (?, ?, ?, 'csm', ?, ?, 'ann')",
            [
                (run, 1, "Initial renewal conversation", day(-80), day(-79)),
                (run, 2, "Renewal proposal prepared", day(-50), day(-49)),
                (run, 3, "Contract presented", day(-20), None),
                (other, 1, "Contract presented", day(-20), day(-1)),  # not a renewal run
            ],
        )
    a1 = rstore.renewal_queue(AS_OF, 30)[1]
    assert a1.missing == ("contract",)
    evidence = rstore.renewal_evidence(AS_OF - dt.timedelta(days=200), AS_OF)["A1"]
    assert {(e.step, e.source) for e in evidence} == {
        ("conversation", "playbook"),
        ("proposal", "playbook"),
    }
    rstore.conn.execute("UPDATE playbook_tasks SET done_on = ? WHERE step = 3", [day(-1)])
    rstore.conn.commit()
    assert not rstore.renewal_queue(AS_OF, 30)[1].late


def test_log_step_refuses_execution_and_unknown_accounts(rstore: Store) -> None:
    with pytest.raises(RenewalError, match="outcome"):
        rstore.log_renewal_step("A1", "execution", AS_OF, "ann")
    with pytest.raises(RenewalError, match="no account"):
        rstore.log_renewal_step("ZZ", "proposal", AS_OF, "ann")
    assert rstore.count("activities") == 0


# -- outcomes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("arr", "kind"), [("15000", "expansion"), ("9,000", "contraction")])
def test_renewed_creates_next_year_and_moves_the_account(
    rstore: Store, arr: str, kind: str
) -> None:
    rid = renewal_id(rstore, "A1")
    done = rstore.record_renewal_outcome(
        rid, validate_outcome("renewed", arr_renewed=arr), AS_OF, "ann"
    )
    new_arr = float(arr.replace(",", ""))
    stored = rstore.renewal(rid)
    assert stored is not None and stored.outcome == "renewed" and stored.arr_renewed == new_arr
    nxt = rstore.renewal(renewal_id(rstore, "A1"))
    assert nxt is not None and nxt == done.next_renewal
    assert nxt.renewal_date == dt.date(2026, 6, 12) and nxt.arr_due == new_arr
    account = rstore.account("A1")
    assert account is not None
    assert account.renewal_date == dt.date(2026, 6, 12) and account.mrr == new_arr / 12
    assert account.status == "active"
    activity = rstore.activities("A1")[0]
    assert activity.kind == "renewal_outcome" and activity.date == AS_OF
    assert kind in activity.text and activity == done.activity
    decided = rstore.decided_renewals_past_year(dt.date(2025, 6, 12))
    assert [(d.account_id, d.kind, d.arr_change) for d in decided] == [
        ("A1", kind, new_arr - 12_000.0)
    ]


def test_churned_marks_the_account_and_keeps_the_reason(rstore: Store) -> None:
    rid = renewal_id(rstore, "A2")
    outcome = validate_outcome("churned", reason="competitor", note="went to Acme")
    rstore.record_renewal_outcome(rid, outcome, AS_OF, "ann")
    stored = rstore.renewal(rid)
    assert stored is not None
    assert (stored.outcome, stored.arr_renewed, stored.churn_reason) == (
        "churned",
        0.0,
        "competitor: went to Acme",
    )
    account = rstore.account("A2")
    assert account is not None and account.status == "churned"
    assert account.churned_on == AS_OF - dt.timedelta(days=5)
    assert rstore.query("SELECT count(*) FROM renewals WHERE account_id = 'A2'")[0][0] == 1
    activity = rstore.activities("A2")[0]
    assert activity.kind == "renewal_outcome" and "competitor" in activity.text
    [decided] = rstore.decided_renewals_past_year(AS_OF)
    assert (decided.kind, decided.arr_renewed, decided.arr_change) == ("churned", 0.0, -6000.0)


def test_an_outcome_is_recorded_once(rstore: Store) -> None:
    rid = renewal_id(rstore, "A1")
    rstore.record_renewal_outcome(rid, validate_outcome("churned", reason="price"), AS_OF, "ann")
    before = rstore.count("activities")
    with pytest.raises(RenewalError, match="already churned"):
        rstore.record_renewal_outcome(
            rid, validate_outcome("renewed", arr_renewed="1"), AS_OF, "ann"
        )
    with pytest.raises(RenewalError, match="no renewal"):
        rstore.record_renewal_outcome(
            9999, validate_outcome("renewed", arr_renewed="1"), AS_OF, "ann"
        )
    assert rstore.count("activities") == before


def test_a_failed_outcome_changes_nothing(rstore: Store) -> None:
    """When next year's renewal is already decided, the whole write is rolled back."""
    rid = renewal_id(rstore, "A1")
    rstore.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"],
        [("A1", "2026-06-12", 1.0, "renewed", 1.0)],
    )
    with pytest.raises(RenewalError, match="already renewed"):
        rstore.record_renewal_outcome(
            rid, validate_outcome("renewed", arr_renewed="20000"), AS_OF, "ann"
        )
    stored = rstore.renewal(rid)
    assert stored is not None and stored.outcome == "open"
    account = rstore.account("A1")
    assert account is not None and account.mrr == 1000.0
    assert rstore.count("activities") == 0


def test_renewed_refreshes_an_existing_open_next_renewal(rstore: Store) -> None:
    rstore.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome"],
        [("A1", "2026-06-12", 1.0, "open")],
    )
    rid = rstore.query("SELECT id FROM renewals WHERE account_id = 'A1' AND arr_due = 12000")[0][0]
    done = rstore.record_renewal_outcome(
        rid, validate_outcome("renewed", arr_renewed="13000"), AS_OF, "ann"
    )
    assert done.next_renewal is not None and done.next_renewal.arr_due == 13000.0
    assert rstore.query("SELECT count(*) FROM renewals WHERE account_id = 'A1'")[0][0] == 2


# -- decided renewals (for metrics) -----------------------------------------------------------


def test_decided_renewals_window_is_by_renewal_date_inclusive(rstore: Store) -> None:
    with rstore.transaction() as conn:
        conn.executemany(
            "INSERT INTO renewals (account_id, renewal_date, arr_due, outcome, arr_renewed, "
            "churn_reason) VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("B1", "2024-06-03", 100.0, "renewed", 120.0, None),  # first day of the year
                ("B1", "2024-06-02", 100.0, "renewed", 100.0, None),  # one day too early
                ("B2", "2025-06-02", 50.0, "churned", None, "price"),  # last day
                ("A1", "2025-01-10", 80.0, "renewed", 60.0, None),
            ],
        )
    decided = rstore.decided_renewals_past_year(AS_OF)
    assert [(d.account_id, d.renewal_date.isoformat()) for d in decided] == [
        ("B2", "2025-06-02"),
        ("A1", "2025-01-10"),
        ("B1", "2024-06-03"),
    ]
    assert decided[0].arr_renewed == 0.0 and decided[0].churn_reason == "price"
    assert sum(d.arr_renewed for d in decided) / sum(d.arr_due for d in decided) == 180 / 230
    assert [d.account_id for d in rstore.decided_renewals_past_year(AS_OF, csm="ann")] == ["A1"]
    assert len(rstore.decided_renewals(dt.date(2025, 1, 1))) == 2
    assert len(rstore.decided_renewals(dt.date(2024, 1, 1), dt.date(2025, 1, 9))) == 2
