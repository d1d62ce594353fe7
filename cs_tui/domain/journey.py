"""The customer's critical path, week 1 to week 52: template model, stage and status rules.

Pure: no I/O and no clock. Load the template with
`cs_tui.config.load_template(TEMPLATE_NAME, JourneyTemplate)`, resolve it for an edition with
`JourneyTemplate.for_edition`, then `evaluate` one account at an as-of date.

The rules (weeks count from the account's start date; week 1 is days 0-6):
- a stage *starts* in its `week` and lasts until the week before the next stage starts (the last
  stage: its own week, unless `end_week` says otherwise). Its milestones are due by the end of
  its last week. Technical set-up (week 1) is due at the end of week 1, Oriented (week 2) by the
  end of week 3, ..., Achievement (weeks 12-51) by the end of week 51, Renewal by week 52.
- expected stage: the latest stage whose start week has come (none before the start date; the
  last stage for an account older than a year).
- reached stage: the first stage with a milestone not yet done, i.e. every milestone of the
  earlier stages is done ("complete" once every milestone is done).
- milestone state: `done` (on time), `late` (done after its due date), `due` (due this week),
  `overdue`, `upcoming`. Ticks dated after the as-of date do not count yet.
- status: `behind` when a milestone is overdue; `stuck` when behind and nothing was ticked for
  `stuck_weeks` weeks while overdue; else `on track`.
- first value: the date the "Initial value" stage (and everything before it) was complete;
  onboarded: the same for "Full speed". Time to first value is start date -> first value.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from cs_tui.domain.models import EDITIONS, Account, BarrierKind, Edition, MilestoneTick

TEMPLATE_NAME = "journey.toml"
WEEKS = 52
"""The critical path covers the first year."""

MilestoneState = Literal["done", "late", "due", "overdue", "upcoming"]
JourneyStatus = Literal["on track", "behind", "stuck"]
STATUSES: tuple[JourneyStatus, ...] = ("on track", "behind", "stuck")
MILESTONE_STATES: tuple[MilestoneState, ...] = ("done", "late", "due", "overdue", "upcoming")
COMPLETE = "Complete"
"""The reached-stage label of an account whose every milestone is done."""

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


# -- the template (journey.toml) ----------------------------------------------------------------


class _Strict(BaseModel):
    # defer_build: validators are built when a template is first loaded, not at import
    # (cs-tui imports this module on start-up, where every millisecond counts)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class MilestoneDef(_Strict):
    """A milestone as the template defines it."""

    id: str = Field(pattern=_ID_PATTERN)
    """Stable id, stored in the `milestones` table: never rename one that is in use."""
    title: str = Field(min_length=1)


class ExtraMilestone(MilestoneDef):
    """A milestone an edition adds to one stage."""

    stage: str
    """The id of the stage it belongs to."""


class KnownBarrier(_Strict):
    """A barrier seen at a stage: offered as a suggestion when one is logged."""

    kind: BarrierKind
    """`customer` (a customer challenge) or `ours` (an issue on our side)."""
    text: str = Field(min_length=1)


class StageDef(_Strict):
    """A stage of the critical path."""

    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    short: str | None = Field(default=None, min_length=1, max_length=6)
    """A label of at most 6 characters for charts (default: the name, cut)."""
    week: int = Field(ge=1, le=WEEKS)
    """The week the customer should be in this stage (weeks count from 1)."""
    end_week: int | None = Field(default=None, ge=1, le=WEEKS)
    """The stage's last week; its milestones are due by its end. Default: the week before
    the next stage starts (the last stage: its own week)."""
    milestones: list[MilestoneDef] = Field(min_length=1)
    barriers: list[KnownBarrier] = Field(default_factory=list)


class EditionOverride(_Strict):
    """What one edition changes in the critical path."""

    extra_milestones: list[ExtraMilestone] = Field(default_factory=list)


class JourneyTemplate(_Strict):
    """The whole of journey.toml, validated."""

    stages: list[StageDef] = Field(min_length=1)
    editions: dict[Edition, EditionOverride] = Field(default_factory=dict)
    first_value_stage: str = "initial_value"
    """Completing this stage is the customer's first value (time to first value)."""
    onboarded_stage: str = "full_speed"
    """Completing this stage completes onboarding."""

    _resolved: dict[str, Journey] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> JourneyTemplate:
        ids = [s.id for s in self.stages]
        if dup := _duplicates(ids):
            raise ValueError(f"stage ids must be unique: {', '.join(dup)}")
        for prev, nxt in zip(self.stages, self.stages[1:], strict=False):
            if nxt.week <= prev.week:
                raise ValueError(
                    f"stage weeks must increase: {nxt.id!r} (week {nxt.week}) comes after "
                    f"{prev.id!r} (week {prev.week})"
                )
        for i, stage in enumerate(self.stages):
            if stage.end_week is None:
                continue
            if stage.end_week < stage.week:
                raise ValueError(
                    f"stage {stage.id!r}: end_week {stage.end_week} is before its week {stage.week}"
                )
            if i + 1 < len(self.stages) and stage.end_week >= self.stages[i + 1].week:
                nxt = self.stages[i + 1]
                raise ValueError(
                    f"stage {stage.id!r}: end_week {stage.end_week} overlaps stage {nxt.id!r} "
                    f"(week {nxt.week}); make it at most {nxt.week - 1}"
                )
        base = [m.id for s in self.stages for m in s.milestones]
        if dup := _duplicates(base):
            raise ValueError(f"milestone ids must be unique: {', '.join(dup)}")
        for edition, override in self.editions.items():
            for extra in override.extra_milestones:
                if extra.stage not in ids:
                    raise ValueError(
                        f"editions.{edition}: milestone {extra.id!r} names unknown stage "
                        f"{extra.stage!r} (stages: {', '.join(ids)})"
                    )
            extra_ids = [m.id for m in override.extra_milestones]
            if dup := _duplicates(base + extra_ids):
                raise ValueError(
                    f"editions.{edition}: milestone ids must be unique: {', '.join(dup)}"
                )
        for key in ("first_value_stage", "onboarded_stage"):
            if getattr(self, key) not in ids:
                raise ValueError(
                    f"{key}: {getattr(self, key)!r} is not a stage id (stages: {', '.join(ids)})"
                )
        return self

    def for_edition(self, edition: str) -> Journey:
        """The critical path of one edition: the stages plus that edition's extra milestones."""
        if edition not in self._resolved:
            self._resolved[edition] = _resolve(self, edition)
        return self._resolved[edition]

    def stage_names(self) -> dict[str, str]:
        """Stage id -> name, in order."""
        return {s.id: s.name for s in self.stages}

    def stage_shorts(self) -> dict[str, str]:
        """Stage id -> short chart label, in order."""
        return {s.id: s.short or s.name[:6] for s in self.stages}

    def known_barriers(self, stage_id: str) -> list[KnownBarrier]:
        """The template's known barriers of one stage (empty for an unknown stage)."""
        for stage in self.stages:
            if stage.id == stage_id:
                return list(stage.barriers)
        return []


