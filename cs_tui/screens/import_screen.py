"""ImportScreen: check a CSV export (every problem listed, nothing written), then import it.

Reached from the command palette ("Import a CSV file"). It is a mode of its own, so that after
an import every section can be rebuilt from the database before it is shown again. After an
import that changed data, `refresh_derived` recomputes health and runs the playbook triggers
in the same worker (clearing `derived_stale`).
Checking and importing run in a worker thread with a progress bar; the report is the same as
`cs-tui import` prints: `FILE:LINE: column: message`, or the counts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from cs_tui.db.importers import KINDS, ImportResult, import_csv
from cs_tui.screens.base import SectionScreen
from cs_tui.widgets.literal import literal, literal_str

if TYPE_CHECKING:
    from cs_tui.db.importers import Progress

INTRO = (
    "Import a CSV export: all rows or none, and importing the same file again changes nothing. "
    "Choose the kind, type the path, press enter to check it, then ctrl+s to import."
)


class PathSuggester(Suggester):
    """Completes the last part of a path from the folder's entries (folders and .csv first)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first entry of the typed folder that starts with the typed name."""
        if not value:
            return None
        folder, _, name = value.rpartition("/")
        where = Path(os.path.expanduser(folder or ".")) if folder or value[0] != "/" else Path("/")
        try:
            entries = sorted(
                os.scandir(where),
                key=lambda e: (not e.is_dir(), not e.name.endswith(".csv"), e.name),
            )
        except OSError:
            return None
        for entry in entries:
            if (
                entry.name.startswith(name)
                and entry.name != name
                and not entry.name.startswith(".")
            ):
                return value + entry.name[len(name) :] + ("/" if entry.is_dir() else "")
        return None


def kind_from_name(path: str) -> str | None:
    """The import kind a file's name suggests (`usage-2026.csv` -> usage), if any."""
    stem = Path(path).name.lower()
    return next((kind for kind in KINDS if stem.startswith(kind)), None)


