"""Health scores for a whole portfolio at any as-of dates, vectorised with numpy/pandas.

Pure: DataFrames in, DataFrames out; no I/O, no clock. Import it lazily (it imports pandas).

`compute_health(model, inputs, dates)` scores every account active at each date:
the score (0-100, one decimal), band, the four category scores and, with `detail=True`,
each measure's raw value, score, effective weight and contribution (points of the score).
Contributions add up to the score (before the no-usage cap, which `capped` flags).

Inputs (`HealthInputs`, one DataFrame each; dates as ISO text, `datetime.date`, datetime64
or integer day numbers since 1970-01-01):
- accounts: account_id, segment, licensed_users, start_date, churned_on (null while active)
- usage: either daily rows (account_id, date, active_users, logins, session_minutes,
  features_used, workflows_completed, integrations_active) or aggregated periods
  (account_id, start, end, the same sums, plus features_max, active_users_max,
  integrations_active as the period's maximum, usage_days). Periods must tile every window:
  `usage_periods(model, dates)` gives the periods the db layer aggregates to.
- tickets: account_id, opened_at
- surveys: account_id, kind (nps/csat), score, submitted_at
- activities: account_id, kind, date
- renewals: account_id, renewal_date, arr_due, outcome, arr_renewed
- contacts: account_id, role
- manual: account_id, measure, value, set_on (a manual value counts from set_on to
  set_on + stale_days; stale or never set, it is left out)

How each source's raw value is computed is listed in `templates/health.toml`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cs_tui.domain.health_model import BANDS, CATEGORY_IDS, USAGE_SOURCES, HealthModel, Measure

if TYPE_CHECKING:
    import pandas as pd

EPOCH = dt.date(1970, 1, 1)
USAGE_SUMS = ("logins", "active_users", "session_minutes", "features_used", "workflows_completed")
USAGE_MAXES = ("features_max", "active_users_max", "integrations_active")
USAGE_COLUMNS = (*USAGE_SUMS, *USAGE_MAXES, "usage_days")
SCORE_COLUMNS = ("account_id", "as_of", "score", "band", *CATEGORY_IDS, "no_usage", "change_30d")
DETAIL_COLUMNS = (
    "account_id",
    "as_of",
    "category",
    "measure",
    "raw",
    "score",
    "weight",
    "contribution",
)


def _empty(columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: [] for c in columns})


def _frame_field(*columns: str) -> Any:
    return field(default_factory=lambda: _empty(list(columns)))


@dataclass
class HealthInputs:
    """The data health is computed from (see the module docstring for the columns)."""

    accounts: pd.DataFrame
    usage: pd.DataFrame = _frame_field("account_id", "date", *USAGE_SUMS, "integrations_active")
    tickets: pd.DataFrame = _frame_field("account_id", "opened_at")
    surveys: pd.DataFrame = _frame_field("account_id", "kind", "score", "submitted_at")
    activities: pd.DataFrame = _frame_field("account_id", "kind", "date")
    renewals: pd.DataFrame = _frame_field(
        "account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"
    )
    contacts: pd.DataFrame = _frame_field("account_id", "role")
    manual: pd.DataFrame = _frame_field("account_id", "measure", "value", "set_on")
    usage_since: dt.date | None = None
    """The first day the usage data covers (the earliest usage row of the whole portfolio).
    Usage rates are taken over the days of a window from then on; a date before it has no
    usage measures and no no-usage cap. None: every window is fully covered."""

    def __post_init__(self) -> None:
        # An empty frame built from no rows has no columns: give it the expected ones.
        for name, value in list(vars(self).items()):
            if (
                name in _COLUMNS
                and len(value) == 0
                and name in _COLUMNS
                and not set(_COLUMNS[name]) <= set(value)
            ):
                setattr(self, name, _empty(list(_COLUMNS[name])))


_COLUMNS: dict[str, tuple[str, ...]] = {
    "usage": ("account_id", "date", *USAGE_SUMS, "integrations_active"),
    "tickets": ("account_id", "opened_at"),
    "surveys": ("account_id", "kind", "score", "submitted_at"),
    "activities": ("account_id", "kind", "date"),
    "renewals": ("account_id", "renewal_date", "arr_due", "outcome", "arr_renewed"),
    "contacts": ("account_id", "role"),
    "manual": ("account_id", "measure", "value", "set_on"),
}


@dataclass
class HealthResult:
    """What `compute_health` returns.

    Attributes:
        scores: one row per (account, as_of) where the account was active: account_id,
            as_of (date), score (0-100, 1 decimal), band, engagement, product, relationship,
            business (0-100 or NaN when the category had no data), no_usage (True when
            the account had no usage in the no-usage window, so its score was capped),
            change_30d (score minus the score 30 days before, when that date was computed).
            account_id and band are categoricals.
        detail: with detail=True, one row per (account, as_of, measure): category, measure,
            raw (NaN: no data), score (0-100 or NaN: left out), weight (share of the whole
            score in %, after missing measures' weights were shared out) and contribution
            (weight x score / 100, points of the score). Else an empty frame.
    """

    scores: pd.DataFrame
    detail: pd.DataFrame


# -- dates ------------------------------------------------------------------------------------


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01."""
    return (value - EPOCH).days


def from_day_number(days: int) -> dt.date:
    """The date `days` after 1970-01-01."""
    return EPOCH + dt.timedelta(days=int(days))


def _days(col: pd.Series) -> np.ndarray:
    """A column of dates as float day numbers (NaN when empty).

    Accepts ISO text, `datetime.date`, datetime64, or numbers already counting days since
    1970-01-01 (what the db layer passes for usage periods).
    """
    import pandas as pd

    if len(col) == 0:
        return np.zeros(0)
    if pd.api.types.is_integer_dtype(col) or pd.api.types.is_float_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)  # already day numbers
    if col.dtype == object or pd.api.types.is_string_dtype(col):
        text = col.astype("string").str.slice(0, 10)
        ts = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
    else:
        ts = pd.to_datetime(col, errors="coerce")
    days = ts.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    out = days.astype(float)
    out[ts.isna().to_numpy()] = np.nan
    return out


