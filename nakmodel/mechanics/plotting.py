"""Plots of the ceramic stress field and of the crack driving force (matplotlib, take an ax)."""

from __future__ import annotations

import numpy as np


def plot_principal_stress(ax, result, *, window: float = 3.0, mirror: bool = True,
                          cmap: str = "RdBu_r"):
    """Maximum principal stress [MPa] near the flaw, in pellet (x, z) coordinates [um].

    ``result`` is a :class:`~nakmodel.mechanics.fracture.StressIntensity`;
    ``window`` is the half-size of the view in flaw depths.  In the half
    model the field is mirrored about the flaw plane when ``mirror``.
    """
    import matplotlib.tri as mtri

    from ..errors import InputProblem, ParameterError

    if result.solution.mesh.geometry.dim != 2:
        raise ParameterError(InputProblem("result",
                                          "plot_principal_stress draws 2D sections; write "
                                          "3D fields with result.write_vtx(path)", "3D result",
                                          "a plane-strain or axisymmetric StressIntensity"))
    f = result.principal_stress(1)
    mesh = f.function_space.mesh
    cells = mesh.geometry.dofmaps[0]
    xy = result.to_pellet_coordinates(mesh.geometry.x[:, :2])
    values = f.x.array.copy()
    # P1 dofs coincide with the geometry nodes for a linear mesh: map through the dofmap
    dofs = f.function_space.dofmap.list
    node_values = np.empty(len(xy))
    node_values[cells.reshape(-1)] = values[dofs.reshape(-1)]
    tris = [cells]
    pts = [xy]
    vals = [node_values]
    if result.crack.symmetric and mirror:
        pts.append(xy * np.array([-1.0, 1.0]))
        tris.append(cells + len(xy))
        vals.append(node_values)
    xy_all = np.vstack(pts) * 1e6
    tri = mtri.Triangulation(xy_all[:, 0], xy_all[:, 1], np.vstack(tris))
    v = np.concatenate(vals) / 1e6
    g = result.geometry
    x0, z0 = g.position * 1e6, (g.pellet_thickness - g.depth) * 1e6
    half = window * g.depth * 1e6
    near = (np.abs(xy_all[:, 0] - x0) < half) & (np.abs(xy_all[:, 1] - z0) < half)
    vmax = float(np.percentile(np.abs(v[near]), 98)) if near.any() else float(np.abs(v).max())
    art = ax.tripcolor(tri, v, shading="gouraud", cmap=cmap, vmin=-vmax, vmax=vmax)
    ax.figure.colorbar(art, ax=ax, label="max principal stress [MPa]")
    ax.set_xlim(x0 - half, x0 + half)
    ax.set_ylim(max(z0 - half, 0.0), g.pellet_thickness * 1e6 + 0.05 * half)
    ax.set_aspect("equal")
    ax.set_xlabel("x [um]")
    ax.set_ylabel("z [um]")
    ax.set_title(f"a = {g.depth * 1e6:.3g} um, p = {result.pressure / 1e6:.3g} MPa, "
                 f"K_I/K_IC = {result.k_ratio:.2f}", fontsize=9)
    return ax


def plot_k_ratio(ax, history=None, *, x=None, k_ratio=None, label=None):
    """K_I/K_IC against time or current, with the onset line K_I = K_IC.

    Pass a :class:`~nakmodel.mechanics.history.KRatioHistory` or the arrays
    ``x`` and ``k_ratio``.
    """
    if history is not None:
        x, k_ratio = history.x, history.k_ratio
        xlabel = history.x_label
    else:
        xlabel = "x"
    ax.plot(x, k_ratio, marker="o", ms=3, label=label)
    ax.axhline(1.0, color="k", ls="--", lw=1, label="crack onset K_I = K_IC")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("K_I / K_IC [-]")
    ax.legend()
    return ax