def _duplicates(values: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})  # type: ignore[func-returns-value]


# -- the resolved path of one edition -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone of a resolved path, with the week it is due by."""

    id: str
    title: str
    stage_id: str
    stage_index: int
    due_week: int


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage of a resolved path."""

    index: int
    id: str
    name: str
    short: str
    """At most 6 characters, for chart axes."""
    week: int
    end_week: int
    """The last week of the stage: its milestones are due by the end of this week."""
    milestones: tuple[Milestone, ...]
    barriers: tuple[KnownBarrier, ...]

    @property
    def weeks_label(self) -> str:
        """ "1" or "12-51"."""
        return str(self.week) if self.end_week == self.week else f"{self.week}-{self.end_week}"


@dataclass(frozen=True)
class Journey:
    """The critical path of one edition, ready to evaluate accounts against."""

    edition: str
    stages: tuple[Stage, ...]
    first_value_index: int
    onboarded_index: int

    @cached_property
    def milestones(self) -> tuple[Milestone, ...]:
        """Every milestone, in stage order."""
        return tuple(m for s in self.stages for m in s.milestones)

    @cached_property
    def by_id(self) -> dict[str, Milestone]:
        """Milestone id -> milestone."""
        return {m.id: m for m in self.milestones}

    @cached_property
    def stage_by_id(self) -> dict[str, Stage]:
        """Stage id -> stage."""
        return {s.id: s for s in self.stages}

    def expected_index(self, week: int) -> int | None:
        """The index of the stage an account in `week` should be in (None before week 1)."""
        found: int | None = None
        for stage in self.stages:
            if stage.week <= week:
                found = stage.index
            else:
                break
        return found

    def stage_of_week(self, week: int) -> Stage | None:
        """The stage whose weeks (start to end) contain `week`, or None (a gap, or out of range)."""
        for stage in self.stages:
            if stage.week <= week <= stage.end_week:
                return stage
        return None


def _resolve(template: JourneyTemplate, edition: str) -> Journey:
    override = template.editions.get(edition)  # type: ignore[call-overload]
    extras: dict[str, list[MilestoneDef]] = {}
    for extra in override.extra_milestones if override else []:
        extras.setdefault(extra.stage, []).append(extra)
    stages: list[Stage] = []
    defs = template.stages
    for i, sdef in enumerate(defs):
        if sdef.end_week is not None:
            end = sdef.end_week
        elif i + 1 < len(defs):
            end = defs[i + 1].week - 1
        else:
            end = sdef.week
        mdefs = [*sdef.milestones, *extras.get(sdef.id, [])]
        milestones = tuple(Milestone(m.id, m.title, sdef.id, i, end) for m in mdefs)
        short = sdef.short or sdef.name[:6]
        stages.append(
            Stage(i, sdef.id, sdef.name, short, sdef.week, end, milestones, tuple(sdef.barriers))
        )
    ids = [s.id for s in stages]
    return Journey(
        edition=edition,
        stages=tuple(stages),
        first_value_index=ids.index(template.first_value_stage),
        onboarded_index=ids.index(template.onboarded_stage),
    )


# -- dates ----------------------------------------------------------------------------------------


def week_of(start_date: dt.date, as_of: dt.date) -> int:
    """The week an account is in at `as_of`: 1 on days 0-6 from its start, 2 on days 7-13, ...

    Zero or negative before the start date; above 52 after its first year.
    """
    return (as_of - start_date).days // 7 + 1


def week_start(start_date: dt.date, week: int) -> dt.date:
    """The first day of week `week` of an account that started on `start_date`."""
    return start_date + dt.timedelta(days=7 * (week - 1))


def due_date(start_date: dt.date, week: int) -> dt.date:
    """The last day of week `week`: a milestone due in that week is due by this date."""
    return start_date + dt.timedelta(days=7 * week - 1)


# -- one account at an as-of date -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MilestoneProgress:
    """One milestone of one account at the as-of date."""

    milestone: Milestone
    state: MilestoneState
    due_on: dt.date
    done_on: dt.date | None = None
    done_by: str | None = None

    @property
    def is_done(self) -> bool:
        """Ticked (on time or late)."""
        return self.done_on is not None


@dataclass(frozen=True)
class AccountJourney:
    """Where one account is on its critical path at the as-of date.

    The summary (stages, status, dates) is computed by `evaluate`; the per-milestone list is
    built on first use, so evaluating a whole portfolio stays cheap.
    """

    account_id: str
    journey: Journey
    start_date: dt.date
    as_of: dt.date
    week: int
    """The week the account is in (<= 0 before its start, > 52 after its first year)."""
    expected_index: int | None
    """Index of the stage it should be in (None before its start date)."""
    reached_index: int
    """Index of the stage it has reached; `len(journey.stages)` when every milestone is done."""
    status: JourneyStatus
    weeks_behind: int
    """Weeks since the due week of its oldest overdue milestone (0 when nothing is overdue)."""
    last_tick: dt.date | None
    first_value_on: dt.date | None
    onboarded_on: dt.date | None
    done: Mapping[str, dt.date] = field(default_factory=dict, repr=False)
    """Milestone id -> done date, for the milestones of this path done by the as-of date."""
    done_by: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Milestone id -> who ticked it (when known)."""
    open_barriers: int = 0
    stage_barriers: Mapping[str, int] = field(default_factory=dict)
    """Open barriers per stage id."""

    @cached_property
    def milestones(self) -> tuple[MilestoneProgress, ...]:
        """Every milestone of the path with its state, in path order."""
        return tuple(self._progress(m) for m in self.journey.milestones)

    def _progress(self, m: Milestone) -> MilestoneProgress:
        due_on = due_date(self.start_date, m.due_week)
        day = self.done.get(m.id)
        state: MilestoneState
        if day is not None:
            state = "done" if day <= due_on else "late"
            return MilestoneProgress(m, state, due_on, day, self.done_by.get(m.id))
        if m.due_week < self.week:
            state = "overdue"
        elif m.due_week == self.week:
            state = "due"
        else:
            state = "upcoming"
        return MilestoneProgress(m, state, due_on)

    @property
    def started(self) -> bool:
        """The start date has come."""
        return self.week >= 1

    @property
    def in_first_year(self) -> bool:
        """Weeks 1 to 52."""
        return 1 <= self.week <= WEEKS

    @property
    def complete(self) -> bool:
        """Every milestone is done."""
        return self.reached_index >= len(self.journey.stages)

    @property
    def expected_stage(self) -> Stage | None:
        """The stage it should be in, or None before its start date."""
        return None if self.expected_index is None else self.journey.stages[self.expected_index]

    @property
    def reached_stage(self) -> Stage | None:
        """The stage it has reached, or None once every milestone is done."""
        return None if self.complete else self.journey.stages[self.reached_index]

    @property
    def expected_stage_name(self) -> str:
        """Name of the expected stage ("" before the start date)."""
        stage = self.expected_stage
        return stage.name if stage else ""

    @property
    def reached_stage_name(self) -> str:
        """Name of the reached stage ("Complete" once every milestone is done)."""
        stage = self.reached_stage
        return stage.name if stage else COMPLETE

    @property
    def stages_behind(self) -> int:
        """How many stages the reached stage trails the expected one (0 when level or ahead)."""
        if self.expected_index is None:
            return 0
        return max(0, self.expected_index - self.reached_index)

    @property
    def overdue(self) -> tuple[MilestoneProgress, ...]:
        """Milestones past their due date and not done."""
        return tuple(m for m in self.milestones if m.state == "overdue")

    @property
    def next_milestone(self) -> MilestoneProgress | None:
        """The first milestone not done, in path order (it may be overdue)."""
        stage = self.reached_stage
        if stage is None:
            return None
        for m in stage.milestones:
            if m.id not in self.done:
                return self._progress(m)
        return None  # pragma: no cover - the reached stage always has an undone milestone

    @property
    def first_value_due(self) -> dt.date:
        """When first value is due: the end of the first-value stage."""
        stage = self.journey.stages[self.journey.first_value_index]
        return due_date(self.start_date, stage.end_week)

    @property
    def onboarding_due(self) -> dt.date:
        """When onboarding is due to be complete: the end of the onboarded stage."""
        stage = self.journey.stages[self.journey.onboarded_index]
        return due_date(self.start_date, stage.end_week)

    @property
    def onboarded(self) -> bool:
        """Every milestone up to and including "Full speed" is done."""
        return self.onboarded_on is not None

    @property
    def time_to_first_value(self) -> int | None:
        """Days from the start date to first value, or None before first value."""
        if self.first_value_on is None:
            return None
        return max(0, (self.first_value_on - self.start_date).days)

    @property
    def time_to_onboarded(self) -> int | None:
        """Days from the start date to onboarding complete, or None before it."""
        if self.onboarded_on is None:
            return None
        return max(0, (self.onboarded_on - self.start_date).days)

    def stage_progress(self, stage: Stage) -> tuple[MilestoneProgress, ...]:
        """The milestones of one stage."""
        return tuple(m for m in self.milestones if m.milestone.stage_index == stage.index)


