"""A year of daily product usage per account, vectorised with numpy, chunk by chunk.

Each account's weekday adoption (active users / licensed users) follows its story: a ramp for
new accounts, growth when thriving, a slow linear decline, a sharp drop (before a churn or as a
recent warning sign), a summer dip for seasonal businesses; everyone is quieter at weekends
and over the year-end holidays. Counts are drawn around that level (binomial, Poisson), so a
chart of any account looks like a story, not like noise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from cs_tui.db.demo_plan import (
    CHURNED,
    DECLINING,
    DROPPING,
    NONE,
    RAMPING,
    SEASONAL,
    STALLED,
    STREAMS,
    THRIVING,
    Plan,
)
from cs_tui.db.schema import USAGE_VALUES

USAGE_COLUMNS = ("account_id", "date", *USAGE_VALUES)
WINDOW = 365
"""Days of usage history: as_of and the 364 days before it."""
CHUNK = 250
"""Accounts per chunk: about 90k rows, small enough to stay in cache-friendly arrays."""


@dataclass(frozen=True)
class UsageChunk:
    """One chunk of daily usage rows as arrays, in account then date order.

    `acct` indexes the plan's accounts and `day` is the day offset from as_of; the six value
    arrays follow `USAGE_COLUMNS[2:]`. The writer turns them into rows, and the same arrays
    feed the health history without reading the rows back from the database.
    """

    acct: np.ndarray
    day: np.ndarray
    values: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.acct)


# Weekday adoption level per story (uniform low, high).
BASE_LEVEL = np.array(
    [
        [0.55, 0.75],
        [0.4, 0.65],
        [0.4, 0.65],
        [0.45, 0.65],
        [0.4, 0.6],
        [0.3, 0.55],
        [0.5, 0.75],
        [0.15, 0.3],
    ]
)


@dataclass(frozen=True)
class UsageParams:
    """Per-account shape of the usage curve."""

    base: np.ndarray
    tau: np.ndarray
    growth: np.ndarray
    wobble_amp: np.ndarray
    wobble_period: np.ndarray
    wobble_phase: np.ndarray
    decline_start: np.ndarray
    decline_len: np.ndarray
    decline_depth: np.ndarray
    drop_day: np.ndarray
    drop_floor: np.ndarray
    summer: np.ndarray
    weekend: np.ndarray
    logins_per_user: np.ndarray
    minutes_per_login: np.ndarray
    features_total: np.ndarray
    feature_depth: np.ndarray
    workflow_rate: np.ndarray
    integrations: np.ndarray


def usage_params(plan: Plan, seed: int) -> UsageParams:
    """Draw every account's usage shape from the plan's stories."""
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(STREAMS.index("usage"), 0)))
    )
    n, story = plan.n, plan.story
    lo, hi = BASE_LEVEL[story, 0], BASE_LEVEL[story, 1]
    new = np.isin(story, [RAMPING, STALLED])
    declining = story == DECLINING
    dropping = np.isin(story, [DROPPING, CHURNED])
    event = np.where(plan.event == NONE, 10**6, plan.event)
    return UsageParams(
        base=rng.uniform(lo, hi),
        tau=np.where(new, rng.uniform(10, 45, n), 1.0),
        growth=np.where(story == THRIVING, rng.uniform(0.1, 0.35, n), rng.uniform(-0.04, 0.04, n)),
        wobble_amp=rng.uniform(0.02, 0.08, n),
        wobble_period=rng.uniform(45, 120, n),
        wobble_phase=rng.uniform(0, 2 * np.pi, n),
        decline_start=np.where(declining, event, 10**6),
        decline_len=np.where(declining, np.maximum(1, -event), 1),
        decline_depth=np.where(declining, rng.uniform(0.45, 0.65, n), 0.0),
        drop_day=np.where(dropping, event, 10**6),
        drop_floor=np.where(
            story == CHURNED, rng.uniform(0.04, 0.15, n), rng.uniform(0.12, 0.3, n)
        ),
        summer=np.where(story == SEASONAL, rng.uniform(0.35, 0.6, n), 0.0),
        weekend=rng.uniform(0.12, 0.35, n),
        logins_per_user=rng.uniform(1.1, 2.4, n),
        minutes_per_login=rng.uniform(8, 26, n),
        features_total=np.where(plan.edition == 1, 45, 30),
        feature_depth=rng.uniform(0.35, 0.8, n),
        workflow_rate=rng.uniform(0.05, 0.45, n),
        integrations=rng.integers(1, 5, n) + 3 * plan.edition,
    )


def _day_tables(as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per day of the window (index = offset + 364): weekday, weekend and summer factors."""
    days = [as_of + dt.timedelta(days=k) for k in range(-WINDOW + 1, 1)]
    weekend = np.array([d.weekday() >= 5 for d in days])
    weekday = np.array([0.92 if d.weekday() == 4 else 1.0 for d in days])
    holiday = np.array(
        [
            0.45
            if (d.month == 12 and d.day >= 24) or (d.month == 1 and d.day == 1)
            else 0.8
            if d.month == 12 and d.day >= 18
            else 1.0
            for d in days
        ]
    )
    doy = np.array([d.timetuple().tm_yday for d in days], dtype=np.float64)
    summer = np.exp(-(((doy - 213.0) / 22.0) ** 2))
    return np.where(weekend, 0.0, weekday * holiday), weekend * holiday, summer


