"""Nucleation barrier of solid K (issue #11 item 6, ``alloy.solid_k_nucleation_supersaturation``,
:mod:`nakmodel.model.nucleation`): off by default; with it the K-rich liquid stays metastable
(no solid, liquid potential extrapolated) down to x_liq,K - dx_nuc, nucleates there, follows
the lever rule afterwards, loses its nucleus when it melts, and the flags survive a restart.

The runs are 20 um NaK80 films in 1D (11 cells, 1.1 um at the interface) stripped at
1 mA/cm2 to +0.3 V: the film is thin enough to deplete almost uniformly, so the whole film
passes through the metastable window."""

from __future__ import annotations

import math

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
from dolfinx import fem

from nakmodel import thermo
from nakmodel.errors import ConvergenceError, ParameterError
from nakmodel.geometry import Cell
from nakmodel.model.checkpoint import load_checkpoint
from nakmodel.model.materials import AlloyProperties
from nakmodel.model.nucleation import updated_flags
from nakmodel.model.problem import CurrentControl
from nakmodel.model.simulation import CheckpointControl, Simulation
from nakmodel.model.stepping import StepControl
from nakmodel.parameters import load_parameters

FARADAY = 96485.33212331001
R = 8.31446261815324
T = 298.15
MAH_CM2 = 36000.0  # C/m^2 per mAh/cm^2
KEY = "alloy.solid_k_nucleation_supersaturation"
STRIP = "Strip at 1 mA/cm2 until 0.3 V"


def _params(dx=0.0, **extra):
    # Newton atol 1e-12: Na is conserved to the Newton tolerance, and the residual scales
    # with i0 (100 mA/cm2 by default); the 1e-10 conservation checks need the tighter one
    values = {"alloy.composition": "NaK80", "numerics.newton_atol": 1e-12, **extra}
    if dx is not None:
        values[KEY] = dx
    return load_parameters(values)


def _cell():
    return Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="20 um",
                mesh_size="1 um")


def _conservation(res):
    """max |Na removed F / A - faradaic charge| / max |faradaic charge|."""
    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area
    return float(np.max(np.abs(removed - res.faradaic_capacity))
                 / np.max(np.abs(res.faradaic_capacity)))


class NodeRecorder:
    """Observer: per row the interface x and flag and, at every alloy node, x, flag and the
    model's own liquid fraction (its UFL expression interpolated at the nodes)."""

    def __init__(self):
        self.x_int, self.n_int, self.x, self.n, self.f_l = [], [], [], [], []
        self._f = None

    def __call__(self, pb, t, result):
        nuc = pb.nucleation
        self.x_int.append(float(pb.interface_mole_fraction()[0]))
        flags = nuc.interface_flags()
        self.n_int.append(float(flags[0]) if flags.size else 0.0)
        if not nuc.active:
            return
        if self._f is None:
            self._f = fem.Function(nuc.space)
            self._expr = fem.Expression(pb.expr["liquid_fraction"],
                                        nuc.space.element.interpolation_points)
        self._f.interpolate(self._expr)
        nodes = nuc.alloy_nodes
        self.x.append(nuc.alloy_mole_fractions())
        self.n.append(nuc.flag.x.array[nodes].copy())
        self.f_l.append(self._f.x.array[nodes].copy())

    def arrays(self):
        return (np.array(self.x_int), np.array(self.n_int), np.array(self.x),
                np.array(self.n), np.array(self.f_l))


def _run(dx, protocol=STRIP, **kw):
    rec = NodeRecorder()
    res = Simulation(_cell(), _params(dx), protocol, observers=[rec], **kw).run()
    return res, rec


def _liquid_branch_ocv(x, p):
    """U of the (metastable) liquid at x: -[RT ln a_Na(x) + Delta G_fus,Na] / F with the
    liquid activity of nakmodel.thermo, also below the liquidus (no pinning)."""
    return -(R * T * np.log(thermo.activity_na(x, T, p))
             + thermo.fusion_gibbs_energy_na(T, p)) / FARADAY


@pytest.fixture(scope="module")
def runs():
    """Strip runs to +0.3 V for dx_nuc = 0 (default), 0.005, 0.01, 0.02, 0.03."""
    return {dx: _run(dx) for dx in (0.0, 0.005, 0.01, 0.02, 0.03)}


@pytest.fixture(scope="module")
def bounds():
    b = thermo.phase_boundaries(T, _params())
    return float(b.liquid_low), float(b.solid_low)


