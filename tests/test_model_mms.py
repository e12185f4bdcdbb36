"""Method of manufactured solutions for the coupled FE model: observed convergence orders.

P1 elements: L2 error order ~2, H1 (semi-norm) order ~1, fitted over >= 3 meshes, for the
nonlinear diffusion alone and for the galvanostatic Butler-Volmer coupling of the two
domains, in 1D, axisymmetric and 3D (see :mod:`nakmodel.model.verification`).
"""

from __future__ import annotations

import pytest

from nakmodel.model.verification import convergence_study, observed_order


def _check_orders(hs, errs, coupled):
    orders = {k: observed_order(hs, v) for k, v in errs.items() if k != "V"}
    for key in ("c_L2", "phi_L2"):
        assert 1.7 < orders[key] < 2.3, orders
    for key in ("c_H1", "phi_H1"):
        assert 0.85 < orders[key] < 1.2, orders
    if coupled:  # the cell voltage (global unknown) converges at least like the L2 error
        assert observed_order(hs, errs["V"]) > 1.7, errs["V"]
    return orders


@pytest.mark.parametrize("geometry, coupled", [("1d", False), ("1d", True),
                                               ("axisymmetric", True), ("3d", True)])
def test_mms_observed_orders(geometry, coupled):
    hs, errs = convergence_study(geometry, coupled)
    _check_orders(hs, errs, coupled)
