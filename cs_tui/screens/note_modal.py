"""NoteModal: write a note for an account's activity log."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from cs_tui.widgets.literal import literal


class NoteModal(ModalScreen[str | None]):
    """A text area for a note: `ctrl+s` saves, `escape` cancels."""

    DEFAULT_CSS = """
    NoteModal {
        align: center middle;
    }
    NoteModal > Vertical {
        width: 80;
        height: 16;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    NoteModal TextArea {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note.save", tooltip="Save the note"),
        Binding("escape", "cancel", "Cancel", id="note.cancel", tooltip="Discard the note"),
    ]

    def __init__(self, account_name: str) -> None:
        super().__init__()
        self.account_name = account_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Note for {self.account_name}", single_line=True))
            yield TextArea(id="note-text")
            yield Label("ctrl+s save · escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        """Close, returning the note (stripped; empty means nothing saved)."""
        self.dismiss(self.query_one(TextArea).text.strip() or None)

    def action_cancel(self) -> None:
        """Close without a note."""
        self.dismiss(None)
