"""The Textual app: sections as modes, global bindings, palette providers, error handling."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from cs_tui import config
from cs_tui.commands import AccountCommands, ImportCommands, SectionCommands
from cs_tui.config import Settings
from cs_tui.db.store import Store
from cs_tui.screens.error_modal import ErrorModal
from cs_tui.screens.portfolio_screen import PortfolioScreen
from cs_tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from textual.screen import Screen

    from cs_tui.widgets.account_playbooks import AccountPlaybooks

IMPORT_MODE = "import"
"""The import screen's own mode: while it shows, every section can be rebuilt."""


def _lazy(module: str, name: str) -> Callable[[], Screen[None]]:
    """A section's screen, imported when the section is first shown.

    The workstation opens on the Portfolio: importing the other sections (and what they
    import) before the first frame would only delay it.
    """

    def make() -> Screen[None]:
        screen: Screen[None] = getattr(importlib.import_module(module), name)()
        return screen

    return make


class CsApp(App[None]):
    """cs-tui: the customer-success workstation."""

    CSS_PATH = "app.tcss"
    TITLE = "cs-tui"
    MODES: ClassVar = {
        "portfolio": PortfolioScreen,
        "journey": _lazy("cs_tui.screens.journey_screen", "JourneyScreen"),
        "renewals": _lazy("cs_tui.screens.renewals_screen", "RenewalsScreen"),
        "playbooks": _lazy("cs_tui.screens.playbooks_screen", "PlaybooksScreen"),
        "metrics": _lazy("cs_tui.screens.metrics_screen", "MetricsScreen"),
        IMPORT_MODE: _lazy("cs_tui.screens.import_screen", "ImportScreen"),
    }
    COMMANDS: ClassVar = App.COMMANDS | {AccountCommands, SectionCommands, ImportCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "switch_section('portfolio')",
            "Portfolio",
            id="go.portfolio",
            tooltip="Every account, its health and renewal",
        ),
        Binding(
            "2",
            "switch_section('journey')",
            "Path",
            id="go.journey",
            tooltip="The critical path, week 1 to 52",
        ),
        Binding(
            "3",
            "switch_section('renewals')",
            "Renewals",
            id="go.renewals",
            tooltip="The renewal queue",
        ),
        Binding(
            "4",
            "switch_section('playbooks')",
            "Playbooks",
            id="go.playbooks",
            tooltip="Today's tasks and open playbook runs",
        ),
        Binding(
            "5",
            "switch_section('metrics')",
            "Metrics",
            id="go.metrics",
            tooltip="Metrics against targets",
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key binding"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit cs-tui"),
    ]

    def __init__(
        self,
        store: Store | None,
        *,
        as_of: dt.date,
        settings: Settings | None = None,
        db_path: Path | None = None,
        catch_errors: bool = False,
        refresh_on_start: bool = True,
    ) -> None:
        super().__init__()
        self.refresh_on_start = refresh_on_start
        """Recompute health and run the playbook triggers in the background at start-up."""
        self.catch_errors = catch_errors
        """Show a failure in a handler as an error panel instead of exiting (the CLI sets it;
        tests leave it off so that failures fail the test)."""
        self.store = store
        self.as_of = as_of
        self.settings = settings or Settings()
        self.db_path = db_path or (store.path if store is not None else None)
        self.sub_title = self._describe()
        self.derived_changed: Signal[str] = Signal(self, "derived_changed")
        """Published with "health" or "playbooks" when that derived data was refreshed."""
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

    def _show_sub_title(self, text: str) -> None:
        self.sub_title = text

    def _describe(self) -> str:
        where = str(self.db_path) if self.db_path else "no database"
        readonly = " (read-only)" if self.store is not None and self.store.readonly else ""
        return f"{where}{readonly} · as of {self.as_of.isoformat()}"

    @property
    def user(self) -> str:
        """Who is recorded on notes and ticks."""
        return self.settings.user or "me"

    def on_mount(self) -> None:
        tune_gc()
        if self.store is None:
            from cs_tui.screens.welcome_screen import WelcomeScreen

            self.push_screen(WelcomeScreen(str(self.db_path)))
        else:
            self.switch_mode("portfolio")
            if self.refresh_on_start:
                self.refresh_derived()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_section" and self.store is None:
            return False
        return True

    # -- actions ----------------------------------------------------------------------------

    def action_switch_section(self, mode: str) -> None:
        """Show section `mode`."""
        self.switch_section(mode)

    def switch_section(self, mode: str) -> None:
        """Show section `mode` (from a key or the command palette)."""
        if self.store is not None:
            self.switch_mode(mode)

    def open_import(self, kind: str | None = None) -> None:
        """Show the import screen (from the command palette), with `kind` chosen if given."""
        if self.store is None or self.store.readonly:
            self.notify("No writable database is open: nothing can be imported.", severity="error")
            return
        if self.current_mode != IMPORT_MODE:
            self._before_import = self.current_mode
        self.switch_mode(IMPORT_MODE)
        if kind is not None:
            self.call_after_refresh(self._choose_import_kind, kind)

    def _choose_import_kind(self, kind: str) -> None:
        from cs_tui.screens.import_screen import ImportScreen

        if isinstance(self.screen, ImportScreen):
            self.screen.choose(kind)

    def leave_import(self) -> None:
        """Back from the import screen to the section shown before it."""
        self.switch_mode(getattr(self, "_before_import", "portfolio"))

    def reset_sections(self) -> None:
        """Forget every section's screens (after an import): each reads the database afresh
        when next shown. Called from the import screen, whose mode is not a section."""
        for mode, screen in self.MODES.items():
            if mode != self.current_mode:
                self.remove_mode(mode)
                self.add_mode(mode, screen)

    def open_account(self, account_id: str) -> None:
        """Open the account screen for `account_id` on top of the current section."""
        from cs_tui.screens.account_screen import AccountScreen

        if self.store is not None and self.store.account(account_id) is not None:
            self.push_screen(AccountScreen(account_id))

    def action_help(self) -> None:
        """Show every binding in force: cs-tui's own first, then the widgets' standard keys."""
        ours: list[tuple[str, str, str]] = []
        standard: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str]] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if (key, binding.action) in seen:
                continue
            seen.add((key, binding.action))
            row = (
                self.get_key_display(binding),
                binding.description or binding.action,
                active.tooltip or binding.tooltip or "",
            )
            (ours if binding.id else standard).append(row)
        from cs_tui.screens.help_screen import HelpScreen

        self.push_screen(HelpScreen(ours + standard))

    @work(thread=True, exclusive=True, group="derived", exit_on_error=False)
    def refresh_derived(self) -> None:
        """Bring derived data up to date at as-of: health snapshots, then playbook triggers.

        Runs at start-up, and computes nothing when nothing changed since the last refresh
        at this as-of (`if_changed`). Screens that show either listen to
        `derived_changed` ("health", then "playbooks") and read again.
        """
        store = self.store
        if store is None or store.readonly:
            return
        from cs_tui.db.derived import refresh_derived

        shown: list[str] = []

        def progress(stage: str, fraction: float) -> None:
            # In the header while it runs (a one-off history rebuild takes a while).
            text = f"{self._describe()} · updating: {stage.lower()} {fraction:.0%}"
            if not shown or text != shown[-1]:
                shown.append(text)
                self.call_from_thread(self._show_sub_title, text)

        try:
            summary = refresh_derived(
                store,
                self.as_of,
                stale_days=self.settings.manual_measure_stale_days,
                progress=progress,
                on_health=lambda: self.call_from_thread(self.derived_changed.publish, "health"),
                if_changed=True,
            )
        finally:
            if shown:
                self.call_from_thread(self._show_sub_title, self._describe())
        if summary.playbook_runs_started:
            self.call_from_thread(self.derived_changed.publish, "playbooks")

    # -- app-wide handlers ------------------------------------------------------------------

    @on(RecordTable.ExportRequested)
    def export_table(self, event: RecordTable.ExportRequested) -> None:
        """Write what a table shows (filter and sort applied) to a CSV file."""
        from cs_tui.db.export import ExportError, unique_path, write_csv

        headers, rows = event.table.shown()
        name = (event.table.id or "table").removesuffix("-table")
        path = unique_path(config.exports_dir(), f"{name}-{self.as_of.isoformat()}")
        try:
            count = write_csv(path, headers, rows)
        except ExportError as error:
            self.notify(str(error), title="Export failed", severity="error")
            return
        self.notify(f"{count} rows written to {path}", title="Exported")

    async def run_action(
        self, action: str | ActionParseResult, default_namespace: DOMNode | None = None
    ) -> bool:
        """Run an action; a failure shows an error panel instead of ending the session."""
        try:
            return await super().run_action(action, default_namespace)
        except Exception as error:
            if not self.catch_errors:
                raise
            log = config.write_crash_log(error)
            self.push_screen(ErrorModal(f"That action (details in {log})", error))
            return True

    # Handlers named for AccountPlaybooks' messages (not @on): the account screen's widgets
    # are imported with the account screen, after the first frame.
    def on_account_playbooks_start_requested(self, event: AccountPlaybooks.StartRequested) -> None:
        """Ask which playbook to start by hand."""
        from cs_tui.screens.start_playbook_modal import StartPlaybookModal

        self.push_screen(StartPlaybookModal(event.account_name, event.choices), event.widget.start)

    def on_account_playbooks_cancel_requested(
        self, event: AccountPlaybooks.CancelRequested
    ) -> None:
        """Ask why a playbook run is cancelled."""
        from cs_tui.screens.reason_modal import ReasonModal

        run, widget = event.run, event.widget
        self.push_screen(
            ReasonModal(f"Cancel {event.playbook_name}: why?"),
            lambda reason: widget.cancel(run, reason),
        )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.push_screen(ErrorModal(event.worker.name, event.worker.error))


def tune_gc() -> None:
    """Keep Python's garbage collector from pausing the workstation.

    A large portfolio keeps about a million small objects alive (records, drawn cells).
    With CPython's default thresholds a full collection walks all of them every few
    seconds, about 0.2 s each on a 2-core laptop: a keystroke or a section switch
    stalled at random. What is loaded at start-up (modules, classes) is frozen out of
    collection, and collections run after 50,000 new objects instead of 700.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
