"""What the metrics are computed over: windows, filters, band limits and the loaded inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from cs_tui.domain.metric_rows import (
    AccountRow,
    ContactRow,
    RenewalRow,
    SurveyRow,
    TicketRow,
)

DAYS_PER_MONTH = 30.4375
"""Average days in a month (365.25 / 12), as DESIGN.md defines `months`."""

Band = Literal["green", "yellow", "red"]


@dataclass(frozen=True)
class BandLimits:
    """Where the health bands start (health.toml's `[bands]`; DOMAIN.md: 80 and 60)."""

    green: float = 80.0
    yellow: float = 60.0

    def band(self, score: float) -> Band:
        """The band of a score: green from `green`, yellow from `yellow`, red below."""
        if score >= self.green:
            return "green"
        if score >= self.yellow:
            return "yellow"
        return "red"


DEFAULT_BANDS = BandLimits()


def band(score: float, limits: BandLimits = DEFAULT_BANDS) -> Band:
    """The health band of a score: green 80-100, yellow 60-79, red 0-59 by default."""
    return limits.band(score)


# -- window and filters -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A period of days, `start` and `end` both counted (DESIGN.md's `--from`..`--to`)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def ending(cls, as_of: dt.date, days: int = 365) -> Window:
        """The `days` days ending at (and including) `as_of`: DESIGN.md's default window."""
        return cls(as_of - dt.timedelta(days=days - 1), as_of)

    @property
    def days(self) -> int:
        """Days in the window, both ends counted."""
        return (self.end - self.start).days + 1

    @property
    def months(self) -> float:
        """The window's length in months: days / 30.4375."""
        return self.days / DAYS_PER_MONTH

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def month_windows(end: dt.date, count: int = 12) -> list[Window]:
    """The last `count` calendar months up to `end`, oldest first; the last one ends at `end`.

    Each window runs from the 1st of its month to its last day (or to `end` for the month
    holding `end`), so a trend point is "that month so far" for the current month.
    """
    windows: list[Window] = []
    year, month = end.year, end.month
    for _ in range(count):
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        windows.append(Window(first, min(end, nxt - dt.timedelta(days=1))))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return windows[::-1]


def trend_windows(as_of: dt.date, count: int = 12) -> list[Window]:
    """The last `count` complete calendar months at `as_of`, oldest first.

    The month holding `as_of` counts only when `as_of` is its last day: a trend point over
    the first few days of a month would swing on a handful of rows.
    """
    last_day = (as_of.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    end = as_of if as_of == last_day else as_of.replace(day=1) - dt.timedelta(days=1)
    return month_windows(end, count)


@dataclass(frozen=True)
class Filters:
    """Which accounts count: None means any segment, edition or CSM."""

    segment: str | None = None
    edition: str | None = None
    csm: str | None = None

    def matches(self, account: AccountRow) -> bool:
        """Whether `account` passes every filter that is set."""
        return (
            (self.segment is None or account.segment == self.segment)
            and (self.edition is None or account.edition == self.edition)
            and (self.csm is None or account.csm == self.csm)
        )

    @property
    def is_empty(self) -> bool:
        """No filter is set."""
        return self.segment is None and self.edition is None and self.csm is None


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnboardingStatus:
    """One account's onboarding on its critical path, as the journey logic reports it.

    Attributes:
        account_id: the account.
        due_on: the day its onboarding should be complete (e.g. start + 90 days).
        completed_on: the day its last onboarding milestone was ticked, if all are.
        first_value_on: the day it reached its first-value milestone(s), if it has.
    """

    account_id: str
    due_on: dt.date
    completed_on: dt.date | None = None
    first_value_on: dt.date | None = None


@dataclass(frozen=True)
class MetricInputs:
    """The rows the metrics read. Rows outside a window are ignored, so one load serves many.

    `health` is each account's latest health score at or before the window's end (from the
    weekly snapshots); an account without one is left out of the health metrics.
    """

    accounts: Sequence[AccountRow]
    renewals: Sequence[RenewalRow] = ()
    surveys: Sequence[SurveyRow] = ()
    tickets: Sequence[TicketRow] = ()
    contacts: Sequence[ContactRow] = ()
    health: Mapping[str, float] = field(default_factory=dict)
    onboarding: Sequence[OnboardingStatus] = ()

    def filtered(self, filters: Filters) -> MetricInputs:
        """The same inputs restricted to the accounts `filters` lets through."""
        if filters.is_empty:
            return self
        accounts = [a for a in self.accounts if filters.matches(a)]
        ids = {a.account_id for a in accounts}
        return MetricInputs(
            accounts=accounts,
            renewals=[r for r in self.renewals if r.account_id in ids],
            surveys=[s for s in self.surveys if s.account_id in ids],
            tickets=[t for t in self.tickets if t.account_id in ids],
            contacts=[c for c in self.contacts if c.account_id in ids],
            health={k: v for k, v in self.health.items() if k in ids},
            onboarding=[o for o in self.onboarding if o.account_id in ids],
        )

    def with_health(self, health: Mapping[str, float]) -> MetricInputs:
        """The same rows with the health scores of another date."""
        return replace(self, health=health)
