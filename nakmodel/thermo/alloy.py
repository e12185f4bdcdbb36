"""Alloy parameters of the thermodynamics: the fallback set, literature points, input checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import InputProblem, ParameterError
from ..parameter_defaults import default_alloy

# --- physical constants (CODATA 2018) and molar masses -----------------------------------
MOLAR_MASS_NA = 22.98977e-3  # kg/mol
MOLAR_MASS_K = 39.0983e-3  # kg/mol
X_NA_NA2K = 2.0 / 3.0  # mole fraction of Na in the compound Na2K


def _from_file(name: str):
    """A field whose default is ``alloy.<name>`` of ``data/default_parameters.toml`` (SI,
    converted as :func:`~nakmodel.parameters.load_parameters` does)."""
    return field(default_factory=lambda: float(getattr(default_alloy(), name)))


@dataclass(frozen=True)
class DefaultAlloy:
    """Fallback alloy parameters: every default is the value of ``default_parameters.toml``
    (read through :func:`nakmodel.parameter_defaults.default_alloy`; the sources are there).

    Field names are those of ``Parameters.alloy``; values are SI.
    """

    redlich_kister_L0: float = _from_file("redlich_kister_L0")  # J/mol
    redlich_kister_L1: float = _from_file("redlich_kister_L1")  # J/mol
    redlich_kister_L2: float = _from_file("redlich_kister_L2")  # J/mol
    na_tracer_diffusivity_prefactor: float = _from_file("na_tracer_diffusivity_prefactor")
    na_tracer_activation_energy: float = _from_file("na_tracer_activation_energy")  # J/mol
    k_tracer_diffusivity_prefactor: float = _from_file("k_tracer_diffusivity_prefactor")
    k_tracer_activation_energy: float = _from_file("k_tracer_activation_energy")  # J/mol
    interdiffusivity_factor: float = _from_file("interdiffusivity_factor")  # [-]
    na_molar_volume: float = _from_file("na_molar_volume")  # m^3/mol
    k_molar_volume: float = _from_file("k_molar_volume")  # m^3/mol
    na_melting_point: float = _from_file("na_melting_point")  # K
    na_enthalpy_of_fusion: float = _from_file("na_enthalpy_of_fusion")  # J/mol
    k_melting_point: float = _from_file("k_melting_point")  # K
    k_enthalpy_of_fusion: float = _from_file("k_enthalpy_of_fusion")  # J/mol
    na2k_peritectic_temperature: float = _from_file("na2k_peritectic_temperature")  # K
    k_solidus_limiting_slope: float = _from_file("k_solidus_limiting_slope")  # 1/K
    na_solidus_limiting_slope: float = _from_file("na_solidus_limiting_slope")  # 1/K


# --- literature reference points (for validation and plots) ------------------------------
XUE_2018 = "Xue et al., JACS 140 (2018) 3292"
EUTECTIC_SOURCE = "standard NaK data (eutectic -12.6 degC, 77-78 wt% K)"
NA2K_SOURCE = "Bale, Bull. Alloy Phase Diagr. 3 (1982); Ott et al., Trans. Faraday Soc. 65 (1969)"
MELTING_SOURCE = "standard data (CRC)"

LITERATURE_POINTS = {
    "liquid_window_25C": {"T": 298.15, "x_na": (0.147, 0.703), "source": XUE_2018},
    "eutectic": {"T": 260.55, "x_na": (0.32, 0.34), "source": EUTECTIC_SOURCE},
    "na2k_peritectic": {"T": 280.15, "x_na": X_NA_NA2K, "source": NA2K_SOURCE},
    "na_melting": {"T": 370.85, "x_na": 1.0, "source": MELTING_SOURCE},
    "k_melting": {"T": 336.65, "x_na": 0.0, "source": MELTING_SOURCE},
}


# --- parameter handling ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _default_alloy():
    """The alloy section of the default parameter set (equal to ``load_parameters().alloy``)."""
    from ..parameter_defaults import default_alloy

    return default_alloy()


def alloy_parameters(params=None):
    """The alloy section to use: ``params.alloy``, ``params`` itself, or the defaults."""
    if params is None:
        return _default_alloy()
    if hasattr(params, "alloy"):
        return params.alloy
    if hasattr(params, "redlich_kister_L0"):
        return params
    raise ParameterError(
        InputProblem("params", "not a Parameters object or its alloy section",
                     type(params).__name__,
                     "nakmodel.Parameters, Parameters.alloy or None")
    )


def _as_x(x_na, key: str = "x_na") -> np.ndarray:
    try:
        x = np.asarray(x_na, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            InputProblem(key, "not a number", x_na, "mole fraction of Na in [0, 1] (-)")
        ) from None
    if np.any(~np.isfinite(x)) or np.any(x < 0.0) or np.any(x > 1.0):
        bad = x[~(np.isfinite(x) & (x >= 0.0) & (x <= 1.0))]
        raise ParameterError(
            InputProblem(key, "mole fraction out of range", bad.ravel()[0].item(),
                         "mole fraction of Na in [0, 1] (-), finite")
        )
    return x


def _as_T(T, key: str = "T") -> np.ndarray:
    if isinstance(T, str):
        from ..units import to_si

        T = to_si(T, "K", key=key)
    try:
        t = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(InputProblem(key, "not a number", T,
                                          "temperature in K, > 0")) from None
    if np.any(~np.isfinite(t)) or np.any(t <= 0.0):
        bad = t[~(np.isfinite(t) & (t > 0.0))]
        raise ParameterError(
            InputProblem(key, "temperature must be finite and positive", bad.ravel()[0].item(),
                         "temperature in K, > 0 (0 < T)")
        )
    return t


def _out(a):
    a = np.asarray(a, dtype=float)
    return a.item() if a.ndim == 0 else a


def _alloy_key(a):
    """A hashable version of the alloy parameters for caching."""
    try:
        hash(a)
        return a
    except TypeError:
        return DefaultAlloy(**{f: getattr(a, f, 0.0) for f in DefaultAlloy.__dataclass_fields__})
