"""`cs-tui health`: every account's health score, band, category scores and 30-day change."""

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
def health(db: Path | None, as_of: dt.date | None, fmt: str) -> None:
    """Every active account's health at --as-of (computed afresh; nothing is written)."""
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
