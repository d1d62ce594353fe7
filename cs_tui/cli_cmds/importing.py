"""`cs-tui import`: CSV exports in, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from cs_tui import config
from cs_tui.cli_common import (
    UserError,
    db_option,
    open_store,
    progress_bar,
    user_errors,
)

IMPORT_KINDS = ("accounts", "contacts", "usage", "tickets", "surveys", "renewals")
"""`cs_tui.domain.rows.KINDS`, repeated here so `cs-tui --help` need not import pydantic models."""


@click.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS), metavar="KIND")
@click.argument("file", type=click.Path(path_type=Path))
@db_option
@click.option(
    "--dry-run", is_flag=True, help="Validate and count what would change; write nothing."
)
def import_(kind: str, file: Path, db: Path | None, dry_run: bool) -> None:
    """Import a CSV export of KIND: all rows or none; importing it again changes nothing.

    KIND is one of accounts, contacts, usage, tickets, surveys, renewals (load accounts
    first: every other kind refers to them).

    Every problem is printed as FILE:LINE: column: message (exit status 1, nothing written).
    The database is created when it does not exist yet.
    """
    from cs_tui.db.importers import import_csv

    path = db or config.default_db_path()
    created = not path.exists()
    store = open_store(path, create=True)
    try:
        with user_errors(), progress_bar(f"Importing {kind}") as update:

            def progress(done: int, total: int) -> None:
                update(f"line {done:,} of {total:,}", done / total if total else 1.0)

            result = import_csv(store, kind, file, progress, dry_run=dry_run, shown=str(file))
    finally:
        store.close()
    if created and (dry_run or not result.ok):
        for suffix in ("", "-wal", "-shm"):  # nothing was imported: leave no empty database
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not result.ok:
        for line in result.problem_lines():
            click.echo(line, err=True)
        raise UserError(result.summary())
    click.echo(("Checked (dry run) " if dry_run else "Imported ") + result.summary())
