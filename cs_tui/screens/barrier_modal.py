"""BarrierModal: log a barrier on a stage, picking from the template's known barriers or typing one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from cs_tui.domain.journey import KnownBarrier
from cs_tui.domain.models import BarrierKind
from cs_tui.widgets.literal import literal

KIND_LABELS: dict[BarrierKind, str] = {"customer": "Customer challenge", "ours": "Our issue"}


class BarrierModal(ModalScreen[tuple[BarrierKind, str] | None]):
    """Kind and text of a new barrier: `enter` on a suggestion fills them in, `ctrl+s` saves."""

    DEFAULT_CSS = """
    BarrierModal {
        align: center middle;
    }
    BarrierModal > Vertical {
        width: 84;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    BarrierModal OptionList {
        height: auto;
        max-height: 10;
    }
    BarrierModal RadioSet {
        layout: horizontal;
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="barrier.save", tooltip="Save the barrier"),
        Binding("escape", "cancel", "Cancel", id="barrier.cancel", tooltip="Log nothing"),
    ]

    def __init__(self, stage_name: str, suggestions: list[tuple[KnownBarrier, str | None]]) -> None:
        """Args:
        stage_name: the stage the barrier is logged on.
        suggestions: known barriers, each with the name of its stage when it is another one.
        """
        super().__init__()
        self.stage_name = stage_name
        self.suggestions = [known for known, _ in suggestions]
        self.suggestion_stages = [stage for _, stage in suggestions]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Barrier on {self.stage_name}", "bold", single_line=True))
            if self.suggestions:
                yield Label("Known barriers (enter uses one):", classes="hint")
                yield OptionList(
                    *[
                        Option(
                            Text.assemble(
                                (f"{KIND_LABELS[b.kind]}: ", "bold"),
                                b.text,
                                (f"  ({stage})" if stage else "", "dim"),
                            ),
                            id=str(i),
                        )
                        for i, (b, stage) in enumerate(
                            zip(self.suggestions, self.suggestion_stages, strict=True)
                        )
                    ],
                    id="barrier-suggestions",
                )
            with RadioSet(id="barrier-kind"):
                yield RadioButton(KIND_LABELS["customer"], value=True, id="kind-customer")
                yield RadioButton(KIND_LABELS["ours"], id="kind-ours")
            yield Input(
                placeholder="What holds the customer back?",
                suggester=SuggestFromList([b.text for b in self.suggestions], case_sensitive=False),
                id="barrier-text",
            )
            yield Label("enter or ctrl+s save · escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#barrier-text", Input).focus()

    @property
    def kind(self) -> BarrierKind:
        """The kind chosen."""
        return "ours" if self.query_one("#kind-ours", RadioButton).value else "customer"

    def choose_kind(self, kind: BarrierKind) -> None:
        """Select `kind` in the radio set."""
        self.query_one(f"#kind-{kind}", RadioButton).value = True

    @on(OptionList.OptionSelected, "#barrier-suggestions")
    def _use_suggestion(self, event: OptionList.OptionSelected) -> None:
        known = self.suggestions[int(event.option.id or 0)]
        self.choose_kind(known.kind)
        text = self.query_one("#barrier-text", Input)
        text.value = known.text
        text.focus()

    @on(Input.Submitted, "#barrier-text")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Close, returning (kind, text); an empty text saves nothing."""
        value = self.query_one("#barrier-text", Input).value.strip()
        if not value:
            self.notify("Type what holds the customer back, or escape", severity="warning")
            return
        self.dismiss((self.kind, value))

    def action_cancel(self) -> None:
        """Close without a barrier."""
        self.dismiss(None)
