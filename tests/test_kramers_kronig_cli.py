"""``nakmodel kk``: verdict table, figures, summary CSV, exit codes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from nakmodel.cli import main  # noqa: E402
from nakmodel.io import write_spectrum  # noqa: E402
from nakmodel.spectrum import Spectrum  # noqa: E402

F = np.logspace(5, -2, 50)
W = 2 * np.pi * F


def _spectrum(drift: float, label: str) -> Spectrum:
    g = 1.0 + drift * np.linspace(0, 1, F.size)
    Z = 5.0 + 100 * g / (1 + 1j * W * 100 * g * 1e-6) + 30 * g / (1 + 1j * W * 30 * g * 1e-2)
    return Spectrum(F, Z, label=label)


def test_kk_cli_table_figures_and_exit_codes(tmp_path, capsys):
    good = write_spectrum(_spectrum(0.0, "stationary"), tmp_path / "good.csv")
    bad = write_spectrum(_spectrum(0.2, "drifting"), tmp_path / "bad.csv")
    out = tmp_path / "kk"
    assert main(["kk", str(good), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "stationary" in text and "pass" in text and "1/1 spectra pass" in text
    assert main(["kk", str(good), str(bad), "--out", str(out)]) == 1
    text = capsys.readouterr().out
    assert "FAIL" in text and "1/2 spectra pass" in text
    from nakmodel.tables import read_table

    rows, units = read_table(out / "kk_summary.csv")
    assert units["max_residual"] == "-" and units["fmin"] == "Hz"
    assert [r["spectrum"] for r in rows] == ["stationary", "drifting"]
    assert [r["passed"] for r in rows] == ["True", "False"]
    assert rows[1]["max_residual"] > 0.01 > rows[0]["max_residual"]
    assert (out / "stationary_kk.png").stat().st_size > 1000
    assert (out / "drifting_kk.png").stat().st_size > 1000
    table = np.loadtxt(out / "drifting_kk.csv", delimiter=",", skiprows=1)
    assert table.shape == (F.size, 7)
    assert np.abs(table[:, 5:]).max() == float(rows[1]["max_residual"])


def test_kk_cli_reports_unreadable_files_without_traceback(tmp_path, capsys):
    broken = tmp_path / "broken.csv"
    broken.write_text("freq,Zre,Zim\n1,2,3\n2,x,4\n3,4,5\n")
    assert main(["kk", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "'Zre'" in err and "Traceback" not in err
    assert main(["kk", str(broken), "--extend", "lots"]) == 2
