"""The Critical path section: every customer in its first year, most behind first, with charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from cs_tui.config import load_template
from cs_tui.domain.journey import (
    TEMPLATE_NAME,
    AccountJourney,
    JourneyTemplate,
    evaluate_accounts,
    journey_rates,
    sort_most_behind,
    stage_counts,
)
from cs_tui.domain.models import Account
from cs_tui.screens.base import SectionScreen
from cs_tui.screens.timeline_screen import TimelineScreen
from cs_tui.widgets.filter_bar import FilterBar, TextFilter, haystack
from cs_tui.widgets.milestone_ribbon import STATUS_STYLES
from cs_tui.widgets.record_table import Col, RecordTable

if TYPE_CHECKING:
    from textual_plotext import PlotextPlot


def _status(value: str | None) -> str:
    if not value:
        return ""
    symbol, style = STATUS_STYLES[value]
    return f"[{style}]{symbol} {value}[/]"


def _behind(value: int | None) -> str:
    return "" if not value else f"[b]{value} wk[/]"


def _barriers(value: int | None) -> str:
    return "" if not value else f"[red]⚑ {value}[/]"


COLUMNS = [
    Col("name", "Account", width=24),
    Col("csm", "CSM", width=17),
    Col("week", "Week", width=4),
    Col("expected_stage", "Expected stage", width=16),
    Col("reached_stage", "Reached stage", width=16),
    Col("weeks_behind", "Behind", fmt=_behind, width=6),
    Col("status", "Status", fmt=_status, width=10),
    Col("open_barriers", "Barriers", fmt=_barriers, width=8),
    Col("next_milestone", "Next milestone", width=26),
    Col("next_due", "Due", width=10),
]


def integer_ticks(top: int, count: int = 5) -> list[float]:
    """About `count` whole-number ticks from 0 to at least `top` (counts have no halves)."""
    step = max(1, -(-top // count))
    return [float(t) for t in range(0, top + step, step)]


def journey_record(account: Account, journey: AccountJourney, order: int) -> dict[str, Any]:
    """The table record for one account's path."""
    nxt = journey.next_milestone
    return {
        "account_id": account.account_id,
        "name": account.name,
        "csm": account.csm,
        "segment": account.segment,
        "week": journey.week,
        "expected_stage": journey.expected_stage_name,
        "reached_stage": journey.reached_stage_name,
        "weeks_behind": journey.weeks_behind,
        "status": journey.status,
        "open_barriers": journey.open_barriers,
        "next_milestone": nxt.milestone.title if nxt else "",
        "next_due": nxt.due_on.isoformat() if nxt else "",
        "order": order,
    }


@dataclass(frozen=True)
class SectionData:
    """What the section shows, read and evaluated in one worker."""

    records: list[dict[str, Any]]
    journeys: list[AccountJourney]
    barrier_kinds: dict[str, dict[str, int]]
    template: JourneyTemplate


