"""Reads and writes of accounts, people, tickets, surveys, renewals and the activity log."""

from __future__ import annotations

import datetime as dt

from cs_tui.db.core import BaseStore
from cs_tui.domain.models import (
    Account,
    Activity,
    Contact,
    Renewal,
    Staff,
    SurveyResponse,
    Ticket,
)

ACCOUNT_COLUMNS = (
    "account_id",
    "name",
    "segment",
    "edition",
    "csm",
    "start_date",
    "renewal_date",
    "mrr",
    "licensed_users",
    "status",
    "churned_on",
)
"""The columns of the accounts table, in the order bulk writers give them."""


class AccountQueries(BaseStore):
    """The account-level part of the Store."""

    # -- accounts and people ------------------------------------------------------------------

    def accounts(self, *, csm: str | None = None) -> list[Account]:
        """Every account (optionally one CSM's book), ordered by name."""
        if csm:
            return self.models(Account, "SELECT * FROM accounts WHERE csm = ? ORDER BY name", [csm])
        return self.models(Account, "SELECT * FROM accounts ORDER BY name")

    def account(self, account_id: str) -> Account | None:
        """One account, or None."""
        found = self.models(Account, "SELECT * FROM accounts WHERE account_id = ?", [account_id])
        return found[0] if found else None

    def account_names(self) -> list[tuple[str, str]]:
        """(account_id, name) of every account, for the command palette."""
        return [
            (r[0], r[1]) for r in self.query("SELECT account_id, name FROM accounts ORDER BY name")
        ]

    def staff(self) -> list[Staff]:
        """The customer-success team."""
        return self.models(Staff, "SELECT * FROM staff ORDER BY role, name")

    def contacts(self, account_id: str) -> list[Contact]:
        """An account's contacts."""
        rows = self.query("SELECT * FROM contacts WHERE account_id = ? ORDER BY name", [account_id])
        return [Contact.model_validate({**dict(r), "advocate": bool(r["advocate"])}) for r in rows]

    def tickets(self, account_id: str) -> list[Ticket]:
        """An account's support tickets, newest first."""
        return self.models(
            Ticket,
            "SELECT * FROM tickets WHERE account_id = ? ORDER BY opened_at DESC",
            [account_id],
        )

    def surveys(self, account_id: str) -> list[SurveyResponse]:
        """An account's NPS and CSAT responses, newest first."""
        return self.models(
            SurveyResponse,
            "SELECT * FROM surveys WHERE account_id = ? ORDER BY submitted_at DESC",
            [account_id],
        )

    def renewals(self, account_id: str) -> list[Renewal]:
        """An account's renewals, latest first."""
        return self.models(
            Renewal,
            "SELECT * FROM renewals WHERE account_id = ? ORDER BY renewal_date DESC",
            [account_id],
        )

    # -- activities ---------------------------------------------------------------------------

    def activities(self, account_id: str, limit: int = 200) -> list[Activity]:
        """An account's activity log, newest first."""
        return self.models(
            Activity,
            "SELECT * FROM activities WHERE account_id = ? ORDER BY date DESC, id DESC LIMIT ?",
            [account_id, limit],
        )

    def add_activity(
        self, account_id: str, kind: str, date: dt.date, author: str, text: str
    ) -> Activity:
        """Log an activity (stored at once) and return it with its id."""
        activity = Activity(account_id=account_id, kind=kind, date=date, author=author, text=text)  # type: ignore[arg-type]
        with self.transaction() as conn:
            new_id = self.insert_activity(conn, account_id, kind, date, author, text)
        return activity.model_copy(update={"id": new_id})
