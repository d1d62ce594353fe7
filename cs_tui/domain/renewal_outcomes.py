"""Renewal outcomes: validating what the form holds, churn reasons, decided renewals (pure).

An open renewal is decided as renewed (at a new ARR: higher is expansion, lower is
contraction) or churned (a reason from a short list plus free text). Decided renewals feed
eligible churn, GRR and NRR (DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Literal

from cs_tui.domain.renewals import Frozen

ChurnReason = Literal[
    "price",
    "missing_features",
    "low_adoption",
    "competitor",
    "budget_cut",
    "champion_left",
    "business_closed",
    "other",
]
OutcomeKind = Literal["expansion", "flat", "contraction", "churned"]

CHURN_REASONS: dict[ChurnReason, str] = {
    "price": "price / budget for this product",
    "missing_features": "missing features / product fit",
    "low_adoption": "low adoption / no value seen",
    "competitor": "moved to a competitor",
    "budget_cut": "company-wide budget cut",
    "champion_left": "champion or sponsor left",
    "business_closed": "acquired or closed",
    "other": "other (explain)",
}
"""The short list of churn reasons, with what the form shows."""

MAX_ARR = 1e12
"""Above this a typed ARR is almost certainly a typo."""


class RenewalError(ValueError):
    """A renewal outcome or step that cannot be recorded, with messages for the user."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.problems.items()))


class RenewedOutcome(Frozen):
    """A renewal signed at `arr_renewed`."""

    outcome: Literal["renewed"] = "renewed"
    arr_renewed: float
    note: str = ""


class ChurnedOutcome(Frozen):
    """A renewal lost, with a reason from `CHURN_REASONS` and free text."""

    outcome: Literal["churned"] = "churned"
    reason: ChurnReason
    note: str = ""

    @property
    def churn_reason(self) -> str:
        """The text stored in `renewals.churn_reason`: "reason" or "reason: note"."""
        return format_churn_reason(self.reason, self.note)


Outcome = RenewedOutcome | ChurnedOutcome


def parse_arr(text: str) -> float:
    """Parse a typed amount such as "12000", "12,000.50" or "$12k".

    Raises:
        ValueError: with a message for the user.
    """
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "").lstrip("$€£")
    if not cleaned:
        raise ValueError("enter the new ARR")
    factor = 1.0
    if cleaned[-1] in "kKmM":
        factor = 1_000.0 if cleaned[-1] in "kK" else 1_000_000.0
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned) * factor
    except ValueError:
        raise ValueError(f"not an amount: {text.strip()!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not an amount: {text.strip()!r}")
    return value


def validate_outcome(
    outcome: str,
    *,
    arr_renewed: str | float | None = None,
    reason: str | None = None,
    note: str = "",
    current: str = "open",
) -> Outcome:
    """Check what the outcome form holds and turn it into an outcome.

    Args:
        outcome: "renewed" or "churned".
        arr_renewed: the new ARR (text as typed, or a number); renewed only.
        reason: a key of `CHURN_REASONS`; churned only.
        note: free text; required when the reason is "other".
        current: the renewal's current outcome: only an open renewal can be decided.

    Raises:
        RenewalError: every problem found, field -> message.
    """
    problems: dict[str, str] = {}
    note = note.strip()
    if current != "open":
        problems["outcome"] = f"this renewal is already {current}"
    if outcome == "renewed":
        value: float | None = None
        if arr_renewed is None or (isinstance(arr_renewed, str) and not arr_renewed.strip()):
            problems["arr_renewed"] = "enter the new ARR"
        else:
            try:
                value = (
                    parse_arr(arr_renewed) if isinstance(arr_renewed, str) else float(arr_renewed)
                )
            except (TypeError, ValueError) as exc:
                problems["arr_renewed"] = str(exc)
            else:
                if not math.isfinite(value):
                    problems["arr_renewed"] = "not an amount"
                elif value <= 0:
                    problems["arr_renewed"] = (
                        "the new ARR must be above 0 (a renewal at 0 is a churn)"
                    )
                elif value > MAX_ARR:
                    problems["arr_renewed"] = "the new ARR is implausibly large"
        if problems:
            raise RenewalError(problems)
        assert value is not None
        return RenewedOutcome(arr_renewed=round(value, 2), note=note)
    if outcome == "churned":
        if not reason:
            problems["reason"] = "choose a churn reason"
        elif reason not in CHURN_REASONS:
            problems["reason"] = f"unknown churn reason {reason!r}"
        elif reason == "other" and not note:
            problems["note"] = "say why the customer left"
        if problems:
            raise RenewalError(problems)
        return ChurnedOutcome(reason=reason, note=note)  # type: ignore[arg-type]
    problems["outcome"] = "choose renewed or churned"
    raise RenewalError(problems)


