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

import importlib
from pathlib import Path

from ..spectrum import Spectrum
from ._assemble import spectra_from_table
from ._checks import looks_sign_flipped
from ._common import ReadOptions, SpectrumFileError, SpectrumFileWarning, Table
from .text_table import write_spectrum

__all__ = ["FORMATS", "READERS", "SpectrumFileError", "SpectrumFileWarning",
           "looks_sign_flipped", "read_spectra", "read_spectrum", "read_table", "sniff_format",
           "write_spectrum"]

READERS: dict[str, tuple[str, str, str]] = {
    # format: (module, function, what it reads)
    "mpt": ("eclab_mpt", "read_mpt_table", "BioLogic EC-Lab text export .mpt (.txt)"),
    "mpr": ("eclab_mpr", "read_mpr_table", "BioLogic EC-Lab binary .mpr (native)"),
    "dta": ("gamry", "read_dta_table", "Gamry Framework .DTA (PEIS, GEIS)"),
    "z": ("zplot", "read_z_table", "Scribner ZPlot/ZView .z (both layouts), Z60W"),
    "idf": ("ivium", "read_idf_table", "Ivium IviumSoft .idf"),
    "par": ("versastudio", "read_par_table", "VersaStudio .par"),
    "chi": ("chi", "read_chi_table", "CH Instruments A.C. Impedance .txt"),
    "relaxis": ("relaxis", "read_relaxis_table", "RelaxIS spectrum export .txt"),
    "pssession": ("palmsens", "read_pssession_table", "PalmSens PSTrace .pssession"),
    "ism": ("zahner", "read_ism_table", "Zahner Thales .ism"),
    "csv": ("text_table", "read_text_table", "CSV/TSV/whitespace tables (PowerSuite, "
            "Parstat, EC-Lab/other CSV exports, headerless f, Z', Z'')"),
}
FORMATS = tuple(READERS)
_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dat": "csv", ".mpt": "mpt",
               ".mpr": "mpr", ".dta": "dta", ".z": "z", ".idf": "idf", ".par": "par",
               ".pssession": "pssession", ".ism": "ism"}


def sniff_format(path) -> str:
    """The format of ``path`` from its content, else from its extension (default csv)."""
    from .chi import looks_like_chi
    from .ivium import looks_like_idf
    from .palmsens import looks_like_pssession
    from .relaxis import looks_like_relaxis
    from .versastudio import looks_like_par
    from .zahner import looks_like_ism
    from .zplot import is_quoted_layout

    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "mpr"
    if looks_like_pssession(head):
        return "pssession"
    if looks_like_idf(head):
        return "idf"
    text = head.decode("latin-1").lstrip("\ufeff").removeprefix("\xef\xbb\xbf")
    stripped = text.lstrip()
    first = stripped[:200].splitlines()[0] if stripped else ""
    if stripped[:17].upper() == "EC-LAB ASCII FILE":
        return "mpt"
    if text.startswith("EXPLAIN") or "\nTAG\t" in text or "ZCURVE\tTABLE" in text:
        return "dta"
    if text.startswith("ZPLOT") or "End Comments" in text or is_quoted_layout(first):
        return "z"
    if looks_like_par(text):
        return "par"
    if looks_like_relaxis(text):
        return "relaxis"
    if looks_like_chi(text):
        return "chi"
    if b"\x00" in head[:64] and looks_like_ism(path.read_bytes()):
        return "ism"
    return _EXTENSIONS.get(path.suffix.lower(), "csv")


def read_table(path, format: str | None = None) -> Table:
    """The raw numeric :class:`Table` of a file (names, data, line numbers, meta)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such spectrum file: {path}")
    if path.is_dir():
        raise SpectrumFileError(path, "is a directory", expected="a spectrum file")
    fmt = format if format is not None else sniff_format(path)
    if fmt not in READERS:
        raise SpectrumFileError(path, f"unknown format {fmt!r}",
                                expected="one of " + ", ".join(FORMATS))
    module, function, _ = READERS[fmt]
    reader = getattr(importlib.import_module(f".{module}", __name__), function)
    return reader(path)


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
