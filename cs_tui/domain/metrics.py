"""Portfolio metrics exactly as DESIGN.md's "Metric definitions" state them, over any window.

Everything here is pure: the caller loads the rows (see `cs_tui.db.metrics`) and hands them in
as a `MetricInputs`; each metric is a function of those rows, a `Window` (both ends counted)
and `Filters` (segment, edition, CSM). A metric that has nothing to measure in a window (no
renewals, no responses, no churn for CLV) is None, never a division by zero.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence

from cs_tui.domain.metric_inputs import (
    DAYS_PER_MONTH,
    DEFAULT_BANDS,
    Band,
    BandLimits,
    Filters,
    MetricInputs,
    OnboardingStatus,
    Window,
    band,
    month_windows,
    trend_windows,
)
from cs_tui.domain.metric_rows import (
    AccountRow,
    RenewalRow,
    SurveyRow,
    TicketRow,
    is_active,
)

__all__ = [  # the window and input types are used through this module too
    "DAYS_PER_MONTH",
    "DEFAULT_BANDS",
    "METRIC_KEYS",
    "Band",
    "BandLimits",
    "Filters",
    "MetricInputs",
    "OnboardingStatus",
    "Window",
    "band",
    "compute_metrics",
    "month_windows",
    "monthly_trend",
    "trend_windows",
]

# Every key of `compute_metrics`, in the order tables and the JSON show them.
METRIC_KEYS: tuple[str, ...] = (
    "clv",
    "eligible_churn",
    "grr",
    "nrr",
    "logo_churn",
    "nps",
    "csat",
    "avg_health",
    "pct_green",
    "pct_yellow",
    "pct_red",
    "expansion_rate",
    "onboarding_completion",
    "median_ttfv_days",
    "median_resolution_days",
    "advocates",
    "contacts_per_account",
    "starting_mrr",
    "avg_mrr",
    "monthly_churn",
)


# -- small helpers ----------------------------------------------------------------------------


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero."""
    return None if denominator == 0 else numerator / denominator


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def active_at(accounts: Iterable[AccountRow], day: dt.date) -> list[AccountRow]:
    """Accounts active at `day`: start_date <= day and (no churned_on or churned_on > day)."""
    return [a for a in accounts if is_active(a, day)]


def churned_in(accounts: Iterable[AccountRow], window: Window) -> list[AccountRow]:
    """Accounts whose churned_on falls in the window."""
    return [a for a in accounts if a.churned_on is not None and a.churned_on in window]


# -- revenue: CLV -----------------------------------------------------------------------------


def starting_mrr(accounts: Sequence[AccountRow], window: Window) -> float:
    """Sum of the MRR of the accounts active at the window's start."""
    return sum(a.mrr for a in active_at(accounts, window.start))


def avg_mrr(accounts: Sequence[AccountRow], window: Window) -> float | None:
    """starting_mrr / the number of accounts active at the window's start."""
    starters = active_at(accounts, window.start)
    return ratio(sum(a.mrr for a in starters), len(starters))


def monthly_churn(accounts: Sequence[AccountRow], window: Window) -> float | None:
    """MRR of the starting accounts that churned in the window / starting_mrr / months."""
    starters = active_at(accounts, window.start)
    lost = sum(a.mrr for a in starters if a.churned_on is not None and a.churned_on in window)
    share = ratio(lost, sum(a.mrr for a in starters))
    return None if share is None else share / window.months


def clv_formula(gross_margin: float, average_mrr: float, monthly_churn_rate: float) -> float | None:
    """gross margin x average MRR / monthly churn (None when nothing churns)."""
    if monthly_churn_rate == 0:
        return None
    return gross_margin * average_mrr / monthly_churn_rate


def clv(accounts: Sequence[AccountRow], window: Window, gross_margin: float) -> float | None:
    """Customer lifetime value: gross_margin x avg_mrr / monthly_churn; None when no churn."""
    average, churn = avg_mrr(accounts, window), monthly_churn(accounts, window)
    if average is None or churn is None:
        return None
    return clv_formula(gross_margin, average, churn)


# -- renewals ---------------------------------------------------------------------------------


