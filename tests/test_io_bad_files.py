"""Bad and awkward files: refused with file and line, or read with a warning naming the line.

Whatever is accepted must be a valid spectrum that the Kramers-Kronig test and the DRT
take without a traceback.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.io import SpectrumFileError, SpectrumFileWarning, read_spectra, read_spectrum
from nakmodel.spectrum import Spectrum

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eis-corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(),
                                  reason=f"EIS reader corpus not found at {CORPUS}")


def rc(f=None, R0=2.0, R=10.0, C=1e-3):
    f = np.logspace(5, -1, 25) if f is None else f
    return Spectrum(f, R0 + R / (1 + 2j * np.pi * f * R * C))


def csv_of(s: Spectrum, rows=None) -> str:
    rows = rows if rows is not None else [f"{f!r},{z.real!r},{z.imag!r}"
                                          for f, z in zip(s.frequency.tolist(), s.Z.tolist(),
                                                          strict=True)]
    return "freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + "\n".join(rows) + "\n"


def lines_of(s: Spectrum) -> list[str]:
    return [f"{f!r},{z.real!r},{z.imag!r}" for f, z in zip(s.frequency.tolist(), s.Z.tolist(),
                                                             strict=True)]


def refused(path, *, message, location=None, **options):
    with pytest.raises(SpectrumFileError) as info:
        read_spectrum(path, **options)
    text = str(info.value)
    assert isinstance(info.value, ParameterError) and str(path) in text
    assert message in text, text
    if location:
        assert location in text, text
    return text


def read_warning(path, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spectra = read_spectra(path, **options)
    return spectra, [str(w.message) for w in caught if issubclass(w.category, SpectrumFileWarning)]


def usable(spectrum: Spectrum) -> None:
    """The downstream tools run on what the reader accepted."""
    from nakmodel.drt import compute, kramers_kronig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isfinite(kramers_kronig(spectrum).residuals_real).all()
        result = compute(spectrum, lam=1e-3)
    assert np.all(np.isfinite(result.gamma))


# ---------------------------------------------------------------------------- refused
@pytest.mark.parametrize("token", ["nan", "inf", "-inf"])
def test_non_finite_rows_are_refused_naming_line_and_column(tmp_path, token):
    rows = lines_of(rc())
    rows[4] = rows[4].split(",")[0] + f",{token}," + rows[4].split(",")[2]
    path = tmp_path / "nonfinite.csv"
    path.write_text(csv_of(rc(), rows))
    refused(path, message="non-finite value", location="line 6, column 'Re(Z)/Ohm'")


def test_all_zero_impedance_is_refused(tmp_path):
    s = rc()
    path = tmp_path / "zero.csv"
    path.write_text(csv_of(s, [f"{f!r},0,0" for f in s.frequency.tolist()]))
    refused(path, message="Z = 0 on every row (lines 2-26)")


def test_negative_real_part_on_every_row_is_refused_unless_kept_as_is(tmp_path):
    s = rc() * -1.0
    path = tmp_path / "negative.csv"
    path.write_text(csv_of(s))
    refused(path, message="Z' < 0 on every row", location="line 2, column 'Re(Z)/Ohm'")
    assert np.all(read_spectrum(path, sign="as_is").real < 0)


def test_conflicting_duplicate_is_an_error_naming_both_lines(tmp_path):
    rows = lines_of(rc())
    f, _, im = rows[10].split(",")
    rows.insert(11, f"{f},99.0,{im}")  # same frequency, another Z' right after line 12
    path = tmp_path / "conflict.csv"
    path.write_text(csv_of(rc(), rows))
    text = refused(path, message="duplicate frequency", location="line 13")
    assert "also at line 12" in text and "99" in text


@needs_corpus
@pytest.mark.parametrize("name, cut", [("galvani__v1150_PEIS.mpr", 0.6),
                                       ("impedancepy__exampleDataBioLogic.mpr", 0.5),
                                       ("nomadce__02_peis_ocv.ism", 0.4),
                                       ("nomadce__11_PEIS_700mV.pssession", 0.7),
                                       ("impedancepy__exampleDataIvium.idf", 0.11)])
def test_truncated_binary_files_are_refused(tmp_path, name, cut):
    raw = (CORPUS / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(raw[: int(len(raw) * cut)])
    with pytest.raises(SpectrumFileError) as info:
        read_spectrum(path)
    text = str(info.value)
    assert str(path) in text and ("truncated" in text or "broken JSON" in text), text


@pytest.mark.parametrize("name, content, message", [
    ("empty.mpr", b"", "file is empty"),
    ("empty.ism", b"", "file is empty"),
    ("header_only.mpt", b"EC-Lab ASCII FILE\nNb header lines : 4\n\nfreq/Hz\tRe(Z)/Ohm\t"
     b"-Im(Z)/Ohm\n", "no data rows after the header"),
    ("header_only.DTA", b"EXPLAIN\nTAG\tEISPOT\nZCURVE\tTABLE\n\tPt\tFreq\tZreal\tZimag\n"
     b"\t#\tHz\tohm\tohm\n", "ZCURVE table has no data rows"),
    ("header_only.z", b"ZPLOT2 ASCII\nEnd Comments\n", "no data rows"),
    ("no_data.par", b"<Application>\nVersaStudio\n</Application>\n", "no <SegmentN>"),
])
def test_empty_and_header_only_files_of_each_format(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    refused(path, message=message)


def test_ragged_and_text_rows(tmp_path):
    rows = lines_of(rc())
    rows[3] = rows[3].rsplit(",", 1)[0]
    path = tmp_path / "ragged.csv"
    path.write_text(csv_of(rc(), rows))
    refused(path, message="expected 3 fields, found 2", location="line 5")
    rows = lines_of(rc())
    rows[7] = rows[7].replace(rows[7].split(",")[1], "12.3Ohm")
    path.write_text(csv_of(rc(), rows))
    refused(path, message="not a number: '12.3Ohm'", location="line 9, column 'Re(Z)/Ohm'")


# ---------------------------------------------------------------------------- flagged
def test_one_point_1000x_off_is_flagged_with_its_line_and_kept(tmp_path):
    s = rc()
    z = s.Z.copy()
    z[9] *= 1000.0
    path = tmp_path / "outlier.csv"
    path.write_text(csv_of(Spectrum(s.frequency, z)))
    spectra, messages = read_warning(path)
    assert len(messages) == 1 and "line 11" in messages[0] and "off its neighbours" in messages[0]
    assert np.array_equal(spectra[0].Z, z)
    usable(spectra[0])
    # the same spectrum without the outlier reads silently
    path.write_text(csv_of(s))
    assert read_warning(path)[1] == []


def test_identical_repeated_rows_are_dropped_and_never_split_a_sweep(tmp_path):
    s = rc()
    rows = lines_of(s)
    rows.insert(6, rows[5])  # line 8 repeats line 7
    rows.insert(15, rows[14])  # line 17 repeats line 16
    path = tmp_path / "repeated.csv"
    path.write_text(csv_of(s, rows))
    spectra, messages = read_warning(path)
    assert len(spectra) == 1 and spectra[0] == s
    assert len(messages) == 1 and "line 8 (= 7), 17 (= 16)" in messages[0]
    usable(spectra[0])


def test_placeholder_rows_are_skipped_with_a_warning_naming_them(tmp_path):
    sweeps = [rc(R=10.0), rc(R=20.0)]
    rows = ["loop_index,freq/Hz,|Z|/Ohm,Phase(Z)/deg"]
    for k, s in enumerate(sweeps):
        rows += [f"{k},{f!r},{abs(z)!r},{float(np.degrees(np.angle(z)))!r}"
                 for f, z in zip(s.frequency.tolist(), s.Z.tolist(), strict=True)]
        rows.append(f"{k},0.0,0.0,0.0")
    path = tmp_path / "placeholders.csv"
    path.write_text("\n".join(rows) + "\n")
    spectra, messages = read_warning(path)
    assert len(messages) == 1 and "lines 27, 53" in messages[0]
    assert [s.meta["loop"] for s in spectra] == [0, 1]
    for got, want in zip(spectra, sweeps, strict=True):
        assert np.allclose(got.Z, want.Z, rtol=1e-12)
    # a zero frequency with a measured impedance is not a placeholder: refused
    path.write_text("\n".join(rows[:5] + ["0,0.0,5.0,-3.0"] + rows[5:]) + "\n")
    refused(path, message="frequency must be > 0 Hz", location="line 6")


def test_sweep_restart_without_cycle_column_splits_into_loops(tmp_path):
    sweeps = [rc(R=10.0), rc(R=30.0)]
    path = tmp_path / "two_sweeps.csv"
    path.write_text(csv_of(sweeps[0], lines_of(sweeps[0]) + lines_of(sweeps[1])))
    spectra, messages = read_warning(path)
    assert messages == [] and [s.meta["loop"] for s in spectra] == [0, 1]
    assert all(a == b for a, b in zip(spectra, sweeps, strict=True))


@needs_corpus
def test_accepted_corpus_spectra_run_through_kk_and_drt():
    for name in ("impedancepy__exampleDataParstat.txt", "nomadce__geis-100ma.ism",
                 "impedancepy__exampleDataZPlot_noComments.z"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SpectrumFileWarning)
            usable(read_spectra(CORPUS / name)[0])


@needs_corpus
def test_cut_or_corrupted_corpus_files_never_escape_as_other_exceptions(tmp_path):
    """Every corpus file cut at 12 places and with 12 single-byte corruptions: either a
    SpectrumFileError (a ParameterError) or valid spectra, never another exception."""
    rng = np.random.default_rng(7)
    files = sorted(p for p in CORPUS.iterdir()
                   if not p.name.startswith(("LICENSE", "README", "reference")))
    for source in files:
        raw = source.read_bytes()
        cases = [raw[: int(c)] for c in np.linspace(1, len(raw) - 1, 12)]
        for _ in range(12):
            corrupted = bytearray(raw)
            corrupted[rng.integers(len(raw))] = rng.integers(256)
            cases.append(bytes(corrupted))
        for k, content in enumerate(cases):
            path = tmp_path / f"{k}_{source.name}"
            path.write_bytes(content)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    spectra = read_spectra(path)
                except ParameterError as err:
                    assert str(path) in str(err)
                    continue
            for s in spectra:
                assert len(s) >= 3 and np.all(s.frequency > 0) and np.all(np.isfinite(s.Z))
