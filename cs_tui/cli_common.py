"""What every `cs-tui` subcommand shares: options, errors, opening the store, output."""

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


class UserError(click.ClickException):
    """A problem the user can fix: printed as one line, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"cs-tui: {self.format_message()}", err=True)


def parse_date_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.date | None:
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
        callback=parse_date_option,
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


def window_options(fn: F) -> F:
    """`--from` and `--to` (both counted) for the commands that report over a window."""
    fn = click.option(
        "--to",
        "to_date",
        callback=parse_date_option,
        default=None,
        metavar="YYYY-MM-DD",
        help="Last day of the window (default: --as-of).",
    )(fn)
    return click.option(
        "--from",
        "from_date",
        callback=parse_date_option,
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
    rows = [list(fields)] + [[_cell(r.get(f)) for f in fields] for r in records]
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


def emit_records(
    records: list[dict[str, Any]],
    fields: list[str] | tuple[str, ...],
    fmt: str,
    numeric: frozenset[str] = frozenset(),
) -> None:
    """Print records as an aligned table, a JSON array or CSV (with a header row)."""
    if fmt == "json":
        import json

        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(records_csv(records, tuple(fields)))
    else:
        click.echo(records_table(records, tuple(fields), numeric))