# ------------------------------------------------------------------ 1. default off
def test_default_builds_nothing(runs):
    """The default (dx_nuc = 0) builds no flag field and no new UFL (the phase fields get
    the plain liquidus constant, the Jacobian has no flag coefficient), so the physics
    without a barrier is the one before the feature (checked bit-identical to the code
    before it when it landed); the run equals one with dx_nuc = 0 given explicitly."""
    p = load_parameters({"alloy.composition": "NaK80", "numerics.newton_atol": 1e-12})
    assert p.alloy.solid_k_nucleation_supersaturation == 0.0
    sim = Simulation(_cell(), p, STRIP)
    pb = sim.build()
    assert not pb.nucleation.active and pb.nucleation.flag is None
    assert pb.phases.x_liquidus_k is pb.constants["xlk"]
    names = {c.name for c in pb.forms["J"]._cpp_object.coefficients}  # (dolfinx's form)
    assert "c_phi" in names and "solid_k_nucleated" not in names
    res = sim.run()
    ref, _ = runs[0.0]
    assert np.array_equal(res.voltage, ref.voltage)  # (0.0 given explicitly: the same)


def test_default_precipitates_at_the_liquidus(runs, bounds):
    """Without the barrier the interface is two-phase (f_L < 1) as soon as x < x_liq,K."""
    x_lk, _ = bounds
    res, rec = runs[0.0]
    x_int = np.array(rec.x_int)
    window = (x_int < x_lk - 0.005) & (x_int > x_lk - 0.03)
    assert np.any(window)
    assert np.all(res.liquid_fraction_interface[window] < 0.97)


# ------------------------------------------------------------------ 2. the barrier
def test_no_solid_above_the_nucleation_threshold(runs, bounds):
    """dx_nuc = 0.03: at every accepted state the nodes without a nucleus all lie at
    x >= x_liq,K - dx_nuc and are fully liquid (f_L = 1, to the blend near the threshold);
    the film did pass through the metastable window (where the lever rule has f_L < 0.97)."""
    x_lk, x_sk = bounds
    dx = 0.03
    _, rec = runs[dx]
    _, _, x, n, f_l = rec.arrays()
    free = n < 0.5
    assert np.all(x[free] >= x_lk - dx)
    assert np.all(f_l[free] >= 1.0 - 1e-3)
    w = 2e-3 * (x_lk - dx - x_sk)  # blend half-width at the effective liquidus
    clear = free & (x >= x_lk - dx + w)
    assert np.all(np.abs(f_l[clear] - 1.0) < 1e-12)
    metastable = free & (x < x_lk - 0.005)
    assert np.sum(metastable) > 20
    assert np.all(thermo.liquid_fraction(x[metastable], T, _params()) < 0.97)


def test_interface_nucleates_at_the_step_crossing_the_threshold(runs, bounds):
    """The interface node keeps no nucleus while x >= x_liq,K - dx_nuc and has one at the
    first accepted state below it (the flag is updated at the accept), landing < 0.005
    below the threshold; from then on its liquid fraction is the lever rule of the
    equilibrium liquidus (nakmodel.thermo) to 1e-3, also at every nucleated node."""
    x_lk, _ = bounds
    dx = 0.03
    res, rec = runs[dx]
    x_int, n_int, x, n, f_l = rec.arrays()
    below = np.flatnonzero(x_int < x_lk - dx)
    assert below.size
    first = below[0]
    assert np.all(n_int[:first] == 0.0) and n_int[first] == 1.0
    assert x_int[first] > x_lk - dx - 0.005
    assert np.all(n_int[first:] == 1.0)
    after = res.liquid_fraction_interface[first:]
    assert np.max(np.abs(after - thermo.liquid_fraction(x_int[first:], T, _params()))) < 1e-3
    held = n > 0.5
    assert np.max(np.abs(f_l[held] - thermo.liquid_fraction(x[held], T, _params()))) < 1e-3
    assert np.min(after) < 0.05  # the interface did block


def test_metastable_interface_shows_the_extrapolated_liquid_potential(runs, bounds):
    """The OCV of the interface node without a nucleus below x_liq,K is that of the liquid
    extrapolated (nakmodel.thermo.activity_na, no pinning) to 0.5 mV, which is > 2 mV away
    from the equilibrium (pinned) potential deep in the window."""
    x_lk, _ = bounds
    dx = 0.03
    res, rec = runs[dx]
    x_int, n_int = np.array(rec.x_int), np.array(rec.n_int)
    meta = (n_int == 0.0) & (x_int < x_lk) & (x_int >= x_lk - dx)
    assert np.sum(meta) >= 3
    p = _params()
    liquid = _liquid_branch_ocv(x_int[meta], p)
    assert np.max(np.abs(res.ocv[meta] - liquid)) < 0.5e-3
    assert np.max(np.abs(liquid - thermo.ocv_vs_na(x_int[meta], T, p))) > 2e-3


