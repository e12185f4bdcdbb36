"""Results a scientist can compare and share (issue #18): units in every CSV header,
provenance in every output folder, a fitted parameter file driving a study, plots for
every study kind, display units, CCD diagnostics in the API."""

from __future__ import annotations

import csv
import json
import math
import tomllib
from pathlib import Path

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest

import nakmodel
from nakmodel.cli import main
from nakmodel.parameters import iter_schema, load_parameters
from nakmodel.study import load_study

I0 = "interface.exchange_current_density"
ROOT = Path(__file__).resolve().parents[1]


def _ccd_table(**extra):
    table = {"geometry": "1d", "alloy_thickness": "20 um", "compositions": ["NaK50"],
             "directions": ["strip"], "start": "0.5 mA/cm2", "stop": "20 mA/cm2",
             "step": "0.5 mA/cm2", "hold": "60 s", "voltage_limit": "1 V",
             "stop_at_liquidus": True, "error_tolerance": 0.03}
    table.update(extra)
    return table


def _write_study(path: Path, study: dict) -> Path:
    """A study dict as TOML text (values are strings, numbers, booleans and lists)."""
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return repr(v)

    lines = []
    for table, entries in study.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {value(v)}" for k, v in entries.items()]
        lines.append("")
    path.write_text("\n".join(lines))
    return path


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """A parameter file written by ``fit_model(...).to_toml()``: i0 fitted to a synthetic
    spectrum of a cell whose i0 is 2x the default."""
    from nakmodel.fe_model_fit import fit_model
    from nakmodel.geometry import Cell

    truth = load_parameters().replace({I0: "20 A/m^2"})
    cell_mesh = Cell.from_parameters(truth, geometry="1d").build_mesh()
    f = np.logspace(6, -1, 22)
    measured = nakmodel.impedance(cell_mesh, truth, f, method="direct")
    measured = nakmodel.Spectrum(f, measured.Z, measured.area, label="synthetic",
                                 meta={"path": "synthetic.csv"})
    result = fit_model(measured, cell_mesh, load_parameters(), fit=(I0,))
    folder = tmp_path_factory.mktemp("fitted")
    path = folder / "fitted.toml"
    path.write_text(result.to_toml())
    return path, result


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, fitted):
    """One small run of every study kind, a sweep, and the CCD study driven by the fitted
    file through ``[parameters] file =`` (run) and ``--params`` (CLI)."""
    root = tmp_path_factory.mktemp("kinds")
    fitted_path, _ = fitted
    (root / "studies").mkdir()
    (root / "studies" / "fitted.toml").write_text(fitted_path.read_text())
    studies = {
        "ccd": {"study": {"name": "ccd", "kind": "ccd"},
                "parameters": {"file": "fitted.toml", "temperature": "25 degC"},
                "ccd": _ccd_table()},
        "simulation": {"study": {"name": "sim", "kind": "simulation"},
                       "simulation": {"geometry": "1d", "alloy_thickness": "50 um",
                                      "compositions": ["NaK65"],
                                      "protocol": ["Strip at 2 mA/cm2 for 5 min",
                                                   "Rest for 5 min"],
                                      "error_tolerance": 0.03}},
        "impedance": {"study": {"name": "eis", "kind": "impedance"},
                      "impedance": {"scenario": "pristine", "compositions": ["NaK65"],
                                    "points_per_decade": 5, "f_min": "0.1 Hz",
                                    "f_max": "1 MHz", "drt": True}},
        "flaw_size": {"study": {"name": "fs", "kind": "flaw_size"},
                      "flaw_size": {"depths": ["10 um", "20 um"],
                                    "fracture_toughness": ["1.25 MPa*m^0.5"]}},
        "thermodynamics": {"study": {"name": "thermo", "kind": "thermodynamics"},
                           "thermodynamics": {"compositions": ["NaK50", "NaK80"]}},
    }
    folders = {}
    for kind, data in studies.items():
        path = _write_study(root / "studies" / f"{kind}.toml", data)
        folders[kind] = root / "out" / kind
        assert main(["run", str(path), "--out", str(folders[kind]), "-q"]) == 0, kind
    # the same CCD study without `file =`, the fitted file given on the command line
    plain = dict(studies["ccd"], parameters={"temperature": "25 degC"})
    path = _write_study(root / "studies" / "ccd_plain.toml", plain)
    folders["ccd_params"] = root / "out" / "ccd_params"
    assert main(["run", str(path), "--params", str(fitted_path), "--out",
                 str(folders["ccd_params"]), "-q"]) == 0
    sweep = {"study": {"name": "tsweep", "kind": "thermodynamics"},
             "thermodynamics": {"compositions": ["NaK50"]},
             "sweep": {"mode": "cartesian"}}
    path = _write_study(root / "studies" / "sweep.toml", sweep)
    path.write_text(path.read_text() + '[[sweep.parameter]]\nkey = "temperature"\n'
                    'values = ["20 degC", "30 degC"]\n')
    folders["sweep"] = root / "out" / "sweep"
    assert main(["sweep", str(path), "--out", str(folders["sweep"]), "-q"]) == 0
    return folders


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_every_written_csv_has_a_unit_in_each_numeric_column(outputs):
    files = [p for folder in outputs.values() for p in folder.rglob("*.csv")]
    kinds = {p.name for p in files}
    for expected in ("ccd_results.csv", "timeseries.csv", "interface_profiles.csv",
                     "summary.csv", "impedance_summary.csv", "NaK65_spectrum.csv",
                     "NaK65_modes.csv", "flaw_size.csv", "thermo_summary.csv", "results.csv"):
        assert expected in kinds, (expected, sorted(kinds))
    for path in files:
        _assert_units_in_header(path)


