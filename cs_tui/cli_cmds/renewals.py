"""`cs-tui renewals`: the renewal queue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cs_tui import config
from cs_tui.cli_common import (
    as_of_option,
    db_option,
    format_option,
    open_store,
    records_csv,
    records_table,
    user_errors,
)


@click.command()
@db_option
@as_of_option
@click.option(
    "--within",
    type=click.IntRange(min=0),
    default=120,
    show_default=True,
    metavar="DAYS",
    help="Days ahead to include (overdue open renewals are always included).",
)
@click.option("--csm", default=None, help="Only this CSM's book.")
@format_option("table", "csv", "json")
def renewals(
    db: Path | None, as_of: dt.date | None, within: int, csm: str | None, fmt: str
) -> None:
    """The renewal queue: open renewals due within DAYS, most urgent first."""
    import json

    from cs_tui.domain.renewals import RECORD_FIELDS

    as_of = as_of or config.today()
    store = open_store(db)
    try:
        with user_errors():
            records = [s.record() for s in store.renewal_queue(as_of, within, csm=csm)]
    finally:
        store.close()
    if fmt == "json":
        payload = {"as_of": as_of.isoformat(), "within_days": within, "renewals": records}
        click.echo(json.dumps(payload, indent=2))
    elif fmt == "csv":
        click.echo(records_csv(records, RECORD_FIELDS))
    else:
        click.echo(records_table(records, RECORD_FIELDS, frozenset({"days_left", "arr_due"})))
