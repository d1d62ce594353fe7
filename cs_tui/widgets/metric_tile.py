"""MetricTile: one metric, its target, and whether it is met (in words, not colour alone)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class MetricTile(Static):
    """A small box: label, value, target, and "✓ met" / "✗ not met" / "no data"."""

    DEFAULT_CSS = """
    MetricTile {
        height: 6;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    MetricTile.-met {
        border: round $success;
    }
    MetricTile.-missed {
        border: round $error;
    }
    """

    def __init__(self, key: str, label: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key = key
        self.label = label
        self.value_text = "…"
        self.met: bool | None = None
        self.border_title = None

    def on_mount(self) -> None:
        self.show("…")

    def show(self, value: str, target: str = "", met: bool | None = None) -> None:
        """Show `value` against `target` ("" when the metric has none)."""
        self.value_text = value
        self.met = met
        text = Text(self.label, style="dim", overflow="ellipsis", no_wrap=True)
        text.append("\n")
        text.append(value, style="bold")
        if target:
            text.append(f"\ntarget {target}", style="dim")
            if met is None:
                text.append("\n· no data", style="dim")
            elif met:
                text.append("\n✓ met")
            else:
                text.append("\n✗ not met", style="bold")
        self.update(text)
        self.set_class(met is True, "-met")
        self.set_class(met is False, "-missed")