def _assert_units_in_header(path):
    text = path.read_text()
    assert not text.startswith("#"), f"{path}: comment line (metadata goes in a sidecar)"
    rows = list(csv.reader(text.splitlines()))
    header, data = rows[0], [r for r in rows[1:] if r]
    assert data, path
    for k, name in enumerate(header):
        values = [r[k] for r in data if k < len(r) and r[k] != ""]
        if values and all(_is_number(v) for v in values) and name != "point_id":
            assert name.endswith("]") and " [" in name and name.split(" [")[1][:-1], \
                f"{path.name}: numeric column {name!r} has no unit"


def test_drt_and_kk_commands_write_csvs_with_units(tmp_path):
    """``nakmodel drt`` and ``nakmodel kk`` on a measured-like file (``nakmodel compare`` is
    checked in tests/test_compare_cli.py)."""
    from nakmodel.drt import load_drt

    f = np.logspace(5, -1, 40)
    z = 2 + 10 / (1 + 1j * 2 * np.pi * f * 1e-3) + 5 / (1 + 1j * 2 * np.pi * f * 0.1)
    source = tmp_path / "cell.csv"
    nakmodel.Spectrum(f, z, label="cell").to_csv(source)
    assert main(["drt", str(source), "--out", str(tmp_path / "drt"), "-q"]) == 0
    assert main(["kk", str(source), "--out", str(tmp_path / "kk"), "-q"]) == 0
    files = sorted((tmp_path / "drt").glob("*.csv")) + sorted((tmp_path / "kk").glob("*.csv"))
    assert {p.name for p in files} >= {"cell_drt.csv", "cell_kk.csv", "kk_summary.csv"}
    for path in files:
        _assert_units_in_header(path)
    saved = load_drt(tmp_path / "drt" / "cell_drt.csv")
    assert saved.unit == "ohm" and saved.R_inf == pytest.approx(2, rel=0.05)
    assert saved.polarization_resistance == pytest.approx(15, rel=0.05)


def test_csv_metadata_lives_in_sidecars_and_reloads(outputs):
    from nakmodel.drt import load_drt
    from nakmodel.model.result import Result

    run = outputs["ccd"] / "NaK50_strip"
    result = Result.load(run)
    assert result.termination and len(result) > 3
    assert math.isfinite(result.nominal_area) and result.profiles
    assert np.allclose(result.capacity_mAh_cm2, result.capacity / 36000.0)
    spectrum = nakmodel.Spectrum.from_csv(outputs["impedance"] / "NaK65_spectrum.csv")
    assert spectrum.area is not None and len(spectrum) > 10
    drts = list(outputs["impedance"].rglob("*drt*.csv"))
    for path in drts:
        saved = load_drt(path)
        assert saved.tau.size > 10 and saved.unit in ("ohm", "ohm m^2")


