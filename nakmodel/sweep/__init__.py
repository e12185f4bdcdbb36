"""Parameter sweeps: resumable, parallel runs of a study kind over a grid of inputs.

* :mod:`.spec` — the ``[sweep]`` table of a study TOML → validated points with stable ids;
* :mod:`.store` — the on-disk store ``OUT/points/<id>/`` and the derived ``OUT/results.csv``;
* :mod:`.executors` — where points run: a local process pool, MPI ranks or a Dask cluster;
* :mod:`.engine` — :func:`run_sweep`, which ties them together (skips finished points);
* :mod:`.plot` — :func:`plot_sweep` (an output against a swept key, one line per group).

Example::

    from nakmodel.sweep import LocalExecutor, run_sweep
    result = run_sweep("studies/thermo_sweep.toml", "out/thermo_sweep",
                       executor=LocalExecutor(workers=2))
    result.rows[0]["strippable_mAh_cm2"]; result.to_csv("table.csv")

A study kind is sweepable iff its module defines ``OUTPUTS`` (a tuple of output
names) and ``run_point(study, point_dir) -> dict`` (see :mod:`nakmodel.study`).
"""

from __future__ import annotations

from .engine import SweepResult, run_sweep
from .executors import DaskExecutor, LocalExecutor, MPIExecutor, SerialExecutor
from .plot import plot_sweep
from .spec import Point, SweepSpec, load_sweep
from .store import PointStore

__all__ = ["DaskExecutor", "LocalExecutor", "MPIExecutor", "Point", "PointStore",
           "SerialExecutor", "SweepResult", "SweepSpec", "load_sweep", "plot_sweep", "run_sweep"]
