"""The Renewals section: the queue from 90 days out, steps, outcomes, and the past year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import ContentSwitcher

from cs_tui.db.core import StoreError
from cs_tui.domain.renewal_outcomes import (
    DecidedRenewal,
    DecidedSummary,
    Outcome,
    RenewalError,
    summarise_decided,
)
from cs_tui.domain.renewals import (
    EVIDENCE_DAYS,
    STEP_LABELS,
    WINDOW_LABELS,
    QueueSummary,
    RenewalStatus,
    add_months,
    arr_by_month,
    evidence_since,
    month_start,
    summarise,
)
from cs_tui.screens.base import SectionScreen
from cs_tui.screens.renewal_outcome_modal import RenewalOutcomeModal
from cs_tui.screens.renewal_step_modal import RenewalStepModal, StepChoice
from cs_tui.widgets.filter_bar import FilterBar, TextFilter, haystack
from cs_tui.widgets.record_table import RecordTable
from cs_tui.widgets.renewal_chart import RenewalChart
from cs_tui.widgets.renewal_records import PAST_COLUMNS, QUEUE_COLUMNS, past_record, queue_record
from cs_tui.widgets.renewal_strip import RenewalStrip

DEFAULT_HORIZON = 120
HORIZON_STEP = 30
MIN_HORIZON, MAX_HORIZON = 30, 360


@dataclass(frozen=True)
class Loaded:
    """What the loading worker read."""

    queue: list[RenewalStatus]
    decided: list[DecidedRenewal]


class RenewalsScreen(SectionScreen):
    """Open renewals by urgency; log a step (`l`), record an outcome (`o`), see the past (`p`)."""

    CSS_PATH = "renewals_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="renewals.filter", tooltip="Filter the renewals"),
        Binding("enter", "open_account", "Open", id="renewals.open", tooltip="Open the account"),
        Binding(
            "l",
            "log_step",
            "Log",
            id="renewals.log_step",
            tooltip="Log a step done: conversation, proposal, contract",
        ),
        Binding(
            "o",
            "record_outcome",
            "Outcome",
            id="renewals.outcome",
            tooltip="Record the outcome: renewed or churned",
        ),
        Binding(
            "plus", "horizon(1)", "+Days", id="renewals.wider", tooltip="Show 30 more days ahead"
        ),
        Binding(
            "minus",
            "horizon(-1)",
            "-Days",
            id="renewals.narrower",
            tooltip="Show 30 fewer days ahead",
        ),
        Binding(
            "g", "group", "Group", id="renewals.group", tooltip="Sort by window, most urgent first"
        ),
        Binding(
            "m",
            "toggle_book",
            "Book",
            id="renewals.book",
            tooltip="Switch between my book and every book",
        ),
        Binding(
            "p",
            "toggle_past",
            "Past",
            id="renewals.past",
            tooltip="Renewals decided in the last 12 months, or the open queue",
        ),
    ]

    horizon: reactive[int] = reactive(DEFAULT_HORIZON, init=False)
    """Days ahead the queue shows (overdue renewals always show)."""
    my_book: reactive[bool] = reactive(False, init=False)
    """Only the accounts of the settings' CSM."""
    past: reactive[bool] = reactive(False, init=False)
    """Show decided renewals of the last 12 months instead of the queue."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = Loaded([], [])
        self.has_loaded = False
        self.in_modal = False
        """A form of this screen is open (closing it reloads through its own callback)."""
        self.rows: TextFilter[dict[str, Any]] = TextFilter()
        """(text the filter searches, table record) of the rows in view before filtering."""
        self.figures: QueueSummary | DecidedSummary | None = None

    def compose_body(self) -> ComposeResult:
        yield FilterBar(
            "Filter by account, owner, window, step, band or 'late'…", id="renewals-filter"
        )
        yield RenewalStrip(id="renewals-strip")
        with Vertical(id="renewals-body"):
            with ContentSwitcher(initial="renewals-queue", id="renewals-switcher"):
                yield RecordTable(
                    QUEUE_COLUMNS, key="renewal_id", sort_key="window", id="renewals-queue"
                )
                yield RecordTable(
                    PAST_COLUMNS,
                    key="renewal_id",
                    sort_key="renewal_date",
                    reverse=True,
                    id="renewals-past",
                )
            yield RenewalChart(id="renewals-chart")

    def on_mount(self) -> None:
        self.my_book = bool(self.cs_app.settings.book_owner)
        self.table.focus()
        self.cs_app.derived_changed.subscribe(self, self._derived_changed)
        self.load()

    def _derived_changed(self, what: str) -> None:
        # Health gives bands and risk; playbook runs may have ticked renewal-preparation steps.
        if what in ("health", "playbooks"):
            self.load()

    def on_screen_resume(self) -> None:
        # Back from an account or another section: outcomes, steps and health scores may have
        # changed there (the portfolio recomputes health once per session), so read again.
        if self.has_loaded and not self.in_modal and self.changed_since_read():
            self.load()
        self.in_modal = False

    @property
    def table(self) -> RecordTable:
        """The table shown (queue or past year)."""
        return self.query_one("#renewals-past" if self.past else "#renewals-queue", RecordTable)

    @property
    def owner(self) -> str | None:
        """The CSM whose book is shown, or None for every book."""
        return self.cs_app.settings.book_owner if self.my_book else None

    # -- data -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="renewals", exit_on_error=False)
    def load(self) -> None:
        """Read the open renewals of the next 12 months and the decided ones of the last 12."""
        self.mark_read()
        as_of, store = self.cs_app.as_of, self.store
        year_end = add_months(month_start(as_of), 12)
        loaded = Loaded(
            queue=store.renewal_queue(as_of, (year_end - as_of).days - 1),
            decided=store.decided_renewals_past_year(as_of),
        )
        self.app.call_from_thread(self.show, loaded)

    def show(self, loaded: Loaded) -> None:
        """Keep what the worker read and show it."""
        self.loaded = loaded
        self.has_loaded = True
        self.refresh_view()

    def refresh_view(self) -> None:
        """Apply book and horizon to what was read: the chart, the figures, the rows to filter."""
        owner = self.owner
        as_of = self.cs_app.as_of
        if self.past:
            decided = [d for d in self.loaded.decided if owner is None or d.csm == owner]
            self.rows = TextFilter((haystack(*r.values()), r) for r in map(past_record, decided))
            self.figures = summarise_decided(decided)
        else:
            queue = [s for s in self.loaded.queue if owner is None or s.csm == owner]
            self.rows = TextFilter(
                (self._haystack(s), queue_record(s, as_of))
                for s in queue
                if s.days_left <= self.horizon
            )
            self.figures = summarise(queue)
            self.query_one(RenewalChart).show(arr_by_month(queue, as_of))
        self.table.set_records([record for _hay, record in self.rows.rows])
        self.apply_filter()

    def apply_filter(self) -> None:
        """Show the rows matching the filter text, and the figures above them."""
        text = self.query_one(FilterBar).value
        shown = self.rows.apply(text)
        self.table.show_subset(shown)
        owner = self.owner
        book = "all books" if owner is None else f"{owner}'s book"
        count = f"{len(shown)} of {len(self.rows)} shown"
        strip = self.query_one(RenewalStrip)
        if isinstance(self.figures, DecidedSummary):
            strip.show_past(self.figures, f"Decided in the last 12 months · {book} · {count}")
        elif self.figures is not None:
            strip.show_queue(
                self.figures,
                f"Open renewals within {self.horizon} days (overdue included) · {book} · {count}",
            )

    @staticmethod
    def _haystack(s: RenewalStatus) -> str:
        return haystack(
            s.account_name,
            s.csm,
            WINDOW_LABELS[s.window],
            STEP_LABELS[s.expected_step] if s.expected_step else "",
            s.band or "not scored",
            "late" if s.late else "",
        )

    def watch_horizon(self) -> None:
        self.refresh_view()

    def watch_my_book(self) -> None:
        self.refresh_view()

    def watch_past(self, past: bool) -> None:
        self.query_one(ContentSwitcher).current = "renewals-past" if past else "renewals-queue"
        self.refresh_view()
        self.table.focus()
        self.refresh_bindings()

    @on(FilterBar.FilterChanged)
    def _filter_changed(self) -> None:
        self.apply_filter()

    @on(RecordTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_account()

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("log_step", "record_outcome"):
            return None if self.past or self.current is None else True
        if action in ("horizon", "group"):
            return not self.past
        return True

    @property
    def current(self) -> dict[str, Any] | None:
        """The record under the cursor."""
        return self.table.cursor_record

    def current_status(self) -> RenewalStatus | None:
        """The open renewal under the cursor."""
        record = self.current
        if record is None or self.past:
            return None
        for status in self.loaded.queue:
            if status.renewal_id == record["renewal_id"]:
                return status
        return None

    def action_filter(self) -> None:
        """Show the filter bar."""
        self.query_one(FilterBar).open()

    def action_horizon(self, direction: int) -> None:
        """Widen (1) or narrow (-1) the horizon by 30 days."""
        self.horizon = max(MIN_HORIZON, min(MAX_HORIZON, self.horizon + direction * HORIZON_STEP))

    def action_group(self) -> None:
        """Sort by window again (most urgent first)."""
        self.table.sort_by("window")

    def action_toggle_book(self) -> None:
        """Switch between my book and every book."""
        if not self.cs_app.settings.book_owner:
            self.notify(
                "Set `user` or `my_csm` in settings.toml (or start with --csm NAME).",
                title="Whose book?",
                severity="warning",
            )
            return
        self.my_book = not self.my_book

    def action_toggle_past(self) -> None:
        """Switch between the open queue and the decided renewals of the last 12 months."""
        self.past = not self.past

    def action_open_account(self) -> None:
        """Open the account under the cursor."""
        record = self.current
        if record is not None:
            self.cs_app.open_account(record["account_id"])

    def action_log_step(self) -> None:
        """Ask which step was done and log it as an activity."""
        status = self.current_status()
        if status is None:
            return
        suggested = status.next_step
        self.in_modal = True
        self.app.push_screen(
            RenewalStepModal(status.account_name, suggested),
            lambda choice: self._log_step(status, choice),
        )

    def _log_step(self, status: RenewalStatus, choice: StepChoice | None) -> None:
        if choice is None:
            return
        step, note = choice
        try:
            self.store.log_renewal_step(
                status.account_id, step, self.cs_app.as_of, self.cs_app.user, note
            )
        except (RenewalError, StoreError) as exc:
            self.notify(str(exc), title="Step not logged", severity="error", markup=False)
            return
        message = f"{STEP_LABELS[step].capitalize()} logged"
        if self.cs_app.as_of < evidence_since(status.renewal_date):
            message += (
                f" in the activity log; over {EVIDENCE_DAYS} days before the renewal, "
                "it does not count as this renewal's step"
            )
        self.notify(message, title="Renewal step")
        self.load()

    def action_record_outcome(self) -> None:
        """Open the outcome form for the renewal under the cursor."""
        status = self.current_status()
        if status is None:
            return
        self.in_modal = True
        self.app.push_screen(
            RenewalOutcomeModal(
                status.account_name, status.renewal_date.isoformat(), status.arr_due
            ),
            lambda outcome: self._record_outcome(status, outcome),
        )

    def _record_outcome(self, status: RenewalStatus, outcome: Outcome | None) -> None:
        if outcome is None or status.renewal_id is None:
            return
        try:
            done = self.store.record_renewal_outcome(
                status.renewal_id, outcome, self.cs_app.as_of, self.cs_app.user
            )
        except (RenewalError, StoreError) as exc:
            self.notify(str(exc), title="Outcome not recorded", severity="error", markup=False)
            return
        self.notify(done.activity.text, title="Renewal outcome recorded", markup=False)
        self.load()
