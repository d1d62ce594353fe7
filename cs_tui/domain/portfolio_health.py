"""Portfolio health at a glance: band shares, rollups by CSM or segment, sparklines, 2x2.

Pure Python over plain records (no pandas): the portfolio screen calls these on every
filter keystroke, so they stay cheap for 10k accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BARS = "▁▂▃▄▅▆▇█"
TOUCH_KINDS: tuple[str, ...] = (
    "call",
    "meeting",
    "email",
    "qbr",
    "renewal_conversation",
    "renewal_proposal",
    "renewal_contract",
)
"""Activities that count as CSM touches for the health / activity 2x2."""


def sparkline(scores: Sequence[float | None], width: int = 12) -> str:
    """The last `width` scores (0-100) as block characters, oldest first; gaps as spaces."""
    shown = list(scores)[-width:]
    out = []
    for s in shown:
        if s is None:
            out.append(" ")
        else:
            out.append(BARS[min(len(BARS) - 1, max(0, int(s / 100 * len(BARS))))])
    return "".join(out).rjust(width)


@dataclass(frozen=True)
class BandShares:
    """How the scored accounts split into bands, and their average score."""

    scored: int
    green: float
    yellow: float
    red: float
    average: float | None

    def meets(self, max_red: float, min_average: float) -> tuple[bool, bool]:
        """Whether the red share and the average meet their targets."""
        return (
            self.scored > 0 and self.red <= max_red,
            self.average is not None and self.average >= min_average,
        )


def band_shares(records: Iterable[Mapping[str, Any]]) -> BandShares:
    """Shares of green / yellow / red (fractions) and the average over records with a score."""
    counts = {"green": 0, "yellow": 0, "red": 0}
    total = 0.0
    n = 0
    for r in records:
        score, band = r.get("score"), r.get("band")
        if score is None or band not in counts:
            continue
        counts[band] += 1
        total += score
        n += 1
    if n == 0:
        return BandShares(0, 0.0, 0.0, 0.0, None)
    return BandShares(n, counts["green"] / n, counts["yellow"] / n, counts["red"] / n, total / n)


def rollup(records: Iterable[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """One row per value of `key` (csm, segment): accounts, ARR, average health, band shares
    and average CSM touches per account, ordered by the share of red (highest first)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        groups.setdefault(str(r.get(key) or ""), []).append(r)
    out = []
    for name, rows in groups.items():
        shares = band_shares(rows)
        touches = [r["touches"] for r in rows if r.get("touches") is not None]
        out.append(
            {
                key: name,
                "accounts": len(rows),
                "arr": sum(r.get("arr") or 0.0 for r in rows),
                "avg_health": None if shares.average is None else round(shares.average, 1),
                "pct_green": round(shares.green, 3),
                "pct_yellow": round(shares.yellow, 3),
                "pct_red": round(shares.red, 3),
                "avg_touches": round(sum(touches) / len(touches), 1) if touches else None,
            }
        )
    out.sort(key=lambda g: (-g["pct_red"], g[key]))
    return out


QUADRANTS = (
    "high activity · good health",
    "low activity · good health",
    "high activity · poor health",
    "low activity · poor health",
)


def quadrant(score: float, touches: float, *, health_cut: float, activity_cut: float) -> str:
    """Where an account (or a CSM's average) sits on the health / activity 2x2."""
    good = score >= health_cut
    high = touches >= activity_cut
    return QUADRANTS[(0 if high else 1) + (0 if good else 2)]


def quadrant_counts(
    records: Iterable[Mapping[str, Any]], *, health_cut: float, activity_cut: float
) -> dict[str, int]:
    """How many scored accounts fall in each quadrant of the 2x2."""
    counts = dict.fromkeys(QUADRANTS, 0)
    for r in records:
        if r.get("score") is None:
            continue
        counts[
            quadrant(
                r["score"], r.get("touches") or 0, health_cut=health_cut, activity_cut=activity_cut
            )
        ] += 1
    return counts


def median(values: Sequence[float]) -> float:
    """The median (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def histogram(scores: Iterable[float], width: int = 10) -> list[int]:
    """Counts of scores in bins [0, width), [width, 2*width), ... with 100 in the last bin."""
    bins = [0] * (100 // width)
    for s in scores:
        bins[min(len(bins) - 1, max(0, int(s // width)))] += 1
    return bins
