"""Targets on the metrics (DOMAIN.md's defaults live in the settings) and how to show values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cs_tui.domain.metrics import Window

Kind = Literal["money", "ratio", "nps", "score", "days", "count", "number"]

METRIC_INFO: dict[str, tuple[str, Kind]] = {
    "clv": ("Customer lifetime value", "money"),
    "eligible_churn": ("Eligible (revenue) churn", "ratio"),
    "grr": ("Gross revenue retention", "ratio"),
    "nrr": ("Net revenue retention", "ratio"),
    "logo_churn": ("Logo churn", "ratio"),
    "nps": ("NPS", "nps"),
    "csat": ("CSAT", "ratio"),
    "avg_health": ("Average health", "score"),
    "pct_green": ("Green accounts", "ratio"),
    "pct_yellow": ("Yellow accounts", "ratio"),
    "pct_red": ("Red accounts", "ratio"),
    "expansion_rate": ("Expansion rate", "ratio"),
    "onboarding_completion": ("Onboarding completion", "ratio"),
    "median_ttfv_days": ("Median time to first value", "days"),
    "median_resolution_days": ("Median ticket resolution", "days"),
    "advocates": ("Advocates", "count"),
    "contacts_per_account": ("Contacts per account", "number"),
    "starting_mrr": ("Starting MRR", "money"),
    "avg_mrr": ("Average MRR", "money"),
    "monthly_churn": ("Monthly MRR churn", "ratio"),
}
"""metric -> (label, kind): how tables and tiles name and format each metric."""


def format_value(key: str, value: float | int | None) -> str:
    """A metric's value for people: percents for ratios, money rounded, "—" when null."""
    if value is None:
        return "—"
    kind = METRIC_INFO[key][1] if key in METRIC_INFO else "number"
    if kind == "money":
        return f"{value:,.0f}"
    if kind == "ratio":
        return f"{value * 100:.1f}%"
    if kind == "nps":
        return f"{value:+.0f}"
    if kind == "score":
        return f"{value:.1f}"
    if kind == "days":
        return f"{value:.1f} d"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:.2f}"


# -- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target on one metric: `metric op value`, e.g. pct_red <= 0.25.

    Attributes:
        metric: the metric's key.
        setting: the name of the target in the settings' `[targets]` table.
        op: how the metric must compare with the target.
        annual: the target is for a year; a window of another length gets it pro rata.
    """

    metric: str
    setting: str
    op: Literal[">=", "<=", "<"]
    annual: bool = False

    def value_for(self, targets: Mapping[str, float], window: Window) -> float:
        """The target's value for this window (pro rata for annual targets)."""
        value = float(targets[self.setting])
        return value * window.days / 365 if self.annual else value

    def met(
        self, value: float | int | None, targets: Mapping[str, float], window: Window
    ) -> bool | None:
        """Whether `value` meets the target; None when there is no value to judge."""
        if value is None:
            return None
        goal = self.value_for(targets, window)
        if self.op == ">=":
            return value >= goal
        if self.op == "<=":
            return value <= goal
        return value < goal


TARGETS: tuple[Target, ...] = (
    Target("grr", "grr", ">="),
    Target("nrr", "nrr", ">="),
    Target("eligible_churn", "max_revenue_churn", "<", annual=True),
    Target("logo_churn", "max_logo_churn", "<", annual=True),
    Target("nps", "nps", ">="),
    Target("csat", "csat", ">="),
    Target("avg_health", "min_avg_health", ">="),
    Target("pct_red", "max_pct_red", "<="),
    Target("expansion_rate", "expansion_rate", ">="),
    Target("onboarding_completion", "onboarding_completion", ">="),
)
"""Which metric each target of the settings judges, and how."""


def target_report(
    values: Mapping[str, float | int | None], targets: Mapping[str, float], window: Window
) -> dict[str, dict[str, object]]:
    """For every metric with a target: the target, how it compares, and whether it is met.

    Args:
        values: the metrics (as `compute_metrics` returns them).
        targets: the settings' targets as a mapping (`settings.targets.model_dump()`).
        window: the window the metrics cover (annual targets are taken pro rata).

    Returns:
        metric -> {"target": value, "op": ">=" | "<=" | "<", "met": bool or None}.
    """
    return {
        t.metric: {
            "target": t.value_for(targets, window),
            "op": t.op,
            "met": t.met(values.get(t.metric), targets, window),
        }
        for t in TARGETS
        if t.setting in targets
    }


_OPS = {">=": "≥", "<=": "≤", "<": "<"}


def format_target(key: str, check: Mapping[str, object]) -> str:
    """A target for people, e.g. "≥ 90.0%" (from one entry of `target_report`)."""
    goal = check["target"]
    shown = format_value(key, goal if isinstance(goal, (int, float)) else None)
    if shown.endswith(".0%"):
        shown = shown[:-3] + "%"  # 110%, not 110.0%: tiles are narrow
    return f"{_OPS.get(str(check['op']), str(check['op']))} {shown}"