def decided_renewals(renewals: Iterable[RenewalRow], window: Window) -> list[RenewalRow]:
    """Renewals with renewal_date in the window and outcome renewed or churned."""
    return [r for r in renewals if r.outcome != "open" and r.renewal_date in window]


def _renewed(renewal: RenewalRow) -> float:
    # A churned renewal's arr_renewed is 0 by the CSV contract; None is read the same way.
    return renewal.arr_renewed or 0.0


def eligible_churn(renewals: Iterable[RenewalRow], window: Window) -> float | None:
    """sum(arr_due - min(arr_renewed, arr_due)) / sum(arr_due) over decided renewals."""
    decided = decided_renewals(renewals, window)
    due = sum(r.arr_due for r in decided)
    lost = sum(r.arr_due - min(_renewed(r), r.arr_due) for r in decided)
    return ratio(lost, due)


def grr(renewals: Iterable[RenewalRow], window: Window) -> float | None:
    """Gross revenue retention: sum(min(arr_renewed, arr_due)) / sum(arr_due)."""
    decided = decided_renewals(renewals, window)
    return ratio(sum(min(_renewed(r), r.arr_due) for r in decided), sum(r.arr_due for r in decided))


def nrr(renewals: Iterable[RenewalRow], window: Window) -> float | None:
    """Net revenue retention: sum(arr_renewed) / sum(arr_due) over decided renewals."""
    decided = decided_renewals(renewals, window)
    return ratio(sum(_renewed(r) for r in decided), sum(r.arr_due for r in decided))


def retention_economics(
    renewals: Iterable[RenewalRow], window: Window, *, cac_per_acv: float, crc_per_acv: float
) -> dict[str, float | None]:
    """DOMAIN.md's CAC/CRC model applied to the window's decided renewals.

    Returns:
        kept_arr and lost_arr (ARR due kept and lost), retain_spend (kept x CRC: what CS
        spends to keep it), replace_spend (lost x CAC: what sales would spend to win it back
        as new ACV) and cac_to_crc (how many times dearer winning $1 is than keeping it).
    """
    decided = decided_renewals(renewals, window)
    kept = sum(min(_renewed(r), r.arr_due) for r in decided)
    lost = sum(r.arr_due - min(_renewed(r), r.arr_due) for r in decided)
    return {
        "kept_arr": kept,
        "lost_arr": lost,
        "retain_spend": kept * crc_per_acv,
        "replace_spend": lost * cac_per_acv,
        "cac_to_crc": ratio(cac_per_acv, crc_per_acv),
    }


def expansion_rate(renewals: Iterable[RenewalRow], window: Window) -> float | None:
    """Share of decided renewals renewed above their ARR due."""
    decided = decided_renewals(renewals, window)
    return ratio(sum(1 for r in decided if _renewed(r) > r.arr_due), len(decided))


# -- logos ------------------------------------------------------------------------------------


def logo_churn(accounts: Sequence[AccountRow], window: Window) -> float | None:
    """Accounts with churned_on in the window / accounts active at the window's start."""
    return ratio(len(churned_in(accounts, window)), len(active_at(accounts, window.start)))


# -- surveys ----------------------------------------------------------------------------------


def _responses(surveys: Iterable[SurveyRow], kind: str, window: Window) -> list[int]:
    return [s.score for s in surveys if s.kind == kind and s.submitted_at in window]


def nps(surveys: Iterable[SurveyRow], window: Window) -> float | None:
    """100 x (promoters 9-10 - detractors 0-6) / responses, over NPS responses in the window."""
    scores = _responses(surveys, "nps", window)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    share = ratio(promoters - detractors, len(scores))
    return None if share is None else 100 * share


def csat(surveys: Iterable[SurveyRow], window: Window) -> float | None:
    """Share of CSAT responses in the window scoring above 3.5."""
    scores = _responses(surveys, "csat", window)
    return ratio(sum(1 for s in scores if s > 3.5), len(scores))


# -- health -----------------------------------------------------------------------------------


def _scores_at_end(inputs: MetricInputs, window: Window) -> list[float]:
    """Health scores of the accounts active at the window's end that have one."""
    return [
        inputs.health[a.account_id]
        for a in active_at(inputs.accounts, window.end)
        if a.account_id in inputs.health
    ]


