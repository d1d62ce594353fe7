"""Renewal rules: windows, the expected step, late detection, risk, summaries (pure, no I/O).

DOMAIN.md's timeline before the renewal date: 90 days initial conversation, 60 days
proposal, 30 days contract presentation, the renewal date itself execution. The known
failure is waiting too long, so an open renewal whose expected step is missing is *late*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cs_tui.domain.models import ActivityKind, Renewal

Window = Literal["over-90", "90-61", "60-31", "30-1", "today", "overdue"]
Step = Literal["conversation", "proposal", "contract", "execution"]
Risk = Literal["high", "medium", "low", "unknown"]
Band = Literal["green", "yellow", "red"]

WINDOWS: tuple[Window, ...] = ("overdue", "today", "30-1", "60-31", "90-61", "over-90")
"""Every window, most urgent first (the order the queue groups by)."""

WINDOW_LABELS: dict[Window, str] = {
    "over-90": "over 90 days",
    "90-61": "90-61 days",
    "60-31": "60-31 days",
    "30-1": "30-1 days",
    "today": "due today",
    "overdue": "overdue",
}

STEPS: tuple[Step, ...] = ("conversation", "proposal", "contract", "execution")
"""The renewal steps in the order they happen."""

STEP_DAYS: dict[Step, int] = {"conversation": 90, "proposal": 60, "contract": 30, "execution": 0}
"""Days before the renewal date by which each step is expected (DOMAIN.md)."""

STEP_LABELS: dict[Step, str] = {
    "conversation": "initial conversation",
    "proposal": "proposal sent",
    "contract": "contract presented",
    "execution": "execution",
}

LOGGABLE_STEPS: tuple[Step, ...] = ("conversation", "proposal", "contract")
"""Steps logged as activities; execution is recorded as the renewal's outcome."""

STEP_ACTIVITY: dict[Step, ActivityKind] = {
    "conversation": "renewal_conversation",
    "proposal": "renewal_proposal",
    "contract": "renewal_contract",
}
ACTIVITY_STEP: dict[str, Step] = {kind: step for step, kind in STEP_ACTIVITY.items()}

EVIDENCE_DAYS = 120
"""A step counts as done when logged at most this many days before the renewal date."""

FALLING = -5.0
"""A 30-day health change at or below this is a falling trend (points of the 0-100 score)."""
FALLING_FAST = -10.0
"""A 30-day health change at or below this turns even a green account into a risk."""


class Frozen(BaseModel):
    """Base for the value objects of the renewal modules."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthInfo:
    """What the queue needs of an account's health; None fields are unknown."""

    score: float | None = None
    band: Band | None = None
    change_30d: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StepEvidence:
    """A sign that a renewal step was done: a logged activity or a ticked playbook task."""

    account_id: str
    step: Step
    done_on: dt.date
    source: Literal["activity", "playbook"] = "activity"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepStatus:
    """One step of one renewal: when it is due and whether it is done."""

    step: Step
    due_on: dt.date
    expected: bool
    """Its date has come (at `as_of`)."""
    done: bool
    done_on: dt.date | None = None
    implied: bool = False
    """Not logged itself, but a later step was, so it must have happened."""

    @property
    def label(self) -> str:
        """What the step is called on screen."""
        return STEP_LABELS[self.step]


@dataclass(frozen=True, slots=True, kw_only=True)
class RenewalStatus:
    """An open renewal as the queue sees it at one as-of date."""

    renewal_id: int | None
    account_id: str
    account_name: str = ""
    csm: str = ""
    renewal_date: dt.date
    arr_due: float
    days_left: int
    window: Window
    expected_step: Step | None
    """The latest step due by now (None over 90 days out)."""
    expected_done: bool | None
    """Whether `expected_step` is done (None when nothing is expected yet)."""
    steps: tuple[StepStatus, ...]
    late: bool
    missing: tuple[Step, ...]
    """Expected steps not done, in order."""
    score: float | None = None
    band: Band | None = None
    change_30d: float | None = None
    risk: Risk = "unknown"

    @property
    def arr_at_stake(self) -> float:
        """The ARR this renewal decides: all of it is at stake until it is signed."""
        return self.arr_due

    @property
    def next_step(self) -> Step | None:
        """The first step not done yet (None once everything before execution is done)."""
        for status in self.steps:
            if not status.done and status.step != "execution":
                return status.step
        return None

    def record(self) -> dict[str, object]:
        """The row `cs-tui renewals` prints (JSON-ready: dates as ISO text)."""
        return {
            "account_id": self.account_id,
            "renewal_date": self.renewal_date.isoformat(),
            "days_left": self.days_left,
            "window": self.window,
            "expected_step": self.expected_step,
            "late": self.late,
            "arr_due": self.arr_due,
            "band": self.band,
        }


