"""One definition of each constant (issue #15 item 1), equal to SciPy's CODATA values, and
no module of the package defines its own Faraday/gas constant or mAh/cm² factor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import scipy.constants as sc

from nakmodel import constants

PACKAGE = Path(__file__).resolve().parents[1] / "nakmodel"


def test_physical_constants_are_codata():
    assert constants.FARADAY == pytest.approx(sc.physical_constants["Faraday constant"][0],
                                              rel=1e-15)
    assert constants.GAS_CONSTANT == pytest.approx(
        sc.physical_constants["molar gas constant"][0], rel=1e-15)
    assert constants.AVOGADRO == sc.N_A and constants.ELEMENTARY_CHARGE == sc.e
    assert constants.BOLTZMANN == sc.k and constants.ZERO_CELSIUS == sc.zero_Celsius
    assert constants.FARADAY == pytest.approx(constants.AVOGADRO * constants.ELEMENTARY_CHARGE,
                                              rel=1e-15)


def test_unit_factors():
    assert constants.C_M2_PER_MAH_CM2 == pytest.approx(1e-3 * sc.hour / 1e-4)
    assert constants.A_M2_PER_MA_CM2 == pytest.approx(1e-3 / 1e-4)
    assert constants.OHM_M2_PER_OHM_CM2 == pytest.approx(1e-4)


def test_edge_crack_factor_is_defined_once():
    pytest.importorskip("dolfinx_solver")
    import importlib

    from nakmodel import ccd_criteria
    from nakmodel import ccd_extraction as ccd

    critical_load = importlib.import_module("nakmodel.mechanics.critical_load")

    assert constants.EDGE_CRACK_FACTOR == 1.1215
    assert ccd.EDGE_CRACK_FACTOR is ccd_criteria.EDGE_CRACK_FACTOR is \
        critical_load.EDGE_CRACK_FACTOR is constants.EDGE_CRACK_FACTOR


def test_no_module_redefines_them():
    pattern = re.compile(r"^\s*_?[A-Z_]*\s*=\s*(96485\.\d*|8\.314\d*|36000\.0|3\.6e4)\b"
                         r"|^\s*[A-Z_]+\s*=\s*1\.1215\s*(#.*)?$", re.M)
    offenders = [p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*.py")
                 if p.name != "constants.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, "constants defined outside nakmodel/constants.py: " + ", ".join(
        offenders)
