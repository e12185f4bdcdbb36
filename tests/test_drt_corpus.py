"""The default DRT on every real measured spectrum that ``read_spectrum`` can read.

Files: ``../shared/peer-data`` and ``../shared/eis-corpus`` next to the repository (skipped
with the reason when absent).  Every file is tried, so the files the readers cannot read
yet are covered as soon as they can (a skip names the reader's refusal).

On every spectrum: the automatic λ is not at a bound of the search range (no
:class:`LambdaBoundWarning`), R∞ lies between 0 and the real part at the highest
frequency with Z' ≥ 0 (+1 % of |Z|: the intercept is not absorbed into a peak, nor
invented), no reported
relaxation lies outside the measured τ window, and the fit reproduces the data to within
a few per cent where the data are Kramers–Kronig consistent.  And ``nakmodel drt`` gives
exactly the λ, R∞ and peaks of the README's Python call ``nakmodel.drt.compute(s)``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from nakmodel.drt import LambdaBoundWarning, compute, kramers_kronig, load_drt

SHARED = Path(__file__).resolve().parents[2] / "shared"
FOLDERS = (SHARED / "peer-data", SHARED / "eis-corpus")
NOT_DATA = re.compile(r"^(LICENSE|README)|\.(md|json|txt\.license)$", re.IGNORECASE)


def _files():
    found = []
    for folder in FOLDERS:
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file()
                            and not NOT_DATA.search(p.name))
    return found


FILES = _files()
PEER_FILES = [p for p in FILES if p.parent.name == "peer-data"]


def _spectra(path):
    from nakmodel.io import read_spectrum

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = read_spectrum(path)
    except Exception as exc:  # not readable yet: the readers' work, not the DRT's
        pytest.skip(f"read_spectrum cannot read {path.name} yet: "
                    f"{type(exc).__name__}: {str(exc)[:120]}")
    return found if isinstance(found, list) else [found]


@pytest.mark.skipif(not FILES, reason=f"no measured spectra in {FOLDERS[0]} or {FOLDERS[1]}")
@pytest.mark.parametrize("path", FILES or [None], ids=lambda p: p.name if p else "none")
def test_default_drt_on_measured_file(path):
    for k, spectrum in enumerate(_spectra(path)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            drt = compute(spectrum)
        where = f"{path.name}[{k}]"
        bound = [str(w.message) for w in caught if issubclass(w.category, LambdaBoundWarning)]
        assert not bound, f"{where}: {bound}"
        assert not drt.lambda_at_bound, where
        lo, hi = drt.settings["lambda_range"]
        assert lo < drt.lam < hi, where
        assert drt.lambda_choice.reason, where
        # R∞ ≤ Z'(f_max) for R∞ + iωL + arcs; 1 % of |Z| for the instruments' own errors.
        # A row with Z' < 0 is not a passive one-port (Re Z ≥ 0) but an instrument artefact
        # (the Parstat export's 10 kHz row): the highest frequency with Z' ≥ 0 is used
        rows = np.flatnonzero(spectrum.Z.real >= 0)
        z_top = spectrum.Z[rows[np.argmax(spectrum.frequency[rows])]]
        assert 0.0 <= drt.R_inf <= z_top.real + 0.01 * abs(z_top), \
            f"{where}: R_inf {drt.R_inf} vs Z'(f_max) {z_top.real}"
        t_lo, t_hi = drt.window
        for p in drt.relaxations():
            assert t_lo * (1 - 1e-9) <= p.tau <= t_hi * (1 + 1e-9), where
        for p in drt.peaks():
            assert p.extrapolated == (not t_lo * (1 - 1e-9) <= p.tau <= t_hi * (1 + 1e-9))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kk = kramers_kronig(spectrum)
        if kk.passed:  # consistent data: the DRT model fits them too
            rms = float(np.sqrt(np.mean(np.abs(drt.relative_residuals) ** 2)))
            assert rms < 0.02, f"{where}: DRT rms residual {rms:.3g} on KK-consistent data"


@pytest.mark.skipif(not PEER_FILES, reason=f"{FOLDERS[0]} not available")
def test_cli_and_python_give_the_same_lambda_and_peaks(tmp_path, capsys):
    """``nakmodel drt FILE`` against the README's ``nakmodel.drt.compute(spectrum)``."""
    from nakmodel.cli import main
    from nakmodel.io import read_spectrum

    readable = []
    for path in PEER_FILES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read_spectrum(path)
            readable.append(path)
        except Exception:
            continue
    assert readable
    assert main(["drt", *map(str, readable), "--out", str(tmp_path), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["drt", *map(str, readable), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for path in readable:
        found = read_spectrum(path)
        spectra = found if isinstance(found, list) else [found]
        for k, spectrum in enumerate(spectra):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                api = compute(spectrum)
            assert api.summary() in out, f"{path.name}[{k}]"
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem + (f"_{k}" if len(spectra) > 1
                                                                  else "")).strip("_")
            saved = load_drt(tmp_path / f"{name}_drt.csv")
            assert saved.meta["lambda"] == pytest.approx(api.lam, rel=1e-5)
            assert saved.R_inf == pytest.approx(api.R_inf, rel=1e-8, abs=1e-12)
            np.testing.assert_allclose(saved.gamma, api.gamma, rtol=1e-8,
                                       atol=1e-9 * np.max(np.abs(api.gamma)))
