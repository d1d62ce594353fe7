"""The `cs-tui metrics` JSON contract of DESIGN.md, and its table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db.store import Store
from tests.db.metrics_portfolio import fill

DESIGN_KEYS = {
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
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "m.db"
    fill(Store.open(path, create=True)).close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_contract(db: Path) -> None:
    code, out = run(
        "metrics", "--db", str(db), "--from", "2024-01-01", "--to", "2024-12-31", "--format", "json"
    )
    assert code == 0, out
    report = json.loads(out)
    assert report["from"] == "2024-01-01" and report["to"] == "2024-12-31"
    assert set(report) >= {"from", "to", "metrics"}
    metrics = report["metrics"]
    assert DESIGN_KEYS <= set(metrics)
    # Fractions, not percents: A1 kept 12000 and A2 0 of 18000 due -> 0.6667, not 66.67.
    assert metrics["grr"] == pytest.approx(12000 / 18000)
    assert metrics["nrr"] == pytest.approx(15000 / 18000)
    assert metrics["eligible_churn"] == pytest.approx(6000 / 18000)
    assert metrics["logo_churn"] == pytest.approx(0.5)  # A2 of A1, A2
    assert metrics["csat"] == 1.0 and metrics["nps"] == 0.0
    assert metrics["avg_health"] == pytest.approx(79.0)  # A1 88, A3 70
    assert metrics["pct_green"] + metrics["pct_yellow"] + metrics["pct_red"] == pytest.approx(1)
    # starters A1 1000 + A2 500; A2 churned: 500 / 1500 / (366 / 30.4375) a month
    monthly = 500 / 1500 / (366 / 30.4375)
    assert metrics["clv"] == pytest.approx(0.75 * 750 / monthly)
    assert report["targets"]["grr"] == {"target": 0.9, "op": ">=", "met": False}


def test_default_window_is_the_365_days_ending_at_as_of(db: Path) -> None:
    code, out = run("metrics", "--db", str(db), "--as-of", "2024-12-31", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert (report["from"], report["to"]) == ("2024-01-02", "2024-12-31")
    # The n1 response of 2024-01-01 is now outside: only A2's 5 remains -> NPS -100.
    assert report["metrics"]["nps"] == -100.0


def test_empty_window_gives_nulls(db: Path) -> None:
    code, out = run(
        "metrics", "--db", str(db), "--from", "2030-01-01", "--to", "2030-01-31", "--format", "json"
    )
    assert code == 0, out
    metrics = json.loads(out)["metrics"]
    for key in ("clv", "eligible_churn", "grr", "nrr", "nps", "csat"):
        assert metrics[key] is None, key
    assert metrics["logo_churn"] == 0.0  # A1 and A3 active, nobody churned


def test_filters(db: Path) -> None:
    code, out = run(
        "metrics", "--db", str(db), "--from", "2024-01-01", "--to", "2024-12-31",
        "--csm", "bob", "--format", "json",
    )  # fmt: skip
    report = json.loads(out)
    assert report["filters"] == {"segment": None, "edition": None, "csm": "bob"}
    assert report["metrics"]["grr"] == 0.0  # A2 churned its 6000
    assert report["metrics"]["avg_health"] is None  # bob has nobody active at `to`


def test_table_says_met_in_words(db: Path) -> None:
    code, out = run("metrics", "--db", str(db), "--from", "2024-01-01", "--to", "2024-12-31")
    assert code == 0, out
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert "66.7%" in lines["Gross revenue retention"]
    assert "NOT met" in lines["Gross revenue retention"]
    assert lines["CSAT"].rstrip(" │").endswith("met") and "NOT" not in lines["CSAT"]


def test_bad_input_exits_cleanly(db: Path, tmp_path: Path) -> None:
    code, out = run("metrics", "--db", str(db), "--from", "2025-01-01", "--to", "2024-01-01")
    assert code == 2 and "after" in out and "Traceback" not in out
    code, out = run("metrics", "--db", str(db), "--from", "yesterday")
    assert code == 2
    code, out = run("metrics", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no database" in out
