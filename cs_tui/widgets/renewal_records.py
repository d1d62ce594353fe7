"""The renewal tables' columns and records: open queue rows and decided (past year) rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cs_tui.domain.renewal_outcomes import CHURN_REASONS, DecidedRenewal, split_churn_reason
from cs_tui.domain.renewals import STEP_LABELS, STEPS, WINDOW_LABELS, WINDOWS, RenewalStatus
from cs_tui.widgets.health_badge import band_markup, change_markup
from cs_tui.widgets.record_table import Col
from cs_tui.widgets.renewal_strip import money

BANDS = ("red", "yellow", "green")
RISKS = ("high", "medium", "low")


def _money(value: float | None) -> str:
    return "" if value is None else money(value)


def _days(value: int | None) -> str:
    if value is None:
        return ""
    return f"[b]{value}[/]" if value < 0 else str(value)


def _window(rank: int | None) -> str:
    return "" if rank is None else WINDOW_LABELS[WINDOWS[rank]]


def _band(rank: int | None) -> str:
    return band_markup(None if rank is None else BANDS[rank])


def _risk(rank: int | None) -> str:
    if rank is None:
        return "[dim]unknown[/]"
    return f"[b]{RISKS[rank]}[/]" if rank == 0 else RISKS[rank]


def _step(index: int | None) -> str:
    return "" if index is None else STEP_LABELS[STEPS[index]]


def _done(value: bool | None) -> str:
    if value is None:
        return ""
    return "✓ yes" if value else "[b]✗ no[/]"


def _late(days: int | None) -> str:
    if days is None:
        return ""
    return f"[b reverse red]LATE[/] {days}d" if days else "[b reverse red]LATE[/] today"


def _outcome(kind: str) -> str:
    return {
        "churned": "[b red]✗ churned[/]",
        "contraction": "[yellow]▼ contraction[/]",
        "expansion": "[green]▲ expansion[/]",
        "flat": "= flat",
    }[kind]


QUEUE_COLUMNS = [
    Col("name", "Account"),
    Col("renewal_date", "Renewal"),
    Col("days_left", "Days", fmt=_days, right=True),
    Col("window", "Window", fmt=_window),
    Col("arr_due", "ARR due", fmt=_money, right=True),
    Col("band", "Health", fmt=_band),
    Col("change_30d", "30d", fmt=change_markup, right=True),
    Col("risk", "Risk", fmt=_risk),
    Col("expected_step", "Expected by now", fmt=_step),
    Col("expected_done", "Done?", fmt=_done),
    Col("late", "Late by", fmt=_late),
    Col("csm", "Owner"),
]

PAST_COLUMNS = [
    Col("name", "Account"),
    Col("renewal_date", "Renewal"),
    Col("kind", "Outcome", fmt=_outcome),
    Col("arr_due", "ARR due", fmt=_money, right=True),
    Col("arr_renewed", "ARR renewed", fmt=_money, right=True),
    Col("arr_change", "Change", fmt=lambda v: f"{v:+,.0f}", right=True),
    Col("reason", "Churn reason"),
    Col("csm", "Owner"),
]


def days_late(status: RenewalStatus, as_of: dt.date) -> int | None:
    """Days since the first missing step was due (None when on time)."""
    due = [s.due_on for s in status.steps if s.step in status.missing]
    return (as_of - min(due)).days if due else None


def queue_record(status: RenewalStatus, as_of: dt.date) -> dict[str, Any]:
    """The table record of one open renewal (ranks sort windows, bands and risks by urgency)."""
    return {
        "renewal_id": status.renewal_id,
        "account_id": status.account_id,
        "name": status.account_name,
        "renewal_date": status.renewal_date.isoformat(),
        "days_left": status.days_left,
        "window": WINDOWS.index(status.window),
        "arr_due": status.arr_due,
        "band": None if status.band is None else BANDS.index(status.band),
        "change_30d": status.change_30d,
        "risk": RISKS.index(status.risk) if status.risk in RISKS else None,
        "expected_step": None
        if status.expected_step is None
        else STEPS.index(status.expected_step),
        "expected_done": status.expected_done,
        "late": days_late(status, as_of),
        "csm": status.csm,
    }


def past_record(decided: DecidedRenewal) -> dict[str, Any]:
    """The table record of one decided renewal."""
    key, note = split_churn_reason(decided.churn_reason)
    reason = CHURN_REASONS.get(key, key) if key else ""  # type: ignore[call-overload]
    return {
        "renewal_id": decided.renewal_id,
        "account_id": decided.account_id,
        "name": decided.account_name,
        "renewal_date": decided.renewal_date.isoformat(),
        "kind": decided.kind,
        "arr_due": decided.arr_due,
        "arr_renewed": decided.arr_renewed,
        "arr_change": decided.arr_change,
        "reason": f"{reason}: {note}" if note else reason,
        "csm": decided.csm,
    }