# ------------------------------------------------------------------ 3. conservation
@pytest.mark.parametrize("dx", [0.0, 0.01, 0.03])
def test_na_is_conserved(runs, dx):
    """Inventory change = faradaic charge / F to 1e-10 (also across the nucleation step,
    whose charge is the one that flowed with the flags it was solved with)."""
    res, _ = runs[dx]
    assert res.termination == "above 300 mV"
    assert _conservation(res) < 1e-10


def test_na_is_conserved_without_contact_nodes():
    """Without the sub-grid constriction (interface.patch_size = 0: no stepped contact nodes
    whose step current would be used) the charge of the nucleation step is the one kept by
    the nucleation module: Na conserved to 1e-10 (1.4e-2 with the current evaluated with the
    new flags)."""
    rec = NodeRecorder()
    sim = Simulation(_cell(), _params(0.03, **{"interface.patch_size": "0 um"}), STRIP,
                     observers=[rec])
    res = sim.run()
    assert not sim.problem.contact_nodes.active
    assert 1.0 in rec.n_int  # it did nucleate
    assert _conservation(res) < 1e-10


# ------------------------------------------------------------------ 4. capacity
def test_delayed_precipitation_adds_capacity_that_vanishes_with_the_barrier(runs, bounds):
    """Capacity to +0.3 V grows with dx_nuc and tends to the equilibrium one linearly as
    dx_nuc -> 0 (gain / dx_nuc constant to 10 %); the gain is the Na of the metastable
    liquid between x_liq,K and x_liq,K - dx_nuc (lever rule of the film) to 20 %."""
    x_lk, _ = bounds
    p = _params()
    caps = {dx: runs[dx][0].final_capacity for dx in runs}
    dxs = sorted(d for d in caps if d > 0)
    gains = np.array([caps[d] - caps[0.0] for d in dxs])
    assert np.all(np.diff([caps[0.0]] + [caps[d] for d in dxs]) > 0)
    slopes = gains / np.array(dxs)
    assert np.max(slopes) / np.min(slopes) < 1.1, slopes
    x0 = p.alloy.composition.x_na
    a = p.alloy
    per_area = FARADAY * 20e-6 / (x0 * a.na_molar_volume + (1 - x0) * a.k_molar_volume)

    def drawn(x_end):  # mol Na per mol alloy removed when the liquid goes x0 -> x_end
        return (x0 - x_end) / (1.0 - x_end)

    for d, gain in zip(dxs, gains, strict=True):
        lever = per_area * (drawn(x_lk - d) - drawn(x_lk))
        assert gain == pytest.approx(lever, rel=0.2), (d, gain / MAH_CM2, lever / MAH_CM2)


# ------------------------------------------------------------------ 5. remelting
def test_remelting_resets_the_flag_and_the_barrier_applies_again(bounds):
    """Strip to +0.3 V (nucleated), plate 600 s at 1 mA/cm2 (the interface melts: x back
    above x_liq,K), strip again: the interface flag is 1 while the plated interface is
    still two-phase, 0 once x >= x_liq,K, and in the second strip the interface is again
    liquid without a nucleus down to x_liq,K - dx_nuc, where it nucleates again."""
    x_lk, _ = bounds
    dx = 0.03
    res, rec = _run(dx, [STRIP, "Plate at 1 mA/cm2 for 600 s", STRIP])
    assert res.step_terminations == ["above 300 mV", "duration", "above 300 mV"]
    x_int, n_int = np.array(rec.x_int), np.array(rec.n_int)
    step = res.step
    assert n_int[step == 0][-1] == 1.0
    plate = np.flatnonzero(step == 1)
    melted = plate[x_int[plate] >= x_lk]
    assert melted.size and x_int[plate[-1]] > x_lk + 0.02
    assert np.all(n_int[plate[plate < melted[0]]] == 1.0)
    assert np.all(n_int[melted] == 0.0)
    again = np.flatnonzero(step == 2)
    meta = again[(x_int[again] < x_lk) & (x_int[again] >= x_lk - dx)]
    assert meta.size >= 3
    assert np.all(n_int[meta] == 0.0)
    assert np.all(res.liquid_fraction_interface[meta] >= 1.0 - 1e-3)
    crossed = again[x_int[again] < x_lk - dx]
    assert crossed.size and n_int[crossed[0]] == 1.0
    assert _conservation(res) < 1e-10


def test_flag_update_rule():
    """The explicit update: nucleation below x_liq,K - dx, kept while x < x_liq,K (also in
    the window), lost at x >= x_liq,K."""
    x = np.array([0.20, 0.14, 0.12, 0.10, 0.14, 0.10, 0.15])
    n = np.array([0, 0, 0, 0, 1, 1, 1])
    assert updated_flags(n, x, 0.147, 0.03).tolist() == [0, 0, 0, 1, 1, 1, 0]


