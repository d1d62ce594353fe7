"""db tests of the critical path: ticks, barriers, portfolio reads."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_tui.config import load_template
from cs_tui.db.accounts import ACCOUNT_COLUMNS
from cs_tui.db.store import Store, StoreError
from cs_tui.domain.journey import TEMPLATE_NAME, JourneyTemplate

AS_OF = dt.date(2025, 6, 30)
TEMPLATE = load_template(TEMPLATE_NAME, JourneyTemplate)


def _account(account_id: str, start: dt.date, **kw) -> list:
    row = {
        "account_id": account_id,
        "name": kw.get("name", account_id.upper()),
        "segment": "smb",
        "edition": kw.get("edition", "professional"),
        "csm": kw.get("csm", "ann"),
        "start_date": start.isoformat(),
        "renewal_date": None,
        "mrr": 100.0,
        "licensed_users": 5,
        "status": "churned" if kw.get("churned_on") else "active",
        "churned_on": kw.get("churned_on"),
    }
    return [row[c] for c in ACCOUNT_COLUMNS]


@pytest.fixture
def jstore(tmp_path):
    store = Store.open(tmp_path / "journey.db", create=True)
    store.insert_many(
        "accounts",
        ACCOUNT_COLUMNS,
        [
            _account("new", AS_OF - dt.timedelta(days=10)),  # week 2
            _account("young", AS_OF - dt.timedelta(days=100), csm="bob", edition="enterprise"),
            _account("old", AS_OF - dt.timedelta(days=400)),  # week 58
            _account("edge", AS_OF - dt.timedelta(days=363)),  # week 52, last day
            _account("gone", AS_OF - dt.timedelta(days=50), churned_on="2025-06-01"),
            _account("future", AS_OF + dt.timedelta(days=5)),
        ],
    )
    yield store
    store.close()


def test_tick_and_untick_are_stored_with_who_and_when(jstore):
    assert (
        jstore.tick_milestone("new", "blog_migrated", AS_OF, "ann", title="Blog migrated") is None
    )
    [tick] = jstore.milestone_ticks("new")
    assert (tick.milestone_id, tick.done_on, tick.done_by) == ("blog_migrated", AS_OF, "ann")
    # ticking again replaces and returns the old tick (for undo)
    old = jstore.tick_milestone("new", "blog_migrated", AS_OF + dt.timedelta(days=1), "bob")
    assert old == tick
    removed = jstore.untick_milestone("new", "blog_migrated", AS_OF, "bob")
    assert removed.done_by == "bob"
    assert jstore.milestone_ticks("new") == []
    assert jstore.untick_milestone("new", "blog_migrated", AS_OF, "bob") is None
    log = [a.text for a in jstore.activities("new")]
    assert "Ticked: Blog migrated" in log and "Unticked: blog_migrated" in log
    assert {a.kind for a in jstore.activities("new")} == {"milestone"}


def test_a_tick_survives_reopening(jstore, tmp_path):
    jstore.tick_milestone("new", "crm_integrated", AS_OF, "ann")
    jstore.close()
    again = Store.open(tmp_path / "journey.db")
    assert [t.milestone_id for t in again.milestone_ticks("new")] == ["crm_integrated"]
    again.close()


def test_tick_on_an_unknown_account_is_a_store_error(jstore):
    with pytest.raises(StoreError, match="no account 'nope'"):
        jstore.tick_milestone("nope", "blog_migrated", AS_OF, "ann")
    with pytest.raises(StoreError, match="no account 'nope'"):
        jstore.add_barrier("nope", "setup", "ours", "x", AS_OF, "ann")


def test_barriers_add_resolve_reopen_delete(jstore):
    b = jstore.add_barrier("new", "setup", "customer", "Subdomain set-up takes time", AS_OF, "ann")
    assert b.id is not None and b.resolved_on is None
    later = AS_OF + dt.timedelta(days=3)
    resolved = jstore.resolve_barrier(b.id, later, "ann")
    assert resolved.resolved_on == later
    assert jstore.barrier(b.id).resolved_on == later
    assert jstore.barriers("new", include_resolved=False) == []
    assert jstore.reopen_barrier(b.id, later, "ann").resolved_on is None
    assert jstore.barriers("new", include_resolved=False)[0].id == b.id
    jstore.delete_barrier(b.id, later, "ann")
    assert jstore.barriers("new") == [] and jstore.barrier(b.id) is None
    with pytest.raises(StoreError, match="no barrier"):
        jstore.resolve_barrier(b.id, later, "ann")
    kinds = [a.kind for a in jstore.activities("new")]
    assert kinds == ["barrier"] * 4


def test_barriers_open_first_then_oldest(jstore):
    a = jstore.add_barrier("new", "setup", "ours", "a", AS_OF - dt.timedelta(days=5), "ann")
    b = jstore.add_barrier("new", "oriented", "ours", "b", AS_OF - dt.timedelta(days=9), "ann")
    c = jstore.add_barrier("new", "setup", "customer", "c", AS_OF - dt.timedelta(days=1), "ann")
    jstore.resolve_barrier(b.id, AS_OF, "ann")
    assert [x.id for x in jstore.barriers("new")] == [a.id, c.id, b.id]


def test_portfolio_scopes(jstore):
    active = jstore.journey_portfolio(AS_OF)
    assert {a.account_id for a in active.accounts} == {"new", "young", "old", "edge"}
    first = jstore.journey_portfolio(AS_OF, scope="first_year")
    assert {a.account_id for a in first.accounts} == {"new", "young", "edge"}
    everyone = jstore.journey_portfolio(AS_OF, scope="all")
    assert len(everyone.accounts) == 6
    bobs = jstore.journey_portfolio(AS_OF, scope="all", csm="bob")
    assert [a.account_id for a in bobs.accounts] == ["young"]
    with pytest.raises(ValueError):
        jstore.journey_portfolio(AS_OF, scope="nope")  # type: ignore[arg-type]


def test_portfolio_ticks_and_barriers_at_the_as_of_date(jstore):
    jstore.tick_milestone("new", "blog_migrated", AS_OF - dt.timedelta(days=2), "ann")
    jstore.tick_milestone("new", "crm_integrated", AS_OF + dt.timedelta(days=2), "ann")  # later
    jstore.tick_milestone("gone", "crm_integrated", AS_OF - dt.timedelta(days=40), "ann")
    jstore.add_barrier("new", "setup", "ours", "open", AS_OF - dt.timedelta(days=3), "ann")
    jstore.add_barrier("new", "setup", "ours", "later", AS_OF + dt.timedelta(days=1), "ann")
    r = jstore.add_barrier("new", "oriented", "ours", "gone", AS_OF - dt.timedelta(days=3), "ann")
    jstore.resolve_barrier(r.id, AS_OF, "ann")
    r2 = jstore.add_barrier("young", "active", "customer", "x", AS_OF - dt.timedelta(days=3), "a")
    jstore.resolve_barrier(r2.id, AS_OF + dt.timedelta(days=1), "ann")  # still open at AS_OF
    data = jstore.journey_portfolio(AS_OF)
    assert data.ticks == {"new": {"blog_migrated": AS_OF - dt.timedelta(days=2)}}
    assert data.open_barriers == {"new": {"setup": 1}, "young": {"active": 1}}
    assert data.barrier_kinds == {"setup": {"ours": 1}, "active": {"customer": 1}}
    jstore.add_barrier("new", "setup", "customer", "two", AS_OF, "ann")
    again = jstore.journey_portfolio(AS_OF)
    assert again.open_barriers["new"] == {"setup": 2}
    assert again.barrier_kinds["setup"] == {"ours": 1, "customer": 1}


def test_account_journeys(jstore):
    for m in TEMPLATE.for_edition("professional").stages[0].milestones:
        jstore.tick_milestone("new", m.id, AS_OF - dt.timedelta(days=4), "ann")
    jstore.add_barrier("old", "renewal", "ours", "Waiting too long to renew", AS_OF, "ann")
    journeys = {j.account_id: j for j in jstore.account_journeys(TEMPLATE, AS_OF, stuck_weeks=3)}
    assert set(journeys) == {"new", "young", "old", "edge"}
    new = journeys["new"]
    assert new.week == 2 and new.reached_stage.id == "oriented" and new.status == "on track"
    assert journeys["young"].status == "stuck"
    assert "success_plan" in journeys["young"].journey.by_id  # enterprise path
    assert journeys["old"].week == 58 and journeys["old"].open_barriers == 1
    assert journeys["edge"].week == 52

    one = jstore.account_journey(TEMPLATE, "new", AS_OF)
    assert one.milestones[0].done_by == "ann" and one.reached_stage.id == "oriented"
    assert one.open_barriers == 0
    assert jstore.account_journey(TEMPLATE, "nope", AS_OF) is None
