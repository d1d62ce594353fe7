"""The Metrics section: metrics against targets, monthly trends, CAC/CRC and the back-test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.widgets import Static
from textual.worker import Worker

from cs_tui.domain import backtest as bt
from cs_tui.domain import metrics as m
from cs_tui.domain.backtest import BacktestPoint, Weights
from cs_tui.domain.health_model import load_health_model
from cs_tui.domain.metric_targets import format_target, format_value, target_report
from cs_tui.domain.models import EDITIONS, SEGMENTS
from cs_tui.screens.base import SectionScreen
from cs_tui.widgets.backtest_panel import BacktestPanel
from cs_tui.widgets.metric_tile import MetricTile
from cs_tui.widgets.trend_chart import TrendChart
from cs_tui.widgets.weight_editor import WeightEditor

TILES: tuple[tuple[str, str], ...] = (
    ("clv", "CLV"),
    ("monthly_churn", "MRR churn/mo"),
    ("eligible_churn", "Revenue churn"),
    ("grr", "GRR"),
    ("nrr", "NRR"),
    ("logo_churn", "Logo churn"),
    ("expansion_rate", "Expansion"),
    ("nps", "NPS"),
    ("csat", "CSAT"),
    ("avg_health", "Avg health"),
    ("pct_green", "Green"),
    ("pct_yellow", "Yellow"),
    ("pct_red", "Red"),
    ("onboarding_completion", "Onboarded"),
    ("median_ttfv_days", "Time to value"),
    ("median_resolution_days", "Ticket fix"),
    ("advocates", "Advocates"),
    ("contacts_per_account", "Contacts/acct"),
)
"""metric key -> the tile's short label (a tile is about 17 columns wide)."""

CHARTS: tuple[tuple[str, str], ...] = (
    ("chart-nps", "NPS"),
    ("chart-retention", "GRR / NRR %"),
    ("chart-logo", "Logo churn % a month"),
    ("chart-red", "Red accounts %"),
    ("chart-health", "Average health"),
)


@dataclass
class MetricsData:
    """What the section loads once (filters then only recompute in memory)."""

    window: m.Window
    months: list[m.Window]
    inputs: m.MetricInputs
    health_by_month: Mapping[dt.date, Mapping[str, float]]
    points: list[BacktestPoint]
    csms: list[str]
    account_keys: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """account_id -> (segment, edition, csm), to filter the back-test."""
    trends_loaded: bool = False
    """The month-end health of the trends has been read."""
    bands: m.BandLimits = m.DEFAULT_BANDS
    """health.toml's bands."""
    in_force: Weights = field(default_factory=Weights)
    """health.toml's category weights."""
    cap: float | None = None
    """health.toml's no-usage cap on scores."""


@dataclass
class MetricsView:
    """Everything shown for one choice of filters."""

    values: dict[str, float | int | None]
    targets: dict[str, dict[str, object]]
    trend: list[dict[str, float | int | None]]
    economics: dict[str, float | None]
    points: list[BacktestPoint]


def _cycle(options: Sequence[str], current: str | None, step: int) -> str | None:
    """The next option after `current` (None = all comes first and last)."""
    ring: list[str | None] = [None, *options]
    return ring[(ring.index(current) + step) % len(ring)] if current in ring else None


def _scaled(values: list[float | int | None], factor: float) -> list[float | None]:
    return [None if v is None else float(v) * factor for v in values]


