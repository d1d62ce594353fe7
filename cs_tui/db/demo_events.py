"""Support tickets and survey responses (NPS, CSAT) for the demo portfolio, vectorised.

Ticket volume follows segment and story (declining accounts write more tickets; a few accounts
have a burst of more than 3 tickets in the last 30 days, which triggers a playbook); scores
follow the story too (thriving accounts are promoters, accounts that dropped are detractors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cs_tui.db import demo_words as words
from cs_tui.db.demo_plan import (
    CHURNED,
    DECLINING,
    DROPPING,
    NONE,
    STALLED,
    Plan,
    rng_for,
)
from cs_tui.db.demo_usage import WINDOW

TICKET_COLUMNS = ("ticket_id", "account_id", "opened_at", "closed_at", "priority")
SURVEY_COLUMNS = ("response_id", "account_id", "kind", "score", "submitted_at", "comment")
PRIORITIES = ("low", "normal", "high", "urgent")

TICKETS_PER_30_DAYS = np.array([1.4, 0.6, 0.22])
"""Per segment (enterprise, mid-market, smb)."""
TICKET_STORY_FACTOR = np.array([0.7, 1.0, 1.0, 2.2, 1.4, 1.8, 1.5, 2.2])
PRIORITY_CDF = np.cumsum([0.25, 0.5, 0.18, 0.07])
BURST_PRIORITY_CDF = np.cumsum([0.05, 0.35, 0.4, 0.2])
RESOLUTION_DAYS = np.array([6.0, 3.0, 1.5, 0.7])
"""Median days to close per priority."""

NPS_PER_YEAR = np.array([5.0, 2.4, 1.1])
# (detractor, passive, promoter) shares per story, before and after its turning point.
NPS_BEFORE = np.array(
    [[0.04, 0.2, 0.76], [0.14, 0.4, 0.46], [0.14, 0.42, 0.44], [0.18, 0.45, 0.37],
     [0.15, 0.45, 0.4], [0.3, 0.45, 0.25], [0.12, 0.4, 0.48], [0.3, 0.45, 0.25]]
)  # fmt: skip
NPS_AFTER = NPS_BEFORE.copy()
NPS_AFTER[[DECLINING, DROPPING, CHURNED]] = [[0.6, 0.3, 0.1], [0.55, 0.35, 0.1], [0.8, 0.17, 0.03]]
DETRACTOR_CDF = np.cumsum([0.03, 0.03, 0.05, 0.08, 0.12, 0.27, 0.42])
CSAT_GOOD_CDF = np.cumsum([0.01, 0.02, 0.06, 0.29, 0.62])
CSAT_POOR_CDF = np.cumsum([0.05, 0.1, 0.2, 0.35, 0.3])
CSAT_SHARE = 0.45
"""Share of closed tickets answered with a CSAT survey."""


@dataclass(frozen=True)
class Tickets:
    """The generated tickets: rows for the table, and arrays for the surveys that follow."""

    rows: list[tuple[object, ...]]
    account: np.ndarray
    opened: np.ndarray
    closed: np.ndarray
    """Day closed, or NONE while open."""


def _window(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    first = np.maximum(plan.start, -WINDOW + 1)
    return first, np.maximum(0, plan.last_day - first + 1)


def _pick(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


def make_tickets(plan: Plan, seed: int) -> Tickets:
    """Tickets over each account's last year: volume by segment and story, plus bursts."""
    rng = rng_for(seed, "tickets")
    first, days = _window(plan)
    rate = TICKETS_PER_30_DAYS[plan.seg] * TICKET_STORY_FACTOR[plan.story]
    count = rng.poisson(rate * days / 30.0)
    acc = np.repeat(np.arange(plan.n), count)
    opened = first[acc] + np.floor(rng.random(len(acc)) * days[acc]).astype(np.int64)
    prio = _pick(rng, PRIORITY_CDF, len(acc))

    # Bursts: more than 3 tickets in the last 30 days (a recent sharp drop, or bad luck).
    recent_drop = (plan.story == DROPPING) & (plan.event >= -40)
    unlucky = plan.active & (rng.random(plan.n) < 0.008)
    burst = np.flatnonzero(recent_drop | unlucky)
    burst_count = rng.integers(4, 8, len(burst))
    b_acc = np.repeat(burst, burst_count)
    b_first = np.maximum(plan.start[b_acc], -29)
    b_opened = b_first + np.floor(rng.random(len(b_acc)) * (1 - b_first)).astype(np.int64)
    acc = np.concatenate([acc, b_acc])
    opened = np.concatenate([opened, b_opened])
    prio = np.concatenate([prio, _pick(rng, BURST_PRIORITY_CDF, len(b_acc))])

    slow = np.where(np.isin(plan.story, [DECLINING, DROPPING, STALLED]), 1.6, 1.0)[acc]
    resolve = np.floor(
        RESOLUTION_DAYS[prio] * slow * np.exp(0.8 * rng.standard_normal(len(acc)))
    ).astype(np.int64)
    closed = opened + resolve
    stale = (rng.random(len(acc)) < 0.03) & (opened < -30)
    churned = ~plan.active[acc]
    # A churned account's tickets were all closed when it left.
    closed = np.where(churned, np.minimum(closed, plan.churn[acc]), closed)
    still_open = ~churned & ((closed > 0) | stale)
    closed = np.where(still_open, NONE, closed)

    order = np.lexsort((prio, opened, acc))
    acc, opened, closed, prio = acc[order], opened[order], closed[order], prio[order]
    ids = np.array(plan.ids, dtype=object)[acc].tolist()
    opened_iso = plan.iso(opened)
    closed_iso = plan.iso(np.where(closed == NONE, 0, closed))
    rows: list[tuple[object, ...]] = [
        (
            f"T-{k + 1:06d}",
            ids[k],
            opened_iso[k],
            None if c == NONE else closed_iso[k],
            PRIORITIES[p],
        )  # fmt: skip
        for k, (c, p) in enumerate(zip(closed.tolist(), prio.tolist(), strict=True))
    ]
    return Tickets(rows=rows, account=acc, opened=opened, closed=closed)


