"""Study kind flaw_size: options validation and a one-depth run against the handbook."""

from __future__ import annotations

import pytest

from nakmodel.errors import ParameterError
from nakmodel.study import load_study


def _study(**options):
    return {"study": {"name": "fs", "kind": "flaw_size"},
            "flaw_size": options}


@pytest.mark.parametrize("options, fragment", [
    ({"depths": []}, "non-empty"),
    ({"depths": ["-1 um"]}, "flaw_size.depths[0]"),
    ({"depths": ["2 mm"]}, "out of range"),  # deeper than the 1 mm pellet
    ({"depths": ["1 mA"]}, "wrong dimension"),
    ({"fracture_toughness": ["1 MPa"]}, "flaw_size.fracture_toughness[0]"),
    ({"depth": ["1 um"]}, "did you mean 'depths'"),
])
def test_bad_options(options, fragment):
    with pytest.raises(ParameterError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        load_study(_study(**options))


def test_one_depth_matches_handbook(tmp_path):
    study = load_study(_study(depths=["10 um"], fracture_toughness=["1.25 MPa*m^0.5"]))
    written = study.run(tmp_path)
    assert (tmp_path / "flaw_size.png") in written
    with open(tmp_path / "flaw_size.csv") as handle:
        assert handle.readline().startswith("depth [m],fracture_toughness [Pa*m^0.5]")
    from nakmodel.tables import read_table

    (row,), _units = read_table(tmp_path / "flaw_size.csv")
    p_fe, p_hb = float(row["critical_pressure"]), float(row["critical_pressure_handbook"])
    # edge crack a << pellet: K_I = 1.1215 p sqrt(pi a) (Tada, Paris & Irwin) within 2 %
    assert p_fe == pytest.approx(p_hb, rel=0.02)
    # eta_c = p_c Omega_Na / F: about 41 MPa per 10 mV (physics.md §2)
    eta = float(row["critical_overpotential"])
    assert eta == pytest.approx(p_fe * 23.75e-6 / 96485.33212, rel=1e-6)


def test_negative_flaw_pressure_is_rejected_before_solving():
    import nakmodel

    cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm", pellet_thickness="1 mm",
                         alloy_thickness="100 um",
                         flaw=nakmodel.SurfaceFlaw(depth="10 um", opening="1 um"))
    with pytest.raises(ParameterError, match="pressure"):
        nakmodel.stress_intensity(cell, nakmodel.load_parameters(), pressure="-5 MPa")
