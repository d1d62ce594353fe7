"""`cs-tui health`: every account's score, band and categories as JSON, CSV or a table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db.health import recompute_health
from cs_tui.db.store import Store
from tests.conftest import AS_OF
from tests.db.test_health_store import fill

KEYS = [
    "account_id",
    "name",
    "score",
    "band",
    "engagement",
    "product",
    "relationship",
    "business",
    "change_30d",
]


def make_db(tmp_path: Path) -> Path:
    path = tmp_path / "cs.db"
    store = Store.open(path, create=True)
    fill(store)
    store.conn.execute(
        "UPDATE accounts SET name = '[red]Initech[/] \x1b[31m' WHERE account_id = 'A3'"
    )
    store.conn.commit()
    store.close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_is_a_list_of_records_matching_the_scores(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    code, out = run("health", "--db", str(path), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert code == 0, out
    records = json.loads(out)
    assert [r["account_id"] for r in records] == ["A1", "A2", "A3"]
    assert all(list(r) == KEYS for r in records)
    by_id = {r["account_id"]: r for r in records}
    assert by_id["A3"]["band"] == "red" and by_id["A3"]["name"] == "[red]Initech[/] \x1b[31m"
    for r in records:
        assert 0 <= r["score"] <= 100 and r["band"] in ("green", "yellow", "red")
    # The same figures the app stores when it recomputes.
    store = Store.open(path)
    recompute_health(store, AS_OF, history="none")
    stored = {r.account_id: r for r in store.latest_health(AS_OF)}
    store.close()
    for aid, r in by_id.items():
        s = stored[aid]
        assert (r["score"], r["band"], r["engagement"], r["change_30d"]) == (
            s.score,
            s.band,
            s.engagement,
            s.change_30d,
        )


def test_csv_and_table(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    code, out = run("health", "--db", str(path), "--as-of", AS_OF.isoformat(), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == KEYS and len(rows) == 3
    code, out = run("health", "--db", str(path), "--as-of", AS_OF.isoformat())
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == KEYS and len(lines) == 4
    assert "\x1b" not in out and "␛[31m" in out  # control characters made visible


def test_as_of_changes_the_figures_and_bad_input_is_one_line(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    _, now = run("health", "--db", str(path), "--as-of", AS_OF.isoformat(), "--format", "json")
    _, then = run("health", "--db", str(path), "--as-of", "2026-08-01", "--format", "json")
    assert json.loads(now) != json.loads(then)
    code, out = run("health", "--db", str(path), "--as-of", "yesterday")
    assert code == 2 and "not a date" in out
    code, out = run("health", "--db", str(tmp_path / "missing.db"))
    assert code == 1 and out.startswith("cs-tui: no database") and "Traceback" not in out


def test_a_bad_health_model_is_one_line(tmp_path: Path, isolated_paths: Path) -> None:
    path = make_db(tmp_path)
    config = isolated_paths / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "health.toml").write_text("[bands]\ngreen = 50\nyellow = 70\n")
    code, out = run("health", "--db", str(path), "--as-of", AS_OF.isoformat())
    assert code == 1 and len(out.strip().splitlines()) == 1
    assert "health.toml" in out and "yellow must be below green" in out
