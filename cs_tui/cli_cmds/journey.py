"""`cs-tui journey`: where every customer is on its critical path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cs_tui import config
from cs_tui.cli_common import (
    as_of_option,
    db_option,
    emit_records,
    format_option,
    open_store,
    user_errors,
)

JOURNEY_FIELDS = [
    "account_id",
    "name",
    "csm",
    "week",
    "expected_stage",
    "reached_stage",
    "status",
    "weeks_behind",
    "open_barriers",
    "next_milestone",
    "next_due",
]


@click.command()
@db_option
@as_of_option
@format_option("table", "json", "csv")
@click.option(
    "--scope",
    type=click.Choice(["active", "first-year", "all"]),
    default="active",
    show_default=True,
    help="Accounts active at the date, those in their first year, or every account.",
)
@click.option("--csm", default=None, help="Only this CSM's accounts.")
def journey(db: Path | None, as_of: dt.date | None, fmt: str, scope: str, csm: str | None) -> None:
    """Where every customer is on its critical path (week 1 to 52), most behind first.

    Each record: account_id, week, expected_stage, reached_stage, status (on track / behind /
    stuck), weeks_behind, open_barriers and the next milestone with its due date.
    """
    from cs_tui.domain.journey import (
        TEMPLATE_NAME,
        JourneyTemplate,
        evaluate_accounts,
        sort_most_behind,
    )

    with user_errors():
        settings = config.load_settings()
        template = config.load_template(TEMPLATE_NAME, JourneyTemplate)
    store = open_store(db)
    day = as_of or config.today()
    with user_errors():
        data = store.journey_portfolio(day, scope=scope.replace("-", "_"), csm=csm)
    store.close()
    journeys = evaluate_accounts(
        template,
        data.accounts,
        data.ticks,
        day,
        stuck_weeks=settings.stuck_weeks,
        open_barriers=data.open_barriers,
    )
    accounts = {a.account_id: a for a in data.accounts}
    records = []
    for j in sort_most_behind(journeys):
        nxt = j.next_milestone
        account = accounts[j.account_id]
        records.append(
            {
                "account_id": j.account_id,
                "name": account.name,
                "csm": account.csm,
                "week": j.week,
                "expected_stage": j.expected_stage_name or None,
                "reached_stage": j.reached_stage_name,
                "status": j.status,
                "weeks_behind": j.weeks_behind,
                "open_barriers": j.open_barriers,
                "next_milestone": nxt.milestone.title if nxt else None,
                "next_due": nxt.due_on.isoformat() if nxt else None,
            }
        )
    emit_records(records, JOURNEY_FIELDS, fmt)
