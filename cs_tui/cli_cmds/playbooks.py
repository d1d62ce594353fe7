"""`cs-tui playbooks`: the open playbook runs, why each started, and their tasks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cs_tui import config
from cs_tui.cli_common import as_of_option, db_option, format_option, open_store, user_errors


@click.command()
@db_option
@as_of_option
@click.option(
    "--evaluate", is_flag=True, help="Run the playbook triggers at --as-of first, storing the runs."
)
@format_option("table", "json")
def playbooks(db: Path | None, as_of: dt.date | None, evaluate: bool, fmt: str) -> None:
    """The open playbook runs: account, playbook, why it started, and each task's due date."""
    from cs_tui.db.playbooks import evaluate_playbooks, load_playbooks, open_run_report

    as_of = as_of or config.today()
    store = open_store(db)
    try:
        with user_errors():
            template = load_playbooks()
            if evaluate:
                result = evaluate_playbooks(store, as_of, template)
                click.echo(
                    f"Evaluated {result.accounts:,} accounts at {as_of}: "
                    f"{len(result.started):,} runs started",
                    err=True,
                )
            report = open_run_report(store, as_of, template)
    finally:
        store.close()
    if fmt == "json":
        import json

        click.echo(json.dumps({"as_of": as_of.isoformat(), "runs": report}, indent=2))
        return
    from cs_tui.widgets.literal import literal_str

    if not report:
        click.echo("No open playbook runs.")
    for run in report:
        done = sum(t["state"] == "done" for t in run["tasks"])
        click.echo(
            f"{run['account_id']}  {literal_str(run['account_name'], single_line=True)}  "
            f"{run['playbook']}  started {run['started_on']}  {done}/{len(run['tasks'])} done"
        )
        click.echo(f"    why: {literal_str(run['reason'], single_line=True)}")
        for task in run["tasks"]:
            mark = "x" if task["state"] == "done" else " "
            click.echo(
                f"    [{mark}] {task['due_on']}  {task['owner_role']:<10}  "
                f"{literal_str(task['title'], single_line=True)}  ({task['state']})"
            )
