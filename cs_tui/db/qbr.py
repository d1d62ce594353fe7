"""Gather what a QBR pre-read says about one account (`cs_tui.domain.qbr` lays it out)."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import TYPE_CHECKING, Any

from cs_tui import config
from cs_tui.db.schema import USAGE_VALUES
from cs_tui.domain.health_model import HealthCard
from cs_tui.domain.models import Barrier
from cs_tui.domain.qbr import PlanItem, QbrFacts, UsageWindow

if TYPE_CHECKING:
    from cs_tui.db.store import Store

HEALTH_WEEKS = 13
"""Weeks of health history in the pre-read (a quarter)."""
USAGE_DAYS = 30
_USAGE_COLUMNS = USAGE_VALUES


def usage_window(store: Store, account_id: str, end: dt.date, days: int) -> UsageWindow:
    """Average daily usage of an account over the `days` days ending on `end`."""
    start = end - dt.timedelta(days=days - 1)
    averages = ", ".join(f"avg({c})" for c in _USAGE_COLUMNS)
    row = store.conn.execute(
        f"SELECT count(*), {averages} FROM usage WHERE account_id = ? AND date BETWEEN ? AND ?",
        [account_id, start.isoformat(), end.isoformat()],
    ).fetchone()
    values: dict[str, Any] = dict(zip(_USAGE_COLUMNS, row[1:], strict=True))
    return UsageWindow(end=end, days=days, rows=int(row[0]), **values)


def health_trend(store: Store, account_id: str, as_of: dt.date) -> list[tuple[dt.date, float]]:
    """The account's stored weekly health scores of the last quarter, oldest first."""
    return [
        (week, score)
        for week, score, _band in store.account_health_history(account_id, as_of, HEALTH_WEEKS)
    ]


def health_card(store: Store, account_id: str, as_of: dt.date) -> tuple[HealthCard | None, str]:
    """The account's health computed afresh at as-of, or None and why not."""
    from cs_tui.db.health import account_health_card
    from cs_tui.domain.health_model import load_health_model

    try:
        model = load_health_model()
        stale = config.load_settings().manual_measure_stale_days
    except config.ConfigError as exc:
        return None, f"Health not computed: {exc}"
    return account_health_card(store, account_id, as_of, model=model, stale_days=stale), ""


def success_plan(store: Store, account_id: str, edition: str) -> list[PlanItem]:
    """The critical path of journey.toml (with the edition's extras) and the ticks on file."""
    try:
        text, _ = config.template_text("journey.toml")
        data = tomllib.loads(text)
    except (config.ConfigError, tomllib.TOMLDecodeError, OSError):
        return []
    done = {
        r[0]: dt.date.fromisoformat(r[1])
        for r in store.query(
            "SELECT milestone_id, done_on FROM milestones WHERE account_id = ?", [account_id]
        )
    }
    extras: dict[str, list[dict[str, str]]] = {}
    for extra in data.get("editions", {}).get(edition, {}).get("extra_milestones", []):
        extras.setdefault(extra.get("stage", ""), []).append(extra)
    items: list[PlanItem] = []
    for stage in data.get("stages", []):
        for milestone in [*stage.get("milestones", []), *extras.get(stage.get("id", ""), [])]:
            items.append(
                PlanItem(
                    stage=str(stage.get("name", stage.get("id", ""))),
                    title=str(milestone.get("title", milestone.get("id", ""))),
                    done_on=done.get(milestone.get("id", "")),
                )
            )
    return items


def qbr_facts(store: Store, account_id: str, as_of: dt.date) -> QbrFacts | None:
    """Everything the QBR pre-read of `account_id` needs at `as_of`, or None if no such account."""
    account = store.account(account_id)
    if account is None:
        return None
    barriers = store.models(
        Barrier, "SELECT * FROM barriers WHERE account_id = ? ORDER BY opened_on", [account_id]
    )
    health, why = health_card(store, account_id, as_of)
    notes = [why] if why else []
    before_end = as_of - dt.timedelta(days=USAGE_DAYS)
    return QbrFacts(
        account=account,
        as_of=as_of,
        contacts=store.contacts(account_id),
        health=health,
        health_trend=health_trend(store, account_id, as_of),
        usage_recent=usage_window(store, account_id, as_of, USAGE_DAYS),
        usage_before=usage_window(store, account_id, before_end, USAGE_DAYS),
        tickets=store.tickets(account_id),
        surveys=store.surveys(account_id),
        renewals=store.renewals(account_id),
        plan=success_plan(store, account_id, account.edition),
        barriers=[b for b in barriers if b.opened_on <= as_of],
        activities=[a for a in store.activities(account_id, limit=500) if a.date <= as_of],
        notes=tuple(notes),
    )