class JourneyScreen(SectionScreen):
    """Who is behind on the critical path, which stage blocks most."""

    CSS_PATH = "journey_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="journey.filter", tooltip="Filter accounts"),
        Binding(
            "enter",
            "open_timeline",
            "Timeline",
            id="journey.timeline",
            tooltip="The account's 52-week timeline",
        ),
        Binding("o", "open_account", "Account", id="journey.account", tooltip="Open the account"),
        Binding(
            "a",
            "toggle_all",
            "All",
            id="journey.all",
            tooltip="Every active account, or those in their first year",
        ),
        Binding(
            "m",
            "toggle_mine",
            "Mine",
            id="journey.mine",
            tooltip="Only my accounts (settings: my_csm or user)",
        ),
    ]

    show_all: reactive[bool] = reactive(False, init=False)
    """Every active account instead of those in their first year."""
    only_mine: reactive[bool] = reactive(False, init=False)
    """Only the accounts of `Settings.book_owner`."""

    def __init__(self) -> None:
        super().__init__()
        self.all_records: list[dict[str, Any]] = []
        self._filter: TextFilter[dict[str, Any]] = TextFilter()
        self.data: SectionData | None = None

    def compose_body(self) -> ComposeResult:
        yield FilterBar("Filter by name, CSM, stage or status…", id="journey-filter")
        yield Static("Reading the critical path…", id="journey-summary")
        yield RecordTable(COLUMNS, key="account_id", sort_key="order", id="journey-table")
        # plotext is imported here, not at start-up: the first frame is the portfolio's
        from textual_plotext import PlotextPlot

        with Horizontal(id="journey-charts"):
            yield PlotextPlot(id="stage-chart")
            yield PlotextPlot(id="barrier-chart")

    def on_mount(self) -> None:
        self.query_one(RecordTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        # Ticks and barriers change on the timeline: show them when coming back.
        if self.data is not None and self.changed_since_read():
            self.load()

    def watch_show_all(self) -> None:
        self.load()

    def watch_only_mine(self) -> None:
        self.load()

    # -- reading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="journey", exit_on_error=False)
    def load(self) -> None:
        """Read and evaluate every account's path in scope (in a thread), then show it."""
        self.mark_read()
        app = self.cs_app
        template = load_template(TEMPLATE_NAME, JourneyTemplate)
        owner = app.settings.book_owner if self.only_mine else None
        data = self.store.journey_portfolio(
            app.as_of, scope="active" if self.show_all else "first_year", csm=owner or None
        )
        journeys = sort_most_behind(
            evaluate_accounts(
                template,
                data.accounts,
                data.ticks,
                app.as_of,
                stuck_weeks=app.settings.stuck_weeks,
                open_barriers=data.open_barriers,
            )
        )
        accounts = {a.account_id: a for a in data.accounts}
        records = [
            journey_record(accounts[j.account_id], j, order) for order, j in enumerate(journeys)
        ]
        app.call_from_thread(
            self.show_data, SectionData(records, journeys, data.barrier_kinds, template)
        )

    def show_data(self, data: SectionData) -> None:
        """Show freshly read data: table, summary and charts."""
        self.data = data
        self.all_records = data.records
        self._filter = TextFilter(
            (
                haystack(r["name"], r["csm"], r["expected_stage"], r["reached_stage"], r["status"]),
                r,
            )
            for r in data.records
        )
        self.query_one(RecordTable).set_records(data.records)
        self.apply_filter(self.query_one(FilterBar).value)
        self._draw_stage_chart(data)
        self._draw_barrier_chart(data)

    def apply_filter(self, text: str) -> None:
        """Show the records matching `text`."""
        shown = self._filter.apply(text)
        self.query_one(RecordTable).show_subset(shown)
        self.query_one("#journey-summary", Static).update(
            self._summary(len(shown), text), layout=False
        )

    def _summary(self, shown: int, text: str) -> str:
        data = self.data
        if data is None:
            return ""
        total = len(self.all_records)
        scope = "active accounts" if self.show_all else "accounts in their first year"
        if self.only_mine:
            scope += f" of {self.cs_app.settings.book_owner}"
        counts = {s: 0 for s in STATUS_STYLES}
        for r in self.all_records:
            counts[r["status"]] += 1
        barriers = sum(r["open_barriers"] for r in self.all_records)
        rates = journey_rates(data.journeys)
        parts = [
            f"{shown} of {total} {scope}" if text else f"{total} {scope}",
            f"{counts['on track']} on track",
            f"{counts['behind']} behind",
            f"{counts['stuck']} stuck",
            f"{barriers} open barriers",
        ]
        if rates.onboarding_completion is not None:
            parts.append(f"onboarding completion {rates.onboarding_completion:.0%}")
        if rates.ttfv_median_days is not None:
            parts.append(f"median time to first value {rates.ttfv_median_days:.0f} days")
        return " · ".join(parts)

    # -- charts -------------------------------------------------------------------------------

    def _draw_stage_chart(self, data: SectionData) -> None:
        plot = cast("PlotextPlot", self.query_one("#stage-chart"))
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        counts = stage_counts(data.journeys)
        names = data.template.stage_shorts() | {"complete": "Done"}
        labels = [names[sid] for sid in counts]
        expected = [e for e, _ in counts.values()]
        reached = [r for _, r in counts.values()]
        if sum(expected) + sum(reached):
            plt.multiple_bar(  # type: ignore[call-arg]
                labels, [expected, reached], labels=["expected", "reached"]
            )
            plt.yticks(integer_ticks(max(expected + reached)))
        plt.title("Accounts per stage: expected vs reached")
        plot.refresh()

    def _draw_barrier_chart(self, data: SectionData) -> None:
        plot = cast("PlotextPlot", self.query_one("#barrier-chart"))
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        names = data.template.stage_shorts()
        stage_ids = list(names) + [s for s in data.barrier_kinds if s not in names]
        labels = [names.get(s, s[:6]) for s in stage_ids]
        customer = [data.barrier_kinds.get(s, {}).get("customer", 0) for s in stage_ids]
        ours = [data.barrier_kinds.get(s, {}).get("ours", 0) for s in stage_ids]
        if sum(customer) + sum(ours):
            # textual-plotext's stub says `label`; plotext itself takes `labels`
            plt.stacked_bar(  # type: ignore[call-arg]
                labels, [customer, ours], labels=["customer challenge", "our issue"]
            )
            plt.yticks(integer_ticks(max(c + o for c, o in zip(customer, ours, strict=True))))
        plt.title("Open barriers by stage")
        plot.refresh()

    # -- actions ------------------------------------------------------------------------------

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, event: FilterBar.FilterChanged) -> None:
        self.apply_filter(event.text)

    @on(RecordTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_timeline()

    def action_filter(self) -> None:
        """Show the filter bar."""
        self.query_one(FilterBar).open()

    def action_open_timeline(self) -> None:
        """Open the timeline of the account under the cursor."""
        key = self.query_one(RecordTable).cursor_key
        if key is not None:
            self.app.push_screen(TimelineScreen(key))

    def action_open_account(self) -> None:
        """Open the account screen of the account under the cursor."""
        key = self.query_one(RecordTable).cursor_key
        if key is not None:
            self.cs_app.open_account(key)

    def action_toggle_all(self) -> None:
        """Switch between first-year accounts and every active account."""
        self.show_all = not self.show_all

    def action_toggle_mine(self) -> None:
        """Switch between my accounts and everyone's."""
        if not self.cs_app.settings.book_owner:
            self.notify("Set `user` or `my_csm` in settings.toml to see your accounts", timeout=4)
            return
        self.only_mine = not self.only_mine
