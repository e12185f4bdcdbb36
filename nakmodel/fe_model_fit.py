"""Fit the FE model's parameters to a measured (or computed) impedance spectrum (by the CNLS
fit of :mod:`nakmodel.cnls_fit`).

``fit_model(measured, cell, parameters, fit=(...))`` adjusts named model parameters
(dotted keys of :class:`~nakmodel.parameters.Parameters`) so that the model impedance
(:func:`nakmodel.impedance.impedance`, the exact small-signal linearisation of the FE model)
matches the measured spectrum at the measured frequencies, by complex non-linear least
squares (:func:`nakmodel.cnls_fit.fit`: modulus weighting, Boukamp, J. Electrochem. Soc. 142
(1995) 1885; linearised covariance s² (JᵀJ)⁻¹).

What is compared is the **area-specific** impedance Z·A [Ω m²]: the measured Z times the
measured electrode area (``area``, else ``measured.area``; a spectrum already in Ω m²,
``meta["unit"] == "ohm m^2"``, is taken as is; without any area the model cell's nominal
area is assumed and the result says so) against the model's Z times its nominal WE area.

Parameterisation.  With ``log=True`` every parameter whose allowed range is positive is
fitted as θ = ln p (scale-free steps, positivity for free); the 95 % interval
exp(θ ± t·SE_θ) is then asymmetric in p, and the reported standard error is the delta-method
value SE_p = p·SE_θ.  Other parameters (e.g. Redlich–Kister coefficients) are fitted linearly.

Calibration (measured, 1D NaK50 cell, 0.5 % noise, 20 noise realisations): the reported
standard errors of ln i0 and ln σ match the scatter of the estimates (ratio 0.9–1.1); for C_dl
of a small arc (2.5 of 30 Ω cm²) the scatter is ~25 % larger than the linearised SE, so treat
intervals of weakly determined parameters as optimistic.  The validation case
``compare_model_roundtrip`` checks coverage over several seeds.

Geometry.  Only material/interface parameters are fitted on a fixed mesh: the cell is
meshed once and every evaluation builds the model on that mesh.  ``interface.contact_fraction``
is *not* geometry: it is the homogenised wetted fraction of the contact facets (a multiplier
of i0 and C_dl there, :mod:`nakmodel.model.problem`), so it is fitted without re-meshing, on
1D and on spot cells alike.  Keys that change the mesh (``cell.*``, ``numerics.*``, the
contact-spot layout of the :class:`~nakmodel.geometry.Cell`) are rejected before anything is
computed: fit one cell per geometry and compare χ² instead.  Note that the contact fraction
multiplies both i0 and C_dl, so fitting all three (as the default ``fit`` does) is
structurally non-identifiable — only i0·f_c and C_dl·f_c are determined — and is reported as
such; fix one of them (e.g. C_dl) to determine the others.

Identifiability.  After the fit, a parameter whose relative standard error exceeds
``max_relative_error`` (default 1, i.e. its 95 % interval spans more than a factor ~e² in
log space) or which belongs to a pair with |correlation| > 0.999 raises an
:class:`IdentifiabilityWarning` naming the poorly determined combination; the fitted
values are still returned (``result.identifiable`` tells which).

State.  ``state=None`` fits the pristine (equilibrium) cell.  A state (a ``Simulation``,
``CoupledProblem`` or checkpoint of the same mesh) is linearised as it is, its fields held
fixed while the parameters vary.  That is exact at zero current (a relaxed state) and, under
a DC current, for keys that do not enter the DC balance (double-layer capacitances,
permittivity); for other keys it is a frozen-state approximation (the overpotential and
composition were computed with the original parameters), said in a warning and in
``result.notes``.  A state that stops being a solution of the ceramic's algebraic charge
balance when a key moves is rejected before the fit (:class:`ParameterError` naming the key).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import t as student_t

from .errors import ConvergenceError, InputProblem, ParameterError

DEFAULT_FIT = ("interface.exchange_current_density", "interface.contact_fraction",
               "nasicon.conductivity", "alloy.interdiffusivity_factor",
               "interface.double_layer_capacitance")
FITTABLE_GROUPS = ("alloy", "nasicon", "interface", "counter_electrode")
MESH_GROUPS = ("cell", "numerics")
_STORAGE_KEYS = {"interface.double_layer_capacitance",
                 "counter_electrode.double_layer_capacitance", "nasicon.relative_permittivity"}
_DECADES = 6.0  # default search range: start value × 10^(±6), inside the allowed range


class IdentifiabilityWarning(UserWarning):
    """Some fitted parameters are not determined by the data (near-singular Jacobian)."""


@dataclass
class ModelFitResult:
    """Result of :func:`fit_model` (values in SI, keyed by the dotted parameter keys).

    ``parameters``: the fitted :class:`Parameters` (fitted keys sourced "fit to <name>");
    ``initial``/``values``/``std_errors`` (delta method)/``ci95`` (low, high), ``units``;
    ``correlation`` (ordered as ``keys``, in the fitted variables θ); ``measured`` and
    ``model`` spectra on the same frequencies and in the same representation (so
    ``measured.Z - model.Z == residuals``); ``relative_residuals`` = residuals/|Z_measured|;
    ``identifiable`` per key and ``notes`` (warnings, assumed area); ``fit`` the generic
    :class:`~nakmodel.cnls_fit.FitResult` in θ.
    """

    keys: list[str]
    log_scaled: dict[str, bool]
    initial: dict[str, float]
    values: dict[str, float]
    std_errors: dict[str, float]
    ci95: dict[str, tuple[float, float]]
    units: dict[str, str]
    correlation: np.ndarray
    parameters: object
    measured: object
    model: object
    residuals: np.ndarray
    relative_residuals: np.ndarray
    identifiable: dict[str, bool]
    chi2: float
    dof: int
    evaluations: int
    source: str
    fit: object
    notes: list[str] = field(default_factory=list)

    @property
    def rms_relative_residual(self) -> float:
        """√(mean |Z − Z_fit|²/|Z|²): the fit error in units of |Z| (≈ the noise level)."""
        return float(np.sqrt(np.mean(np.abs(self.relative_residuals) ** 2)))

    def within_ci(self, truth: Mapping[str, float]) -> dict[str, bool]:
        """For each key of ``truth`` (SI), whether it lies inside the 95 % interval."""
        return {k: bool(self.ci95[k][0] <= float(v) <= self.ci95[k][1])
                for k, v in truth.items()}

    def table(self) -> list[dict]:
        """One row per fitted key (start, value, SE, 95 % CI, unit, identifiable)."""
        return [{"key": k, "start": self.initial[k], "value": self.values[k],
                 "std_error": self.std_errors[k], "ci95_low": self.ci95[k][0],
                 "ci95_high": self.ci95[k][1], "unit": self.units[k],
                 "log": self.log_scaled[k], "identifiable": self.identifiable[k]}
                for k in self.keys]

    def summary(self) -> str:
        width = max(len(k) for k in self.keys)
        lines = [f"fit of {len(self.keys)} model parameters to {self.source} "
                 f"({len(self.measured)} frequencies, {self.evaluations} model evaluations)",
                 f"{'parameter':<{width}}  {'start':>11}  {'fitted':>11}  {'std.err':>9}  "
                 f"{'95% CI':>25}  unit"]
        for row in self.table():
            flag = "" if row["identifiable"] else "  NOT IDENTIFIABLE"
            ci = f"{row['ci95_low']:.4g} … {row['ci95_high']:.4g}"
            lines.append(f"{row['key']:<{width}}  {row['start']:>11.4g}  {row['value']:>11.5g}  "
                         f"{row['std_error']:>9.2g}  {ci:>25}  {row['unit'] or '-'}{flag}")
        lines.append(f"chi2 = {self.chi2:.4g} (dof {self.dof}), rms residual "
                     f"{100 * self.rms_relative_residual:.3g} % of |Z|")
        if len(self.keys) > 1:
            corr = self.correlation
            pairs = [(abs(corr[i, j]), self.keys[i], self.keys[j])
                     for i in range(len(self.keys)) for j in range(i)]
            c, a, b = max(pairs, key=lambda t: (np.nan_to_num(t[0], nan=2.0)))
            lines.append(f"largest |correlation|: {c:.3f} ({a}, {b})")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def plot(self, ax, unit: str = "ohm cm2"):
        """Nyquist of the measurement (points) and the fitted model (line) on ``ax``
        (``unit`` "ohm", or "ohm cm2" when the area is known); returns ``ax``."""
        measured, model = self.measured, self.model
        if measured.area is None:
            unit = "ohm m2" if str(measured.meta.get("unit", "")) == "ohm m^2" else "ohm"
            measured = measured.with_area(1.0) if unit == "ohm m2" else measured
            model = model.with_area(1.0) if unit == "ohm m2" else model
        measured.plot_nyquist(ax, unit=unit, linestyle="none", marker="o", mfc="none",
                              label="measured")
        model.plot_nyquist(ax, unit=unit, marker="", linestyle="-", label="model fit")
        ax.legend(fontsize="small")
        return ax

    def to_toml(self) -> str:
        """The fitted parameter set as TOML (``nakmodel params check`` accepts it)."""
        return self.parameters.to_toml()


# ---------------------------------------------------------------------------- helpers
def _schema() -> dict:
    from .parameters import iter_schema

    return dict(iter_schema())


def check_fit_keys(keys: Sequence[str]) -> list[str]:
    """Validate the keys to fit (all problems at once); returns them as a list."""
    from .parameters import _suggest

    schema = _schema()
    problems = []
    if isinstance(keys, str):
        keys = [keys]
    keys = list(keys)
    if not keys:
        problems.append(InputProblem("fit", "no parameters to fit", keys,
                                     "dotted parameter keys, e.g. "
                                     "interface.exchange_current_density"))
    for key in keys:
        group = key.partition(".")[0]
        if key not in schema:
            problems.append(InputProblem(f"fit.{key}", f"unknown parameter; {_suggest(key)}", key,
                                         "a key of `nakmodel params show`"))
        elif group in MESH_GROUPS:
            problems.append(InputProblem(
                f"fit.{key}", "changes the mesh (cell dimensions / discretisation) and cannot "
                "be fitted on a fixed mesh; fit one cell per geometry and compare chi2", key,
                "a material or interface key (" + ", ".join(f"{g}.*" for g in FITTABLE_GROUPS)
                + "); interface.contact_fraction is the homogenised wetted fraction and IS "
                "fittable"))
        elif key == "alloy.composition":
            problems.append(InputProblem("fit.alloy.composition", "is not a number to fit", key,
                                         "set the composition of the cell; fit material keys"))
        elif key != "temperature" and group not in FITTABLE_GROUPS:
            problems.append(InputProblem(f"fit.{key}", "cannot be fitted", key,
                                         ", ".join(f"{g}.*" for g in FITTABLE_GROUPS)))
        elif schema[key].get("integer"):
            problems.append(InputProblem(f"fit.{key}", "is an integer setting", key,
                                         "a real-valued parameter"))
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        problems.append(InputProblem("fit", "duplicate keys", duplicates, "each key once"))
    if problems:
        raise ParameterError(problems)
    return keys


def _area_specific(measured, area, model_area: float):
    """(Z·A [Ω m²], A or None, note) of the measured spectrum."""
    from .units import to_si

    Z = np.asarray(measured.Z, dtype=complex)
    if area is not None:
        a = to_si(area, "m^2", key="area")
        if not (math.isfinite(a) and a > 0):
            raise ParameterError(InputProblem("area", "must be positive", area,
                                              "[m^2] > 0 (e.g. '1.13 cm^2')"))
        return Z * a, a, None
    unit = str(measured.meta.get("unit", "")).replace("²", "^2").replace("Ω", "ohm")
    if measured.area is None and unit.replace(" ", "") in ("ohmm^2", "ohmm2"):
        return Z, None, None
    if measured.area is not None:
        return Z * float(measured.area), float(measured.area), None
    note = (f"the measured spectrum has no electrode area: the model cell's nominal area "
            f"{1e4 * model_area:.4g} cm^2 was assumed (pass area=...)")
    return Z * model_area, model_area, note


def _cell_mesh_and_state(cell, state):
    """The mesh to reuse for every evaluation, and the state (None = pristine)."""
    from .model.problem import CoupledProblem
    from .model.simulation import Simulation

    if isinstance(cell, Simulation):
        if cell.problem is None:
            cell.build()
        state = cell if state is None else state
        return cell.problem.cell_mesh, state
    if isinstance(cell, CoupledProblem):
        return cell.cell_mesh, (cell if state is None else state)
    if hasattr(cell, "build_mesh"):
        return cell.build_mesh(), state
    if hasattr(cell, "mesh") and hasattr(cell, "facet_tags"):
        return cell, state
    raise ParameterError(InputProblem("cell", "not a cell", type(cell).__name__,
                                      "nakmodel.Cell, a cell mesh, a Simulation or a "
                                      "CoupledProblem"))


def _bounds(keys, start, log, user_bounds, schema):
    """Bounds in the fitted variables: user bounds (any units) or the allowed range ∩
    start·10^(±6) (log) / start ± 10^6·max(|start|, 1) (linear)."""
    from .units import to_si

    out, problems = {}, []
    user_bounds = dict(user_bounds or {})
    for key in set(user_bounds) - set(keys):
        problems.append(InputProblem(f"bounds.{key}", "not a fitted parameter", key,
                                     "one of " + ", ".join(keys)))
    for key in keys:
        meta = schema[key]
        lo_allowed, hi_allowed = meta["low"], meta["high"]
        if key in user_bounds:
            try:
                raw = user_bounds[key]
                lo, hi = (to_si(v, meta["unit"], key=f"bounds.{key}") for v in raw)
            except (TypeError, ValueError) as err:
                problems.append(InputProblem(f"bounds.{key}", f"needs (low, high): {err}",
                                             user_bounds[key],
                                             f"two values in {meta['unit'] or '-'}"))
                continue
            if not (lo < hi and lo <= start[key] <= hi):
                problems.append(InputProblem(f"bounds.{key}", "needs low < high around the start "
                                             "value", (lo, hi), f"low <= {start[key]:g} <= high"))
                continue
            if log[key] and lo <= 0:
                lo = 0.0
        else:
            if log[key]:
                lo, hi = start[key] / 10**_DECADES, start[key] * 10**_DECADES
            else:
                span = 10**_DECADES * max(abs(start[key]), 1.0)
                lo, hi = start[key] - span, start[key] + span
            lo, hi = max(lo, lo_allowed), min(hi, hi_allowed)
        # open ends of the allowed range: stay a hair inside
        if lo <= lo_allowed and meta["low_open"]:
            lo = lo_allowed + 1e-9 * max(abs(lo_allowed), abs(start[key]) * 1e-3, 1e-300)
        if hi >= hi_allowed and meta["high_open"]:
            hi = hi_allowed - 1e-9 * max(abs(hi_allowed), 1e-300)
        if log[key]:
            out[key] = (math.log(lo) if lo > 0 else -math.inf,
                        math.log(hi) if math.isfinite(hi) else math.inf)
        else:
            out[key] = (lo, hi)
    if problems:
        raise ParameterError(problems)
    return out


# ---------------------------------------------------------------------------- main
def fit_model(measured, cell, parameters=None, fit: Sequence[str] = DEFAULT_FIT,
              bounds: Mapping[str, tuple] | None = None, log: bool = True, state=None,
              area=None, *, weights="modulus", mode: str = "galvanostatic",
              method: str = "direct", max_evaluations: int | None = 200,
              max_relative_error: float = 1.0, misfit_warning: float = 0.05,
              source: str | None = None):
    """Fit model parameters ``fit`` (dotted keys) to ``measured`` → :class:`ModelFitResult`.

    measured: a :class:`~nakmodel.spectrum.Spectrum` (measured or computed).
    cell: ``nakmodel.Cell`` (meshed once here), a cell mesh, a ``Simulation`` or a
        ``CoupledProblem`` (its state is used unless ``state`` is given).
    parameters: start values and every other parameter (default: the default set).
    bounds: {key: (low, high)} in SI or unit strings (default: allowed range ∩ start·10^±6).
    log: fit positive parameters in ln p (recommended).
    state: the state to linearise at (None: pristine equilibrium); see the module docstring.
    area: electrode area of the measurement (SI m² or "1.13 cm^2"; default measured.area).
    weights, mode: as in :func:`nakmodel.cnls_fit.fit` / :func:`nakmodel.impedance`.
    method: impedance solver; "direct" (default: exact to round-off, which the
        finite-difference Jacobian needs) or "krylov"/"auto" (faster, ~1e-9 relative).
    max_relative_error: SE/value (θ = ln p: SE_θ) above which a key is reported as not
        identifiable.
    misfit_warning: rms relative residual above which ``notes`` says the model misfits.
    max_evaluations: cap on model spectra computed by the least-squares solver.
    source: name for the provenance of fitted values (default: measured.meta["path"] or
        its label).
    """
    from . import impedance as model_impedance
    from .cnls_fit import fit as nlls
    from .parameters import load_parameters
    from .spectrum import Spectrum

    problems = []
    if not isinstance(measured, Spectrum):
        problems.append(InputProblem("measured", "not a Spectrum", type(measured).__name__,
                                     "a nakmodel.Spectrum (nakmodel.io.read_spectrum(path))"))
    if not isinstance(log, bool):
        problems.append(InputProblem("log", "must be True or False", log, "bool"))
    if not (isinstance(max_relative_error, (int, float)) and max_relative_error > 0):
        problems.append(InputProblem("max_relative_error", "must be > 0", max_relative_error,
                                     "> 0"))
    if problems:
        raise ParameterError(problems)
    keys = check_fit_keys(fit)
    params = load_parameters(parameters)
    schema = _schema()
    start = {k: float(params.get(k)) for k in keys}
    log_scaled = {k: bool(log and schema[k]["low"] >= 0 and start[k] > 0) for k in keys}
    fit_bounds = _bounds(keys, start, log_scaled, bounds, schema)

    cell_mesh, state = _cell_mesh_and_state(cell, state)
    frequency = np.asarray(measured.frequency, dtype=float)
    name = source or str(measured.meta.get("path", "") or measured.label or "a spectrum")
    counter = {"n": 0}

    def to_si_values(theta: Mapping[str, float]) -> dict[str, float]:
        return {k: (math.exp(theta[k]) if log_scaled[k] else float(theta[k])) for k in keys}

    def evaluate(values: Mapping[str, float]):
        counter["n"] += 1
        p = params.replace(dict(values))
        return model_impedance(cell_mesh, p, frequency, state=state, mode=mode,
                               area_specific=True, method=method)

    # the start must be computable; a state must stay valid when each key moves
    try:
        first = evaluate(start)
        model_area = float(first.meta["nominal_area"])
    except ParameterError as err:
        raise ParameterError([InputProblem(p.key, f"at the start values: {p.message}", p.value,
                                           p.expected) for p in err.problems]) from None
    if state is not None:
        for k in keys:
            moved = dict(start)
            moved[k] = start[k] * 1.05 if start[k] != 0 else 1e-3
            try:
                evaluate(moved)
            except ParameterError as err:
                raise ParameterError(InputProblem(
                    f"fit.{k}", "the given state is not a converged model state once this "
                    f"parameter changes ({err.problems[0].message}); fit it on the pristine "
                    "cell (state=None) or on a zero-current state", k,
                    "keys that do not enter the DC balance (capacitances, permittivity)")) \
                    from None
    dc_note = None
    if state is not None and abs(first.meta.get("dc_current_density", 0.0)) > 1e-9 \
            and not set(keys) <= _STORAGE_KEYS:
        dc_note = ("the state carries a DC current: its fields (composition, overpotential) "
                   "are held as computed with the original parameters while the fitted "
                   + ", ".join(sorted(set(keys) - _STORAGE_KEYS)) + " change (frozen-state "
                   "linearisation, approximate for keys that enter the DC balance)")
        warnings.warn(dc_note, UserWarning, stacklevel=2)
    target, used_area, area_note = _area_specific(measured, area, model_area)
    data = Spectrum(frequency, target, None, label=measured.label, meta={"unit": "ohm m^2"})

    penalty = {"Z": 10.0 * np.abs(target) + 1.0}

    def model(theta, f):
        try:
            return np.asarray(evaluate(to_si_values(theta)).Z, dtype=complex)
        except (ParameterError, ConvergenceError, np.linalg.LinAlgError, RuntimeError):
            return penalty["Z"] * (1 + 0j)  # outside the model's domain: steer away

    theta0 = {k: (math.log(start[k]) if log_scaled[k] else start[k]) for k in keys}
    result = nlls(data, model, theta0, bounds=fit_bounds, weights=weights,
                  max_evaluations=max_evaluations)

    values = to_si_values(result.values)
    dof = result.dof
    tq = float(student_t.ppf(0.975, dof))
    se_theta = result.std_errors
    std_errors, ci95, identifiable, notes = {}, {}, {}, []
    for k in keys:
        th, se = result.values[k], se_theta[k]
        if log_scaled[k]:
            std_errors[k] = values[k] * se
            lo, hi = th - tq * se, th + tq * se
            ci95[k] = (math.exp(max(lo, -700.0)), math.exp(min(hi, 700.0)))
            rel = se
        else:
            std_errors[k] = se
            ci95[k] = (th - tq * se, th + tq * se)
            rel = se / abs(th) if th != 0 else math.inf
        identifiable[k] = bool(math.isfinite(rel) and rel <= max_relative_error)
    corr = np.asarray(result.correlation, dtype=float)
    strong = []
    for i in range(len(keys)):
        for j in range(i):
            c = corr[i, j]
            if not math.isfinite(c) or abs(c) > 0.999:
                strong.append((keys[j], keys[i], c))
                identifiable[keys[i]] = identifiable[keys[j]] = False
    weak = [k for k in keys if not identifiable[k]]
    if weak:
        text = ("not identifiable from this spectrum (near-singular Jacobian): "
                + ", ".join(f"{k} (SE {std_errors[k]:.2g} {schema[k]['unit']})".replace(" )", ")")
                            for k in weak))
        if strong:
            text += "; strongly correlated: " + ", ".join(
                f"{a} ~ {b} (r = {c:+.4f})" for a, b, c in strong)
        direction = _undetermined_direction(result, keys, log_scaled)
        if direction:
            text += f"; the data do not determine {direction} (only combinations across it)"
        notes.append(text)
        warnings.warn(text, IdentifiabilityWarning, stacklevel=2)
    if area_note:
        notes.append(area_note)
    if dc_note:
        notes.append(dc_note)
    rms = float(np.sqrt(np.mean(np.abs(result.residuals / target) ** 2)))
    if rms > misfit_warning:
        notes.append(f"systematic misfit: rms |Z − Z_fit|/|Z| = {100 * rms:.3g} % (> "
                     f"{100 * misfit_warning:g} %); the confidence intervals assume the model "
                     "describes the data and are too narrow")
    if not result.success:
        notes.append(f"least squares stopped: {result.message}")

    updates = {}
    for k in keys:
        unit = schema[k]["unit"]
        lo, hi = ci95[k]
        tag = "" if identifiable[k] else ", not identifiable"
        updates[k] = {"value": values[k],
                      "source": f"fit to {name} (95% CI {lo:.4g} … {hi:.4g} {unit}{tag})".replace(
                          "  ", " ").replace(" )", ")"),
                      "tag": "fit"}
    fitted = params.replace(updates)

    z_fit = np.asarray(result.Z_fit, dtype=complex)
    if used_area is None:  # the measurement is area-specific itself
        model_spec = Spectrum(frequency, z_fit, None, label="model fit",
                              meta={"unit": "ohm m^2", "source": "nakmodel fit_model"})
        measured_used = data.with_label(measured.label)
    else:
        model_spec = Spectrum(frequency, z_fit / used_area, used_area, label="model fit",
                              meta={"source": "nakmodel fit_model"})
        measured_used = Spectrum(frequency, target / used_area, used_area,
                                 label=measured.label, meta=dict(measured.meta))
    residuals = np.asarray(measured_used.Z) - np.asarray(model_spec.Z)
    return ModelFitResult(
        keys=keys, log_scaled=log_scaled, initial=start, values=values,
        std_errors=std_errors, ci95=ci95, units={k: schema[k]["unit"] for k in keys},
        correlation=corr, parameters=fitted, measured=measured_used, model=model_spec,
        residuals=residuals, relative_residuals=residuals / np.abs(measured_used.Z),
        identifiable=identifiable, chi2=result.chi2, dof=dof, evaluations=counter["n"],
        source=name, fit=result, notes=notes)


def _undetermined_direction(result, keys, log_scaled) -> str:
    """The least determined combination of the fitted variables θ: the eigenvector of
    their covariance with the largest eigenvalue, e.g. "+0.71 ln i0 -0.71 ln f_c" (moving
    along it leaves the spectrum unchanged to first order)."""
    cov = np.asarray(result.covariance, dtype=float)
    if len(keys) < 2 or not np.all(np.isfinite(cov)):
        return ""
    _, eigvec = np.linalg.eigh(0.5 * (cov + cov.T))
    v = eigvec[:, -1] * np.sign(eigvec[np.argmax(np.abs(eigvec[:, -1])), -1])
    terms = [f"{c:+.2f} {'ln ' if log_scaled[k] else ''}{k}"
             for c, k in zip(v, keys, strict=True) if abs(c) > 0.1]
    return " ".join(terms) if len(terms) > 1 else ""


def write_fit_outputs(result: ModelFitResult, outdir, stem: str = "fit") -> list[Path]:
    """``<stem>_parameters.toml`` (the full fitted set, `params check`-valid) and
    ``<stem>_table.csv`` (fitted keys with SE and 95 % CI)."""
    import csv
    import io

    from .atomic_write import atomic_write_text

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    rows = result.table()
    writer = csv.writer(buf, lineterminator="\n")
    # long format: the values of a row are SI in that row's "unit" column
    writer.writerow([f"{k} [SI unit of the row]" if k in ("start", "value", "std_error",
                                                           "ci95_low", "ci95_high") else k
                     for k in rows[0]])
    for row in rows:
        writer.writerow([repr(v) if isinstance(v, float) else v for v in row.values()])
    header = "".join(f"# {line}\n" for line in result.summary().splitlines())
    return [atomic_write_text(outdir / f"{stem}_parameters.toml", header + result.to_toml()),
            atomic_write_text(outdir / f"{stem}_table.csv", buf.getvalue())]
