"""AccountHealth: the account screen's Health tab (score, categories, measures, trends,
and the manual measures a CSM sets from the keyboard)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from cs_tui.domain.health_model import HealthCard, HealthModel, is_stale, load_health_model
from cs_tui.domain.models import ManualMeasure
from cs_tui.widgets.health_badge import BAND_STYLE, band_text, bar, change_text
from cs_tui.widgets.literal import literal_str
from cs_tui.widgets.record_table import Col, RecordTable
from cs_tui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from cs_tui.app import CsApp
    from cs_tui.screens.manual_measure_modal import ManualValue


@dataclass
class HealthTabData:
    """What the tab shows, read in a worker."""

    card: HealthCard
    history: list[tuple[dt.date, float, str]]
    usage: list[tuple[dt.date, float, float]]
    manual: list[ManualMeasure]


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return ""
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def headline(card: HealthCard) -> Text:
    """ "Health 52 ▼ red · ▼ -12 in 30 days" and why when no usage capped it."""
    if card.score is None:
        return Text(f"Not active at {card.as_of.isoformat()}: no health score", "dim")
    out = Text("Health ", "bold")
    out.append(f"{card.score:.0f}", f"bold {BAND_STYLE.get(card.band or '', '')}")
    out.append(" ")
    out.append_text(band_text(card.band))
    out.append("  ·  ")
    out.append_text(change_text(card.change_30d))
    out.append(" in 30 days  ·  as of " + card.as_of.isoformat())
    if card.no_usage:
        out.append("  ·  " + card.headline.split(": ", 1)[-1], "bold red")
    return out


def categories_view(card: HealthCard, model: HealthModel) -> Group:
    """Each category as a bar with its score and its explanation in words."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=18)
    grid.add_column(width=20)
    grid.add_column(width=4, justify="right")
    grid.add_column(ratio=1)
    for c in card.categories:
        label = Text(f"{c.label} {c.weight:g}%", "bold")
        score = Text("–" if c.score is None else f"{c.score:.0f}")
        why = c.explanation.split(": ", 1)[-1] if ": " in c.explanation else c.explanation
        band = None if c.score is None else model.band(c.score)
        grid.add_row(label, bar(c.score, 20, band), score, Text(why, "dim"))
    return Group(grid)


def measure_records(
    card: HealthCard, manual: list[ManualMeasure], stale_days: int
) -> list[dict[str, Any]]:
    """The measures table: raw value, score, weight and contribution of every measure."""
    when = {m.measure: m for m in manual}
    out = []
    for m in card.measures:
        raw = _fmt(m.raw)
        if m.manual:
            mm = when.get(m.id)
            if mm is None:
                raw = "not set"
            elif is_stale(mm.set_on, card.as_of, stale_days):
                raw = f"{mm.value:g} (stale)"
            else:
                raw = f"{mm.value:g} of {m.scale}"
        elif not m.applies:
            raw = "n/a for segment"
        elif m.raw is None:
            raw = "no data"
        else:
            raw = f"{raw} {m.unit}".strip()
        out.append(
            {
                "id": m.id,
                "category": m.category,
                "label": m.label,
                "raw": raw,
                "score": None if m.score is None else round(m.score),
                "weight": round(m.weight, 1),
                "points": round(m.contribution, 1),
            }
        )
    return out


def manual_records(
    model: HealthModel, manual: list[ManualMeasure], as_of: dt.date, stale_days: int
) -> list[dict[str, Any]]:
    """Every manual measure of the model with its value, who set it, when, why, and state."""
    found = {m.measure: m for m in manual}
    out = []
    for m in model.manual_measures():
        mm = found.get(m.id)
        stale = mm is not None and is_stale(mm.set_on, as_of, stale_days)
        out.append(
            {
                "id": m.id,
                "label": m.label,
                "scale": m.scale,
                "value": None if mm is None else mm.value,
                "set_by": None if mm is None else mm.set_by,
                "set_on": None if mm is None else mm.set_on.isoformat(),
                "state": "not set" if mm is None else ("stale: left out" if stale else "counts"),
                "reason": None if mm is None else literal_str(mm.reason, single_line=True),
            }
        )
    return out


MEASURE_COLUMNS = [
    Col("category", "Category"),
    Col("label", "Measure"),
    Col("raw", "Raw value"),
    Col("score", "Score"),
    Col("weight", "Weight %"),
    Col("points", "Points"),
]
MANUAL_COLUMNS = [
    Col("label", "Manual measure"),
    Col("scale", "Scale"),
    Col("value", "Value"),
    Col("state", "State"),
    Col("set_by", "Set by"),
    Col("set_on", "On"),
    Col("reason", "Reason"),
]


