"""The Critical path section (placeholder until its work lands: it says what it will hold)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cs_tui.screens.base import SectionScreen


class JourneyScreen(SectionScreen):
    """The Critical path section."""

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Critical path\n\nThis section will show every customer in its first year\n\nIts data comes from  the week it is in, the stage expected and the stage reached, weeks behind, status (on track / behind / stuck), open barriers and the next milestone due; with charts of accounts per stage and barriers by stage.:ticked milestones and barriers (tables milestones, barriers) against the stages of templates/journey.toml.",
            classes="placeholder",
        )
