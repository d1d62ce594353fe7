"""Derived data (health, playbook runs) is recomputed at start-up only when its inputs changed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from cs_tui.db.derived import DERIVED_STALE, refresh_derived
from cs_tui.db.store import Store
from tests.conftest import AS_OF, add_accounts


@pytest.fixture
def current(demo_store: Store) -> Store:
    """The demo, refreshed once at AS_OF (so the next start-up has nothing to do)."""
    assert not refresh_derived(demo_store, AS_OF).skipped
    return demo_store


def test_count_of_changes_moves_with_data_not_with_bookkeeping(store: Store) -> None:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ann")])
    start = store.change_count()
    assert start == 1
    with store.transaction() as conn:
        store.insert_activity(conn, "A1", "note", AS_OF, "me", "hello")
    assert store.change_count() == start + 1
    store.set_setting("anything", "1")  # bookkeeping: not a data change
    assert store.change_count() == start + 1
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.insert_activity(conn, "A1", "note", AS_OF, "me", "rolled back")
        raise RuntimeError
    assert store.change_count() == start + 1


def test_an_unchanged_portfolio_is_not_recomputed(current: Store) -> None:
    snapshots = current.count("health_snapshots")
    summary = refresh_derived(current, AS_OF, if_changed=True)
    assert summary.skipped
    assert current.count("health_snapshots") == snapshots


def test_a_change_of_data_date_or_flag_recomputes(current: Store) -> None:
    account = current.query("SELECT account_id FROM accounts LIMIT 1")[0][0]
    with current.transaction() as conn:  # e.g. a note logged on an account
        current.insert_activity(conn, account, "note", AS_OF, "me", "called")
    assert not refresh_derived(current, AS_OF, if_changed=True).skipped
    assert refresh_derived(current, AS_OF, if_changed=True).skipped

    later = AS_OF + dt.timedelta(days=1)  # a new day: new scores
    assert not refresh_derived(current, later, if_changed=True).skipped
    assert not refresh_derived(current, AS_OF, if_changed=True).skipped  # and back

    current.set_setting(DERIVED_STALE, "1")  # an import said so
    assert not refresh_derived(current, AS_OF, if_changed=True).skipped
    assert current.get_setting(DERIVED_STALE) == "0"

    assert not refresh_derived(current, AS_OF, stale_days=7, if_changed=True).skipped


def test_an_edited_health_model_recomputes(current: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from cs_tui.domain.health_model import HealthModel

    monkeypatch.setattr(HealthModel, "fingerprint", lambda self: "edited by the user")
    assert not refresh_derived(current, AS_OF, if_changed=True).skipped
    assert refresh_derived(current, AS_OF, if_changed=True).skipped


def _in_another_thread(work: Callable[[], None]) -> None:
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_a_change_made_while_the_refresh_runs_is_computed_next_time(current: Store) -> None:
    account = current.query("SELECT account_id FROM accounts LIMIT 1")[0][0]

    def note() -> None:  # e.g. a note logged in the workstation while health is scored
        with current.transaction() as conn:
            current.insert_activity(conn, account, "qbr", AS_OF, "me", "held")

    later = AS_OF + dt.timedelta(days=1)
    assert not refresh_derived(
        current, later, if_changed=True, on_health=lambda: _in_another_thread(note)
    ).skipped
    assert not refresh_derived(current, later, if_changed=True).skipped  # not taken as done
    assert refresh_derived(current, later, if_changed=True).skipped


def test_an_import_during_the_refresh_keeps_its_flag(current: Store) -> None:
    def imported() -> None:  # `cs-tui import` in another terminal marks derived data stale
        with current.transaction():
            current.set_setting(DERIVED_STALE, "1")

    later = AS_OF + dt.timedelta(days=1)
    refresh_derived(current, later, on_health=lambda: _in_another_thread(imported))
    assert current.get_setting(DERIVED_STALE) == "1"
    assert not refresh_derived(current, later, if_changed=True).skipped
    assert current.get_setting(DERIVED_STALE) == "0"


def test_the_refresh_own_writes_are_not_data_changes(current: Store) -> None:
    count = current.change_count()
    later = AS_OF + dt.timedelta(days=1)
    assert not refresh_derived(current, later, if_changed=True).skipped  # writes snapshots
    assert current.change_count() == count