def test_fitted_file_drives_a_ccd_study_via_file_and_via_params(outputs, fitted):
    _, result = fitted
    value = result.values[I0]
    assert value == pytest.approx(20.0, rel=1e-3)  # the fit recovers the synthetic truth
    for name in ("ccd", "ccd_params"):
        folder = outputs[name]
        used = load_parameters(folder / "parameters.toml")
        assert used.get(I0) == pytest.approx(value, rel=1e-13)
        assert used.sources[I0][0].startswith("fit to synthetic.csv")
        assert (folder / "ccd_results.csv").is_file()
        prov = json.loads((folder / "provenance.json").read_text())
        assert prov["parameter_file"]["path"].endswith("fitted.toml")
    # the same parameters and the same scan: the same CCD either way
    a = (outputs["ccd"] / "ccd_results.csv").read_text()
    b = (outputs["ccd_params"] / "ccd_results.csv").read_text()
    assert a == b


def test_file_is_relative_to_the_study_and_overrides_apply_on_top(tmp_path, fitted):
    fitted_path, result = fitted
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.toml").write_text(fitted_path.read_text())
    path = _write_study(tmp_path / "s.toml", {
        "study": {"name": "s", "kind": "ccd"},
        "parameters": {"file": "sub/mine.toml", "nasicon.conductivity": "2 mS/cm"},
        "ccd": _ccd_table()})
    study = load_study(path)
    assert study.parameters.get(I0) == pytest.approx(result.values[I0], rel=1e-13)
    assert study.parameters.get("nasicon.conductivity") == pytest.approx(0.2)
    path.write_text(path.read_text().replace("sub/mine.toml", "missing.toml"))
    with pytest.raises(nakmodel.ParameterError, match="parameters.file"):
        load_study(path)


def test_provenance_and_parameters_in_run_and_sweep_folders(outputs):
    for name in ("ccd", "simulation", "impedance", "flaw_size", "thermodynamics", "sweep"):
        folder = outputs[name]
        prov = json.loads((folder / "provenance.json").read_text())
        for key in ("nakmodel", "dolfinx", "petsc", "numpy", "git_commit", "command",
                    "start_time", "end_time", "host", "mpi_size"):
            assert key in prov, (name, key)
        assert prov["nakmodel"] == nakmodel.__version__ and prov["mpi_size"] == 1
        assert prov["end_time"] >= prov["start_time"]
        assert prov["command"][:2] in (["nakmodel", "run"], ["nakmodel", "sweep"])
        assert (folder / "study.toml").is_file()
        text = (folder / "parameters.toml").read_text()
        assert "0.09999999999999999" not in text and "00000000001" not in text
        reloaded = load_parameters(folder / "parameters.toml")
        original = load_study(folder / "study.toml").parameters if name != "ccd" else None
        if original is not None:
            for key, _meta in iter_schema():
                a, b = reloaded.get(key), original.get(key)
                if isinstance(a, float):
                    assert a == pytest.approx(b, rel=1e-14, abs=0.0), key
                else:
                    assert a == b, key
    points = list((outputs["sweep"] / "points").iterdir())
    assert len(points) == 2
    temps = sorted(load_parameters(p / "parameters.toml").temperature for p in points)
    assert temps == pytest.approx([293.15, 303.15])


@pytest.mark.parametrize("name", ["ccd", "simulation", "impedance", "flaw_size",
                                  "thermodynamics", "sweep"])
def test_nakmodel_plot_on_a_folder_of_every_kind(outputs, name, tmp_path, capsys):
    assert main(["plot", str(outputs[name]), "--out", str(tmp_path), "--pdf"]) == 0
    pngs = list(tmp_path.glob("*.png"))
    assert pngs and all(p.stat().st_size > 5000 for p in pngs), capsys.readouterr()
    assert {p.stem for p in tmp_path.glob("*.pdf")} == {p.stem for p in pngs}


