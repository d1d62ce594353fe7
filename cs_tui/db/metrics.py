"""The SQL behind the metrics and the health back-test: loads exactly the rows they read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from cs_tui.db.core import BaseStore
from cs_tui.domain.backtest import LEAD_DAYS, BacktestPoint
from cs_tui.domain.journey import JourneyTemplate
from cs_tui.domain.metric_rows import (
    AccountFact,
    ContactFact,
    RenewalFact,
    SurveyFact,
    TicketFact,
)
from cs_tui.domain.metrics import MetricInputs, OnboardingStatus, Window

_D = dt.date.fromisoformat


def _date(text: str | None) -> dt.date | None:
    return None if not text else _D(text[:10])


def _half_open(start: dt.date, end: dt.date) -> list[str]:
    """[start, end + 1 day) as ISO text: catches timestamps on `end` as well as dates."""
    return [start.isoformat(), (end + dt.timedelta(days=1)).isoformat()]


class MetricQueries(BaseStore):
    """The metrics part of the Store.

    Loaders return the light named tuples of `cs_tui.domain.metric_rows` from plain-tuple
    cursors: a year of a 10,000-account portfolio is some hundred thousand rows, and building
    pydantic models of them would cost several times the query.
    """

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, params).fetchall()

    def metric_accounts(self) -> list[AccountFact]:
        """Every account, with the columns the metrics read."""
        rows = self._tuples(
            "SELECT account_id, segment, edition, csm, substr(start_date, 1, 10), mrr, "
            "substr(churned_on, 1, 10) FROM accounts"
        )
        return [
            AccountFact(aid, seg, ed, csm, _D(start), float(mrr or 0), _date(churned))
            for aid, seg, ed, csm, start, mrr, churned in rows
        ]

    def decided_renewals_between(self, start: dt.date, end: dt.date) -> list[RenewalFact]:
        """Renewals decided (renewed or churned) with renewal_date from `start` to `end`."""
        rows = self._tuples(
            "SELECT account_id, substr(renewal_date, 1, 10), arr_due, outcome, arr_renewed "
            "FROM renewals WHERE renewal_date >= ? AND renewal_date < ? "
            "AND outcome IN ('renewed', 'churned') ORDER BY renewal_date, account_id",
            _half_open(start, end),
        )
        return [
            RenewalFact(aid, _D(day), float(due or 0), outcome, None if got is None else float(got))
            for aid, day, due, outcome, got in rows
        ]

    def surveys_between(self, start: dt.date, end: dt.date) -> list[SurveyFact]:
        """NPS and CSAT responses submitted from `start` to `end`."""
        rows = self._tuples(
            "SELECT account_id, kind, score, substr(submitted_at, 1, 10) FROM surveys "
            "WHERE submitted_at >= ? AND submitted_at < ?",
            _half_open(start, end),
        )
        return [SurveyFact(aid, kind, int(score), _D(day)) for aid, kind, score, day in rows]

    def tickets_closed_between(self, start: dt.date, end: dt.date) -> list[TicketFact]:
        """Tickets closed from `start` to `end`."""
        rows = self._tuples(
            "SELECT account_id, substr(opened_at, 1, 10), substr(closed_at, 1, 10) FROM tickets "
            "WHERE closed_at >= ? AND closed_at < ?",
            _half_open(start, end),
        )
        return [TicketFact(aid, _D(opened), _D(closed)) for aid, opened, closed in rows]

    def metric_contacts(self) -> list[ContactFact]:
        """Every contact's account and advocate flag."""
        return [
            ContactFact(aid, bool(advocate))
            for aid, advocate in self._tuples("SELECT account_id, advocate FROM contacts")
        ]

    def health_at(self, day: dt.date) -> dict[str, float]:
        """The latest weekly health score at or before `day` of each account active at `day`.

        One index seek per active account on health_snapshots' (account_id, week) key; an
        account without a snapshot by then is left out.
        """
        rows = self._tuples(
            "SELECT a.account_id, (SELECT h.score FROM health_snapshots h "
            "WHERE h.account_id = a.account_id AND h.week <= ?1 "
            "ORDER BY h.week DESC LIMIT 1) FROM accounts a "
            "WHERE a.start_date <= ?1 AND (a.churned_on IS NULL OR a.churned_on = '' "
            "OR a.churned_on > ?1)",
            [day.isoformat()],
        )
        return {aid: float(score) for aid, score in rows if score is not None}

    def health_at_dates(self, days: Iterable[dt.date]) -> dict[dt.date, dict[str, float]]:
        """`health_at` for several days (the month ends of a trend)."""
        return {day: self.health_at(day) for day in days}

    def onboarding_statuses(
        self, as_of: dt.date, template: JourneyTemplate | None = None
    ) -> list[OnboardingStatus]:
        """Every account's onboarding at `as_of`, from its critical-path milestone ticks.

        Args:
            as_of: ticks after it do not count.
            template: the critical path (default: journey.toml, the user's copy if any).

        Returns:
            For each account: when onboarding (the path up to "Full speed") was due, when it
            was complete and when first value was reached (None while not).

        Raises:
            ConfigError: the user's journey.toml cannot be used.
        """
        if template is None:
            from cs_tui.config import load_template

            template = load_template("journey.toml", JourneyTemplate)
        # The Store composes JourneyQueries beside this mixin.
        journeys = self.account_journeys(template, as_of, scope="all")  # type: ignore[attr-defined]
        return [
            OnboardingStatus(j.account_id, j.onboarding_due, j.onboarded_on, j.first_value_on)
            for j in journeys
        ]

    def metric_inputs(
        self,
        window: Window,
        *,
        onboarding: Iterable[OnboardingStatus] = (),
    ) -> MetricInputs:
        """Everything `compute_metrics` reads for `window`, health taken at its end.

        Args:
            window: the period (a longer one also serves every window inside it, except for
                health, which `health_at` gives for other dates).
            onboarding: the accounts' onboarding statuses, from the critical path.
        """
        return MetricInputs(
            accounts=self.metric_accounts(),
            renewals=self.decided_renewals_between(window.start, window.end),
            surveys=self.surveys_between(window.start, window.end),
            tickets=self.tickets_closed_between(window.start, window.end),
            contacts=self.metric_contacts(),
            health=self.health_at(window.end),
            onboarding=tuple(onboarding),
        )

    def backtest_points(self, window: Window, *, lead_days: int = LEAD_DAYS) -> list[BacktestPoint]:
        """Renewals decided in `window`, each with the account's latest weekly health
        snapshot at or before `lead_days` before its renewal date (none: empty fields).
        """
        rows = self.conn.execute(
            "SELECT r.account_id, r.renewal_date, r.outcome, h.week, h.score, h.engagement, "
            "h.product, h.relationship, h.business, h.no_usage FROM renewals r "
            "LEFT JOIN health_snapshots h ON h.account_id = r.account_id AND h.week = ("
            "  SELECT max(s.week) FROM health_snapshots s WHERE s.account_id = r.account_id "
            "  AND s.week <= date(substr(r.renewal_date, 1, 10), ?)) "
            "WHERE r.renewal_date >= ? AND r.renewal_date < ? "
            "AND r.outcome IN ('renewed', 'churned') ORDER BY r.renewal_date, r.account_id",
            [f"-{int(lead_days)} days", *_half_open(window.start, window.end)],
        )
        return [
            BacktestPoint(
                account_id=r[0],
                renewal_date=_D(r[1][:10]),
                churned=r[2] == "churned",
                week=_date(r[3]),
                score=r[4],
                engagement=r[5],
                product=r[6],
                relationship=r[7],
                business=r[8],
                no_usage=bool(r[9]),
            )
            for r in rows
        ]
