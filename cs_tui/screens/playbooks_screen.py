"""The Playbooks section: Today (my tasks overdue, due today, this week) and the open runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Select, Static, TabbedContent, TabPane

from cs_tui.config import load_template
from cs_tui.domain.playbooks import (
    PlaybookStateError,
    PlaybookTemplate,
    RunProgress,
    TodayTask,
    bucket,
)
from cs_tui.screens.base import SectionScreen
from cs_tui.widgets.filter_bar import FilterBar, matches
from cs_tui.widgets.record_table import Col, RecordTable

WHEN = {
    "overdue": "[b red]overdue[/]",
    "today": "[b yellow]due today[/]",
    "week": "this week",
    "later": "later",
    "done": "[green]✓ done[/]",
}


def _when(value: str) -> str:
    return WHEN.get(value, "")


def _progress(value: tuple[int, int] | None) -> str:
    return "" if value is None else f"{value[0]}/{value[1]}"


TODAY_COLUMNS = [
    Col("when", "When", fmt=_when, width=9),
    Col("due_on", "Due", width=10),
    Col("title", "Task", width=32),
    Col("owner_role", "Owner", width=10),
    Col("account_name", "Account", width=22),
    Col("playbook_name", "Playbook", width=22),
    Col("reason", "Why"),
]

RUN_COLUMNS = [
    Col("account_name", "Account", width=24),
    Col("playbook_name", "Playbook", width=26),
    Col("progress", "Done", fmt=_progress, width=5),
    Col("next_due", "Next due", width=10),
    Col("started_on", "Started", width=10),
    Col("csm", "CSM", width=18),
    Col("reason", "Why"),
]


def today_record(task: TodayTask, names: dict[str, str], as_of: Any) -> dict[str, Any]:
    """The Today table's record for one task."""
    return {
        "task_id": task.task_id,
        "when": "done" if task.done_on else task.bucket(as_of),
        "due_on": task.due_on.isoformat(),
        "title": task.title,
        "owner_role": task.owner_role,
        "account_id": task.account_id,
        "account_name": task.account_name,
        "playbook_name": names.get(task.playbook, task.playbook),
        "playbook": task.playbook,
        "reason": task.reason,
        "csm": task.csm,
    }


def run_record(run: RunProgress, names: dict[str, str]) -> dict[str, Any]:
    """The open-runs table's record for one run."""
    return {
        "run_id": run.run_id,
        "account_id": run.account_id,
        "account_name": run.account_name,
        "playbook": run.playbook,
        "playbook_name": names.get(run.playbook, run.playbook),
        "progress": (run.done, run.total),
        "next_due": run.next_due.isoformat() if run.next_due else None,
        "started_on": run.started_on.isoformat(),
        "csm": run.csm,
        "reason": run.reason,
    }


@dataclass
class Loaded:
    """What one load read: Today's records, the open runs and the playbook names."""

    today: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    names: dict[str, str]


