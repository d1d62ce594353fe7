"""RenewalStepModal: choose which renewal step was done, with an optional note."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from cs_tui.domain.renewals import LOGGABLE_STEPS, STEP_DAYS, STEP_LABELS, Step
from cs_tui.widgets.literal import literal

StepChoice = tuple[Step, str]
"""The step chosen and the note typed (possibly empty)."""


class RenewalStepModal(ModalScreen[StepChoice | None]):
    """Pick a step (`enter`), optionally type a note; `ctrl+s` logs it, `escape` cancels."""

    DEFAULT_CSS = """
    RenewalStepModal {
        align: center middle;
    }
    RenewalStepModal > Vertical {
        width: 72;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    RenewalStepModal OptionList {
        height: auto;
        margin: 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Log", id="renewal_step.save", tooltip="Log the step"),
        Binding("escape", "cancel", "Cancel", id="renewal_step.cancel", tooltip="Log nothing"),
    ]

    def __init__(self, account_name: str, suggested: Step | None = None) -> None:
        super().__init__()
        self.account_name = account_name
        self.suggested = suggested if suggested in LOGGABLE_STEPS else LOGGABLE_STEPS[0]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Log a renewal step for {self.account_name}", single_line=True))
            yield OptionList(
                *[
                    Option(f"{STEP_LABELS[s]}  (due {STEP_DAYS[s]} days before)", id=s)
                    for s in LOGGABLE_STEPS
                ],
                id="renewal-step-list",
            )
            yield Input(placeholder="Note (optional)", id="renewal-step-note")
            yield Label(
                "enter on a step or ctrl+s: log · tab: note · escape: cancel", classes="hint"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = LOGGABLE_STEPS.index(self.suggested)
        options.focus()

    @property
    def chosen(self) -> Step:
        """The step highlighted in the list."""
        index = self.query_one(OptionList).highlighted
        return LOGGABLE_STEPS[index if index is not None else 0]

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    def action_save(self) -> None:
        """Close, returning the highlighted step and the note."""
        self.dismiss((self.chosen, self.query_one(Input).value.strip()))

    def action_cancel(self) -> None:
        """Close without logging."""
        self.dismiss(None)