def avg_health(inputs: MetricInputs, window: Window) -> float | None:
    """Mean health score over the accounts active at the window's end."""
    scores = _scores_at_end(inputs, window)
    return ratio(sum(scores), len(scores))


def band_share(
    inputs: MetricInputs, window: Window, which: Band, limits: BandLimits = DEFAULT_BANDS
) -> float | None:
    """Share of the accounts active at the window's end whose health is in band `which`."""
    scores = _scores_at_end(inputs, window)
    return ratio(sum(1 for s in scores if limits.band(s) == which), len(scores))


# -- onboarding (inputs from the critical path) -----------------------------------------------


def onboarding_completion(statuses: Iterable[OnboardingStatus], window: Window) -> float | None:
    """Share of onboardings due in the window that were complete by the window's end."""
    due = [s for s in statuses if s.due_on in window]
    done = sum(1 for s in due if s.completed_on is not None and s.completed_on <= window.end)
    return ratio(done, len(due))


def median_ttfv_days(
    statuses: Iterable[OnboardingStatus], accounts: Sequence[AccountRow], window: Window
) -> float | None:
    """Median days from start to first value, over accounts reaching first value in the window."""
    starts = {a.account_id: a.start_date for a in accounts}
    return _median(
        (s.first_value_on - starts[s.account_id]).days
        for s in statuses
        if s.first_value_on is not None and s.first_value_on in window and s.account_id in starts
    )


# -- support and advocacy ---------------------------------------------------------------------


def median_resolution_days(tickets: Iterable[TicketRow], window: Window) -> float | None:
    """Median days from opened to closed, over tickets closed in the window."""
    return _median(
        (t.closed_at - t.opened_at).days
        for t in tickets
        if t.closed_at is not None and t.closed_at in window
    )


def advocates(inputs: MetricInputs, window: Window) -> int:
    """Advocate contacts at the accounts active at the window's end."""
    active = {a.account_id for a in active_at(inputs.accounts, window.end)}
    return sum(1 for c in inputs.contacts if c.advocate and c.account_id in active)


def contacts_per_account(inputs: MetricInputs, window: Window) -> float | None:
    """Contacts per account, over the accounts active at the window's end."""
    active = {a.account_id for a in active_at(inputs.accounts, window.end)}
    return ratio(sum(1 for c in inputs.contacts if c.account_id in active), len(active))


# -- everything at once -----------------------------------------------------------------------


def _health_values(scores: Sequence[float], bands: BandLimits) -> dict[str, float | None]:
    """avg_health and the band shares from the scores of the accounts active at the end."""
    counts = {"green": 0, "yellow": 0, "red": 0}
    for score in scores:
        counts[bands.band(score)] += 1
    n = len(scores)
    return {
        "avg_health": ratio(sum(scores), n),
        "pct_green": ratio(counts["green"], n),
        "pct_yellow": ratio(counts["yellow"], n),
        "pct_red": ratio(counts["red"], n),
    }


def _start_values(
    accounts: Sequence[AccountRow], window: Window, gross_margin: float
) -> dict[str, float | None]:
    """The metrics over the accounts active at the window's start, in one pass over them."""
    starters = active_at(accounts, window.start)
    start_mrr = sum(a.mrr for a in starters)
    lost = sum(a.mrr for a in starters if a.churned_on is not None and a.churned_on in window)
    share = ratio(lost, start_mrr)
    churn = None if share is None else share / window.months
    average = ratio(start_mrr, len(starters))
    return {
        "starting_mrr": start_mrr,
        "avg_mrr": average,
        "monthly_churn": churn,
        "clv": None
        if average is None or churn is None
        else clv_formula(gross_margin, average, churn),
        "logo_churn": ratio(len(churned_in(accounts, window)), len(starters)),
    }