class MetricsScreen(SectionScreen):
    """Metrics against targets, with trends, filters and the health back-test."""

    CSS_PATH = "metrics_screen.tcss"
    AUTO_FOCUS = ""
    """Nothing takes focus on arrival: `w` focuses the what-if weights."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle('segment', 1)", "Segment", id="metrics.segment",
                tooltip="Next segment filter (shift+s: previous)"),
        Binding("e", "cycle('edition', 1)", "Edition", id="metrics.edition",
                tooltip="Next edition filter (shift+e: previous)"),
        Binding("c", "cycle('csm', 1)", "CSM", id="metrics.csm",
                tooltip="Next CSM filter (shift+c: previous)"),
        Binding("S", "cycle('segment', -1)", "Segment back", show=False, id="metrics.segment_back"),
        Binding("E", "cycle('edition', -1)", "Edition back", show=False, id="metrics.edition_back"),
        Binding("C", "cycle('csm', -1)", "CSM back", show=False, id="metrics.csm_back"),
        Binding("x", "clear_filters", "All accounts", id="metrics.clear",
                tooltip="Clear the segment, edition and CSM filters"),
        Binding("w", "edit_weights", "What-if", id="metrics.weights",
                tooltip="Edit the back-test's what-if category weights"),
        Binding("r", "reload", "Reload", id="metrics.reload", tooltip="Read the database again"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.filters = m.Filters()
        self.data: MetricsData | None = None
        self.view: MetricsView | None = None
        self._loading: Worker[None] | None = None
        self.kept_weights: Weights | None = None
        """What-if weights kept with ctrl+s: the back-test starts from them this session."""

    # -- layout -------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="metrics-filters")
        with Grid(id="metrics-tiles"):
            for key, label in TILES:
                yield MetricTile(key, label, id=f"tile-{key}")
        with Horizontal(id="metrics-lower"):
            with Grid(id="metrics-charts"):
                for chart_id, title in CHARTS:
                    yield TrendChart(title, id=chart_id)
                yield Static("", id="metrics-economics")
            yield BacktestPanel(id="backtest")

    def on_mount(self) -> None:
        self._show_filters()
        self.cs_app.derived_changed.subscribe(self, self._derived_changed)

    def _derived_changed(self, what: str) -> None:
        # The start-up (or post-import) health refresh wrote new snapshots: read them.
        if what == "health" and self._loading is not None:
            self._loading = self.load()

    def on_screen_resume(self) -> None:
        # Read again each time the section is shown: renewal outcomes, ticks and the health
        # recompute that runs when the workstation opens change what it shows. (Textual
        # resumes a mode's screen twice on its first show: one read is enough.)
        if self._loading is None or (self._loading.is_finished and self.changed_since_read()):
            self._loading = self.load()

    # -- loading and computing ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="metrics-load", exit_on_error=False)
    def load(self) -> None:
        """Read every input once (in a thread) and show the tiles and the back-test; the
        health of each month end for the trend charts follows (the costliest read)."""
        self.mark_read()
        as_of = self.cs_app.as_of
        store = self.store
        window = m.Window.ending(as_of)
        months = m.trend_windows(as_of)
        span = m.Window(min(window.start, months[0].start), as_of)
        model = load_health_model()
        inputs = store.metric_inputs(span, onboarding=store.onboarding_statuses(as_of))
        data = MetricsData(
            bands=bt.model_bands(model),
            in_force=bt.model_weights(model),
            cap=model.no_usage.max_score,
            window=window,
            months=months,
            inputs=inputs,
            health_by_month={},
            points=store.backtest_points(window),
            csms=sorted({a.csm for a in inputs.accounts}),
            account_keys={a.account_id: (a.segment, a.edition, a.csm) for a in inputs.accounts},
        )
        self.app.call_from_thread(self._loaded, data, self._compute(data, self.filters))
        data.health_by_month = store.health_at_dates(w.end for w in months)
        data.trends_loaded = True
        self.app.call_from_thread(self._loaded, data, self._compute(data, self.filters))

    def _loaded(self, data: MetricsData, view: MetricsView) -> None:
        self.data = data
        self._show(view)

    def _compute(self, data: MetricsData, filters: m.Filters) -> MetricsView:
        settings = self.cs_app.settings
        values = m.compute_metrics(
            data.inputs,
            data.window,
            gross_margin=settings.gross_margin,
            filters=filters,
            bands=data.bands,
        )
        filtered = data.inputs.filtered(filters)
        points = data.points
        if not filters.is_empty:
            points = [
                p
                for p in points
                if p.account_id in data.account_keys
                and _keys_match(filters, data.account_keys[p.account_id])
            ]
        return MetricsView(
            values=values,
            targets=target_report(values, settings.targets.model_dump(), data.window),
            trend=m.monthly_trend(filtered, data.months, data.health_by_month, bands=data.bands)
            if data.trends_loaded
            else [],
            economics=m.retention_economics(
                filtered.renewals,
                data.window,
                cac_per_acv=settings.cac_per_acv,
                crc_per_acv=settings.crc_per_acv,
            ),
            points=points,
        )

    @work(thread=True, exclusive=True, group="metrics-compute", exit_on_error=False)
    def recompute(self) -> None:
        """Compute again for the current filters (in a thread: a large portfolio takes a while)."""
        if self.data is None:
            return
        view = self._compute(self.data, self.filters)
        self.app.call_from_thread(self._show, view)

    # -- showing ------------------------------------------------------------------------------

    def _show(self, view: MetricsView) -> None:
        self.view = view
        assert self.data is not None
        for key, _ in TILES:
            check = view.targets.get(key)
            self.query_one(f"#tile-{key}", MetricTile).show(
                format_value(key, view.values[key]),
                "" if check is None else format_target(key, check),
                None if check is None else check["met"],  # type: ignore[arg-type]
            )
        if view.trend:
            self._show_trends(view)
        self._show_economics(view)
        kept = self.kept_weights
        self.query_one(BacktestPanel).set_points(
            view.points, kept or self.data.in_force, bands=self.data.bands, cap=self.data.cap
        )
        self._show_filters()

    def _show_trends(self, view: MetricsView) -> None:
        assert self.data is not None
        labels = [w.start.strftime("%b") for w in self.data.months]
        rows = view.trend
        targets = self.cs_app.settings.targets

        def series(key: str) -> list[float | int | None]:
            return [r[key] for r in rows]

        self.query_one("#chart-nps", TrendChart).set_data(
            labels, {"NPS": _scaled(series("nps"), 1)}, target=targets.nps
        )
        self.query_one("#chart-retention", TrendChart).set_data(
            labels,
            {"GRR": _scaled(series("grr"), 100), "NRR": _scaled(series("nrr"), 100)},
            target=targets.grr * 100,
        )
        self.query_one("#chart-logo", TrendChart).set_data(
            labels,
            {"logo churn": _scaled(series("logo_churn"), 100)},
            target=targets.max_logo_churn * 100 * m.DAYS_PER_MONTH / 365,
        )
        self.query_one("#chart-red", TrendChart).set_data(
            labels, {"red": _scaled(series("pct_red"), 100)}, target=targets.max_pct_red * 100
        )
        self.query_one("#chart-health", TrendChart).set_data(
            labels, {"average": _scaled(series("avg_health"), 1)}, target=targets.min_avg_health
        )

    def _show_economics(self, view: MetricsView) -> None:
        settings = self.cs_app.settings
        eco = view.economics
        text = Text("CAC / CRC", style="bold")
        text.append(
            f"\nSales: ${settings.cac_per_acv:.2f} wins $1 of new ACV."
            f"\nCS: ${settings.crc_per_acv:.2f} keeps $1 of ACV."
        )
        if eco["cac_to_crc"] is not None:
            text.append(f"\nKeeping $1 is {eco['cac_to_crc']:.1f}x cheaper than winning it.")
        text.append(
            f"\n\nIn the window: kept ${eco['kept_arr'] or 0:,.0f} ARR"
            f" (CS spend ${eco['retain_spend'] or 0:,.0f});"
            f" lost ${eco['lost_arr'] or 0:,.0f}, which would take"
            f" ${eco['replace_spend'] or 0:,.0f} of sales spend to win back."
        )
        self.query_one("#metrics-economics", Static).update(text)

    def _show_filters(self) -> None:
        f = self.filters
        window = self.data.window if self.data else m.Window.ending(self.cs_app.as_of)
        text = Text(f"{window.start} → {window.end}", style="bold")
        for name, value, key in (
            ("Segment", f.segment, "s"),
            ("Edition", f.edition, "e"),
            ("CSM", f.csm, "c"),
        ):
            text.append(f"   {name} [{key}]: ")
            text.append(value or "all", style="bold" if value else "")
        if not self.data:
            text.append("   loading…", style="dim")
        self.query_one("#metrics-filters", Static).update(text)

    # -- actions ------------------------------------------------------------------------------

    def action_cycle(self, which: str, step: int) -> None:
        """Step the segment, edition or CSM filter to its next value (all, then each)."""
        options: dict[str, Sequence[str]] = {
            "segment": SEGMENTS,
            "edition": EDITIONS,
            "csm": self.data.csms if self.data else [],
        }
        current = getattr(self.filters, which)
        self.set_filters(**{which: _cycle(options[which], current, step)})

    def action_clear_filters(self) -> None:
        """Every account again."""
        self.set_filters(segment=None, edition=None, csm=None)

    def set_filters(self, **changes: Any) -> None:
        """Change filters and recompute."""
        self.filters = m.Filters(**{**vars(self.filters), **changes})
        self._show_filters()
        self.recompute()

    def action_edit_weights(self) -> None:
        """Focus the what-if weights."""
        self.query_one(WeightEditor).focus()

    def action_reload(self) -> None:
        """Read the database again."""
        self._loading = self.load()

    @on(WeightEditor.WeightsConfirmed)
    def _weights_confirmed(self, event: WeightEditor.WeightsConfirmed) -> None:
        self.kept_weights = event.weights
        event.editor.set_in_force(event.weights)
        shown = " / ".join(f"{v:g}" for v in event.weights.as_dict().values())
        self.notify(
            f"What-if weights {shown} kept for this session as the back-test's baseline"
            " weights; health.toml is unchanged.",
            title="Weights kept",
        )


def _keys_match(filters: m.Filters, keys: tuple[str, str, str]) -> bool:
    segment, edition, csm = keys
    return (
        (filters.segment is None or filters.segment == segment)
        and (filters.edition is None or filters.edition == edition)
        and (filters.csm is None or filters.csm == csm)
    )
