"""AccountJourney: the account screen's Journey tab (ribbon, status, next milestone, barriers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from cs_tui.config import load_template
from cs_tui.domain.journey import TEMPLATE_NAME, JourneyTemplate
from cs_tui.domain.journey import AccountJourney as Path
from cs_tui.domain.models import Barrier
from cs_tui.widgets.literal import literal
from cs_tui.widgets.milestone_ribbon import (
    GLYPHS,
    STATE_LABELS,
    MilestoneRibbon,
    legend,
    status_text,
)
from cs_tui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from cs_tui.app import CsApp


def summary(path: Path, barriers: list[Barrier]) -> Group:
    """Week, stages, status, first value, the next milestone and the open barriers."""
    head = Text()
    if path.started:
        head.append(f"Week {path.week}" + (" of 52" if path.in_first_year else ""), "bold")
    else:
        head.append(f"Starts on {path.start_date}", "bold")
    head.append(
        f" · expected {path.expected_stage_name or '-'} · reached {path.reached_stage_name}"
    )
    head.append(" · ")
    head.append_text(status_text(path.status, path.weeks_behind))
    lines: list[Text] = [head]
    fv = Text("First value: ")
    if path.first_value_on:
        fv.append(f"{path.first_value_on} ({path.time_to_first_value} days)")
    else:
        fv.append(f"not yet (due {path.first_value_due})")
    fv.append(" · onboarding: ")
    fv.append(
        f"complete {path.onboarded_on}" if path.onboarded_on else f"due {path.onboarding_due}"
    )
    lines.append(fv)
    nxt = path.next_milestone
    if nxt is not None:
        glyph, gstyle = GLYPHS[nxt.state]
        line = Text("Next: ")
        line.append(glyph, gstyle)
        line.append(f" {nxt.milestone.title} ({STATE_LABELS[nxt.state]}, due {nxt.due_on})")
        lines.append(line)
    open_barriers = [b for b in barriers if b.resolved_on is None]
    lines.append(Text(f"Open barriers: {len(open_barriers)}", "bold" if open_barriers else ""))
    names = {s.id: s.name for s in path.journey.stages}
    for b in open_barriers:
        line = Text("  ⚑ ", "red")
        line.append(f"{names.get(b.stage, b.stage)} · {b.kind} · ", "dim")
        line.append_text(literal(b.text, single_line=True))
        line.append(f" · since {b.opened_on}", "dim")
        lines.append(line)
    lines.append(Text("t: open the timeline to tick milestones and log barriers", "dim"))
    return Group(*lines)


class AccountJourney(ReportsWorkerErrors, VerticalScroll):
    """The Journey tab: this customer's critical path at a glance."""

    DEFAULT_CSS = """
    AccountJourney {
        height: 1fr;
    }
    AccountJourney #journey-tab-summary {
        padding: 1 1 0 1;
    }
    AccountJourney #journey-tab-legend {
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id

    def compose(self) -> ComposeResult:
        yield MilestoneRibbon(id="journey-tab-ribbon")
        yield Static(legend(), id="journey-tab-legend")
        yield Static("", id="journey-tab-summary")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="account-journey", exit_on_error=False)
    def load(self) -> None:
        """Read the account's path and barriers through the app's Store, then show them."""
        app = cast("CsApp", self.app)
        if app.store is None:
            return
        template = load_template(TEMPLATE_NAME, JourneyTemplate)
        path = app.store.account_journey(
            template, self.account_id, app.as_of, stuck_weeks=app.settings.stuck_weeks
        )
        if path is None:
            return
        barriers = app.store.barriers(self.account_id)
        app.call_from_thread(self.show, path, barriers)

    def show(self, path: Path, barriers: list[Barrier]) -> None:
        """Show one account's path."""
        self.query_one(MilestoneRibbon).journey = path
        self.query_one("#journey-tab-summary", Static).update(summary(path, barriers))
