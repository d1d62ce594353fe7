"""The Portfolio section: every active account with its health, sortable and filterable,
the band shares against target, charts, and a rollup by CSM or segment."""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from cs_tui.domain.portfolio_health import (
    band_shares,
    histogram,
    median,
    quadrant_counts,
    rollup,
    sparkline,
)
from cs_tui.screens.base import SectionScreen
from cs_tui.widgets.filter_bar import FilterBar, TextFilter, haystack
from cs_tui.widgets.health_badge import BAND_RANK, BAND_SYMBOL, band_markup, change_markup
from cs_tui.widgets.record_table import Col, RecordTable

VIEWS = ("view-accounts", "view-charts", "view-rollup")
FIRST_PAGE = 100
"""Rows read and drawn first when the workstation opens (more than a screen holds)."""
GROUPS = {"csm": "CSM", "segment": "Segment"}


class Trend(float):
    """A sparkline that sorts by how much the score moved over the weeks it shows."""

    bars: str = ""

    # Two trends that moved by as much are still different pictures (the table's cell cache
    # compares the values it shows).
    def __eq__(self, other: object) -> bool:
        return float.__eq__(self, other) is True and self.bars == getattr(other, "bars", None)

    def __hash__(self) -> int:
        return hash((float(self), self.bars))

    @classmethod
    def of(cls, scores: list[float]) -> Trend:
        value = cls(scores[-1] - scores[0] if len(scores) > 1 else 0.0)
        value.bars = sparkline(scores)
        return value


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _days(value: int | None) -> str:
    if value is None:
        return ""
    return f"[b]{value}[/]" if value < 0 else str(value)


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _band(rank: int | None) -> str:
    return band_markup({v: k for k, v in BAND_RANK.items()}.get(rank))  # type: ignore[arg-type]


def _trend(value: Trend | None) -> str:
    return "" if value is None else f"[cyan]{value.bars}[/]"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


COLUMNS = [
    Col("name", "Account"),
    Col("score", "Health", fmt=_score, right=True),
    Col("band_rank", "Band", fmt=_band),
    Col("change_30d", "30d", fmt=change_markup, right=True),
    Col("trend", "12 weeks", fmt=_trend, width=12),  # fixed: the first frame has none yet
    Col("arr", "ARR", fmt=_money, right=True),
    Col("days_to_renewal", "Renewal in", fmt=_days, right=True),
    Col("csm", "CSM"),
    Col("segment", "Segment"),
]


def rollup_columns(key: str) -> list[Col]:
    """The rollup table's columns, grouped by `key`."""
    return [
        Col(key, GROUPS[key]),
        Col("accounts", "Accounts"),
        Col("arr", "ARR", fmt=_money, right=True),
        Col("avg_health", "Avg health", fmt=_score, right=True),
        Col("pct_red", "Red", fmt=_pct, right=True),
        Col("pct_yellow", "Yellow", fmt=_pct, right=True),
        Col("pct_green", "Green", fmt=_pct, right=True),
        Col("avg_touches", "Touches/acct (90d)"),
    ]


def strip_text(
    records: list[dict[str, Any]], *, max_red: float, min_average: float, scope: str
) -> Text:
    """Band shares and average against the targets, e.g. "▼ red 18% (target ≤ 25% ✓)"."""
    shares = band_shares(records)
    red_ok, avg_ok = shares.meets(max_red, min_average)
    out = Text()
    for band, share in (("green", shares.green), ("yellow", shares.yellow), ("red", shares.red)):
        out.append_text(Text.from_markup(band_markup(band)))
        out.append(f" {share:.0%}  ")
    out.append(f"(red target ≤ {max_red:.0%} ")
    out.append("✓ met" if red_ok else "✗ missed", "green" if red_ok else "bold red")
    out.append(")  ·  average ")
    out.append("–" if shares.average is None else f"{shares.average:.1f}", "bold")
    out.append(f" (target ≥ {min_average:g} ")
    out.append("✓ met" if avg_ok else "✗ missed", "green" if avg_ok else "bold red")
    out.append(f")  ·  {shares.scored} scored  ·  {scope}")
    return out


