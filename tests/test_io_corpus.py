"""Every file of the shared EIS reader corpus against its independently agreed values.

``../shared/eis-corpus/reference_values.json`` holds, per file, the rows, first and last
frequency, Z at the first and last row and what the file stores as Z'', agreed by
several independent readers (galvani, yadg, pyimpspec, impedance.py, zahner-analysis,
plain parsers; none of them is this package). Files are read from the shared folder,
never copied into the repository.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from nakmodel.io import SpectrumFileWarning, read_spectra, sniff_format

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eis-corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(),
                                  reason=f"EIS reader corpus not found at {CORPUS}")
REFERENCE = (json.loads((CORPUS / "reference_values.json").read_text())
             if CORPUS.is_dir() else {})

# the warning each file is expected to raise (anything else fails the test)
EXPECTED_WARNINGS = {
    "impedancepy__exampleDataGamryABORT.DTA": "experiment was aborted",
    "impedancepy__exampleDataZPlot.z": "declares 56 data points but only 21",
    "impedancepy__exampleDataZPlot_noComments.z": "declares 79 data points but only 31",
    "impedancepy__exampleDataParstat.txt": "skipped 781 placeholder row(s)",
    "hybriddrt__Sample2_PEIS_AtRest.csv": "skipped 10 placeholder row(s)",
}
# format recognised from the content (renamed to .dat, the content alone decides)
FORMAT = {"mpt": "mpt", "mpr": "mpr", "DTA": "dta", "z": "z", "idf": "idf", "par": "par",
          "pssession": "pssession", "ism": "ism"}
CONTENT_FORMAT = {
    "hybriddrt__PEIS_LPSCl_IonBlocking_-25C.txt": "mpt",
    "impedancepy__exampleDataAutolab.txt": "z",
    "impedancepy__exampleDataCHInstruments.txt": "chi",
    "nomadce__CHI760E_EIS_-0.48V.txt": "chi",
    "hybriddrt__PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt": "relaxis",
}


def read_all(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spectra = read_spectra(CORPUS / name)
    messages = [str(w.message) for w in caught if issubclass(w.category, SpectrumFileWarning)]
    return spectra, messages


def rel(a, b):
    return abs(a - b) / abs(b)


@needs_corpus
def test_the_corpus_is_complete():
    assert len(REFERENCE) == 28


@needs_corpus
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_corpus_file_rows_frequencies_first_z_and_sign(name):
    ref = REFERENCE[name]
    spectra, messages = read_all(name)
    expected = EXPECTED_WARNINGS.get(name)
    assert len(messages) == (1 if expected else 0), messages
    if expected:
        assert expected in messages[0] and str(CORPUS / name) in messages[0]
    f = np.concatenate([s.frequency for s in spectra])
    Z = np.concatenate([s.Z for s in spectra])
    n_rows, f_last = ref["n_rows"], ref["f_last_hz"]
    if name == "hybriddrt__Sample2_PEIS_AtRest.csv":
        n_rows, f_last = 890, 0.009997264  # reference counts the 10 f = 0 placeholder rows
    assert f.size == n_rows
    tol = 1e-6
    assert rel(f[0], ref["f_first_hz"]) < tol and rel(f[-1], f_last) < tol
    z_first = complex(ref["z_first_ohm"]["re"], ref["z_first_ohm"]["im"])
    assert abs(Z[0] - z_first) <= tol * abs(z_first)
    # real and imaginary parts separately: the sign convention Z'' = Im Z, whatever the
    # file stores (-Im, Im or |Z| and phase)
    for got, want in ((Z[0].real, z_first.real), (Z[0].imag, z_first.imag)):
        assert np.sign(got) == np.sign(want) and abs(got - want) <= tol * abs(z_first)
    if name != "hybriddrt__Sample2_PEIS_AtRest.csv":  # last row there is a placeholder
        z_last = complex(ref["z_last_ohm"]["re"], ref["z_last_ohm"]["im"])
        assert abs(Z[-1] - z_last) <= tol * abs(z_last)
        assert np.sign(Z[-1].imag) == np.sign(z_last.imag)
    if "per_spectrum_n" in ref:
        assert [len(s) for s in spectra] == ref["per_spectrum_n"]
        assert [s.meta["loop"] for s in spectra] == list(range(len(spectra)))
    else:
        assert len(spectra) == (10 if "Sample2" in name else 1)


@needs_corpus
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_format_is_recognised_by_content(tmp_path, name):
    ext = name.rsplit(".", 1)[1]
    want = CONTENT_FORMAT.get(name, FORMAT.get(ext, "csv"))
    renamed = tmp_path / "data.dat"
    renamed.write_bytes((CORPUS / name).read_bytes())
    assert sniff_format(renamed) == want
    if want != "csv":
        assert sniff_format(CORPUS / name) == want


@needs_corpus
def test_loops_carry_their_cycle_and_dc_operating_point():
    spectra, _ = read_all("nomadce__PEIS_nesd.mpr")
    # 12 sweeps under cycle numbers 1..10: cycles 4 and 7 each hold two sweeps
    assert [s.meta["cycle"] for s in spectra] == [1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10]
    potentials = [s.meta["dc_potential_V"] for s in spectra]
    assert potentials[3] == pytest.approx(0.25, abs=0.01)
    assert potentials[4] == pytest.approx(0.50, abs=0.01)  # the second sweep of cycle 4
    series, _ = read_all("hybriddrt__Sample2_PEIS_AtRest.csv")
    assert [s.meta["cycle"] for s in series] == list(range(10))
    assert all(3.0 < s.meta["dc_potential_V"] < 3.1 for s in series)
    assert read_all("nomadce__geis-100ma.ism")[0][0].meta["dc_current_A"] == \
        pytest.approx(0.099916)
    assert read_all("nomadce__02_peis_ocv.ism")[0][0].meta["dc_potential_V"] == \
        pytest.approx(-0.2685)
    assert read_all("nomadce__CHI760E_EIS_-0.48V.txt")[0][0].meta["dc_potential_V"] == -0.48
    assert read_all("hybriddrt__PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt")[0][0].meta[
        "dc_potential_V"] == pytest.approx(-0.080042)
    gamry = read_all("impedancepy__exampleDataGamry.DTA")[0][0].meta
    # the mean of the measured Vdc column; the header's VDC -0.05 V is set vs. Eoc ("T")
    assert gamry["dc_potential_V"] == pytest.approx(-0.3411, abs=1e-3)
    assert gamry["VDC"] == "-5.00000E-002" and gamry["technique"] == "EISPOT"


@needs_corpus
def test_mpr_and_mpt_of_the_same_measurement_agree_to_float32():
    mpr, _ = read_all("impedancepy__exampleDataBioLogic.mpr")
    mpt, _ = read_all("impedancepy__exampleDataBioLogic.mpt")
    assert np.allclose(mpr[0].frequency, mpt[0].frequency, rtol=1e-6)
    assert np.allclose(mpr[0].Z, mpt[0].Z, rtol=1e-6, atol=0)


@needs_corpus
@pytest.mark.parametrize("name", [n for n in sorted(REFERENCE) if n.endswith(".mpr")])
def test_native_mpr_equals_galvani_where_galvani_reads_it(name):
    galvani = pytest.importorskip("galvani")
    try:
        records = galvani.BioLogic.MPRfile(str(CORPUS / name)).data
    except NotImplementedError as exc:  # galvani 0.5: column ID 215 (<Ece>/V) unknown
        pytest.skip(f"galvani cannot read {name}: {exc}")
    spectra, _ = read_all(name)
    f = np.concatenate([s.frequency for s in spectra])
    Z = np.concatenate([s.Z for s in spectra])
    assert np.array_equal(f, records["freq/Hz"].astype(float))
    assert np.array_equal(Z.real, records["Re(Z)/Ohm"].astype(float))
    assert np.array_equal(Z.imag, -records["-Im(Z)/Ohm"].astype(float))


@needs_corpus
def test_relaxis_export_equals_the_ec_lab_export_of_the_same_measurement():
    relaxis, _ = read_all("hybriddrt__PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt")
    eclab, _ = read_all("hybriddrt__PEIS_LPSCl_IonBlocking_-25C.txt")
    a, b = relaxis[0].sorted(), eclab[0].sorted()
    assert np.allclose(a.frequency, b.frequency, rtol=1e-6)
    assert np.allclose(a.Z, b.Z, rtol=1e-5)
