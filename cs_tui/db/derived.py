"""Derived data: health snapshots and playbook runs, brought up to date in one call."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cs_tui.db.core import BaseStore

if TYPE_CHECKING:
    from cs_tui.db.daily_usage import DailyUsage

DERIVED_STALE = "derived_stale"
"""Settings key set to "1" by an import that changed data; cleared by `refresh_derived`."""

CURRENT_KEY = "derived.current"
"""Settings key: what the last complete refresh was computed from (see `inputs_key`)."""


@dataclass(frozen=True)
class DerivedSummary:
    """What a refresh did."""

    health_seconds: float
    playbook_runs_started: int
    skipped: bool = False
    """Nothing had changed since the last refresh at this as-of: nothing was computed."""


def inputs_key(store: BaseStore, as_of: dt.date, stale_days: int) -> str:
    """What derived data at `as_of` is computed from: the date, the schema, the count of
    data changes, and the health model and playbooks in use (the user may edit either)."""
    from cs_tui.db.playbooks import load_playbooks
    from cs_tui.domain.health_model import load_health_model

    templates = load_health_model().fingerprint() + load_playbooks().model_dump_json()
    digest = hashlib.sha256(f"{templates}|{stale_days}|{_version()}".encode()).hexdigest()[:16]
    return f"{as_of.isoformat()}|{store.schema_version}|{store.change_count()}|{digest}"


def _version() -> str:
    """cs-tui's version: a new release may score differently, so it computes again."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cs-tui")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "source"


def refresh_derived(
    store: BaseStore,
    as_of: dt.date,
    *,
    stale_days: int | None = None,
    progress: Callable[[str, float], None] | None = None,
    on_health: Callable[[], None] | None = None,
    if_changed: bool = False,
    usage: DailyUsage | None = None,
) -> DerivedSummary:
    """Recompute health at `as_of` (and any missing weekly history), then run the playbook
    triggers, which read that health. Used at start-up, after imports and by the demo.

    Args:
        store: an open, writable store.
        as_of: the date of every figure.
        stale_days: manual measures older than this are left out (default: settings).
        progress: called as `progress(stage, fraction)`.
        on_health: called once health is current, before the playbooks run.
        if_changed: skip the work when nothing changed since the last refresh at `as_of`
            (the workstation's start-up: reopening an unchanged portfolio computes nothing).
        usage: the usage table's rows held in memory (`DemoSummary.usage`, right after the
            demo wrote them): health sums them instead of reading them back.
    """
    from cs_tui.db.health import recompute_health, settings_stale_days
    from cs_tui.db.playbooks import evaluate_playbooks

    report = progress or (lambda _stage, _fraction: None)
    stale_days = settings_stale_days() if stale_days is None else stale_days
    # What this refresh computes from, taken before it reads anything: a change committed
    # while it runs (by a worker, by `cs-tui import` in another terminal) is not in its
    # results, so it must not be taken as computed.
    count = store.change_count()
    key = inputs_key(store, as_of, stale_days)
    if (
        if_changed
        and store.get_setting(DERIVED_STALE) != "1"
        and store.get_setting(CURRENT_KEY) == key
    ):
        return DerivedSummary(health_seconds=0.0, playbook_runs_started=0, skipped=True)
    with store.derived_writes():
        summary = recompute_health(
            store,  # type: ignore[arg-type]
            as_of,
            stale_days=stale_days,
            usage=usage,
            progress=lambda stage, fraction: report(stage, fraction * 0.9),
        )
        if on_health is not None:
            on_health()
        report("Evaluating playbooks", 0.9)
        result = evaluate_playbooks(store, as_of)  # type: ignore[arg-type]
    with store.transaction(changes_data=False):
        # Only if nothing else changed data meanwhile: else the next start computes again.
        if store.change_count() == count:
            store.set_setting(DERIVED_STALE, "0")  # inside this transaction: one commit
            store.set_setting(CURRENT_KEY, key)
    report("Done", 1.0)
    return DerivedSummary(health_seconds=summary.seconds, playbook_runs_started=len(result.started))
