"""Physical constants and named unit factors: the one place they are defined.

Physical constants are the exact SI 2019 / CODATA 2018 values (F = N_A e and R = N_A k are
exact since the 2019 redefinition); ``tests/test_constants.py`` checks them against
:mod:`scipy.constants`, which is not imported here so that light commands (``nakmodel
--help``, ``params check``) start without SciPy.  Unit factors convert the display units
of battery work to SI (value_SI = value_display * factor).
"""

from __future__ import annotations

AVOGADRO = 6.02214076e23
"""N_A [1/mol] (exact)."""
ELEMENTARY_CHARGE = 1.602176634e-19
"""e [C] (exact)."""
BOLTZMANN = 1.380649e-23
"""k_B [J/K] (exact)."""
FARADAY = 96485.33212331001
"""F = N_A e [C/mol] (exact)."""
GAS_CONSTANT = 8.31446261815324
"""R = N_A k_B [J/(mol K)] (exact)."""
ZERO_CELSIUS = 273.15
"""0 °C in K."""

A_M2_PER_MA_CM2 = 10.0
"""A/m² in one mA/cm²."""
C_M2_PER_MAH_CM2 = 36000.0
"""C/m² in one mAh/cm² (3.6 C per mAh, 1e4 cm² per m²)."""
OHM_M2_PER_OHM_CM2 = 1.0e-4
"""Ω m² in one Ω cm²."""
M_PER_UM = 1.0e-6
"""m in one µm."""
S_PER_H = 3600.0
"""s in one hour."""

EDGE_CRACK_FACTOR = 1.1215
"""K_I / (p sqrt(pi a)) of an edge crack of depth a in a half-plane under a uniform crack-face
pressure p (by superposition the factor of uniform remote tension): Tada, Paris & Irwin, The
Stress Analysis of Cracks Handbook, 3rd ed. (2000), edge crack in a half-plane [M]
(docs/theory/fracture.md)."""

__all__ = ["AVOGADRO", "A_M2_PER_MA_CM2", "BOLTZMANN", "C_M2_PER_MAH_CM2", "EDGE_CRACK_FACTOR",
           "ELEMENTARY_CHARGE", "FARADAY", "GAS_CONSTANT", "M_PER_UM", "OHM_M2_PER_OHM_CM2",
           "S_PER_H", "ZERO_CELSIUS"]
