"""The `cs-tui` command line: opens the workstation, or runs a scriptable subcommand."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from cs_tui import config
from cs_tui.config import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

DEMO_AS_OF_KEY = "demo.as_of"


class UserError(click.ClickException):
    """A problem the user can fix: printed as one line, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"cs-tui: {self.format_message()}", err=True)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return config.parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def db_option(fn: F) -> F:
    """`--db PATH` (default: the platform data dir, or CS_TUI_DB)."""
    return click.option(
        "--db",
        "db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="The database file (default: the platform data directory).",
    )(fn)


def as_of_option(fn: F) -> F:
    """`--as-of YYYY-MM-DD` (default: today)."""
    return click.option(
        "--as-of",
        "as_of",
        callback=_parse_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="The date every figure is computed at (default: today).",
    )(fn)


def format_option(*choices: str) -> Callable[[F], F]:
    """`--format` with the given choices, the first being the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into one clear line and exit status 1."""
    from cs_tui.db.core import StoreError

    try:
        yield
    except (StoreError, ConfigError) as exc:
        raise UserError(str(exc)) from None


def open_store(db: Path | None, *, create: bool = False) -> Any:
    """Open the store at `db` (or the default path) with user-facing errors."""
    from cs_tui.db.store import Store

    with user_errors():
        return Store.open(db or config.default_db_path(), create=create)


def progress_bar(label: str) -> Any:
    """A rich progress bar on a terminal; a no-op callback elsewhere.

    Returns:
        A context manager yielding `update(stage: str, fraction: float)`.
    """

    @contextmanager
    def bar() -> Iterator[Callable[[str, float], None]]:
        if not sys.stderr.isatty():
            yield lambda stage, fraction: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task(label, total=1.0)

            def update(stage: str, fraction: float) -> None:
                progress.update(task, completed=fraction, description=f"{label}: {stage}")

            yield update

    return bar()


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
    from cs_tui.db.demo import generate

    store = open_store(path, create=True)
    try:
        with progress_bar("Building the demo portfolio") as update:
            summary = generate(store, accounts=accounts, seed=seed, as_of=as_of, progress=update)
        store.set_setting(DEMO_AS_OF_KEY, as_of.isoformat())
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    store.close()
    return dict(summary.counts) if hasattr(summary, "counts") else {}


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


IMPORT_KINDS = ("accounts", "contacts", "usage", "tickets", "surveys", "renewals")
"""`cs_tui.domain.rows.KINDS`, repeated here so `cs-tui --help` need not import pydantic models."""


@cli.command("import")
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
