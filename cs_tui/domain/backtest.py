"""The health back-test: did the score 90 days before a renewal predict whether it churned?

For every renewal decided in a window, the caller supplies the account's latest weekly health
snapshot at or before 90 days ahead of the renewal date (`BacktestPoint`). From those points:
the churn rate of each health band, and the area under the ROC curve of "a lower score means
churn" (0.5 is a coin toss, 1.0 a perfect ranking). A what-if recomputes every score from the
snapshot's four category scores with other category weights, so a CS team can see whether
the weights of health.toml would have predicted churn better. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cs_tui.domain.metrics import DEFAULT_BANDS, Band, BandLimits

if TYPE_CHECKING:
    from cs_tui.domain.health_model import HealthModel

LEAD_DAYS = 90
"""How long before the renewal date the score is read: when the renewal process starts."""

BANDS: tuple[Band, ...] = ("green", "yellow", "red")
CATEGORIES: tuple[str, ...] = ("engagement", "product", "relationship", "business")


@dataclass(frozen=True)
class Weights:
    """Category weights of the health score (DOMAIN.md: 40/30/20/10); any positive scale."""

    engagement: float = 0.4
    product: float = 0.3
    relationship: float = 0.2
    business: float = 0.1

    def __post_init__(self) -> None:
        if any(getattr(self, c) < 0 for c in CATEGORIES):
            raise ValueError("a category weight cannot be negative")
        if self.total <= 0:
            raise ValueError("at least one category weight must be above zero")

    @property
    def total(self) -> float:
        """Sum of the four weights (the score divides by it)."""
        return sum(getattr(self, c) for c in CATEGORIES)

    def normalised(self) -> Weights:
        """The same weights scaled to sum to 1."""
        total = self.total
        return Weights(*(getattr(self, c) / total for c in CATEGORIES))

    def as_dict(self) -> dict[str, float]:
        """category -> weight."""
        return {c: getattr(self, c) for c in CATEGORIES}


@dataclass(frozen=True)
class BacktestPoint:
    """One decided renewal with the health snapshot read ahead of it.

    Attributes:
        account_id: the account.
        renewal_date: the renewal's date.
        churned: the renewal's outcome was churned.
        week: the snapshot's week (None when the account had no snapshot by then).
        score: the stored score of that snapshot.
        engagement, product, relationship, business: its category scores (0-100).
        no_usage: the account had no usage then, so its score was capped (health.toml's
            `[no_usage]`); a what-if score is capped the same way.
    """

    account_id: str
    renewal_date: dt.date
    churned: bool
    week: dt.date | None = None
    score: float | None = None
    engagement: float | None = None
    product: float | None = None
    relationship: float | None = None
    business: float | None = None
    no_usage: bool = False

    @property
    def has_snapshot(self) -> bool:
        """A snapshot was found for this renewal."""
        return self.week is not None and self.score is not None

    def weighted(self, weights: Weights) -> float:
        """The score recomputed from the category scores with `weights`.

        A category without a score (no data for any of its measures) is left out and its
        weight shared among the others, as the health model does.
        """
        present = [(getattr(weights, c), getattr(self, c)) for c in CATEGORIES]
        present = [(w, float(v)) for w, v in present if v is not None]
        total = sum(w for w, _ in present)
        if total <= 0:
            return float(self.score or 0.0)
        return sum(w * v for w, v in present) / total


@dataclass(frozen=True)
class BandRate:
    """How the renewals whose score fell in one band turned out."""

    band: Band
    renewals: int
    churned: int

    @property
    def churn_rate(self) -> float | None:
        """Share of them that churned (None when the band had none)."""
        return self.churned / self.renewals if self.renewals else None


@dataclass(frozen=True)
class BacktestResult:
    """The back-test of one set of scores.

    Attributes:
        renewals: decided renewals considered (with a snapshot).
        churned: how many of them churned.
        missing: decided renewals without a snapshot that early (left out).
        bands: churn per band, green, yellow, red.
        auc: area under the ROC curve of "lower score means churn" (None without both
            churned and renewed renewals).
        weights: the weights the scores were recomputed with (None: the stored scores).
    """

    renewals: int
    churned: int
    missing: int
    bands: tuple[BandRate, ...]
    auc: float | None
    weights: Weights | None = None

    @property
    def churn_rate(self) -> float | None:
        """Overall churn rate of the renewals considered."""
        return self.churned / self.renewals if self.renewals else None

    def band(self, which: Band) -> BandRate:
        """The row of one band."""
        return next(b for b in self.bands if b.band == which)


def _average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks of `values`, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        shared = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = shared
        i = j + 1
    return ranks


def roc_auc(scores: Sequence[float], churned: Sequence[bool]) -> float | None:
    """Area under the ROC curve for "a lower score predicts churn", by Mann-Whitney U.

    The AUC is the chance that a renewed account scored higher than a churned one (ties count
    half): U of the renewed scores over n_renewed x n_churned.

    Returns:
        The AUC, or None without at least one churned and one renewed renewal.
    """
    if len(scores) != len(churned):
        raise ValueError("scores and outcomes differ in length")
    n_churned = sum(1 for c in churned if c)
    n_renewed = len(churned) - n_churned
    if n_churned == 0 or n_renewed == 0:
        return None
    ranks = _average_ranks(scores)
    rank_sum = sum(r for r, c in zip(ranks, churned, strict=True) if not c)
    u = rank_sum - n_renewed * (n_renewed + 1) / 2
    return u / (n_renewed * n_churned)


def what_if_score(point: BacktestPoint, weights: Weights, cap: float | None = None) -> float:
    """A snapshot's score recomputed with `weights`, as the health model would: capped at
    `cap` when the account had no usage, and rounded to one decimal."""
    score = point.weighted(weights)
    if cap is not None and point.no_usage:
        score = min(score, cap)
    return round(min(100.0, max(0.0, score)), 1)


def backtest(
    points: Iterable[BacktestPoint],
    weights: Weights | None = None,
    *,
    bands: BandLimits = DEFAULT_BANDS,
    cap: float | None = None,
) -> BacktestResult:
    """Churn per band and the AUC, from the stored scores or, with `weights`, recomputed ones.

    Args:
        points: the decided renewals with their snapshots.
        weights: what-if category weights (None: the stored scores as they were).
        bands: where the bands start.
        cap: the no-usage cap of the health model, applied to recomputed scores.
    """
    points = list(points)
    usable = [p for p in points if p.has_snapshot]
    scores = [what_if_score(p, weights, cap) if weights else float(p.score or 0.0) for p in usable]
    outcomes = [p.churned for p in usable]
    counts = {b: [0, 0] for b in BANDS}
    for score, churned in zip(scores, outcomes, strict=True):
        row = counts[bands.band(score)]
        row[0] += 1
        row[1] += churned
    return BacktestResult(
        renewals=len(usable),
        churned=sum(outcomes),
        missing=len(points) - len(usable),
        bands=tuple(BandRate(b, n, c) for b, (n, c) in counts.items()),
        auc=roc_auc(scores, outcomes),
        weights=weights,
    )


def model_weights(model: HealthModel) -> Weights:
    """The category weights of a health model (health.toml)."""
    weights = {c.id: c.weight for c in model.categories}
    return Weights(**weights)


def model_bands(model: HealthModel) -> BandLimits:
    """The band limits of a health model (health.toml's `[bands]`)."""
    return BandLimits(green=model.bands.green, yellow=model.bands.yellow)


def auc_change(baseline: BacktestResult, what_if: BacktestResult) -> float | None:
    """Relative change of the AUC from `baseline` to `what_if` (0.15 = 15% better)."""
    if baseline.auc is None or what_if.auc is None or baseline.auc == 0:
        return None
    return (what_if.auc - baseline.auc) / baseline.auc


def format_change(change: float) -> str:
    """A relative change for people: "+7.1%" (never "-0.0%")."""
    percent = round(change * 100, 1)
    return f"{percent + 0.0:+.1f}%"  # + 0.0 turns -0.0 into 0.0


def result_dict(result: BacktestResult) -> dict[str, object]:
    """A back-test result as plain JSON-ready data (fractions, not percents)."""
    return {
        "renewals": result.renewals,
        "churned": result.churned,
        "missing_snapshot": result.missing,
        "churn_rate": result.churn_rate,
        "auc": result.auc,
        "weights": None if result.weights is None else result.weights.as_dict(),
        "bands": {
            b.band: {"renewals": b.renewals, "churned": b.churned, "churn_rate": b.churn_rate}
            for b in result.bands
        },
    }
