"""`make bench`: every benchmark on one generated portfolio, each figure beside its budget.

Figures are also written to bench/results.json. Set BENCH_ACCOUNTS to change the size
(default 10,000; 50,000 shows how cost grows).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    """Run every bench script in turn; a failing one is reported and the rest still run."""
    accounts = os.environ.get("BENCH_ACCOUNTS", "10000")
    db = HERE / ".cache" / f"demo-{accounts}.db"
    runs = [
        ["bench.bench_demo", "--accounts", accounts],
        ["bench.bench_app", "--accounts", accounts, "--db", str(db)],
        ["bench.bench_health", "--accounts", accounts, "--db", str(db)],
        ["bench.bench_journey", "--accounts", accounts, "--db", str(db)],
        ["bench.bench_playbooks", "--accounts", accounts, "--keep", str(db)],
        ["bench.metrics_portfolio", "--accounts", accounts, "--db", str(db)],
        ["bench.bench_import"],
    ]
    failed = []
    for module, *args in runs:
        print(f"\n== {module} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *args]).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
