"""`cs-tui health`: every account's health score, band, category scores and 30-day change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from cs_tui import config
from cs_tui.cli_cmds.metrics import report_backtest, weights_option
from cs_tui.cli_common import (
    as_of_option,
    db_option,
    emit_records,
    format_option,
    open_store,
    user_errors,
    window_options,
)

FIELDS = (
    "account_id",
    "name",
    "score",
    "band",
    "engagement",
    "product",
    "relationship",
    "business",
    "change_30d",
)


@click.command()
@db_option
@as_of_option
@format_option("table", "csv", "json")
@click.option(
    "--backtest",
    is_flag=True,
    help="Instead: the stored score 90 days before each renewal decided in --from..--to "
    "against whether it churned (churn per band, ROC AUC), table or json.",
)
@window_options
@weights_option
def health(
    db: Path | None,
    as_of: dt.date | None,
    fmt: str,
    backtest: bool,
    from_date: dt.date | None,
    to_date: dt.date | None,
    weights: Any,
) -> None:
    """Every active account's health at --as-of (computed afresh; nothing is written).

    With --backtest: how well the stored weekly scores predicted churn, and with --weights
    how well other category weights would have.
    """
    if backtest:
        report_backtest(db, as_of, from_date, to_date, weights, fmt)
        return
    if weights is not None or from_date is not None or to_date is not None:
        raise click.UsageError("--from, --to and --weights go with --backtest")
    from cs_tui.db.health import health_report

    with user_errors():
        settings = config.load_settings()
    store = open_store(db)
    try:
        with user_errors():
            records = health_report(
                store, as_of or config.today(), stale_days=settings.manual_measure_stale_days
            )
    finally:
        store.close()
    emit_records(
        [{f: r[f] for f in FIELDS} for r in records],
        FIELDS,
        fmt,
        numeric=frozenset(FIELDS[2:3] + FIELDS[4:]),
    )
