"""Brent's bracketing root finder in plain Python (no scipy import on the fast CLI paths).

:func:`brentq` is Brent's method (R. P. Brent, *Algorithms for Minimization without
Derivatives*, Prentice-Hall 1973, ch. 4): inverse quadratic interpolation or secant steps,
bisection whenever they would not shrink the bracket fast enough, in the formulation of
SciPy's ``brentq`` (same arguments and stopping rule |x - x*| <= xtol + rtol |x*|), so that
``nakmodel.thermo`` gets the same roots without importing ``scipy.optimize`` (about a
second of ``nakmodel params check``).  ``tests/test_units_provenance.py`` checks it against
``scipy.optimize.brentq``.
"""

from __future__ import annotations

import math

_RTOL_MIN = 4 * 2.220446049250313e-16


def brentq(f, a: float, b: float, xtol: float = 2e-12, rtol: float = _RTOL_MIN,
           maxiter: int = 100) -> float:
    """A root of ``f`` in [a, b] where f(a) and f(b) differ in sign (ValueError if not;
    RuntimeError after ``maxiter`` iterations).

    Converged when the bracket is below xtol + rtol |x|; rtol ≥ 4 ε (machine epsilon), so
    every step moves x even when ``xtol`` is below the spacing of floats near the root.  A
    root much smaller than the bracket with a tiny ``xtol`` (1e-200 in [1e-300, 0.5] with
    xtol = 1e-300) needs hundreds of bisections: raise ``maxiter``, as with SciPy."""
    if not xtol > 0:
        raise ValueError(f"xtol too small ({xtol:g} <= 0)")
    if rtol < _RTOL_MIN:
        raise ValueError(f"rtol too small ({rtol:g} < {_RTOL_MIN:g})")
    if maxiter < 0:
        raise ValueError(f"maxiter should be >= 0 ({maxiter})")
    xpre, xcur = float(a), float(b)
    fpre, fcur = float(f(xpre)), float(f(xcur))
    if fpre * fcur > 0:
        raise ValueError("f(a) and f(b) must have different signs")
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and (math.copysign(1, fpre) != math.copysign(1, fcur)):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # inverse quadratic interpolation
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry  # accept the interpolation
            else:
                spre = scur = sbis  # bisect
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = float(f(xcur))
    raise RuntimeError(f"brentq: no convergence in {maxiter} iterations")
