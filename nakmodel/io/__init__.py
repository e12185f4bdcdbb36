"""Reading and writing measured impedance spectra.

>>> from nakmodel.io import read_spectrum
>>> s = read_spectrum("PEIS_SSB.mpr")                       # BioLogic binary (needs galvani)
>>> s = read_spectrum("data.csv", units={"frequency": "kHz", "real": "mOhm", "imag": "mOhm"})
>>> series = read_spectrum("operando.mpt", split="cycle")   # list of Spectrum

Formats (chosen by content sniffing, then extension): delimited text ``.csv/.tsv/.txt/.dat``,
BioLogic ``.mpt`` and ``.mpr``, Gamry ``.DTA``, ZPlot/ZView ``.z``. Inside, frequencies
are in Hz and impedances in Ω with capacitive Z'' < 0. A file that cannot be read raises
:class:`SpectrumFileError` (a :class:`~nakmodel.errors.ParameterError`) naming the file
and the line/row and column at fault.
"""

from __future__ import annotations

from pathlib import Path

from ..spectrum import Spectrum
from ._common import (
    ReadOptions,
    SpectrumFileError,
    SpectrumFileWarning,
    Table,
    looks_sign_flipped,
    spectra_from_table,
)
from .text_table import write_spectrum

__all__ = ["FORMATS", "SpectrumFileError", "SpectrumFileWarning", "looks_sign_flipped",
           "read_spectra", "read_spectrum", "read_table", "sniff_format", "write_spectrum"]

FORMATS = ("csv", "mpt", "mpr", "dta", "z")
_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dat": "csv", ".mpt": "mpt",
               ".mpr": "mpr", ".dta": "dta", ".z": "z"}


def sniff_format(path) -> str:
    """The format of ``path`` from its first bytes, else from its extension (default csv)."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "mpr"
    text = head.decode("latin-1")
    if text.lstrip().startswith("EC-Lab ASCII FILE"):
        return "mpt"
    if text.startswith("EXPLAIN") or "\nTAG\t" in text or "ZCURVE\tTABLE" in text:
        return "dta"
    if text.startswith("ZPLOT") or "End Comments" in text:
        return "z"
    return _EXTENSIONS.get(path.suffix.lower(), "csv")


def read_table(path, format: str | None = None) -> Table:
    """The raw numeric :class:`Table` of a file (names, data, line numbers, meta)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such spectrum file: {path}")
    if path.is_dir():
        raise SpectrumFileError(path, "is a directory", expected="a spectrum file")
    fmt = format if format is not None else sniff_format(path)
    if fmt not in FORMATS:
        raise SpectrumFileError(path, f"unknown format {fmt!r}",
                                expected="one of " + ", ".join(FORMATS))
    if fmt == "mpr":
        from .biologic import read_mpr_table

        return read_mpr_table(path)
    if fmt == "mpt":
        from .biologic import read_mpt_table

        return read_mpt_table(path)
    if fmt == "dta":
        from .gamry import read_dta_table

        return read_dta_table(path)
    if fmt == "z":
        from .zplot import read_z_table

        return read_z_table(path)
    from .text_table import read_text_table

    return read_text_table(path)


def read_spectra(path, *, format: str | None = None, columns=None, units=None, area=None,
                 split="auto", sign="auto", min_points: int = 3,
                 label: str | None = None) -> list[Spectrum]:
    """All spectra of a file, always as a list (see :func:`read_spectrum` for options)."""
    options = ReadOptions.build(columns=columns, units=units, area=area, split=split,
                                sign=sign, min_points=min_points, label=label)
    table = read_table(path, format=format)
    return spectra_from_table(table, options)


def read_spectrum(path, *, format: str | None = None, columns=None, units=None, area=None,
                  split="auto", sign="auto", min_points: int = 3,
                  label: str | None = None) -> Spectrum | list[Spectrum]:
    """Read an impedance file: a :class:`Spectrum`, or a list when it holds a series.

    Parameters
    ----------
    format:
        ``"csv"``, ``"mpt"``, ``"mpr"``, ``"dta"`` or ``"z"``; default: sniffed.
    columns:
        Explicit roles → column name or 0-based index, e.g.
        ``{"frequency": 0, "real": 1, "-imag": 2}``; roles are ``frequency``, ``omega``
        (rad/s), ``real``, ``imag``, ``-imag`` (a column holding −Z''), ``magnitude``,
        ``phase``, ``cycle``. Default: matched from the header names.
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
