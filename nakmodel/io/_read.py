"""The reading layer of :mod:`nakmodel.io`: format recognition, the readers' raw
:class:`Table` and its assembly into spectra.

It does not import :class:`nakmodel.spectrum.Spectrum`: the class is passed in
(``spectrum_type``), so that ``Spectrum.from_csv`` can read through this layer without an
import cycle (``nakmodel.io`` itself imports ``Spectrum`` and passes it).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ._assemble import spectra_from_table
from ._common import ReadOptions, SpectrumFileError, Table

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
    reader = getattr(importlib.import_module(f".{module}", __package__), function)
    return reader(path)


def read_spectra(path, spectrum_type, *, format: str | None = None, columns=None, units=None,
                 area=None, split="auto", sign="auto", min_points: int = 3,
                 label: str | None = None) -> list:
    """All spectra of a file as ``spectrum_type`` objects (the options of
    :func:`nakmodel.io.read_spectrum`)."""
    options = ReadOptions.build(columns=columns, units=units, area=area, split=split,
                                sign=sign, min_points=min_points, label=label)
    return spectra_from_table(read_table(path, format=format), options, spectrum_type)
