"""Pydantic models for the rows of the customer-success domain."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Segment = Literal["enterprise", "mid-market", "smb"]
Edition = Literal["professional", "enterprise"]
AccountStatus = Literal["active", "churned"]
StaffRole = Literal["csm", "onboarding", "manager"]
ContactRole = Literal["buyer", "champion", "executive_sponsor", "admin", "user"]
Priority = Literal["low", "normal", "high", "urgent"]
SurveyKind = Literal["nps", "csat"]
RenewalOutcome = Literal["open", "renewed", "churned"]
ActivityKind = Literal[
    "note",
    "call",
    "meeting",
    "email",
    "qbr",
    "renewal_conversation",
    "renewal_proposal",
    "renewal_contract",
    "renewal_outcome",
    "milestone",
    "barrier",
    "playbook",
    "manual_measure",
]
BarrierKind = Literal["customer", "ours"]

SEGMENTS: tuple[Segment, ...] = ("enterprise", "mid-market", "smb")
EDITIONS: tuple[Edition, ...] = ("professional", "enterprise")


class Row(BaseModel):
    """Base for every stored row: strict fields, immutable once read."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Staff(Row):
    """A member of the customer-success team."""

    name: str
    role: StaffRole = "csm"
    email: str | None = None


class Account(Row):
    """A customer account as the CRM export describes it."""

    account_id: str
    name: str
    segment: Segment
    edition: Edition
    csm: str
    start_date: dt.date
    renewal_date: dt.date | None = None
    mrr: float = Field(ge=0)
    licensed_users: int = Field(ge=0)
    status: AccountStatus = "active"
    churned_on: dt.date | None = None

    @property
    def arr(self) -> float:
        """Annual recurring revenue: twelve months of MRR."""
        return self.mrr * 12

    def days_to_renewal(self, as_of: dt.date) -> int | None:
        """Days from `as_of` to the renewal date (negative when past), or None."""
        if self.renewal_date is None:
            return None
        return (self.renewal_date - as_of).days

    def is_active(self, at: dt.date) -> bool:
        """Active at a date: started, and not yet churned (DESIGN.md)."""
        return self.start_date <= at and (self.churned_on is None or self.churned_on > at)


class Contact(Row):
    """A person at a customer account."""

    account_id: str
    name: str
    email: str
    role: ContactRole
    advocate: bool = False


class UsageDay(Row):
    """One account's product usage on one day."""

    account_id: str
    date: dt.date
    active_users: int = Field(ge=0)
    logins: int = Field(ge=0)
    session_minutes: float = Field(ge=0)
    features_used: int = Field(ge=0)
    workflows_completed: int = Field(ge=0)
    integrations_active: int = Field(ge=0)


class Ticket(Row):
    """A support ticket."""

    ticket_id: str
    account_id: str
    opened_at: dt.date
    closed_at: dt.date | None = None
    priority: Priority = "normal"


class SurveyResponse(Row):
    """An NPS (0-10) or CSAT (1-5) response."""

    response_id: str
    account_id: str
    kind: SurveyKind
    score: int
    submitted_at: dt.date
    comment: str = ""


class Renewal(Row):
    """A renewal of an account's contract, open or decided."""

    account_id: str
    renewal_date: dt.date
    arr_due: float = Field(ge=0)
    outcome: RenewalOutcome = "open"
    arr_renewed: float | None = Field(default=None, ge=0)
    churn_reason: str | None = None
    id: int | None = None


class Activity(Row):
    """Something that happened with an account: a note, a call, a QBR, a renewal step."""

    account_id: str
    kind: ActivityKind
    date: dt.date
    author: str
    text: str = ""
    id: int | None = None


class MilestoneTick(Row):
    """A critical-path milestone marked done for an account."""

    account_id: str
    milestone_id: str
    done_on: dt.date
    done_by: str


class Barrier(Row):
    """Something holding a customer back on its critical path."""

    account_id: str
    stage: str
    kind: BarrierKind
    text: str
    opened_on: dt.date
    resolved_on: dt.date | None = None
    created_by: str = ""
    id: int | None = None


class HealthSnapshot(Row):
    """An account's health as computed at the end of one week."""

    account_id: str
    week: dt.date
    score: float
    engagement: float
    product: float
    relationship: float
    business: float


class ManualMeasure(Row):
    """A health measure only a person knows, set by a CSM with a reason."""

    account_id: str
    measure: str
    value: float
    set_by: str
    set_on: dt.date
    reason: str = ""


class PlaybookRun(Row):
    """One run of a playbook for one account."""

    account_id: str
    playbook: str
    started_on: dt.date
    reason: str
    status: Literal["open", "done", "cancelled"] = "open"
    closed_on: dt.date | None = None
    cancel_reason: str | None = None
    id: int | None = None


class PlaybookTask(Row):
    """A step of a playbook run, with its due date."""

    run_id: int
    step: int
    title: str
    owner_role: str
    due_on: dt.date
    done_on: dt.date | None = None
    done_by: str | None = None
    id: int | None = None
