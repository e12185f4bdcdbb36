"""`nakmodel phase-diagram` and the thermo validation cases run end to end."""

import math
from pathlib import Path

import pytest

from nakmodel.cli import main
from nakmodel.validation_framework import Check, discover

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_phase_diagram_cli_writes_png(tmp_path, capsys):
    out = tmp_path / "pd.png"
    assert main(["phase-diagram", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == PNG_MAGIC
    text = capsys.readouterr().out
    assert "eutectic" in text and "liquid window" in text


def test_phase_diagram_cli_bad_params_file(tmp_path, capsys):
    assert main(["phase-diagram", "--out", str(tmp_path / "x.png"),
                 "--params", str(tmp_path / "missing.toml")]) == 2
    assert "error" in capsys.readouterr().err


CASES = [c for c in discover() if c.name.startswith("thermo_")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_thermo_case_runs_and_writes_its_figures(case, tmp_path):
    checks = case.run(Path(tmp_path))
    assert checks and all(isinstance(c, Check) for c in checks)
    assert all(math.isfinite(float(c.value)) and c.source for c in checks)
    for fig in case.figures:
        assert (tmp_path / fig).read_bytes()[:8] == PNG_MAGIC


def test_all_thermo_cases_are_present():
    assert {c.name for c in CASES} >= {"thermo_liquid_window", "thermo_eutectic",
                                       "thermo_na2k_peritectic", "thermo_ideal_limits",
                                       "thermo_ocv", "thermo_solid_solubility", "thermo_inventory",
                                       "thermo_interdiffusivity"}
