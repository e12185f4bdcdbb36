"""Benchmark of the command-line start-up: ``nakmodel --help`` and ``nakmodel params check``
as a ratio to ``python -c "import numpy"`` (target <= 5).

Each command is a fresh interpreter; the three commands are run interleaved, ``--repeat``
rounds, in one run (so the machine's load affects all alike) and the median wall times and
their ratios are printed.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds (default 7)")
    args = parser.parse_args(argv)
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        params = Path(tmp) / "cell.toml"
        params.write_text('temperature = "25 degC"\n[nasicon]\nconductivity = "1 mS/cm"\n')
        commands = {
            "python -c 'import numpy'": [py, "-c", "import numpy"],
            "nakmodel --help": [py, "-m", "nakmodel", "--help"],
            "nakmodel params check": [py, "-m", "nakmodel", "params", "check", str(params)],
        }
        for cmd in commands.values():  # warm the file cache
            _time(cmd)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                times[name].append(_time(cmd))
    base = statistics.median(times["python -c 'import numpy'"])
    print(f"{'command':28s} {'median [s]':>11s} {'ratio to import numpy':>22s}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:28s} {median:11.3f} {median / base:22.2f}")
    worst = max(statistics.median(v) for v in times.values()) / base
    print(f"largest ratio {worst:.2f} (target <= 5)")
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
