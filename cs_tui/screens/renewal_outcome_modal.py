"""RenewalOutcomeModal: record a renewal as renewed (new ARR) or churned (reason and text)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from cs_tui.domain.renewal_outcomes import (
    CHURN_REASONS,
    Outcome,
    RenewalError,
    outcome_kind,
    parse_arr,
    validate_outcome,
)
from cs_tui.widgets.literal import literal

FIELD_LABELS = {"arr_renewed": "New ARR", "reason": "Reason", "note": "Note", "outcome": "Outcome"}


class RenewalOutcomeModal(ModalScreen[Outcome | None]):
    """A small form: renewed or churned; `ctrl+s` validates and saves, `escape` cancels.

    Returns the validated outcome; the caller stores it.
    """

    DEFAULT_CSS = """
    RenewalOutcomeModal {
        align: center middle;
    }
    RenewalOutcomeModal > Vertical {
        width: 80;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    RenewalOutcomeModal RadioSet {
        layout: horizontal;
        width: auto;
        margin: 1 0 0 0;
    }
    RenewalOutcomeModal .field {
        height: auto;
    }
    RenewalOutcomeModal .field > Label {
        width: 10;
        padding: 1 1 0 0;
    }
    RenewalOutcomeModal .field > Input, RenewalOutcomeModal .field > Select {
        width: 1fr;
    }
    RenewalOutcomeModal.-churned #field-arr, RenewalOutcomeModal.-renewed #field-reason {
        display: none;
    }
    RenewalOutcomeModal #outcome-errors {
        color: $error;
        text-style: bold;
        height: auto;
    }
    RenewalOutcomeModal #outcome-change {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="renewal_outcome.save", tooltip="Record the outcome"),
        Binding("escape", "cancel", "Cancel", id="renewal_outcome.cancel", tooltip="Discard"),
    ]

    def __init__(self, account_name: str, renewal_date: str, arr_due: float) -> None:
        super().__init__(classes="-renewed")
        self.account_name = account_name
        self.renewal_date = renewal_date
        self.arr_due = arr_due

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                literal(
                    f"Outcome of {self.account_name}'s renewal due {self.renewal_date} "
                    f"({self.arr_due:,.0f} ARR)",
                    single_line=True,
                ),
                classes="title",
            )
            with RadioSet(id="outcome-kind"):
                yield RadioButton("Renewed", value=True, id="outcome-renewed")
                yield RadioButton("Churned", id="outcome-churned")
            with Horizontal(classes="field", id="field-arr"):
                yield Label("New ARR")
                yield Input(
                    value=f"{self.arr_due:.0f}", placeholder="e.g. 12000 or 12k", id="outcome-arr"
                )
            with Horizontal(classes="field", id="field-reason"):
                yield Label("Reason")
                yield Select(
                    [(label, key) for key, label in CHURN_REASONS.items()],
                    prompt="Choose why the customer left",
                    id="outcome-reason",
                )
            with Horizontal(classes="field"):
                yield Label("Note")
                yield Input(placeholder="Free text (required for 'other')", id="outcome-note")
            yield Static("", id="outcome-change")
            yield Static("", id="outcome-errors")
            yield Label("ctrl+s save · escape cancel · tab next field", classes="hint")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()
        self._describe_change()

    @property
    def outcome(self) -> str:
        """ "renewed" or "churned", as chosen."""
        return "churned" if self.query_one("#outcome-churned", RadioButton).value else "renewed"

    @on(RadioSet.Changed)
    def _kind_changed(self) -> None:
        churned = self.outcome == "churned"
        self.set_class(churned, "-churned")
        self.set_class(not churned, "-renewed")
        self.query_one("#outcome-errors", Static).update("")
        self._describe_change()

    @on(Input.Changed, "#outcome-arr")
    def _describe_change(self) -> None:
        """Say, as the ARR is typed, whether it is an expansion or a contraction."""
        line = self.query_one("#outcome-change", Static)
        if self.outcome == "churned":
            line.update(f"Churn: {self.arr_due:,.0f} ARR lost")
            return
        try:
            value = parse_arr(self.query_one("#outcome-arr", Input).value)
        except ValueError:
            line.update("")
            return
        kind = outcome_kind(self.arr_due, "renewed", value)
        line.update(f"{kind}: {value - self.arr_due:+,.0f} ARR")

    @on(Input.Submitted)
    def action_save(self) -> None:
        """Validate; show every problem, or close returning the outcome."""
        reason = self.query_one(Select).value
        try:
            outcome = validate_outcome(
                self.outcome,
                arr_renewed=self.query_one("#outcome-arr", Input).value,
                reason=reason if isinstance(reason, str) else None,
                note=self.query_one("#outcome-note", Input).value,
            )
        except RenewalError as exc:
            errors = Text()
            for field, message in exc.problems.items():
                if errors:
                    errors.append("\n")
                errors.append(f"✗ {FIELD_LABELS.get(field, field)}: {message}")
            self.query_one("#outcome-errors", Static).update(errors)
            return
        self.dismiss(outcome)

    def action_cancel(self) -> None:
        """Close without recording anything."""
        self.dismiss(None)
