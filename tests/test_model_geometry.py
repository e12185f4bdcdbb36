"""1D, axisymmetric and 3D models of the same uniform-contact cell give the same voltage curve."""

from __future__ import annotations

import numpy as np
import pytest

from nakmodel.geometry import Cell
from nakmodel.model.meshes import box_cell
from nakmodel.model.simulation import Simulation
from nakmodel.model.stepping import StepControl
from nakmodel.parameters import load_parameters
from nakmodel.protocol import Protocol

ALLOY = 50e-6


@pytest.fixture(scope="module")
def reference():
    p = load_parameters()
    protocol = Protocol.parse("Strip at 1 mA/cm2 for 10 min")
    control = StepControl(dt_initial=1.0, dt_max=60.0)
    res = Simulation(Cell(geometry="1d", alloy_thickness=ALLOY), p, protocol,
                     step_control=control).run()
    return p, protocol, control, res


def _max_relative_difference(res, ref):
    t = np.linspace(30.0, 600.0, 20)
    v = np.interp(t, res.time, res.voltage)
    v_ref = np.interp(t, ref.time, ref.voltage)
    return float(np.max(np.abs(v / v_ref - 1.0)))


def test_axisymmetric_uniform_contact_matches_1d(reference):
    p, protocol, control, ref = reference
    res = Simulation(Cell(geometry="axisymmetric", alloy_thickness=ALLOY), p, protocol,
                     step_control=control).run()
    assert _max_relative_difference(res, ref) < 0.005
    # the components agree too (ohmic = i L / sigma for a uniform cell)
    assert res.ohmic[-1] == pytest.approx(10.0 * p.cell.pellet_thickness
                                          / p.nasicon.conductivity, rel=1e-6)


def test_3d_uniform_contact_matches_1d(reference):
    p, protocol, control, ref = reference
    cm = box_cell(0.3e-3, p.cell.pellet_thickness, ALLOY, n_lateral=3, n_nasicon=6, n_alloy=5)
    res = Simulation(cm, p, protocol, step_control=control).run()
    assert _max_relative_difference(res, ref) < 0.005


@pytest.mark.slow
def test_3d_cylinder_matches_1d(reference):
    """Meshed 3D pellet (gmsh); the counter-electrode disc must be resolved well enough that
    its polygonal area is within 0.5 % of pi b^2."""
    p, protocol, control, ref = reference
    cell = Cell(geometry="3d", alloy_thickness=ALLOY, pellet_radius=0.5e-3, mesh_size=25e-6,
                bulk_mesh_size=60e-6)
    cm = cell.build_mesh()
    assert cm.area("counter_electrode") == pytest.approx(np.pi * 0.5e-3**2, rel=0.005)
    res = Simulation(cm, p, protocol, step_control=control).run()
    assert _max_relative_difference(res, ref) < 0.005
