"""The demo portfolio's plan: staff, accounts, their stories and their renewals, as arrays.

Every other part of the demo generator (usage, tickets, surveys, journey, activities) reads
this plan, so one account's story shows consistently in every table. Days are integer offsets
from `as_of` (0 = as_of, negative = the past); `Plan.iso` turns them into ISO dates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cs_tui.db import demo_words as words

THRIVING, STEADY, SEASONAL, DECLINING, DROPPING, CHURNED, RAMPING, STALLED = range(8)
STORIES = (
    "thriving",
    "steady",
    "seasonal",
    "declining",
    "dropping",
    "churned",
    "ramping",
    "stalled",
)
ENTERPRISE, MID_MARKET, SMB = range(3)
SEGMENT_NAMES = ("enterprise", "mid-market", "smb")
EDITION_NAMES = ("professional", "enterprise")
NONE = -(10**6)
"""An offset meaning "no such day" (no churn, no renewal)."""

STREAMS = ("plan", "usage", "tickets", "surveys", "contacts", "activities", "journey")

SEGMENT_SHARES = (0.15, 0.35, 0.50)
NEW_SHARE = 0.18
"""Share of accounts younger than a year (onboarding, on the critical path)."""
# Stories of established accounts per segment: churn is more common in smaller accounts.
ESTABLISHED_STORIES: tuple[tuple[tuple[int, float], ...], ...] = (
    ((CHURNED, 0.06), (DECLINING, 0.13), (DROPPING, 0.05), (SEASONAL, 0.08), (THRIVING, 0.29)),
    ((CHURNED, 0.08), (DECLINING, 0.13), (DROPPING, 0.05), (SEASONAL, 0.10), (THRIVING, 0.27)),
    ((CHURNED, 0.11), (DECLINING, 0.12), (DROPPING, 0.04), (SEASONAL, 0.12), (THRIVING, 0.25)),
)
NEW_STORIES = ((STALLED, 0.22),)
MRR_MEDIAN = np.array([11000.0, 2400.0, 400.0])
MRR_SIGMA = np.array([0.45, 0.45, 0.5])
MRR_ROUND = np.array([100.0, 50.0, 10.0])
SEAT_PRICE = np.array([16.0, 24.0, 32.0])
ENTERPRISE_EDITION_SHARE = np.array([0.8, 0.35, 0.08])


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent PCG64 generator for one part of the demo (same seed, same numbers)."""
    seq = np.random.SeedSequence(seed, spawn_key=(STREAMS.index(stream),))
    return np.random.Generator(np.random.PCG64(seq))


