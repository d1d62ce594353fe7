"""TrendChart: a small monthly line chart (textual-plotext) with an optional target line."""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot


class TrendChart(PlotextPlot):
    """One or more monthly series; months without data are gaps, not zeros."""

    DEFAULT_CSS = """
    TrendChart {
        height: 1fr;
        width: 1fr;
        border: round $panel-lighten-2;
    }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.title = title
        self.border_title = title
        self.series: dict[str, list[float | None]] = {}

    def set_data(
        self,
        labels: Sequence[str],
        series: dict[str, list[float | None]],
        *,
        target: float | None = None,
    ) -> None:
        """Plot each series over `labels` (one value per label; None is a gap)."""
        self.series = series
        plt = self.plt
        plt.clear_figure()
        xs = list(range(1, len(labels) + 1))
        drawn = False
        for name, values in series.items():
            points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
            if points:
                drawn = True
                plt.plot(
                    [x for x, _ in points],
                    [v for _, v in points],
                    marker="braille",
                    label=name if len(series) > 1 else None,
                )
        if target is not None and drawn:
            plt.hline(target, "gray")
        plt.xticks(xs[::2], list(labels)[::2])
        plt.xlim(0.5, len(xs) + 0.5)
        if not drawn:
            plt.title("no data")
        self.refresh()
