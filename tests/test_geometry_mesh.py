"""Meshed cells: tags in the right places, meshed areas vs analytic, submeshes, export."""

import math

import dolfinx_solver  # noqa: F401  (before dolfinx)

import numpy as np
import pytest

from nakmodel.geometry import (
    TAGS,
    BlockedPatches,
    Cell,
    ContactSpots,
    SurfaceFlaw,
)

B, LN, LA = 1e-3, 1e-3, 1e-4


def _facet_midpoints(cellmesh, name):
    from dolfinx import mesh as dmesh

    facets = cellmesh.facets(name)
    fdim = cellmesh.mesh.topology.dim - 1
    return dmesh.compute_midpoints(cellmesh.mesh, fdim, facets)


@pytest.fixture(scope="module")
def axi_spots_flaw():
    cell = Cell(pellet_radius=B, pellet_thickness=LN, alloy_thickness=LA,
                contact=ContactSpots(radius=1e-4, fraction=0.3),
                flaw=SurfaceFlaw(depth=2e-4, opening=2e-5, position=0.0), mesh_size=2.5e-5)
    return cell.build_mesh()


def test_every_tag_is_present_and_in_place(axi_spots_flaw):
    cm = axi_spots_flaw
    present = set(np.unique(cm.facet_tags.values))
    assert present == set(TAGS.facets.values())
    assert set(np.unique(cm.cell_tags.values)) == set(TAGS.cells.values())
    tol = 1e-9
    assert np.allclose(_facet_midpoints(cm, "counter_electrode")[:, 1], 0.0, atol=tol)
    assert np.allclose(_facet_midpoints(cm, "current_collector")[:, 1], LN + LA, atol=tol)
    assert np.allclose(_facet_midpoints(cm, "side")[:, 0], B, atol=tol)
    assert np.allclose(_facet_midpoints(cm, "axis")[:, 0], 0.0, atol=tol)
    mid = _facet_midpoints(cm, "interface_contact")
    assert np.allclose(mid[:, 1], LN, atol=tol)
    # contact facets lie inside contact intervals of the layout, blocked ones outside
    cover = cm.cell.layout.intervals

    def in_contact(x):
        return any(x0 <= x <= x1 and c for x0, x1, c in cover)

    assert all(in_contact(x) for x in mid[:, 0])
    assert not any(in_contact(x) for x in _facet_midpoints(cm, "interface_blocked")[:, 0])
    flaw_mid = _facet_midpoints(cm, "flaw")
    assert np.all(flaw_mid[:, 1] < LN) and np.all(flaw_mid[:, 1] > LN - 2e-4)
    assert np.allclose(cm.flaw_tip, [0.0, LN - 2e-4])
    # alloy cells above the interface or inside the notch; NASICON below the interface
    from dolfinx import mesh as dmesh

    tdim = cm.mesh.topology.dim
    z_alloy = dmesh.compute_midpoints(cm.mesh, tdim, cm.cells("alloy"))
    z_nasicon = dmesh.compute_midpoints(cm.mesh, tdim, cm.cells("nasicon"))
    assert np.all(z_nasicon[:, 1] < LN)
    notch = z_alloy[:, 1] < LN
    assert np.all(z_alloy[notch, 0] < 1e-5) and np.all(z_alloy[notch, 1] > LN - 2e-4)


def test_meshed_areas_equal_analytic_axisymmetric(axi_spots_flaw):
    cm = axi_spots_flaw
    cell = cm.cell
    assert cm.is_axisymmetric
    assert cm.contact_area() == pytest.approx(cell.contact_area(), rel=1e-10)
    assert cm.area("counter_electrode") == pytest.approx(math.pi * B * B, rel=1e-12)
    assert cm.area("current_collector") == pytest.approx(math.pi * B * B, rel=1e-12)
    assert cm.area("side") == pytest.approx(2 * math.pi * B * (LN + LA), rel=1e-12)
    # cone flank area pi r s for the on-axis conical pit
    r, d = 1e-5, 2e-4
    assert cm.area("flaw") == pytest.approx(math.pi * r * math.hypot(r, d), rel=1e-10)
    wetted = cm.contact_area() + cm.area("interface_blocked") + math.pi * r * r
    assert wetted == pytest.approx(math.pi * B * B, rel=1e-12)


