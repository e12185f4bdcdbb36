"""Shared test helpers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which(
    "mpiexec")


def _script_runner(tmp_path):
    def run(script: str, nproc: int = 1, name: str = "run", timeout: float = 600):
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(script))
        out = tmp_path / f"{name}_{nproc}.json"
        cmd = [sys.executable, str(path), str(out)]
        if nproc > 1:
            if MPIEXEC is None:
                pytest.skip("mpiexec not available")
            cmd = [MPIEXEC, "-n", str(nproc)] + cmd
        # own process group: on a timeout mpiexec *and* its ranks are killed (a rank left
        # waiting in a collective would otherwise outlive the test)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
            pytest.fail(f"{' '.join(cmd)} did not finish in {timeout} s:\n{stderr[-3000:]}")
        if proc.returncode != 0:
            pytest.fail(f"{' '.join(cmd)} failed:\n{stderr[-3000:]}")
        return json.loads(out.read_text())

    return run


@pytest.fixture
def run_script(tmp_path):
    """Run a Python script text on ``nproc`` MPI ranks (1: plain python); the script writes
    JSON to the path given as its first argument (rank 0); returns the parsed JSON."""
    return _script_runner(tmp_path)


@pytest.fixture(scope="module")
def run_script_module(tmp_path_factory):
    """:func:`run_script` for module-scoped fixtures (one result shared by several tests)."""
    return _script_runner(tmp_path_factory.mktemp("scripts"))


@pytest.fixture
def kinds(monkeypatch):
    """The study-kind registry with the simulation and ccd kinds registered."""
    from nakmodel.study import KINDS

    monkeypatch.setitem(KINDS, "simulation", "nakmodel.study.simulation")
    monkeypatch.setitem(KINDS, "ccd", "nakmodel.study.ccd")
    return KINDS
