"""A ccd study's scans go through the sweep engine (issue #15 item 6): ``nakmodel run`` of a
study killed with ``kill -9`` keeps every finished scan and recomputes none of them on the
rerun, the rerun may use ``--workers``, and the files equal those of an uninterrupted
serial run (byte for byte for the tables)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUDY = """
[study]
name = "resume"
kind = "ccd"

[parameters]
temperature = "25 degC"

[ccd]
geometry = "1d"
pellet_radius = "5 mm"
pellet_thickness = "1 mm"
alloy_thickness = "20 um"
compositions = ["NaK50", "NaK65", "NaK80"]
directions = ["strip", "plate"]
start = "0.5 mA/cm2"
stop = "3 mA/cm2"
step = "0.5 mA/cm2"
hold = "120 s"
voltage_limit = "1 V"
crack = "handbook"
"""
TABLES = ("ccd_results.csv", "NaK50_strip/timeseries.csv", "NaK80_plate/timeseries.csv",
          "NaK65_strip/interface_profiles.csv")


def _command(study: Path, out: Path, *extra) -> list[str]:
    return [sys.executable, "-m", "nakmodel", "run", str(study), "--out", str(out), *extra]


def _env():
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _results(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes()
            for p in sorted((out / "cases" / "points").glob("*/result.json"))}


@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("study") / "resume.toml"
    path.write_text(STUDY)
    return path


@pytest.fixture(scope="module")
def uninterrupted(study_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "out"
    subprocess.run(_command(study_file, out), check=True, env=_env(), cwd=ROOT,
                   capture_output=True, timeout=600)
    return out


def test_killed_run_keeps_finished_scans_and_the_rerun_equals_an_uninterrupted_run(
        study_file, uninterrupted, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(_command(study_file, out), env=_env(), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while len(_results(out)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the study finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    finished = _results(out)
    assert 2 <= len(finished) < 6
    assert not (out / "ccd_results.csv").exists()
    rerun = subprocess.run(_command(study_file, out, "--workers", "2"), env=_env(), cwd=ROOT,
                           capture_output=True, text=True, timeout=600, check=True)
    skipped = len(finished)
    assert f"6/6 scans ok (ran {6 - skipped}, {skipped} already finished)" in rerun.stdout \
        + rerun.stderr
    after = _results(out)
    for point_id, raw in finished.items():  # finished scans untouched
        assert after[point_id] == raw
    for name in TABLES:
        assert (out / name).read_bytes() == (uninterrupted / name).read_bytes(), name
    same_files = sorted(p.relative_to(uninterrupted).as_posix()
                        for p in uninterrupted.rglob("*") if p.is_file())
    assert same_files == sorted(p.relative_to(out).as_posix()
                                for p in out.rglob("*") if p.is_file())
    record = json.loads(next(iter(after.values())))
    assert record["status"] == "ok"
