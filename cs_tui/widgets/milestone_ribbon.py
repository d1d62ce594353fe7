"""MilestoneRibbon: an account's 52 weeks, coloured by stage, with today and every milestone."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from cs_tui.domain.journey import WEEKS, AccountJourney, MilestoneProgress, MilestoneState, Stage

CELL = 2
"""Characters per week."""
LABEL = 8
"""Width of the row labels on the left."""

STAGE_COLOURS = (
    "#2f5d8a",
    "#3d7a6e",
    "#5b7d2e",
    "#8a7a2a",
    "#9a5b2a",
    "#8a3d5d",
    "#5d4a8a",
    "#3a6a9a",
)
"""Background of each stage's weeks, in path order (cycled when a path has more stages)."""

GLYPHS: dict[MilestoneState, tuple[str, str]] = {
    "done": ("●", "bold green"),
    "late": ("◐", "yellow"),
    "due": ("◆", "bold cyan"),
    "overdue": ("✗", "bold red"),
    "upcoming": ("○", "dim"),
}
"""Each state's glyph and colour: the shapes differ, so colour is never the only signal."""

STATE_LABELS: dict[MilestoneState, str] = {
    "done": "done",
    "late": "done late",
    "due": "due this week",
    "overdue": "overdue",
    "upcoming": "upcoming",
}


STATUS_STYLES: dict[str, tuple[str, str]] = {
    "on track": ("✓", "green"),
    "behind": ("!", "yellow"),
    "stuck": ("✗", "bold red"),
}
"""Each journey status's symbol and colour (a symbol as well as a colour)."""


def status_text(status: str, weeks_behind: int = 0) -> Text:
    """ "✓ on track", "! behind 2 wk", "✗ stuck 5 wk"."""
    symbol, style = STATUS_STYLES[status]
    text = f"{symbol} {status}"
    if weeks_behind:
        text += f" {weeks_behind} wk"
    return Text(text, style)


def legend() -> Text:
    """The key to the glyphs, for a line under the ribbon."""
    text = Text()
    for state, (glyph, style) in GLYPHS.items():
        text.append(glyph, style)
        text.append(f" {STATE_LABELS[state]}   ")
    text.append("▼", "bold")
    text.append(" today")
    return text


def stage_label(stage: Stage, width: int) -> str:
    """The stage's name if it fits in `width` characters, else its short label, its initials
    or a cut."""
    for label in (stage.name, stage.short):
        if len(label) <= width:
            return label
    words = stage.name.split()
    if 1 < len(words) <= width:
        return "".join(w[0].upper() for w in words)
    return stage.name[:width]


class MilestoneRibbon(Widget):
    """One cell per week (weeks 1-52) coloured by stage; milestones sit on their due weeks.

    Give it data with `journey` (an `AccountJourney`); `selected` highlights one milestone.
    """

    DEFAULT_CSS = """
    MilestoneRibbon {
        height: auto;
        width: 100%;
        padding: 0 1;
    }
    """

    journey: reactive[AccountJourney | None] = reactive(None, layout=True)
    """The account's path at the as-of date (None: nothing to show yet)."""
    selected: reactive[str | None] = reactive(None)
    """The milestone id shown highlighted (the cursor's milestone)."""

    def render(self) -> Text:
        journey = self.journey
        if journey is None:
            return Text("")
        lines = [
            self._today_line(journey),
            self._weeks_line(),
            self._stage_line(journey),
            *self._milestone_lines(journey),
        ]
        return Text("\n").join(lines)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        journey = self.journey
        if journey is None:
            return 1
        return 3 + len(self._rows(journey))

    # -- lines --------------------------------------------------------------------------------

    @staticmethod
    def _column(week: int) -> int:
        return LABEL + CELL * (week - 1)

    def _today_line(self, journey: AccountJourney) -> Text:
        week = journey.week
        line = Text(" " * LABEL)
        if week < 1:
            days = (journey.start_date - journey.as_of).days
            line.append(f"◀ starts in {days} day{'s' if days != 1 else ''}", "bold")
        elif week > WEEKS:
            line.append(" " * (CELL * WEEKS - 2))
            line.append(f"▶ week {week}", "bold")
        else:
            line.append(" " * (CELL * (week - 1)))
            label = f"▼ today, week {week}"
            if week > WEEKS - 8:
                # keep the label inside the ribbon: write it to the left of the marker
                line = Text(" " * (self._column(week) - len(label) + 1))
                line.append(f"today, week {week} ▼", "bold")
            else:
                line.append(label, "bold")
        return line

    def _weeks_line(self) -> Text:
        line = Text("Week".ljust(LABEL), "dim")
        cells = [" " * CELL] * WEEKS
        text = "".join(cells)
        chars = list(text)
        for week in [1, *range(5, WEEKS + 1, 4), WEEKS]:
            label = str(week)
            start = CELL * (week - 1)
            if week == WEEKS:
                start = CELL * WEEKS - len(label)
            chars[start : start + len(label)] = label
        line.append("".join(chars)[: CELL * WEEKS], "dim")
        return line

    def _stage_line(self, journey: AccountJourney) -> Text:
        line = Text("Stage".ljust(LABEL), "dim")
        covered = 0
        for stage in journey.journey.stages:
            end = min(stage.end_week, WEEKS)
            if stage.week > covered + 1:  # a gap between stages
                line.append(" " * CELL * (stage.week - covered - 1))
            width = CELL * (end - stage.week + 1)
            colour = STAGE_COLOURS[stage.index % len(STAGE_COLOURS)]
            label = stage_label(stage, width).center(width)
            style = Style(color="white", bgcolor=colour, bold=stage.index == journey.reached_index)
            line.append(label, style)
            covered = end
        if covered < WEEKS:
            line.append(" " * CELL * (WEEKS - covered))
        if 1 <= journey.week <= WEEKS:
            # today's cell is underlined as well as marked above
            col = CELL * (journey.week - 1) + LABEL
            line.stylize(Style(underline=True, reverse=True), col, col + CELL)
        return line

    def _rows(self, journey: AccountJourney) -> list[list[MilestoneProgress]]:
        """Milestones grouped by due week, then spread over rows (row k: k-th of each week)."""
        by_week: dict[int, list[MilestoneProgress]] = {}
        for m in journey.milestones:
            by_week.setdefault(min(m.milestone.due_week, WEEKS), []).append(m)
        depth = max((len(v) for v in by_week.values()), default=0)
        rows: list[list[MilestoneProgress]] = [[] for _ in range(depth)]
        for items in by_week.values():
            for k, m in enumerate(items):
                rows[k].append(m)
        return rows

    def _milestone_lines(self, journey: AccountJourney) -> list[Text]:
        lines: list[Text] = []
        for k, row in enumerate(self._rows(journey)):
            chars: list[tuple[str, str | Style]] = [(" " * CELL, "")] * WEEKS
            for m in row:
                glyph, colour = GLYPHS[m.state]
                style: str | Style = colour
                if m.milestone.id == self.selected:
                    style = Style.parse(colour) + Style(reverse=True)
                chars[min(m.milestone.due_week, WEEKS) - 1] = (glyph + " ", style)
            line = Text(("Miles" if k == 0 else "").ljust(LABEL), "dim")
            for text, style in chars:
                line.append(text, style)
            lines.append(line)
        return lines
