"""A synthetic, test-only study kind ``synth`` (this module is the kind) and its own tests.

Options: ``x`` (the swept input), ``delay`` [s] (sleep, to have points in
flight), ``spin`` [s] (real CPU work), ``fail_at`` / ``abort_at`` (x values
at which the point raises / calls ``os.abort``), ``marker_dir`` (each start
of a point writes a file ``<point_id>.<pid>.<ns>`` there).  Outputs:
``y = x**2 + sigma`` (sigma = nasicon.conductivity in S/m), ``pid`` and
``fe_area`` (the area x**2 of a square assembled with dolfinx on ``fe_cells``
cells per side, when ``fe_cells`` > 0).
Tests register it with the :func:`synth_kind` fixture; worker processes
import it from this folder.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from nakmodel.errors import InputProblem, ParameterError
from nakmodel.sweep.store import write_point_table

OPTIONS = ("x", "delay", "spin", "fail_at", "abort_at", "marker_dir", "fe_cells")
OPTION_UNITS = {"delay": "s", "spin": "s"}
OUTPUTS = ("y", "pid", "fe_area")
KIND = "synth"
TESTS_DIR = str(Path(__file__).resolve().parent)


@dataclass(frozen=True)
class SynthOptions:
    x: float = 0.0
    delay: float = 0.0
    spin: float = 0.0
    fail_at: float = math.nan
    abort_at: float = math.nan
    marker_dir: str = ""
    fe_cells: int = 0


def parse_options(table, prefix, params):
    from nakmodel.study import unknown_option_problems
    from nakmodel.units import to_si

    problems = unknown_option_problems(table, OPTIONS, prefix)
    values = {}
    for name in ("x", "delay", "spin", "fail_at", "abort_at"):
        if name in table:
            try:
                values[name] = to_si(table[name], OPTION_UNITS.get(name, ""), f"{prefix}.{name}")
            except ParameterError as err:
                problems.extend(err.problems)
    for name in ("delay", "spin"):
        if values.get(name, 0.0) < 0:
            problems.append(InputProblem(f"{prefix}.{name}", "must be >= 0", values[name],
                                         ">= 0 s"))
    if "fe_cells" in table:
        values["fe_cells"] = int(table["fe_cells"])
    if "marker_dir" in table:
        values["marker_dir"] = str(table["marker_dir"])
    if problems:
        raise ParameterError(problems)
    return SynthOptions(**values)


def spin_cpu(seconds: float) -> float:
    """Real single-threaded numpy work for about ``seconds`` of CPU time."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((120, 120))
    acc = 0.0
    t_end = time.process_time() + seconds
    while time.process_time() < t_end:
        acc += float(np.linalg.eigvalsh(a @ a.T)[-1])
    return acc


def run_point(study, point_dir):
    o = study.options
    if o.marker_dir:
        Path(o.marker_dir).mkdir(parents=True, exist_ok=True)
        point_id = Path(point_dir).parent.name  # run_point gets the attempt folder of the point
        Path(o.marker_dir, f"{point_id}.{os.getpid()}.{time.time_ns()}").touch()
    if o.delay:
        time.sleep(o.delay)
    if o.spin:
        spin_cpu(o.spin)
    if o.x == o.fail_at:
        raise RuntimeError(f"synthetic failure at x = {o.x}")
    if o.x == o.abort_at:
        os.abort()
    y = o.x ** 2 + study.parameters.nasicon.conductivity
    write_point_table(point_dir, "series.csv", {"t [s]": [0.0, 1.0], "y": [0.0, y]})
    return {"y": y, "pid": os.getpid(), "fe_area": fe_area(o.x, o.fe_cells)}


WARM_DIR_VARIABLE = "NAKMODEL_TEST_WARM_DIR"
WARM_SLEEP_VARIABLE = "NAKMODEL_TEST_WARM_SLEEP"


def warm_up():
    """Sweep workers call this before their first point: marks ``warm.<pid>.<ns>`` in the
    folder named by ``$NAKMODEL_TEST_WARM_DIR``; sleeps ``$NAKMODEL_TEST_WARM_SLEEP`` s;
    raises when the sleep is ``raise``."""
    folder = os.environ.get(WARM_DIR_VARIABLE)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"warm.{os.getpid()}.{time.time_ns()}").touch()
    sleep = os.environ.get(WARM_SLEEP_VARIABLE, "")
    if sleep == "raise":
        raise RuntimeError("synthetic warm-up failure")
    if sleep:
        time.sleep(float(sleep))


def fe_area(side: float, cells: int) -> float:
    """Area of a square of ``side`` assembled with dolfinx (NaN when ``cells`` is 0)."""
    if not cells:
        return math.nan
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem, mesh
    from mpi4py import MPI

    domain = mesh.create_rectangle(MPI.COMM_SELF, [[0.0, 0.0], [side, side]], [cells, cells])
    return float(fem.assemble_scalar(fem.form(fem.Constant(domain, 1.0) * ufl.dx)))


def run(study, outdir, progress=None):
    return []