def format_churn_reason(reason: str, note: str = "") -> str:
    """The stored churn reason: the reason key, then ": " and the note if any."""
    note = note.strip()
    return f"{reason}: {note}" if note else reason


def split_churn_reason(stored: str | None) -> tuple[str, str]:
    """The (reason key, note) of a stored churn reason; unknown keys become "other"."""
    if not stored:
        return "", ""
    key, _, note = stored.partition(":")
    key = key.strip()
    if key in CHURN_REASONS:
        return key, note.strip()
    return "other", stored.strip()


def outcome_kind(arr_due: float, outcome: str, arr_renewed: float | None) -> OutcomeKind:
    """expansion (renewed higher), contraction (lower), flat (same), or churned."""
    if outcome == "churned" or arr_renewed is None:
        return "churned"
    if arr_renewed > arr_due:
        return "expansion"
    if arr_renewed < arr_due:
        return "contraction"
    return "flat"


def next_renewal_date(renewal_date: dt.date) -> dt.date:
    """One year later (29 February becomes 28 February)."""
    try:
        return renewal_date.replace(year=renewal_date.year + 1)
    except ValueError:
        return renewal_date.replace(year=renewal_date.year + 1, day=28)


def outcome_text(arr_due: float, outcome: Outcome) -> str:
    """The text of the `renewal_outcome` activity."""
    if isinstance(outcome, ChurnedOutcome):
        text = f"Churned ({CHURN_REASONS[outcome.reason]}); {arr_due:,.0f} ARR lost"
    else:
        kind = outcome_kind(arr_due, "renewed", outcome.arr_renewed)
        change = outcome.arr_renewed - arr_due
        text = f"Renewed at {outcome.arr_renewed:,.0f} ARR ({kind}, {change:+,.0f})"
    return f"{text}. {outcome.note}" if outcome.note else text


class DecidedRenewal(Frozen):
    """A decided renewal (renewed or churned) with its ARR change: the past view and metrics."""

    renewal_id: int | None
    account_id: str
    account_name: str = ""
    csm: str = ""
    renewal_date: dt.date
    outcome: Literal["renewed", "churned"]
    arr_due: float
    arr_renewed: float
    """0 when churned."""
    churn_reason: str | None = None

    @property
    def arr_change(self) -> float:
        """arr_renewed - arr_due: positive for expansion, negative for contraction or churn."""
        return self.arr_renewed - self.arr_due

    @property
    def kind(self) -> OutcomeKind:
        """expansion, flat, contraction or churned."""
        return outcome_kind(self.arr_due, self.outcome, self.arr_renewed)

    @property
    def retained(self) -> float:
        """min(arr_renewed, arr_due): the ARR kept, as GRR counts it (DESIGN.md)."""
        return min(self.arr_renewed, self.arr_due)


def past_year(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The 365 days ending at `as_of`, both included (DESIGN.md's default window)."""
    return as_of - dt.timedelta(days=364), as_of


class DecidedSummary(Frozen):
    """Totals of decided renewals: counts, ARR kept and lost, GRR and NRR (DESIGN.md)."""

    renewed: int
    churned: int
    expansions: int
    contractions: int
    arr_due: float
    arr_renewed: float
    retained: float
    """sum(min(arr_renewed, arr_due))."""

    @property
    def grr(self) -> float | None:
        """Gross revenue retention: retained / due (None when nothing was due)."""
        return self.retained / self.arr_due if self.arr_due else None

    @property
    def nrr(self) -> float | None:
        """Net revenue retention: renewed / due (None when nothing was due)."""
        return self.arr_renewed / self.arr_due if self.arr_due else None

    @property
    def eligible_churn(self) -> float | None:
        """ARR lost (churn and contraction) / ARR due (None when nothing was due)."""
        return (self.arr_due - self.retained) / self.arr_due if self.arr_due else None


def summarise_decided(decided: Iterable[DecidedRenewal]) -> DecidedSummary:
    """Counts and ARR totals of decided renewals."""
    items = list(decided)
    kinds = [d.kind for d in items]
    return DecidedSummary(
        renewed=sum(d.outcome == "renewed" for d in items),
        churned=kinds.count("churned"),
        expansions=kinds.count("expansion"),
        contractions=kinds.count("contraction"),
        arr_due=sum(d.arr_due for d in items),
        arr_renewed=sum(d.arr_renewed for d in items),
        retained=sum(d.retained for d in items),
    )
