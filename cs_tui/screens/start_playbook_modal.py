"""StartPlaybookModal: pick a playbook and say why, to start it by hand for one account."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from cs_tui.widgets.literal import literal


class StartPlaybookModal(ModalScreen[tuple[str, str] | None]):
    """A playbook and a reason: `enter` in the reason (or `ctrl+s`) starts, `escape` cancels.

    Returns (playbook id, reason), or None when cancelled.
    """

    DEFAULT_CSS = """
    StartPlaybookModal {
        align: center middle;
    }
    StartPlaybookModal > Vertical {
        width: 80;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    StartPlaybookModal Select, StartPlaybookModal Input {
        margin: 0 0 1 0;
    }
    StartPlaybookModal #start-error {
        color: $error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", id="start_playbook.start", tooltip="Start the run"),
        Binding("escape", "cancel", "Cancel", id="start_playbook.cancel", tooltip="Start nothing"),
    ]

    def __init__(self, account_name: str, playbooks: list[tuple[str, str]]) -> None:
        """`playbooks`: (id, name) of every playbook that can be started."""
        super().__init__()
        self.account_name = account_name
        self.playbooks = playbooks

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Start a playbook for {self.account_name}", single_line=True))
            yield Select(
                [(name, pid) for pid, name in self.playbooks],
                prompt="Playbook",
                allow_blank=False,
                id="start-playbook",
            )
            yield Input(placeholder="Why? (required)", id="start-reason")
            yield Label("", id="start-error")
            yield Label("enter or ctrl+s start · escape cancel", classes="hint")

    def on_mount(self) -> None:
        select = self.query_one(Select)
        select.focus()
        self.watch(select, "expanded", self._list_toggled, init=False)

    def _list_toggled(self, expanded: bool) -> None:
        # Once a playbook is picked from the list, the reason is what is left to type.
        if not expanded:
            self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        """Start the chosen playbook, unless the reason is missing."""
        reason = self.query_one(Input).value.strip()
        playbook = self.query_one(Select).value
        if not reason:
            self.query_one("#start-error", Label).update("A reason is needed.")
            self.query_one(Input).focus()
            return
        if not isinstance(playbook, str):
            self.query_one("#start-error", Label).update("Pick a playbook.")
            return
        self.dismiss((playbook, reason))

    def action_cancel(self) -> None:
        """Close without starting anything."""
        self.dismiss(None)
