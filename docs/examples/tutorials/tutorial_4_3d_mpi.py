"""
A 3D cell under MPI
===================

Every nakmodel run is MPI-parallel as it is: the mesh is built by gmsh on rank 0 and
distributed by dolfinx, PETSc assembles and solves in parallel (MUMPS for the direct
preset; GMRES + fieldsplit/GAMG, the default in 3D), and rank 0 collects the
:class:`~nakmodel.Result`. Nothing in a script changes, except that it is started by
``mpiexec``::

    mpiexec -n 4 python my_3d_run.py
    mpiexec -n 4 nakmodel run my_3d_study.toml --out out/3d

A study file for the command line sets ``geometry = "3d"`` in its ``[simulation]`` table
(with ``contact = { kind = "spots", radius = "50 um", count = 5 }`` for discrete contact
spots; see :doc:`../../guide/studies`). The serial and the parallel run agree to round-off
(the README quotes 1e-8; this example checks it).

Here a deliberately tiny 3D cell — a 0.5 mm wide pellet 0.15 mm thick with 20 µm of NaK65
touching the ceramic through three spots of 60 µm radius, about 20 000 tetrahedra — is
stripped at 2 mA/cm² for 3 minutes, once on one process and once on two (``mpiexec -n 2``).
Real 3D cells need finer meshes and more ranks: ``benchmarks/bench_model_3d.py`` prints the
cost per Newton iteration from 24k to 195k unknowns.
"""

# %%
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

workdir = Path(tempfile.mkdtemp())

# %%
# The script
# ----------
# The same file runs serially (``python run3d.py``) and in parallel
# (``mpiexec -n 2 python run3d.py``); only rank 0 writes.
script = workdir / "run3d.py"
script.write_text(textwrap.dedent('''
    import json, sys
    from mpi4py import MPI
    import nakmodel

    p = nakmodel.load_parameters({"alloy.composition": "NaK65",
                                  "numerics.dt_initial": "10 s", "numerics.dt_max": "60 s"})
    cell = nakmodel.Cell(geometry="3d", pellet_radius="0.25 mm", pellet_thickness="0.15 mm",
                         alloy_thickness="20 um",
                         contact=nakmodel.ContactSpots(radius="60 um", count=3),
                         mesh_size="20 um", bulk_mesh_size="120 um", edge_mesh_size="20 um")
    mesh = cell.build_mesh(MPI.COMM_WORLD)
    cells_here = mesh.mesh.topology.index_map(3).size_local
    result = nakmodel.Simulation(mesh, p, "Strip at 2 mA/cm2 for 3 min").run()
    counts = MPI.COMM_WORLD.gather(cells_here)
    if MPI.COMM_WORLD.rank == 0:
        json.dump({"time": result.time.tolist(), "voltage": result.voltage.tolist(),
                   "x_min": result.x_interface_min.tolist(), "cells_per_rank": counts,
                   "termination": result.termination}, open(sys.argv[1], "w"))
'''))

# %%
# Run it on one and on two processes
# ----------------------------------
mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which(
    "mpiexec")


def run(nproc):
    out = workdir / f"ranks{nproc}.json"
    cmd = [sys.executable, str(script), str(out)]
    if nproc > 1:
        cmd = [mpiexec, "-n", str(nproc)] + cmd
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900)
    data = json.loads(out.read_text())
    print(f"{nproc} rank(s): {len(data['time'])} rows, cells per rank "
          f"{data['cells_per_rank']}, {time.perf_counter() - start:.0f} s wall, "
          f"ended: {data['termination']}")
    return data


runs = {1: run(1)}
if mpiexec is not None:
    runs[2] = run(2)
else:
    print("mpiexec not found: the parallel run is skipped")

# %%
# Same answer
# -----------
if 2 in runs:
    v1, v2 = (np.array(runs[n]["voltage"][1:]) for n in (1, 2))
    print(f"largest relative difference of the voltage, 2 ranks vs 1: "
          f"{np.max(np.abs(v2 - v1) / np.abs(v1)):.1e}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
for n, data in runs.items():
    style = {"marker": "o", "ls": "-"} if n == 1 else {"marker": "x", "ls": "--"}
    ax1.plot(np.array(data["time"]) / 60, np.array(data["voltage"]) * 1e3,
             label=f"{n} rank(s)", **style)
    ax2.plot(np.array(data["time"]) / 60, data["x_min"], label=f"{n} rank(s)", **style)
ax1.set(xlabel="time / min", ylabel="cell voltage / mV", title="stripping at 2 mA/cm²")
ax2.set(xlabel="time / min", ylabel="min x_Na at the interface",
        title="depletion under the spots")
ax1.legend()
fig.tight_layout()
plt.show()

# %%
# The voltage jumps at the first step (the ohmic drop of the ceramic, concentrated by the
# three spots that carry the whole current, and the interface overpotential), then creeps up
# as the alloy above the spots is depleted of Na (right panel); the parallel run reproduces
# the serial one. For field
# output, give the :class:`~nakmodel.Simulation` an ``output_dir`` and
# ``field_output_times``: it writes VTX (``.bp``) files that ParaView reads, from every
# rank in parallel.