@pytest.mark.parametrize("kind", ["planar", "1d"])
def test_meshed_areas_planar_and_1d(kind):
    cell = Cell(geometry=kind, pellet_radius=B, pellet_thickness=LN, alloy_thickness=LA,
                contact=ContactSpots(radius=1e-4, fraction=0.25), mesh_size=2.5e-5)
    cm = cell.build_mesh()
    assert cm.contact_area() == pytest.approx(cell.contact_area(), rel=1e-10)
    assert cm.area("counter_electrode") == pytest.approx(cell.electrode_area(), rel=1e-12)
    if kind == "1d":
        assert cm.contact_fraction == pytest.approx(0.25, rel=1e-12)
        assert cm.mesh.geometry.dim == 1
    else:
        assert cm.contact_area() / cm.electrode_area() == pytest.approx(
            cell.layout.fraction, rel=1e-10)


def test_meshed_areas_3d_converge_to_discs():
    """3D discs are polygons: the meshed contact area approaches pi a^2 with the edge size."""
    errors = []
    for edge in (4e-5, 2e-5):
        cell = Cell(geometry="3d", pellet_radius=B, pellet_thickness=5e-4, alloy_thickness=LA,
                    contact=ContactSpots(radius=3e-4), mesh_size=1e-4, edge_mesh_size=edge,
                    bulk_mesh_size=2.5e-4)
        cm = cell.build_mesh()
        errors.append(abs(cm.contact_area() / cell.contact_area() - 1))
        total = cm.contact_area() + cm.area("interface_blocked")
        assert total == pytest.approx(cm.area("counter_electrode"), rel=1e-3)
    assert errors[1] < 0.5 * errors[0]
    assert errors[1] < 5e-3


def test_3d_flaw_and_patches_tags():
    cell = Cell(geometry="3d", pellet_radius=B, pellet_thickness=5e-4, alloy_thickness=LA,
                contact=BlockedPatches(patches=[(-4e-4, 0, 2e-4)]),
                flaw=SurfaceFlaw(depth=1.5e-4, opening=4e-5, position=4e-4), mesh_size=1e-4,
                bulk_mesh_size=2.5e-4)
    cm = cell.build_mesh()
    assert set(np.unique(cm.facet_tags.values)) == set(TAGS.facets.values()) - {
        TAGS.facet("axis")}
    assert np.allclose(cm.flaw_tip, [4e-4, 0.0, 5e-4 - 1.5e-4])
    mid = _facet_midpoints(cm, "flaw")
    assert np.all(mid[:, 2] < 5e-4) and np.all(np.hypot(mid[:, 0] - 4e-4, mid[:, 1]) < 2e-5)
    from nakmodel.geometry.gmsh_builders import FLAW_3D_SIDES as m

    R, d = 2e-5, 1.5e-4
    pyramid = m * R * math.sin(math.pi / m) * math.hypot(d, R * math.cos(math.pi / m))
    assert cm.area("flaw") == pytest.approx(pyramid, rel=1e-10)
    blocked = _facet_midpoints(cm, "interface_blocked")
    assert np.all(np.hypot(blocked[:, 0] + 4e-4, blocked[:, 1]) < 2e-4 + 1e-12)


def test_submeshes_carry_the_interface(axi_spots_flaw):
    cm = axi_spots_flaw
    regions = cm.submeshes()
    tdim = cm.mesh.topology.dim
    n_parent = cm.mesh.topology.index_map(tdim).size_local
    n_sub = sum(r.mesh.topology.index_map(tdim).size_local for r in regions.values())
    assert n_sub == n_parent
    alloy, nasicon = regions["alloy"], regions["nasicon"]
    for name in ("interface_contact", "interface_blocked", "flaw"):
        marker = TAGS.facet(name)
        n = len(cm.facets(name))
        assert len(alloy.facet_tags.find(marker)) == n
        assert len(nasicon.facet_tags.find(marker)) == n
    assert len(nasicon.facet_tags.find(TAGS.facet("current_collector"))) == 0
    assert len(alloy.facet_tags.find(TAGS.facet("counter_electrode"))) == 0
    # the parent facets recorded for the submesh tags are the same geometric facets
    from dolfinx import mesh as dmesh

    marker = TAGS.facet("interface_contact")
    sel = nasicon.facet_tags.values == marker
    sub_mid = dmesh.compute_midpoints(nasicon.mesh, tdim - 1, nasicon.facet_tags.indices[sel])
    par_mid = dmesh.compute_midpoints(cm.mesh, tdim - 1, nasicon.parent_facets[sel])
    assert np.allclose(sub_mid, par_mid, atol=1e-15)
    # entity map: sub cells -> parent cells of the right region
    cells = np.arange(alloy.mesh.topology.index_map(tdim).size_local, dtype=np.int32)
    parents = alloy.entity_map.sub_topology_to_topology(cells, False)
    assert set(parents) == set(cm.cells("alloy"))