def compute_metrics(
    inputs: MetricInputs,
    window: Window,
    *,
    gross_margin: float = 0.75,
    filters: Filters | None = None,
    bands: BandLimits = DEFAULT_BANDS,
) -> dict[str, float | int | None]:
    """Every metric of `METRIC_KEYS` for the window, over the accounts `filters` lets through.

    Each value is what the metric's own function above gives; the accounts active at the
    window's start and end are found once for all of them.

    Returns:
        metric name -> value (fractions for ratios, None where there is nothing to measure).
    """
    data = inputs.filtered(filters or Filters())
    accounts = data.accounts
    values: dict[str, float | int | None] = {
        **_start_values(accounts, window, gross_margin),
        **_health_values(_scores_at_end(data, window), bands),
        "eligible_churn": eligible_churn(data.renewals, window),
        "grr": grr(data.renewals, window),
        "nrr": nrr(data.renewals, window),
        "nps": nps(data.surveys, window),
        "csat": csat(data.surveys, window),
        "expansion_rate": expansion_rate(data.renewals, window),
        "onboarding_completion": onboarding_completion(data.onboarding, window),
        "median_ttfv_days": median_ttfv_days(data.onboarding, accounts, window),
        "median_resolution_days": median_resolution_days(data.tickets, window),
        "advocates": advocates(data, window),
        "contacts_per_account": contacts_per_account(data, window),
    }
    return {key: values[key] for key in METRIC_KEYS}


TREND_KEYS: tuple[str, ...] = ("nps", "grr", "nrr", "logo_churn", "pct_red", "avg_health")
"""The metrics the monthly trend charts show."""


def monthly_trend(
    inputs: MetricInputs,
    windows: Sequence[Window],
    health_at: Callable[[dt.date], Mapping[str, float]] | Mapping[dt.date, Mapping[str, float]],
    *,
    filters: Filters | None = None,
    keys: Sequence[str] = TREND_KEYS,
    bands: BandLimits = DEFAULT_BANDS,
    gross_margin: float = 0.75,
) -> list[dict[str, float | int | None]]:
    """One row of `keys` per window (usually `month_windows`), with each window's end health.

    Args:
        inputs: rows covering every window (health is taken from `health_at` instead).
        windows: the periods, oldest first.
        health_at: window end -> account_id -> latest score at or before that day.
        filters: which accounts count.
        keys: which metrics to compute for each window (any of `METRIC_KEYS`).
        bands: where the health bands start.
        gross_margin: for CLV.

    Returns:
        One dict per window, in the order of `windows`.
    """
    data = inputs.filtered(filters or Filters())
    lookup = health_at if callable(health_at) else health_at.get
    rows: list[dict[str, float | int | None]] = []
    for window in windows:
        monthly = data.with_health(lookup(window.end) or {})
        rows.append(_some_metrics(monthly, window, keys, bands, gross_margin))
    return rows


def _some_metrics(
    data: MetricInputs,
    window: Window,
    keys: Sequence[str],
    bands: BandLimits,
    gross_margin: float,
) -> dict[str, float | int | None]:
    """Only the named metrics (a trend needs few; health and start figures cost the most)."""
    wanted = set(keys)
    values: dict[str, float | int | None] = {}
    if wanted & {"starting_mrr", "avg_mrr", "monthly_churn", "clv", "logo_churn"}:
        values.update(_start_values(data.accounts, window, gross_margin))
    if wanted & {"avg_health", "pct_green", "pct_yellow", "pct_red"}:
        values.update(_health_values(_scores_at_end(data, window), bands))
    table: dict[str, Callable[[], float | int | None]] = {
        "nps": lambda: nps(data.surveys, window),
        "csat": lambda: csat(data.surveys, window),
        "grr": lambda: grr(data.renewals, window),
        "nrr": lambda: nrr(data.renewals, window),
        "eligible_churn": lambda: eligible_churn(data.renewals, window),
        "expansion_rate": lambda: expansion_rate(data.renewals, window),
        "median_resolution_days": lambda: median_resolution_days(data.tickets, window),
        "onboarding_completion": lambda: onboarding_completion(data.onboarding, window),
        "median_ttfv_days": lambda: median_ttfv_days(data.onboarding, data.accounts, window),
        "advocates": lambda: advocates(data, window),
        "contacts_per_account": lambda: contacts_per_account(data, window),
    }
    return {key: values[key] if key in values else table[key]() for key in keys}
