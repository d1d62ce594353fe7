"""Playbooks in the Store: facts by SQL, evaluation, ticking, closing, cancelling, Today."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cs_tui.config import load_template
from cs_tui.db.playbooks import evaluate_playbooks
from cs_tui.db.store import Store
from cs_tui.domain.playbooks import PlaybookStateError, PlaybookTemplate
from tests.conftest import AS_OF

D = dt.timedelta(days=1)


def iso(days_before: int) -> str:
    """The ISO date `days_before` days before AS_OF."""
    return (AS_OF - days_before * D).isoformat()


@pytest.fixture
def pstore(store: Store) -> Store:
    """A store with four accounts: one busy with tickets, one new, one churned, one future."""
    accounts = [
        (
            "A1",
            "Acme",
            "enterprise",
            "enterprise",
            "ana",
            iso(400),
            iso(-200),
            100,
            10,
            "active",
            None,
        ),
        ("A2", "Beta", "smb", "professional", "bob", iso(10), iso(-355), 50, 5, "active", None),
        ("A3", "Gone", "smb", "professional", "bob", iso(800), None, 50, 5, "churned", iso(5)),
        ("A4", "Soon", "smb", "professional", "bob", iso(-3), None, 50, 5, "active", None),
    ]
    cols = "account_id name segment edition csm start_date renewal_date mrr licensed_users"
    store.insert_many("accounts", [*cols.split(), "status", "churned_on"], accounts)
    return store


def add_tickets(store: Store, account_id: str, days_before: list[int]) -> None:
    """Tickets opened the given numbers of days before AS_OF."""
    start = store.count("tickets")
    store.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "priority"],
        [(f"T{start + i}", account_id, iso(d), "normal") for i, d in enumerate(days_before)],
    )


def template() -> PlaybookTemplate:
    """The built-in playbooks."""
    return load_template("playbooks.toml", PlaybookTemplate)


def runs_of(store: Store, playbook: str) -> list[Any]:
    """Runs of one playbook, any account."""
    return [r for r in store.playbook_runs() if r.playbook == playbook]


# -- facts ---------------------------------------------------------------------------------


def test_facts_cover_active_accounts_only(pstore: Store) -> None:
    facts = pstore.playbook_facts(AS_OF)
    assert [f.account_id for f in facts] == ["A1", "A2"]
    a1, a2 = facts
    assert (a1.segment, a1.edition, a1.csm, a1.age_days) == ("enterprise", "enterprise", "ana", 400)
    assert a2.age_days == 10
    assert a1.days_to_renewal == 200
    assert a1.band is None and a1.score is None and a1.nps is None  # no health helper yet


def test_ticket_window_is_the_last_n_days(pstore: Store) -> None:
    add_tickets(pstore, "A1", [0, 29, 30, -1])  # today, 29 days ago: in; 30 ago, tomorrow: out
    pstore.insert_many(
        "tickets",
        ["ticket_id", "account_id", "opened_at", "priority"],
        [("TS", "A1", f"{AS_OF.isoformat()}T23:59:00", "high")],  # a timestamp today counts
    )
    facts = {f.account_id: f for f in pstore.playbook_facts(AS_OF, ticket_windows=[30, 7])}
    assert facts["A1"].tickets == {30: 3, 7: 2}
    assert facts["A2"].tickets == {30: 0, 7: 0}


def test_latest_nps_and_open_renewal(pstore: Store) -> None:
    pstore.insert_many(
        "surveys",
        ["response_id", "account_id", "kind", "score", "submitted_at", "comment"],
        [
            ("S1", "A1", "nps", 10, iso(100), ""),
            ("S2", "A1", "nps", 3, iso(5), ""),
            ("S3", "A1", "csat", 5, iso(1), ""),
            ("S4", "A1", "nps", 9, iso(-2), ""),  # after as-of: not seen
        ],
    )
    pstore.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome"],
        [("A1", iso(-45), 1200, "open"), ("A1", iso(320), 1000, "renewed")],
    )
    a1 = pstore.playbook_facts(AS_OF)[0]
    assert a1.nps == "detractor"
    assert a1.days_to_renewal == 45
    assert a1.renewal_date == AS_OF + 45 * D


def add_health(store: Store, rows: list[tuple[Any, ...]]) -> None:
    """Health snapshots: (account_id, days before AS_OF, score, band, change_30d, engagement)."""
    store.insert_many(
        "health_snapshots",
        ["account_id", "week", "score", "band", "change_30d", "engagement"],
        [(a, iso(d), score, band, c30, eng) for a, d, score, band, c30, eng in rows],
    )


def test_health_facts_come_from_the_latest_snapshot(pstore: Store) -> None:
    add_health(
        pstore,
        [
            ("A1", 0, 55.0, "red", -20.0, 40.0),  # the latest snapshot on or before as-of
            ("A1", -7, 99.0, "green", 0.0, 99.0),  # after as-of: not seen
            ("A1", 63, 90.0, "green", None, None),  # 60 days back: the score then
            ("A1", 200, 10.0, "red", None, None),
        ],
    )
    a1, a2 = pstore.playbook_facts(AS_OF, change_windows=[30, 60])
    assert (a1.band, a1.score, a1.categories) == ("red", 55.0, {"engagement": 40.0})
    assert a1.change == {30: -20.0, 60: -35.0}
    assert a2.band is None and a2.score is None and a2.change == {}  # A2 has no snapshot


# -- evaluation ----------------------------------------------------------------------------


def test_support_ticket_play_fires_at_4_not_3(pstore: Store) -> None:
    add_tickets(pstore, "A1", [1, 2, 3])
    evaluate_playbooks(pstore, AS_OF)
    assert runs_of(pstore, "support-tickets") == []
    add_tickets(pstore, "A1", [4])
    evaluate_playbooks(pstore, AS_OF)
    [run] = runs_of(pstore, "support-tickets")
    assert run.account_id == "A1" and run.reason == "tickets in 30 days = 4 > 3"
    tasks = pstore.playbook_tasks([run.id])[run.id]
    assert [t.due_on for t in tasks] == [AS_OF + d * D for d in (1, 2, 5)]
    assert [t.title for t in tasks][2] == "Personal outreach by the CSM"


def test_evaluation_is_idempotent_and_respects_cool_down(pstore: Store) -> None:
    add_tickets(pstore, "A1", [1, 2, 3, 4, 5])
    first = evaluate_playbooks(pstore, AS_OF)
    assert first.accounts == 2
    assert {(r.account_id, r.playbook) for r in first.started} >= {
        ("A1", "support-tickets"),
        ("A2", "onboarding"),
    }
    assert evaluate_playbooks(pstore, AS_OF).started == []  # open: never twice
    [run] = runs_of(pstore, "support-tickets")
    for task in pstore.playbook_tasks([run.id])[run.id]:
        pstore.tick_task(task.id, AS_OF, "ana")  # type: ignore[arg-type]
    assert pstore.playbook_run(run.id).status == "done"  # type: ignore[arg-type,union-attr]
    soon = evaluate_playbooks(pstore, AS_OF + 29 * D).started
    assert [r for r in soon if r.playbook == "support-tickets"] == []  # cool-down: 30 days
    add_tickets(pstore, "A1", [-29, -28, -27, -26])
    later = evaluate_playbooks(pstore, AS_OF + 30 * D).started
    assert [r.account_id for r in later if r.playbook == "support-tickets"] == ["A1"]
    assert len(runs_of(pstore, "support-tickets")) == 2


def test_bands_fire_once_health_is_known(pstore: Store) -> None:
    assert not [r for r in evaluate_playbooks(pstore, AS_OF).started if "band" in r.reason]
    add_health(pstore, [("A1", 0, 50.0, "red", -3.0, 70.0)])
    started = {r.playbook: r for r in evaluate_playbooks(pstore, AS_OF).started}
    assert started["escalation-red"].reason == "band = red"
    assert started["churn-prevention"].reason == "band = red"
    assert "escalation-yellow" not in started
    assert "escalation-churn-risk" not in started  # no detractor, no steep drop
    assert "low-engagement" not in started  # engagement 70 is not low


# -- by hand, ticks, closing, cancelling ---------------------------------------------------


def test_start_by_hand_needs_a_reason_and_no_open_run(pstore: Store) -> None:
    pb = template().get("churn-prevention")
    assert pb is not None
    with pytest.raises(PlaybookStateError, match="reason"):
        pstore.start_playbook("A1", pb, AS_OF, "  ", "ana")
    run_id = pstore.start_playbook("A1", pb, AS_OF, "sponsor left", "ana")
    run = pstore.playbook_run(run_id)
    assert run is not None and run.reason == "started by hand by ana: sponsor left"
    assert len(pstore.playbook_tasks([run_id])[run_id]) == len(pb.steps)
    with pytest.raises(PlaybookStateError, match="already running"):
        pstore.start_playbook("A1", pb, AS_OF, "again", "ana")
    assert pstore.activities("A1")[0].text == "Started Churn prevention: sponsor left"
    with pytest.raises(PlaybookStateError, match="no account"):
        pstore.start_playbook("NOPE", pb, AS_OF, "x", "ana")


def test_renewal_prep_by_hand_is_anchored_on_the_renewal(pstore: Store) -> None:
    pb = template().get("renewal-prep")
    assert pb is not None
    run_id = pstore.start_playbook("A1", pb, AS_OF, "early start", "ana")
    renewal = AS_OF + 200 * D
    due = [t.due_on for t in pstore.playbook_tasks([run_id])[run_id]]
    assert due == [renewal - 90 * D, renewal - 60 * D, renewal - 30 * D, renewal]


def test_tick_closes_the_run_and_untick_reopens_it(pstore: Store) -> None:
    pb = template().get("support-tickets")
    assert pb is not None
    run_id = pstore.start_playbook("A1", pb, AS_OF, "asked", "ana")
    tasks = pstore.playbook_tasks([run_id])[run_id]
    assert pstore.tick_task(tasks[0].id, AS_OF, "ana") == "open"  # type: ignore[arg-type]
    assert pstore.tick_task(tasks[1].id, AS_OF, "ana") == "open"  # type: ignore[arg-type]
    assert pstore.tick_task(tasks[2].id, AS_OF + D, "ana") == "done"  # type: ignore[arg-type]
    run = pstore.playbook_run(run_id)
    assert run is not None and (run.status, run.closed_on) == ("done", AS_OF + D)
    done = pstore.playbook_tasks([run_id])[run_id][2]
    assert (done.done_on, done.done_by) == (AS_OF + D, "ana")
    assert pstore.untick_task(tasks[2].id) == "open"  # type: ignore[arg-type]
    run = pstore.playbook_run(run_id)
    assert run is not None and (run.status, run.closed_on) == ("open", None)
    assert pstore.playbook_tasks([run_id])[run_id][2].done_on is None


def test_cancel_with_a_reason(pstore: Store) -> None:
    pb = template().get("expansion")
    assert pb is not None
    run_id = pstore.start_playbook("A1", pb, AS_OF, "big news", "ana")
    with pytest.raises(PlaybookStateError, match="reason"):
        pstore.cancel_run(run_id, AS_OF, " ", "ana")
    pstore.cancel_run(run_id, AS_OF, "budget frozen", "ana")
    run = pstore.playbook_run(run_id)
    assert run is not None
    assert (run.status, run.closed_on, run.cancel_reason) == ("cancelled", AS_OF, "budget frozen")
    with pytest.raises(PlaybookStateError, match="cancelled"):
        pstore.cancel_run(run_id, AS_OF, "again", "ana")
    task = pstore.playbook_tasks([run_id])[run_id][0]
    with pytest.raises(PlaybookStateError, match="cancelled"):
        pstore.tick_task(task.id, AS_OF, "ana")  # type: ignore[arg-type]
    # cancelled runs stay in the account's history, and a new run may start by hand
    pstore.start_playbook("A1", pb, AS_OF, "budget back", "ana")
    statuses = [run.status for run, _ in pstore.account_playbooks("A1")]
    assert statuses == ["open", "cancelled"]


# -- Today and the runs view ---------------------------------------------------------------


def test_today_lists_overdue_today_and_this_week(pstore: Store) -> None:
    pb = template().get("support-tickets")  # days 1, 2, 5
    assert pb is not None
    run_id = pstore.start_playbook("A1", pb, AS_OF - 2 * D, "asked", "ana")
    other = pstore.start_playbook("A2", pb, AS_OF, "asked", "bob")
    today = pstore.today_tasks(AS_OF)
    assert [(t.account_id, t.step, t.bucket(AS_OF)) for t in today] == [
        ("A1", 1, "overdue"),
        ("A1", 2, "today"),
        ("A2", 1, "week"),
        ("A2", 2, "week"),
        ("A1", 3, "week"),
        ("A2", 3, "week"),
    ]
    assert today[0].reason == "started by hand by ana: asked"
    assert today[0].account_name == "Acme" and today[0].playbook == "support-tickets"
    assert [t.account_id for t in pstore.today_tasks(AS_OF, csm="bob")] == ["A2"] * 3
    assert pstore.today_tasks(AS_OF, owner_role="manager") == []
    assert len(pstore.today_tasks(AS_OF, days_ahead=3)) == 4
    # ticked today: still listed, shown done; cancelled runs drop out
    pstore.tick_task(today[0].task_id, AS_OF, "ana")
    assert pstore.today_tasks(AS_OF)[0].done_on == AS_OF
    assert pstore.today_tasks(AS_OF + D)[0].task_id != today[0].task_id
    pstore.cancel_run(other, AS_OF, "duplicate", "bob")
    assert {t.account_id for t in pstore.today_tasks(AS_OF)} == {"A1"}
    assert run_id


def test_open_runs_progress_and_filters(pstore: Store) -> None:
    t = template()
    tickets, churn = t.get("support-tickets"), t.get("churn-prevention")
    assert tickets is not None and churn is not None
    r1 = pstore.start_playbook("A1", tickets, AS_OF, "asked", "ana")
    pstore.start_playbook("A2", churn, AS_OF, "worried", "bob")
    pstore.tick_task(pstore.playbook_tasks([r1])[r1][0].id, AS_OF, "ana")  # type: ignore[arg-type]
    runs = pstore.open_runs()
    assert [(r.account_id, r.done, r.total, r.next_due) for r in runs] == [
        ("A2", 0, 5, AS_OF + D),
        ("A1", 1, 3, AS_OF + 2 * D),
    ]
    assert [r.account_id for r in pstore.open_runs(playbook="support-tickets")] == ["A1"]
    assert [r.account_id for r in pstore.open_runs(csm="bob")] == ["A2"]
