"""The Portfolio section: every account in a sortable, filterable table."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cs_tui.domain.models import Account
from cs_tui.screens.base import SectionScreen
from cs_tui.widgets.filter_bar import FilterBar, matches
from cs_tui.widgets.record_table import Col, RecordTable


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _days(value: int | None) -> str:
    if value is None:
        return ""
    return f"[b]{value}[/]" if value < 0 else str(value)


COLUMNS = [
    Col("name", "Account"),
    Col("segment", "Segment"),
    Col("edition", "Edition"),
    Col("csm", "CSM"),
    Col("mrr", "MRR", fmt=_money),
    Col("renewal_date", "Renewal"),
    Col("days_to_renewal", "Days", fmt=_days),
]


def account_record(account: Account, as_of: Any) -> dict[str, Any]:
    """The table record for one account."""
    return {
        "account_id": account.account_id,
        "name": account.name,
        "segment": account.segment,
        "edition": account.edition,
        "csm": account.csm,
        "mrr": account.mrr,
        "renewal_date": account.renewal_date.isoformat() if account.renewal_date else None,
        "days_to_renewal": account.days_to_renewal(as_of),
    }


class PortfolioScreen(SectionScreen):
    """Every account: sort, filter, and open one."""

    CSS_PATH = "portfolio_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="portfolio.filter", tooltip="Filter accounts"),
        Binding("enter", "open_account", "Open", id="portfolio.open", tooltip="Open the account"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_records: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        yield FilterBar("Filter by name, segment, edition or CSM…", id="portfolio-filter")
        yield Static("", id="portfolio-summary")
        yield RecordTable(COLUMNS, key="account_id", sort_key="name", id="portfolio-table")

    def on_mount(self) -> None:
        self.query_one(RecordTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="portfolio", exit_on_error=False)
    def load(self) -> None:
        """Read the accounts (in a thread) and show them."""
        as_of = self.cs_app.as_of
        records = [account_record(a, as_of) for a in self.store.accounts()]
        self.app.call_from_thread(self.show_records, records)

    def show_records(self, records: list[dict[str, Any]]) -> None:
        """Replace the table's contents with `records`, filtered."""
        self.all_records = records
        self.apply_filter(self.query_one(FilterBar).value)

    def apply_filter(self, text: str) -> None:
        """Show the records matching `text`."""
        shown = [
            r
            for r in self.all_records
            if matches(text, r["name"], r["segment"], r["edition"], r["csm"])
        ]
        self.query_one(RecordTable).set_records(shown)
        total = len(self.all_records)
        summary = f"{len(shown)} of {total} accounts" if text else f"{total} accounts"
        self.query_one("#portfolio-summary", Static).update(summary)

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, event: FilterBar.FilterChanged) -> None:
        self.apply_filter(event.text)

    @on(RecordTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_account()

    def action_filter(self) -> None:
        """Show the filter bar."""
        self.query_one(FilterBar).open()

    def action_open_account(self) -> None:
        """Open the account under the cursor."""
        key = self.query_one(RecordTable).cursor_key
        if key is not None:
            self.cs_app.open_account(key)