RECORD_FIELDS: tuple[str, ...] = (
    "account_id",
    "renewal_date",
    "days_left",
    "window",
    "expected_step",
    "late",
    "arr_due",
    "band",
)
"""Column order of `RenewalStatus.record()`."""


# -- windows and steps ------------------------------------------------------------------------


def days_left(renewal_date: dt.date, as_of: dt.date) -> int:
    """Days from `as_of` to `renewal_date`: 0 on the day, negative once past."""
    return (renewal_date - as_of).days


def window_for(days: int) -> Window:
    """The window a renewal `days` away is in.

    91 and more: "over-90"; 90..61: "90-61"; 60..31: "60-31"; 30..1: "30-1";
    0: "today"; below 0: "overdue".
    """
    if days > 90:
        return "over-90"
    if days > 60:
        return "90-61"
    if days > 30:
        return "60-31"
    if days > 0:
        return "30-1"
    if days == 0:
        return "today"
    return "overdue"


def expected_steps(days: int) -> tuple[Step, ...]:
    """Every step whose date has come when the renewal is `days` away, in order."""
    return tuple(step for step in STEPS if days <= STEP_DAYS[step])


def expected_step(days: int) -> Step | None:
    """The latest step expected `days` before the renewal date (None over 90 days out)."""
    steps = expected_steps(days)
    return steps[-1] if steps else None


def step_due_on(step: Step, renewal_date: dt.date) -> dt.date:
    """The date by which `step` is expected for a renewal on `renewal_date`."""
    return renewal_date - dt.timedelta(days=STEP_DAYS[step])


def evidence_since(renewal_date: dt.date) -> dt.date:
    """The first day a logged step counts for this renewal."""
    return renewal_date - dt.timedelta(days=EVIDENCE_DAYS)


def step_from_task_title(title: str) -> Step | None:
    """The renewal step a renewal-preparation playbook task stands for, from its title."""
    lowered = title.lower()
    if "contract" in lowered:
        return "contract"
    if "proposal" in lowered or "quote" in lowered:
        return "proposal"
    if "conversation" in lowered or "kick-off" in lowered or "kickoff" in lowered:
        return "conversation"
    return None


def risk_for(band: Band | None, change_30d: float | None) -> Risk:
    """Renewal risk from the health band and its 30-day trend.

    red: high. yellow: high when falling (change <= FALLING), else medium.
    green: medium when falling fast (change <= FALLING_FAST), else low. No band: unknown.
    An unknown change counts as steady.
    """
    if band is None:
        return "unknown"
    falling = change_30d is not None and change_30d <= FALLING
    if band == "red":
        return "high"
    if band == "yellow":
        return "high" if falling else "medium"
    if change_30d is not None and change_30d <= FALLING_FAST:
        return "medium"
    return "low"


