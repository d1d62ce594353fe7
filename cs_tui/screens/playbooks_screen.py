"""The Playbooks section (placeholder until its work lands: it says what it will hold)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cs_tui.screens.base import SectionScreen


class PlaybooksScreen(SectionScreen):
    """The Playbooks section."""

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Playbooks\n\nThis section will show Today\n\nIts data comes from  tasks overdue, due today and this week from the playbook runs, each with why its run started; and the open runs with their progress.:playbook runs started by the trigger rules of templates/playbooks.toml.",
            classes="placeholder",
        )
