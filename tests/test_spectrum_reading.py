"""``Spectrum.from_csv`` reads through the reading layer of ``nakmodel.io`` without an import
cycle (issue #15): on real files its output is the file's numbers, bit for bit, and equal to
``read_spectrum``; it works in a fresh interpreter that imported only ``nakmodel.spectrum``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nakmodel.io import read_spectrum
from nakmodel.spectrum import Spectrum

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "validation" / "data" / "peer" / "exampleData.csv"  # impedance.py, MIT
CORPUS_CSV = sorted((SHARED / "eis-corpus").glob("*.csv")) if (SHARED / "eis-corpus").is_dir() \
    else []


def _same(a: Spectrum, b: Spectrum) -> bool:
    return (a.frequency.tobytes() == b.frequency.tobytes() and a.Z.tobytes() == b.Z.tobytes()
            and a.area == b.area and a.label == b.label and dict(a.meta) == dict(b.meta))


def test_from_csv_gives_the_numbers_of_a_real_file():
    """Headerless f [Hz], Z' [Ω], Z'' [Ω] (capacitive Z'' < 0): parsed independently with
    numpy, compared bit for bit."""
    s = Spectrum.from_csv(EXAMPLE)
    data = np.loadtxt(EXAMPLE, delimiter=",")
    assert s.frequency.tobytes() == data[:, 0].tobytes()
    assert s.Z.tobytes() == (data[:, 1] + 1j * data[:, 2]).tobytes()
    assert _same(s, read_spectrum(EXAMPLE, split=None))


@pytest.mark.parametrize("path", CORPUS_CSV, ids=lambda p: p.name)
def test_from_csv_equals_read_spectrum_on_the_corpus(path):
    try:
        expected = read_spectrum(path, split=None)
    except Exception as error:  # a file that cannot be one spectrum: the same error
        with pytest.raises(type(error)):
            Spectrum.from_csv(path)
        return
    assert _same(Spectrum.from_csv(path), expected)


def test_from_csv_without_importing_io_first(tmp_path):
    """A fresh interpreter that imported only nakmodel.spectrum reads a file and a round trip
    of to_csv (sidecar label and area restored)."""
    code = (
        "import sys\n"
        "from nakmodel.spectrum import Spectrum\n"
        "assert 'nakmodel.io' not in sys.modules\n"
        f"s = Spectrum.from_csv({str(EXAMPLE)!r})\n"
        "s = Spectrum(s.frequency, s.Z, area=7.85e-5, label='round trip')\n"
        f"back = Spectrum.from_csv(s.to_csv({str(tmp_path / 'x.csv')!r}))\n"
        "assert back == s and back.label == 'round trip' and back.area == 7.85e-5\n"
        "print(len(back))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == np.loadtxt(EXAMPLE, delimiter=",").shape[0]
