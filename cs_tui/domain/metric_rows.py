"""The rows the metrics read: protocols the domain models satisfy, and light named tuples.

The metrics read a few attributes of each row. The pydantic models of cs_tui.domain.models
have them, and so do the named tuples below, which the Store builds for the metrics: several
times cheaper than models for the hundred thousand rows of a large portfolio's year.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Protocol


class AccountRow(Protocol):
    """What the metrics read of an account."""

    @property
    def account_id(self) -> str: ...
    @property
    def segment(self) -> str: ...
    @property
    def edition(self) -> str: ...
    @property
    def csm(self) -> str: ...
    @property
    def start_date(self) -> dt.date: ...
    @property
    def mrr(self) -> float: ...
    @property
    def churned_on(self) -> dt.date | None: ...


class RenewalRow(Protocol):
    """What the metrics read of a renewal."""

    @property
    def account_id(self) -> str: ...
    @property
    def renewal_date(self) -> dt.date: ...
    @property
    def arr_due(self) -> float: ...
    @property
    def outcome(self) -> str: ...
    @property
    def arr_renewed(self) -> float | None: ...


class SurveyRow(Protocol):
    """What the metrics read of a survey response."""

    @property
    def account_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def submitted_at(self) -> dt.date: ...


class TicketRow(Protocol):
    """What the metrics read of a support ticket."""

    @property
    def account_id(self) -> str: ...
    @property
    def opened_at(self) -> dt.date: ...
    @property
    def closed_at(self) -> dt.date | None: ...


class ContactRow(Protocol):
    """What the metrics read of a contact."""

    @property
    def account_id(self) -> str: ...
    @property
    def advocate(self) -> bool: ...


class AccountFact(NamedTuple):
    """An account as the Store loads it for the metrics."""

    account_id: str
    segment: str
    edition: str
    csm: str
    start_date: dt.date
    mrr: float
    churned_on: dt.date | None


class RenewalFact(NamedTuple):
    """A renewal as the Store loads it for the metrics."""

    account_id: str
    renewal_date: dt.date
    arr_due: float
    outcome: str
    arr_renewed: float | None


class SurveyFact(NamedTuple):
    """A survey response as the Store loads it for the metrics."""

    account_id: str
    kind: str
    score: int
    submitted_at: dt.date


class TicketFact(NamedTuple):
    """A ticket as the Store loads it for the metrics."""

    account_id: str
    opened_at: dt.date
    closed_at: dt.date | None


class ContactFact(NamedTuple):
    """A contact as the Store loads it for the metrics."""

    account_id: str
    advocate: bool


def is_active(account: AccountRow, day: dt.date) -> bool:
    """Active at a date: start_date <= day and (no churned_on or churned_on > day)."""
    return account.start_date <= day and (account.churned_on is None or account.churned_on > day)
