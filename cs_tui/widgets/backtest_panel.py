"""BacktestPanel: churn per health band and ROC AUC, stored scores beside a what-if."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from cs_tui.domain import backtest as bt
from cs_tui.domain.backtest import BacktestPoint, BacktestResult, Weights
from cs_tui.domain.metrics import DEFAULT_BANDS, BandLimits
from cs_tui.widgets.weight_editor import WeightEditor


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _auc(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class BacktestPanel(Vertical):
    """The back-test of the stored scores and of the weights being tried, recomputed at once."""

    DEFAULT_CSS = """
    BacktestPanel {
        border: round $panel-lighten-2;
        padding: 0 1;
        height: 1fr;
    }
    BacktestPanel #backtest-result {
        height: auto;
    }
    BacktestPanel .hint {
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.border_title = f"Health back-test: score {bt.LEAD_DAYS} days before renewal"
        self.points: list[BacktestPoint] = []
        self.baseline: BacktestResult = bt.backtest([])
        self.what_if: BacktestResult | None = None
        self.bands = DEFAULT_BANDS
        self.cap: float | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="backtest-result")
        yield Static("What-if category weights: w to edit", classes="hint", id="weights-hint")
        yield WeightEditor(id="weights")
        yield Static(
            "↑↓ category · ←→ ∓5 · ctrl+s keep · esc reset. Nothing is saved until kept.",
            classes="hint",
        )

    def set_points(
        self,
        points: Sequence[BacktestPoint],
        in_force: Weights,
        *,
        bands: BandLimits = DEFAULT_BANDS,
        cap: float | None = None,
    ) -> None:
        """The renewals to test and the weights in force (the what-if starts from them).

        Args:
            points: decided renewals with their snapshots.
            in_force: the weights the what-if starts from (and `escape` returns to).
            bands: the health model's bands.
            cap: the health model's no-usage cap.
        """
        self.points = list(points)
        self.bands, self.cap = bands, cap
        self.baseline = bt.backtest(self.points, bands=bands)
        editor = self.query_one(WeightEditor)
        if editor.in_force == editor.points:
            editor.set_in_force(in_force)
        self.recompute(editor.weights)

    def recompute(self, weights: Weights | None) -> None:
        """Score every renewal again with `weights` and show both results."""
        self.what_if = (
            None
            if weights is None
            else bt.backtest(self.points, weights, bands=self.bands, cap=self.cap)
        )
        self.query_one("#backtest-result", Static).update(self._table())

    @on(WeightEditor.WeightsChanged)
    def _weights_changed(self, event: WeightEditor.WeightsChanged) -> None:
        self.recompute(event.weights)

    def _table(self) -> RenderableType:
        base, what_if = self.baseline, self.what_if
        if base.renewals == 0 and base.missing == 0:
            return Text("No renewals were decided in the window.", style="dim")
        if base.renewals == 0:
            return Text(
                f"{base.missing} renewals were decided in the window, but no account had a "
                f"weekly health snapshot {bt.LEAD_DAYS} days before its renewal: the "
                "back-test needs the health history the weekly snapshots keep.",
                style="dim",
            )
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
        table.add_column("band")
        table.add_column("stored: churned/n", justify="right")
        table.add_column("what-if: churned/n", justify="right")

        def cell(result: BacktestResult | None, band: bt.Band | None) -> str:
            if result is None:
                return "—"
            if band is None:
                return f"{result.churned}/{result.renewals} {_pct(result.churn_rate)}"
            row = result.band(band)
            return f"{row.churned}/{row.renewals} {_pct(row.churn_rate)}"

        for band in bt.BANDS:
            table.add_row(band, cell(base, band), cell(what_if, band))
        table.add_row("all", cell(base, None), cell(what_if, None), end_section=True)
        change = bt.auc_change(base, what_if) if what_if is not None else None
        table.add_row(
            "ROC AUC",
            _auc(base.auc),
            "—"
            if what_if is None
            else _auc(what_if.auc) + ("" if change is None else f" ({bt.format_change(change)})"),
        )
        footer = Text(
            "AUC: the chance a renewed account scored above a churned one (0.5 is a coin toss).",
            style="dim",
        )
        if base.missing:
            footer.append(f"\n{base.missing} renewals had no snapshot that early (left out).")
        return Group(table, footer)
