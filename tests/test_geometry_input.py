"""Cell geometry input: validation before meshing, units, contact layouts (no meshing here)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nakmodel.errors import ParameterError
from nakmodel.geometry import (
    BlockedPatches,
    Cell,
    ContactSpots,
    FullContact,
    PorousHost,
    SurfaceFlaw,
)

B, LN, LA = 1e-3, 1e-3, 1e-4
BASE = dict(pellet_radius=B, pellet_thickness=LN, alloy_thickness=LA)


def _keys(err):
    return {p.key for p in err.value.problems}


BAD_INPUT = [
    # (description, factory, key that must be named, text the message must contain)
    ("contact fraction 0", lambda: ContactSpots(radius=1e-4, fraction=0.0),
     "contact.fraction", "(0, 1]"),
    ("contact fraction > 1", lambda: ContactSpots(radius=1e-4, fraction=1.5),
     "contact.fraction", "(0, 1]"),
    ("negative spot radius", lambda: ContactSpots(radius=-1e-4), "contact.radius", "m"),
    ("spot count 0", lambda: ContactSpots(radius=1e-4, count=0), "contact.count", ">= 1"),
    ("spot larger than pellet", lambda: Cell(**BASE, contact=ContactSpots(radius=2e-3)),
     "contact.radius", "pellet_radius"),
    ("fraction and count inconsistent",
     lambda: Cell(**BASE, contact=ContactSpots(radius=1e-4, count=10, fraction=0.5)),
     "contact.fraction", "inconsistent"),
    ("spots cannot fit (count)", lambda: Cell(**BASE, contact=ContactSpots(radius=4e-4, count=6)),
     "contact.count", "cannot fit"),
    ("less than one spot", lambda: Cell(**BASE, contact=ContactSpots(radius=2e-4, fraction=0.01)),
     "contact.fraction", "cannot fit"),
    ("random spots cannot fit",
     lambda: Cell(**BASE, contact=ContactSpots(radius=1e-4, fraction=0.7, seed=1)),
     "contact.fraction", "cannot fit"),
    ("flaw deeper than pellet",
     lambda: Cell(**BASE, flaw=SurfaceFlaw(depth=2e-3, opening=1e-4)), "flaw.depth",
     "pellet_thickness"),
    ("flaw opening = depth", lambda: SurfaceFlaw(depth=1e-4, opening=1e-4), "flaw.opening",
     "depth"),
    ("flaw opening 0", lambda: SurfaceFlaw(depth=1e-4, opening=0.0), "flaw.opening", "m"),
    ("flaw depth negative", lambda: SurfaceFlaw(depth=-1e-4, opening=1e-5), "flaw.depth", "m"),
    ("flaw outside the pellet",
     lambda: Cell(**BASE, flaw=SurfaceFlaw(depth=1e-4, opening=2e-5, position=0.999e-3)),
     "flaw.position", "m"),
    ("flaw crossing the axis",
     lambda: Cell(**BASE, flaw=SurfaceFlaw(depth=1e-4, opening=2e-5, position=5e-6)),
     "flaw.position", "position = 0"),
    ("flaw in 1d", lambda: Cell(**BASE, geometry="1d", flaw=SurfaceFlaw(depth=1e-4, opening=1e-5)),
     "flaw", "geometry"),
    ("mesh size > thinnest layer", lambda: Cell(**BASE, mesh_size=2e-4), "mesh_size",
     "thinnest"),
    ("edge mesh size > thinnest layer", lambda: Cell(**BASE, edge_mesh_size=2e-4),
     "edge_mesh_size", "thinnest"),
    ("zero pellet radius", lambda: Cell(**{**BASE, "pellet_radius": 0.0}), "pellet_radius",
     "> 0 m"),
    ("negative alloy thickness", lambda: Cell(**{**BASE, "alloy_thickness": "-5 um"}),
     "alloy_thickness", "> 0 m"),
    ("pellet thickness wrong unit", lambda: Cell(**{**BASE, "pellet_thickness": "3 s"}),
     "pellet_thickness", "m"),
    ("unknown geometry", lambda: Cell(**BASE, geometry="2d"), "geometry", "axisymmetric"),
    ("unknown metal", lambda: Cell(**BASE, working_metal="Li"), "working_metal", "NaK"),
    ("patch outside pellet",
     lambda: Cell(**BASE, contact=BlockedPatches(patches=[(9e-4, 0, 2e-4)])),
     "contact.patches[0]", "m"),
    ("overlapping patches",
     lambda: Cell(**BASE, contact=BlockedPatches(patches=[(0, 0, 2e-4), (3e-4, 0, 2e-4)])),
     "contact.patches[1]", "overlap"),
    ("host porosity", lambda: PorousHost(porosity=1.5), "host.porosity", "(0, 1]"),
    ("host tortuosity", lambda: PorousHost(porosity=0.5, tortuosity=0.5), "host.tortuosity",
     ">= 1"),
    ("contact not a pattern", lambda: Cell(**BASE, contact="full"), "contact", "FullContact"),
]


@pytest.mark.parametrize("what, factory, key, text", BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_rejected_with_key_and_range(what, factory, key, text):
    with pytest.raises(ParameterError) as err:
        factory()
    assert key in _keys(err), f"{what}: {err.value}"
    assert text in str(err.value), f"{what}: {err.value}"


def test_all_problems_reported_at_once():
    with pytest.raises(ParameterError) as err:
        Cell(geometry="2d", pellet_radius=-1.0, pellet_thickness="1 kg", alloy_thickness=0.0)
    assert {"geometry", "pellet_radius", "pellet_thickness", "alloy_thickness"} <= _keys(err)


def test_units_and_defaults():
    cell = Cell(pellet_radius="6.5 mm", pellet_thickness="1.2 mm", alloy_thickness="50 um")
    assert cell.radius == pytest.approx(6.5e-3, rel=1e-12)
    assert cell.nasicon_thickness == pytest.approx(1.2e-3, rel=1e-12)
    assert cell.alloy_height == pytest.approx(50e-6, rel=1e-12)
    assert cell.geometry.value == "axisymmetric"
    assert isinstance(cell.contact, FullContact)
    default = Cell()
    assert default.radius > 0 and default.nasicon_thickness > 0 and default.alloy_height > 0
    sizes = cell.mesh_sizes
    assert sizes.edge <= sizes.interface <= sizes.bulk
    assert sizes.interface <= min(cell.nasicon_thickness, cell.alloy_height)


def test_analytic_areas_of_simple_patterns():
    full = Cell(**BASE)
    assert full.electrode_area() == pytest.approx(math.pi * B * B, rel=1e-14)
    assert full.contact_area() == pytest.approx(full.electrode_area(), rel=1e-14)
    spot = Cell(**BASE, contact=ContactSpots(radius=2e-4))
    assert spot.contact_area() == pytest.approx(math.pi * 4e-8, rel=1e-14)
    planar = Cell(**BASE, geometry="planar", contact=ContactSpots(radius=2e-4))
    assert planar.electrode_area() == pytest.approx(B)
    assert planar.contact_area() == pytest.approx(2e-4, rel=1e-12)
    # a centred blocked disc leaves the annulus in contact (axisymmetric and 3D agree)
    for kind in ("axisymmetric", "3d"):
        patched = Cell(**BASE, geometry=kind, contact=BlockedPatches(patches=[(0, 0, 3e-4)]))
        assert patched.contact_area() == pytest.approx(math.pi * (B * B - 9e-8), rel=1e-12)
    # a flaw mouth on full contact removes its area from the wetted area
    flawed = Cell(**BASE, flaw=SurfaceFlaw(depth=1e-4, opening=2e-5, position=5e-4))
    removed = math.pi * ((5e-4 + 1e-5) ** 2 - (5e-4 - 1e-5) ** 2)
    assert full.contact_area() - flawed.contact_area() == pytest.approx(removed, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(radius=st.floats(5e-6, 2e-4), fraction=st.floats(0.02, 0.7),
       seed=st.one_of(st.none(), st.integers(0, 2**31)))
def test_axisymmetric_rings_keep_the_areal_fraction(radius, fraction, seed):
    """Central disc + rings: sorted cover of [0, b], exact areal fraction f."""
    spots = ContactSpots(radius=radius, fraction=fraction, seed=seed)
    too_dense = fraction > (math.pi / 4 if seed is None else 0.5)
    if too_dense or fraction * B * B < radius * radius:
        with pytest.raises(ParameterError):
            Cell(**BASE, contact=spots)
        return
    cell = Cell(**BASE, contact=spots)
    cover = cell.layout.intervals
    assert cover[0][0] == 0.0 and cover[-1][1] == pytest.approx(B, rel=1e-12)
    for (x0, x1, _), (y0, _, _) in zip(cover[:-1], cover[1:], strict=True):
        assert x0 < x1 and x1 == pytest.approx(y0, abs=1e-15)
    assert cell.contact_fraction() == pytest.approx(fraction, rel=1e-9)


@pytest.mark.parametrize("seed", [None, 7])
def test_3d_spots_do_not_overlap_and_fit(seed):
    spots = ContactSpots(radius=5e-5, fraction=0.2, seed=seed)
    cell = Cell(**BASE, geometry="3d", contact=spots, mesh_size=1e-4)
    discs = cell.layout.discs
    assert len(discs) > 10
    for i, (x, y, r) in enumerate(discs):
        assert math.hypot(x, y) + r < B
        for u, v, q in discs[:i]:
            assert math.hypot(x - u, y - v) > r + q
    if seed is not None:
        assert len(discs) == round(0.2 * B * B / 5e-5**2)
        again = Cell(**BASE, geometry="3d", contact=spots, mesh_size=1e-4).layout.discs
        assert again == discs


def test_count_gives_the_number_of_3d_spots():
    cell = Cell(**BASE, geometry="3d", contact=ContactSpots(radius=1e-4, count=9),
                mesh_size=1e-4)
    assert len(cell.layout.discs) == 9
    assert cell.contact_area() == pytest.approx(9 * math.pi * 1e-8, rel=1e-12)


def test_porous_host_factor():
    assert PorousHost(porosity=0.6, tortuosity=2.0).transport_factor == pytest.approx(0.3)


def test_cell_from_parameters_uses_the_parameter_set():
    from nakmodel.parameters import load_parameters

    p = load_parameters({"cell.pellet_radius": "3 mm", "cell.alloy_thickness": "40 um"})
    cell = Cell.from_parameters(p, geometry="planar")
    assert cell.radius == pytest.approx(3e-3)
    assert cell.alloy_height == pytest.approx(40e-6)
    assert cell.nasicon_thickness == pytest.approx(p.cell.pellet_thickness)
    assert cell.mesh_sizes.interface <= min(p.numerics.mesh_size, 40e-6)
    assert cell.geometry.value == "planar"
