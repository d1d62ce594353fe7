"""Critical-path milestone ticks and barriers for the demo's accounts younger than a year.

Stages and milestones come from the built-in `templates/journey.toml` (the enterprise edition
adds its extra milestones). A stage's milestones are due by the end of its last week (the week
before the next stage starts, or its `end_week`), as the journey rules define. Most accounts
tick on time, some a little late; "behind" accounts lag more and more and skip milestones;
"stuck" accounts stopped ticking weeks ago and carry an open barrier.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from cs_tui.db.demo_plan import RAMPING, Plan, rng_for

MILESTONE_COLUMNS = ("account_id", "milestone_id", "done_on", "done_by")
BARRIER_COLUMNS = ("account_id", "stage", "kind", "text", "opened_on", "resolved_on", "created_by")
ON_TRACK, BEHIND, STUCK = range(3)
# Achievement milestones (weeks 12-51) are reached over the year: typical week range of each.
ACHIEVEMENT_WEEKS = ((14, 30), (22, 42), (32, 50))

Row = tuple[object, ...]


@dataclass(frozen=True)
class Milestone:
    """A milestone of the built-in critical path, with the day (from start) it is due by."""

    stage: int
    id: str
    start_day: int
    due_day: int
    enterprise_only: bool


@dataclass(frozen=True)
class Path:
    """The built-in critical path: stage ids, their barriers, and milestones in order."""

    stages: list[str]
    barriers: list[list[tuple[str, str]]]
    milestones: list[Milestone]


def load_path() -> Path:
    """Read the built-in journey template (not the user's copy: the demo is the same for all)."""
    text = resources.files("cs_tui.templates").joinpath("journey.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    defs = data["stages"]
    extras = data.get("editions", {}).get("enterprise", {}).get("extra_milestones", [])
    milestones: list[Milestone] = []
    for k, stage in enumerate(defs):
        end = stage.get("end_week") or (
            defs[k + 1]["week"] - 1 if k + 1 < len(defs) else stage["week"]
        )
        start_day, due_day = 7 * (stage["week"] - 1), 7 * end - 1
        milestones += [
            Milestone(k, m["id"], start_day, due_day, False) for m in stage["milestones"]
        ]
        milestones += [
            Milestone(k, m["id"], start_day, due_day, True)
            for m in extras
            if m["stage"] == stage["id"]
        ]
    return Path(
        stages=[s["id"] for s in defs],
        barriers=[[(b["kind"], b["text"]) for b in s.get("barriers", [])] for s in defs],
        milestones=milestones,
    )


def make_journey(plan: Plan, seed: int) -> tuple[list[Row], list[Row]]:
    """Milestone ticks and barriers for every account younger than a year."""
    rng = rng_for(seed, "journey")
    path = load_path()
    achievement = {
        m.id: ACHIEVEMENT_WEEKS[k % len(ACHIEVEMENT_WEEKS)]
        for k, m in enumerate(x for x in path.milestones if x.due_day - x.start_day > 100)
    }
    ticks: list[Row] = []
    barriers: list[Row] = []
    width = len(path.milestones)
    for i in np.flatnonzero(plan.is_new).tolist():
        u = rng.random(width)
        v = rng.random(width)
        w = rng.random(8)
        start = int(plan.start[i])
        if plan.story[i] == RAMPING:
            profile = ON_TRACK if w[0] < 0.88 else BEHIND
        else:
            profile = BEHIND if w[0] < 0.45 else STUCK
        stop = -int(22 + w[1] * 40) if profile == STUCK else 1
        onb, csm = plan.onboarder_name(i), plan.csm_name(i)
        done: list[tuple[Milestone, int]] = []
        pending: list[Milestone] = []
        for k, m in enumerate(path.milestones):
            if m.enterprise_only and plan.edition[i] != 1:
                continue
            lag = 4 + 3 * m.stage + int(u[k] * 7)
            if m.id in achievement:  # reached some time in the year, due only by week 51
                lo, hi = achievement[m.id]
                target = start + 7 * lo + int(u[k] * 7 * (hi - lo))
                late = target + 2 * lag
            else:
                target = start + m.due_day - int(u[k] * 6)
                late = start + m.due_day + lag
            if profile == ON_TRACK and v[k] < 0.1:
                target = start + m.due_day + 1 + int(u[k] * 9)
            elif profile != ON_TRACK:
                recent = -35 <= start + m.due_day < 0
                if profile == BEHIND and recent and v[k] < 0.5:  # due lately, still open
                    pending.append(m)
                    continue
                target = late
            if target <= min(0, stop):
                done.append((m, target))
            else:
                pending.append(m)
        for k, (m, day) in enumerate(done):
            ticks.append((plan.ids[i], m.id, plan.day(day), csm if v[k] > 0.85 else onb))
        # Barriers: one open where a lagging account is held up, resolved ones from the past.
        overdue = [m for m in pending if start + m.due_day < 0]
        if overdue and (profile == STUCK or (profile == BEHIND and w[2] < 0.65)):
            stage = overdue[0].stage
            opened = max(start, stop + int(w[3] * 7) if profile == STUCK else -3 - int(w[3] * 18))
            barriers.append(_barrier(plan, path, i, stage, w[4], opened, None, onb))
        if done and w[5] < 0.3:
            m, day = done[int(w[6] * len(done))]
            opened = min(day, max(start, start + m.start_day + int(w[7] * 5)))
            resolved = min(0, max(day, opened + 3))
            barriers.append(_barrier(plan, path, i, m.stage, w[7], opened, resolved, onb))
    return ticks, barriers


def _barrier(
    plan: Plan,
    path: Path,
    i: int,
    stage: int,
    pick: float,
    opened: int,
    resolved: int | None,
    author: str,
) -> Row:
    options = path.barriers[stage] or [("customer", "Waiting on the customer")]
    kind, text = options[int(pick * len(options))]
    return (
        plan.ids[i],
        path.stages[stage],
        kind,
        text,
        plan.day(opened),
        None if resolved is None else plan.day(resolved),
        author,
    )
