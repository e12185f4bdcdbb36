"""Layouts written here from their documented structure (round trips against known values).

Each test writes a file the way the instrument software does, from a spectrum with known
values, and checks the reader gives those values back: EC-Lab ``.mpr`` (old header,
unknown column ID), ``.mpt`` with comma decimals + CRLF + loops, Gamry GEIS in
ISO-8859-1, a truncated ZPlot sweep, VersaStudio and RelaxIS series, a Zahner sweep
with the overlapping start, Nova-style CSV in kΩ. Then the command line: bad files end
``nakmodel kk`` / ``nakmodel drt`` with a one-line error, never a traceback.
"""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest

from nakmodel.io import SpectrumFileError, SpectrumFileWarning, read_spectra, sniff_format
from nakmodel.spectrum import Spectrum


def rc(f=None, R0=2.0, R=10.0, C=1e-3):
    f = np.logspace(5, -1, 25) if f is None else f
    return Spectrum(f, R0 + R / (1 + 2j * np.pi * f * R * C))


def read(path, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spectra = read_spectra(path, **options)
    return spectra, [str(w.message) for w in caught if issubclass(w.category, SpectrumFileWarning)]


# ---------------------------------------------------------------------------- EC-Lab .mpr
def mpr_bytes(columns: list[tuple[int, str, np.ndarray]], version: int = 2) -> bytes:
    """An old-header ``.mpr``: signature, a settings module, a data module (see eclab_mpr)."""
    def module(short: bytes, body: bytes, version: int) -> bytes:
        return (b"MODULE" + short.ljust(10) + short.ljust(25) +
                struct.pack("<II", len(body), version) + b"01/02/24" + body)

    n = len(columns[0][2])
    head = struct.pack("<I", n) + bytes([len(columns)]) + struct.pack(
        f"<{len(columns)}H", *[cid for cid, _, _ in columns])
    head = head.ljust(0x195, b"\0")
    dtype = np.dtype([(str(cid), t) for cid, t, _ in columns])
    records = np.zeros(n, dtype=dtype)
    for cid, _, values in columns:
        records[str(cid)] = values
    signature = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\0\0\0\0"
    return (signature + module(b"VMP Set", b"\0" * 64, 0) +
            module(b"VMP data", head + records.tobytes(), version))


def test_mpr_old_header_with_an_unknown_column_id(tmp_path):
    s = rc()
    n = len(s)
    cols = [(32, "<f4", s.frequency), (37, "<f4", s.real), (38, "<f4", -s.imag),
            (4, "<f8", np.arange(n, dtype=float)), (999, "<f4", np.ones(n)),
            (24, "<f8", np.ones(n))]
    path = tmp_path / "old.mpr"
    path.write_bytes(mpr_bytes(cols))
    spectra, messages = read(path)
    assert len(messages) == 1 and "column IDs [999]" in messages[0]
    f32 = s.frequency.astype(np.float32).astype(float)
    assert np.array_equal(spectra[0].frequency, f32)
    assert np.allclose(spectra[0].Z, s.Z, rtol=1e-6)
    # two unknown IDs whose widths cannot be told apart from the record size
    cols[4] = (999, "<f8", np.ones(n))
    cols.insert(5, (998, "<u2", np.ones(n)))
    path.write_bytes(mpr_bytes(cols))
    with pytest.raises(SpectrumFileError, match=r"unknown column IDs \[999, 998\]"):
        read_spectra(path)


def test_mpr_loops_split_by_cycle_number(tmp_path):
    sweeps = [rc(R=10.0), rc(R=20.0), rc(R=40.0)]
    f = np.concatenate([s.frequency for s in sweeps])
    z = np.concatenate([s.Z for s in sweeps])
    cycle = np.repeat([1.0, 2.0, 3.0], len(sweeps[0]))
    path = tmp_path / "loops.mpr"
    path.write_bytes(mpr_bytes([(32, "<f4", f), (37, "<f4", z.real), (38, "<f4", -z.imag),
                                (24, "<f8", cycle), (77, "<f4", 0.1 * cycle)]))
    spectra, messages = read(path)
    assert messages == [] and [s.meta["cycle"] for s in spectra] == [1, 2, 3]
    assert [s.meta["dc_potential_V"] for s in spectra] == pytest.approx([0.1, 0.2, 0.3])
    for got, want in zip(spectra, sweeps, strict=True):
        assert np.allclose(got.Z, want.Z, rtol=1e-6)


# ---------------------------------------------------------------------------- EC-Lab .mpt
def test_mpt_comma_decimals_crlf_and_loops_without_cycle_column(tmp_path):
    sweeps = [rc(R=10.0), rc(R=25.0)]
    header = ["EC-Lab ASCII FILE", "Nb header lines : 5", "", "EC-LAB for windows v11.61",
              "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t<Ewe>/V\t<I>/mA"]
    rows = []
    for k, s in enumerate(sweeps):
        rows += [f"{f:.7E}\t{z.real:.7E}\t{-z.imag:.7E}\t{0.5 * k:.4E}\t{k:.4E}".replace(".", ",")
                 for f, z in zip(s.frequency, s.Z, strict=True)]
    path = tmp_path / "loops.txt"
    path.write_bytes("\r\n".join(header + rows).encode("cp1252") + b"\r\n")
    assert sniff_format(path) == "mpt"
    spectra, messages = read(path)
    assert messages == [] and [s.meta["loop"] for s in spectra] == [0, 1]
    assert [s.meta["dc_potential_V"] for s in spectra] == [0.0, 0.5]
    assert [s.meta["dc_current_A"] for s in spectra] == [0.0, 1e-3]
    for got, want in zip(spectra, sweeps, strict=True):
        assert np.allclose(got.Z, want.Z, rtol=1e-6)


# ---------------------------------------------------------------------------- Gamry, ZPlot
def test_gamry_geis_in_iso_8859_1(tmp_path):
    s = rc()
    lines = ["EXPLAIN", "TAG\tGALVEIS", "TITLE\tLABEL\tGalvanostatic EIS\tTest Identifier",
             "IDC\tQUANT\t1.00000E-003\tDC Current (A)", "NOTES\tNOTES\t1\tNotes...",
             "\tµ-cell", "ZCURVE\tTABLE", "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz",
             "\t#\ts\tHz\tohm\tohm\tV\tohm\t°"]
    lines += [f"\t{k}\t{k}\t{f!r}\t{z.real!r}\t{z.imag!r}\t1\t{abs(z)!r}\t0"
              for k, (f, z) in enumerate(zip(s.frequency.tolist(), s.Z.tolist(), strict=True))]
    path = tmp_path / "geis.DTA"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    spectra, messages = read(path)
    assert messages == [] and spectra[0] == s
    assert spectra[0].meta["technique"] == "GALVEIS"
    assert spectra[0].meta["dc_current_A"] == pytest.approx(1e-3)


def test_zplot_with_fewer_rows_than_declared_warns_with_both_counts(tmp_path):
    s = rc()
    lines = ["ZPLOT2 ASCII", "  Experiment Type:            Sweep Frequency, Control Voltage",
             "  Data Points:                40",
             "  Freq(Hz)\tAmpl\tBias\tTime(Sec)\tZ'(a)\tZ''(b)\tGD\tErr\tRange", "End Comments"]
    lines += [f"{f!r}\t0.01\t0.25\t{k}\t{z.real!r}\t{z.imag!r}\t0\t0\t4"
              for k, (f, z) in enumerate(zip(s.frequency.tolist(), s.Z.tolist(), strict=True))]
    path = tmp_path / "short.z"
    path.write_text("\n".join(lines) + "\n")
    spectra, messages = read(path)
    assert len(messages) == 1 and "declares 40 data points but only 25" in messages[0]
    assert spectra[0] == s and spectra[0].meta["dc_potential_V"] == 0.25


# ---------------------------------------------------------------------------- series
def test_versastudio_segments_and_relaxis_spectra_are_series(tmp_path):
    sweeps = [rc(R=10.0), rc(R=30.0)]
    par = ["<Application>", "Name=VersaStudio", "</Application>"]
    for k, s in enumerate(sweeps, start=1):
        par += [f"<Segment{k}>", "Type=2", "Definition=Segment #, Point #, E(V), I(A), "
                "Frequency(Hz), Z Real, Z Imag, 0"]
        par += [f"{k},{j},{0.1 * k!r},0,{f!r},{z.real!r},{z.imag!r}"
                for j, (f, z) in enumerate(zip(s.frequency.tolist(), s.Z.tolist(), strict=True))]
        par.append(f"</Segment{k}>")
    path = tmp_path / "series.par"
    path.write_text("\n".join(par) + "\n")
    got, messages = read(path)
    assert messages == [] and len(got) == 2 and all(a == b for a, b in zip(got, sweeps,
                                                                           strict=True))
    assert [s.meta["dc_potential_V"] for s in got] == pytest.approx([0.1, 0.2])
    rlx = ["RelaxIS 3.0 Spectrum export", "Date: 1/1/2025",
           "Data: Frequency\tData: Z'\tData: Z''\tData: |Z|\tData: Theta (Z)"]
    for k, s in enumerate(sweeps):
        rlx.append(f"DC={0.3 * k}, TM=25, J=0\tModel: none\tspectrum {k}\t\t")
        rlx += [f"{f!r}\t{z.real!r}\t{z.imag!r}\t{abs(z)!r}\t0"
                for f, z in zip(s.frequency.tolist()[::-1], s.Z.tolist()[::-1], strict=True)]
    path = tmp_path / "series.txt"
    path.write_text("\n".join(rlx) + "\n")
    assert sniff_format(path) == "relaxis"
    got, messages = read(path)
    assert messages == [] and [s.meta["dc_potential_V"] for s in got] == pytest.approx([0, .3])
    assert all(a.sorted() == b.sorted() for a, b in zip(got, sweeps, strict=True))


def test_zahner_sweep_with_overlapping_start_keeps_the_main_sweep(tmp_path):
    s = rc(np.logspace(5, -1, 25))
    f = np.concatenate([[1e3, 1e4], s.frequency])  # Thales: start at 1 kHz, up, then down
    z = np.concatenate([[s.Z[8] * 1.01, s.Z[4] * 1.01], s.Z])
    n = f.size
    body = b"".join(np.asarray(a, ">f8").tobytes() for a in (f, np.abs(z), np.angle(z),
                                                              np.arange(n, dtype=float)))
    strings = b"".join(len(t).to_bytes(2, "big") + t.swapcase().encode("ascii")
                       for t in ("010125", "sys01", "-0.5V, Ampl: 10mV"))
    raw = (b"\0\0\xff\xff\xff\xfe" + (n - 1).to_bytes(6, "big") + body +
           np.ones(n, ">i2").tobytes() + strings)
    path = tmp_path / "run.ism"
    path.write_bytes(raw)
    assert sniff_format(path) == "ism"
    spectra, messages = read(path)
    assert len(messages) == 1 and "dropped the first 2 point(s)" in messages[0]
    assert np.allclose(spectra[0].Z, s.Z, rtol=1e-12)
    assert spectra[0].meta["dc_potential_V"] == -0.5


def test_nova_style_semicolon_csv_in_kiloohm_with_minus_imag(tmp_path):
    s = rc(R=5e3)
    rows = ["Frequency (Hz);Z' (kΩ);−Z'' (kΩ);Time (s)"]
    rows += [f"{f!r};{z.real / 1e3!r};{-z.imag / 1e3!r};{k}"
             for k, (f, z) in enumerate(zip(s.frequency.tolist(), s.Z.tolist(), strict=True))]
    path = tmp_path / "nova.txt"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got, messages = read(path)
    assert messages == [] and np.allclose(got[0].Z, s.Z, rtol=1e-12)
    path.write_text("\n".join(rows) + "\n", encoding="utf-16")  # Excel "Unicode text"
    got, messages = read(path)
    assert messages == [] and np.allclose(got[0].Z, s.Z, rtol=1e-12)


# ---------------------------------------------------------------------------- command line
BAD = {
    "zero.csv": "freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n1000,0,0\n100,0,0\n10,0,0\n1,0,0\n",
    "text.csv": "freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n1000,1,-1\n100,x,-2\n10,3,-1\n",
    "header.csv": "freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n",
    "negative.csv": "freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n1000,-1,-1\n100,-2,-2\n10,-3,-1\n",
    "empty.mpr": "",
}


@pytest.mark.parametrize("command", ["kk", "drt"])
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_end_the_cli_with_one_line_naming_the_file(tmp_path, capsys, command, name):
    from nakmodel.cli import main

    path = tmp_path / name
    path.write_text(BAD[name])
    assert main([command, str(path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    text = captured.err + captured.out
    assert "Traceback" not in text and str(path) in text
    assert len([line for line in text.splitlines() if line.strip()]) == 1
