"""RenewalChart: ARR due per month for the next 12 months, stacked by health band."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

BAND_ORDER: tuple[str, ...] = ("red", "yellow", "green", "unknown")
"""Stacking order, bottom first: the riskiest ARR sits on the axis."""
BAND_RGB: dict[str, tuple[int, int, int]] = {
    "red": (205, 49, 49),
    "yellow": (215, 175, 0),
    "green": (40, 160, 70),
    "unknown": (128, 128, 128),
}
BAND_NAMES: dict[str, str] = {
    "red": "red",
    "yellow": "yellow",
    "green": "green",
    "unknown": "not scored",
}


def legend() -> Text:
    """The chart's legend: a coloured block and the band's name (colour is never alone)."""
    text = Text("ARR due per month, next 12 months, stacked by health band, in thousands:  ")
    for band in BAND_ORDER:
        text.append("██ ", style="rgb({},{},{})".format(*BAND_RGB[band]))
        text.append(f"{BAND_NAMES[band]}   ")
    return text


class RenewalChart(Vertical):
    """A legend line above a stacked bar chart; `show()` hands it the monthly figures."""

    DEFAULT_CSS = """
    RenewalChart {
        height: 16;
    }
    RenewalChart > #renewal-chart-legend {
        height: 1;
        padding: 0 1;
    }
    RenewalChart > PlotextPlot {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(legend(), id="renewal-chart-legend")
        yield PlotextPlot(id="renewal-chart-plot")

    def show(self, months: list[tuple[dt.date, dict[str, float]]]) -> None:
        """Draw `months`: (first day of month, band -> ARR due), in thousands."""
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        labels = [m.strftime("%b %y") for m, _ in months]
        series = [[round(b.get(band, 0.0) / 1000, 1) for _, b in months] for band in BAND_ORDER]
        if labels:
            colors = [BAND_RGB[b] for b in BAND_ORDER]
            plt.stacked_bar(labels, series, color=colors, width=0.6)  # type: ignore[arg-type]
        plot.refresh()
