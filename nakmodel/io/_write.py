"""Writer of spectra as CSV tables (read back by :mod:`nakmodel.io.text_table`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..atomic_write import atomic_write_text
from ..spectrum import Spectrum


def write_spectrum(spectrum: Spectrum | Sequence[Spectrum], path) -> Path:
    """Write a spectrum (or a series of spectra) as CSV with full float precision.

    One spectrum: ``frequency [Hz],Z_real [ohm],Z_imag [ohm]`` (see
    :meth:`Spectrum.to_csv`).  A list: an extra first column ``cycle [-]`` (1, 2, ...) so
    that ``read_spectrum(path, split="cycle")`` gives the list back; the common area and
    the labels go into the sidecar ``<stem>.meta.json``.  The write is atomic.
    """
    if isinstance(spectrum, Spectrum):
        return spectrum.to_csv(path)
    spectra = list(spectrum)
    if not spectra or not all(isinstance(s, Spectrum) for s in spectra):
        from ..errors import InputProblem, ParameterError

        raise ParameterError(InputProblem("spectrum", "expected a Spectrum or a list of Spectrum",
                                          type(spectrum).__name__, "Spectrum objects"))
    from ..tables import write_sidecar

    path = Path(path)
    areas = {s.area for s in spectra}
    units = {s.unit for s in spectra}
    if len(units) > 1:
        from ..errors import InputProblem, ParameterError

        raise ParameterError(InputProblem("spectrum", "mixes absolute and area-specific spectra",
                                          sorted(units), "spectra in one unit"))
    unit = units.pop()
    out = [f"cycle [-],frequency [Hz],Z_real [{unit}],Z_imag [{unit}]"]
    for k, s in enumerate(spectra, start=1):
        for f, z in zip(s.frequency, s.Z, strict=True):
            out.append(f"{k},{float(f)!r},{float(z.real)!r},{float(z.imag)!r}")
    atomic_write_text(path, "\n".join(out) + "\n")
    write_sidecar(path, {"labels": [s.label for s in spectra], "unit": unit,
                         "area": spectra[0].area if len(areas) == 1 else None,
                         "area_unit": "m^2"})
    return path
