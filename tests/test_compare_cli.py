"""``nakmodel compare``: model vs a synthetic measurement (exit codes, table, files, --fit
output that `params check` accepts), bad input exit 2 before any solve."""

from __future__ import annotations

import csv
import math
import tomllib

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest

import nakmodel
from nakmodel.cli import main
from nakmodel.geometry import Cell
from nakmodel.spectrum import Spectrum

STUDY = """
[study]
name = "cmp"
kind = "impedance"

[parameters]
temperature = "25 degC"
"cell.pellet_thickness" = "200 um"
"nasicon.conductivity" = 0.1
"interface.exchange_current_density" = 10.0

[impedance]
scenario = "pristine"
compositions = ["NaK50"]
geometry = "1d"
"""
I0, SIGMA = "interface.exchange_current_density", "nasicon.conductivity"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The study, a measurement of the study's own cell (0.3 % noise) and one of a cell with
    i0 and σ different by factors 0.5 and 1.5."""
    folder = tmp_path_factory.mktemp("compare")
    study = folder / "study.toml"
    study.write_text(STUDY)
    base = nakmodel.load_parameters({"temperature": "25 degC", "alloy.composition": "NaK50",
                                     "cell.pellet_thickness": 200e-6, SIGMA: 0.1, I0: 10.0})
    cell_mesh = Cell.from_parameters(base, geometry="1d").build_mesh()
    f = np.logspace(6, -2, 41)
    rng = np.random.default_rng(11)
    out = {"study": study}
    for name, params in (("same", base), ("other", base.replace({I0: 5.0, SIGMA: 0.15}))):
        s = nakmodel.impedance(cell_mesh, params, f, method="direct")
        noise = 0.003 * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
        path = folder / f"{name}.csv"
        Spectrum(f, s.Z * (1 + noise), s.area, label=name).to_csv(path)
        out[name] = path
        if name == "same":  # the same data without an electrode area
            out["no_area"] = folder / "no_area.csv"
            Spectrum(f, s.Z * (1 + noise), None, label=name).to_csv(out["no_area"])
        out["area_cm2"] = 1e4 * s.area
    return out


def _peaks(path):
    with open(path) as handle:
        return [row for row in csv.DictReader(handle)]


def _table(path):
    """(rows keyed by column name, {name: unit}, sidecar) of a CSV the package wrote."""
    from nakmodel.tables import read_sidecar, read_table

    rows, units = read_table(path)
    return rows, units, read_sidecar(path)


def test_same_cell_passes(files, tmp_path, capsys):
    rc = main(["compare", str(files["same"]), "--study", str(files["study"]),
               "--area", repr(files["area_cm2"]), "--out", str(tmp_path)])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "tau ratio" in text and "1/1 comparisons pass" in text
    for suffix in ("_compare.csv", "_peaks.csv", "_compare.png"):
        assert (tmp_path / f"same{suffix}").stat().st_size > 0
    rows, units, meta = _table(tmp_path / "same_peaks.csv")
    assert units == {"tau_measured": "s", "tau_model": "s", "tau_ratio": "-",
                     "R_measured": "ohm*cm^2", "R_model": "ohm*cm^2", "R_ratio": "-"}
    assert meta["unit"] == "ohm*cm^2" and meta["area_specific"] and meta["passed"]
    matched = [r for r in rows if not math.isnan(r["tau_ratio"])]
    assert matched
    for r in matched:  # the same cell: every peak at the same τ within 5 %
        assert abs(r["tau_ratio"] - 1) < 0.05
    rows, units, _ = _table(tmp_path / "same_compare.csv")
    assert units["frequency"] == "Hz" and units["Z_real_measured"] == "ohm*cm^2"
    assert len(rows) > 10 and all(r["frequency"] > 0 for r in rows)


def test_other_cell_fails_then_fit_recovers(files, tmp_path, capsys):
    rc = main(["compare", str(files["other"]), "--study", str(files["study"]),
               "--area", repr(files["area_cm2"]), "--out", str(tmp_path), "--max-distance",
               "0.2", "--fit", I0, SIGMA])
    text = capsys.readouterr().out
    assert rc == 1, text  # i0 halved: the interface arc is twice as large
    assert "after the fit" in text
    toml = tmp_path / "other_fit_parameters.toml"
    assert main(["params", "check", str(toml)]) == 0
    fitted = tomllib.loads(toml.read_text())
    i0 = fitted["interface"]["exchange_current_density"]
    sigma = fitted["nasicon"]["conductivity"]
    value = float(str(i0["value"]).split()[0])
    assert value == pytest.approx(5.0, rel=0.03)
    assert float(str(sigma["value"]).split()[0]) == pytest.approx(0.15, rel=0.03)
    assert "fit to" in i0["source"] and i0["tag"] == "fit"
    assert (tmp_path / "other_fit.png").stat().st_size > 0
    table = _peaks(tmp_path / "other_fit_table.csv")
    assert {r["key"] for r in table} == {I0, SIGMA}


def test_without_area_compares_ohms_of_the_model_cell(files, tmp_path, capsys):
    """No area anywhere: the model cell's absolute impedance [Ω] is compared (and said)."""
    rc = main(["compare", str(files["no_area"]), "--study", str(files["study"]),
               "--out", str(tmp_path)])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "no electrode area" in text
    rows, units, meta = _table(tmp_path / "no_area_peaks.csv")
    assert units["R_measured"] == units["R_model"] == meta["unit"] == "ohm"
    assert not meta["area_specific"]
    for r in rows:
        if not math.isnan(r["R_ratio"]):
            assert abs(r["R_ratio"] - 1) < 0.1


@pytest.mark.parametrize("extra, match", [
    (["--fit", "cell.pellet_radius"], "changes the mesh"),
    (["--area", "-1"], "--area"),
    (["--composition", "NaK200"], "composition"),
])
def test_bad_input_exit_2(files, tmp_path, capsys, extra, match):
    rc = main(["compare", str(files["same"]), "--study", str(files["study"]),
               "--out", str(tmp_path), *extra])
    assert rc == 2
    assert match in capsys.readouterr().err


def test_unusable_study_and_missing_file(files, tmp_path, capsys):
    study = tmp_path / "thermo.toml"
    study.write_text('[study]\nname = "t"\nkind = "thermodynamics"\n')
    assert main(["compare", str(files["same"]), "--study", str(study)]) == 2
    assert "study.kind" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "missing.csv"), "--study",
                 str(files["study"])]) == 2