def evaluate(
    journey: Journey,
    account_id: str,
    start_date: dt.date,
    ticks: Iterable[MilestoneTick] | Mapping[str, dt.date],
    as_of: dt.date,
    *,
    stuck_weeks: int = 3,
    open_barriers: Mapping[str, int] | None = None,
) -> AccountJourney:
    """Evaluate one account's critical path at `as_of`.

    Args:
        journey: the path of the account's edition (`JourneyTemplate.for_edition`).
        account_id: the account.
        start_date: its start date (week 1 starts here).
        ticks: its milestone ticks (models, or milestone id -> done date). Ticks dated after
            `as_of` do not count; ticks of milestones not on this path are ignored.
        as_of: the date to evaluate at.
        stuck_weeks: behind with no tick for this many weeks while overdue is `stuck`.
        open_barriers: open barriers per stage id (count), shown beside the status.
    """
    on_path = journey.by_id
    done: dict[str, dt.date] = {}
    done_by: dict[str, str] = {}
    if isinstance(ticks, Mapping):
        for mid, day in ticks.items():
            if day <= as_of and mid in on_path:
                done[mid] = day
    else:
        for tick in ticks:
            if tick.done_on <= as_of and tick.milestone_id in on_path:
                done[tick.milestone_id] = tick.done_on
                done_by[tick.milestone_id] = tick.done_by
    last_tick = max(done.values()) if done else None

    week = (as_of - start_date).days // 7 + 1
    stages = journey.stages
    reached = len(stages)
    # completion date of each stage, counting every earlier stage (None while incomplete)
    complete_on: list[dt.date | None] = []
    running: dt.date | None = start_date
    if not done:  # nothing ticked (common for old imported accounts): skip the walk
        reached, complete_on = 0, [None] * len(stages)
    for stage in stages if done else ():
        for m in stage.milestones:
            day = done.get(m.id)
            if day is None:
                running = None
                if reached > stage.index:
                    reached = stage.index
            elif running is not None and day > running:
                running = day
        complete_on.append(running)

    status: JourneyStatus = "on track"
    weeks_behind = 0
    # milestones are due stage by stage, so the oldest overdue one is in the reached stage
    if reached < len(stages) and stages[reached].end_week < week:
        due_week = stages[reached].end_week
        status = "behind"
        weeks_behind = week - due_week
        overdue_since = due_date(start_date, due_week) + dt.timedelta(days=1)
        quiet_since = max(overdue_since, last_tick) if last_tick else overdue_since
        if (as_of - quiet_since).days >= 7 * stuck_weeks:
            status = "stuck"
    barriers = dict(open_barriers or {})
    return AccountJourney(
        account_id=account_id,
        journey=journey,
        start_date=start_date,
        as_of=as_of,
        week=week,
        expected_index=journey.expected_index(week),
        reached_index=reached,
        status=status,
        weeks_behind=weeks_behind,
        last_tick=last_tick,
        first_value_on=complete_on[journey.first_value_index],
        onboarded_on=complete_on[journey.onboarded_index],
        done=done,
        done_by=done_by,
        open_barriers=sum(barriers.values()),
        stage_barriers=barriers,
    )


