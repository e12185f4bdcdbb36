"""The exactly stepped histories under MPI: a short axisymmetric run with grain boundaries
(brick layer, :mod:`nakmodel.model.grain_boundary_stepping`) and a sub-grid constriction
(contact nodes, :mod:`nakmodel.model.contact_stepping`) on ``mpiexec -n 2`` reproduces the
serial run to 1e-8 in every result column and in both history fields."""

from __future__ import annotations

import textwrap
import time

import numpy as np

SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np
    from mpi4py import MPI
    from nakmodel.geometry import Cell
    from nakmodel.model.simulation import Simulation
    from nakmodel.model.stepping import StepControl
    from nakmodel.parameters import load_parameters
    from nakmodel.protocol import Protocol

    comm = MPI.COMM_WORLD
    # brick layer with tau_gb = eps_gb/sigma_gb ~ 13 ms; contact 0.3 with 100 um patches:
    # both histories change during the 40 ms run
    p = load_parameters({"alloy.composition": "NaK80", "interface.contact_fraction": 0.3,
                         "nasicon.grain_boundary_permittivity": "1e-4 F/cm"})
    cell = Cell(geometry="axisymmetric", pellet_radius=0.3e-3, alloy_thickness=20e-6)
    sim = Simulation(cell.build_mesh(comm), p, Protocol.parse("Strip at 1 mA/cm2 for 40 ms"),
                     step_control=StepControl(dt_initial=2e-4, dt_max=5e-3))
    res = sim.run()
    pb = sim.problem

    def gathered(space, values, width):
        """(coordinates, values) of the owned DOFs of all ranks, sorted by coordinate."""
        n = space.dofmap.index_map.size_local
        rows = np.hstack([space.tabulate_dof_coordinates()[:n],
                          values.reshape(-1, width)[:n]])
        rows = np.concatenate(comm.allgather(rows))
        return rows[np.lexsort(rows[:, :3].T[::-1])][:, 3:]

    gb = gathered(pb.ceramic.space, pb.ceramic.history.x.array, 2)
    contact = gathered(pb.contact_nodes.space, pb.contact_nodes.history.x.array, 1)
    if comm.rank == 0:
        json.dump({"rows": {k: list(map(float, v)) for k, v in res.rows.items()},
                   "termination": res.termination, "ranks": comm.size,
                   "grain_boundary": gb.ravel().tolist(),
                   "contact": contact.ravel().tolist()}, open(sys.argv[1], "w"))
''')


def test_two_ranks_step_both_histories_like_serial(run_script):
    t0 = time.monotonic()
    serial = run_script(SCRIPT, 1)
    parallel = run_script(SCRIPT, 2)
    seconds = time.monotonic() - t0
    assert parallel["ranks"] == 2 and serial["termination"] == parallel["termination"]
    rows_s, rows_p = serial["rows"], parallel["rows"]
    assert set(rows_s) == set(rows_p) and len(rows_p["time"]) == len(rows_s["time"]) > 10
    for name in rows_s:
        a, b = np.array(rows_p[name]), np.array(rows_s[name])
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-8 * max(np.abs(b).max(), 1e-300),
                                   err_msg=name)
    for name in ("grain_boundary", "contact"):
        a, b = np.array(parallel[name]), np.array(serial[name])
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-8 * np.abs(b).max(), err_msg=name)
    # the run is a transient of both histories: V rises by the grain-boundary charging
    voltage = np.array(rows_s["voltage"])
    assert voltage[-1] - voltage[1] > 0.5 * (voltage[1] - voltage[0]) > 0
    assert np.ptp(serial["contact"]) > 0 and np.abs(serial["grain_boundary"]).max() > 0
    assert seconds < 60.0, seconds
