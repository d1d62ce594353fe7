"""ErrorModal: a failure inside the app, shown without losing the session or the data."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cs_tui.widgets.literal import literal


class ErrorModal(ModalScreen[None]):
    """Says what failed; everything already saved stays saved. `escape` closes."""

    DEFAULT_CSS = """
    ErrorModal {
        align: center middle;
    }
    ErrorModal > Vertical {
        width: 90;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="error.close", tooltip="Close"),
    ]

    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__()
        self.what = what
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Something went wrong", classes="title")
            yield Static(literal(f"{self.what or 'A task'} failed: {self.error!r}"))
            yield Label("Your data is safe: everything saved before this is kept. escape closes.")
