"""Health computation: scores, bands, categories, contributions, rules and laws."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_tui.domain.health import (
    HealthInputs,
    compute_health,
    compute_with_change,
    explain,
    explain_category,
    snapshot_weeks,
    usage_periods,
)
from cs_tui.domain.health_model import CATEGORY_IDS, HealthModel

AS_OF = dt.date(2025, 6, 30)
MODEL = HealthModel.model_validate(
    tomllib.loads(resources.files("cs_tui.templates").joinpath("health.toml").read_text())
)


def account(aid: str = "A1", **kw: Any) -> dict[str, Any]:
    row = {
        "account_id": aid,
        "segment": "enterprise",
        "licensed_users": 20,
        "start_date": "2024-01-01",
        "churned_on": None,
    }
    row.update(kw)
    return row


def usage_rows(
    aid: str = "A1",
    days: int = 120,
    *,
    end: dt.date = AS_OF,
    active: int = 10,
    logins: int = 20,
    minutes: float = 200.0,
    features: int = 6,
    workflows: int = 2,
    integrations: int = 2,
) -> list[dict[str, Any]]:
    return [
        {
            "account_id": aid,
            "date": (end - dt.timedelta(days=k)).isoformat(),
            "active_users": active,
            "logins": logins,
            "session_minutes": minutes,
            "features_used": features,
            "workflows_completed": workflows,
            "integrations_active": integrations,
        }
        for k in range(days)
    ]


def inputs(
    accounts: list[dict[str, Any]], usage: list[dict[str, Any]], **frames: Any
) -> HealthInputs:
    kw = {k: pd.DataFrame(v) for k, v in frames.items()}
    return HealthInputs(accounts=pd.DataFrame(accounts), usage=pd.DataFrame(usage), **kw)


def one(result_scores: pd.DataFrame, aid: str = "A1", as_of: dt.date = AS_OF) -> pd.Series:
    s = result_scores
    return s[(s["account_id"] == aid) & (s["as_of"] == as_of)].iloc[0]


def test_healthy_account_scores_high_and_contributions_add_up() -> None:
    data = inputs(
        [account()],
        usage_rows(active=12, logins=60, minutes=400, features=10, workflows=4, integrations=4),
        contacts=[{"account_id": "A1", "role": "executive_sponsor"}],
        activities=[{"account_id": "A1", "kind": "qbr", "date": "2025-05-01"}],
        surveys=[
            {"account_id": "A1", "kind": "nps", "score": 10, "submitted_at": "2025-03-01"},
            {"account_id": "A1", "kind": "csat", "score": 5, "submitted_at": "2025-04-01"},
        ],
    )
    res = compute_health(MODEL, data, [AS_OF], detail=True)
    row = one(res.scores)
    assert row["band"] == "green" and row["score"] >= 80
    det = res.detail
    assert det["contribution"].sum() == pytest.approx(row["score"], abs=0.06)
    assert det.loc[det["score"].notna(), "weight"].sum() == pytest.approx(100)
    # business has no data at all (no renewals decided, no manual measures) except seat use
    assert set(det.loc[det["score"].isna(), "measure"]) == {
        "data_quality",
        "sponsor_engagement",
        "roi_achieved",
        "renewal_likelihood",
        "renewal_history",
    }


def test_no_usage_in_30_days_is_red_whatever_else() -> None:
    # Excellent usage until 31 days ago, nothing since.
    rows = usage_rows(days=300, end=AS_OF - dt.timedelta(days=30), logins=100, active=20)
    data = inputs(
        [account()],
        rows,
        contacts=[{"account_id": "A1", "role": "executive_sponsor"}],
        manual=[
            {"account_id": "A1", "measure": "roi_achieved", "value": 100, "set_on": "2025-06-01"}
        ],
    )
    res = compute_health(MODEL, data, [AS_OF, AS_OF - dt.timedelta(days=1)])
    row = one(res.scores)
    assert row["band"] == "red" and row["no_usage"]
    assert row["score"] <= MODEL.no_usage.max_score
    # A day earlier the last usage day was still inside the 30-day window.
    assert not one(res.scores, as_of=AS_OF - dt.timedelta(days=1))["no_usage"]
    # The same account with that usage continuing is green: the cap made it red.
    full = usage_rows(days=300, logins=100, active=20)
    healthy = compute_health(
        MODEL,
        inputs(
            [account()], full, **{"contacts": [{"account_id": "A1", "role": "executive_sponsor"}]}
        ),
        [AS_OF],
    ).scores
    assert one(healthy)["band"] != "red"


def test_zero_rows_count_as_no_usage() -> None:
    data = inputs([account()], usage_rows(active=0, logins=0, minutes=0, features=0))
    row = one(compute_health(MODEL, data, [AS_OF]).scores)
    assert row["no_usage"] and row["band"] == "red"


def test_only_active_accounts_are_scored() -> None:
    accts = [
        account("A1"),
        account("A2", start_date="2025-07-01"),
        account("A3", churned_on="2025-06-01"),
        account("A4", churned_on="2025-07-15"),
    ]
    res = compute_health(MODEL, inputs(accts, usage_rows("A1")), [AS_OF])
    assert sorted(res.scores["account_id"]) == ["A1", "A4"]


def test_stale_manual_measures_are_left_out() -> None:
    base = usage_rows()
    fresh = {"account_id": "A1", "measure": "roi_achieved", "value": 0, "set_on": "2025-05-01"}
    stale = dict(fresh, set_on="2025-03-01")  # 121 days before AS_OF
    later = dict(fresh, set_on="2025-07-10")  # after AS_OF: not yet known
    results = {}
    for name, rows in {"none": [], "fresh": [fresh], "stale": [stale], "later": [later]}.items():
        det = compute_health(
            MODEL, inputs([account()], base, manual=rows), [AS_OF], detail=True
        ).detail
        results[name] = det.set_index("measure").loc["roi_achieved", "score"]
    assert results["fresh"] == 0
    assert pd.isna(results["none"]) and pd.isna(results["stale"]) and pd.isna(results["later"])
    # stale_days is a parameter
    det = compute_health(
        MODEL, inputs([account()], base, manual=[stale]), [AS_OF], stale_days=200, detail=True
    ).detail
    assert det.set_index("measure").loc["roi_achieved", "score"] == 0


def test_manual_scale_1_to_5() -> None:
    m = [{"account_id": "A1", "measure": "renewal_likelihood", "value": 4, "set_on": "2025-06-01"}]
    det = compute_health(
        MODEL, inputs([account()], usage_rows(), manual=m), [AS_OF], detail=True
    ).detail
    assert det.set_index("measure").loc["renewal_likelihood", "score"] == 75


def test_qbr_measure_only_for_its_segments() -> None:
    accts = [account("A1", segment="smb"), account("A2", segment="enterprise")]
    res = compute_health(
        MODEL, inputs(accts, usage_rows("A1") + usage_rows("A2")), [AS_OF], detail=True
    )
    qbr = res.detail[res.detail["measure"] == "qbr_attendance"].set_index("account_id")
    assert pd.isna(qbr.loc["A1", "score"])
    assert qbr.loc["A2", "raw"] == (AS_OF - dt.date(2024, 1, 1)).days  # since start


def test_tickets_window_and_renewal_history() -> None:
    tickets = [
        {"account_id": "A1", "opened_at": (AS_OF - dt.timedelta(days=k)).isoformat()}
        for k in (0, 5, 29, 30, 100)
    ]
    renewals = [
        {
            "account_id": "A1",
            "renewal_date": "2025-01-01",
            "arr_due": 100.0,
            "outcome": "renewed",
            "arr_renewed": 120.0,
        },
        {
            "account_id": "A1",
            "renewal_date": "2024-06-01",
            "arr_due": 100.0,
            "outcome": "renewed",
            "arr_renewed": 60.0,
        },
        {
            "account_id": "A1",
            "renewal_date": "2026-01-01",
            "arr_due": 100.0,
            "outcome": "open",
            "arr_renewed": None,
        },
    ]
    det = compute_health(
        MODEL,
        inputs([account()], usage_rows(), tickets=tickets, renewals=renewals),
        [AS_OF],
        detail=True,
    ).detail.set_index("measure")
    assert det.loc["support_tickets", "raw"] == 3
    assert det.loc["renewal_history", "raw"] == pytest.approx(160 / 200)


def test_usage_periods_give_the_same_scores_as_daily_rows() -> None:
    dates = [AS_OF, AS_OF - dt.timedelta(days=30), AS_OF - dt.timedelta(days=11)]
    rows = []
    for k, aid in enumerate(["A1", "A2"]):
        for r in usage_rows(aid, days=150, logins=5 + k * 30, active=3 + k):
            r["logins"] += hash(r["date"]) % 7  # vary by day
            rows.append(r)
    accts = [account("A1"), account("A2", segment="smb")]
    daily = compute_health(MODEL, inputs(accts, rows), dates).scores
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"]).dt.date
    agg = []
    for start, end in usage_periods(MODEL, dates):
        part = df[(df["date"] >= start) & (df["date"] <= end)]
        for aid, g in part.groupby("account_id"):
            agg.append(
                {
                    "account_id": aid,
                    "start": start,
                    "end": end,
                    "logins": g["logins"].sum(),
                    "active_users": g["active_users"].sum(),
                    "session_minutes": g["session_minutes"].sum(),
                    "features_used": g["features_used"].sum(),
                    "workflows_completed": g["workflows_completed"].sum(),
                    "features_max": g["features_used"].max(),
                    "active_users_max": g["active_users"].max(),
                    "integrations_active": g["integrations_active"].max(),
                    "usage_days": int(((g["logins"] > 0) | (g["active_users"] > 0)).sum()),
                }
            )
    periods = compute_health(MODEL, inputs(accts, agg), dates).scores
    pd.testing.assert_frame_equal(daily, periods)


def test_change_30d_and_explanation() -> None:
    rows = usage_rows(days=120, logins=30)
    for r in rows[:30]:  # the last 30 days: logins down 60%
        r["logins"] = 12
    data = inputs([account()], rows)
    frame = compute_with_change(MODEL, data, [AS_OF])
    assert frame.loc[0, "change_30d"] < 0
    res = compute_health(MODEL, data, [AS_OF, AS_OF - dt.timedelta(days=30)], detail=True)
    line = explain_category(MODEL, res.detail, "A1", "engagement", AS_OF)
    assert line.startswith("Engagement ")
    assert "login frequency down 60% in 30 days" in line
    lines = explain(MODEL, res, "A1", AS_OF)
    assert lines[0].startswith("Health ") and len(lines) == 5
    assert any(line.startswith("Business") for line in lines)


def test_snapshot_weeks_are_sundays() -> None:
    weeks = snapshot_weeks(AS_OF)  # a Monday
    assert len(weeks) == 52 and all(w.weekday() == 6 for w in weeks)
    assert weeks[-1] == AS_OF - dt.timedelta(days=1)
    assert snapshot_weeks(weeks[-1])[-1] == weeks[-1]


# -- laws -------------------------------------------------------------------------------------

usage_day = st.fixed_dictionaries(
    {
        "active_users": st.integers(0, 60),
        "logins": st.integers(0, 300),
        "session_minutes": st.floats(0, 5000, allow_nan=False),
        "features_used": st.integers(0, 20),
        "workflows_completed": st.integers(0, 30),
        "integrations_active": st.integers(0, 6),
    }
)


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[HealthInputs, int, int]:
    licensed = draw(st.integers(0, 80))
    n_days = draw(st.integers(0, 70))
    days = draw(st.lists(usage_day, min_size=n_days, max_size=n_days))
    usage = [
        {"account_id": "A1", "date": (AS_OF - dt.timedelta(days=k)).isoformat(), **d}
        for k, d in enumerate(days)
    ]
    tickets = [
        {"account_id": "A1", "opened_at": (AS_OF - dt.timedelta(days=k)).isoformat()}
        for k in draw(st.lists(st.integers(0, 60), max_size=15))
    ]
    surveys = [
        {"account_id": "A1", "kind": "nps", "score": s, "submitted_at": "2025-05-01"}
        for s in draw(st.lists(st.integers(0, 10), max_size=3))
    ]
    manual = [
        {"account_id": "A1", "measure": "roi_achieved", "value": v, "set_on": "2025-06-01"}
        for v in draw(st.lists(st.integers(0, 100), max_size=1))
    ]
    data = inputs(
        [account(licensed_users=licensed, segment=draw(st.sampled_from(["smb", "enterprise"])))],
        usage,
        tickets=tickets,
        surveys=surveys,
        manual=manual,
    )
    extra_day = draw(st.integers(0, 40))
    extra = draw(st.integers(1, 500))
    return data, extra_day, extra


def _score(data: HealthInputs) -> float:
    return float(compute_health(MODEL, data, [AS_OF]).scores.loc[0, "score"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_score_always_within_0_100_with_consistent_band(
    case: tuple[HealthInputs, int, int],
) -> None:
    data, _, _ = case
    s = compute_health(MODEL, data, [AS_OF]).scores.iloc[0]
    assert 0 <= s["score"] <= 100
    assert s["band"] == MODEL.band(s["score"])
    for c in CATEGORY_IDS:
        assert pd.isna(s[c]) or 0 <= s[c] <= 100


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_more_logins_never_lower_the_score(case: tuple[HealthInputs, int, int]) -> None:
    data, day, extra = case
    usage = data.usage.copy()
    date = (AS_OF - dt.timedelta(days=day)).isoformat()
    if len(usage) and (usage["date"] == date).any():
        usage.loc[usage["date"] == date, "logins"] += extra
    else:
        usage = pd.concat(
            [
                usage,
                pd.DataFrame(
                    usage_rows(
                        days=1,
                        end=AS_OF - dt.timedelta(days=day),
                        active=0,
                        logins=extra,
                        minutes=0,
                        features=0,
                        workflows=0,
                        integrations=0,
                    )
                ),
            ],
            ignore_index=True,
        )
    more = HealthInputs(**{**data.__dict__, "usage": usage})
    assert _score(more) >= _score(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_fewer_tickets_never_lower_the_score(case: tuple[HealthInputs, int, int]) -> None:
    data, _, _ = case
    if data.tickets.empty:
        return
    fewer = HealthInputs(**{**data.__dict__, "tickets": data.tickets.iloc[1:]})
    assert _score(fewer) >= _score(data)
