"""An impedance spectrum: frequencies and complex impedances, measured or simulated.

:class:`Spectrum` is the one type shared by the file readers (:mod:`nakmodel.io`),
the Kramers-Kronig test and the DRT (:mod:`nakmodel.drt`) and the model impedance.

Conventions (SI inside):

- ``frequency`` is the linear frequency f [Hz], ω = 2π f [rad/s];
- ``Z`` is the absolute impedance [Ω] with the electrochemical sign convention
  ``Z = Z' + i Z''``, so a capacitive arc has ``Z'' < 0`` (Nyquist plots show −Z'');
- ``area`` is the electrode area [m²] when known; the area-specific impedance is
  ``Z · area`` [Ω m²] (displayed in Ω cm², 1 Ω m² = 10⁴ Ω cm²).

The points are kept in the order given (a measurement order carries information
about drift); :meth:`Spectrum.sorted` returns a copy in ascending or descending
frequency. Duplicate frequencies are rejected: a series of sweeps is a list of
spectra, not one spectrum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import numpy as np

from .atomic_write import atomic_write_text
from .errors import InputProblem, ParameterError

ImpedanceUnit = Literal["ohm", "ohm cm2", "ohm m2"]
"""Display units: absolute Ω, or area-specific Ω cm² / Ω m² (needs ``area``)."""

_UNIT_FACTORS = {"ohm": 1.0, "ohm m2": 1.0, "ohm cm2": 1.0e4}
_UNIT_LABELS = {"ohm": "Ω", "ohm cm2": "Ω cm²", "ohm m2": "Ω m²"}
_CSV_HEADER = "frequency_Hz,Z_real_ohm,Z_imag_ohm"
AREA_SPECIFIC_UNIT = "ohm m^2"
"""``Spectrum.meta["unit"]`` of a spectrum holding Z·A [Ω m²] instead of Z [Ω]."""


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Spectrum:
    """An impedance spectrum ``Z(f)`` with optional electrode area.

    Parameters
    ----------
    frequency:
        Frequencies f [Hz], 1-D, finite, > 0, no duplicates, any order.
    Z:
        Complex impedances [Ω], same length (real arrays are taken as Z'' = 0).
    area:
        Electrode area [m²] (> 0), or a string with units (``"1.13 cm^2"``), or None.
    label:
        Free text naming the spectrum (file name, cycle...).
    meta:
        Read-only mapping of extra information (file header fields, cycle number...).

    The arrays are copied and made read-only, so a Spectrum never changes after
    construction; the "modifiers" (:meth:`sorted`, :meth:`subset`, :meth:`with_area`...)
    return new spectra.
    """

    frequency: np.ndarray
    Z: np.ndarray
    area: float | None = None
    label: str = ""
    meta: Mapping = field(default_factory=dict)

    def __post_init__(self):
        problems: list[InputProblem] = []
        try:
            f = np.array(self.frequency, dtype=float, copy=True)
        except (TypeError, ValueError):
            raise ParameterError(InputProblem(
                "spectrum.frequency", "not an array of numbers", type(self.frequency).__name__,
                "frequencies in Hz")) from None
        try:
            z = np.array(self.Z, dtype=complex, copy=True)
        except (TypeError, ValueError):
            raise ParameterError(InputProblem("spectrum.Z", "not an array of (complex) numbers",
                                              type(self.Z).__name__, "impedances in ohm")) from None
        if f.ndim != 1:
            problems.append(InputProblem("spectrum.frequency", f"must be 1-D, got shape {f.shape}",
                                         expected="a 1-D array of frequencies in Hz"))
        if z.ndim != 1:
            problems.append(InputProblem("spectrum.Z", f"must be 1-D, got shape {z.shape}",
                                         expected="a 1-D complex array in ohm"))
        if not problems and f.size != z.size:
            problems.append(InputProblem("spectrum.Z", f"length {z.size} differs from the "
                                         f"{f.size} frequencies", expected="one Z per frequency"))
        if not problems and f.size == 0:
            problems.append(InputProblem("spectrum.frequency", "is empty",
                                         expected="at least one frequency in Hz"))
        if problems:
            raise ParameterError(problems)
        bad = np.flatnonzero(~np.isfinite(f))
        if bad.size:
            problems.append(InputProblem("spectrum.frequency",
                                         f"non-finite value at index {bad[0]}",
                                         f[bad[0]], "finite frequencies > 0 Hz"))
        else:
            bad = np.flatnonzero(f <= 0)
            if bad.size:
                problems.append(InputProblem("spectrum.frequency",
                                             f"not positive at index {bad[0]}",
                                             f[bad[0]], "frequencies > 0 Hz"))
        bad = np.flatnonzero(~np.isfinite(z))
        if bad.size:
            problems.append(InputProblem("spectrum.Z", f"non-finite value at index {bad[0]}",
                                         z[bad[0]], "finite impedances in ohm"))
        if not problems:
            order = np.argsort(f, kind="stable")
            same = np.flatnonzero(np.diff(f[order]) == 0)
            if same.size:
                i, j = sorted((order[same[0]], order[same[0] + 1]))
                problems.append(InputProblem(
                    "spectrum.frequency", f"duplicate frequency at indices {i} and {j}", f[i],
                    "distinct frequencies (split a series of sweeps into several spectra)"))
        area = self.area
        if area is not None:
            from .units import to_si

            try:
                area = to_si(area, "m^2", key="spectrum.area")
            except ParameterError as err:
                problems.extend(err.problems)
            else:
                if not area > 0:
                    problems.append(InputProblem("spectrum.area", "must be positive", self.area,
                                                 "an electrode area > 0 m^2"))
        if problems:
            raise ParameterError(problems)
        object.__setattr__(self, "frequency", _readonly(f))
        object.__setattr__(self, "Z", _readonly(z))
        object.__setattr__(self, "area", area)
        object.__setattr__(self, "label", str(self.label))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta or {})))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_area_specific(cls, frequency, Z_specific, area, label: str = "", meta=None):
        """Build from an area-specific impedance ``Z_specific`` [Ω m²] and ``area`` [m²]."""
        from .units import to_si

        area = to_si(area, "m^2", key="spectrum.area")
        if not area > 0:
            raise ParameterError(InputProblem("spectrum.area", "must be positive", area, "> 0 m^2"))
        return cls(frequency, np.asarray(Z_specific, dtype=complex) / area, area=area,
                   label=label, meta=meta or {})

    @classmethod
    def from_csv(cls, path, **options) -> Spectrum:
        """Read a spectrum written by :meth:`to_csv` (label, area and unit from its sidecar
        ``<stem>.meta.json``) or any CSV the readers understand."""
        from .io._read import read_spectra  # the reading layer (it does not import Spectrum)
        from .tables import read_sidecar

        meta = read_sidecar(path)
        if meta.get("unit") == AREA_SPECIFIC_UNIT:  # values are Z·A [Ω m²], area unknown
            options.setdefault("units", {"real": "ohm", "imag": "ohm"})
        spectra = read_spectra(path, Spectrum, split=None, **options)
        result = spectra[0] if len(spectra) == 1 else spectra
        if meta:
            extra = {k: v for k, v in meta.items() if k not in ("label", "area")}
            result = cls(result.frequency, result.Z,
                         meta.get("area") if "area" not in options else result.area,
                         label=meta.get("label", result.label) or result.label,
                         meta={**dict(result.meta), **extra})
        return result

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return int(self.frequency.size)

    def __repr__(self) -> str:
        area = f", area={self.area:.4g} m^2" if self.area is not None else ""
        label = f"{self.label!r}, " if self.label else ""
        return (f"Spectrum({label}{len(self)} points, {self.frequency.min():.4g}-"
                f"{self.frequency.max():.4g} Hz{area})")

    def __eq__(self, other) -> bool:
        if not isinstance(other, Spectrum):
            return NotImplemented
        return (np.array_equal(self.frequency, other.frequency)
                and np.array_equal(self.Z, other.Z) and self.area == other.area)

    __hash__ = None  # mutable-looking arrays: not hashable

    def __reduce__(self):
        # the read-only meta proxy cannot be pickled: rebuild from plain values
        return (Spectrum, (self.frequency, self.Z, self.area, self.label, dict(self.meta)))

    @property
    def omega(self) -> np.ndarray:
        """Angular frequency ω = 2π f [rad/s]."""
        return 2.0 * np.pi * self.frequency

    @property
    def real(self) -> np.ndarray:
        """Z' [Ω]."""
        return self.Z.real

    @property
    def imag(self) -> np.ndarray:
        """Z'' [Ω] (negative for a capacitive response)."""
        return self.Z.imag

    @property
    def magnitude(self) -> np.ndarray:
        """|Z| [Ω]."""
        return np.abs(self.Z)

    @property
    def phase(self) -> np.ndarray:
        """Phase angle arg Z [rad] (negative for a capacitive response)."""
        return np.angle(self.Z)

    @property
    def phase_deg(self) -> np.ndarray:
        """Phase angle arg Z [degree]."""
        return np.degrees(np.angle(self.Z))

    @property
    def admittance(self) -> np.ndarray:
        """Y = 1/Z [S]."""
        return 1.0 / self.Z

    @property
    def is_sorted(self) -> bool:
        """True when frequencies are strictly monotone (either direction)."""
        d = np.diff(self.frequency)
        return bool(np.all(d > 0) or np.all(d < 0))

    @property
    def is_area_specific(self) -> bool:
        """True when ``Z`` holds area-specific values Z·A [Ω m²] (``meta["unit"]`` is
        ``"ohm m^2"``, e.g. ``impedance(..., area_specific=True)``), False for absolute Ω."""
        return str(self.meta.get("unit", "ohm")) == AREA_SPECIFIC_UNIT

    @property
    def unit(self) -> str:
        """Unit of ``Z``: ``"ohm"`` (absolute) or ``"ohm m^2"`` (area-specific)."""
        return AREA_SPECIFIC_UNIT if self.is_area_specific else "ohm"

    def area_specific(self) -> np.ndarray:
        """Area-specific impedance Z·A [Ω m²]; needs ``area`` (unless Z already is)."""
        if self.is_area_specific:
            return self.Z
        self._require_area("area_specific()")
        return self.Z * self.area

    def values(self, unit: ImpedanceUnit | None = "ohm") -> np.ndarray:
        """Z in a display unit: ``"ohm"``, ``"ohm cm2"`` or ``"ohm m2"`` (the latter need area);
        None: Ω for an absolute spectrum, Ω cm² for an area-specific one."""
        unit = self.default_display_unit if unit is None else unit
        if self.is_area_specific and unit == "ohm":
            self._require_area("absolute values of an area-specific spectrum")
            return self.Z / self.area
        if unit not in _UNIT_FACTORS:
            raise ParameterError(InputProblem("unit", "unknown impedance unit", unit,
                                              "one of " + ", ".join(map(repr, _UNIT_FACTORS))))
        if unit == "ohm":
            return self.Z
        return self.area_specific() * _UNIT_FACTORS[unit]

    def _require_area(self, what: str) -> None:
        if self.area is None:
            raise ParameterError(InputProblem("spectrum.area", f"{what} needs the electrode area",
                                              None, "an area in m^2 (Spectrum(..., area=...) or "
                                              ".with_area(...))"))

    # ------------------------------------------------------------------ modifiers
    def _replace(self, frequency=None, Z=None, **changes) -> Spectrum:
        kw = dict(area=self.area, label=self.label, meta=dict(self.meta))
        kw.update(changes)
        return Spectrum(self.frequency if frequency is None else frequency,
                        self.Z if Z is None else Z, **kw)

    def sorted(self, descending: bool = True) -> Spectrum:
        """A copy ordered by frequency, high to low by default (the usual sweep order)."""
        order = np.argsort(self.frequency, kind="stable")
        if descending:
            order = order[::-1]
        return self._replace(self.frequency[order], self.Z[order])

    def subset(self, fmin=None, fmax=None) -> Spectrum:
        """The points with fmin ≤ f ≤ fmax [Hz] (bounds may be strings with units)."""
        from .units import to_si

        lo = -math.inf if fmin is None else to_si(fmin, "Hz", key="fmin")
        hi = math.inf if fmax is None else to_si(fmax, "Hz", key="fmax")
        keep = (self.frequency >= lo) & (self.frequency <= hi)
        if not keep.any():
            raise ParameterError(InputProblem("fmin/fmax", "no frequency in range", (fmin, fmax),
                                              f"a range overlapping {self.frequency.min():.4g}-"
                                              f"{self.frequency.max():.4g} Hz"))
        return self._replace(self.frequency[keep], self.Z[keep])

    def mask(self, keep) -> Spectrum:
        """The points where the boolean array ``keep`` is true."""
        keep = np.asarray(keep, dtype=bool)
        return self._replace(self.frequency[keep], self.Z[keep])

    def with_area(self, area) -> Spectrum:
        """A copy with electrode area ``area`` [m²] (absolute Z unchanged)."""
        return self._replace(area=area)

    def with_label(self, label: str) -> Spectrum:
        """A copy with a new label."""
        return self._replace(label=label)

    def conjugate(self) -> Spectrum:
        """A copy with Z'' negated (fixes files written with the opposite sign convention)."""
        return self._replace(Z=np.conj(self.Z))

    def _check_same_grid(self, other: Spectrum, op: str) -> None:
        if len(other) != len(self) or not np.allclose(other.frequency, self.frequency,
                                                      rtol=1e-9, atol=0):
            raise ParameterError(InputProblem("spectrum.frequency", f"'{op}' needs both spectra on "
                                              "the same frequencies", (len(self), len(other)),
                                              "equal frequency arrays (use .interpolate())"))

    def __add__(self, other) -> Spectrum:
        """Series connection: Z = Z₁ + Z₂ (same frequencies), or add a constant [Ω]."""
        if isinstance(other, Spectrum):
            self._check_same_grid(other, "+")
            return self._replace(Z=self.Z + other.Z)
        if np.isscalar(other):
            return self._replace(Z=self.Z + complex(other))
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other) -> Spectrum:
        """Difference Z₁ − Z₂ (same frequencies) or minus a constant [Ω]."""
        if isinstance(other, Spectrum):
            self._check_same_grid(other, "-")
            return self._replace(Z=self.Z - other.Z)
        if np.isscalar(other):
            return self._replace(Z=self.Z - complex(other))
        return NotImplemented

    def __mul__(self, factor) -> Spectrum:
        """Scale Z by a number."""
        if np.isscalar(factor):
            return self._replace(Z=self.Z * factor)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, factor) -> Spectrum:
        if np.isscalar(factor):
            return self._replace(Z=self.Z / factor)
        return NotImplemented

    def parallel(self, other: Spectrum) -> Spectrum:
        """Parallel connection: Z = Z₁Z₂/(Z₁ + Z₂) (same frequencies)."""
        self._check_same_grid(other, "parallel")
        return self._replace(Z=self.Z * other.Z / (self.Z + other.Z))

    def interpolate(self, frequency) -> Spectrum:
        """Z at other frequencies, interpolated linearly in log f (no extrapolation)."""
        f_new = np.asarray(frequency, dtype=float)
        lf = np.log(self.frequency)
        lo, hi = lf.min(), lf.max()
        lfn = np.log(f_new) if np.all(f_new > 0) else None
        if lfn is None or lfn.min() < lo - 1e-12 or lfn.max() > hi + 1e-12:
            raise ParameterError(InputProblem("frequency", "outside the measured range (no "
                                              "extrapolation)", (f_new.min(), f_new.max()),
                                              f"{self.frequency.min():.6g}-"
                                              f"{self.frequency.max():.6g} Hz"))
        order = np.argsort(lf)
        zr = np.interp(lfn, lf[order], self.Z.real[order])
        zi = np.interp(lfn, lf[order], self.Z.imag[order])
        return self._replace(f_new, zr + 1j * zi)

    # ------------------------------------------------------------------ output
    def to_csv(self, path) -> Path:
        """Write ``frequency [Hz],Z_real [ohm],Z_imag [ohm]`` (``[ohm m^2]`` for an
        area-specific spectrum) with full precision (atomic write), a plain CSV; label,
        area, unit and meta go into the sidecar ``<stem>.meta.json`` so that
        :meth:`from_csv` restores them."""
        from .tables import write_sidecar

        path = Path(path)
        unit = self.unit
        lines = [f"frequency [Hz],Z_real [{unit}],Z_imag [{unit}]"]
        for f, z in zip(self.frequency, self.Z, strict=True):
            lines.append(f"{float(f)!r},{float(z.real)!r},{float(z.imag)!r}")
        atomic_write_text(path, "\n".join(lines) + "\n")
        meta = {k: v for k, v in dict(self.meta).items() if k not in ("label", "area")}
        write_sidecar(path, {**meta, "label": self.label, "area": self.area,
                             "area_unit": "m^2", "unit": unit})
        return path

    def to_dict(self) -> dict:
        """Plain lists (JSON-friendly): frequency, real, imag, area, label."""
        return {"frequency": self.frequency.tolist(), "real": self.real.tolist(),
                "imag": self.imag.tolist(), "area": self.area, "label": self.label}

    # ------------------------------------------------------------------ plots
    @property
    def default_display_unit(self) -> str:
        """``"ohm cm2"`` for an area-specific spectrum, ``"ohm"`` for an absolute one."""
        return "ohm cm2" if self.is_area_specific else "ohm"

    def _display(self, unit: ImpedanceUnit | None):
        unit = self.default_display_unit if unit is None else unit
        values = self.values(unit)
        return values, _UNIT_LABELS[unit]

    def plot_nyquist(self, ax, unit: ImpedanceUnit | None = None, **kw):
        """Nyquist plot −Z'' vs Z' on equal axes; ``kw`` go to ``ax.plot``. Returns ax."""
        values, label = self._display(unit)
        kw.setdefault("marker", "o")
        kw.setdefault("markersize", 3)
        kw.setdefault("linestyle", "-")
        kw.setdefault("label", self.label or None)
        ax.plot(values.real, -values.imag, **kw)
        ax.set_xlabel(f"Z' / {label}")
        ax.set_ylabel(f"−Z'' / {label}")
        ax.set_aspect("equal", adjustable="datalim")
        return ax

    def plot_bode(self, ax_mag, ax_phase=None, unit: ImpedanceUnit | None = None, **kw):
        """Bode plot: |Z| vs f (log-log) on ``ax_mag``, −phase [°] on ``ax_phase``.

        With only ``ax_mag``, the phase goes on a twin axis. Returns (ax_mag, ax_phase).
        """
        values, label = self._display(unit)
        kw.setdefault("marker", "o")
        kw.setdefault("markersize", 3)
        kw.setdefault("label", self.label or None)
        ax_mag.loglog(self.frequency, np.abs(values), **kw)
        ax_mag.set_xlabel("f / Hz")
        ax_mag.set_ylabel(f"|Z| / {label}")
        if ax_phase is None:
            ax_phase = ax_mag.twinx()
            kw = dict(kw, linestyle="--", label=None)
        ax_phase.semilogx(self.frequency, -self.phase_deg, **kw)
        ax_phase.set_xlabel("f / Hz")
        ax_phase.set_ylabel("−phase / °")
        return ax_mag, ax_phase
