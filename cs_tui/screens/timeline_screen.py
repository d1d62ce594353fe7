"""The account timeline: one customer's 52-week critical path, ticked and unblocked from the keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cs_tui.config import load_template
from cs_tui.db.core import StoreError
from cs_tui.domain.journey import (
    TEMPLATE_NAME,
    AccountJourney,
    JourneyTemplate,
    KnownBarrier,
    MilestoneProgress,
    Stage,
)
from cs_tui.domain.models import Account, Barrier, BarrierKind, MilestoneTick
from cs_tui.screens.barrier_modal import KIND_LABELS, BarrierModal
from cs_tui.screens.base import SectionScreen
from cs_tui.widgets.literal import literal
from cs_tui.widgets.milestone_ribbon import (
    GLYPHS,
    STATE_LABELS,
    MilestoneRibbon,
    legend,
    status_text,
)


def age(days: int) -> str:
    """A span of days in words: "1 day", "9 days", "3 weeks"."""
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days // 7} weeks"


def open_for(opened_on: dt.date, as_of: dt.date) -> str:
    """How long a barrier has been open: "opened today", "open 9 days"."""
    days = (as_of - opened_on).days
    return "opened today" if days <= 0 else f"open {age(days)}"


def resolved_after(barrier: Barrier) -> str:
    """How long a resolved barrier was open."""
    assert barrier.resolved_on is not None
    days = (barrier.resolved_on - barrier.opened_on).days
    return "resolved the same day" if days <= 0 else f"resolved after {age(days)}"


@dataclass(frozen=True)
class TimelineData:
    """Everything the timeline shows, read in one worker."""

    account: Account
    journey: AccountJourney
    barriers: list[Barrier]
    template: JourneyTemplate


@dataclass(frozen=True)
class Change:
    """One change made on this screen, with what undoing it needs."""

    kind: str
    """"tick", "untick", "add_barrier" or "resolve"."""
    milestone_id: str = ""
    previous: MilestoneTick | None = None
    barrier_id: int = 0
    title: str = ""


class TimelineScreen(SectionScreen):
    """One account's critical path: the ribbon, then stages with milestones and barriers."""

    CSS_PATH = "timeline_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="timeline.back", tooltip="Back"),
        Binding(
            "space", "toggle_tick", "Tick", id="timeline.tick", tooltip="Tick or untick a milestone"
        ),
        Binding("ctrl+z", "undo", "Undo", id="timeline.undo", tooltip="Undo the last change"),
        Binding("b", "add_barrier", "Barrier", id="timeline.barrier", tooltip="Log a barrier"),
        Binding(
            "r", "resolve_barrier", "Resolve", id="timeline.resolve", tooltip="Resolve a barrier"
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.data: TimelineData | None = None
        self.undo_stack: list[Change] = []
        self.cursor_id: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="timeline-head")
        yield MilestoneRibbon(id="timeline-ribbon")
        yield Static(legend(), id="timeline-legend")
        with Horizontal(id="timeline-body"):
            yield OptionList(id="path-list")
            yield Static("", id="timeline-detail")

    def on_mount(self) -> None:
        self.query_one("#path-list", OptionList).focus()
        self.load()

    # -- reading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def load(self) -> None:
        """Read the account, its path and its barriers, and show them."""
        store, app = self.store, self.cs_app
        template = load_template(TEMPLATE_NAME, JourneyTemplate)
        account = store.account(self.account_id)
        journey = store.account_journey(
            template, self.account_id, app.as_of, stuck_weeks=app.settings.stuck_weeks
        )
        if account is None or journey is None:
            return
        data = TimelineData(account, journey, store.barriers(self.account_id), template)
        app.call_from_thread(self.show, data)

    def show(self, data: TimelineData) -> None:
        """Show `data`, keeping the cursor on the same milestone or barrier."""
        self.data = data
        journey = data.journey
        self.query_one("#timeline-head", Static).update(self._head(data))
        self.query_one(MilestoneRibbon).journey = journey
        options: list[Option] = []
        by_stage: dict[str, list[Barrier]] = {}
        for barrier in data.barriers:
            by_stage.setdefault(barrier.stage, []).append(barrier)
        for stage in journey.journey.stages:
            options.append(
                Option(
                    self._stage_heading(stage, by_stage.get(stage.id, [])),
                    id=f"stage:{stage.id}",
                    disabled=True,
                )
            )
            for progress in journey.stage_progress(stage):
                options.append(
                    Option(self._milestone_line(progress), id=f"m:{progress.milestone.id}")
                )
            for barrier in by_stage.pop(stage.id, []):
                options.append(Option(self._barrier_line(barrier), id=f"b:{barrier.id}"))
        if by_stage:  # barriers on stages the template no longer has
            options.append(Option(Text("Other stages", "bold"), id="stage:", disabled=True))
            for barriers in by_stage.values():
                for barrier in barriers:
                    options.append(Option(self._barrier_line(barrier), id=f"b:{barrier.id}"))
        path_list = self.query_one("#path-list", OptionList)
        path_list.set_options(options)
        ids = [o.id for o in options]
        cursor = self.cursor_id
        if cursor not in ids:
            nxt = journey.next_milestone
            cursor = f"m:{nxt.milestone.id}" if nxt else f"m:{journey.journey.milestones[0].id}"
        path_list.highlighted = ids.index(cursor)
        self._show_detail()

    def _head(self, data: TimelineData) -> Group:
        j, account = data.journey, data.account
        title = literal(account.name, "bold", single_line=True)
        title.append(f"   {account.edition} · CSM ", "dim")
        title.append_text(literal(account.csm, "dim", single_line=True))
        title.append(f" · started {account.start_date}", "dim")
        facts = Text()
        if j.started:
            facts.append(f"Week {j.week}" + (" of 52" if j.in_first_year else ""), "bold")
        else:
            facts.append(f"Starts on {account.start_date}", "bold")
        facts.append(
            f" · expected {j.expected_stage_name or '-'} · reached {j.reached_stage_name} · "
        )
        facts.append_text(status_text(j.status, j.weeks_behind))
        facts.append(f" · {j.open_barriers} open barrier{'s' if j.open_barriers != 1 else ''}")
        if j.first_value_on:
            facts.append(f" · first value {j.first_value_on} ({j.time_to_first_value} days)")
        if j.onboarded_on:
            facts.append(f" · onboarded {j.onboarded_on}")
        return Group(title, facts)

    def _stage_heading(self, stage: Stage, barriers: list[Barrier]) -> Text:
        assert self.data is not None
        j = self.data.journey
        due = j.start_date + dt.timedelta(days=7 * stage.end_week - 1)
        text = Text(stage.name, "bold")
        text.append(f"  week {stage.weeks_label} · due {due}", "dim")
        if stage.index == j.expected_index:
            text.append("  ◀ expected now", "bold")
        open_count = sum(1 for b in barriers if b.resolved_on is None)
        if open_count:
            text.append(f"  ⚑ {open_count} open", "bold red")
        return text

    def _milestone_line(self, progress: MilestoneProgress) -> Text:
        glyph, style = GLYPHS[progress.state]
        text = Text("  ")
        text.append(glyph, style)
        text.append(f" {progress.milestone.title}".ljust(36))
        text.append(STATE_LABELS[progress.state].ljust(15), style)
        if progress.done_on is not None:
            text.append(f"{progress.done_on}", "dim")
            if progress.done_by:
                text.append(" by ", "dim")
                text.append_text(literal(progress.done_by, "dim", single_line=True))
        else:
            text.append(f"due {progress.due_on}", "dim")
        return text

    def _barrier_line(self, barrier: Barrier) -> Text:
        as_of = self.cs_app.as_of
        resolved = barrier.resolved_on is not None
        text = Text("  ")
        text.append("⚐" if resolved else "⚑", "dim" if resolved else "bold red")
        text.append(f" {KIND_LABELS[barrier.kind]}: ", "dim" if resolved else "bold")
        text.append_text(literal(barrier.text, "dim" if resolved else "", single_line=True))
        if barrier.resolved_on is not None:
            text.append(f"  {resolved_after(barrier)} ({barrier.resolved_on})", "dim")
        else:
            text.append(f"  {open_for(barrier.opened_on, as_of)}", "red")
        return text

    # -- the cursor ---------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#path-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.cursor_id = event.option.id
        self._show_detail()

    def _show_detail(self) -> None:
        if self.data is None:
            return
        ribbon = self.query_one(MilestoneRibbon)
        cursor = self.cursor_id or ""
        ribbon.selected = cursor[2:] if cursor.startswith("m:") else None
        self.query_one("#timeline-detail", Static).update(self._detail(cursor))

    def _detail(self, cursor: str) -> Text:
        assert self.data is not None
        if cursor.startswith("m:"):
            progress = self.progress(cursor[2:])
            if progress is None:
                return Text("")
            stage = self.data.journey.journey.stages[progress.milestone.stage_index]
            glyph, style = GLYPHS[progress.state]
            text = Text(progress.milestone.title + "\n", "bold")
            text.append(
                f"{stage.name}, due by week {progress.milestone.due_week}: {progress.due_on}\n"
            )
            text.append(f"{glyph} {STATE_LABELS[progress.state]}", style)
            if progress.done_on:
                text.append(f" on {progress.done_on}")
                if progress.done_by:
                    text.append(" by ")
                    text.append_text(literal(progress.done_by, single_line=True))
            text.append(
                "\n\nspace: " + ("untick" if progress.is_done else "tick") + " · b: barrier"
            )
            if stage.barriers:
                text.append("\n\nBarriers seen at this stage:", "bold")
                for known in stage.barriers:
                    text.append(f"\n· {KIND_LABELS[known.kind]}: ", "dim")
                    text.append(known.text, "dim")
            return text
        barrier = self.barrier(cursor)
        if barrier is None:
            return Text("")
        text = Text(f"{KIND_LABELS[barrier.kind]}\n", "bold")
        text.append_text(literal(barrier.text))
        on_stage = self.data.journey.journey.stage_by_id.get(barrier.stage)
        text.append("\n\nStage: ")
        text.append_text(literal(on_stage.name if on_stage else barrier.stage, single_line=True))
        text.append(f"\nOpened {barrier.opened_on}")
        if barrier.created_by:
            text.append(" by ")
            text.append_text(literal(barrier.created_by, single_line=True))
        if barrier.resolved_on:
            text.append(f"\nResolved {barrier.resolved_on}: {resolved_after(barrier)}")
        else:
            text.append(f"\n{open_for(barrier.opened_on, self.cs_app.as_of).capitalize()}")
            text.append("\n\nr: resolve · ctrl+z: undo")
        return text

    def progress(self, milestone_id: str) -> MilestoneProgress | None:
        """The milestone `milestone_id` as shown."""
        if self.data is None:
            return None
        for progress in self.data.journey.milestones:
            if progress.milestone.id == milestone_id:
                return progress
        return None

    def barrier(self, cursor: str | None) -> Barrier | None:
        """The barrier under option id `cursor` ("b:<id>")."""
        if self.data is None or not cursor or not cursor.startswith("b:"):
            return None
        wanted = int(cursor[2:])
        return next((b for b in self.data.barriers if b.id == wanted), None)

    def cursor_stage(self) -> Stage | None:
        """The stage the cursor is in (the milestone's or the barrier's)."""
        if self.data is None or not self.cursor_id:
            return None
        path = self.data.journey.journey
        if self.cursor_id.startswith("m:"):
            progress = self.progress(self.cursor_id[2:])
            return path.stages[progress.milestone.stage_index] if progress else None
        barrier = self.barrier(self.cursor_id)
        return path.stage_by_id.get(barrier.stage) if barrier else None

    def action_back(self) -> None:
        """Close the timeline (the screen below refreshes what changed)."""
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        """Next milestone or barrier."""
        self.query_one("#path-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous milestone or barrier."""
        self.query_one("#path-list", OptionList).action_cursor_up()

    # -- changes ------------------------------------------------------------------------------

    def _write(self, change: Change | None, write: Callable[[], object]) -> bool:
        """Run a Store write; remember `change` for undo; reload. False when it failed."""
        try:
            write()
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return False
        if change is not None:
            self.undo_stack.append(change)
        self.load()
        return True

    def _tell(self, message: str) -> None:
        """A short notification, shown literally (it may quote a barrier's text)."""
        self.notify(message, timeout=2, markup=False)

    def action_toggle_tick(self) -> None:
        """Tick the milestone under the cursor (or untick it), stored at once."""
        if not self.cursor_id or not self.cursor_id.startswith("m:"):
            return
        progress = self.progress(self.cursor_id[2:])
        if progress is None:
            return
        store, as_of, user, aid = self.store, self.cs_app.as_of, self.cs_app.user, self.account_id
        mid, title = progress.milestone.id, progress.milestone.title
        stored = next((t for t in store.milestone_ticks(aid) if t.milestone_id == mid), None)
        if progress.is_done:
            if self._write(
                Change("untick", mid, stored, title=title),
                lambda: store.untick_milestone(aid, mid, as_of, user, title=title),
            ):
                self._tell(f"Unticked: {title}")
        elif self._write(
            Change("tick", mid, stored, title=title),
            lambda: store.tick_milestone(aid, mid, as_of, user, title=title),
        ):
            self._tell(f"Ticked: {title}")

    def action_undo(self) -> None:
        """Undo the last tick, untick, barrier or resolve made on this screen."""
        if not self.undo_stack:
            self._tell("Nothing to undo")
            return
        change = self.undo_stack.pop()
        if self._write(None, self._undo_write(change)):
            self._tell(f"Undone: {change.kind.replace('_', ' ')}: {change.title}")
        else:
            self.undo_stack.append(change)

    def _undo_write(self, change: Change) -> Callable[[], object]:
        """The Store write that reverses `change`."""
        store, as_of, user, aid = self.store, self.cs_app.as_of, self.cs_app.user, self.account_id
        prev = change.previous
        if change.kind in ("tick", "untick") and prev is not None:
            # put back the tick as it was (its date and who), which undoes both a tick over an
            # earlier one and an untick
            return lambda: store.tick_milestone(
                aid, prev.milestone_id, prev.done_on, prev.done_by, title=change.title
            )
        if change.kind == "tick":
            return lambda: store.untick_milestone(
                aid, change.milestone_id, as_of, user, title=change.title
            )
        if change.kind == "add_barrier":
            return lambda: store.delete_barrier(change.barrier_id, as_of, user)
        return lambda: store.reopen_barrier(change.barrier_id, as_of, user)

    def action_add_barrier(self) -> None:
        """Log a barrier on the stage under the cursor (kind and text in a modal)."""
        stage = self.cursor_stage()
        if stage is None or self.data is None:
            return
        suggestions: list[tuple[KnownBarrier, str | None]] = [(b, None) for b in stage.barriers]
        suggestions += [
            (b, s.name) for s in self.data.template.stages if s.id != stage.id for b in s.barriers
        ]

        def save(result: tuple[BarrierKind, str] | None) -> None:
            if result is None:
                return
            kind, text = result
            try:
                barrier = self.store.add_barrier(
                    self.account_id, stage.id, kind, text, self.cs_app.as_of, self.cs_app.user
                )
            except StoreError as exc:
                self.notify(str(exc), title="Not saved", severity="error", markup=False)
                return
            self.undo_stack.append(Change("add_barrier", barrier_id=barrier.id or 0, title=text))
            self.cursor_id = f"b:{barrier.id}"
            self._tell(f"Barrier logged on {stage.name}")
            self.load()

        self.app.push_screen(BarrierModal(stage.name, suggestions), save)

    def action_resolve_barrier(self) -> None:
        """Resolve the barrier under the cursor (or the stage's only open one)."""
        barrier = self.barrier(self.cursor_id)
        if barrier is None:
            stage = self.cursor_stage()
            candidates = [
                b
                for b in (self.data.barriers if self.data else [])
                if stage is not None and b.stage == stage.id and b.resolved_on is None
            ]
            if len(candidates) != 1:
                self._tell(
                    "Move the cursor to the barrier to resolve"
                    if candidates
                    else "No open barrier on this stage"
                )
                return
            barrier = candidates[0]
        if barrier.resolved_on is not None or barrier.id is None:
            self._tell("Already resolved")
            return
        store, bid, as_of, user = self.store, barrier.id, self.cs_app.as_of, self.cs_app.user
        if self._write(
            Change("resolve", barrier_id=bid, title=barrier.text),
            lambda: store.resolve_barrier(bid, as_of, user),
        ):
            self._tell("Barrier resolved")