def test_xdmf_and_msh_round_trip(tmp_path):
    import meshio
    from dolfinx import io
    from mpi4py import MPI

    cell = Cell(pellet_radius=B, pellet_thickness=LN, alloy_thickness=LA,
                contact=ContactSpots(radius=2e-4), mesh_size=5e-5)
    cm = cell.build_mesh(msh_file=tmp_path / "cell.msh")
    path = cm.write_xdmf(tmp_path / "cell.xdmf")
    with io.XDMFFile(MPI.COMM_WORLD, str(path), "r") as xdmf:
        msh = xdmf.read_mesh()
        msh.topology.create_connectivity(1, 2)
        ct = xdmf.read_meshtags(msh, name="cell_tags")
        ft = xdmf.read_meshtags(msh, name="facet_tags")
    assert msh.topology.index_map(2).size_local == cm.mesh.topology.index_map(2).size_local
    for tags_in, tags_out in ((cm.cell_tags, ct), (cm.facet_tags, ft)):
        a = np.unique(tags_in.values, return_counts=True)
        b = np.unique(tags_out.values, return_counts=True)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    m = meshio.read(tmp_path / "cell.msh")
    assert m.points[:, 0].max() == pytest.approx(B, rel=1e-12)  # metres, not micrometres
    names = set(m.field_data)
    assert {"alloy", "nasicon", "interface_contact", "counter_electrode"} <= names
    converted = cm.to_meshio()
    assert len(converted.cells[0].data) == cm.mesh.topology.index_map(2).size_local


@pytest.mark.parametrize("kind", ["axisymmetric", "planar"])
def test_flaw_mouth_over_a_contact_edge(kind):
    """A contact edge inside the flaw mouth: one V notch, areas still exact."""
    cell = Cell(geometry=kind, pellet_radius=B, pellet_thickness=LN, alloy_thickness=LA,
                contact=ContactSpots(radius=3e-4),
                flaw=SurfaceFlaw(depth=1e-4, opening=2e-5, position=3.05e-4), mesh_size=2.5e-5)
    cm = cell.build_mesh()
    assert cm.contact_area() == pytest.approx(cell.contact_area(), rel=1e-10)
    r, d, x0 = 1e-5, 1e-4, 3.05e-4
    flank = math.hypot(r, d)
    expected = 2 * math.pi * x0 * 2 * flank if kind == "axisymmetric" else 2 * flank
    assert cm.area("flaw") == pytest.approx(expected, rel=1e-10)
    z_min = _facet_midpoints(cm, "flaw")[:, 1].min()
    assert z_min > LN - d


def test_oriented_interface_measure_puts_the_alloy_on_plus(axi_spots_flaw):
    from dolfinx import fem
    from mpi4py import MPI

    cm = axi_spots_flaw
    indicator = fem.Function(fem.functionspace(cm.mesh, ("DG", 0)))
    indicator.x.array[cm.cells("alloy")] = 1.0
    dS, w = cm.dS_oriented(), cm.weight()
    for name in ("interface_contact", "interface_blocked", "flaw"):
        marker = TAGS.facet(name)
        plus = fem.assemble_scalar(fem.form(indicator("+") * w("+") * dS(marker)))
        minus = fem.assemble_scalar(fem.form(indicator("-") * w("+") * dS(marker)))
        plus = cm.mesh.comm.allreduce(plus, op=MPI.SUM)
        minus = cm.mesh.comm.allreduce(minus, op=MPI.SUM)
        assert plus == pytest.approx(cm.area(name), rel=1e-12)
        assert minus == 0.0