@pytest.fixture
def synth_kind(monkeypatch):
    """Register the ``synth`` kind (this module) for the duration of a test."""
    from nakmodel.study import KINDS

    monkeypatch.syspath_prepend(TESTS_DIR)
    monkeypatch.setitem(KINDS, KIND, __name__)
    return KIND


def synth_study(values=(1.0, 2.0, 3.0), **options) -> dict:
    return {"study": {"name": "synth", "kind": KIND},
            "synth": dict(options),
            "sweep": {"parameter": [{"key": "synth.x", "values": list(values)}]}}


def subprocess_prelude() -> str:
    """Python source that registers the kind in a fresh interpreter (for CLI subprocesses)."""
    return (f"import sys; sys.path.insert(0, {TESTS_DIR!r})\n"
            f"from nakmodel.study import KINDS; KINDS[{KIND!r}] = 'test_sweep_kind'\n")


# --------------------------------------------------------------------- tests of the kind itself

def test_synth_kind_is_sweepable_and_validates_its_options(synth_kind):
    from nakmodel.sweep import load_sweep

    spec = load_sweep(synth_study(values=[1, 2]))
    assert [p.si["synth.x"] for p in spec.points] == [1.0, 2.0]
    with pytest.raises(ParameterError) as info:
        load_sweep(synth_study(delay="-1 s"))
    assert "synth.delay" in str(info.value)


def test_points_run_in_process_give_the_analytic_output(synth_kind, tmp_path):
    from nakmodel.sweep import SerialExecutor, run_sweep

    data = synth_study(values=[0.5, 2.0])
    data["parameters"] = {"nasicon.conductivity": "1 mS/cm"}  # 0.1 S/m
    result = run_sweep(data, tmp_path, executor=SerialExecutor(), progress=False)
    assert result.all_ok
    assert result.column("y") == pytest.approx([0.25 + 0.1, 4.0 + 0.1], rel=1e-12)
    assert set(result.column("pid")) == {os.getpid()}
    assert sys.modules[__name__].OUTPUTS == OUTPUTS


# --------------------------------------------------------------------- worker warm-up

def _markers(folder: Path, prefix: str) -> dict[int, int]:
    """pid -> earliest ns of the marker files ``<prefix>.<pid>.<ns>``."""
    out: dict[int, int] = {}
    for path in folder.glob(f"{prefix}.*"):
        _, pid, ns = path.name.rsplit(".", 2)
        out[int(pid)] = min(out.get(int(pid), int(ns)), int(ns))
    return out


def test_pool_workers_warm_up_the_kind_before_their_first_point(synth_kind, tmp_path,
                                                                monkeypatch):
    from nakmodel.sweep import LocalExecutor, run_sweep

    warm_dir, marks = tmp_path / "warm", tmp_path / "marks"
    monkeypatch.setenv(WARM_DIR_VARIABLE, str(warm_dir))
    data = synth_study(values=[1.0, 2.0, 3.0, 4.0], marker_dir=str(marks))
    result = run_sweep(data, tmp_path / "out", executor=LocalExecutor(workers=2),
                       progress=False)
    assert result.all_ok
    warmed = _markers(warm_dir, "warm")
    started = {}
    for path in marks.iterdir():
        _, pid, ns = path.name.rsplit(".", 2)
        started[int(pid)] = min(started.get(int(pid), int(ns)), int(ns))
    assert set(started) <= set(warmed)  # every process that ran a point was warmed once
    assert all(warmed[pid] < started[pid] for pid in started)
    assert len(list(warm_dir.iterdir())) == len(warmed)


def test_a_failing_warm_up_does_not_fail_the_points(synth_kind, tmp_path, monkeypatch):
    from nakmodel.sweep import LocalExecutor, run_sweep

    monkeypatch.setenv(WARM_SLEEP_VARIABLE, "raise")
    data = synth_study(values=[1.0, 2.0])
    data["parameters"] = {"nasicon.conductivity": "1 mS/cm"}  # 0.1 S/m
    result = run_sweep(data, tmp_path, progress=False, executor=LocalExecutor(workers=2))
    assert result.all_ok
    assert result.column("y") == pytest.approx([1.0 + 0.1, 4.0 + 0.1], rel=1e-12)


def test_a_resumed_sweep_does_not_wait_for_warming_workers(synth_kind, tmp_path,
                                                           monkeypatch):
    """Nothing left to run: the still-importing pool is killed at once, not awaited."""
    from nakmodel.sweep import LocalExecutor, run_sweep

    data = synth_study(values=[1.0])
    assert run_sweep(data, tmp_path, progress=False, executor=LocalExecutor(1)).all_ok
    monkeypatch.setenv(WARM_SLEEP_VARIABLE, "30")
    t0 = time.monotonic()
    again = run_sweep(data, tmp_path, progress=False, executor=LocalExecutor(workers=2))
    assert again.ran == 0 and again.skipped == 1
    # a graceful stop would wait for the 30 s warm-up: join(timeout=5) per process, then kill
    assert time.monotonic() - t0 < 4.9
