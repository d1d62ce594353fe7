"""RenewalStrip: ARR due within 30 / 60 / 90 days by health band, and how many are late."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cs_tui.domain.renewal_outcomes import DecidedSummary
from cs_tui.domain.renewals import BAND_KEYS, QueueSummary
from cs_tui.widgets.health_badge import BAND_STYLE, BAND_SYMBOL
from cs_tui.widgets.literal import literal

BAND_LABEL = {
    "green": f"{BAND_SYMBOL['green']} green",
    "yellow": f"{BAND_SYMBOL['yellow']} yellow",
    "red": f"{BAND_SYMBOL['red']} red",
    "unknown": "not scored",
}


def money(value: float) -> str:
    """A whole amount with thousands separators."""
    return f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


class RenewalStrip(Static):
    """Figures above the queue (or, in the past view, totals of decided renewals)."""

    DEFAULT_CSS = """
    RenewalStrip {
        height: auto;
        padding: 0 1;
        border-bottom: solid $panel;
    }
    """

    plain: str = ""
    """The figures shown, as plain text (for tests and screen readers' sake)."""

    def show_queue(self, summary: QueueSummary, context: str) -> None:
        """Show ARR due by band within each horizon and the late count.

        Args:
            summary: the figures.
            context: the view described in words (horizon, book, rows shown); shown literally.
        """
        head = literal(context, single_line=True)
        head.append("   ")
        if summary.late:
            head.append(f" LATE {summary.late} ", style="bold reverse red")
            head.append(f" (ARR {money(summary.late_arr)})", style="bold")
        else:
            head.append("no renewal is late")
        lines = [head.plain]
        grid = Table.grid(padding=(0, 2))
        grid.add_column()
        grid.add_column(justify="right")
        for _ in BAND_KEYS:
            grid.add_column(justify="right")
        grid.add_column(justify="right")
        for horizon, by_band in summary.due.items():
            cells = [Text(f"Due in {horizon} days"), Text(money(sum(by_band.values())), "bold")]
            for band in BAND_KEYS:
                cell = Text(f"{BAND_LABEL[band]} ", BAND_STYLE.get(band, "dim"))
                cell.append(money(by_band[band]))
                cells.append(cell)
            cells.append(Text(f"{summary.counts[horizon]} renewals", "dim"))
            grid.add_row(*cells)
            lines.append("  ".join(c.plain for c in cells))
        self.plain = "\n".join(lines)
        self.update(Group(head, grid))

    def show_past(self, summary: DecidedSummary, context: str) -> None:
        """Show the totals of decided renewals: outcomes, ARR, GRR, NRR, eligible churn."""
        head = literal(context, single_line=True)
        line = Text(
            f"{summary.renewed} renewed ({summary.expansions} expanded, "
            f"{summary.contractions} contracted) · {summary.churned} churned"
        )
        figures = Text(
            f"ARR due {money(summary.arr_due)} · renewed {money(summary.arr_renewed)} · "
            f"GRR {_pct(summary.grr)} · NRR {_pct(summary.nrr)} · "
            f"eligible churn {_pct(summary.eligible_churn)}"
        )
        self.plain = "\n".join(t.plain for t in (head, line, figures))
        self.update(Group(head, line, figures))