def snapshot_weeks(as_of: dt.date, weeks: int = 52) -> list[dt.date]:
    """The last `weeks` week-end dates (Sundays) on or before `as_of`, oldest first."""
    last_sunday = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
    return [last_sunday - dt.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]


def usage_periods(model: HealthModel, dates: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive (start, end) periods, inclusive, that tile every usage window of `dates`.

    The db layer sums daily usage over these periods (far fewer rows than days); each
    window the model reads is then a whole number of periods.
    """
    bounds: set[int] = set()
    for d in dates:
        n = day_number(d)
        bounds.add(n + 1)
        for w in model.usage_windows():
            bounds.add(n - w + 1)
    edges = sorted(bounds)
    return [
        (from_day_number(a), from_day_number(b - 1)) for a, b in zip(edges, edges[1:], strict=False)
    ]


# -- small vector helpers ---------------------------------------------------------------------


def _key(acct: np.ndarray, day: np.ndarray) -> np.ndarray:
    """A sortable int64 key of (account index, day number)."""
    return (acct.astype(np.int64) << 32) + (day.astype(np.int64) + (1 << 31))


@dataclass
class _Events:
    """Rows sorted by (account, day), for window queries by binary search."""

    keys: np.ndarray
    values: dict[str, np.ndarray]

    @classmethod
    def build(cls, acct: np.ndarray, day: np.ndarray, **values: np.ndarray) -> _Events:
        ok = (acct >= 0) & ~np.isnan(day)
        keys = _key(acct[ok], day[ok])
        order = np.argsort(keys, kind="stable")
        return cls(
            keys[order], {k: np.asarray(v, dtype=float)[ok][order] for k, v in values.items()}
        )

    def bounds(
        self, acct: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Index range of rows with day in [lo, hi] for each (acct, lo, hi)."""
        left = np.searchsorted(self.keys, _key(acct, lo), "left")
        right = np.searchsorted(self.keys, _key(acct, hi), "right")
        return left, right

    def window_sum(self, name: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Sum of `name` over each index range."""
        cum = np.concatenate([[0.0], np.cumsum(self.values[name])])
        return cum[right] - cum[left]

    def window_max(self, name: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Maximum of `name` over each index range (0 when empty)."""
        out = np.zeros(len(left))
        nonempty = right > left
        if not nonempty.any():
            return out
        vals = np.append(self.values[name], 0.0)
        idx = np.empty(2 * int(nonempty.sum()), dtype=np.int64)
        idx[0::2] = left[nonempty]
        idx[1::2] = right[nonempty]
        out[nonempty] = np.maximum.reduceat(vals, idx)[0::2]
        return out

    def last_day(self, acct: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Day of the last row on or before `day` for the same account (NaN if none)."""
        pos = np.searchsorted(self.keys, _key(acct, day), "right") - 1
        out = np.full(len(acct), np.nan)
        ok = pos >= 0
        found = self.keys[pos[ok]]
        same = (found >> 32) == acct[ok]
        idx = np.flatnonzero(ok)[same]
        out[idx] = (found[same] & 0xFFFFFFFF) - (1 << 31)
        return out


def _account_index(accounts: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    import pandas as pd

    return pd.Index(accounts["account_id"]).get_indexer(ids).astype(np.int64)


def _normalise_usage(usage: pd.DataFrame) -> pd.DataFrame:
    """Daily usage rows as one-day periods; aggregated periods pass through."""
    if "start" in usage.columns:
        return usage
    out = usage.copy()
    out["start"] = usage["date"]
    out["end"] = usage["date"]
    out["features_max"] = usage["features_used"]
    out["active_users_max"] = usage["active_users"]
    active = (usage["logins"] > 0) | (usage["active_users"] > 0) | (usage["session_minutes"] > 0)
    out["usage_days"] = active.astype(int)
    return out


# -- raw values -------------------------------------------------------------------------------


@dataclass
class _Pairs:
    """The (account, as_of) pairs being scored."""

    acct: np.ndarray
    date_idx: np.ndarray
    days: np.ndarray
    """The day number of each as-of date (indexed by date_idx)."""
    licensed: np.ndarray
    segment: pd.Series
    start: np.ndarray

    @property
    def day(self) -> np.ndarray:
        """Day number of each pair."""
        return self.days[self.date_idx]


def _pairs(accounts: pd.DataFrame, dates: list[dt.date]) -> _Pairs:
    start = _days(accounts["start_date"])
    churned = (
        _days(accounts["churned_on"]) if "churned_on" in accounts else np.full(len(start), np.nan)
    )
    n = len(accounts)
    days = np.array([day_number(d) for d in dates], dtype=float)
    acct = np.tile(np.arange(n), len(days))
    date_idx = np.repeat(np.arange(len(days)), n)
    day = days[date_idx]
    active = (start[acct] <= day) & (np.isnan(churned[acct]) | (churned[acct] > day))
    acct, date_idx = acct[active], date_idx[active]
    licensed = accounts["licensed_users"].fillna(0).to_numpy(dtype=float)
    return _Pairs(
        acct, date_idx, days, np.maximum(licensed[acct], 1.0), accounts["segment"], start[acct]
    )


class _UsageGrid:
    """Usage as dense accounts x periods matrices: window sums and maxima in a few ops."""

    def __init__(self, usage: pd.DataFrame, account_idx: np.ndarray, n_accounts: int) -> None:
        start, end = _days(usage["start"]), _days(usage["end"])
        ok = (account_idx >= 0) & ~np.isnan(start)
        starts, period = np.unique(start[ok], return_inverse=True)
        ends = np.full(len(starts), -np.inf)
        np.maximum.at(ends, period, end[ok])
        self.starts, self.ends = starts, ends
        acct = account_idx[ok]
        shape = (n_accounts, len(starts))
        flat = acct * len(starts) + period
        self.cum: dict[str, np.ndarray] = {}
        for c in (*USAGE_SUMS, "usage_days"):
            v = usage[c].fillna(0).to_numpy(dtype=float)[ok]
            m = np.bincount(flat, weights=v, minlength=shape[0] * shape[1]).reshape(shape)
            self.cum[c] = np.concatenate([np.zeros((shape[0], 1)), np.cumsum(m, axis=1)], axis=1)
        self.mat: dict[str, np.ndarray] = {}
        for c in USAGE_MAXES:
            m = np.zeros(shape)
            m[acct, period] = usage[c].fillna(0).to_numpy(dtype=float)[ok]
            self.mat[c] = m

    def window(self, days: np.ndarray, window: int, pairs: _Pairs) -> dict[str, np.ndarray]:
        """Sums and maxima over the `window` days ending at each date, for each pair."""
        lo = np.searchsorted(self.starts, days - window + 1, "left")
        hi = np.searchsorted(self.starts, days, "right")
        for a, b, d in zip(lo, hi, days, strict=True):
            if b > a and self.ends[b - 1] > d:
                raise ValueError("usage periods do not line up with the windows of the model")
        a, b, i = lo[pairs.date_idx], hi[pairs.date_idx], pairs.acct
        out = {c: cum[i, b] - cum[i, a] for c, cum in self.cum.items()}
        for c, m in self.mat.items():
            per_date = np.zeros((len(days), m.shape[0]))
            for k, (x, y) in enumerate(zip(lo, hi, strict=True)):
                if y > x:
                    per_date[k] = m[:, x:y].max(axis=1)
            out[c] = per_date[pairs.date_idx, i]
        return out


class _Raw:
    """Computes raw measure values for pairs, caching the per-source event indexes."""

    def __init__(self, inputs: HealthInputs, pairs: _Pairs, stale_days: int) -> None:
        self.inputs = inputs
        self.p = pairs
        self.stale_days = stale_days
        self._cache: dict[str, Any] = {}

    def _acct(self, frame: pd.DataFrame) -> np.ndarray:
        return _account_index(self.inputs.accounts, frame["account_id"])

    def usage(self, window: int) -> dict[str, np.ndarray]:
        key = f"usage{window}"
        if key not in self._cache:
            if "usage_grid" not in self._cache:
                u = _normalise_usage(self.inputs.usage)
                n = len(self.inputs.accounts)
                self._cache["usage_grid"] = _UsageGrid(u, self._acct(u), n)
            grid: _UsageGrid = self._cache["usage_grid"]
            self._cache[key] = grid.window(self.p.days, window, self.p)
        result: dict[str, np.ndarray] = self._cache[key]
        return result

    def value(self, m: Measure) -> np.ndarray:
        p, w = self.p, float(m.window_days)
        src = m.source
        if src in USAGE_SOURCES:
            u = self.usage(m.window_days)
            # Days of the window the usage data covers: the whole window, except near the
            # start of the data (history before the first imported day is unknown, not zero).
            days = self.covered(m.window_days)
            weeks = days / 7.0
            with np.errstate(invalid="ignore", divide="ignore"):
                if src == "logins_per_user_week":
                    value = u["logins"] / p.licensed / weeks
                elif src == "active_user_ratio":
                    value = u["active_users"] / days / p.licensed
                elif src == "session_minutes_per_active_user":
                    value = u["session_minutes"] / np.maximum(u["active_users"], 1.0)
                elif src == "feature_depth":
                    value = u["features_used"] / days
                elif src == "feature_adoption":
                    value = u["features_max"]
                elif src == "workflows_per_user_week":
                    value = u["workflows_completed"] / p.licensed / weeks
                elif src == "integrations":
                    value = u["integrations_active"]
                else:  # seat_utilisation
                    value = u["active_users_max"] / p.licensed
            return np.where(days > 0, value, np.nan)
        if src == "tickets":
            t = self.inputs.tickets
            ev = self._events("tickets", t, _days(t["opened_at"]), one=np.ones(len(t)))
            left, right = ev.bounds(p.acct, p.day - w + 1, p.day)
            return (right - left).astype(float)
        if src == "survey_score":
            s = self.inputs.surveys
            score = s["score"].to_numpy(dtype=float)
            norm = np.where(s["kind"].to_numpy() == "nps", score * 10.0, (score - 1.0) * 25.0)
            ev = self._events("surveys", s, _days(s["submitted_at"]), norm=norm)
            left, right = ev.bounds(p.acct, p.day - w + 1, p.day)
            total, count = ev.window_sum("norm", left, right), right - left
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(count > 0, total / np.maximum(count, 1), np.nan)
        if src == "days_since_activity":
            a = self.inputs.activities
            a = a[a["kind"].isin(m.kinds)]
            ev = self._events("act:" + ",".join(sorted(m.kinds)), a, _days(a["date"]))
            last = ev.last_day(p.acct, p.day)
            since = np.where(np.isnan(last), p.start, np.maximum(last, p.start))
            return p.day - since
        if src == "executive_sponsors":
            c = self.inputs.contacts
            c = c[c["role"] == "executive_sponsor"]
            counts = np.bincount(
                np.maximum(self._acct(c), 0),
                weights=(self._acct(c) >= 0).astype(float),
                minlength=len(self.inputs.accounts),
            )
            return counts[p.acct]
        if src == "renewal_history":
            r = self.inputs.renewals
            r = r[r["outcome"].isin(["renewed", "churned"])]
            due = r["arr_due"].fillna(0).to_numpy(dtype=float)
            kept = np.minimum(r["arr_renewed"].fillna(0).to_numpy(dtype=float), due)
            ev = self._events("renewals", r, _days(r["renewal_date"]), due=due, kept=kept)
            left, right = ev.bounds(p.acct, p.day - w + 1, p.day)
            due_sum, kept_sum = (
                ev.window_sum("due", left, right),
                ev.window_sum("kept", left, right),
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(due_sum > 0, kept_sum / due_sum, np.nan)
        if src == "manual":
            return self.manual(m)
        raise ValueError(f"unknown source {src!r}")  # pragma: no cover - the model forbids it

    def covered(self, window: int) -> np.ndarray:
        """Per pair: how many days of the `window` days ending there the usage data covers."""
        since = self.inputs.usage_since
        if since is None:
            return np.full(len(self.p.acct), float(window))
        return np.clip(self.p.day - day_number(since) + 1, 0, window)

    def _events(
        self, name: str, frame: pd.DataFrame, day: np.ndarray, **values: np.ndarray
    ) -> _Events:
        if name not in self._cache:
            self._cache[name] = _Events.build(self._acct(frame), day, **values)
        ev: _Events = self._cache[name]
        return ev

    def manual(self, m: Measure) -> np.ndarray:
        """The manual value in force at each pair (NaN: never set, set later, or stale)."""
        mm = self.inputs.manual
        mm = mm[mm["measure"] == m.id]
        n = len(self.inputs.accounts)
        value = np.full(n, np.nan)
        set_on = np.full(n, np.nan)
        idx = self._acct(mm)
        ok = idx >= 0
        value[idx[ok]] = mm["value"].to_numpy(dtype=float)[ok]
        set_on[idx[ok]] = _days(mm["set_on"])[ok]
        v, s = value[self.p.acct], set_on[self.p.acct]
        fresh = (s <= self.p.day) & (self.p.day - s <= self.stale_days)
        return np.where(fresh, v, np.nan)


def _measure_score(m: Measure, raw: np.ndarray) -> np.ndarray:
    if m.is_manual:
        score = np.clip(m.manual_to_score(raw), 0, 100)
    else:
        xs = np.array([pt[0] for pt in m.points])
        ys = np.array([pt[1] for pt in m.points])
        score = np.interp(np.where(np.isnan(raw), 0.0, raw), xs, ys)
    return np.where(np.isnan(raw), np.nan, score)


# -- the computation --------------------------------------------------------------------------


def compute_health(
    model: HealthModel,
    inputs: HealthInputs,
    dates: list[dt.date],
    *,
    stale_days: int = 90,
    detail: bool = False,
    change_days: int = 30,
) -> HealthResult:
    """Score every account active at each of `dates`.

    Args:
        model: the health model (weights, measures, bands).
        inputs: the data (usage daily, or in periods from `usage_periods(model, dates)`).
        dates: the as-of dates to score at.
        stale_days: a manual measure older than this is left out.
        detail: also return every measure's raw value, score, weight and contribution.
        change_days: `change_30d` is the score minus the score this many days earlier,
            where that earlier date is also among `dates` (else NaN).

    Returns:
        A `HealthResult`.
    """
    import pandas as pd

    pairs = _pairs(inputs.accounts, dates)
    n = len(pairs.acct)
    raw_calc = _Raw(inputs, pairs, stale_days)
    measures = model.measures()
    # Arrays are (measure, pair): each measure's values are contiguous. Per-measure weights
    # and contributions are only materialised for `detail` (they are large for history).
    raws = np.empty((len(measures), n))
    scores = np.empty((len(measures), n))
    for j, m in enumerate(measures):
        raw = raw_calc.value(m) if n else np.zeros(0)
        if m.segments:
            applies = pairs.segment.isin(m.segments).to_numpy()[pairs.acct]
            raw = np.where(applies, raw, np.nan)
        raws[j] = raw
        scores[j] = _measure_score(m, raw)
    cat_scores = np.full((len(CATEGORY_IDS), n), np.nan)
    cat_weight = np.zeros((len(CATEGORY_IDS), n))
    shares: list[np.ndarray] = []  # per category: each measure's share among present ones
    col = 0
    cat_of_measure: list[str] = []
    for c in model.categories:
        k = CATEGORY_IDS.index(c.id)
        w = np.array([m.weight for m in c.measures])[:, None]
        block = scores[col : col + len(c.measures)]
        present = ~np.isnan(block)
        pw = present * w
        wsum = pw.sum(axis=0)
        has = wsum > 0
        share = pw / np.where(has, wsum, 1.0)
        cat_scores[k] = np.where(has, (share * np.where(present, block, 0.0)).sum(axis=0), np.nan)
        cat_weight[k] = np.where(has, c.weight, 0.0)
        if detail:
            shares.append(share)
        cat_of_measure += [c.id] * len(c.measures)
        col += len(c.measures)
    total_w = cat_weight.sum(axis=0)
    cat_eff = cat_weight / np.where(total_w > 0, total_w, 1.0) * 100.0  # % of the score
    score = (cat_eff * np.where(np.isnan(cat_scores), 0.0, cat_scores)).sum(axis=0) / 100.0
    no_usage_days = raw_calc.usage(model.no_usage.days)["usage_days"] if n else np.zeros(0)
    covered = raw_calc.covered(model.no_usage.days) if n else np.zeros(0)
    no_usage = (no_usage_days <= 0) & (covered > 0)
    longest = max(model.usage_windows())
    complete = raw_calc.covered(longest) >= longest if n else np.zeros(0, dtype=bool)
    score = np.where(no_usage, np.minimum(score, model.no_usage.max_score), score)
    score = np.round(np.clip(score, 0, 100), 1)
    band_code = np.where(score >= model.bands.green, 0, np.where(score >= model.bands.yellow, 1, 2))
    ids = pd.Categorical.from_codes(pairs.acct, categories=pd.Index(inputs.accounts["account_id"]))
    date_objs = np.empty(len(dates), dtype=object)
    date_objs[:] = list(dates)
    frame = pd.DataFrame(
        {
            "account_id": ids,
            "as_of": date_objs[pairs.date_idx],
            "score": score,
            "band": pd.Categorical.from_codes(band_code, categories=list(BANDS)),
            **{c: np.round(cat_scores[k], 1) for k, c in enumerate(CATEGORY_IDS)},
            "no_usage": no_usage,
            "change_30d": _change(
                pairs, np.where(complete, score, np.nan), dates, len(inputs.accounts), change_days
            ),
        }
    )
    det = _empty(list(DETAIL_COLUMNS))
    if detail and n:
        cat_index = np.array([CATEGORY_IDS.index(c) for c in cat_of_measure], dtype=int)
        weight = np.concatenate(shares) * cat_eff[cat_index]  # % of the whole score
        contribution = weight * np.where(np.isnan(scores), 0.0, scores) / 100.0
        m_ids = np.array([m.id for m in measures])
        det = pd.DataFrame(
            {
                "account_id": np.repeat(np.asarray(ids), len(measures)),
                "as_of": np.repeat(date_objs[pairs.date_idx], len(measures)),
                "category": np.tile(np.array(cat_of_measure), n),
                "measure": np.tile(m_ids, n),
                "raw": raws.T.ravel(),
                "score": scores.T.ravel(),
                "weight": weight.T.ravel(),
                "contribution": contribution.T.ravel(),
            }
        )
    return HealthResult(frame, det)


def _change(
    pairs: _Pairs, score: np.ndarray, dates: list[dt.date], n_accounts: int, days: int
) -> np.ndarray:
    """Score minus the score `days` earlier, where that date is among `dates` (else NaN).

    `score` is NaN where the usage data did not cover the windows yet: no change from there.
    """
    grid = np.full((len(dates), n_accounts), np.nan)
    grid[pairs.date_idx, pairs.acct] = score
    position = {d: k for k, d in enumerate(dates)}
    earlier = np.array([position.get(d - dt.timedelta(days=days), -1) for d in dates], dtype=int)
    e = earlier[pairs.date_idx]
    prev = np.where(e >= 0, grid[np.maximum(e, 0), pairs.acct], np.nan)
    return np.round(score - prev, 1)


def compute_with_change(
    model: HealthModel,
    inputs: HealthInputs,
    dates: list[dt.date],
    *,
    stale_days: int = 90,
) -> pd.DataFrame:
    """Scores at `dates` only, with `change_30d` (the dates 30 days before are computed too)."""
    result = compute_health(model, inputs, dates_for_change(dates), stale_days=stale_days)
    scores = result.scores
    return scores[scores["as_of"].isin(set(dates))].reset_index(drop=True)


def dates_for_change(dates: list[dt.date]) -> list[dt.date]:
    """`dates` and each date 30 days before it, sorted: what `compute_with_change` scores."""
    return sorted(set(dates) | {d - dt.timedelta(days=30) for d in dates})


# -- explanations -----------------------------------------------------------------------------


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "no data"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def explain_category(
    model: HealthModel,
    detail: pd.DataFrame,
    account_id: str,
    category: str,
    as_of: dt.date,
    *,
    days: int = 30,
    most: int = 2,
) -> str:
    """One line saying why a category scores what it does, e.g.
    "Engagement 52: login frequency down 40% in 30 days; support tickets 6 in 30 days".

    Args:
        model: the health model.
        detail: `compute_health(..., detail=True).detail` holding `as_of` (and, to describe
            trends, `as_of - days`) for the account.
        account_id: the account.
        category: a category id.
        as_of: the date explained.
        days: the trend period compared against.
        most: how many measures to name.
    """
    cat = model.category(category)
    rows = detail[(detail["account_id"] == account_id) & (detail["category"] == category)]
    now = rows[rows["as_of"] == as_of].set_index("measure")
    before = rows[rows["as_of"] == as_of - dt.timedelta(days=days)].set_index("measure")
    used = now[now["score"].notna()]
    if used.empty:
        return f"{cat.label}: no data (its weight is shared by the other categories)"
    share = used["weight"] / used["weight"].sum()
    cat_score = float((share * used["score"]).sum())
    lost = (share * (100 - used["score"])).sort_values(ascending=False)
    good = cat_score >= model.bands.green
    if good:
        picks = list(used.sort_values("contribution", ascending=False).index[:most])
    else:
        picks = [m for m in lost.index[:most] if lost[m] > 0.5]
    parts: list[str] = []
    for mid in picks:
        m = model.measure(mid)
        raw = float(used.loc[mid, "raw"])
        label = m.label[:1].lower() + m.label[1:] if m.label[1:2].islower() else m.label
        prev = float(before.loc[mid, "raw"]) if mid in before.index else math.nan
        if m.is_manual:
            parts.append(f"{label} set to {_fmt(raw)} ({m.scale})")
        elif not math.isnan(prev) and prev > 0 and abs(raw - prev) / prev >= 0.1:
            pct = round(abs(raw - prev) / prev * 100)
            parts.append(f"{label} {'down' if raw < prev else 'up'} {pct}% in {days} days")
        else:
            unit = f" {m.unit}" if m.unit else ""
            parts.append(f"{label} {_fmt(raw)}{unit}")
    head = f"{cat.label} {cat_score:.0f}"
    if not parts:
        return f"{head}: every measure near its best"
    if good:
        return f"{head}: strong on " + ", ".join(parts)
    return f"{head}: " + "; ".join(parts)


def explain(
    model: HealthModel,
    result: HealthResult,
    account_id: str,
    as_of: dt.date,
    *,
    days: int = 30,
) -> list[str]:
    """A line for the score and one per category (see `explain_category`)."""
    s = result.scores
    row = s[(s["account_id"] == account_id) & (s["as_of"] == as_of)]
    if row.empty:
        return [f"{account_id}: not active at {as_of.isoformat()}"]
    r = row.iloc[0]
    head = f"Health {r['score']:.0f} ({r['band']})"
    if bool(r["no_usage"]):
        head += f": no usage in {model.no_usage.days} days, capped at {model.no_usage.max_score:g}"
    return [head] + [
        explain_category(model, result.detail, account_id, c.id, as_of, days=days)
        for c in model.categories
    ]
