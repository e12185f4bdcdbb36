"""Sample designs and their analysis: Morris screening, Sobol' indices, forward propagation.

The designs are built in the unit hypercube and mapped to values by each input's
:class:`~nakmodel.sensitivity.ranges.ParameterRange` (uniform in its scale), so the indices
refer to the input distributions the ranges state.  Sampling and analysis use SALib (MIT):

* **Morris** (elementary effects; Morris, Technometrics 33 (1991) 161, with the mu* of
  Campolongo, Cariboni and Saltelli, Environ. Model. Softw. 22 (2007) 1509):
  ``samples`` trajectories of D + 1 points on a ``levels``-level grid; mu* (mean absolute
  elementary effect, per unit fraction of the range) ranks the inputs, sigma says whether
  the effect is non-linear or interacts;
* **Sobol'** (variance-based first-order S1 and total ST indices with the Saltelli (2010)
  and Jansen estimators, Saltelli et al., Comput. Phys. Commun. 181 (2010) 259): a scrambled
  Sobol' sequence of ``samples`` base points (a power of 2), N (D + 2) model runs;
  confidence intervals by bootstrap;
* **uncertainty**: ``samples`` scrambled-Sobol' (quasi-Monte Carlo) points mapped through each
  input's distribution (:meth:`ParameterRange.quantile`); percentiles of each output.

Failure isolation: a design is a sequence of *blocks* (a Morris trajectory, a Sobol' base
point with its D + 1 radial partners, one uncertainty point).  An analysis uses only the
blocks whose runs all succeeded with a finite output and reports how many that was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ranges import ParameterRange

METHODS = ("morris", "sobol", "uncertainty")
PERCENTILES = (5.0, 50.0, 95.0)


@dataclass(frozen=True)
class Design:
    """The model inputs of a sensitivity or uncertainty study.

    ``unit`` holds each run's position in the unit hypercube (rows = runs, columns = inputs,
    in the order of ``ranges``); ``values`` the SI values.  Runs come in consecutive
    blocks of ``block_size`` (see the module docstring).
    """

    method: str
    ranges: tuple[ParameterRange, ...]
    unit: np.ndarray
    values: np.ndarray
    block_size: int
    levels: int = 4

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.ranges)

    @property
    def n_blocks(self) -> int:
        return self.unit.shape[0] // self.block_size

    def problem(self) -> dict:
        """The SALib problem in unit coordinates."""
        return {"num_vars": len(self.ranges), "names": list(self.keys),
                "bounds": [[0.0, 1.0]] * len(self.ranges)}


def make_design(method: str, ranges, samples: int, *, seed: int = 0, levels: int = 4) -> Design:
    """The runs of ``method`` (one of :data:`METHODS`) over ``ranges`` (deterministic for a
    ``seed``: a study rerun finds the same runs and resumes)."""
    ranges = tuple(ranges)
    d = len(ranges)
    if method == "morris":
        from SALib.sample import morris

        unit = morris.sample({"num_vars": d, "names": [r.key for r in ranges],
                              "bounds": [[0.0, 1.0]] * d}, samples, num_levels=levels,
                             seed=seed)
        block = d + 1
    elif method == "sobol":
        from SALib.sample import sobol

        unit = sobol.sample({"num_vars": d, "names": [r.key for r in ranges],
                             "bounds": [[0.0, 1.0]] * d}, samples, calc_second_order=False,
                            seed=seed)
        block = d + 2
    elif method == "uncertainty":
        from scipy.stats import qmc

        unit = qmc.Sobol(d, scramble=True, seed=seed).random(samples)
        block = 1
    else:
        raise ValueError(f"unknown method {method!r}")
    unit = np.asarray(unit, dtype=float)
    if method == "uncertainty":
        values = np.column_stack([r.quantile(np.clip(unit[:, j], 1e-12, 1 - 1e-12))
                                  for j, r in enumerate(ranges)])
    else:
        values = np.column_stack([r.value_at(unit[:, j]) for j, r in enumerate(ranges)])
    return Design(method, ranges, unit, values, block, levels)


def usable_blocks(design: Design, y) -> np.ndarray:
    """Boolean mask of the blocks whose every run has a finite output."""
    y = np.asarray(y, dtype=float).reshape(design.n_blocks, design.block_size)
    return np.all(np.isfinite(y), axis=1)


def analyse(design: Design, y, *, conf_level: float = 0.95, resamples: int = 1000,
            seed: int = 0) -> dict:
    """Indices of one output ``y`` (one value per run; NaN for a failed run).

    Returns ``{"blocks_used": n, "blocks": N, "rows": [...]}``; each row is a dict for one
    input: ``S1, S1_conf, ST, ST_conf`` (Sobol'), ``mu_star, mu_star_conf, sigma, mu``
    (Morris, per unit fraction of the range), or for ``uncertainty`` a single row with the
    percentiles ``p5, p50, p95``, ``mean`` and ``std``.  With fewer than 2 usable blocks
    the values are NaN.
    """
    y = np.asarray(y, dtype=float)
    ok = usable_blocks(design, y)
    used = int(ok.sum())
    keep = np.repeat(ok, design.block_size)
    yk = y[keep]
    nan = float("nan")
    if design.method == "uncertainty":
        row = dict(zip([f"p{p:g}" for p in PERCENTILES],
                       (np.percentile(yk, PERCENTILES) if used else [nan] * 3), strict=True))
        row.update(mean=float(np.mean(yk)) if used else nan,
                   std=float(np.std(yk, ddof=1)) if used > 1 else nan)
        return {"blocks_used": used, "blocks": design.n_blocks, "rows": [row]}
    names = ("S1", "S1_conf", "ST", "ST_conf") if design.method == "sobol" else \
        ("mu_star", "mu_star_conf", "sigma", "mu")
    if used < 2 or np.ptp(yk) == 0.0:
        # a constant output has no variance to apportion: every index is 0 (Sobol') / 0
        value = 0.0 if used >= 2 else nan
        rows = [dict(parameter=k, **{n: value for n in names}) for k in design.keys]
        return {"blocks_used": used, "blocks": design.n_blocks, "rows": rows}
    if design.method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(design.problem(), yk, calc_second_order=False,
                            num_resamples=resamples, conf_level=conf_level, seed=seed)
    else:
        from SALib.analyze import morris

        res = morris.analyze(design.problem(), design.unit[keep], yk,
                             num_resamples=resamples, conf_level=conf_level,
                             num_levels=design.levels, seed=seed)
    rows = [dict(parameter=k, **{n: float(res[n][j]) for n in names})
            for j, k in enumerate(design.keys)]
    return {"blocks_used": used, "blocks": design.n_blocks, "rows": rows}
