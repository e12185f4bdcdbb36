"""Impedance file readers: real instrument files, round trips, options, malformed files."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nakmodel.errors import ParameterError
from nakmodel.io import (
    SpectrumFileError,
    SpectrumFileWarning,
    read_spectra,
    read_spectrum,
    sniff_format,
    write_spectrum,
)
from nakmodel.spectrum import Spectrum

PEER = Path(__file__).resolve().parents[2] / "shared" / "peer-data"
needs_peer = pytest.mark.skipif(not PEER.is_dir(), reason=f"peer data not found at {PEER}")
MPR_ROWS = {"PEIS_SSB.mpr": 89, "Sample1_PEIS_EndOfDischarge.mpr": 86,
            "PEIS_LPSCl_IonBlocking_-25C.mpr": 79}


def rc_spectrum(f=None, R0=2.0, R=10.0, C=1e-3):
    f = np.logspace(5, -1, 25) if f is None else f
    return Spectrum(f, R0 + R / (1 + 2j * np.pi * f * R * C))


# ---------------------------------------------------------------------------- peer files
@needs_peer
@pytest.mark.parametrize("name, rows", sorted(MPR_ROWS.items()))
def test_mpr_files_match_galvani_records(name, rows):
    galvani = pytest.importorskip("galvani")
    records = galvani.BioLogic.MPRfile(str(PEER / name)).data
    assert len(records) == rows
    s = read_spectrum(PEER / name)
    assert len(s) == rows
    assert np.array_equal(s.frequency, records["freq/Hz"].astype(float))
    assert np.array_equal(s.real, records["Re(Z)/Ohm"].astype(float))
    assert np.array_equal(s.imag, -records["-Im(Z)/Ohm"].astype(float))  # sign normalised
    assert s.frequency.max() == pytest.approx(7e6, rel=1e-3)
    # the file's own |Z| and phase columns agree with Z', Z'' (float32 storage)
    assert np.allclose(s.magnitude, records["|Z|/Ohm"], rtol=1e-5)
    assert np.allclose(s.phase_deg, records["Phase(Z)/deg"], atol=1e-3)


@needs_peer
def test_gamry_dta_reads_the_zcurve_table_with_consistent_modulus_and_phase():
    s = read_spectrum(PEER / "EISGALV_EISTest3.DTA")
    assert len(s) == 71
    assert s.frequency[0] == pytest.approx(1000078) and s.frequency[-1] == pytest.approx(0.1001603)
    assert s.Z[0] == pytest.approx(0.04711733 + 0.1695821j)  # inductive at 1 MHz: Z'' > 0
    assert s.meta["lines"] == (11, 81)
    # Zmod and Zphz columns of the same file
    text = (PEER / "EISGALV_EISTest3.DTA").read_text(encoding="latin-1").splitlines()
    rows = np.array([[float(v) for v in line.split("\t")[1:]] for line in text[10:81]])
    assert np.allclose(s.magnitude, rows[:, 6], rtol=1e-6)
    assert np.allclose(s.phase_deg, rows[:, 7], atol=1e-4)


@needs_peer
def test_zplot_file_and_csv_file():
    z = read_spectrum(PEER / "Circuit3_EIS_1.z")
    assert len(z) == 53 and z.frequency[0] == 1.5e5 and z.frequency[-1] == 1.0
    assert z.Z[1] == pytest.approx(1497.4 - 14.085j)
    assert z.meta["Data Points"] == "53"
    csv = read_spectrum(PEER / "exampleData.csv")  # no header: f, Z', Z''
    assert len(csv) == 66
    raw = np.loadtxt(PEER / "exampleData.csv", delimiter=",")
    assert np.array_equal(csv.frequency, raw[:, 0])
    assert np.array_equal(csv.Z, raw[:, 1] + 1j * raw[:, 2])


@needs_peer
def test_format_sniffing_ignores_the_extension(tmp_path):
    for name, fmt in [("PEIS_SSB.mpr", "mpr"), ("EISGALV_EISTest3.DTA", "dta"),
                      ("Circuit3_EIS_1.z", "z"), ("exampleData.csv", "csv")]:
        renamed = tmp_path / f"{name}.txt"
        renamed.write_bytes((PEER / name).read_bytes())
        assert sniff_format(renamed) == fmt
        assert read_spectrum(renamed) == read_spectrum(PEER / name)


def write_mpt(path: Path, records: dict, decimal_comma: bool = False) -> Path:
    """An EC-Lab ASCII export (layout as written by EC-Lab) of column → values."""
    names = list(records)
    header = ["EC-Lab ASCII FILE", "Nb header lines : 7", "",
              "Potentio Electrochemical Impedance Spectroscopy", "",
              "Electrode surface area : 0.785 cm²", "\t".join(names)]
    lines = list(header)
    for row in zip(*records.values(), strict=True):
        text = "\t".join(f"{float(v):.7E}" if not isinstance(v, int) else str(v) for v in row)
        lines.append(text.replace(".", ",") if decimal_comma else text)
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    return path


@needs_peer
@pytest.mark.parametrize("decimal_comma", [False, True])
def test_mpt_export_of_an_mpr_reads_back_the_same_numbers(tmp_path, decimal_comma):
    mpr = read_spectrum(PEER / "PEIS_SSB.mpr")
    records = {"freq/Hz": mpr.frequency, "Re(Z)/Ohm": mpr.real, "-Im(Z)/Ohm": -mpr.imag,
               "|Z|/Ohm": mpr.magnitude, "Phase(Z)/deg": mpr.phase_deg,
               "cycle number": np.ones(len(mpr))}
    mpt = read_spectrum(write_mpt(tmp_path / "ssb.mpt", records, decimal_comma))
    assert len(mpt) == len(mpr)
    assert np.allclose(mpt.frequency, mpr.frequency, rtol=1e-7)
    assert np.allclose(mpt.Z, mpr.Z, rtol=1e-7)
    assert mpt.meta["Electrode surface area"] == "0.785 cm²"
    assert read_spectrum(tmp_path / "ssb.mpt", area="header").area == pytest.approx(0.785e-4)


def test_mpt_operando_series_splits_by_cycle(tmp_path):
    f = np.logspace(4, -1, 11)
    sweeps = [rc_spectrum(f, R=10.0 * k) for k in (1, 2, 3)]
    records = {"freq/Hz": np.concatenate([s.frequency for s in sweeps]),
               "Re(Z)/Ohm": np.concatenate([s.real for s in sweeps]),
               "-Im(Z)/Ohm": np.concatenate([-s.imag for s in sweeps]),
               "cycle number": np.repeat([1.0, 2.0, 3.0], f.size)}
    path = write_mpt(tmp_path / "series.mpt", records)
    series = read_spectrum(path)
    assert isinstance(series, list) and len(series) == 3
    for got, want, k in zip(series, sweeps, (1, 2, 3), strict=True):
        assert np.allclose(got.Z, want.Z, rtol=1e-7)
        assert got.meta["split"] == f"cycle {k}"
        # the low-frequency intercept grows with the arc: R0 + R
        assert got.real[-1] == pytest.approx(2.0 + 10.0 * k, rel=0.01)
    assert len(read_spectra(path, split="cycle")) == 3
    assert len(read_spectra(path, split="sequence")) == 3
    with pytest.raises(SpectrumFileError, match="duplicate frequency"):
        read_spectrum(path, split=None)


# ---------------------------------------------------------------------------- CSV variants
def test_write_and_read_round_trip_for_one_spectrum_and_a_series(tmp_path):
    s = rc_spectrum().with_area(1e-4).with_label("one")
    assert read_spectrum(write_spectrum(s, tmp_path / "a.csv")) == s
    series = [rc_spectrum(R=r) for r in (1.0, 5.0)]
    back = read_spectrum(write_spectrum(series, tmp_path / "b.csv"), split="cycle")
    assert len(back) == 2
    assert all(a == b for a, b in zip(back, series, strict=True))


def test_header_units_minus_imag_and_decimal_comma(tmp_path):
    s = rc_spectrum()
    lines = ["Frequency (kHz);Z' (mOhm);-Z'' (mOhm)"]
    lines += [f"{f / 1e3:.12e};{z.real * 1e3:.12e};{-z.imag * 1e3:.12e}".replace(".", ",")
              for f, z in zip(s.frequency, s.Z, strict=True)]
    path = tmp_path / "units.csv"
    path.write_text("\n".join(lines))
    got = read_spectrum(path)
    assert np.allclose(got.frequency, s.frequency, rtol=1e-11)
    assert np.allclose(got.Z, s.Z, rtol=1e-11)


def test_modulus_phase_columns_tsv_and_explicit_options(tmp_path):
    s = rc_spectrum()
    path = tmp_path / "polar.tsv"
    rows = ["freq/Hz\t|Z|/Ohm\tPhase(Z)/deg"]
    rows += [f"{f!r}\t{abs(z)!r}\t{float(np.degrees(np.angle(z)))!r}"
             for f, z in zip(s.frequency.tolist(), s.Z.tolist(), strict=True)]
    path.write_text("\n".join(rows))
    assert np.allclose(read_spectrum(path).Z, s.Z, rtol=1e-12)
    # headerless file with other column order, kHz, radians given explicitly
    bare = tmp_path / "bare.dat"
    bare.write_text("\n".join(f"{float(np.angle(z))!r} {abs(z)!r} {f / 1e3!r}"
                              for f, z in zip(s.frequency.tolist(), s.Z.tolist(), strict=True)))
    got = read_spectrum(bare, columns={"phase": 0, "magnitude": 1, "frequency": 2},
                        units={"frequency": "kHz", "phase": "rad"})
    assert np.allclose(got.frequency, s.frequency, rtol=1e-12)
    assert np.allclose(got.Z, s.Z, rtol=1e-12)


def test_area_specific_columns_need_and_use_the_area(tmp_path):
    s = rc_spectrum()
    path = tmp_path / "asr.csv"
    rows = ["f (Hz),Z' (Ohm cm2),Z'' (Ohm cm2)"]
    rows += [f"{f!r},{z.real * 2.0!r},{z.imag * 2.0!r}"  # 2 cm^2 electrode
             for f, z in zip(s.frequency.tolist(), s.Z.tolist(), strict=True)]
    path.write_text("\n".join(rows))
    with pytest.raises(SpectrumFileError, match="area-specific"):
        read_spectrum(path)
    got = read_spectrum(path, area="2 cm^2")
    assert got.area == pytest.approx(2e-4)
    assert np.allclose(got.Z, s.Z, rtol=1e-12)
    assert np.allclose(got.values("ohm cm2"), 2.0 * s.Z, rtol=1e-12)


def test_positive_imaginary_capacitive_file_is_detected(tmp_path):
    s = rc_spectrum()
    path = tmp_path / "flipped.csv"
    path.write_text("\n".join(["freq,Zre,Zim"] + [f"{f!r},{z.real!r},{-z.imag!r}" for f, z in
                                                  zip(s.frequency.tolist(), s.Z.tolist(),
                                                      strict=True)]))
    with pytest.warns(SpectrumFileWarning, match="sign flipped"):
        auto = read_spectrum(path)
    assert np.allclose(auto.Z, s.Z)
    with pytest.raises(SpectrumFileError, match="mostly positive") as info:
        read_spectrum(path, sign="strict")
    assert "column 'Zim'" in str(info.value)
    assert np.allclose(read_spectrum(path, sign="as_is").Z, np.conj(s.Z))
    # an inductive (R-L) spectrum has Z'' > 0 legitimately: no flip
    f = np.logspace(5, 0, 20)
    inductive = tmp_path / "rl.csv"
    inductive.write_text("\n".join(f"{x!r},1.0,{2 * np.pi * x * 1e-6!r}" for x in f.tolist()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(read_spectrum(inductive).imag > 0)


def test_bad_options_are_parameter_errors(tmp_path):
    path = write_spectrum(rc_spectrum(), tmp_path / "ok.csv")
    with pytest.raises(ParameterError, match="split"):
        read_spectrum(path, split="cycles")
    with pytest.raises(ParameterError, match="sign"):
        read_spectrum(path, sign="negative")
    with pytest.raises(ParameterError, match="unknown role"):
        read_spectrum(path, columns={"freq": 0})
    with pytest.raises(ParameterError, match="area"):
        read_spectrum(path, area="3 V")
    with pytest.raises(FileNotFoundError):
        read_spectrum(tmp_path / "missing.csv")


# ---------------------------------------------------------------------------- malformed files
GOOD = "freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n1000,1.0,0.1\n100,1.5,0.4\n10,2.0,0.2\n"
MALFORMED = [
    # (file name, content (str or bytes), options, expected message, location text)
    ("empty.csv", "", {}, "file is empty", None),
    ("blank.csv", "\n  \n\n", {}, "file is empty", None),
    ("garbage.csv", bytes(range(256)) * 4, {}, "binary content", None),
    ("header_only.csv", "freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n", {}, "no numeric data", "line 1"),
    ("nan.csv", GOOD.replace("1.5,0.4", "nan,0.4"), {}, "non-finite", "line 3, column 'Re(Z)/Ohm'"),
    ("text.csv", GOOD.replace("0.2", "abc"), {}, "not a number: 'abc'",
     "line 4, column '-Im(Z)/Ohm'"),
    ("ragged.csv", GOOD.replace("100,1.5,0.4", "100,1.5"), {}, "expected 3 fields, found 2",
     "line 3"),
    ("dup.csv", GOOD + "100,1.7,0.3\n", {"split": None}, "duplicate frequency 100 Hz, also at "
     "line 3", "line 5, column 'freq/Hz'"),
    ("dup_auto.csv", GOOD.replace("10,2.0", "1000,2.0"), {}, "duplicate frequency 1000 Hz",
     "line 4"),
    ("negative_f.csv", GOOD.replace("\n10,", "\n-10,"), {}, "frequency must be > 0",
     "line 4, column 'freq/Hz'"),
    ("zero_f.csv", GOOD.replace("\n10,", "\n0,"), {}, "frequency must be > 0", "line 4"),
    ("few.csv", "freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n1000,1.0,0.1\n100,1.5,0.4\n", {},
     "too few points: 2", None),
    ("noimag.csv", "freq/Hz,Re(Z)/Ohm,time/s\n1000,1,0\n100,2,1\n10,3,2\n", {},
     "missing impedance column(s): imag", None),
    ("nofreq.csv", "time/s,Re(Z)/Ohm,-Im(Z)/Ohm\n1,1,0.1\n2,2,0.2\n3,3,0.3\n", {},
     "no frequency column", None),
    ("badunit.csv", "f (furlong),Z' (Ohm),Z'' (Ohm)\n1,1,-1\n2,2,-2\n3,3,-3\n", {},
     "unknown frequency unit", "column 'f (furlong)'"),
    ("flipped.csv", "f,Zre,Zim\n" + "".join(f"{10.0 ** -k},{2 + 10 / (1 + (10.0 ** -k) ** 2)},"
                                             f"{10 * 10.0 ** -k / (1 + (10.0 ** -k) ** 2)}\n"
                                             for k in range(-3, 4)),
     {"sign": "strict"}, "mostly positive", "column 'Zim'"),
    ("bad.mpt", "EC-Lab ASCII FILE\nNb header lines : 4\n\nfreq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n"
     "1000\t1\t0.1\n100\t1,5\t0.4\n10\tx\t0.2\n", {}, "not a number: 'x'",
     "line 7, column 'Re(Z)/Ohm'"),
    ("count.mpt", "EC-Lab ASCII FILE\nNb header lines : 40\n\nfreq/Hz\n1\t2\t3\n", {},
     "'Nb header lines : 40' but the file has 5 lines", "line 2"),
    ("nozcurve.DTA", "EXPLAIN\nTAG\tCV\nTITLE\tLABEL\tCyclic\tTest\n", {}, "no ZCURVE table",
     None),
    ("fake.mpr", b"not really a biologic file", {}, "not a BioLogic .mpr file", None),
]


@pytest.mark.parametrize("name, content, options, message, location", MALFORMED,
                         ids=[case[0] for case in MALFORMED])
def test_malformed_files_name_the_file_line_and_column(tmp_path, name, content, options,
                                                       message, location):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SpectrumFileError) as info:
        read_spectrum(path, **options)
    text = str(info.value)
    assert isinstance(info.value, ParameterError)
    assert str(path) in text
    assert message in text
    if location is not None:
        assert location in text


# ---------------------------------------------------------------------------- more layouts
def _dta(tables: list[Spectrum]) -> str:
    lines = ["EXPLAIN", "TAG\tEISPOT", "AREA\tQUANT\t0,5\tSample Area (cm^2)"]
    for s in tables:
        lines += ["ZCURVE\tTABLE", "\tPt\tTime\tFreq\tZreal\tZimag\tZmod\tZphz",
                  "\t#\ts\tHz\tohm\tohm\tohm\t°"]
        for k, (f, z) in enumerate(zip(s.frequency.tolist(), s.Z.tolist(), strict=True)):
            lines.append(f"\t{k}\t{k * 0.5}\t{f!r}\t{z.real!r}\t{z.imag!r}\t{abs(z)!r}\t"
                         f"{float(np.degrees(np.angle(z)))!r}")
        lines.append("EXPERIMENTABORTED\tTOGGLE\tF")
    return "\n".join(lines) + "\n"


def test_gamry_file_with_two_zcurve_tables_is_a_series(tmp_path):
    sweeps = [rc_spectrum(R=10.0), rc_spectrum(R=20.0)]
    path = tmp_path / "two.DTA"
    path.write_bytes(_dta(sweeps).encode("latin-1"))
    got = read_spectrum(path)
    assert isinstance(got, list) and len(got) == 2
    for a, b in zip(got, sweeps, strict=True):
        assert np.array_equal(a.frequency, b.frequency) and np.array_equal(a.Z, b.Z)
    assert got[0].meta["area_cm2_in_header"] == "0,5" and got[0].area is None
    assert read_spectra(path, area="header")[1].area == pytest.approx(0.5e-4)
    with pytest.raises(SpectrumFileError, match="declares no electrode area"):
        read_spectrum(write_spectrum(sweeps[0], tmp_path / "plain.csv"), area="header")


def test_zplot_rows_without_the_metadata_header_and_explicit_format(tmp_path):
    s = rc_spectrum()
    rows = [f"{f!r}\t0.01\t0\t{k}\t{z.real!r}\t{z.imag!r}\t0\t0\t4"
            for k, (f, z) in enumerate(zip(s.frequency.tolist(), s.Z.tolist(), strict=True))]
    path = tmp_path / "bare.z"
    path.write_text("\n".join(rows) + "\n")
    got = read_spectrum(path, format="z")  # ZPlot column order: f, ampl, bias, t, Z', Z''
    assert np.array_equal(got.Z, s.Z)
    with pytest.raises(SpectrumFileError, match="unknown format"):
        read_spectrum(path, format="xlsx")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, -1.0, 1.0, 10.0, 100.0, 1e3, np.nan]),
                          st.one_of(st.floats(-1e3, 1e3), st.sampled_from([np.nan, np.inf])),
                          st.one_of(st.floats(-1e3, 1e3), st.sampled_from([np.nan, -np.inf]))),
                max_size=12))
def test_any_numeric_table_reads_or_raises_a_parameter_error(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "t.csv"
    path.write_text("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + "".join(f"{a!r},{b!r},{c!r}\n"
                                                             for a, b, c in rows))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SpectrumFileWarning)
            got = read_spectra(path)
    except ParameterError as err:
        assert str(path) in str(err)
        return
    for s in got:  # what is accepted is a valid spectrum
        assert len(s) >= 3 and np.all(s.frequency > 0) and np.all(np.isfinite(s.Z))


def test_unsorted_frequencies_name_the_line(tmp_path):
    path = tmp_path / "unsorted.csv"
    path.write_text("1000,1,-1\n100,2,-2\n500,3,-3\n10,4,-4\n")
    with pytest.raises(ParameterError, match="unsorted frequencies") as info:
        read_spectrum(path, split=None)
    assert "line 3" in str(info.value)