def usage_chunks(plan: Plan, seed: int) -> Iterator[tuple[int, UsageChunk]]:
    """Yield (accounts done, rows) per chunk of accounts, in account then date order."""
    params = usage_params(plan, seed)
    weekday_f, weekend_f, summer_t = _day_tables(plan.as_of)
    first_all = np.maximum(plan.start, -WINDOW + 1)
    count_all = np.maximum(0, plan.last_day - first_all + 1)
    for chunk, a0 in enumerate(range(0, plan.n, CHUNK)):
        a1 = min(plan.n, a0 + CHUNK)
        rng = np.random.Generator(
            np.random.PCG64(
                np.random.SeedSequence(seed, spawn_key=(STREAMS.index("usage"), chunk + 1))
            )
        )
        yield a1, _chunk_rows(plan, params, first_all, count_all, a0, a1, rng,
                              weekday_f, weekend_f, summer_t)  # fmt: skip


def _chunk_rows(
    plan: Plan,
    p: UsageParams,
    first_all: np.ndarray,
    count_all: np.ndarray,
    a0: int,
    a1: int,
    rng: np.random.Generator,
    weekday_f: np.ndarray,
    weekend_f: np.ndarray,
    summer_t: np.ndarray,
) -> UsageChunk:
    counts = count_all[a0:a1]
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return UsageChunk(empty, empty, (empty,) * (len(USAGE_COLUMNS) - 2))
    acc = np.repeat(np.arange(a0, a1), counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    day = first_all[acc] + (np.arange(total) - offsets)
    di = day + WINDOW - 1
    since_start = (day - plan.start[acc]).astype(np.float64)

    level = p.base[acc] * (1.0 - np.exp(-(since_start + 1.0) / p.tau[acc]))
    level *= 1.0 + p.growth[acc] * (day + WINDOW - 1) / (WINDOW - 1)
    level *= 1.0 + p.wobble_amp[acc] * np.sin(
        2 * np.pi * day / p.wobble_period[acc] + p.wobble_phase[acc]
    )
    shape = 1.0 - p.decline_depth[acc] * np.clip(
        (day - p.decline_start[acc]) / p.decline_len[acc], 0.0, 1.0
    )
    after_drop = np.maximum(day - p.drop_day[acc], 0)
    floor = p.drop_floor[acc]
    shape *= np.where(after_drop > 0, floor + (1.0 - floor) * np.exp(-after_drop / 4.0), 1.0)
    level *= shape
    level *= 1.0 - p.summer[acc] * summer_t[di]
    level *= np.where(weekend_f[di] > 0, weekend_f[di] * p.weekend[acc], weekday_f[di])
    prob = np.clip(level * np.exp(0.12 * rng.standard_normal(total)), 0.0, 0.97)

    # Normal approximations of binomial/Poisson draws: several times faster than numpy's
    # exact samplers, and indistinguishable on a chart.
    users = plan.users[acc]
    mean = users * prob
    active = np.clip(
        np.rint(mean + np.sqrt(mean * (1.0 - prob)) * rng.standard_normal(total)), 0, users
    )
    rate = active * p.logins_per_user[acc]
    logins = np.maximum(np.rint(rate + np.sqrt(rate) * rng.standard_normal(total)), active)
    minutes = np.round(
        logins * p.minutes_per_login[acc] * np.exp(0.15 * rng.standard_normal(total)), 1
    )
    relative = np.sqrt(np.clip(prob / p.base[acc], 0.0, 1.0))
    k = p.features_total[acc]
    fp = p.feature_depth[acc] * (0.35 + 0.65 * relative)
    features = np.clip(
        np.rint(k * fp + np.sqrt(k * fp * (1 - fp)) * rng.standard_normal(total)), 1, k
    )
    features = np.where(active > 0, features, 0)
    rate = active * p.workflow_rate[acc]
    workflows = np.maximum(np.rint(rate + np.sqrt(rate) * rng.standard_normal(total)), 0)
    ramp = 1.0 - np.exp(-(since_start + 1.0) / (p.tau[acc] * 2))
    integrations = np.floor(p.integrations[acc] * np.clip(ramp * shape + 0.2, 0.0, 1.0))
    return UsageChunk(
        acc,
        day,
        (
            active.astype(np.int64),
            logins.astype(np.int64),
            minutes,
            features.astype(np.int64),
            workflows.astype(np.int64),
            integrations.astype(np.int64),
        ),
    )
