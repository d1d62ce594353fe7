"""Unit tests of the health back-test: ROC AUC by Mann-Whitney, churn per band, what-if."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_tui.domain import backtest as bt
from cs_tui.domain.backtest import BacktestPoint, Weights
from cs_tui.domain.metrics import BandLimits

D = dt.date


WEEK = D(2024, 1, 1)


def point(aid, churned, score, eng, prod, rel, bus):
    return BacktestPoint(aid, D(2024, 4, 1), churned, WEEK, score, eng, prod, rel, bus)


def test_auc_perfect_reversed_and_tied() -> None:
    # every renewed account scored above every churned one: a perfect ranking
    assert bt.roc_auc([10, 20, 30, 40], [True, True, False, False]) == 1.0
    assert bt.roc_auc([30, 40, 10, 20], [True, True, False, False]) == 0.0
    assert bt.roc_auc([50, 50, 50], [True, False, False]) == 0.5  # ties count half


def test_auc_worked_by_hand() -> None:
    # churned 30, 65; renewed 60, 80, 90. Pairs (renewed above churned): 60>30 yes, 60>65 no,
    # 80 beats both, 90 beats both -> 5 of 6.
    assert bt.roc_auc([30, 65, 60, 80, 90], [True, True, False, False, False]) == pytest.approx(
        5 / 6
    )
    # a tie between a churned and a renewed 60 counts half: (1 + 0.5 + 1 + 1) / 4
    assert bt.roc_auc([40, 60, 60, 90], [True, True, False, False]) == pytest.approx(3.5 / 4)


def test_auc_needs_both_outcomes() -> None:
    assert bt.roc_auc([], []) is None
    assert bt.roc_auc([10, 20], [True, True]) is None
    assert bt.roc_auc([10, 20], [False, False]) is None
    with pytest.raises(ValueError):
        bt.roc_auc([1.0], [True, False])


@given(st.lists(st.tuples(st.integers(0, 20).map(float), st.booleans()), min_size=0, max_size=40))
def test_auc_equals_pairwise_count(pairs) -> None:
    scores = [s for s, _ in pairs]
    churned = [c for _, c in pairs]
    bad = [s for s, c in pairs if c]
    good = [s for s, c in pairs if not c]
    got = bt.roc_auc(scores, churned)
    if not bad or not good:
        assert got is None
        return
    wins = sum((g > b) + 0.5 * (g == b) for g in good for b in bad)
    assert got == pytest.approx(wins / (len(good) * len(bad)))
    assert 0 <= got <= 1


POINTS = [
    # stored scores: A 85 green renewed, B 82 green churned, C 70 yellow renewed,
    # D 65 yellow churned, E 40 red churned, F 55 red renewed; G had no snapshot yet.
    point("A", False, 85, 90, 80, 80, 80),
    point("B", True, 82, 40, 95, 100, 100),
    point("C", False, 70, 80, 60, 70, 60),
    point("D", True, 65, 30, 90, 80, 80),
    point("E", True, 40, 20, 50, 60, 50),
    point("F", False, 55, 70, 40, 50, 40),
    BacktestPoint("G", D(2024, 4, 1), True),
]


def test_backtest_on_stored_scores() -> None:
    result = bt.backtest(POINTS)
    assert (result.renewals, result.churned, result.missing) == (6, 3, 1)
    assert result.churn_rate == 0.5
    assert result.band("green").renewals == 2 and result.band("green").churn_rate == 0.5
    assert result.band("yellow").churn_rate == 0.5
    assert result.band("red").churn_rate == 0.5
    # renewed 85, 70, 55 vs churned 82, 65, 40: 85 beats 3, 70 beats 2, 55 beats 1 -> 6 of 9
    assert result.auc == pytest.approx(6 / 9)


def test_what_if_all_weight_on_engagement() -> None:
    # engagement: renewed 90, 80, 70 vs churned 40, 30, 20: a perfect ranking
    only_engagement = Weights(engagement=1, product=0, relationship=0, business=0)
    result = bt.backtest(POINTS, only_engagement)
    assert result.auc == 1.0
    # red (< 60): B 40, D 30, E 20 all churned; renewed all at 70+
    assert result.band("red").renewals == 3 and result.band("red").churn_rate == 1.0
    assert result.band("green").churned == 0
    baseline = bt.backtest(POINTS)
    assert bt.auc_change(baseline, result) == pytest.approx((1.0 - 6 / 9) / (6 / 9))
    assert bt.result_dict(result)["weights"] == {
        "engagement": 1,
        "product": 0,
        "relationship": 0,
        "business": 0,
    }


def test_weights_scale_free_and_validated() -> None:
    p = POINTS[0]
    assert p.weighted(Weights()) == pytest.approx(0.4 * 90 + 0.3 * 80 + 0.2 * 80 + 0.1 * 80)
    assert p.weighted(Weights(40, 30, 20, 10)) == pytest.approx(p.weighted(Weights()))
    assert Weights(4, 3, 2, 1).normalised() == Weights(0.4, 0.3, 0.2, 0.1)
    with pytest.raises(ValueError):
        Weights(0, 0, 0, 0)
    with pytest.raises(ValueError):
        Weights(-1, 1, 1, 1)


def test_empty_backtest() -> None:
    result = bt.backtest([])
    assert result.renewals == 0 and result.auc is None and result.churn_rate is None
    assert all(b.churn_rate is None for b in result.bands)
    assert bt.auc_change(result, result) is None
    data = bt.result_dict(result)
    assert data["bands"]["red"] == {"renewals": 0, "churned": 0, "churn_rate": None}


def test_missing_category_is_left_out_and_its_weight_shared() -> None:
    # no relationship score: (0.4 x 80 + 0.3 x 60 + 0.1 x 40) / 0.8 = 54 / 0.8 = 67.5
    p = BacktestPoint("A", D(2024, 4, 1), False, WEEK, 60, 80, 60, None, 40)
    assert p.weighted(Weights()) == pytest.approx(67.5)
    # only the missing category weighs: nothing to recompute, the stored score stands
    assert p.weighted(Weights(0, 0, 1, 0)) == 60


def test_bands_follow_the_health_model_limits() -> None:
    strict = BandLimits(green=90, yellow=70)
    result = bt.backtest(POINTS, bands=strict)
    # stored 85, 82 are yellow under 90/70; 70 is yellow; 65, 40, 55 red
    assert result.band("green").renewals == 0
    assert result.band("yellow").renewals == 3
    assert result.band("red").renewals == 3 and result.band("red").churned == 2


def test_what_if_keeps_the_no_usage_cap() -> None:
    idle = BacktestPoint("A", D(2024, 4, 1), True, WEEK, 40, 90, 90, 90, 90, no_usage=True)
    assert bt.what_if_score(idle, Weights(), cap=40) == 40  # 90 recomputed, capped at 40
    assert bt.what_if_score(idle, Weights()) == 90  # no cap given
    busy = BacktestPoint("B", D(2024, 4, 1), False, WEEK, 90, 90, 90, 90, 90)
    assert bt.what_if_score(busy, Weights(), cap=40) == 90
    # recomputed scores are rounded to one decimal, as the health model rounds its scores
    odd = BacktestPoint("C", D(2024, 4, 1), False, WEEK, 0, 70.04, 70.04, 70.04, 70.04)
    assert bt.what_if_score(odd, Weights(1, 1, 1, 0)) == 70.0


def test_weights_and_bands_of_the_health_model() -> None:
    from cs_tui.domain.health_model import load_health_model

    model = load_health_model()  # the built-in health.toml: DOMAIN.md's 40/30/20/10
    assert bt.model_weights(model) == Weights(40, 30, 20, 10)
    assert bt.model_bands(model) == BandLimits(green=80, yellow=60)


def test_changes_are_shown_without_negative_zero() -> None:
    assert bt.format_change(0.0712) == "+7.1%"
    assert bt.format_change(-0.00001) == "+0.0%"
    assert bt.format_change(-0.25) == "-25.0%"
