"""The `cs-tui` command line: opens the workstation, or runs a scriptable subcommand."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from cs_tui import config
from cs_tui.cli_cmds import exporting, health, importing, journey, metrics, playbooks, renewals
from cs_tui.cli_common import (
    UserError,
    as_of_option,
    db_option,
    open_store,
    progress_bar,
    user_errors,
)

DEMO_AS_OF_KEY = "demo.as_of"


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@as_of_option
@click.option("--demo", is_flag=True, help="Open (creating if needed) the demo portfolio.")
@click.option("--csm", default=None, help="Whose book 'my book' shows (default: settings).")
@click.pass_context
def cli(
    ctx: click.Context, db: Path | None, as_of: dt.date | None, demo: bool, csm: str | None
) -> None:
    """cs-tui: the customer-success workstation in your terminal.

    With no command, opens the workstation on --db (or the demo portfolio with --demo).
    """
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        settings = config.load_settings()
    if csm:
        settings = settings.model_copy(update={"my_csm": csm})
    store = None
    if demo:
        path = db or config.demo_db_path()
        if not path.exists():
            build_demo(path, accounts=400, seed=42, as_of=as_of or config.today())
        store = open_store(path)
        stored = store.get_setting(DEMO_AS_OF_KEY)
        as_of = as_of or (config.parse_date(stored) if stored else None)
    else:
        path = db or config.default_db_path()
        if path.exists():
            store = open_store(path)
    from cs_tui.app import CsApp

    app = CsApp(
        store, as_of=as_of or config.today(), settings=settings, db_path=path, catch_errors=True
    )
    app.run()


def build_demo(path: Path, *, accounts: int, seed: int, as_of: dt.date) -> dict[str, int]:
    """Write the demo portfolio to a new database at `path`, with a progress bar."""
    from cs_tui.db.demo import build

    store = open_store(path, create=True)
    try:
        with progress_bar("Building the demo portfolio") as update:
            # Health history and playbook runs too, so the workstation opens ready.
            summary = build(store, accounts=accounts, seed=seed, as_of=as_of, progress=update)
        store.set_setting(DEMO_AS_OF_KEY, as_of.isoformat())
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    store.close()
    return dict(summary.counts)


@cli.command()
@db_option
@as_of_option
@click.option("--accounts", default=400, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--force", is_flag=True, help="Overwrite an existing database.")
def demo(db: Path | None, as_of: dt.date | None, accounts: int, seed: int, force: bool) -> None:
    """Write a deterministic, realistic demo portfolio (same arguments, same data)."""
    path = db or config.demo_db_path()
    if path.exists():
        if not force:
            raise UserError(f"{path} already exists: use --force to overwrite it")
        if path.is_dir():
            raise UserError(f"{path} is a directory")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    counts = build_demo(path, accounts=accounts, seed=seed, as_of=as_of or config.today())
    detail = ", ".join(f"{n:,} {table}" for table, n in counts.items())
    click.echo(f"Demo portfolio written to {path}" + (f": {detail}" if detail else ""))


@cli.command()
@db_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the copy (default: beside the database, named by date).",
)
@as_of_option
def backup(db: Path | None, out: Path | None, as_of: dt.date | None) -> None:
    """Copy the database safely, even while the workstation has it open."""
    store = open_store(db)
    target = out or store.path.with_name(
        f"{store.path.stem}-{(as_of or config.today()).isoformat()}.backup.db"
    )
    if target.exists():
        raise UserError(f"{target} already exists: choose another --out")
    with user_errors():
        store.backup(target)
    store.close()
    click.echo(f"Backed up {store.path} to {target}")


for command in (
    importing.import_,
    health.health,
    journey.journey,
    renewals.renewals,
    metrics.metrics,
    playbooks.playbooks,
):
    cli.add_command(command)
cli.add_command(exporting.export)


def main() -> None:
    """The console-script entry point: no traceback ever reaches the user."""
    try:
        cli(prog_name="cs-tui", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence, logged in full
        log = config.write_crash_log(exc)
        click.echo(f"cs-tui: unexpected error: {exc!r} (details in {log})", err=True)
        sys.exit(1)