def evaluate_accounts(
    template: JourneyTemplate,
    accounts: Iterable[Account],
    ticks: Mapping[str, Mapping[str, dt.date]],
    as_of: dt.date,
    *,
    stuck_weeks: int = 3,
    open_barriers: Mapping[str, Mapping[str, int]] | None = None,
) -> list[AccountJourney]:
    """Evaluate many accounts at once, each against its edition's path.

    Args:
        template: the journey template.
        accounts: the accounts.
        ticks: account id -> milestone id -> done date.
        as_of: the date to evaluate at.
        stuck_weeks: see `evaluate`.
        open_barriers: account id -> stage id -> open barriers.
    """
    barriers = open_barriers or {}
    empty: dict[str, dt.date] = {}
    paths = {e: template.for_edition(e) for e in EDITIONS}
    return [
        evaluate(
            paths.get(a.edition) or template.for_edition(a.edition),
            a.account_id,
            a.start_date,
            ticks.get(a.account_id, empty),
            as_of,
            stuck_weeks=stuck_weeks,
            open_barriers=barriers.get(a.account_id),
        )
        for a in accounts
    ]


def sort_most_behind(journeys: Iterable[AccountJourney]) -> list[AccountJourney]:
    """Most behind first: stuck before behind before on track, then weeks behind, then stages."""
    rank = {"stuck": 0, "behind": 1, "on track": 2}
    return sorted(
        journeys,
        key=lambda j: (rank[j.status], -j.weeks_behind, -j.stages_behind, j.account_id),
    )