def test_ccd_result_carries_the_inventory_diagnostics(outputs):
    """The thin (20 um) NaK50 layer stripped on a ramp: the CCD is the inventory used up at
    that ramp rate; the API says so exactly as ccd_results.csv and summary.md do."""
    import warnings

    from nakmodel.ccd_extraction import InventoryLimitedWarning, extract_ccd
    from nakmodel.model.result import Result
    from nakmodel.tables import read_table

    study = load_study(outputs["ccd"] / "study.toml")
    run = Result.load(outputs["ccd"] / "NaK50_strip")
    params = study.parameters.replace({"alloy.composition": "NaK50"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = extract_ccd(run, direction="strip", parameters=params,
                          levels=study.options.levels(), hold=study.options.hold,
                          criteria=__import__("nakmodel.study.ccd", fromlist=["x"])
                          .criteria_for(study.options, params))
    (row,), units = read_table(outputs["ccd"] / "ccd_results.csv")
    assert units["inventory"] == "C/m^2" and units["ccd"] == "A/m^2"
    assert res.inventory == pytest.approx(row["inventory"], rel=1e-9)
    assert res.capacity_over_inventory == pytest.approx(
        row["critical_capacity_over_inventory"], rel=1e-9)
    assert res.inventory_limited_ccd == pytest.approx(row["ccd_inventory_limit"], rel=1e-9)
    # lever-rule inventory of a uniform 20 um layer (thermo.inventory, independent route)
    from nakmodel import thermo

    q = thermo.inventory(params.alloy.composition.x_na, params.temperature, to="K-liquidus",
                         thickness=20e-6, params=params)
    assert res.inventory == pytest.approx(q, rel=0.02)
    assert res.inventory_limited and row["inventory_limited"] == "yes"
    assert any(issubclass(w.category, InventoryLimitedWarning) for w in caught)
    assert "INVENTORY-LIMITED" in res.diagnosis()
    # without the protocol's levels and hold: read from the run's current column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InventoryLimitedWarning)
        bare = extract_ccd(run, direction="strip", parameters=params,
                           criteria=__import__("nakmodel.study.ccd", fromlist=["x"])
                           .criteria_for(study.options, params))
    assert bare.inventory_limited_ccd == pytest.approx(res.inventory_limited_ccd, rel=1e-9)
    assert bare.ccd == res.ccd and bare.inventory_limited
    assert "**yes**" in (outputs["ccd"] / "summary.md").read_text()
    # CCD values are the protocol levels they represent (no 3.8000000000145)
    levels = study.options.levels()
    assert res.ccd in levels and repr(res.ccd_mA_cm2) == repr(round(res.ccd_mA_cm2, 6))


def test_stepped_protocol_is_read_from_a_noisy_current_column():
    from nakmodel.ccd_extraction import inventory_limited_level, stepped_protocol

    rng = np.random.default_rng(1)
    levels = [5.0, 10.0, 15.0, 20.0]
    t, i = [0.0], [0.0]
    for level in levels:  # 4 sub-steps per 60 s level, then a 30 s rest
        for _ in range(4):
            t.append(t[-1] + 15.0)
            i.append(level * (1 + 1e-9 * rng.standard_normal()))
        t += [t[-1] + 30.0]
        i += [0.0]
    t, i = t[:-3], i[:-3]  # the run stops inside the last level
    found, hold = stepped_protocol(t, i)
    assert found == levels and hold == 60.0
    assert stepped_protocol(t, -np.asarray(i), sign=-1.0) == (levels, 60.0)
    assert stepped_protocol([0, 1, 2], [0, 5, 5]) == ([], None)
    assert inventory_limited_level(found, hold, 1000.0) == 15.0  # 300 + 600 + 900 C/m^2


def test_relaxation_spectrum_rows_iterate_as_tau_r_region():
    from nakmodel.geometry import Cell

    params = load_parameters()
    cell_mesh = Cell.from_parameters(params, geometry="1d").build_mesh()
    modes = nakmodel.relaxation_spectrum(cell_mesh, params)
    rows = list(modes)
    assert len(rows) == len(modes) > 3
    for tau, R, region in rows:
        assert tau > 0 and math.isfinite(R) and isinstance(region, str)
    taus = [t for t, _, _ in rows]
    assert taus == sorted(taus, reverse=True)  # slowest first, as table()
    # the rows rebuild the spectrum: Z(0) - Z_inf = sum R (exact modes, physics check)
    total = sum(R for _, R, _ in modes)
    assert total == pytest.approx(modes.total_resistance, rel=1e-12)
    from nakmodel.impedance.linear import RelaxationSpectrum

    base = RelaxationSpectrum(modes.tau, modes.R, modes.Z_inf, list(modes.region))
    assert len(repr(base)) < 200 and "modes" in repr(base)


def test_display_units_layer():
    from nakmodel.display_units import (
        format_value,
        shortest_float_text,
        snap_to_levels,
        split_header,
        to_display,
    )

    assert to_display(38.0, "A/m^2") == pytest.approx(3.8)
    assert to_display(36000.0, "C/m^2") == pytest.approx(1.0)
    assert to_display(1e-4, "ohm*m^2") == pytest.approx(1.0)
    assert to_display(298.15, "K") == pytest.approx(25.0)
    assert format_value(1e-4, "m") == "100 µm"
    assert split_header("ccd [A/m^2]") == ("ccd", "A/m^2")
    assert snap_to_levels(38.000000000145, [37.0, 38.0]) == 38.0
    assert shortest_float_text(0.1 * 3) == "0.3" and shortest_float_text(1e-3) == "0.001"


def test_area_specific_spectrum_and_drt_label_their_unit():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.drt import compute

    f = np.logspace(5, -2, 50)
    z = 1e-4 * (1 + 10 / (1 + 1j * 2 * np.pi * f * 1e-3))  # 1 + 10 Ω cm² RC, in Ω m²
    spec = nakmodel.Spectrum(f, z, None, meta={"unit": "ohm m^2"})
    fig, (a, b) = plt.subplots(1, 2)
    spec.plot_nyquist(a)
    assert "Ω cm²" in a.get_xlabel()
    assert max(a.lines[0].get_xdata()) == pytest.approx(11.0, rel=1e-3)
    drt = compute(spec)
    drt.plot(b)
    assert "Ω cm²" in b.get_ylabel()
    peak = max(drt.peaks(), key=lambda p: p.R)
    assert peak.unit == "ohm m^2" and peak.R == pytest.approx(1e-3, rel=0.05)
    plt.close(fig)


def test_cli_help_is_complete_and_lazy():
    """Every subcommand module's one-line help equals the listing of ``nakmodel --help``
    (which imports none of them), and every option has a help text."""
    import argparse

    from nakmodel.cli import COMMANDS, build_parser

    parser = build_parser("*")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert set(helps) == set(COMMANDS)
    for name, (_, text) in COMMANDS.items():
        assert helps[name] == text, name
        command = sub.choices[name]
        assert command.description, name
        for action in command._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, (name, action.option_strings)
    mesh = sub.choices["mesh"]
    options = {o for a in mesh._actions for o in a.option_strings}
    assert {"--quiet", "--out", "--pellet-thickness"} <= options
    thickness = next(a for a in mesh._actions if "--pellet-thickness" in a.option_strings)
    assert "L_n" not in thickness.help and "pellet" in thickness.help


def test_shipped_parameter_toml_floats_have_no_binary_noise():
    p = load_parameters({"nasicon.conductivity": "1 mS/cm", "cell.alloy_thickness": "0.1 mm"})
    text = p.to_toml()
    data = tomllib.loads(text)
    assert data["nasicon"]["conductivity"]["value"] == "0.1 S/m"
    assert data["cell"]["alloy_thickness"]["value"] == "0.0001 m"


def test_fast_unit_table_agrees_with_pint():
    """The pint-free parser of parameter-file units (nakmodel.unit_table) against pint, the
    independent reference, for every symbol and prefix it knows and typical expressions."""
    from nakmodel import units
    from nakmodel.unit_table import _NO_PREFIX, PREFIXES, UNITS, parse

    ureg = units.registry()
    pint_names = {"ohm": "ohm", "at_pct": "at_pct", "atpct": "at_pct", "wt_pct": "wt_pct",
                  "wtpct": "wt_pct", "Ah": "A*h", "l": "L", "hr": "hour", "d": "day"}
    symbols = list(UNITS) + [p + s for s in UNITS if s not in _NO_PREFIX for p in PREFIXES]
    for sym in symbols:
        name = sym[1:] if sym not in UNITS else sym
        prefix = sym[0] if sym not in UNITS else ""
        text = prefix + pint_names.get(name, name) if name != "Ah" else f"{prefix}A*h"
        factor, _ = parse(sym)
        reference = ureg.Quantity(1.0, text).to_base_units().magnitude
        assert factor == pytest.approx(reference, rel=1e-12), sym
    for value, unit in (("25 degC", "K"), ("0.4 mA/cm2", "A/m^2"), ("0.1 eV", "J/mol"),
                        ("2 kcal/mol", "J/mol"), ("1 MPa*m^0.5", "Pa*m^0.5"),
                        ("1 Ω cm²", "ohm*m^2"), ("3 at_pct/K", "1/K"), ("1 mAh/cm2", "C/m^2"),
                        ("0.05 mA/cm2/s", "A/m^2/s"), ("23.75 cm^3/mol", "m^3/mol"),
                        ("60 deg", "rad"), ("150 deg", "rad"), ("5 mrad", "rad")):
        fast = units._fast_si(value, unit)
        quantity = units._quantity(value)
        if unit == "J/mol" and "electron_volt" in str(quantity.units) or "calorie" in str(
                quantity.units):
            quantity = quantity * ureg.Quantity(1.0, "N_A") if "electron" in str(
                quantity.units) else quantity
        reference = quantity.to(units._si_unit(unit)).magnitude
        assert fast == pytest.approx(reference, rel=1e-14), value
    assert units._fast_si("1 cd", "s") is None and units._fast_si("2 mV", "m") is None
    assert parse("degF") is None and parse("delta_degC") is None  # offsets stay with pint
    with pytest.raises(nakmodel.ParameterError, match="wrong dimension"):
        units.to_si("2 mV", "m", "x")


def test_dimension_check_without_pint_agrees_with_to_si():
    """units.dimension_differs (the pint-free check the protocol grammar uses to try several
    dimensions) says True exactly where to_si (pint, the reference) refuses the dimension,
    and a scan protocol is parsed in a fresh interpreter without importing pint (it cost
    every sweep worker ~1 s on its first point)."""
    import subprocess
    import sys

    from nakmodel import units

    cases = [("0.4 mA/cm2", "A/m^2"), ("0.4 mA/cm2", "s"), ("10 min", "s"), ("10 min", "V"),
             ("2 mAh/cm2", "C/m^2"), ("2 mAh/cm2", "A/m^2"), ("1 V", "V"), ("0.5", "A/m^2"),
             ("0.5", ""), ("0.05 mA/cm2/s", "A/m^2/s"), ("0.05 mA/cm2/s", "A/m^2")]
    for value, unit in cases:
        try:
            units.to_si(value, unit, "x")
            refused = False
        except nakmodel.ParameterError as err:
            refused = "wrong dimension" in str(err)
        assert units.dimension_differs(value, unit) is refused, (value, unit)
    assert units.dimension_differs("25 degC", "s") is False  # left to pint: cannot tell
    code = ("import sys; from nakmodel.ccd_extraction import scan_protocol; "
            "from nakmodel.protocol import Protocol; "
            "Protocol.parse(scan_protocol('strip', 1.0, 5.0, 1.0, 600.0)); "
            "Protocol.parse(['rest for 10 min', 'strip at 0.4 mA/cm2 until 2 mAh/cm2 or 1 V']);"
            "print('pint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_kk_result_repr_is_one_line():
    from nakmodel.drt import kramers_kronig

    f = np.logspace(5, -1, 40)
    spec = nakmodel.Spectrum(f, 1 + 10 / (1 + 1j * 2 * np.pi * f * 1e-3), label="rc")
    text = repr(kramers_kronig(spec))
    assert "\n" not in text and len(text) < 200 and "rc" in text


def test_plain_python_brent_matches_scipy():
    """nakmodel.rootfind.brentq (used by thermo so that `params check` needs no scipy)
    against scipy.optimize.brentq: same roots, and the liquid window unchanged."""
    import scipy.optimize

    from nakmodel import thermo
    from nakmodel.rootfind import brentq

    cases = [(lambda x: x ** 3 - 2 * x - 5, 2.0, 3.0, {}),
             (lambda x: math.cos(x) - x, 0.0, 1.0, {"xtol": 1e-14}),
             (lambda x: math.exp(x) - 1e-8, -30.0, 5.0, {}),
             # a root 200 decades below the bracket's end, honoured to 1e-14 relative:
             # ~700 bisections, so both need a larger maxiter
             (lambda x: math.log(x / 1e-200), 1e-300, 0.5,
              {"xtol": 1e-300, "rtol": 1e-14, "maxiter": 1000})]
    for f, a, b, kw in cases:
        ours, ref = brentq(f, a, b, **kw), scipy.optimize.brentq(f, a, b, **kw)
        assert ours == pytest.approx(ref, rel=1e-13, abs=kw.get("xtol", 2e-12))
    # ... and with the default 100 iterations both give up alike
    for solver in (brentq, scipy.optimize.brentq):
        with pytest.raises(RuntimeError):
            solver(lambda x: math.log(x / 1e-200), 1e-300, 0.5, xtol=1e-300, rtol=1e-14)
    with pytest.raises(ValueError):
        brentq(lambda x: x * x + 1, -1.0, 1.0)
    for bad in ({"xtol": 0.0}, {"xtol": -1e-12}, {"rtol": 1e-17}):
        with pytest.raises(ValueError):  # refused like scipy's
            brentq(lambda x: x - 0.3, 0.0, 1.0, **bad)
    p = load_parameters()
    low, high = thermo.liquid_window(p.temperature, p)
    assert (low, high) == pytest.approx((0.1468, 0.7030), abs=1e-4)  # README / session 1