def make_surveys(plan: Plan, seed: int, tickets: Tickets) -> list[tuple[object, ...]]:
    """NPS responses over the year and CSAT answers to closed tickets, scored by story."""
    rng = rng_for(seed, "surveys")
    first, days = _window(plan)
    count = rng.poisson(NPS_PER_YEAR[plan.seg] * days / WINDOW)
    n_acc = np.repeat(np.arange(plan.n), count)
    n_day = first[n_acc] + np.floor(rng.random(len(n_acc)) * days[n_acc]).astype(np.int64)
    story = plan.story[n_acc]
    event = plan.event[n_acc]
    turn = np.where(
        story == DECLINING,
        np.clip((n_day - event) / np.maximum(1, -event), 0.0, 1.0),
        np.where((event != NONE) & (n_day >= event), 1.0, 0.0),
    )
    shares = NPS_BEFORE[story] * (1 - turn[:, None]) + NPS_AFTER[story] * turn[:, None]
    u = rng.random(len(n_acc))
    band = (u >= shares[:, 0]).astype(np.int64) + (u >= shares[:, 0] + shares[:, 1])
    detractor = _pick(rng, DETRACTOR_CDF, len(n_acc))
    upper = rng.random(len(n_acc)) < 0.5
    n_score = np.where(band == 0, detractor, np.where(band == 1, 7, 9) + upper)

    closed_ok = tickets.closed != NONE
    answered = closed_ok & (rng.random(len(tickets.closed)) < CSAT_SHARE)
    c_acc = tickets.account[answered]
    c_day = np.minimum(
        tickets.closed[answered] + rng.integers(0, 3, len(c_acc)), plan.last_day[c_acc]
    )
    poor = np.isin(plan.story[c_acc], [DECLINING, DROPPING, CHURNED, STALLED])
    c_score = (
        np.where(poor, _pick(rng, CSAT_POOR_CDF, len(c_acc)), _pick(rng, CSAT_GOOD_CDF, len(c_acc)))
        + 1
    )

    acc = np.concatenate([n_acc, c_acc])
    day = np.concatenate([n_day, c_day])
    kind = np.concatenate([np.zeros(len(n_acc), np.int64), np.ones(len(c_acc), np.int64)])
    score = np.concatenate([n_score, c_score])
    commented = rng.random(len(acc)) < np.where(kind == 0, 0.35, 0.3)
    pick = rng.integers(0, 1 << 30, len(acc))
    order = np.lexsort((kind, day, acc))
    ids = np.array(plan.ids, dtype=object)[acc[order]].tolist()
    dates = plan.iso(day[order])
    rows: list[tuple[object, ...]] = []
    for k, j in enumerate(order.tolist()):
        s = int(score[j])
        if kind[j] == 0:
            pool = words.NPS_COMMENTS[0 if s <= 6 else 1 if s <= 8 else 2]
        else:
            pool = words.CSAT_COMMENTS[0 if s <= 2 else 1 if s == 3 else 2]
        comment = pool[int(pick[j]) % len(pool)] if commented[j] else ""
        rows.append(
            (f"S-{k + 1:06d}", ids[k], "nps" if kind[j] == 0 else "csat", s, dates[k], comment)
        )
    return rows
