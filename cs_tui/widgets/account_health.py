"""AccountHealth: the account screen's Health tab."""

from __future__ import annotations

from textual.widgets import Static


class AccountHealth(Static):
    """The health tab of the account screen (filled in by the health work)."""

    def __init__(self, account_id: str) -> None:
        super().__init__(
            "This tab will show the health score, its four categories with every measure's raw value and contribution, the 52-week trend, and the manual measures a CSM sets.",
            classes="placeholder",
        )
        self.account_id = account_id
