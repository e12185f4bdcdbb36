"""Simulation/Result integration: contact spots with dynamic blocking, outputs, checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
from bp4 import read_bp4

from nakmodel.geometry import Cell, ContactSpots
from nakmodel.model.simulation import Simulation, load_checkpoint, save_checkpoint
from nakmodel.parameters import load_parameters
from nakmodel.protocol import Protocol

FARADAY = 96485.33212331001


@pytest.fixture(scope="module")
def spot_and_full():
    p = load_parameters({"alloy.composition": "NaK80"})
    protocol = Protocol.parse("Strip at 1 mA/cm2 until 0.3 V")
    out = {}
    for name, contact in (("spot", ContactSpots(radius="150 um")), ("full", None)):
        kw = {} if contact is None else {"contact": contact}
        cell = Cell(geometry="axisymmetric", pellet_radius=0.5e-3, alloy_thickness=30e-6, **kw)
        out[name] = Simulation(cell, p, protocol, profile_times=[0.0, 600.0]).run()
    return p, out


def test_spot_depletes_locally_and_blocks(spot_and_full):
    _, out = spot_and_full
    spot, full = out["spot"], out["full"]
    assert spot.termination == full.termination == "above 300 mV"
    # contact fraction (150/500)^2 = 0.09 from the meshed geometry
    assert spot.contact_fraction[0] == pytest.approx(0.09, rel=0.02)
    # the spot region depletes first: composition lowest on the axis, under the spot
    prof = spot.profiles[-1]
    assert prof.x_na[np.argmin(prof.coordinate)] < prof.x_na[np.argmax(prof.coordinate)]
    # the voltage rise comes with the loss of active (liquid, wetted) area
    assert spot.active_fraction[-1] < 0.2 * spot.active_fraction[1]
    # constriction: a higher voltage at the same current, and less capacity to the limit
    assert spot.voltage[2] > full.voltage[2] + 0.01
    assert spot.final_capacity < full.final_capacity


def test_na_conservation_with_spots(spot_and_full):
    _, out = spot_and_full
    res = out["spot"]
    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area
    assert np.max(np.abs(removed - res.faradaic_capacity)) < 1e-8 * res.faradaic_capacity[-1]


def test_csv_round_trip(spot_and_full, tmp_path):
    _, out = spot_and_full
    res = out["full"]
    path = res.to_csv(tmp_path / "run.csv")
    data = np.genfromtxt(path, delimiter=",", skip_header=1)
    header = path.read_text().splitlines()[0].split(",")
    assert header[0] == "time [s]" and "voltage [V]" in header
    col = header.index("voltage [V]")
    np.testing.assert_allclose(data[:, col], res.voltage, rtol=1e-9)
    from nakmodel.model.result import Result
    from nakmodel.tables import read_sidecar

    assert read_sidecar(path)["termination"].startswith("above 300 mV")
    back = Result.load(path)
    assert back.termination == res.termination and len(back) == len(res)
    np.testing.assert_allclose(back.voltage, res.voltage, rtol=1e-10)
    assert back.nominal_area == res.nominal_area
    np.testing.assert_allclose(back.capacity_mAh_cm2, res.capacity / 36000.0, rtol=1e-10)


def test_plots_return_their_axes(spot_and_full):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, out = spot_and_full
    fig, axes = plt.subplots(1, 3)
    res = out["spot"]
    assert res.plot_voltage(axes[0], x="capacity", components=True) is axes[0]
    assert res.plot_interface_composition(axes[1]) is axes[1]
    assert res.plot_interface_map(axes[2]) is axes[2]
    assert len(axes[2].lines) >= 2
    plt.close(fig)


def test_checkpoint_restart_continues_the_same_run(tmp_path):
    p = load_parameters()
    cell = Cell(geometry="1d", alloy_thickness=20e-6)
    whole = Simulation(cell, p, Protocol.parse("Strip at 1 mA/cm2 for 20 min")).run()
    first = Simulation(cell, p, Protocol.parse("Strip at 1 mA/cm2 for 10 min"))
    res1 = first.run()
    path = save_checkpoint(first.problem, tmp_path / "state.npz", res1.time[-1])
    second = Simulation(cell, p, Protocol.parse("Strip at 1 mA/cm2 for 10 min"))
    second.build()
    t_restart = load_checkpoint(second.problem, path)
    assert t_restart == pytest.approx(600.0)
    res2 = second.run(start_time=t_restart)
    assert res2.time[-1] == pytest.approx(whole.time[-1])
    # same interface composition at 20 min as the uninterrupted run (time-step history differs)
    assert res2.x_interface_min[-1] == pytest.approx(whole.x_interface_min[-1], abs=2e-4)
    assert res2.inventory[-1] == pytest.approx(whole.inventory[-1], rel=1e-9)


def test_vtx_field_output(tmp_path):
    p = load_parameters()
    times = [0.0, 120.0, 300.0]
    sim = Simulation(Cell(geometry="axisymmetric", pellet_radius=0.5e-3, alloy_thickness=30e-6),
                     p, Protocol.parse("Strip at 1 mA/cm2 for 5 min"), output_dir=tmp_path,
                     field_output_times=times)
    res = sim.run()
    assert res.time[-1] == pytest.approx(300.0)
    steps = read_bp4(tmp_path / "fields.bp")
    assert [float(s["step"][0]) for s in steps] == pytest.approx(times, rel=1e-12)
    pb = sim.problem
    n = pb.n_owned_blocks
    c, phi = pb.u.x.array[0:2 * n:2], pb.u.x.array[1:2 * n:2]
    for step in steps:
        assert step["x_Na"].size == step["phi"].size == n
        assert np.all(np.isfinite(step["x_Na"])) and np.all(np.isfinite(step["phi"]))
        assert step["geometry"].size == 3 * n
    last = steps[-1]
    # the last output is the final state: phi copied, x_Na = x(c) in the alloy
    np.testing.assert_allclose(last["phi"], phi, rtol=1e-12, atol=1e-15)
    alloy = np.zeros(n, dtype=bool)  # nodes of the alloy: active content DOFs
    active = pb.active_owned
    alloy[active[active % 2 == 0] // 2] = True
    assert 0 < alloy.sum() < n
    np.testing.assert_allclose(last["x_Na"][alloy], pb.x_of(c[alloy]), rtol=1e-10)
    assert np.min(last["x_Na"][alloy]) == pytest.approx(res.x_interface_min[-1], rel=1e-9)
    # the film depleted between the first and the last output
    assert np.min(last["x_Na"][alloy]) < np.min(steps[0]["x_Na"][alloy]) - 1e-4


def test_potentiostatic_hold_until_current_limit():
    """Hold at 30 mV: the current falls as the film depletes (its OCV rises) and the step ends
    at the current limit; Na is conserved under potentiostatic control too."""
    from nakmodel.protocol import CurrentLimit, Hold

    p = load_parameters()
    step = Hold(voltage=0.03, duration=7200.0, until=(CurrentLimit(2.0, "below"),))
    res = Simulation(Cell(geometry="1d", alloy_thickness=10e-6), p, step).run()
    assert res.termination == str(CurrentLimit(2.0, "below"))
    np.testing.assert_allclose(res.voltage[1:], 0.03, rtol=1e-12)
    current = res.current_density[2:]
    assert current[0] > 5.0 and np.all(np.diff(current) < 1e-9)
    assert current[-1] == pytest.approx(2.0, rel=0.02)
    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area
    assert np.max(np.abs(removed - res.faradaic_capacity)) < 1e-8 * res.faradaic_capacity[-1]
    # the open-circuit potential rose towards the hold voltage
    assert res.ocv[-1] > res.ocv[0] + 0.005