# -- portfolio rates (for the metrics) ------------------------------------------------------------


@dataclass(frozen=True)
class JourneyRates:
    """Onboarding and first-value figures over a set of accounts at one as-of date.

    An account counts in a denominator only once its due date has passed: a customer in week
    3 is neither onboarded nor late yet.
    """

    accounts: int
    onboarding_due: int
    """Accounts whose onboarding (end of "Full speed") was due by the as-of date."""
    onboarded: int
    """Of those, how many have completed onboarding."""
    onboarded_on_time: int
    """Of those, how many completed it by its due date."""
    first_value_due: int
    first_value_reached: int
    ttfv_days: tuple[int, ...]
    """Time to first value (days) of every account that reached first value."""

    @property
    def onboarding_completion(self) -> float | None:
        """Share of accounts due to be onboarded that are (None when none is due)."""
        return self.onboarded / self.onboarding_due if self.onboarding_due else None

    @property
    def onboarding_on_time(self) -> float | None:
        """Share of accounts due to be onboarded that were onboarded by the due date."""
        return self.onboarded_on_time / self.onboarding_due if self.onboarding_due else None

    @property
    def first_value_rate(self) -> float | None:
        """Share of accounts due to reach first value that did."""
        return self.first_value_reached / self.first_value_due if self.first_value_due else None

    @property
    def ttfv_mean_days(self) -> float | None:
        """Mean time to first value in days (None when nobody reached it)."""
        return statistics.fmean(self.ttfv_days) if self.ttfv_days else None

    @property
    def ttfv_median_days(self) -> float | None:
        """Median time to first value in days (None when nobody reached it)."""
        return float(statistics.median(self.ttfv_days)) if self.ttfv_days else None


