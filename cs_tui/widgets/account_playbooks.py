"""AccountPlaybooks: the account screen's Playbooks tab: runs with their checklists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from cs_tui.config import load_template
from cs_tui.domain.models import PlaybookRun, PlaybookTask
from cs_tui.domain.playbooks import PlaybookStateError, PlaybookTemplate
from cs_tui.widgets.literal import literal
from cs_tui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from cs_tui.app import CsApp

MARKS = {"open": "▸", "done": "✓", "cancelled": "✗"}


def task_state(task: PlaybookTask, as_of: dt.date) -> Text:
    """How a task stands at `as_of`, styled."""
    if task.done_on is not None:
        by = f" by {task.done_by}" if task.done_by else ""
        return literal(f"done {task.done_on}{by}", "green", single_line=True)
    if task.due_on < as_of:
        return Text("overdue", "bold red")
    if task.due_on == as_of:
        return Text("due today", "bold yellow")
    return Text("open")


def run_state(run: PlaybookRun, tasks: list[PlaybookTask]) -> Text:
    """A run's status line: progress and why it started (or why it was cancelled)."""
    done = sum(t.done_on is not None for t in tasks)
    if run.status == "cancelled":
        text = (
            f"cancelled {run.closed_on}: {run.cancel_reason or ''} · started because: {run.reason}"
        )
    elif run.status == "done":
        text = f"done {run.closed_on} · {done}/{len(tasks)} · why: {run.reason}"
    else:
        text = f"{done}/{len(tasks)} done · why: {run.reason}"
    return literal(text, single_line=True)


