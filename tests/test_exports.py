"""Outputs as export objects (``Simulation(..., exports=[...])``): the default set is the
default column set, a user column appears in the CSV with its unit and loads back (also
through a checkpoint restart), ``VTXFields`` writes its fields (serial and under MPI), and a
bad export is refused before any solve."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from bp4 import read_bp4

from nakmodel.errors import ConvergenceError, ParameterError
from nakmodel.geometry import Cell
from nakmodel.model.exports import CellVoltage, Column, VTXFields, default_exports
from nakmodel.model.exports.base import column_units
from nakmodel.model.result import COLUMNS, Result
from nakmodel.model.simulation import CheckpointControl, Simulation
from nakmodel.model.stepping import StepControl
from nakmodel.parameters import load_parameters

PROTOCOL = ["Strip at 1 mA/cm2 for 3 min", "Rest for 1 min"]
CONTROL = StepControl(dt_initial=1.0, dt_max=600.0, error_tolerance=1e-4)


class SodiumPerArea(Column):
    """A user column: Na in the alloy per nominal area."""

    name, unit = "sodium_per_area", "mol/m^2"

    def evaluate(self, problem, time):
        return problem.functional("inventory") / problem.area_nominal


@pytest.fixture(scope="module")
def cell():
    return Cell(geometry="1d", alloy_thickness=20e-6)


@pytest.fixture(scope="module")
def runs(cell, tmp_path_factory):
    p = load_parameters()
    out = tmp_path_factory.mktemp("exports")
    plain = Simulation(cell, p, PROTOCOL, step_control=CONTROL).run()
    sim = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=out,
                     exports=default_exports() + [SodiumPerArea(),
                                                  VTXFields("out.bp", ["c", "phi"], every=3)])
    return plain, sim.run(), sim, out


def test_default_exports_are_the_default_columns():
    assert list(column_units(default_exports()).items()) == list(COLUMNS.items())
    assert list(Result().units.items()) == list(COLUMNS.items())


def test_user_column_added_and_default_columns_unchanged(runs):
    plain, res, _, _ = runs
    assert list(res.units)[:len(COLUMNS)] == list(COLUMNS)
    assert res.units["sodium_per_area"] == "mol/m^2"
    assert len(res) == len(plain) > 5
    for name in COLUMNS:
        np.testing.assert_allclose(res.rows[name], plain.rows[name], rtol=1e-12, atol=0,
                                   err_msg=name)
    np.testing.assert_allclose(res.sodium_per_area, res.inventory / res.nominal_area,
                               rtol=1e-12)
    assert res.sodium_per_area[-1] < res.sodium_per_area[0]  # stripped


def test_user_column_round_trips_through_the_csv(runs, tmp_path):
    _, res, _, _ = runs
    path = res.to_csv(tmp_path / "run" / "timeseries.csv")
    header = path.read_text().split("\n", 1)[0]
    assert header.endswith(",sodium_per_area [mol/m^2]")
    for source in (path, path.parent):
        back = Result.load(source)
        assert back.units == res.units
        np.testing.assert_allclose(back.sodium_per_area, res.sodium_per_area, rtol=1e-11)
        np.testing.assert_allclose(back.voltage, res.voltage, rtol=1e-11)
    # a run with only some columns loads back with only those
    only = Result(units={"time": "s", "step": "-", "x_spread": "-"})
    only.append(time=0.0, step=0, x_spread=0.25)
    back = Result.load(only.to_csv(tmp_path / "only.csv"))
    assert back.units == only.units and back.x_spread.tolist() == [0.25]


def test_vtx_fields_written_every_n_steps(runs):
    _, res, sim, out = runs
    steps = read_bp4(out / "out.bp", names=("step", "c", "phi"))
    np.testing.assert_allclose([float(s["step"][0]) for s in steps], res.time[::3], rtol=1e-12)
    n = sim.problem.n_owned_blocks
    assert all(s["c"].size == s["phi"].size == n for s in steps)
    c0 = steps[0]["c"]  # initial state: uniform content in the alloy, 0 in NASICON
    assert np.ptp(c0[c0 > 0]) <= 1e-9 * c0.max()
    alloy = c0 > 0  # stripping depletes the alloy: its minimum content falls
    assert steps[-1]["c"][alloy].min() < c0[alloy].min() * (1 - 1e-6)
    assert np.ptp(steps[-1]["phi"]) > 0


def test_restart_keeps_user_columns(cell, runs, tmp_path):
    _, whole, _, _ = runs
    p = load_parameters()
    exports = [*default_exports(), SodiumPerArea()]
    first = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=tmp_path,
                       max_steps=5, exports=exports,
                       checkpoint_every=CheckpointControl(steps=5, step_ends=False))
    with pytest.raises(ConvergenceError):
        first.run()
    ckpt = tmp_path / "checkpoint.npz"
    with pytest.raises(ParameterError, match="restart: checkpoint has other result columns"):
        Simulation(cell, p, PROTOCOL, step_control=CONTROL).run(restart=ckpt)
    res = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=tmp_path,
                     exports=exports).run(restart=ckpt)
    assert res.units == whole.units
    assert len(res) == len(whole)
    for name in res.units:
        np.testing.assert_allclose(res.rows[name], whole.rows[name], rtol=1e-12, atol=1e-15,
                                   err_msg=name)


@pytest.mark.parametrize("make, key", [
    (lambda: VTXFields("f.bp", fields=["c", "conc"], every=1), "VTXFields.fields"),
    (lambda: VTXFields("f.bp", fields=["c"]), "VTXFields"),
    (lambda: VTXFields("f.vtk", fields=["c"], every=1), "VTXFields.path"),
    (lambda: VTXFields("f.bp", fields=["c"], every=0), "VTXFields.every"),
])
def test_bad_field_export_refused(make, key):
    with pytest.raises(ParameterError) as err:
        make()
    text = str(err.value)
    assert "\n" not in text.strip() and text.startswith(key + ":")


class NoUnit(Column):
    name, unit = "bad", "[V]"


@pytest.mark.parametrize("exports, key", [
    ([42], "exports:"), ([CellVoltage(), CellVoltage()], "exports:"),
    ([NoUnit()], "exports.bad.unit:"), (5, "exports:"),
])
def test_bad_exports_refused_before_any_solve(cell, exports, key):
    with pytest.raises(ParameterError) as err:
        Simulation(cell, load_parameters(), PROTOCOL, exports=exports)
    assert "\n" not in str(err.value).strip() and str(err.value).startswith(key)


SCRIPT = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from mpi4py import MPI
    from nakmodel.geometry import Cell
    from nakmodel.model.exports import VTXFields, default_exports
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters

    out = Path(sys.argv[1]).parent / f"vtx{MPI.COMM_WORLD.size}"
    cell = Cell(geometry="axisymmetric", pellet_radius=0.3e-3, alloy_thickness=20e-6)
    res = Simulation(cell.build_mesh(MPI.COMM_WORLD), load_parameters(),
                     "Strip at 1 mA/cm2 for 2 min", output_dir=out,
                     exports=default_exports() + [VTXFields("f.bp", ["x_Na", "phi"],
                                                            times=[0, 60, 120])]).run()
    if MPI.COMM_WORLD.rank == 0:
        json.dump({"files": sorted(p.name for p in (out / "f.bp").iterdir()),
                   "voltage": res.voltage[-1]}, open(sys.argv[1], "w"))
''')


@pytest.mark.slow
def test_vtx_fields_under_mpi(run_script):
    serial, parallel = run_script(SCRIPT, 1), run_script(SCRIPT, 2)
    for run in (serial, parallel):
        assert "md.idx" in run["files"] and "data.0" in run["files"]
    assert parallel["voltage"] == pytest.approx(serial["voltage"], rel=1e-8)
