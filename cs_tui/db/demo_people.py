"""Contacts and the activity log of the demo portfolio.

Contacts span the roles of DOMAIN.md (enterprise accounts have an executive sponsor; some
declining accounts lost their champion); thriving accounts have advocates. Activities are the
CSM's touches (calls, meetings, emails, notes), QBRs, onboarding steps for new customers, and
the renewal timeline (conversation 90 days out, proposal at 60, contract at 30, the outcome).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cs_tui.db import demo_words as words
from cs_tui.db.demo_plan import (
    CHURNED,
    DECLINING,
    DROPPING,
    ENTERPRISE,
    MID_MARKET,
    NONE,
    RAMPING,
    SEASONAL,
    STALLED,
    STEADY,
    THRIVING,
    Plan,
    rng_for,
)
from cs_tui.db.demo_usage import WINDOW

CONTACT_COLUMNS = ("account_id", "name", "email", "role", "advocate")
ACTIVITY_COLUMNS = ("account_id", "kind", "date", "author", "text")

Row = tuple[object, ...]

CONTACTS_MIN = (5, 3, 2)
CONTACTS_EXTRA = (5, 3, 2)
TOUCHES_PER_30_DAYS = np.array([2.2, 1.0, 0.35])
TOUCH_STORY_FACTOR = np.array([1.0, 1.0, 1.0, 1.3, 1.5, 1.2, 1.8, 2.0])
TOUCH_KINDS = ("call", "meeting", "email", "note")
TOUCH_KIND_CDF = np.cumsum(
    [[0.25, 0.2, 0.3, 0.25], [0.25, 0.1, 0.35, 0.3], [0.1, 0.0, 0.6, 0.3]], axis=1
)


def make_contacts(plan: Plan, seed: int) -> tuple[list[Row], list[dict[str, str]]]:
    """Contacts per account, and per account the name holding each role (for activity texts)."""
    rng = rng_for(seed, "contacts")
    n = plan.n
    extra = rng.integers(0, 1 << 30, n)
    u_lost, u_exec, u_adv, u_buyer_adv = (rng.random(n) for _ in range(4))
    n_people = len(words.FIRST_NAMES) * len(words.LAST_NAMES)
    picks = rng.integers(0, n_people, (n, max(CONTACTS_MIN) + max(CONTACTS_EXTRA)))
    rows: list[Row] = []
    roles_by_account: list[dict[str, str]] = []
    for i in range(n):
        seg, story = int(plan.seg[i]), int(plan.story[i])
        k = CONTACTS_MIN[seg] + int(extra[i]) % (CONTACTS_EXTRA[seg] + 1)
        roles = ["buyer", "champion"]
        if seg == ENTERPRISE or (seg == MID_MARKET and u_exec[i] < 0.4):
            roles.append("executive_sponsor")
        if seg != 2 or k > 2:
            roles.append("admin")
        roles = (roles + ["user"] * k)[: max(k, 2)]
        if story in (DECLINING, CHURNED) and u_lost[i] < 0.4:
            roles[1] = "user"  # the champion left
        advocate = [False] * len(roles)
        p_adv = {THRIVING: 0.45, STEADY: 0.08, SEASONAL: 0.08, RAMPING: 0.05}.get(story, 0.0)
        if u_adv[i] < p_adv and roles[1] == "champion":
            advocate[1] = True
            advocate[0] = story == THRIVING and u_buyer_adv[i] < 0.35
        seen: set[int] = set()
        named: dict[str, str] = {}
        for j, role in enumerate(roles):
            p = int(picks[i, j])
            while p in seen:
                p = (p + 1) % n_people
            seen.add(p)
            first = words.FIRST_NAMES[p // len(words.LAST_NAMES)]
            last = words.LAST_NAMES[p % len(words.LAST_NAMES)]
            name = f"{first} {last}"
            named.setdefault(role, name)
            email = f"{first.lower()}.{last.lower()}@{plan.domains[i]}"
            rows.append((plan.ids[i], name, email, role, int(advocate[j])))
        roles_by_account.append(named)
    return rows, roles_by_account


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _touch_text(kind: str, health: int, who: str, topic: str, pick: int) -> str:
    if kind == "note":
        pool = (words.RISK_NOTES, words.STEADY_NOTES, words.HEALTHY_NOTES)[health]
        return pool[pick % len(pool)]
    if kind == "call":
        return f"Call with {who} about {topic}."
    if kind == "meeting":
        return f"Meeting with {who} on {topic}."
    return f"Emailed {who} about {topic}."


def make_activities(plan: Plan, seed: int, roles: list[dict[str, str]]) -> list[Row]:
    """The activity log: touches, QBRs, onboarding steps and renewal steps, sorted by date."""
    rng = rng_for(seed, "activities")
    n = plan.n
    first = np.maximum(plan.start, -WINDOW + 1)
    days = np.maximum(0, plan.last_day - first + 1)
    count = rng.poisson(
        TOUCHES_PER_30_DAYS[plan.seg] * TOUCH_STORY_FACTOR[plan.story] * days / 30.0
    )
    t_acc = np.repeat(np.arange(n), count)
    t_day = first[t_acc] + np.floor(rng.random(len(t_acc)) * days[t_acc]).astype(np.int64)
    u = rng.random(len(t_acc))
    t_kind = (u[:, None] >= TOUCH_KIND_CDF[plan.seg[t_acc]]).sum(axis=1)
    t_pick = rng.integers(0, 1 << 30, len(t_acc))
    t_onb = rng.random(len(t_acc)) < 0.5
    jitter = rng.integers(-5, 6, (n, 6))
    u_step = rng.random((n, 6))
    ids = plan.ids
    # The last day an account can have an activity: as_of, or the day it churned.
    until = np.where(plan.churn == NONE, 0, plan.churn).tolist()
    starts = plan.start.tolist()
    out: list[tuple[int, int, int, Row]] = []  # (account, day, seq, row)

    def add(i: int, day: int, kind: str, author: str, text: str) -> None:
        if starts[i] <= day <= until[i]:
            out.append((i, day, len(out), (ids[i], kind, plan.day(day), author, text)))

    def health(i: int, day: int) -> int:
        story, event = int(plan.story[i]), int(plan.event[i])
        if story in (STALLED, CHURNED) or (event != NONE and day >= event):
            return 0
        return 2 if story == THRIVING else 1

    for i, d, kind, pick, onb in zip(
        t_acc.tolist(),
        t_day.tolist(),
        t_kind.tolist(),
        t_pick.tolist(),
        t_onb.tolist(),
        strict=True,
    ):
        named = roles[i]
        who = named.get("champion") or named.get("buyer") or "the customer"
        new = plan.start[i] > -WINDOW
        author = plan.onboarder_name(i) if new and onb else plan.csm_name(i)
        k = TOUCH_KINDS[kind]
        topic = words.TOPICS[pick % len(words.TOPICS)]
        add(i, d, k, author, _touch_text(k, health(i, d), who, topic, pick))

    for i in range(n):
        csm, named, seg = plan.csm_name(i), roles[i], int(plan.seg[i])
        start, story = int(plan.start[i]), int(plan.story[i])
        exec_ = named.get("executive_sponsor") or named.get("buyer") or "the customer"
        buyer = named.get("buyer", "the customer")
        if seg in (ENTERPRISE, MID_MARKET):
            every = 91 if seg == ENTERPRISE else 182
            label = "QBR" if seg == ENTERPRISE else "Semi-annual business review"
            day = start + every
            while day <= 0:
                if day >= -WINDOW:
                    mood = (
                        "usage down, agreed on an action plan"
                        if health(i, day) == 0
                        else "objectives, usage, success stories, roadmap"
                    )
                    add(i, day, "qbr", csm, f"{label} with {exec_}: {mood}.")
                day += every
        if start > -WINDOW:
            onb = plan.onboarder_name(i)
            add(i, start, "email", onb, "Welcome email with the implementation plan.")
            add(i, start + 1, "call", onb, f"Kickoff call with {buyer}: goals and success metrics.")
            add(i, start + 8, "meeting", onb, "Basic training session.")
            add(i, start + 16, "meeting", onb, "Advanced training and workflows.")
            add(i, start + 29, "note", onb, "Go-live check-in.")
        if story == DROPPING and plan.event[i] != NONE:
            manager = plan.staff.managers[i % len(plan.staff.managers)]
            add(i, int(plan.event[i]) + 6, "note", manager, f"Manager save plan agreed with {csm}.")
        _renewal_steps(plan, i, csm, buyer, jitter[i], u_step[i], add)

    out.sort(key=lambda t: (t[0], t[1], t[2]))
    return [row for *_, row in out]


def _renewal_steps(
    plan: Plan,
    i: int,
    csm: str,
    buyer: str,
    jitter: np.ndarray,
    u: np.ndarray,
    add: Callable[[int, int, str, str, str], None],
) -> None:
    """The renewal timeline of the past year's renewal and of the open one."""
    story = int(plan.story[i])
    past = int(plan.past_day[i])
    if past != NONE:
        for k, (lead, kind, what) in enumerate(STEPS):
            if u[k] < 0.9:
                add(i, past - lead + int(jitter[k]), kind, csm, what.format(buyer=buyer))
        due, renewed = float(plan.past_due[i]), float(plan.past_renewed[i])
        if story == CHURNED:
            reason = words.CHURN_REASONS[int(plan.churn_reason[i])]
            text = f"Churned ({_money(due)} ARR lost): {reason}."
        elif renewed > due:
            text = f"Renewed and expanded: {_money(due)} -> {_money(renewed)} ARR."
        elif renewed < due:
            text = f"Renewed, contracted: {_money(due)} -> {_money(renewed)} ARR."
        else:
            text = f"Renewed at {_money(renewed)} ARR."
        add(i, past, "renewal_outcome", csm, text)
    day = int(plan.open_day[i])
    if day == NONE:
        return
    risky = story in (DECLINING, DROPPING, STALLED)
    for k, (lead, kind, what) in enumerate(STEPS, start=3):
        if u[k] < (0.55 if risky else 0.85) and day - lead <= 0:
            add(i, min(day - lead + int(jitter[k]), 0), kind, csm, what.format(buyer=buyer))


STEPS = (
    (90, "renewal_conversation", "Renewal conversation with {buyer}: goals for next year."),
    (60, "renewal_proposal", "Renewal proposal sent to {buyer}."),
    (30, "renewal_contract", "Renewal contract presented to {buyer}."),
)
