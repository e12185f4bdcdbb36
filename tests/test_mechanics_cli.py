"""The ``fracture`` subcommand (registered by nakmodel.cli.fracture)."""

import argparse

import pytest

from nakmodel.cli.fracture import register


def _run(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--quiet", action="store_true")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_fracture_single_flaw(capsys, tmp_path):
    # 60 mV > ~49 mV critical for a rigid deposit in a 10 um flaw, but solid Na plated at
    # 1 mA/cm2 creeps out of the 1 um slit at ~7.5 MPa: no crack (issue #13) ...
    assert _run(["fracture", "--depth", "10 um", "--overpotential", "60 mV",
                 "--plot", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    assert "no crack" in out and "creep extrusion at 1 mA/cm^2" in out
    assert (tmp_path / "f.png").stat().st_size > 0
    # ... a 50 nm slit resists extrusion: the pressure is the bound F|eta|/Omega, it cracks
    assert _run(["fracture", "--depth", "10 um", "--opening", "0.05 um",
                 "--overpotential", "60 mV"]) == 0
    assert "crack onset" in capsys.readouterr().out


def test_fracture_sweep_csv(tmp_path, capsys):
    csv = tmp_path / "sweep.csv"
    assert _run(["fracture", "--sweep", "2e-6,20e-6", "--toughness", "1e6", "--csv",
                 str(csv)]) == 0
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("depth [m],fracture_toughness [Pa*m^0.5]") and len(lines) == 3
    from nakmodel.tables import read_table

    rows, units = read_table(csv)
    assert [r["depth"] for r in rows] == [2e-6, 20e-6]
    assert units["critical_current_density"] == "A/m^2"


def test_fracture_bad_input():
    from nakmodel.errors import ParameterError

    with pytest.raises(ParameterError, match="flaw.depth"):
        _run(["fracture", "--depth", "2 mm"])
    with pytest.raises(ParameterError, match="sweep"):
        _run(["fracture", "--sweep", "1e-6,abc"])
