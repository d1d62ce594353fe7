"""`cs-tui health --backtest`: the health back-test as table or json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db.store import Store
from tests.db.metrics_portfolio import fill

YEAR = ["--from", "2024-01-01", "--to", "2024-12-31"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "m.db"
    fill(Store.open(path, create=True)).close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_with_a_what_if(db: Path) -> None:
    code, out = run(
        "health", "--backtest", "--db", str(db), *YEAR, "--weights", "0,0,1,0", "--format", "json"
    )
    assert code == 0, out
    report = json.loads(out)
    assert (report["from"], report["to"], report["lead_days"]) == ("2024-01-01", "2024-12-31", 90)
    assert report["weights_in_force"] == {  # health.toml's
        "engagement": 40,
        "product": 30,
        "relationship": 20,
        "business": 10,
    }
    # A2 churned with 45 (snapshot 2023-11-27); A1 renewed with 50 (2024-02-26): both red.
    base = report["baseline"]
    assert (base["renewals"], base["churned"], base["auc"]) == (2, 1, 1.0)
    assert base["bands"]["red"] == {"renewals": 2, "churned": 1, "churn_rate": 0.5}
    # Relationship only: A2 60 (yellow, churned) above A1 50 (red, renewed): AUC 0.
    what_if = report["what_if"]
    assert what_if["auc"] == 0.0
    assert what_if["weights"] == {"engagement": 0, "product": 0, "relationship": 1, "business": 0}
    assert what_if["bands"]["yellow"]["churn_rate"] == 1.0
    assert report["auc_change"] == -1.0


def test_table(db: Path) -> None:
    code, out = run("health", "--backtest", "--db", str(db), *YEAR, "--weights", "50,30,10,10")
    assert code == 0, out
    assert "ROC AUC" in out and "what-if 50/30/10/10" in out and "1/2 (50.0%)" in out


def test_bad_weights_are_a_usage_error(db: Path) -> None:
    for bad in ("1,2,3", "0,0,0,0", "a,b,c,d", "-1,1,1,1"):
        code, out = run("health", "--backtest", "--db", str(db), "--weights", bad)
        assert code == 2 and "--weights" in out, bad


def test_backtest_options_belong_together(db: Path) -> None:
    code, out = run("health", "--backtest", "--db", str(db), "--format", "csv")
    assert code == 2 and "csv" in out
    code, out = run("health", "--db", str(db), "--weights", "1,1,1,1")
    assert code == 2 and "--backtest" in out


def test_a_bad_health_toml_is_one_clear_line(db: Path) -> None:
    from cs_tui import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    (config.config_dir() / "health.toml").write_text("[bands]\ngreen = 'high'\n")
    code, out = run("health", "--backtest", "--db", str(db))
    assert code == 1 and "health.toml" in out and "Traceback" not in out
    code, out = run("metrics", "--db", str(db))
    assert code == 1 and "health.toml" in out