class AccountHealth(ReportsWorkerErrors, Vertical):
    """The Health tab: why the score is what it is, its trend, and the manual measures."""

    DEFAULT_CSS = """
    AccountHealth { height: 1fr; }
    AccountHealth #health-headline { height: 1; padding: 0 1; }
    AccountHealth #health-categories { height: auto; padding: 0 1; }
    AccountHealth #health-body { height: 1fr; }
    AccountHealth #health-measures { width: 3fr; height: 1fr; }
    AccountHealth #health-trends { width: 2fr; height: 1fr; }
    AccountHealth PlotextPlot { height: 1fr; border: round $panel-lighten-2; }
    AccountHealth #manual-table { height: 7; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "edit_measure",
            "Set measure",
            id="health.set_measure",
            tooltip="Set the manual health measure under the cursor (value and reason)",
        ),
    ]

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.data: HealthTabData | None = None
        self.model: HealthModel | None = None

    @property
    def cs_app(self) -> CsApp:
        """The app, typed."""
        return cast("CsApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="health-headline")
        yield Static("", id="health-categories")
        with Horizontal(id="health-body"):
            yield RecordTable(MEASURE_COLUMNS, key="id", id="health-measures")
            with Vertical(id="health-trends"):
                yield PlotextPlot(id="health-trend")
                yield PlotextPlot(id="usage-trend")
        yield RecordTable(MANUAL_COLUMNS, key="id", id="manual-table")

    def on_mount(self) -> None:
        self.query_one("#health-trend").border_title = "Health, 52 weeks"
        self.query_one("#usage-trend").border_title = "Usage, 52 weeks"
        self.query_one("#manual-table").border_title = "Manual measures (m or enter: set)"
        self.load()

    @work(thread=True, exclusive=True, group="account-health", exit_on_error=False)
    def load(self) -> None:
        """Compute this account's score measure by measure and read its history."""
        from cs_tui.db.health import account_health_card

        app = self.cs_app
        store = app.store
        if store is None:
            return
        model = load_health_model()
        stale = app.settings.manual_measure_stale_days
        card = account_health_card(store, self.account_id, app.as_of, model=model, stale_days=stale)
        data = HealthTabData(
            card=card,
            history=store.account_health_history(self.account_id, app.as_of),
            usage=store.account_usage_weeks(self.account_id, app.as_of),
            manual=store.manual_measures(self.account_id),
        )
        app.call_from_thread(self.show, model, data)

    def show(self, model: HealthModel, data: HealthTabData) -> None:
        """Show what `load` read."""
        self.model, self.data = model, data
        stale = self.cs_app.settings.manual_measure_stale_days
        card = data.card
        self.query_one("#health-headline", Static).update(headline(card))
        self.query_one("#health-categories", Static).update(categories_view(card, model))
        self.query_one("#health-measures", RecordTable).set_records(
            measure_records(card, data.manual, stale)
        )
        self.query_one("#manual-table", RecordTable).set_records(
            manual_records(model, data.manual, card.as_of, stale)
        )
        self._plot_history(data.history)
        self._plot_usage(data.usage)

    def _plot_history(self, history: list[tuple[dt.date, float, str]]) -> None:
        chart = self.query_one("#health-trend", PlotextPlot)
        plt = chart.plt
        plt.clear_figure()
        if history:
            xs = list(range(1, len(history) + 1))
            plt.plot(xs, [s for _, s, _ in history], marker="braille", color="cyan")
            plt.hline(80, "green")
            plt.hline(60, "red")
            step = max(1, len(history) // 4)
            plt.xticks(xs[::step], [d.strftime("%b %d") for d, _, _ in history][::step])
        else:
            plt.title("no history yet")
        plt.ylim(0, 100)
        chart.refresh()

    def _plot_usage(self, usage: list[tuple[dt.date, float, float]]) -> None:
        chart = self.query_one("#usage-trend", PlotextPlot)
        plt = chart.plt
        plt.clear_figure()
        if any(users for _, users, _ in usage):
            xs = list(range(1, len(usage) + 1))
            plt.plot(xs, [u for _, u, _ in usage], marker="braille", label="active users/day")
            step = max(1, len(usage) // 4)
            plt.xticks(xs[::step], [d.strftime("%b %d") for d, _, _ in usage][::step])
        else:
            plt.title("no usage in 52 weeks")
        chart.refresh()

    # -- manual measures --------------------------------------------------------------------

    def action_edit_measure(self) -> None:
        """Ask for a value and a reason for the manual measure under the cursor."""
        from cs_tui.screens.manual_measure_modal import ManualMeasureModal

        if self.model is None or self.data is None:
            return
        if self.cs_app.store is None or self.cs_app.store.readonly:
            self.notify("This database is read-only", severity="warning")
            return
        table = self.query_one("#manual-table", RecordTable)
        key = table.cursor_key
        if key is None:
            return
        measure = self.model.measure(key)
        current = next((m.value for m in self.data.manual if m.measure == key), None)
        account = self.cs_app.store.account(self.account_id)
        name = account.name if account else self.account_id
        self.app.push_screen(ManualMeasureModal(measure, current, name), self._save)

    @on(RecordTable.RowSelected, "#manual-table")
    def _manual_selected(self) -> None:
        self.action_edit_measure()

    def _save(self, entry: ManualValue | None) -> None:
        if entry is None or self.model is None:
            return
        self.save_measure(entry)

    @work(thread=True, exclusive=True, group="account-health-save", exit_on_error=False)
    def save_measure(self, entry: ManualValue) -> None:
        """Store the value (with who, when, why), rescore this account, and show it."""
        from cs_tui.db.health import recompute_health

        app = self.cs_app
        store = app.store
        if store is None or self.model is None:
            return
        measure = self.model.measure(entry.measure)
        store.set_manual_measure(
            self.account_id,
            entry.measure,
            entry.value,
            set_by=app.user,
            set_on=app.as_of,
            reason=entry.reason,
            label=measure.label,
        )
        recompute_health(
            store,
            app.as_of,
            model=self.model,
            stale_days=app.settings.manual_measure_stale_days,
            account_ids=[self.account_id],
        )
        app.call_from_thread(self.notify, f"{measure.label} set to {entry.value:g}", title="Saved")
        app.call_from_thread(self.load)
