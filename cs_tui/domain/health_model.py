"""The health model (`templates/health.toml`): categories, measures, mappings and bands.

Pure pydantic, no pandas, so the app can load and validate it at start-up cheaply.
Load it with `load_health_model()` (the user's copy in the config dir wins).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cs_tui.domain.models import ActivityKind, Segment

CATEGORY_IDS: tuple[str, ...] = ("engagement", "product", "relationship", "business")
"""The four categories; `health_snapshots` has one column for each."""

Band = Literal["green", "yellow", "red"]
BANDS: tuple[Band, ...] = ("green", "yellow", "red")

Source = Literal[
    # usage (window_days of daily usage rows, missing days count as zero)
    "logins_per_user_week",
    "active_user_ratio",
    "session_minutes_per_active_user",
    "feature_depth",
    "feature_adoption",
    "workflows_per_user_week",
    "integrations",
    "seat_utilisation",
    # other data
    "tickets",
    "survey_score",
    "days_since_activity",
    "executive_sponsors",
    "renewal_history",
    # set by a person
    "manual",
]
"""Every computation a measure can use. `domain/health.py` documents each one."""

USAGE_SOURCES: frozenset[str] = frozenset(
    {
        "logins_per_user_week",
        "active_user_ratio",
        "session_minutes_per_active_user",
        "feature_depth",
        "feature_adoption",
        "workflows_per_user_week",
        "integrations",
        "seat_utilisation",
    }
)

ManualScale = Literal["0-100", "1-5"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Measure(_Strict):
    """One measure: how its raw value is computed and how the raw value maps to 0-100."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Stable identifier; for a manual measure, the key stored in `manual_measures.measure`."""
    label: str
    """What the user reads, e.g. "Login frequency"."""
    source: Source
    """Which computation gives the raw value."""
    weight: float = Field(gt=0, le=100)
    """Share of the category (the weights of a category's measures sum to 100)."""
    better: Literal["higher", "lower"] = "higher"
    """Direction: a higher raw value must never give a lower score when "higher"."""
    points: list[tuple[float, float]] = Field(default_factory=list)
    """Piecewise-linear map raw -> score as [raw, score] pairs, raw strictly increasing;
    below the first and above the last point the end scores hold."""
    window_days: int = Field(30, ge=1, le=730)
    """How many days, ending at the as-of date, the computation looks at."""
    kinds: list[ActivityKind] = Field(default_factory=list)
    """For `days_since_activity`: which activity kinds count."""
    segments: list[Segment] = Field(default_factory=list)
    """Segments the measure applies to (empty: all); elsewhere it is left out."""
    scale: ManualScale | None = None
    """For `manual`: the scale a CSM uses (1-5 maps 1->0, 3->50, 5->100)."""
    unit: str = ""
    """Unit of the raw value for display, e.g. "logins/user/week"."""

    @field_validator("points")
    @classmethod
    def _points_valid(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        if not points:
            return points
        if len(points) < 2:
            raise ValueError("needs at least two [raw, score] points")
        xs = [p[0] for p in points]
        if any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
            raise ValueError("raw values of points must be strictly increasing")
        if any(not 0 <= p[1] <= 100 for p in points):
            raise ValueError("scores of points must be within 0-100")
        return points

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if self.source == "manual":
            if self.scale is None:
                raise ValueError(f"manual measure {self.id!r} needs scale = '0-100' or '1-5'")
            if self.points:
                raise ValueError(f"manual measure {self.id!r} takes no points (scale maps it)")
        else:
            if self.scale is not None:
                raise ValueError(f"measure {self.id!r}: scale is only for source = 'manual'")
            if not self.points:
                raise ValueError(f"measure {self.id!r} needs points = [[raw, score], ...]")
            scores = [p[1] for p in self.points]
            pairs = list(zip(scores, scores[1:], strict=False))
            if self.better == "higher" and any(b < a for a, b in pairs):
                raise ValueError(
                    f"measure {self.id!r}: better = 'higher' but the scores of points go down"
                )
            if self.better == "lower" and any(b > a for a, b in pairs):
                raise ValueError(
                    f"measure {self.id!r}: better = 'lower' but the scores of points go up"
                )
        if self.source == "days_since_activity" and not self.kinds:
            raise ValueError(f"measure {self.id!r}: days_since_activity needs kinds = [...]")
        if self.kinds and self.source != "days_since_activity":
            raise ValueError(f"measure {self.id!r}: kinds is only for days_since_activity")
        return self

    @property
    def is_manual(self) -> bool:
        """Set by a person rather than computed."""
        return self.source == "manual"

    def manual_to_score(self, value: float) -> float:
        """A manual value on this measure's scale as 0-100."""
        if self.scale == "1-5":
            return (value - 1.0) * 25.0
        return value

    def manual_range(self) -> tuple[float, float]:
        """The lowest and highest value a CSM may set."""
        return (1.0, 5.0) if self.scale == "1-5" else (0.0, 100.0)


class Category(_Strict):
    """A weighted group of measures, scored 0-100."""

    id: Literal["engagement", "product", "relationship", "business"]
    label: str
    weight: float = Field(gt=0, le=100)
    """Share of the health score (the four weights sum to 100)."""
    measures: list[Measure] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights(self) -> Category:
        total = sum(m.weight for m in self.measures)
        if abs(total - 100) > 1e-6:
            raise ValueError(
                f"the weights of the measures of {self.id!r} sum to {total:g}, not 100"
            )
        return self


class Bands(_Strict):
    """Score thresholds: green at or above `green`, yellow at or above `yellow`, else red."""

    green: float = Field(80, gt=0, le=100)
    yellow: float = Field(60, gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if self.yellow >= self.green:
            raise ValueError("bands: yellow must be below green")
        return self


class NoUsageRule(_Strict):
    """An account without any usage for `days` days is red whatever its measures say."""

    days: int = Field(30, ge=1, le=365)
    max_score: float = Field(40, ge=0, le=100)
    """The score is capped at this (must be below the yellow band)."""


class HealthModel(_Strict):
    """The whole health model as loaded from `health.toml`."""

    bands: Bands = Field(default_factory=Bands)
    no_usage: NoUsageRule = Field(default_factory=NoUsageRule)
    categories: list[Category]

    @model_validator(mode="after")
    def _whole(self) -> HealthModel:
        ids = [c.id for c in self.categories]
        if sorted(ids) != sorted(CATEGORY_IDS):
            missing = [c for c in CATEGORY_IDS if c not in ids]
            repeated = sorted({c for c in ids if ids.count(c) > 1})
            parts = [f"missing {missing}"] if missing else []
            parts += [f"repeated {repeated}"] if repeated else []
            detail = "; ".join(parts)
            raise ValueError(f"categories must be exactly {list(CATEGORY_IDS)}: {detail}")
        total = sum(c.weight for c in self.categories)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"the category weights sum to {total:g}, not 100")
        seen: set[str] = set()
        for m in self.measures():
            if m.id in seen:
                raise ValueError(f"measure id {m.id!r} is used twice")
            seen.add(m.id)
        if self.no_usage.max_score >= self.bands.yellow:
            raise ValueError("no_usage.max_score must be below bands.yellow (the account is red)")
        return self

    def measures(self) -> list[Measure]:
        """Every measure, category by category."""
        return [m for c in self.categories for m in c.measures]

    def category(self, category_id: str) -> Category:
        """The category with this id."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id."""
        for m in self.measures():
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def manual_measures(self) -> list[Measure]:
        """The measures a CSM sets by hand."""
        return [m for m in self.measures() if m.is_manual]

    def usage_windows(self) -> list[int]:
        """Every window (days) over daily usage the model reads, the no-usage rule included."""
        days = {m.window_days for m in self.measures() if m.source in USAGE_SOURCES}
        days.add(self.no_usage.days)
        return sorted(days)

    def band(self, score: float) -> Band:
        """The band of a score."""
        if score >= self.bands.green:
            return "green"
        if score >= self.bands.yellow:
            return "yellow"
        return "red"

    def fingerprint(self) -> str:
        """A short hash of the model: stored snapshots are recomputed when it changes."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_health_model() -> HealthModel:
    """The health model: the user's `health.toml` if present, else the built-in one.

    Raises:
        ConfigError: the file is not TOML, or fails validation (the message says where).
    """
    from cs_tui.config import load_template

    return load_template("health.toml", HealthModel)


def builtin_health_model() -> HealthModel:
    """The health model shipped with cs-tui (ignoring any user copy)."""
    import tomllib
    from importlib import resources

    text = resources.files("cs_tui.templates").joinpath("health.toml").read_text(encoding="utf-8")
    return HealthModel.model_validate(tomllib.loads(text))


def validate_manual_value(model: HealthModel, measure_id: str, value: float) -> Measure:
    """Check that `value` may be set for manual measure `measure_id`.

    Returns:
        The measure.

    Raises:
        ValueError: unknown measure, not a manual one, or the value is off its scale.
    """
    try:
        measure = model.measure(measure_id)
    except KeyError:
        raise ValueError(f"unknown health measure {measure_id!r}") from None
    if not measure.is_manual:
        raise ValueError(f"{measure.label} is computed from data and cannot be set by hand")
    lo, hi = measure.manual_range()
    if not lo <= value <= hi:
        raise ValueError(f"{measure.label} takes a value from {lo:g} to {hi:g}, not {value:g}")
    return measure


def is_stale(set_on: dt.date, as_of: dt.date, stale_days: int) -> bool:
    """A manual measure set on `set_on` no longer counts at `as_of` (older than stale_days)."""
    return (as_of - set_on).days > stale_days


@dataclass(frozen=True, slots=True)
class HealthRow:
    """One account's latest stored health, as `Store.latest_health()` returns it.

    A plain dataclass (not pydantic): 10k of them are built for the first frame.
    """

    account_id: str
    name: str
    csm: str
    segment: str
    mrr: float
    renewal_date: dt.date | None
    status: str
    week: dt.date
    """The snapshot date the score was computed at."""
    score: float
    band: Band
    engagement: float | None
    product: float | None
    relationship: float | None
    business: float | None
    change_30d: float | None
    """Score minus the score 30 days earlier (None when the account is newer)."""

    @property
    def arr(self) -> float:
        """Annual recurring revenue."""
        return self.mrr * 12

    def days_to_renewal(self, as_of: dt.date) -> int | None:
        """Days from `as_of` to the renewal date, or None."""
        return None if self.renewal_date is None else (self.renewal_date - as_of).days


SOURCES: tuple[str, ...] = get_args(Source)


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """One measure of one account as the Health tab shows it."""

    category: str
    id: str
    label: str
    unit: str
    raw: float | None
    """The raw value (None: no data, not applicable, or a manual value not set or stale)."""
    score: float | None
    weight: float
    """Share of the whole score in % (0 when left out)."""
    contribution: float
    """Points of the score this measure gives (weight x score / 100)."""
    manual: bool
    scale: str | None
    applies: bool = True
    """False when the measure is limited to other segments."""


@dataclass(frozen=True, slots=True)
class CategoryLine:
    """One category of one account: its score and why, in words."""

    id: str
    label: str
    weight: float
    """The model's weight (%)."""
    score: float | None
    explanation: str


@dataclass(frozen=True, slots=True)
class HealthCard:
    """Everything the account screen's Health tab shows about the score at one date."""

    account_id: str
    as_of: dt.date
    score: float | None
    """None: the account is not active at `as_of`."""
    band: Band | None
    change_30d: float | None
    no_usage: bool
    headline: str
    categories: list[CategoryLine]
    measures: list[MeasureLine]