def assess(
    renewal: Renewal,
    as_of: dt.date,
    evidence: Iterable[StepEvidence] = (),
    health: HealthInfo | None = None,
    *,
    account_name: str = "",
    csm: str = "",
) -> RenewalStatus:
    """The status of one open renewal at `as_of`.

    Args:
        renewal: the renewal (its outcome should be "open").
        as_of: the date of the view.
        evidence: logged steps for this account; those outside
            [renewal_date - EVIDENCE_DAYS, as_of] or for another account are ignored.
        health: the account's latest health, when known.
        account_name: shown in the queue.
        csm: the account's owner.

    A step is done when logged, or when a later step was logged (then `implied`).
    Execution is done only by recording an outcome, so for an open renewal it is missing
    once the date has passed: overdue renewals are always late. On the date itself the
    renewal is late only if an earlier step is missing.
    """
    days = days_left(renewal.renewal_date, as_of)
    since = evidence_since(renewal.renewal_date)
    done_on: dict[Step, dt.date] = {}
    for ev in evidence:
        if ev.account_id != renewal.account_id or not since <= ev.done_on <= as_of:
            continue
        if ev.step not in done_on or ev.done_on < done_on[ev.step]:
            done_on[ev.step] = ev.done_on
    if renewal.outcome != "open":
        done_on.setdefault("execution", renewal.renewal_date)
    expected = set(expected_steps(days))
    statuses: list[StepStatus] = []
    for i, step in enumerate(STEPS):
        logged = done_on.get(step)
        implied = logged is None and any(later in done_on for later in STEPS[i + 1 :])
        statuses.append(
            StepStatus(
                step=step,
                due_on=step_due_on(step, renewal.renewal_date),
                expected=step in expected,
                done=logged is not None or implied,
                done_on=logged,
                implied=implied,
            )
        )
    missing = tuple(
        s.step
        for s in statuses
        if s.expected and not s.done and not (s.step == "execution" and days >= 0)
    )
    current = expected_step(days)
    current_done = None if current is None else statuses[STEPS.index(current)].done
    health = health or HealthInfo()
    return RenewalStatus(
        renewal_id=renewal.id,
        account_id=renewal.account_id,
        account_name=account_name,
        csm=csm,
        renewal_date=renewal.renewal_date,
        arr_due=renewal.arr_due,
        days_left=days,
        window=window_for(days),
        expected_step=current,
        expected_done=current_done,
        steps=tuple(statuses),
        late=bool(missing),
        missing=missing,
        score=health.score,
        band=health.band,
        change_30d=health.change_30d,
        risk=risk_for(health.band, health.change_30d),
    )


def sort_key(status: RenewalStatus) -> tuple[int, int, float, str]:
    """Queue order: by window (most urgent first), then date, then larger ARR first."""
    return (WINDOWS.index(status.window), status.days_left, -status.arr_due, status.account_id)


# -- summaries --------------------------------------------------------------------------------

BAND_KEYS: tuple[str, ...] = ("green", "yellow", "red", "unknown")
"""Band keys of the summaries; "unknown" when there is no health yet."""


class QueueSummary(Frozen):
    """The strip above the queue: ARR due within 30/60/90 days by band, and how many are late."""

    due: dict[int, dict[str, float]]
    """Horizon in days (30, 60, 90) -> band key -> ARR due by then (overdue included)."""
    counts: dict[int, int]
    """Horizon -> number of renewals due by then."""
    late: int
    late_arr: float


def summarise(
    statuses: Iterable[RenewalStatus], horizons: tuple[int, ...] = (30, 60, 90)
) -> QueueSummary:
    """ARR due within each horizon (cumulative, overdue included) per band, and lateness."""
    due = {h: dict.fromkeys(BAND_KEYS, 0.0) for h in horizons}
    counts = dict.fromkeys(horizons, 0)
    late = 0
    late_arr = 0.0
    for s in statuses:
        for h in horizons:
            if s.days_left <= h:
                due[h][s.band or "unknown"] += s.arr_due
                counts[h] += 1
        if s.late:
            late += 1
            late_arr += s.arr_due
    return QueueSummary(due=due, counts=counts, late=late, late_arr=late_arr)


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def arr_by_month(
    statuses: Iterable[RenewalStatus], as_of: dt.date, months: int = 12
) -> list[tuple[dt.date, dict[str, float]]]:
    """ARR due per calendar month for `months` months from `as_of`'s month, per band.

    Overdue renewals count in the first month (they are due now). Renewals beyond the last
    month are left out.
    """
    first = month_start(as_of)
    buckets = [(add_months(first, i), dict.fromkeys(BAND_KEYS, 0.0)) for i in range(months)]
    for s in statuses:
        when = max(month_start(s.renewal_date), first)
        index = (when.year - first.year) * 12 + when.month - first.month
        if 0 <= index < months:
            buckets[index][1][s.band or "unknown"] += s.arr_due
    return buckets