class PlaybooksScreen(SectionScreen):
    """Today's playbook tasks across accounts, and every open run with its progress."""

    CSS_PATH = "playbooks_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "tick",
            "Tick",
            id="playbooks.tick",
            tooltip="Mark the task done (again: not done)",
        ),
        Binding("ctrl+z", "undo", "Undo", id="playbooks.undo", tooltip="Undo the last tick"),
        Binding("enter", "open_account", "Open", id="playbooks.open", tooltip="Open the account"),
        Binding("slash", "filter", "Filter", id="playbooks.filter", tooltip="Filter by text"),
        Binding(
            "t", "show_tab('tab-today')", "Today", id="playbooks.today", tooltip="Today's tasks"
        ),
        Binding(
            "r",
            "show_tab('tab-runs')",
            "Runs",
            id="playbooks.runs",
            tooltip="Open runs and their progress",
        ),
        Binding(
            "m",
            "toggle_mine",
            "Mine/all",
            id="playbooks.mine",
            tooltip="My book only, or every CSM's",
        ),
        Binding(
            "p",
            "pick('#runs-playbook')",
            "Playbook",
            id="playbooks.by_playbook",
            tooltip="Show the runs of one playbook",
        ),
        Binding(
            "o",
            "pick('#runs-owner')",
            "Owner",
            id="playbooks.by_owner",
            tooltip="Show the runs of one CSM",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.today: list[dict[str, Any]] = []
        self.runs: list[dict[str, Any]] = []
        self.names: dict[str, str] = {}
        self.generation = 0
        """Counts loads; only the latest one's result is shown."""
        self.undo_stack: list[tuple[int, str]] = []
        """(task id, what was done: "tick" or "untick"), newest last."""
        self.mine = False
        """Today shows my book only (when settings name me), else every CSM's."""

    def compose_body(self) -> ComposeResult:
        yield FilterBar("Filter by account, playbook, task or why…", id="playbooks-filter")
        yield Static("", id="playbooks-summary")
        with TabbedContent(id="playbooks-tabs"):
            with TabPane("Today", id="tab-today"):
                yield RecordTable(TODAY_COLUMNS, key="task_id", id="today-table")
            with TabPane("Open runs", id="tab-runs"):
                with Horizontal(id="runs-filters"):
                    yield Select([], prompt="Every playbook", id="runs-playbook")
                    yield Select([], prompt="Every CSM", id="runs-owner")
                yield RecordTable(RUN_COLUMNS, key="run_id", id="runs-table")

    @property
    def owner(self) -> str:
        """The CSM whose tasks Today shows, or "" for everyone."""
        return self.cs_app.settings.book_owner if self.mine else ""

    def on_mount(self) -> None:
        self.mine = bool(self.cs_app.settings.book_owner)
        self.query_one("#today-table", RecordTable).focus()
        self.cs_app.derived_changed.subscribe(self, self._derived_changed)
        self.load()

    def on_screen_resume(self) -> None:
        if self.changed_since_read():
            self.load()

    def _derived_changed(self, what: str) -> None:
        # The start-up evaluation may have started runs: read again.
        if what == "playbooks":
            self.load()

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Read Today's tasks, the open runs and the playbook names, in a worker."""
        self.generation += 1
        self.mark_read()
        self._load(self.generation)

    # Not exclusive (a cancelled worker makes `wait_for_complete` raise): a stale result is
    # dropped by its generation instead.
    @work(thread=True, group="playbooks", exit_on_error=False)
    def _load(self, generation: int) -> None:
        names = load_template("playbooks.toml", PlaybookTemplate).names()
        as_of = self.cs_app.as_of
        today = self.store.today_tasks(as_of, csm=self.owner or None)
        runs = self.store.open_runs()
        loaded = Loaded(
            today=[today_record(t, names, as_of) for t in today],
            runs=[run_record(r, names) for r in runs],
            names=names,
        )
        self.app.call_from_thread(self.show, loaded, generation)

    def show(self, loaded: Loaded, generation: int | None = None) -> None:
        """Show what `load` read (unless a newer load was asked for since)."""
        if generation is not None and generation != self.generation:
            return
        self.today, self.runs, self.names = loaded.today, loaded.runs, loaded.names
        self._fill_selects()
        self.apply_filter()

    def _fill_selects(self) -> None:
        by_playbook = self.query_one("#runs-playbook", Select)
        by_owner = self.query_one("#runs-owner", Select)
        used = sorted(
            {r["playbook"] for r in self.runs} | set(self.names),
            key=lambda p: (self.names.get(p) or p).casefold(),
        )
        with self.prevent(Select.Changed):
            keep = by_playbook.value
            by_playbook.set_options([(self.names.get(p, p), p) for p in used])
            if keep in used:
                by_playbook.value = keep
            keep = by_owner.value
            csms = sorted({r["csm"] for r in self.runs if r["csm"]})
            by_owner.set_options([(c, c) for c in csms])
            if keep in csms:
                by_owner.value = keep

    def apply_filter(self) -> None:
        """Show the records matching the filter text and the runs' playbook and CSM choices."""
        text = self.query_one(FilterBar).value
        today = [
            r
            for r in self.today
            if matches(text, r["account_name"], r["playbook_name"], r["title"], r["reason"])
        ]
        playbook = self.query_one("#runs-playbook", Select).value
        owner = self.query_one("#runs-owner", Select).value
        runs = [
            r
            for r in self.runs
            if (not isinstance(playbook, str) or r["playbook"] == playbook)
            and (not isinstance(owner, str) or r["csm"] == owner)
            and matches(text, r["account_name"], r["playbook_name"], r["reason"], r["csm"])
        ]
        self.query_one("#today-table", RecordTable).set_records(today)
        self.query_one("#runs-table", RecordTable).set_records(runs)
        self._summarise(today, runs)

    def _summarise(self, today: list[dict[str, Any]], runs: list[dict[str, Any]]) -> None:
        counts = {
            w: sum(r["when"] == w for r in today) for w in ("overdue", "today", "week", "done")
        }
        who = f"{self.owner}'s book" if self.owner else "every CSM"
        summary = (
            f"Today for {who}: {counts['overdue']} overdue · {counts['today']} due today · "
            f"{counts['week']} this week · {counts['done']} done today   |   "
            f"{len(runs)} of {len(self.runs)} open runs"
        )
        self.query_one("#playbooks-summary", Static).update(summary)

    # -- events -----------------------------------------------------------------------------

    @on(FilterBar.FilterChanged)
    def _filter_changed(self) -> None:
        self.apply_filter()

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self.apply_filter()
        self.query_one("#runs-table", RecordTable).focus()

    @on(RecordTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_account()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        table = "#today-table" if event.pane.id == "tab-today" else "#runs-table"
        self.query_one(table, RecordTable).focus()
        self.refresh_bindings()

    # -- actions ----------------------------------------------------------------------------

    @property
    def on_today(self) -> bool:
        """Whether the Today view is the one shown."""
        return self.query_one(TabbedContent).active == "tab-today"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("tick", "undo", "toggle_mine"):
            return self.on_today
        if action == "pick":
            return not self.on_today
        return True

    def _table(self) -> RecordTable:
        return self.query_one("#today-table" if self.on_today else "#runs-table", RecordTable)

    def action_show_tab(self, tab: str) -> None:
        """Show Today or the open runs."""
        self.query_one(TabbedContent).active = tab

    def action_filter(self) -> None:
        """Show the filter bar."""
        self.query_one(FilterBar).open()

    def action_toggle_mine(self) -> None:
        """Today for my book only, or for every CSM."""
        if not self.cs_app.settings.book_owner:
            self.notify("Set `user` or `my_csm` in settings.toml to see your book only.")
            return
        self.mine = not self.mine
        self.load()

    def action_pick(self, selector: str) -> None:
        """Open the playbook or CSM choice of the runs view."""
        select = self.query_one(selector, Select)
        select.focus()
        select.expanded = True

    def action_open_account(self) -> None:
        """Open the account of the row under the cursor."""
        record = self._table().cursor_record
        if record is not None:
            self.cs_app.open_account(record["account_id"])

    def action_tick(self) -> None:
        """Mark the task under the cursor done, or not done again (stored at once)."""
        record = self.query_one("#today-table", RecordTable).cursor_record
        if record is not None:
            self._set_done(record, record["when"] != "done", remember=True)

    def action_undo(self) -> None:
        """Undo the last tick or untick."""
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        task_id, did = self.undo_stack.pop()
        record = next((r for r in self.today if r["task_id"] == task_id), None)
        if record is None:
            record = {"task_id": task_id, "when": "done" if did == "tick" else "", "due_on": ""}
        self._set_done(record, did != "tick", remember=False)

    def _set_done(self, record: dict[str, Any], done: bool, *, remember: bool) -> None:
        store, as_of = self.store, self.cs_app.as_of
        try:
            if done:
                status = store.tick_task(record["task_id"], as_of, self.cs_app.user)
            else:
                status = store.untick_task(record["task_id"])
        except PlaybookStateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.load()
            return
        if remember:
            self.undo_stack.append((record["task_id"], "tick" if done else "untick"))
        if done:
            record["when"] = "done"
        elif record.get("due_on"):
            record["when"] = bucket(dt.date.fromisoformat(record["due_on"]), as_of)
        if done and status == "done":
            name = record.get("playbook_name", "")
            self.notify(f"Every task done: the run of {name} is closed.", markup=False)
        self.apply_filter()
        self.load()
