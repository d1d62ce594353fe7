"""Playbooks: declarative trigger rules, their evaluation over account facts, and due dates.

A playbook is data (``cs_tui/templates/playbooks.toml``): an optional trigger, a segment
filter, a cool-down and a list of steps. A trigger is a list of conditions that must ALL
hold, and optionally a list of which at least one (ANY) must hold. Each condition is an
inline table ``{ fact = ..., op = ..., value = ... }`` over one fact of an account at the
as-of date. The vocabulary (``FACTS``):

==================  =====================================================  =============
fact                meaning                                                 extra keys
==================  =====================================================  =============
band                health band: green / yellow / red                      -
score               health score 0-100                                     -
change              health score change over the last ``days`` days        days
category            a health category score 0-100                          name
tickets             support tickets opened in the last ``days`` days       days
days_to_renewal     days from as-of to the next renewal date               -
nps                 category of the latest NPS answer:                     -
                    promoter (9-10) / passive (7-8) / detractor (0-6)
segment             enterprise / mid-market / smb                          -
edition             professional / enterprise                              -
age_days            days since the account's start date                    -
cycle_day           age_days modulo ``days``: where the account stands in   days
                    a recurring cycle counted from its start (QBRs)
==================  =====================================================  =============

Numeric facts take ``<  <=  >  >=  =  !=`` and a number; the others take ``=  !=`` and a
word, or ``in  not in`` and a list of words. A fact that is unknown for an account (no
health yet, no NPS answer, no renewal date) never satisfies a condition, whatever the
operator, so a rule on health simply does not fire before health exists.

A run starts at most once per account and playbook while one is open, and not again within
``cooldown_days`` of the previous run's start (cancelled runs count). Each run records why
it started, e.g. ``tickets in 30 days = 5 > 3``. Step due dates are the run's start plus the
step's ``day`` offset, or, for ``anchor = "renewal"``, the renewal date plus the (negative)
offset, never earlier than the start.

Pure: no I/O, no clock; everything takes ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from cs_tui.domain.models import Edition, Segment
from cs_tui.domain.playbook_rules import (
    BANDS,
    FACTS,
    HEALTH_CATEGORIES,
    NPS_CATEGORIES,
    NUMERIC_OPS,
    WORD_OPS,
    AccountFacts,
    Condition,
    FactSpec,
    StrictModel,
    Trigger,
    nps_category,
)

__all__ = [
    "BANDS",
    "FACTS",
    "HEALTH_CATEGORIES",
    "NPS_CATEGORIES",
    "NUMERIC_OPS",
    "OWNER_ROLES",
    "WORD_OPS",
    "PlaybookStateError",
    "RunProgress",
    "TodayTask",
    "AccountFacts",
    "Condition",
    "FactSpec",
    "Playbook",
    "PlaybookTemplate",
    "RunHistory",
    "RunStart",
    "Step",
    "TaskPlan",
    "Trigger",
    "bucket",
    "evaluate",
    "manual_start",
    "may_start",
    "nps_category",
    "windows",
]

OwnerRole = Literal["csm", "onboarding", "manager", "executive"]
OWNER_ROLES: tuple[OwnerRole, ...] = ("csm", "onboarding", "manager", "executive")
Anchor = Literal["start", "renewal"]
Bucket = Literal["overdue", "today", "week", "later"]


# -- the template ---------------------------------------------------------------------------


class Step(StrictModel):
    """One step of a playbook: a title, a day offset and who does it."""

    title: str = Field(min_length=1)
    day: int = Field(ge=-3650, le=3650)
    owner: OwnerRole


_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


class Playbook(StrictModel):
    """A playbook: what starts it, for which segments, and its steps."""

    id: str
    name: str = Field(min_length=1)
    description: str = ""
    segments: list[Segment] = Field(default_factory=list)
    """Segments the trigger applies to; empty means every segment."""
    editions: list[Edition] = Field(default_factory=list)
    """Editions the trigger applies to; empty means every edition."""
    trigger: Trigger | None = None
    """None: the playbook only starts by hand."""
    cooldown_days: int = Field(default=30, ge=0)
    """No automatic start within this many days of the previous run's start."""
    anchor: Anchor = "start"
    """Step offsets count from the run's start, or from the account's renewal date."""
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_playbook(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Playbook:
        """Put the playbook's id in front of every problem found inside it."""
        try:
            return handler(data)  # type: ignore[no-any-return]
        except ValidationError as exc:
            name = data.get("id") if isinstance(data, dict) else None
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(playbook)'}: "
                f"{err['msg'].removeprefix('Value error, ')}"
                for err in exc.errors()
            )
            raise ValueError(f"playbook {name!r}: {problems}") from None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"id {value!r}: use lower-case letters, digits, '_' or '-', starting with a letter"
            )
        return value

    @model_validator(mode="after")
    def _anchored_offsets(self) -> Playbook:
        if self.anchor == "start" and any(step.day < 0 for step in self.steps):
            raise ValueError('steps.day: negative offsets need anchor = "renewal"')
        return self

    def applies_to(self, facts: AccountFacts) -> bool:
        """Whether the segment and edition filters let this account in."""
        if self.segments and facts.segment not in self.segments:
            return False
        return not (self.editions and facts.edition not in self.editions)

    def plan(self, start: dt.date, renewal_date: dt.date | None = None) -> list[TaskPlan]:
        """The run's tasks with due dates, for a run starting on `start`."""
        tasks = []
        for number, step in enumerate(self.steps, start=1):
            if self.anchor == "renewal" and renewal_date is not None:
                due = max(start, renewal_date + dt.timedelta(days=step.day))
            else:
                due = start + dt.timedelta(days=max(step.day, 0))
            tasks.append(TaskPlan(step=number, title=step.title, owner_role=step.owner, due_on=due))
        return tasks


