"""AccountJourney: the account screen's Journey tab."""

from __future__ import annotations

from textual.widgets import Static


class AccountJourney(Static):
    """The journey tab of the account screen (filled in by the journey work)."""

    def __init__(self, account_id: str) -> None:
        super().__init__(
            "This tab will show the critical path: the week this customer is in, the stage expected and reached, milestones ticked and due, and open barriers.",
            classes="placeholder",
        )
        self.account_id = account_id
