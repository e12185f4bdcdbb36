"""Sweeps under mpiexec: dynamic scheduling to worker ranks, and collective points."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_sweep_kind import subprocess_prelude

MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or \
    shutil.which("mpiexec")
pytestmark = pytest.mark.skipif(MPIEXEC is None, reason="mpiexec not found")


def _run(tmp_path, mode: str) -> tuple[Path, subprocess.CompletedProcess]:
    study = tmp_path / "mpi.toml"
    study.write_text('[study]\nname = "m"\nkind = "synth"\n[synth]\ndelay = "0.1 s"\n'
                     '[sweep]\n[[sweep.parameter]]\nkey = "synth.x"\n'
                     'values = [1.0, 2.0, 3.0, 4.0]\n')
    out = tmp_path / mode
    script = subprocess_prelude() + (
        "from nakmodel.cli import main\n"
        f"sys.exit(main(['-q', 'sweep', {str(study)!r}, '--out', {str(out)!r}, "
        f"'--mpi', {mode!r}]))\n")
    proc = subprocess.run([MPIEXEC, "-n", "2", sys.executable, "-c", script], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    return out, proc


@pytest.mark.parametrize("mode", ["dynamic", "static", "collective"])
def test_mpi_sweep_completes_on_two_ranks(tmp_path, mode):
    out, proc = _run(tmp_path, mode)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(p.read_text()) for p in out.glob("points/*/result.json")]
    assert len(records) == 4 and all(r["status"] == "ok" for r in records)
    y = sorted(r["outputs"]["y"] for r in records)
    sigma = y[0] - 1.0  # y = x**2 + nasicon.conductivity
    assert sigma > 0 and y == pytest.approx([x * x + sigma for x in (1, 2, 3, 4)], rel=1e-12)
    if mode == "dynamic":  # rank 0 only schedules; the worker rank computes every point
        assert {r["mpi_rank"] for r in records} == {1}
    elif mode == "static":  # round robin: both ranks compute two points each
        assert sorted(r["mpi_rank"] for r in records) == [0, 0, 1, 1]
    else:  # every point ran on both ranks together
        assert {r["mpi_ranks"] for r in records} == {2}
    assert len((out / "results.csv").read_text().splitlines()) == 5
