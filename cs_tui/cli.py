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
def _cell(value: Any) -> str:
    """One table cell: plain text, control characters made visible, numbers formatted."""
    from cs_tui.widgets.literal import literal_str

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return literal_str(value, single_line=True)


def records_table(
    records: list[dict[str, Any]], fields: tuple[str, ...], numeric: frozenset[str] = frozenset()
) -> str:
    """Records as plain aligned text columns (no markup); `numeric` columns right-aligned."""
    rows = [list(fields)] + [[_cell(r[f]) for f in fields] for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(fields))]
    return "\n".join(
        "  ".join(
            v.rjust(w) if f in numeric else v.ljust(w)
            for v, f, w in zip(row, fields, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def records_csv(records: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    """Records as CSV with a header row; booleans as true/false, None as empty."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                k: ("true" if v else "false") if isinstance(v, bool) else ("" if v is None else v)
                for k, v in record.items()
            }
        )
    return out.getvalue().rstrip("\n")
def _window_options(fn: F) -> F:
    """`--from` and `--to` (both counted) for the commands that report over a window."""
    fn = click.option(
        "--to",
        "to_date",
        callback=_parse_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="Last day of the window (default: --as-of).",
    )(fn)
    return click.option(
        "--from",
        "from_date",
        callback=_parse_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="First day of the window (default: 364 days before --to).",
    )(fn)


def resolve_window(
    from_date: dt.date | None, to_date: dt.date | None, as_of: dt.date | None
) -> Any:
    """The window of `--from`/`--to`: by default the 365 days ending at the as-of date."""
    from cs_tui.domain.metrics import Window

    end = to_date or as_of or config.today()
    if from_date is None:
        return Window.ending(end)
    if from_date > end:
        raise click.UsageError(f"--from {from_date} is after --to {end}")
    return Window(from_date, end)


@cli.command()
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


def emit_records(records: list[dict[str, Any]], fields: list[str], fmt: str) -> None:
    """Print records as an aligned table, a JSON array or CSV (with a header row)."""
    if fmt == "json":
        import json

        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        click.echo(buffer.getvalue(), nl=False)
        return
    from cs_tui.widgets.literal import literal_str

    rows = [fields] + [[literal_str(r.get(f), single_line=True) for f in fields] for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(fields))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
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
@_window_options
@click.option("--segment", type=click.Choice(["enterprise", "mid-market", "smb"]), default=None)
@click.option("--edition", type=click.Choice(["professional", "enterprise"]), default=None)
@click.option("--csm", default=None, help="Only this CSM's accounts.")
@format_option("table", "json")
def metrics(
    db: Path | None,
    as_of: dt.date | None,
    from_date: dt.date | None,
    to_date: dt.date | None,
    segment: str | None,
    edition: str | None,
    csm: str | None,
    fmt: str,
) -> None:
    """Portfolio metrics over a window, against the targets of the settings."""
    from cs_tui.domain.metric_targets import target_report
    from cs_tui.domain.metrics import Filters, compute_metrics

    window = resolve_window(from_date, to_date, as_of)
    with user_errors():
        settings = config.load_settings()
    store = open_store(db)
    try:
        inputs = store.metric_inputs(window, onboarding=store.onboarding_statuses(window.end))
    finally:
        store.close()
    filters = Filters(segment=segment, edition=edition, csm=csm)
    values = compute_metrics(inputs, window, gross_margin=settings.gross_margin, filters=filters)
    targets = target_report(values, settings.targets.model_dump(), window)
    if fmt == "json":
        import json

        report: dict[str, Any] = {
            "from": window.start.isoformat(),
            "to": window.end.isoformat(),
            "metrics": values,
            "targets": targets,
        }
        if not filters.is_empty:
            report["filters"] = {"segment": segment, "edition": edition, "csm": csm}
        click.echo(json.dumps(report, indent=2))
        return
    _print_metrics_table(window, values, targets, filters)


def _print_metrics_table(
    window: Any, values: dict[str, Any], targets: dict[str, Any], filters: Any
) -> None:
    """The metrics as a table with each target and whether it is met (in words)."""
    from rich.console import Console
    from rich.table import Table

    from cs_tui.domain.metric_targets import METRIC_INFO, format_target, format_value

    shown = ", ".join(f"{k} {v}" for k, v in vars(filters).items() if v is not None)
    table = Table(
        title=f"Metrics {window.start} to {window.end}" + (f" ({shown})" if shown else ""),
        title_justify="left",
    )
    for column in ("metric", "value", "target", "met"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for key, value in values.items():
        check = targets.get(key)
        met = "" if check is None else {True: "met", False: "NOT met", None: "n/a"}[check["met"]]
        table.add_row(
            METRIC_INFO[key][0],
            format_value(key, value),
            "" if check is None else format_target(key, check),
            met,
            end_section=False,
        )
    Console(highlight=False, markup=False).print(table)


def _parse_weights(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from cs_tui.domain.backtest import Weights

    try:
        parts = [float(p) for p in value.split(",")]
        if len(parts) != 4:
            raise ValueError("give four numbers: engagement,product,relationship,business")
        return Weights(*parts)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@db_option
@as_of_option
@_window_options
@click.option(
    "--weights",
    callback=_parse_weights,
    default=None,
    metavar="E,P,R,B",
    help="What-if category weights (engagement,product,relationship,business), e.g. 50,30,10,10.",
)
@format_option("table", "json")
def backtest(
    db: Path | None,
    as_of: dt.date | None,
    from_date: dt.date | None,
    to_date: dt.date | None,
    weights: Any,
    fmt: str,
) -> None:
    """Health back-test: the score 90 days before each decided renewal against its outcome."""
    from cs_tui.domain import backtest as bt

    window = resolve_window(from_date, to_date, as_of)
    store = open_store(db)
    try:
        points = store.backtest_points(window)
    finally:
        store.close()
    baseline = bt.backtest(points)
    what_if = bt.backtest(points, weights) if weights is not None else None
    if fmt == "json":
        import json

        report: dict[str, Any] = {
            "from": window.start.isoformat(),
            "to": window.end.isoformat(),
            "lead_days": bt.LEAD_DAYS,
            "baseline": bt.result_dict(baseline),
        }
        if what_if is not None:
            report["what_if"] = bt.result_dict(what_if)
            report["auc_change"] = bt.auc_change(baseline, what_if)
        click.echo(json.dumps(report, indent=2))
        return
    _print_backtest_table(window, baseline, what_if)


def _print_backtest_table(window: Any, baseline: Any, what_if: Any) -> None:
    """Churn per band and the AUC, stored scores beside the what-if."""
    from rich.console import Console
    from rich.table import Table

    from cs_tui.domain import backtest as bt

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    def auc(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    results = [("stored scores", baseline)]
    if what_if is not None:
        shown = "/".join(f"{w:g}" for w in what_if.weights.as_dict().values())
        results.append((f"what-if {shown}", what_if))
    table = Table(
        title=f"Health {bt.LEAD_DAYS} days before renewals decided {window.start} to {window.end}",
        title_justify="left",
    )
    table.add_column("")
    for name, _ in results:
        table.add_column(name, justify="right")
    for band in bt.BANDS:
        table.add_row(
            f"{band}: churned / renewals",
            *(
                f"{r.band(band).churned}/{r.band(band).renewals} ({pct(r.band(band).churn_rate)})"
                for _, r in results
            ),
        )
    table.add_row("all", *(f"{r.churned}/{r.renewals} ({pct(r.churn_rate)})" for _, r in results))
    table.add_row("ROC AUC (0.5 = chance)", *(auc(r.auc) for _, r in results))
    console = Console(highlight=False, markup=False)
    console.print(table)
    if baseline.missing:
        console.print(f"{baseline.missing} decided renewals had no health snapshot that early.")
    if what_if is not None and (change := bt.auc_change(baseline, what_if)) is not None:
        console.print(f"AUC change with the what-if weights: {change * 100:+.1f}%")
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


@cli.group()
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


def _write_out(out: Path, text: str, what: str) -> None:
    from cs_tui.db.export import ExportError, write_text

    if str(out) == "-":
        if sys.stdout.isatty():  # shown, not saved: no escape sequence reaches the terminal
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