class PlaybookTemplate(StrictModel):
    """The whole playbooks file."""

    playbooks: list[Playbook] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> PlaybookTemplate:
        seen: set[str] = set()
        for playbook in self.playbooks:
            if playbook.id in seen:
                raise ValueError(f"playbook id {playbook.id!r} appears twice")
            seen.add(playbook.id)
        return self

    def get(self, playbook_id: str) -> Playbook | None:
        """The playbook with this id, or None."""
        return next((p for p in self.playbooks if p.id == playbook_id), None)

    def names(self) -> dict[str, str]:
        """Playbook id -> display name."""
        return {p.id: p.name for p in self.playbooks}


# -- facts, history, evaluation -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunHistory:
    """What has been run of one playbook for one account: is a run open, when did the last start."""

    open: bool
    last_started: dt.date | None


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """A task to create for a new run."""

    step: int
    title: str
    owner_role: str
    due_on: dt.date


@dataclass(frozen=True, slots=True)
class RunStart:
    """A run to start: for which account and playbook, why, and its tasks."""

    account_id: str
    playbook: str
    started_on: dt.date
    reason: str
    tasks: list[TaskPlan]


def windows(template: PlaybookTemplate | Sequence[Playbook]) -> tuple[set[int], set[int]]:
    """The ticket windows and score-change windows (in days) the rules ask about."""
    playbooks = template.playbooks if isinstance(template, PlaybookTemplate) else template
    tickets: set[int] = set()
    change: set[int] = set()
    for playbook in playbooks:
        if playbook.trigger is None:
            continue
        for cond in [*playbook.trigger.all, *playbook.trigger.any]:
            if cond.fact == "tickets" and cond.days:
                tickets.add(cond.days)
            elif cond.fact == "change" and cond.days:
                change.add(cond.days)
    return tickets, change


def may_start(history: RunHistory | None, cooldown_days: int, as_of: dt.date) -> bool:
    """No run open, and the previous start (if any) is at least `cooldown_days` ago."""
    if history is None:
        return True
    if history.open:
        return False
    if history.last_started is None:
        return True
    return (as_of - history.last_started).days >= cooldown_days


def evaluate(
    template: PlaybookTemplate | Sequence[Playbook],
    facts: Iterable[AccountFacts],
    history: Mapping[tuple[str, str], RunHistory],
    as_of: dt.date,
) -> list[RunStart]:
    """Every run the triggers start at `as_of`, with the figures that fired them.

    Args:
        template: the playbooks (only those with a trigger are evaluated).
        facts: one record per active account at `as_of`.
        history: (account_id, playbook id) -> the runs so far, for de-duplication and cool-down.
        as_of: the evaluation date; runs start on it.

    Returns:
        The runs to start, by account then playbook order.
    """
    playbooks = template.playbooks if isinstance(template, PlaybookTemplate) else template
    # Compile once: this loop runs for every account and playbook (10k x 12 at start-up).
    plans = [
        (
            p,
            frozenset(p.segments),
            frozenset(p.editions),
            p.trigger.compiled(),
            p.plan(as_of) if p.anchor == "start" else None,  # the same for every account
        )
        for p in playbooks
        if p.trigger is not None
    ]
    starts: list[RunStart] = []
    for account in facts:
        for playbook, segments, editions, trigger, tasks in plans:
            if (segments and account.segment not in segments) or (
                editions and account.edition not in editions
            ):
                continue
            past = history.get((account.account_id, playbook.id))
            if past is not None and not may_start(past, playbook.cooldown_days, as_of):
                continue
            fired = trigger.fire(account)
            if fired is None:
                continue
            starts.append(
                RunStart(
                    account_id=account.account_id,
                    playbook=playbook.id,
                    started_on=as_of,
                    reason="; ".join(fired),
                    tasks=tasks or playbook.plan(as_of, account.renewal_date),
                )
            )
    return starts


def manual_start(
    playbook: Playbook,
    account_id: str,
    as_of: dt.date,
    reason: str,
    by: str,
    renewal_date: dt.date | None = None,
) -> RunStart:
    """A run started by hand, recording who started it and why."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is needed to start a playbook by hand")
    who = f" by {by}" if by else ""
    return RunStart(
        account_id=account_id,
        playbook=playbook.id,
        started_on=as_of,
        reason=f"started by hand{who}: {reason}",
        tasks=playbook.plan(as_of, renewal_date),
    )


def bucket(due_on: dt.date, as_of: dt.date) -> Bucket:
    """Where an open task falls in Today: overdue, today, this week (next 6 days), later."""
    days = (due_on - as_of).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "today"
    if days < 7:
        return "week"
    return "later"


class PlaybookStateError(ValueError):
    """A change a run's state does not allow (e.g. a second open run), said for the user."""


@dataclass(frozen=True, slots=True)
class TodayTask:
    """A task in the Today list: the task, its run's account and playbook, and why it exists."""

    task_id: int
    run_id: int
    step: int
    title: str
    owner_role: str
    due_on: dt.date
    done_on: dt.date | None
    account_id: str
    account_name: str
    csm: str
    playbook: str
    reason: str

    def bucket(self, as_of: dt.date) -> Bucket:
        """overdue / today / week / later, by due date."""
        return bucket(self.due_on, as_of)


@dataclass(frozen=True, slots=True)
class RunProgress:
    """An open run with its progress, for the runs view."""

    run_id: int
    account_id: str
    account_name: str
    csm: str
    playbook: str
    reason: str
    started_on: dt.date
    done: int
    total: int
    next_due: dt.date | None
