"""Derived data: health snapshots and playbook runs, brought up to date in one call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cs_tui.db.core import BaseStore

DERIVED_STALE = "derived_stale"
"""Settings key set to "1" by an import that changed data; cleared by `refresh_derived`."""


@dataclass(frozen=True)
class DerivedSummary:
    """What a refresh did."""

    health_seconds: float
    playbook_runs_started: int


def refresh_derived(
    store: BaseStore,
    as_of: dt.date,
    *,
    stale_days: int | None = None,
    progress: Callable[[str, float], None] | None = None,
    on_health: Callable[[], None] | None = None,
) -> DerivedSummary:
    """Recompute health at `as_of` (and any missing weekly history), then run the playbook
    triggers, which read that health. Used at start-up, after imports and by the demo.

    Args:
        store: an open, writable store.
        as_of: the date of every figure.
        stale_days: manual measures older than this are left out (default: settings).
        progress: called as `progress(stage, fraction)`.
        on_health: called once health is current, before the playbooks run.
    """
    from cs_tui.db.health import recompute_health
    from cs_tui.db.playbooks import evaluate_playbooks

    report = progress or (lambda _stage, _fraction: None)
    summary = recompute_health(
        store,  # type: ignore[arg-type]
        as_of,
        stale_days=stale_days,
        progress=lambda stage, fraction: report(stage, fraction * 0.9),
    )
    if on_health is not None:
        on_health()
    report("Evaluating playbooks", 0.9)
    result = evaluate_playbooks(store, as_of)  # type: ignore[arg-type]
    if store.get_setting(DERIVED_STALE) == "1":
        store.set_setting(DERIVED_STALE, "0")
    report("Done", 1.0)
    return DerivedSummary(health_seconds=summary.seconds, playbook_runs_started=len(result.started))
