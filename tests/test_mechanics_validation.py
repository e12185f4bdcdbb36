"""Run the mechanics validation cases (each a few seconds) and require every check to pass."""

import importlib.util
from pathlib import Path

import pytest

CASES = sorted((Path(__file__).parents[1] / "validation" / "cases").glob("mechanics_*.py"))


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PARAMS = [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if _load(p).CASE.slow else [])
          for p in CASES]


@pytest.mark.parametrize("path", PARAMS)
def test_mechanics_case_passes(path, tmp_path):
    module = _load(path)
    checks = module.CASE.run(tmp_path)
    failed = [c for c in checks if not c.passed]
    assert checks and not failed, failed
    for figure in module.CASE.figures:
        assert (tmp_path / figure).stat().st_size > 0


def test_vtx_output(tmp_path):
    import dolfinx_solver  # noqa: F401

    import nakmodel.mechanics as mech

    geometry = mech.FlawGeometry(1e-3, 0.5e-3, 10e-6, 1e-6)
    result = mech.stress_intensity(geometry, None, pressure=100e6)
    result.write_vtx(tmp_path / "flaw.bp")
    assert any((tmp_path / "flaw.bp").iterdir())
    sigma = result.principal_stress()
    # tensile stress ahead of the tip far exceeds the face pressure (singular field)
    assert sigma.x.array.max() > 3 * 100e6
