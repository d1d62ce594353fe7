"""AccountPlaybooks: the account screen's Playbooks tab."""

from __future__ import annotations

from textual.widgets import Static


class AccountPlaybooks(Static):
    """The playbooks tab of the account screen (filled in by the playbooks work)."""

    def __init__(self, account_id: str) -> None:
        super().__init__(
            "This tab will show the playbook runs for this account, with their checklists and why each started.",
            classes="placeholder",
        )
        self.account_id = account_id