class PortfolioScreen(SectionScreen):
    """Every active account and its health: sort, filter, my book, charts, rollup."""

    CSS_PATH = "portfolio_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="portfolio.filter", tooltip="Filter accounts"),
        Binding("enter", "open_account", "Open", id="portfolio.open", tooltip="Open the account"),
        Binding(
            "m",
            "toggle_book",
            "My book",
            id="portfolio.my_book",
            tooltip="Show only my book (settings my_csm, or --csm) or every account",
        ),
        Binding(
            "v",
            "next_view",
            "View",
            id="portfolio.view",
            tooltip="Accounts table, health charts, rollup",
        ),
        Binding(
            "g",
            "toggle_group",
            "By CSM/segment",
            id="portfolio.group",
            tooltip="Group the charts and the rollup by CSM or by segment",
        ),
    ]

    my_book: reactive[bool] = reactive(False)
    """Show only the accounts of the settings' book owner."""
    group: reactive[str] = reactive("csm")
    """What the rollup and the health / activity chart group by: csm or segment."""

    def __init__(self) -> None:
        super().__init__()
        self.all_records: list[dict[str, Any]] = []
        self.shown_records: list[dict[str, Any]] = []
        self._filter: TextFilter[dict[str, Any]] = TextFilter()
        self._filter_scope: bool | None = None

    def compose_body(self) -> ComposeResult:
        yield FilterBar("Filter by name, CSM, segment or band…", id="portfolio-filter")
        yield Static("", id="portfolio-summary")
        yield Static("", id="health-strip")
        with TabbedContent(id="portfolio-views"):
            with TabPane("Accounts", id="view-accounts"):
                yield RecordTable(COLUMNS, key="account_id", sort_key="score", id="portfolio-table")
            with TabPane("Charts", id="view-charts"):
                with Horizontal(id="health-charts"):
                    yield PlotextPlot(id="health-distribution")
                    with Vertical(id="health-activity-box"):
                        yield PlotextPlot(id="health-activity")
                        yield Static("", id="health-quadrants")
            with TabPane("Rollup", id="view-rollup"):
                yield RecordTable(
                    rollup_columns("csm"),
                    key="csm",
                    sort_key="pct_red",
                    reverse=True,
                    id="rollup-table",
                )

    def on_mount(self) -> None:
        self.query_one("#health-distribution").border_title = "Scores (band edges 60, 80)"
        self.query_one("#health-activity").border_title = "Health against CSM activity"
        self.query_one("#portfolio-table", RecordTable).focus()
        self.cs_app.derived_changed.subscribe(self, self._derived_changed)
        self.load()

    def _derived_changed(self, what: str) -> None:
        if what == "health":
            self.load()

    def on_screen_resume(self) -> None:
        # Back from an account (a manual measure may have moved its score): read again.
        if self.all_records and self.changed_since_read():
            self.load()

    # -- data -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="portfolio", exit_on_error=False)
    def load(self) -> None:
        """Read the stored health (fast: the first frame), then the sparklines.

        The app recomputes health in the background at start-up and says so through
        `derived_changed`; this screen then reads again."""
        self.mark_read()
        store, as_of = self.store, self.cs_app.as_of
        table = self.query_one("#portfolio-table", RecordTable)
        if not self.all_records and (table.sort_key, table.reverse) == ("score", False):
            # The first frame: the screenful of lowest scores (the table's first rows), read
            # and drawn before every account is.
            page = store.portfolio_health(as_of, lowest=FIRST_PAGE)
            for r in page:
                r["band_rank"] = BAND_RANK.get(r["band"]) if r["band"] else None
            self.app.call_from_thread(self.show_first_page, page)
        # By name first: the table's sort is stable, so equal scores stay in name order.
        records = sorted(store.portfolio_health(as_of), key=lambda r: str(r["name"]).casefold())
        touches = store.touch_counts(as_of)
        for r in records:
            r["touches"] = touches.get(r["account_id"], 0)
            r["band_rank"] = BAND_RANK.get(r["band"]) if r["band"] else None
        if not self.all_records:  # every account comes before the sparklines
            self.app.call_from_thread(self.show_records, [dict(r) for r in records])
        self._add_trends(records)
        self.app.call_from_thread(self.show_records, records)

    def _add_trends(self, records: list[dict[str, Any]]) -> None:
        sparks = self.store.health_sparklines(self.cs_app.as_of, weeks=12)
        for r in records:
            scores = sparks.get(r["account_id"])
            r["trend"] = Trend.of(scores) if scores else None

    def show_first_page(self, page: list[dict[str, Any]]) -> None:
        """Show the first screenful of rows while every account is read."""
        if self.all_records:  # every account arrived first
            return
        self.query_one("#portfolio-table", RecordTable).set_records(page)
        self.query_one("#portfolio-summary", Static).update("Reading every account…", layout=False)

    def show_records(self, records: list[dict[str, Any]]) -> None:
        """Replace the table's contents with `records`, filtered."""
        self.all_records = records
        self._filter_scope = None  # new rows: new haystacks
        self.query_one("#portfolio-table", RecordTable).set_records(records)
        self.refilter()

    def _filter_for_scope(self) -> TextFilter[dict[str, Any]]:
        """The rows in scope (every account, or my book) with their haystacks."""
        if self.my_book != self._filter_scope:
            owner = self.cs_app.settings.book_owner
            self._filter = TextFilter(
                (haystack(r["name"], r["csm"], r["segment"], r["band"] or "not scored"), r)
                for r in self.all_records
                if not self.my_book or r["csm"] == owner
            )
            self._filter_scope = self.my_book
        return self._filter

    def refilter(self) -> None:
        """Apply the filter text and the my-book toggle, then refresh everything shown."""
        text = self.query_one(FilterBar).value
        owner = self.cs_app.settings.book_owner
        shown = self._filter_for_scope().apply(text)
        self.shown_records = shown
        self.query_one("#portfolio-table", RecordTable).show_subset(shown)
        total = len(self.all_records)
        scope = f"my book ({owner})" if self.my_book else "all accounts"
        count = f"{len(shown)} of {total} accounts" if len(shown) != total else f"{total} accounts"
        summary = Text(f"{count} · {scope}")
        week = last_week(shown)
        summary.append(f" · health as of {week.isoformat()}" if week else " · not scored yet")
        if text:
            summary.append(" · filter: ")
            summary.append(text)
        # One line each (fixed height in the CSS): no layout pass on a keystroke.
        self.query_one("#portfolio-summary", Static).update(summary, layout=False)
        targets = self.cs_app.settings.targets
        self.query_one("#health-strip", Static).update(
            strip_text(
                shown,
                max_red=targets.max_pct_red,
                min_average=targets.min_avg_health,
                scope=scope,
            ),
            layout=False,
        )
        # Charts and the rollup are drawn when their tab is shown, not on every keystroke.
        active = self.query_one("#portfolio-views", TabbedContent).active
        if active == "view-rollup":
            self._show_rollup()
        elif active == "view-charts":
            self._show_charts()

    @on(TabbedContent.TabActivated, "#portfolio-views")
    def _view_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "view-rollup":
            self._show_rollup()
        elif event.pane.id == "view-charts":
            self._show_charts()

    def _show_rollup(self) -> None:
        table = self.query_one("#rollup-table", RecordTable)
        if table.key_field != self.group:
            table.columns = rollup_columns(self.group)
            table.key_field = self.group
        table.set_records(rollup(self.shown_records, self.group))

    def _show_charts(self) -> None:
        scored = [r for r in self.shown_records if r["score"] is not None]
        dist = self.query_one("#health-distribution", PlotextPlot)
        plt = dist.plt
        plt.clear_figure()
        counts = histogram([r["score"] for r in scored])
        colours = ["red"] * 6 + ["yellow"] * 2 + ["green"] * 2
        for band_colour in ("red", "yellow", "green"):
            xs = [k * 10 + 5 for k, c in enumerate(colours) if c == band_colour]
            ys = [counts[k] for k, c in enumerate(colours) if c == band_colour]
            symbol = BAND_SYMBOL[band_colour]
            plt.bar(xs, ys, width=8 / 10, color=band_colour, label=f"{symbol} {band_colour}")
        plt.vline(60, "gray")
        plt.vline(80, "gray")
        plt.xlim(0, 100)
        plt.xticks([0, 20, 40, 60, 80, 100])
        plt.xlabel("health score")
        plt.ylabel("accounts")
        dist.refresh()
        self._show_activity(scored)

    def _show_activity(self, scored: list[dict[str, Any]]) -> None:
        chart = self.query_one("#health-activity", PlotextPlot)
        plt = chart.plt
        plt.clear_figure()
        groups = rollup(scored, self.group)
        health_cut = self.cs_app.settings.targets.min_avg_health
        activity_cut = median([float(r["touches"]) for r in scored])
        xs = [g["avg_touches"] or 0.0 for g in groups]
        ys = [g["avg_health"] or 0.0 for g in groups]
        if groups:
            plt.scatter(xs, ys, marker="●", color="cyan", label=f"one {GROUPS[self.group]}")
            plt.hline(health_cut, "gray")
            plt.vline(activity_cut, "gray")
        plt.ylim(0, 100)
        plt.xlabel("CSM touches per account, last 90 days")
        plt.ylabel("average health")
        chart.refresh()
        counts = quadrant_counts(scored, health_cut=health_cut, activity_cut=activity_cut)
        lines = Text(
            f"Accounts by quadrant (health {health_cut:g}, activity median "
            f"{activity_cut:g} touches):\n",
            "bold",
        )
        for name, n in counts.items():
            share = n / len(scored) if scored else 0.0
            lines.append(f"  {name:<30} {n:>6}  {share:>4.0%}\n")
        self.query_one("#health-quadrants", Static).update(lines)

    # -- reactions --------------------------------------------------------------------------

    def watch_my_book(self) -> None:
        if self.is_mounted:
            self.refilter()

    def watch_group(self) -> None:
        if self.is_mounted:
            self.refilter()

    @on(FilterBar.FilterChanged)
    def _filter_changed(self) -> None:
        self.refilter()

    @on(RecordTable.RowSelected, "#portfolio-table")
    def _row_selected(self) -> None:
        self.action_open_account()

    # -- actions ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter bar."""
        self.query_one(TabbedContent).active = "view-accounts"
        self.query_one(FilterBar).open()

    def action_open_account(self) -> None:
        """Open the account under the cursor."""
        key = self.query_one("#portfolio-table", RecordTable).cursor_key
        if key is not None:
            self.cs_app.open_account(key)

    def action_toggle_book(self) -> None:
        """Switch between my book and every account."""
        if not self.cs_app.settings.book_owner:
            self.notify(
                "Set my_csm (or user) in settings.toml, or start with --csm NAME",
                title="Whose book?",
                severity="warning",
            )
            return
        self.my_book = not self.my_book

    def action_next_view(self) -> None:
        """Show the next view: accounts, charts, rollup."""
        tabs = self.query_one(TabbedContent)
        tabs.active = VIEWS[(VIEWS.index(tabs.active) + 1) % len(VIEWS)]
        pane = tabs.active_pane
        tables = list(pane.query(RecordTable)) if pane is not None else []
        if tables:
            tables[0].focus()

    def action_toggle_group(self) -> None:
        """Group the charts and rollup by CSM or by segment."""
        self.group = "segment" if self.group == "csm" else "csm"


def last_week(records: list[dict[str, Any]]) -> dt.date | None:
    """The snapshot date the shown scores come from."""
    # map/filter run in C: this is on every keystroke of the filter.
    week = max(filter(None, map(itemgetter("week"), records)), default=None)
    return dt.date.fromisoformat(week) if week else None
