"""`cs-tui metrics` (the portfolio against its targets) and the health back-test report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from cs_tui import config
from cs_tui.cli_common import (
    as_of_option,
    db_option,
    format_option,
    open_store,
    resolve_window,
    user_errors,
    window_options,
)


@click.command()
@db_option
@as_of_option
@window_options
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
    from cs_tui.domain.backtest import model_bands
    from cs_tui.domain.health_model import load_health_model

    with user_errors():
        settings = config.load_settings()
        bands = model_bands(load_health_model())
    store = open_store(db)
    try:
        with user_errors():  # a bad journey.toml in the config dir is the user's to fix
            onboarding = store.onboarding_statuses(window.end)
        inputs = store.metric_inputs(window, onboarding=onboarding)
    finally:
        store.close()
    filters = Filters(segment=segment, edition=edition, csm=csm)
    values = compute_metrics(
        inputs, window, gross_margin=settings.gross_margin, filters=filters, bands=bands
    )
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


def weights_option(fn: Any) -> Any:
    """`--weights E,P,R,B`: what-if category weights for the back-test."""
    return click.option(
        "--weights",
        callback=_parse_weights,
        default=None,
        metavar="E,P,R,B",
        help="With --backtest: what-if category weights "
        "(engagement,product,relationship,business), e.g. 50,30,10,10.",
    )(fn)


def report_backtest(
    db: Path | None,
    as_of: dt.date | None,
    from_date: dt.date | None,
    to_date: dt.date | None,
    weights: Any,
    fmt: str,
) -> None:
    """`cs-tui health --backtest`: the score 90 days before each renewal decided in the
    window against its outcome, with health.toml's bands, and a what-if with `weights`."""
    from cs_tui.domain import backtest as bt
    from cs_tui.domain.health_model import load_health_model

    if fmt not in ("table", "json"):
        raise click.UsageError("--backtest prints a table or json, not csv")
    window = resolve_window(from_date, to_date, as_of)
    with user_errors():
        model = load_health_model()
    bands, cap = bt.model_bands(model), model.no_usage.max_score
    store = open_store(db)
    try:
        points = store.backtest_points(window)
    finally:
        store.close()
    baseline = bt.backtest(points, bands=bands)
    what_if = bt.backtest(points, weights, bands=bands, cap=cap) if weights else None
    if fmt == "json":
        import json

        report: dict[str, Any] = {
            "from": window.start.isoformat(),
            "to": window.end.isoformat(),
            "lead_days": bt.LEAD_DAYS,
            "weights_in_force": bt.model_weights(model).as_dict(),
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
        console.print(f"AUC change with the what-if weights: {bt.format_change(change)}")
