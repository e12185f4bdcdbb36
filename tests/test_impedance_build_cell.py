"""Public cell builder of the impedance study (used by ``nakmodel compare``)."""

from __future__ import annotations

import pytest

from nakmodel.geometry import ContactSpots, FullContact
from nakmodel.parameters import load_parameters
from nakmodel.study import impedance as kind


@pytest.mark.parametrize(("table", "geometry", "contact"), [
    ({"geometry": "1d"}, "1d", FullContact),
    ({"geometry": "axisymmetric", "spot_radius": "100 um"}, "axisymmetric", ContactSpots),
])
def test_build_cell_follows_the_options_and_the_parameter_cell(table, geometry, contact):
    params = load_parameters({"cell.alloy_thickness": "40 um"})
    cell = kind.build_cell(kind.parse_options(table, "impedance", params), params)
    assert str(cell.geometry.value if hasattr(cell.geometry, "value") else cell.geometry) == (
        geometry)
    assert isinstance(cell.contact, contact)
    assert cell.alloy_height == pytest.approx(40e-6)
    if contact is ContactSpots:
        assert cell.contact.radius_si == pytest.approx(100e-6)
