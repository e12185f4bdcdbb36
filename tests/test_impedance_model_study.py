"""Study kind ``impedance``: option validation, a small pristine run, a sweep point, and the
shipped study files parse."""

from __future__ import annotations

from pathlib import Path

import pytest

import nakmodel.study as study_pkg
from nakmodel.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _kind(monkeypatch):
    monkeypatch.setitem(study_pkg.KINDS, "impedance", "nakmodel.study.impedance")


def _study(**options):
    table = {"scenario": "pristine", "compositions": ["NaK65"], "points_per_decade": 5,
             "f_min": "0.1 Hz", "f_max": "1 MHz", "drt": False}
    table.update(options)
    return study_pkg.load_study({"study": {"name": "t", "kind": "impedance"},
                                 "impedance": table})


@pytest.mark.parametrize("options, key", [
    ({"scenario": "operandoo"}, "impedance.scenario"),
    ({"f_min": "10 MHz"}, "impedance.f_min"),
    ({"f_max": "-1 Hz"}, "impedance.f_max"),
    ({"points_per_decade": 3}, "impedance.points_per_decade"),
    ({"compositions": ["NaK200"]}, "impedance.compositions[0]"),
    ({"currents": ["1 mA"]}, "impedance.currents[0]"),
    ({"spot_radius": "50 um"}, "impedance.spot_radius"),  # needs axisymmetric
    ({"freqs": 3}, "impedance.freqs"),
    ({"drt": "yes"}, "impedance.drt"),
])
def test_bad_options_name_the_key(options, key):
    with pytest.raises(ParameterError) as err:
        _study(**options)
    assert key in str(err.value)


def test_pristine_run_writes_spectra_and_modes(tmp_path):
    from nakmodel.spectrum import Spectrum

    st = _study()
    paths = {p.name for p in st.run(tmp_path)}
    assert {"NaK65_spectrum.csv", "NaK65_modes.csv", "impedance_summary.csv", "nyquist.png",
            "drt_modes.png", "summary.md"} <= paths
    spec = Spectrum.from_csv(tmp_path / "NaK65_spectrum.csv")
    assert len(spec) == 36 and spec.area is not None
    rows = (tmp_path / "NaK65_modes.csv").read_text().splitlines()
    assert rows[0] == "tau [s],R [ohm cm^2],region"
    # brick-layer ceramic (default): the grain arc L/σ_bulk is the ceramic sum, the rest of
    # L/σ_total the grain-boundary sum (Ω cm²)
    p = st.parameters
    L = p.cell.pellet_thickness
    bulk = 1e4 * L / p.nasicon.bulk_conductivity
    boundary = 1e4 * L / p.nasicon.conductivity - bulk
    from nakmodel.tables import read_table

    rows, units = read_table(tmp_path / "impedance_summary.csv")
    assert units["R_ceramic_ohm_cm2"] == "ohm cm^2"
    assert units["R_grain_boundary_ohm_cm2"] == "ohm cm^2"
    assert rows[0]["R_ceramic_ohm_cm2"] == pytest.approx(bulk, rel=1e-6)
    assert rows[0]["R_grain_boundary_ohm_cm2"] == pytest.approx(boundary, rel=1e-6)


def test_run_point_returns_outputs(tmp_path):
    from nakmodel.study import impedance as kind

    out = kind.run_point(_study(), tmp_path)
    assert set(kind.OUTPUTS) <= set(out)
    parts = sum(out[k] for k in ("R_alloy_ohm_cm2", "R_interface_ohm_cm2", "R_ceramic_ohm_cm2",
                                 "R_counter_ohm_cm2", "R_grain_boundary_ohm_cm2",
                                 "R_constriction_ohm_cm2", "R_unresolved_ohm_cm2"))
    assert out["R_unresolved_ohm_cm2"] == 0.0  # 1D: every mode (dense)
    assert parts == pytest.approx(out["R_total_ohm_cm2"], rel=1e-6)
    assert (tmp_path / "spectrum.csv").exists()


@pytest.mark.parametrize("name", ["pristine_eis.toml", "operando_geis.toml"])
def test_shipped_studies_parse(name):
    st = study_pkg.load_study(ROOT / "studies" / name)
    assert st.kind == "impedance"
