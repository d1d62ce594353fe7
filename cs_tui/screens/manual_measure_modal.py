"""ManualMeasureModal: set a manual health measure (a value on its scale, and why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from cs_tui.domain.health_model import Measure


@dataclass(frozen=True)
class ManualValue:
    """What the user entered: a value on the measure's scale and a reason."""

    measure: str
    value: float
    reason: str


def parse_value(measure: Measure, text: str) -> float:
    """The entered value, checked against the measure's scale.

    Raises:
        ValueError: not a number, or off the scale (the message says the range).
    """
    lo, hi = measure.manual_range()
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"enter a number from {lo:g} to {hi:g}") from None
    if not lo <= value <= hi or value != value:
        raise ValueError(f"{measure.label} takes a value from {lo:g} to {hi:g}")
    return value


class ManualMeasureModal(ModalScreen[ManualValue | None]):
    """Value and reason for one manual measure: `ctrl+s` (or enter on the reason) saves."""

    DEFAULT_CSS = """
    ManualMeasureModal {
        align: center middle;
    }
    ManualMeasureModal > Vertical {
        width: 80;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ManualMeasureModal .field {
        height: auto;
    }
    ManualMeasureModal .field > Label {
        width: 10;
        padding: 1 1 0 0;
    }
    ManualMeasureModal .field > Input {
        width: 1fr;
    }
    ManualMeasureModal #manual-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="manual.save", tooltip="Save the measure"),
        Binding("escape", "cancel", "Cancel", id="manual.cancel", tooltip="Leave it as it was"),
    ]

    def __init__(self, measure: Measure, current: float | None, account_name: str) -> None:
        super().__init__()
        self.measure = measure
        self.current = current
        self.account_name = account_name

    def compose(self) -> ComposeResult:
        lo, hi = self.measure.manual_range()
        title = Text(f"{self.measure.label} for ", "bold")
        title.append(self.account_name)
        with Vertical():
            yield Label(title)
            yield Label(f"Scale {self.measure.scale}: {lo:g} (worst) to {hi:g} (best)")
            with Horizontal(classes="field"):
                yield Label("Value")
                yield Input(
                    "" if self.current is None else f"{self.current:g}",
                    placeholder=f"{lo:g}-{hi:g}",
                    id="manual-value",
                )
            with Horizontal(classes="field"):
                yield Label("Reason")
                yield Input(placeholder="Why (kept with who and when)", id="manual-reason")
            yield Static("", id="manual-error")
            yield Label("ctrl+s save · escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#manual-value", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "manual-value":
            self.query_one("#manual-reason", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        """Check the entry; close with it, or say what is wrong."""
        error = self.query_one("#manual-error", Static)
        try:
            value = parse_value(self.measure, self.query_one("#manual-value", Input).value)
        except ValueError as exc:
            error.update(Text(str(exc)))
            self.query_one("#manual-value", Input).focus()
            return
        reason = self.query_one("#manual-reason", Input).value.strip()
        if not reason:
            error.update(Text("Say why (a reason is kept with the value)"))
            self.query_one("#manual-reason", Input).focus()
            return
        self.dismiss(ManualValue(self.measure.id, value, reason))

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
