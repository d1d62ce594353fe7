"""The Metrics section (placeholder until its work lands: it says what it will hold)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cs_tui.screens.base import SectionScreen


class MetricsScreen(SectionScreen):
    """The Metrics section."""

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Metrics\n\nThis section will show CLV, eligible churn, GRR, NRR, logo churn, NPS, CSAT, average health and the share of red accounts against their targets, with monthly trends and the health score back-test.\n\nIts data comes from accounts, decided renewals, survey responses and weekly health snapshots.",
            classes="placeholder",
        )
