"""ReasonModal: ask for the reason of a change (cancelling a run), one line, required."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cs_tui.widgets.literal import literal


class ReasonModal(ModalScreen[str | None]):
    """A one-line reason: `enter` confirms (not when empty), `escape` cancels."""

    DEFAULT_CSS = """
    ReasonModal {
        align: center middle;
    }
    ReasonModal > Vertical {
        width: 80;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ReasonModal #reason-error {
        color: $error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="reason.cancel", tooltip="Change nothing"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.title_text, single_line=True))
            yield Input(placeholder="Why? (required)", id="reason-input")
            yield Label("", id="reason-error")
            yield Label("enter confirm · escape back", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#reason-error", Label).update("A reason is needed.")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        """Close without a reason: nothing changes."""
        self.dismiss(None)
