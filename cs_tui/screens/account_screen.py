"""The account screen: one customer's facts, with a tab per area (health, activity, ...)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane

from cs_tui.domain.models import Account
from cs_tui.screens.base import SectionScreen
from cs_tui.screens.note_modal import NoteModal
from cs_tui.screens.timeline_screen import TimelineScreen
from cs_tui.widgets.account_health import AccountHealth
from cs_tui.widgets.account_journey import AccountJourney
from cs_tui.widgets.account_playbooks import AccountPlaybooks
from cs_tui.widgets.literal import literal, literal_str
from cs_tui.widgets.record_table import Col, RecordTable


def account_facts(account: Account, as_of: object) -> Table:
    """The account's facts as a two-column grid (values shown literally)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_column(style="bold")
    grid.add_column()
    days = account.days_to_renewal(as_of)  # type: ignore[arg-type]
    renewal = (
        f"{account.renewal_date} ({days} days)" if account.renewal_date is not None else "none"
    )
    rows = [
        ("Segment", account.segment, "CSM", account.csm),
        ("Edition", account.edition, "Start", str(account.start_date)),
        ("MRR", f"{account.mrr:,.0f}", "ARR", f"{account.arr:,.0f}"),
        ("Licensed users", str(account.licensed_users), "Renewal", renewal),
        ("Status", account.status, "Churned on", str(account.churned_on or "")),
    ]
    for a, b, c, d in rows:
        grid.add_row(a, literal(b), c, literal(d))
    return grid


class AccountScreen(SectionScreen):
    """One account: facts on top, then tabs for health, activity, contacts and more."""

    CSS_PATH = "account_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="account.back", tooltip="Back"),
        Binding("n", "add_note", "Note", id="account.note", tooltip="Add a note to the log"),
        Binding(
            "t",
            "open_timeline",
            "Timeline",
            id="account.timeline",
            tooltip="The 52-week critical path: tick milestones, log barriers",
        ),
    ]

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id

    @property
    def account(self) -> Account:
        """The account shown (re-read so edits elsewhere show)."""
        account = self.store.account(self.account_id)
        assert account is not None
        return account

    def compose_body(self) -> ComposeResult:
        account = self.account
        with Vertical(id="account-head"):
            yield Static(literal(account.name, "bold", single_line=True), id="account-name")
            yield Static(account_facts(account, self.cs_app.as_of), id="account-facts")
        with TabbedContent(id="account-tabs"):
            with TabPane("Health", id="tab-health"):
                yield AccountHealth(self.account_id)
            with TabPane("Activity", id="tab-activity"):
                yield RecordTable(
                    [
                        Col("date", "Date"),
                        Col("kind", "Kind"),
                        Col("author", "By"),
                        Col("text", "Text"),
                    ],
                    key="id",
                    id="activity-table",
                )
            with TabPane("Contacts", id="tab-contacts"):
                yield RecordTable(
                    [
                        Col("name", "Name"),
                        Col("role", "Role"),
                        Col("email", "Email"),
                        Col("advocate", "Advocate"),
                    ],
                    key="email",
                    id="contacts-table",
                )
            with TabPane("Tickets & surveys", id="tab-support"):
                yield RecordTable(
                    [
                        Col("ticket_id", "Ticket"),
                        Col("opened_at", "Opened"),
                        Col("closed_at", "Closed"),
                        Col("priority", "Priority"),
                    ],
                    key="ticket_id",
                    id="tickets-table",
                )
                yield RecordTable(
                    [
                        Col("submitted_at", "Date"),
                        Col("kind", "Survey"),
                        Col("score", "Score"),
                        Col("comment", "Comment"),
                    ],
                    key="response_id",
                    id="surveys-table",
                )
            with TabPane("Renewals", id="tab-renewals"):
                yield RecordTable(
                    [
                        Col("renewal_date", "Date"),
                        Col("arr_due", "ARR due"),
                        Col("outcome", "Outcome"),
                        Col("arr_renewed", "ARR renewed"),
                        Col("churn_reason", "Reason"),
                    ],
                    key="renewal_date",
                    id="renewals-table",
                )
            with TabPane("Journey", id="tab-journey"):
                yield AccountJourney(self.account_id)
            with TabPane("Playbooks", id="tab-playbooks"):
                yield AccountPlaybooks(self.account_id)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="account", exit_on_error=False)
    def load(self) -> None:
        """Read the account's log, contacts, tickets, surveys and renewals."""
        store, account_id = self.store, self.account_id
        data = {
            "#activity-table": [a.model_dump(mode="json") for a in store.activities(account_id)],
            "#contacts-table": [c.model_dump(mode="json") for c in store.contacts(account_id)],
            "#tickets-table": [t.model_dump(mode="json") for t in store.tickets(account_id)],
            "#surveys-table": [s.model_dump(mode="json") for s in store.surveys(account_id)],
            "#renewals-table": [r.model_dump(mode="json") for r in store.renewals(account_id)],
        }
        self.app.call_from_thread(self._show, data)

    def _show(self, data: dict[str, list[dict[str, object]]]) -> None:
        for selector, records in data.items():
            self.query_one(selector, RecordTable).set_records(records)

    def action_add_note(self) -> None:
        """Ask for a note and store it at once in the activity log."""
        self.app.push_screen(NoteModal(self.account.name), self._save_note)

    def _save_note(self, text: str | None) -> None:
        if not text:
            return
        self.store.add_activity(self.account_id, "note", self.cs_app.as_of, self.cs_app.user, text)
        self.notify(
            "Note saved", title=literal_str(self.account.name, single_line=True), markup=False
        )
        self.query_one(TabbedContent).active = "tab-activity"
        self.load()

    def action_open_timeline(self) -> None:
        """Open the account's critical-path timeline; refresh the Journey tab after it."""
        self.app.push_screen(TimelineScreen(self.account_id), self._timeline_closed)

    def _timeline_closed(self, _: None) -> None:
        self.query_one(AccountJourney).load()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self) -> None:
        # Keep keyboard focus inside the tab the user switched to.
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None:
            focusable = [w for w in pane.query("*") if w.focusable]
            if focusable:
                focusable[0].focus()
