r"""Reading and writing measured impedance spectra.

``read_spectrum("PEIS_SSB.mpr")`` reads a BioLogic binary natively; a table whose header
gives no units takes them from ``units``; a file with several sweeps gives a list:

>>> import pathlib, tempfile
>>> from nakmodel.io import read_spectrum, write_spectrum
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = pathlib.Path(tmp.name)
>>> _ = (folder / "data.csv").write_text("f,Re,Im\n10,12,-3\n1,15,-5\n0.1,20,-2\n")
>>> s = read_spectrum(folder / "data.csv",
...                   units={"frequency": "kHz", "real": "mOhm", "imag": "mOhm"})
>>> s.frequency                                            # Hz
array([10000.,  1000.,   100.])
>>> s.Z                                                    # Ω, capacitive Z'' < 0
array([0.012-0.003j, 0.015-0.005j, 0.02 -0.002j])
>>> series = read_spectrum(write_spectrum([s, s], folder / "series.csv"), split="cycle")
>>> [x.label for x in series]
['series [cycle 1]', 'series [cycle 2]']
>>> tmp.cleanup()

Formats are recognised by content (then by extension): see :data:`READERS` (format →
module) and the README table. Inside, frequencies are in Hz and impedances in Ω with
capacitive Z'' < 0. Loops and sweeps of one file come back as separate spectra with
``meta["loop"]`` (0-based), ``meta["cycle"]`` and the DC potential/current of the
sweep (``meta["dc_potential_V"]``, ``meta["dc_current_A"]``) when the file records
them. A file that cannot be read raises :class:`SpectrumFileError` (a
:class:`~nakmodel.errors.ParameterError`) naming the file and the line/row and column at
fault; what was normalised or skipped is reported by a :class:`SpectrumFileWarning`.
"""

from __future__ import annotations

from ..spectrum import Spectrum
from . import _read
from ._checks import looks_sign_flipped
from ._common import SpectrumFileError, SpectrumFileWarning
from ._read import FORMATS, READERS, read_table, sniff_format
from ._write import write_spectrum

__all__ = ["FORMATS", "READERS", "SpectrumFileError", "SpectrumFileWarning",
           "looks_sign_flipped", "read_spectra", "read_spectrum", "read_table", "sniff_format",
           "write_spectrum"]


def read_spectra(path, *, format: str | None = None, columns=None, units=None, area=None,
                 split="auto", sign="auto", min_points: int = 3,
                 label: str | None = None) -> list[Spectrum]:
    """All spectra of a file, always as a list (see :func:`read_spectrum` for options)."""
    return _read.read_spectra(path, Spectrum, format=format, columns=columns, units=units,
                              area=area, split=split, sign=sign, min_points=min_points,
                              label=label)


def read_spectrum(path, *, format: str | None = None, columns=None, units=None, area=None,
                  split="auto", sign="auto", min_points: int = 3,
                  label: str | None = None) -> Spectrum | list[Spectrum]:
    """Read an impedance file: a :class:`Spectrum`, or a list when it holds a series.

    Parameters
    ----------
    path:
        The file (str or path); frequencies come back in Hz, impedances in Ω.
    format:
        One of :data:`FORMATS` (``"mpt"``, ``"mpr"``, ``"dta"``, ``"z"``, ``"idf"``,
        ``"par"``, ``"chi"``, ``"relaxis"``, ``"pssession"``, ``"ism"``, ``"csv"``);
        default: recognised from the content.
    columns:
        Explicit roles → column name or 0-based index, e.g.
        ``{"frequency": 0, "real": 1, "-imag": 2}``; roles are ``frequency``, ``omega``
        (rad/s), ``real``, ``imag``, ``-imag`` (a column holding −Z''), ``magnitude``,
        ``phase``, ``cycle``, ``dc_potential``, ``dc_current``. Default: matched from the
        header names.
    units:
        Role → unit of the file, e.g. ``{"frequency": "kHz", "real": "mOhm",
        "imag": "mOhm", "phase": "rad"}``; overrides units found in the header.
        ``"ohm cm2"`` marks area-specific values (then ``area`` is required).
    area:
        Electrode area [m²] or a string (``"0.785 cm^2"``) stored on the spectra, or
        ``"header"``: the area the file declares (EC-Lab "Electrode surface area", Gamry
        ``AREA`` and ZPlot "Surface Area", both in cm²). Impedances stay absolute [Ω].
    split:
        ``"auto"`` (by cycle column if it varies, else at sweep restarts if frequencies
        repeat), ``"cycle"``, ``"sequence"`` (at every restart of the frequency sweep) or
        None (one spectrum; repeated frequencies are an error).
    sign:
        Z'' sign check: ``"auto"`` flips (with a :class:`SpectrumFileWarning`) a file whose
        Z'' is mostly positive on a capacitive-shaped spectrum, ``"strict"`` raises instead,
        ``"as_is"`` keeps the numbers, ``"flip"`` always negates Z''.
    min_points:
        Fewest frequencies accepted per spectrum (default 3).
    label:
        Spectrum label (default: the file stem, plus ``[cycle n]`` in a series).
    """
    spectra = read_spectra(path, format=format, columns=columns, units=units, area=area,
                           split=split, sign=sign, min_points=min_points, label=label)
    return spectra[0] if len(spectra) == 1 else spectra