def quota(
    rng: np.random.Generator, count: int, shares: Sequence[tuple[int, float]], rest: int
) -> np.ndarray:
    """`count` codes in random order with exact shares (largest remainder); `rest` fills up."""
    exact = [count * share for _, share in shares]
    whole = [math.floor(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda k: (whole[k] - exact[k], k))
    for k in order[: max(0, min(len(shares), round(sum(exact)) - sum(whole)))]:
        whole[k] += 1
    codes = [code for (code, _), k in zip(shares, whole, strict=True) for _ in range(k)]
    codes += [rest] * (count - len(codes))
    return rng.permutation(np.array(codes, dtype=np.int64))


def anniversary(start: dt.date, year: int) -> dt.date:
    """The start date's anniversary in `year` (29 February becomes the 28th)."""
    try:
        return start.replace(year=year)
    except ValueError:
        return start.replace(year=year, day=28)


def slug(name: str) -> str:
    """A domain-safe slug of a company name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "company"


@dataclass(frozen=True)
class StaffPlan:
    """The customer-success team: CSMs, onboarding specialists and managers."""

    csms: list[str]
    onboarding: list[str]
    managers: list[str]
    emails: dict[str, str]

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, role, email) rows for the staff table."""
        out = [(n, "manager", self.emails[n]) for n in self.managers]
        out += [(n, "csm", self.emails[n]) for n in self.csms]
        out += [(n, "onboarding", self.emails[n]) for n in self.onboarding]
        return out


@dataclass
class Plan:
    """Who the accounts are and what happens to them, one array entry per account."""

    as_of: dt.date
    n: int
    ids: list[str]
    names: list[str]
    domains: list[str]
    staff: StaffPlan
    seg: np.ndarray
    edition: np.ndarray
    story: np.ndarray
    start: np.ndarray
    churn: np.ndarray
    """Day churned (the churned renewal's date), or NONE."""
    event: np.ndarray
    """The story's turning point: decline start, sharp drop, or NONE."""
    mrr: np.ndarray
    users: np.ndarray
    csm: np.ndarray
    onboarder: np.ndarray
    past_day: np.ndarray
    """Day of the renewal decided in the past year, or NONE."""
    past_due: np.ndarray
    past_renewed: np.ndarray
    churn_reason: np.ndarray
    open_day: np.ndarray
    """Day of the one open renewal (negative when overdue), or NONE when churned."""
    lo: int
    iso_table: np.ndarray

    @property
    def is_new(self) -> np.ndarray:
        """Accounts younger than a year."""
        return self.start > -365

    @property
    def active(self) -> np.ndarray:
        """Accounts active at as_of."""
        active: np.ndarray = self.churn == NONE
        return active

    @property
    def last_day(self) -> np.ndarray:
        """The last day each account was active (0, or the day before it churned)."""
        return np.where(self.churn == NONE, 0, self.churn - 1)

    def iso(self, days: np.ndarray | int) -> list[str]:
        """ISO dates of day offsets (a list, even for one day)."""
        dates: list[str] = self.iso_table[
            np.asarray(days, dtype=np.int64).reshape(-1) - self.lo
        ].tolist()
        return dates

    def day(self, offset: int) -> str:
        """The ISO date of one day offset."""
        return str(self.iso_table[offset - self.lo])

    def csm_name(self, i: int) -> str:
        """The CSM of account `i`."""
        return self.staff.csms[int(self.csm[i])]

    def onboarder_name(self, i: int) -> str:
        """The onboarding specialist of account `i`."""
        return self.staff.onboarding[int(self.onboarder[i])]


def _people(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct person names."""
    total = len(words.FIRST_NAMES) * len(words.LAST_NAMES)
    picks = rng.choice(total, size=min(count, total), replace=False).tolist()
    last = len(words.LAST_NAMES)
    names = [f"{words.FIRST_NAMES[p // last]} {words.LAST_NAMES[p % last]}" for p in picks]
    return names + [f"Staff Member {k}" for k in range(len(names), count)]


def _staff(rng: np.random.Generator, n: int) -> StaffPlan:
    n_csm = max(2, math.ceil(n / 60))
    n_onb = max(2, math.ceil(n / 400))
    n_mgr = max(1, n_csm // 12)
    people = _people(rng, n_csm + n_onb + n_mgr)
    emails = {p: slug(p).replace("-", ".") + "@ourteam.example" for p in people}
    return StaffPlan(
        csms=people[:n_csm],
        onboarding=people[n_csm : n_csm + n_onb],
        managers=people[n_csm + n_onb :],
        emails=emails,
    )


def _company_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct company names; no two share a base name while the pools allow it."""
    a, b, c = len(words.COMPANY_FIRST), len(words.COMPANY_SECOND), len(words.COMPANY_SUFFIX)
    if n <= a * b:
        picks = (rng.choice(a * b, size=n, replace=False) * c + rng.integers(0, c, n)).tolist()
    else:
        picks = rng.choice(a * b * c, size=min(n, a * b * c), replace=False).tolist()
    names = [
        words.COMPANY_FIRST[p // (b * c)]
        + " "
        + words.COMPANY_SECOND[(p // c) % b]
        + words.COMPANY_SUFFIX[p % c]
        for p in picks
    ]
    names += [f"Company {k}" for k in range(len(names), n)]
    if n:
        names[min(3, n - 1)] = words.BRACKETS_NAME
    return names


def make_plan(n: int, seed: int, as_of: dt.date) -> Plan:
    """Draw the whole portfolio's plan: same (n, seed, as_of), same plan."""
    rng = rng_for(seed, "plan")
    staff = _staff(rng, n)
    names = _company_names(rng, n)
    seg = quota(rng, n, [(ENTERPRISE, SEGMENT_SHARES[0]), (MID_MARKET, SEGMENT_SHARES[1])], SMB)
    edition = (rng.random(n) < ENTERPRISE_EDITION_SHARE[seg]).astype(np.int64)
    new = np.zeros(n, dtype=bool)
    new[rng.permutation(n)[: round(n * NEW_SHARE)]] = True
    mrr_raw = (
        MRR_MEDIAN[seg]
        * np.where(edition == 1, 1.35, 1.0)
        * np.exp(MRR_SIGMA[seg] * rng.normal(size=n))
    )
    mrr = np.maximum(np.round(mrr_raw / MRR_ROUND[seg]) * MRR_ROUND[seg], MRR_ROUND[seg] * 5)
    story = np.empty(n, dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero((seg == s) & ~new)
        if not len(idx):
            continue
        shares = ESTABLISHED_STORIES[s]
        # Smaller customers churn more often: pick the churned ones weighted by 1/sqrt(MRR).
        churn_share = sum(share for code, share in shares if code == CHURNED)
        weight = 1.0 / np.sqrt(mrr[idx])
        k = min(len(idx), round(len(idx) * churn_share))
        churned = rng.choice(len(idx), size=k, replace=False, p=weight / weight.sum())
        rest = np.setdiff1d(np.arange(len(idx)), churned)
        story[idx[churned]] = CHURNED
        others = [(code, share / (1 - churn_share)) for code, share in shares if code != CHURNED]
        story[idx[rest]] = quota(rng, len(rest), others, STEADY)
    idx = np.flatnonzero(new)
    story[idx] = quota(rng, len(idx), NEW_STORIES, RAMPING)

    # Ages: new accounts 0-350 days (stalled ones are early in onboarding, 3-22 weeks);
    # established ones a year and more, most a few years.
    age = np.where(
        new,
        np.where(story == STALLED, rng.integers(21, 155, n), rng.integers(0, 351, n)),
        366 + np.minimum(rng.exponential(700.0, n), 2600).astype(np.int64),
    )
    # A few open renewals are overdue by some days: their anniversary just passed.
    candidates = np.flatnonzero(~new & np.isin(story, [STEADY, SEASONAL, DECLINING, DROPPING]))
    overdue = np.zeros(n, dtype=bool)
    n_overdue = min(len(candidates), max(1, round(0.015 * len(candidates))))
    overdue[rng.choice(candidates, size=n_overdue, replace=False)] = True
    overdue_by = rng.integers(1, 10, n)

    users = np.maximum(3, np.round(mrr / SEAT_PRICE[seg] * np.exp(0.2 * rng.normal(size=n))))
    users = users.astype(np.int64)
    # The factor of the past year's renewal: arr_renewed / arr_due.
    u = rng.random(n)
    big = story == THRIVING
    expand = np.where(big, rng.uniform(1.4, 2.5, n), rng.uniform(1.1, 1.7, n))
    contract = rng.uniform(0.6, 0.95, n)
    p_expand = np.array([0.7, 0.2, 0.18, 0.05, 0.1, 0, 0, 0])[story]
    p_contract = np.array([0.0, 0.09, 0.09, 0.4, 0.15, 0, 0, 0])[story]
    factor = np.where(u < p_expand, expand, np.where(u < p_expand + p_contract, contract, 1.0))
    churn_reason = rng.integers(0, len(words.CHURN_REASONS), n)
    decline_start = rng.integers(-330, -150, n)
    drop_day = rng.integers(-60, -7, n)
    drop_lead = rng.integers(30, 100, n)

    start = np.empty(n, dtype=np.int64)
    churn = np.full(n, NONE, dtype=np.int64)
    past_day = np.full(n, NONE, dtype=np.int64)
    open_day = np.full(n, NONE, dtype=np.int64)
    for i in range(n):
        if overdue[i]:
            last = as_of - dt.timedelta(days=int(overdue_by[i]))
            st = anniversary(last, last.year - max(1, int(age[i]) // 365))
        else:
            st = as_of - dt.timedelta(days=int(age[i]))
        start[i] = (st - as_of).days
        if new[i]:
            open_day[i] = (anniversary(st, st.year + 1) - as_of).days
            continue
        last = anniversary(st, as_of.year)
        if last > as_of:
            last = anniversary(st, as_of.year - 1)
        nxt = anniversary(st, last.year + 1)
        if story[i] == CHURNED:
            churn[i] = past_day[i] = (last - as_of).days
        elif overdue[i]:
            open_day[i] = (last - as_of).days
        else:
            past_day[i] = (last - as_of).days
            open_day[i] = (nxt - as_of).days
    arr = mrr * 12
    past_due = np.where(
        past_day == NONE, 0.0, np.round(arr / np.where(story == CHURNED, 1, factor))
    )
    past_renewed = np.where(story == CHURNED, 0.0, arr)
    event = np.full(n, NONE, dtype=np.int64)
    event = np.where(story == DECLINING, decline_start, event)
    event = np.where(story == DROPPING, drop_day, event)
    event = np.where(story == CHURNED, churn - drop_lead, event)

    lo = int(min(start.min(initial=0), -400))
    hi = int(max(open_day.max(initial=0), 400))
    iso_table = np.array(
        [(as_of + dt.timedelta(days=k)).isoformat() for k in range(lo, hi + 1)], dtype=object
    )
    width = max(5, len(str(n)))
    return Plan(
        as_of=as_of,
        n=n,
        ids=[f"ACC-{k + 1:0{width}d}" for k in range(n)],
        names=names,
        domains=[slug(name) + ".example" for name in names],
        staff=staff,
        seg=seg,
        edition=edition,
        story=story,
        start=start,
        churn=churn,
        event=event,
        mrr=mrr,
        users=users,
        csm=rng.permutation(n) % len(staff.csms),
        onboarder=rng.permutation(n) % len(staff.onboarding),
        past_day=past_day,
        past_due=past_due,
        past_renewed=past_renewed,
        churn_reason=churn_reason,
        open_day=open_day,
        lo=lo,
        iso_table=iso_table,
    )
