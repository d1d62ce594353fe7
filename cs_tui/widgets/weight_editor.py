"""WeightEditor: the four health category weights, edited from the keyboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from cs_tui.domain.backtest import CATEGORIES, Weights

STEP = 5
"""Points added or taken by one key press."""


class WeightEditor(Static, can_focus=True):
    """Pick a category with up/down, change its weight with left/right; nothing is saved
    until `ctrl+s` confirms (posting `WeightsConfirmed`)."""

    DEFAULT_CSS = """
    WeightEditor {
        height: auto;
        padding: 0 1;
        border: round $panel-lighten-2;
    }
    WeightEditor:focus {
        border: round $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "pick(-1)", "Previous", id="weights.up", tooltip="Previous category"),
        Binding("down", "pick(1)", "Next", id="weights.down", tooltip="Next category"),
        Binding("k", "pick(-1)", "Previous", show=False, id="weights.k"),
        Binding("j", "pick(1)", "Next", show=False, id="weights.j"),
        Binding("left", "nudge(-1)", "−5", id="weights.less", tooltip="Less weight"),
        Binding("right", "nudge(1)", "+5", id="weights.more", tooltip="More weight"),
        Binding("minus", "nudge(-1)", "−5", show=False, id="weights.minus"),
        Binding("plus,equals_sign", "nudge(1)", "+5", show=False, id="weights.plus"),
        Binding("ctrl+s", "confirm", "Keep weights", id="weights.confirm",
                tooltip="Keep these weights (see the README: what-if weights)"),
        Binding("escape", "reset", "Reset", id="weights.reset",
                tooltip="Back to the weights in force"),
    ]  # fmt: skip

    points: reactive[tuple[int, ...]] = reactive((40, 30, 20, 10))
    """The weights being tried, in points, per category."""
    selected: reactive[int] = reactive(0)
    """The category under the cursor."""

    @dataclass
    class WeightsChanged(Message):
        """The weights being tried changed (recompute the what-if)."""

        editor: WeightEditor
        weights: Weights | None
        """None when every weight is zero (nothing to compute)."""

    @dataclass
    class WeightsConfirmed(Message):
        """The user confirmed the weights being tried."""

        editor: WeightEditor
        weights: Weights

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.in_force: tuple[int, ...] = (40, 30, 20, 10)

    def set_in_force(self, weights: Weights) -> None:
        """The weights currently in force: the starting point and what `escape` returns to."""
        values = [getattr(weights, c) for c in CATEGORIES]
        if not all(float(v).is_integer() for v in values):  # fractions such as 0.4: as points
            values = [100 * v / weights.total for v in values]
        self.in_force = tuple(round(v) for v in values)
        self.points = self.in_force

    @property
    def weights(self) -> Weights | None:
        """The weights being tried (None when all are zero)."""
        return Weights(*self.points) if any(self.points) else None

    def render(self) -> Text:
        total = sum(self.points)
        text = Text()
        for i, (name, value) in enumerate(zip(CATEGORIES, self.points, strict=True)):
            mark = "›" if i == self.selected else " "
            share = f"{100 * value / total:5.1f}%" if total else "    —"
            changed = "*" if value != self.in_force[i] else " "
            line = f"{mark} {name.capitalize():<13}{value:>4}{changed} {share}  "
            text.append(line, style="bold" if i == self.selected else "")
            text.append("█" * (value // 5), style="reverse" if i == self.selected else "")
            text.append("\n")
        note = "sum 100" if total == 100 else f"sum {total}: shares scaled to 100%"
        if total == 0:
            note = "every weight is 0: nothing to score"
        text.append(note, style="dim")
        return text

    def watch_points(self) -> None:
        self.post_message(self.WeightsChanged(self, self.weights))

    def action_pick(self, step: int) -> None:
        """Move the cursor to another category."""
        self.selected = (self.selected + step) % len(CATEGORIES)

    def action_nudge(self, step: int) -> None:
        """Add or take `STEP` points from the selected category (0 to 100)."""
        values = list(self.points)
        values[self.selected] = max(0, min(100, values[self.selected] + step * STEP))
        self.points = tuple(values)

    def action_reset(self) -> None:
        """Back to the weights in force."""
        self.points = self.in_force

    def action_confirm(self) -> None:
        """Confirm the weights being tried."""
        weights = self.weights
        if weights is None:
            self.notify("Every weight is 0: give one category some weight", severity="warning")
            return
        self.post_message(self.WeightsConfirmed(self, weights))