def journey_rates(
    journeys: Iterable[AccountJourney], *, since: dt.date | None = None
) -> JourneyRates:
    """Portfolio onboarding completion and time-to-first-value figures at the as-of date.

    Args:
        journeys: the accounts' paths, evaluated at one as-of date (filter them first for a
            cohort: one CSM, one segment, ...).
        since: for a window ending at the as-of date: only accounts whose onboarding (or first
            value) fell due on or after `since` count in those rates, and only first values
            reached on or after `since` count in the time to first value.
    """
    accounts = onboarding_due = onboarded = on_time = fv_due = fv_reached = 0
    ttfv: list[int] = []
    start = since or dt.date.min
    for j in journeys:
        accounts += 1
        if start <= j.onboarding_due <= j.as_of:
            onboarding_due += 1
            if j.onboarded_on is not None:
                onboarded += 1
                if j.onboarded_on <= j.onboarding_due:
                    on_time += 1
        if start <= j.first_value_due <= j.as_of:
            fv_due += 1
            if j.first_value_on is not None:
                fv_reached += 1
        if j.first_value_on is not None and j.first_value_on >= start:
            ttfv.append(max(0, (j.first_value_on - j.start_date).days))
    return JourneyRates(
        accounts, onboarding_due, onboarded, on_time, fv_due, fv_reached, tuple(ttfv)
    )


def onboarding_completion_rate(
    journeys: Iterable[AccountJourney], *, since: dt.date | None = None
) -> float | None:
    """Share of accounts due to be onboarded (past the end of "Full speed") that are.

    With `since`, only accounts whose onboarding fell due from `since` to the as-of date count.
    """
    return journey_rates(journeys, since=since).onboarding_completion


def mean_time_to_first_value(
    journeys: Iterable[AccountJourney], *, since: dt.date | None = None
) -> float | None:
    """Mean days from start date to first value, over accounts that reached it (since `since`)."""
    return journey_rates(journeys, since=since).ttfv_mean_days


def stage_counts(journeys: Iterable[AccountJourney]) -> dict[str, tuple[int, int]]:
    """Stage id -> (accounts expected in it, accounts that reached it), for started accounts.

    Stage ids come from the first journey's path; "complete" counts accounts past the end.
    """
    expected: dict[str, int] = {}
    reached: dict[str, int] = {}
    order: list[str] = []
    for j in journeys:
        if not order:
            order = [s.id for s in j.journey.stages] + ["complete"]
        if not j.started:
            continue
        if (stage := j.expected_stage) is not None:
            expected[stage.id] = expected.get(stage.id, 0) + 1
        rid = "complete" if j.complete else j.journey.stages[j.reached_index].id
        reached[rid] = reached.get(rid, 0) + 1
    return {sid: (expected.get(sid, 0), reached.get(sid, 0)) for sid in order}