# ------------------------------------------------------------------ 6. bad input
@pytest.mark.parametrize("value", [-0.01, float("nan"), 0.2, "0.01 V"])
def test_bad_supersaturation_is_refused_before_meshing(value):
    with pytest.raises(ParameterError) as info:
        load_parameters({KEY: value})
    text = str(info.value)
    assert KEY in text
    if not isinstance(value, str):
        assert "[0, 0.1]" in text and "dimensionless" in text


@pytest.mark.parametrize("value", [-0.01, float("nan"), 0.2, True, "0.01"])
def test_bad_supersaturation_in_the_material_object(value):
    with pytest.raises(ParameterError) as info:
        AlloyProperties.from_parameters(solid_k_nucleation_supersaturation=value)
    text = str(info.value)
    assert KEY in text and "[-] in [0, 0.1]" in text


def test_supersaturation_reaching_the_solidus_is_refused():
    """At 60 degC the K-side window x_liq,K - x_s,K is < 0.01: dx_nuc = 0.05 would put the
    metastable liquid below the K(ss) solidus; refused when the parameters are loaded
    (before any mesh) with the window in the message, and again by the model for a
    material object built without that check."""
    with pytest.raises(ParameterError) as info:
        load_parameters({KEY: 0.05, "temperature": "60 degC"})
    text = str(info.value)
    assert KEY in text and "[-] in [0, 0.00" in text and "60" in text
    assert load_parameters({KEY: 0.005, "temperature": "60 degC"})  # inside the window
    from nakmodel.model import nucleation

    with pytest.raises(ParameterError, match="solidus"):
        nucleation.check_supersaturation(0.05, 0.1, 0.095, 333.15)


# ------------------------------------------------------------------ 7. restart
def _partial(out, n_steps, protocol):
    sim = Simulation(_cell(), _params(0.03), protocol, output_dir=out, max_steps=n_steps,
                     checkpoint_every=CheckpointControl(steps=n_steps, step_ends=False),
                     step_control=CONTROL)
    with pytest.raises(ConvergenceError, match="maximum number of time steps"):
        sim.run()
    return out / "checkpoint.npz"


CONTROL = StepControl(dt_initial=1.0, dt_max=600.0)


def test_restart_after_nucleation_keeps_the_flags(bounds, tmp_path):
    """A run checkpoint written while the plated interface is nucleated but already above
    the threshold (x in [x_liq,K - dx, x_liq,K), flag 1): the restarted run reproduces the
    uninterrupted one (capacity, voltages); the flags are those of the checkpoint, and a
    restart that recomputed them from the state (flag 0 at the interface) would step to
    another voltage.  A checkpoint without the flags is refused."""
    x_lk, _ = bounds
    dx = 0.03
    protocol = [STRIP, "Plate at 1 mA/cm2 for 600 s"]
    whole, rec = _run(dx, protocol, step_control=CONTROL)
    x_int, n_int = np.array(rec.x_int), np.array(rec.n_int)
    pick = np.flatnonzero((whole.step == 1) & (n_int == 1.0) & (x_int > x_lk - dx))
    assert pick.size
    k = int(pick[len(pick) // 2])  # rows: the initial state, then one per step
    path = _partial(tmp_path, k, protocol)
    sim = Simulation(_cell(), _params(dx), protocol, step_control=CONTROL)
    res = sim.run(restart=path)
    assert len(res) == len(whole)
    assert res.final_capacity == pytest.approx(whole.final_capacity, rel=1e-9)
    assert np.allclose(res.voltage, whole.voltage, rtol=0, atol=1e-9)
    # the flags matter: one step from the checkpoint with and without them
    voltages = []
    for forget in (False, True):
        other = Simulation(_cell(), _params(dx), protocol).build()
        load_checkpoint(other, path)
        assert other.nucleation.interface_flags()[0] == 1.0
        if forget:
            other.nucleation.restore(np.zeros_like(other.nucleation.flag.x.array))
            other.nucleation.accept()  # the flags the state alone would give
            assert other.nucleation.interface_flags()[0] == 0.0
        other.solve_or_raise(CurrentControl(-10.0), 1.0)
        voltages.append(float(other.voltage.value))
    assert abs(voltages[0] - voltages[1]) > 3e-4  # (0.85 mV measured)
    # a checkpoint without the flags is refused
    with np.load(path) as data:
        kept = {name: data[name] for name in data.files
                if name not in ("solid_k_nucleated", "nucleation_coordinates")}
    stripped = tmp_path / "no_flags.npz"
    np.savez(stripped, **kept)
    with pytest.raises(ParameterError, match="nucleation flags"):
        Simulation(_cell(), _params(dx), protocol, step_control=CONTROL).run(restart=stripped)
    assert math.isfinite(voltages[0])
