"""`cs-tui export`: a QBR pre-read in Markdown, or any import KIND as CSV."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from cs_tui import config
from cs_tui.cli_cmds.importing import IMPORT_KINDS
from cs_tui.cli_common import F, UserError, as_of_option, db_option, open_store, user_errors


@click.group()
def export() -> None:
    """Write data out: a QBR pre-read in Markdown, or any import KIND as CSV."""


def _out_option(fn: F) -> F:
    return click.option(
        "--out",
        type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
        default="-",
        show_default=True,
        help="The file to write ('-': standard output).",
    )(fn)


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _write_out(out: Path, text: str, what: str) -> None:
    from cs_tui.db.export import ExportError, write_text

    if str(out) == "-":
        if _stdout_is_terminal():  # shown, not saved: no escape sequence reaches the terminal
            from cs_tui.widgets.literal import literal_str

            text = literal_str(text)
        click.echo(text, nl=False)
        return
    try:
        write_text(out, text)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"{what} written to {out}", err=True)


@export.command("qbr")
@click.argument("account_id")
@db_option
@as_of_option
@_out_option
def export_qbr(account_id: str, db: Path | None, as_of: dt.date | None, out: Path) -> None:
    """A QBR pre-read of ACCOUNT_ID in Markdown, following the 60-minute QBR agenda."""
    from cs_tui.db.qbr import qbr_facts
    from cs_tui.domain.qbr import render_qbr
    from cs_tui.widgets.literal import literal_str

    store = open_store(db)
    try:
        with user_errors():
            facts = qbr_facts(store, account_id, as_of or config.today())
    finally:
        store.close()
    if facts is None:
        raise UserError(f"no account {literal_str(account_id)!r} in {store.path}")
    _write_out(out, render_qbr(facts), f"QBR pre-read of {literal_str(account_id)}")


def _export_kind_command(kind: str) -> None:
    @export.command(
        kind,
        help=f"Every row of {kind} as CSV, in the format `cs-tui import {kind}` reads.",
        short_help=f"All {kind} as CSV (the import format).",
    )
    @db_option
    @_out_option
    def command(db: Path | None, out: Path) -> None:
        import csv
        import io

        from cs_tui.db.export import csv_value, kind_rows

        store = open_store(db)
        try:
            with user_errors():
                columns, rows = kind_rows(store, kind)
        finally:
            store.close()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([csv_value(v) for v in row] for row in rows)
        _write_out(out, buffer.getvalue(), f"{len(rows)} {kind} rows")


for _kind in IMPORT_KINDS:
    _export_kind_command(_kind)