class AccountPlaybooks(ReportsWorkerErrors, Vertical):
    """Every run of one account (open first) with its checklist.

    `space` ticks the task under the cursor (again: not done), `p` starts a playbook by hand,
    `c` cancels the run under the cursor; each asks for a reason where one is needed.
    """

    DEFAULT_CSS = """
    AccountPlaybooks {
        height: 1fr;
    }
    AccountPlaybooks #account-runs-summary {
        height: 1;
        color: $text-muted;
    }
    AccountPlaybooks DataTable {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "tick",
            "Tick",
            id="account_playbooks.tick",
            tooltip="Mark the task done (again: not done)",
        ),
        Binding(
            "p",
            "start_playbook",
            "Start playbook",
            id="account_playbooks.start",
            tooltip="Start any playbook by hand, with a reason",
        ),
        Binding(
            "c",
            "cancel_run",
            "Cancel run",
            id="account_playbooks.cancel",
            tooltip="Cancel the run under the cursor, with a reason",
        ),
    ]

    @dataclass
    class StartRequested(Message):
        """The user asked to start a playbook by hand (the app asks which and why)."""

        widget: AccountPlaybooks
        account_name: str
        choices: list[tuple[str, str]]

    @dataclass
    class CancelRequested(Message):
        """The user asked to cancel a run (the app asks why)."""

        widget: AccountPlaybooks
        run: PlaybookRun
        playbook_name: str

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.runs: list[tuple[PlaybookRun, list[PlaybookTask]]] = []
        self.names: dict[str, str] = {}
        self.generation = 0
        """Counts loads; only the latest one's result is shown."""

    @property
    def cs_app(self) -> CsApp:
        """The app, typed."""
        return cast("CsApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="account-runs-summary")
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True, id="account-runs")
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "Playbook / task", "Due", "Owner", "State")
        self.cs_app.derived_changed.subscribe(self, self._derived_changed)
        self.load()

    def _derived_changed(self, what: str) -> None:
        # The start-up evaluation may have started runs: read again.
        if what == "playbooks":
            self.load()

    def load(self) -> None:
        """Read the account's runs and checklists, in a worker."""
        self.generation += 1
        self._load(self.generation)

    # Not exclusive (a cancelled worker makes `wait_for_complete` raise): a stale result is
    # dropped by its generation instead.
    @work(thread=True, group="account-playbooks", exit_on_error=False)
    def _load(self, generation: int) -> None:
        store = self.cs_app.store
        if store is None:
            return
        names = load_template("playbooks.toml", PlaybookTemplate).names()
        runs = store.account_playbooks(self.account_id)
        self.app.call_from_thread(self.show, runs, names, generation)

    def show(
        self,
        runs: list[tuple[PlaybookRun, list[PlaybookTask]]],
        names: dict[str, str],
        generation: int | None = None,
    ) -> None:
        """Fill the table, keeping the cursor on the same row (unless a newer load is due)."""
        if generation is not None and generation != self.generation:
            return
        self.runs, self.names = runs, names
        table = self.query_one(DataTable)
        keep = self.cursor_key
        table.clear()
        as_of = self.cs_app.as_of
        for run, tasks in runs:
            name = names.get(run.playbook, run.playbook)
            table.add_row(
                Text(MARKS.get(run.status, "")),
                literal(name, "bold", single_line=True),
                Text(f"from {run.started_on}"),
                Text(""),
                run_state(run, tasks),
                key=f"run:{run.id}",
            )
            for task in tasks:
                table.add_row(
                    Text("[x]" if task.done_on else "[ ]"),
                    literal(f"  {task.title}", single_line=True),
                    Text(str(task.due_on)),
                    Text(task.owner_role),
                    task_state(task, as_of),
                    key=f"task:{task.id}",
                )
        if keep is not None:
            try:
                table.move_cursor(row=table.get_row_index(keep))
            except Exception:  # noqa: BLE001 - the row went away: the cursor stays where it was
                pass
        open_runs = sum(run.status == "open" for run, _ in runs)
        self.query_one("#account-runs-summary", Static).update(
            f"{open_runs} open run(s), {len(runs) - open_runs} closed · "
            "space tick · p start a playbook · c cancel a run"
        )

    # -- cursor -----------------------------------------------------------------------------

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor: "run:ID" or "task:ID"."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:  # noqa: BLE001 - an empty or shrinking table has no cursor row
            return None
        return row_key.value

    def _cursor_run(self) -> tuple[PlaybookRun, list[PlaybookTask]] | None:
        key = self.cursor_key
        if key is None:
            return None
        kind, _, ident = key.partition(":")
        for run, tasks in self.runs:
            if kind == "run" and str(run.id) == ident:
                return run, tasks
            if kind == "task" and any(str(t.id) == ident for t in tasks):
                return run, tasks
        return None

    # -- actions ----------------------------------------------------------------------------

    def action_tick(self) -> None:
        """Tick (or untick) the task under the cursor, stored at once."""
        key = self.cursor_key
        if key is None or not key.startswith("task:"):
            return
        task_id = int(key.removeprefix("task:"))
        task = next((t for _, tasks in self.runs for t in tasks if t.id == task_id), None)
        store = self.cs_app.store
        if task is None or store is None:
            return
        try:
            if task.done_on is None:
                status = store.tick_task(task_id, self.cs_app.as_of, self.cs_app.user)
                if status == "done":
                    self.notify("Every task done: the run is closed.")
            else:
                store.untick_task(task_id)
        except PlaybookStateError as exc:
            self.notify(str(exc), severity="error", markup=False)
        self.load()

    def action_start_playbook(self) -> None:
        """Ask (through the app) for a playbook and a reason, then start it."""
        template = load_template("playbooks.toml", PlaybookTemplate)
        store = self.cs_app.store
        account = store.account(self.account_id) if store is not None else None
        name = account.name if account is not None else self.account_id
        choices = [(p.id, p.name) for p in template.playbooks]
        self.post_message(self.StartRequested(self, name, choices))

    def start(self, choice: tuple[str, str] | None) -> None:
        """Start the chosen playbook with its reason (None: the user backed out)."""
        store = self.cs_app.store
        if choice is None or store is None:
            return
        playbook = load_template("playbooks.toml", PlaybookTemplate).get(choice[0])
        if playbook is None:
            return
        try:
            store.start_playbook(
                self.account_id, playbook, self.cs_app.as_of, choice[1], self.cs_app.user
            )
        except PlaybookStateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Started {playbook.name}", markup=False)
        self.load()

    def action_cancel_run(self) -> None:
        """Ask (through the app) why, then cancel the open run under the cursor."""
        found = self._cursor_run()
        if found is None:
            return
        run, _ = found
        if run.status != "open":
            self.notify(f"This run is {run.status}: only open runs can be cancelled.")
            return
        self.post_message(
            self.CancelRequested(self, run, self.names.get(run.playbook, run.playbook))
        )

    def cancel(self, run: PlaybookRun, reason: str | None) -> None:
        """Cancel `run` with `reason` (None: the user backed out)."""
        store = self.cs_app.store
        if not reason or store is None or run.id is None:
            return
        try:
            store.cancel_run(run.id, self.cs_app.as_of, reason, self.cs_app.user)
        except PlaybookStateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Run cancelled")
        self.load()