class ImportScreen(SectionScreen):
    """Pick a kind and a file, check it, import it."""

    CSS_PATH = "import_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "check",
            "Check",
            id="import.check",
            tooltip="Check the file: list every problem, write nothing",
        ),
        Binding(
            "ctrl+s",
            "run_import",
            "Import",
            id="import.run",
            tooltip="Import the checked file: all rows or none",
        ),
        Binding("escape", "leave", "Back", id="import.back", tooltip="Back to where you were"),
    ]

    checked: var[ImportResult | None] = var(None)
    """The last check of the file as it is typed now (None: not checked, or changed since)."""
    busy: var[bool] = var(False)
    """A check or an import is running."""

    def __init__(self, kind: str | None = None) -> None:
        super().__init__()
        self.initial_kind = kind or KINDS[0]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="import-body"):
            yield Static(INTRO, id="import-intro")
            with Horizontal(id="import-inputs"):
                yield Select(
                    [(kind, kind) for kind in KINDS],
                    value=self.initial_kind,
                    allow_blank=False,
                    id="import-kind",
                )
                yield Input(
                    placeholder="Path to the CSV file, e.g. ~/exports/accounts.csv",
                    suggester=PathSuggester(),
                    id="import-path",
                )
            yield Static("Nothing checked yet.", id="import-status")
            yield ProgressBar(show_eta=False, id="import-progress")
            yield OptionList(id="import-report")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    # -- state ------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """The kind chosen."""
        return str(self.query_one("#import-kind", Select).value)

    @property
    def path(self) -> str:
        """The path as typed (trimmed)."""
        return self.query_one("#import-path", Input).value.strip()

    def choose(self, kind: str) -> None:
        """Select `kind` (from the palette's "Import accounts..." hits)."""
        self.query_one("#import-kind", Select).value = kind

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_import":
            return None if self.busy or self.checked is None or not self.checked.ok else True
        if action == "check":
            return None if self.busy else True
        return True

    def watch_checked(self) -> None:
        self.refresh_bindings()

    def watch_busy(self, busy: bool) -> None:
        self.set_class(busy, "-busy")
        self.refresh_bindings()

    @on(Input.Changed, "#import-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self.checked = None
        if (kind := kind_from_name(event.value.strip())) is not None and kind != self.kind:
            self.choose(kind)

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self) -> None:
        self.checked = None

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.action_check()

    # -- actions ----------------------------------------------------------------------------

    def action_check(self) -> None:
        """Check the file in a worker: every problem, or what an import would do."""
        if self.busy:
            return
        if not self.path:
            self.show_status("Type the path of a CSV file first.")
            return
        self.start(dry_run=True)

    def action_run_import(self) -> None:
        """Import the checked file in a worker (all rows or none)."""
        if self.busy or self.checked is None or not self.checked.ok:
            return
        self.start(dry_run=False)

    def action_leave(self) -> None:
        """Back to the section shown before."""
        if not self.busy:
            self.cs_app.leave_import()

    # -- work -------------------------------------------------------------------------------

    def start(self, *, dry_run: bool) -> None:
        """Show the progress bar and run the worker."""
        self.busy = True
        self.query_one(ProgressBar).update(total=None, progress=0)
        verb = "Checking" if dry_run else "Importing"
        self.show_status(f"{verb} {self.path} as {self.kind}…")
        self.work(self.kind, self.path, dry_run)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def work(self, kind: str, typed: str, dry_run: bool) -> None:
        """Check or import in a thread; the result goes back to the screen."""
        from cs_tui.db.core import StoreError

        bar = self.query_one(ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        callback: Progress = progress
        path = Path(os.path.expanduser(typed))
        try:
            result = import_csv(self.store, kind, path, callback, dry_run=dry_run, shown=typed)
        except StoreError as error:
            self.app.call_from_thread(self.failed, str(error))
            return
        if result.ok and not result.dry_run and result.changed:
            self.app.call_from_thread(self.show_status, f"Imported {typed}; recomputing health…")
            self.refresh_health(bar)
        self.app.call_from_thread(self.finished, result, kind, typed)

    def refresh_health(self, bar: ProgressBar) -> None:
        """Bring health and playbook runs up to date after an import (in the worker)."""
        from cs_tui.config import ConfigError
        from cs_tui.db.derived import refresh_derived

        def progress(_stage: str, fraction: float) -> None:
            self.app.call_from_thread(bar.update, total=1.0, progress=fraction)

        app = self.cs_app
        try:
            refresh_derived(
                self.store,
                app.as_of,
                stale_days=app.settings.manual_measure_stale_days,
                progress=progress,
            )
        except ConfigError as error:  # a broken health.toml: the import itself stands
            self.app.call_from_thread(self.notify, str(error), title="Health not recomputed")

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged does not bubble: the app's error panel never hears of a failure
        # in a screen's worker, so this screen shows it itself.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.busy = False
            self.checked = None
            self.show_status("Something went wrong; see the error panel.")
            # (the panel itself is opened by SectionScreen's ReportsWorkerErrors)

    def failed(self, message: str) -> None:
        """The database refused the import (read-only, locked...)."""
        self.busy = False
        self.checked = None
        self.show_status(f"Nothing imported: {message}")

    def finished(self, result: ImportResult, kind: str, typed: str) -> None:
        """Show the report; after an import, rebuild the sections from the database."""
        self.busy = False
        report = self.query_one("#import-report", OptionList)
        report.clear_options()
        if not result.ok:
            self.checked = None
            noun = "problem" if result.problem_count == 1 else "problems"
            self.show_status(
                f"{result.problem_count} {noun} in {typed}: nothing can be imported. "
                "Fix the file and check again."
            )
            report.add_options([Option(literal(line)) for line in result.problem_lines()])
            return
        report.add_option(Option(literal(result.summary())))
        if result.dry_run:
            # Only a check of exactly this kind and path unlocks the import.
            self.checked = result if (kind, typed) == (self.kind, self.path) else None
            self.show_status(f"{typed} is valid: press ctrl+s to import it.")
            return
        self.checked = None
        self.show_status(f"Imported {typed}.")
        self.notify(literal_str(result.summary()), title="Imported", markup=False)
        self.cs_app.reset_sections()

    def show_status(self, text: str) -> None:
        """Say what is happening (user text shown literally)."""
        self.query_one("#import-status", Static).update(literal(text))
