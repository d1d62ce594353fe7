"""The health model template: loads, and refuses bad files with clear messages."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cs_tui.config import ConfigError
from cs_tui.domain.health_model import (
    CATEGORY_IDS,
    HealthModel,
    is_stale,
    load_health_model,
    validate_manual_value,
)


def builtin() -> dict[str, Any]:
    text = resources.files("cs_tui.templates").joinpath("health.toml").read_text()
    return tomllib.loads(text)


def write_user_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("CS_TUI_CONFIG", str(tmp_path))
    (tmp_path / "health.toml").write_text(text)


def test_builtin_loads_with_domain_weights(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CS_TUI_CONFIG", str(tmp_path))
    model = load_health_model()
    assert [c.id for c in model.categories] == list(CATEGORY_IDS)
    assert {c.id: c.weight for c in model.categories} == {
        "engagement": 40,
        "product": 30,
        "relationship": 20,
        "business": 10,
    }
    assert model.bands.green == 80 and model.bands.yellow == 60
    assert model.band(80) == "green" and model.band(79.9) == "yellow"
    assert model.band(60) == "yellow" and model.band(59.9) == "red"
    assert {m.id for m in model.manual_measures()} >= {"roi_achieved", "renewal_likelihood"}


def test_user_copy_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = resources.files("cs_tui.templates").joinpath("health.toml").read_text()
    write_user_copy(tmp_path, monkeypatch, text.replace("green = 80", "green = 85"))
    assert load_health_model().bands.green == 85


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["categories"][0].update(weight=50), "category weights sum to 110"),
        (
            lambda d: d["categories"][0]["measures"][0].update(weight=5),
            "measures of 'engagement' sum to 80",
        ),
        (lambda d: d["categories"][0]["measures"][0].update(source="vibes"), "source"),
        (
            lambda d: d["categories"][0]["measures"][0].update(points=[[0, 100], [5, 0]]),
            "scores of points go down",
        ),
        (
            lambda d: d["categories"][0]["measures"][0].update(points=[[5, 0], [1, 100]]),
            "strictly increasing",
        ),
        (lambda d: d["categories"].pop(), "missing ['business']"),
        (lambda d: d["bands"].update(yellow=90), "yellow must be below green"),
        (lambda d: d["no_usage"].update(max_score=70), "no_usage.max_score"),
        (
            lambda d: d["categories"][1]["measures"][0].update(id="login_frequency"),
            "used twice",
        ),
        (lambda d: d["categories"][0]["measures"][0].update(colour="red"), "colour"),
    ],
)
def test_bad_files_are_refused_clearly(
    change: Any, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = builtin()
    change(data)
    with pytest.raises(ValidationError) as err:
        HealthModel.model_validate(data)
    assert message in str(err.value)


def test_bad_user_file_gives_config_error_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = resources.files("cs_tui.templates").joinpath("health.toml").read_text()
    write_user_copy(tmp_path, monkeypatch, text.replace("weight = 40", "weight = 45", 1))
    with pytest.raises(ConfigError) as err:
        load_health_model()
    assert str(tmp_path / "health.toml") in str(err.value)
    assert "category weights sum to 105, not 100" in str(err.value)


def test_not_toml_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_user_copy(tmp_path, monkeypatch, "[bands\ngreen = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_health_model()


@given(st.lists(st.integers(1, 100), min_size=4, max_size=4))
def test_category_weights_must_sum_to_100(weights: list[int]) -> None:
    data = builtin()
    for cat, w in zip(data["categories"], weights, strict=True):
        cat["weight"] = w
    if sum(weights) == 100:
        assert HealthModel.model_validate(data).categories[0].weight == weights[0]
    else:
        with pytest.raises(ValidationError, match="not 100"):
            HealthModel.model_validate(data)


def test_manual_values_checked_against_scale() -> None:
    model = HealthModel.model_validate(builtin())
    assert validate_manual_value(model, "renewal_likelihood", 4).scale == "1-5"
    assert model.measure("renewal_likelihood").manual_to_score(4) == 75
    assert model.measure("roi_achieved").manual_to_score(40) == 40
    with pytest.raises(ValueError, match="from 1 to 5"):
        validate_manual_value(model, "renewal_likelihood", 7)
    with pytest.raises(ValueError, match="computed from data"):
        validate_manual_value(model, "login_frequency", 50)
    with pytest.raises(ValueError, match="unknown"):
        validate_manual_value(model, "nope", 50)


def test_staleness() -> None:
    as_of = dt.date(2025, 6, 30)
    assert not is_stale(as_of - dt.timedelta(days=90), as_of, 90)
    assert is_stale(as_of - dt.timedelta(days=91), as_of, 90)


def test_fingerprint_changes_with_the_model() -> None:
    data = builtin()
    a = HealthModel.model_validate(data).fingerprint()
    data["bands"]["green"] = 85
    assert HealthModel.model_validate(data).fingerprint() != a
