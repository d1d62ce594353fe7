"""The Renewals section (placeholder until its work lands: it says what it will hold)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cs_tui.screens.base import SectionScreen


class RenewalsScreen(SectionScreen):
    """The Renewals section."""

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Renewals\n\nThis section will show the queue of open renewals from 90 days out\n\nIts data comes from  window, the step expected by now (initial conversation at 90 days, proposal at 60, contract at 30), whether it is done, ARR due and health band; with ARR due per month.:the renewals table and the renewal steps logged as activities.",
            classes="placeholder",
        )
