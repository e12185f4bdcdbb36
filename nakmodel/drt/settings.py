"""The one set of DRT defaults shared by every entry point.

:func:`nakmodel.drt.compute`, ``nakmodel drt``, ``nakmodel compare``, the DRT series of
operando studies and the study plots all start from :data:`DEFAULT_SETTINGS`, so the same
spectrum gives the same λ and the same peaks whichever way it is inverted.  Change one
setting with ``DEFAULT_SETTINGS.replace(lam=1e-3)`` or by keyword to ``compute``.

Why these defaults (measured on the 6 peer and 28 corpus spectra, see
``benchmarks/report_drt_lambda.py`` and ``benchmarks/RESULTS.md``):

* ``lam="auto"``: λ by the real/imaginary cross-validation of Saccoccio et al.,
  Electrochim. Acta 147 (2014) 470 (:mod:`.regularization`), with the other criteria as
  fall-backs in :data:`AUTO_ORDER` when it ends at a bound of the search range.  The GCV
  family (Wahba 1985; Kim & Gu 2004) minimises a prediction error under white noise; the
  errors of a measured spectrum are mostly systematic and correlated, and on most real
  spectra GCV keeps decreasing down to any lower bound (an under-regularised, ringing DRT).
  Measured trade-off (2026-12-03): with robust GCV first, the synthetic cases of
  ``validation/cases/drt_lambda_selection.py`` (white noise) are solved best (two ZARCs
  resolved in 6/6 draws, L2 error 0.80x of re-im's), but on the measured spectra rGCV
  takes λ 1e-7 to 1e-11 and rings: 11 peaks on ``PEIS_SSB.mpr`` (2 with re-im), 14 to 16
  on each ``Sample2_PEIS_AtRest`` spectrum.  The default is for measured data, so re-im
  stays first; on white-noise synthetic spectra give ``lam="rgcv"``.
* ``lambda_range=(1e-12, 10)``: wide enough that an interior optimum is not cut off
  (pyDRTtools searches [1e-7, 1]); an end is still reported by
  :class:`~.regularization.LambdaBoundWarning`.
* ``capacitance="auto"``: a series capacitance 1/(iωC) (blocking electrodes, the alloy's
  inventory capacitor in galvanostatic spectra) is fitted when the lowest-frequency points
  are capacitive (:func:`needs_series_capacitance`); otherwise a capacitor would only take
  the tail of an arc that continues beyond the window.
* ``extend_decades=(0, 1)``: the τ grid is extended by one decade beyond the longest
  measured time constant only.  Below the shortest one the data cannot tell a relaxation
  from R∞, and an extended grid there turns the high-frequency intercept into a "peak"
  at 1e-8 s; R∞ and L are fitted instead.
* ``weights="modulus"``: rows weighted by 1/|Z| (the noise of an impedance analyser is
  proportional to |Z|; e.g. Orazem & Tribollet, Electrochemical Impedance Spectroscopy,
  2nd ed., Wiley 2017, ch. 21), so a spectrum spanning decades of |Z| is not fitted only
  at its low-frequency end.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..errors import InputProblem, ParameterError

#: λ criteria tried in this order by ``lam="auto"``: the first whose choice is not at an
#: end of the search range wins.
AUTO_ORDER = ("re-im", "lcurve", "mgcv")
#: relative score tolerance of the plateau rule of ``lam="auto"``
#: (:func:`.regularization.plateau_edge`)
AUTO_PLATEAU = 0.05
CAPACITANCE_CHOICES = (True, False, "auto")


@dataclass(frozen=True)
class DRTSettings:
    """Settings of one DRT inversion (see the module docstring for the defaults).

    Parameters
    ----------
    lam: λ > 0, or "auto", or one of "gcv", "mgcv", "rgcv", "lcurve", "re-im".
    basis: RBF or piecewise-linear basis name (:data:`.basis.BASIS_NAMES`).
    fwhm_coefficient: RBF width: FWHM = mean Δ ln τ / coefficient.
    derivative_order: order of the penalised derivative (1 or 2).
    data: "complex", "real" or "imag".
    inductance: fit a series inductance L ≥ 0.
    capacitance: fit a series capacitance (True/False) or decide from the data ("auto").
    extend_decades: decades the collocation grid is extended beyond the measured
        τ = 1/(2πf) range, (short-τ side, long-τ side); one number extends both.
    weights: None (unweighted, as pyDRTtools) or "modulus" (1/|Z|, normalised to mean 1).
    lambda_range: (λ_min, λ_max) of the automatic search.
    peak_prominence: peaks lower than this fraction of max γ are not reported.
    uncertainty: None, "bayesian", "hmc" or "bootstrap" (a band, does not change γ).
    level, n_samples, seed: of the band.
    """

    lam: float | str = "auto"
    basis: str = "gaussian"
    fwhm_coefficient: float = 0.5
    derivative_order: int = 1
    data: str = "complex"
    inductance: bool = True
    capacitance: bool | str = "auto"
    extend_decades: float | tuple[float, float] = (0.0, 1.0)
    weights: str | None = "modulus"
    lambda_range: tuple[float, float] = (1e-12, 10.0)
    peak_prominence: float = 0.02
    uncertainty: str | None = None
    level: float = 0.95
    n_samples: int = 1000
    seed: int = 0

    def replace(self, **changes) -> DRTSettings:
        """A copy with ``changes`` (unknown names are refused, naming them)."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ParameterError([InputProblem(k, "is not a DRT setting", changes[k],
                                               "one of " + ", ".join(sorted(names)))
                                  for k in unknown])
        return dataclasses.replace(self, **changes)

    @property
    def extension(self) -> tuple[float, float]:
        """(short-τ, long-τ) extension of the collocation grid in decades."""
        e = self.extend_decades
        if isinstance(e, (tuple, list)):
            return float(e[0]), float(e[1])
        return float(e), float(e)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


#: The defaults of every DRT entry point (API, CLI, compare, studies).
DEFAULT_SETTINGS = DRTSettings()


def resolve(settings: DRTSettings | None = None, **options) -> DRTSettings:
    """``settings`` (default :data:`DEFAULT_SETTINGS`) with the keyword ``options``
    applied (options equal to None keep the setting, except ``weights`` and
    ``uncertainty`` whose None is a value)."""
    base = DEFAULT_SETTINGS if settings is None else settings
    if not isinstance(base, DRTSettings):
        raise ParameterError(InputProblem("settings", "is not a DRTSettings", type(base).__name__,
                                          "a nakmodel.drt.DRTSettings"))
    keep_none = ("weights", "uncertainty")
    changes = {k: v for k, v in options.items() if v is not None or k in keep_none}
    return base.replace(**changes) if changes else base


def needs_series_capacitance(frequency, Z, points: int = 4) -> bool:
    """True when the spectrum ends capacitively at low frequency: over the ``points``
    lowest frequencies −Z'' rises at least as fast as f^(−1/2) towards low f (a semi-
    infinite Warburg tail, slope −1/2, is the slowest divergence that is not an arc
    closing on the real axis) and the last phase angle is below −45°.

    An arc that closes inside the window has d ln(−Z'')/d ln f → +1 at its low-frequency
    end; a series capacitor gives −1."""
    f = np.asarray(frequency, dtype=float)
    z = np.asarray(Z, dtype=complex)
    order = np.argsort(f)
    f, z = f[order][:points], z[order][:points]
    if f.size < 3 or np.any(-z.imag <= 0):
        return False
    slope = np.polyfit(np.log(f), np.log(-z.imag), 1)[0]
    phase = np.degrees(np.angle(z[0]))
    return bool(slope <= -0.5 and phase < -45.0)
