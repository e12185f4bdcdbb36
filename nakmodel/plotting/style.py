"""Figure conventions shared by every nakmodel plot.

* :func:`curve_colors`: the default colour cycle for up to 10 curves, a sequential colour
  map (viridis) beyond, so that 12 curves never repeat a colour;
* :func:`legend_outside`: the legend to the right of the axes, never over the data;
* :func:`time_colorbar`: a colour bar instead of a legend for many curves of one
  ordered variable (time, current);
* :data:`PUBLICATION`: matplotlib rc settings (font sizes, vector-friendly fonts) applied
  by :func:`publication_style`;
* :func:`save_figure`: PNG, and with ``pdf=True`` a vector PDF next to it.
"""

from __future__ import annotations

from pathlib import Path

CYCLE_LENGTH = 10
PUBLICATION = {"font.size": 9, "axes.labelsize": 9, "axes.titlesize": 9, "legend.fontsize": 7,
               "xtick.labelsize": 8, "ytick.labelsize": 8, "pdf.fonttype": 42,
               "ps.fonttype": 42, "savefig.bbox": "tight", "axes.grid": False}


def curve_colors(n: int, cmap: str = "viridis") -> list:
    """``n`` distinct colours: ``C0..C9`` when ``n`` <= 10, else ``n`` samples of ``cmap``."""
    if n <= CYCLE_LENGTH:
        return [f"C{k}" for k in range(n)]
    from matplotlib import colormaps

    colormap = colormaps[cmap]
    return [colormap(k / max(n - 1, 1) * 0.92) for k in range(n)]


def legend_outside(ax, **kwargs):
    """The legend of ``ax`` to the right of the axes (outside the data); None if no labels."""
    handles, labels = ax.get_legend_handles_labels()
    if not labels:
        return None
    kwargs.setdefault("fontsize", 7)
    kwargs.setdefault("frameon", False)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                     **kwargs)


def time_colorbar(ax, values, label: str, cmap: str = "viridis"):
    """A colour bar for curves coloured by :func:`curve_colors` over ``values``."""
    import matplotlib as mpl

    values = list(values)
    norm = mpl.colors.Normalize(min(values), max(values) if max(values) > min(values)
                                else min(values) + 1)
    mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    return ax.figure.colorbar(mappable, ax=ax, label=label)


def publication_style():
    """Context manager with :data:`PUBLICATION` rc settings."""
    import matplotlib as mpl

    return mpl.rc_context(PUBLICATION)


def save_figure(fig, path, *, pdf: bool = False, dpi: int = 150) -> list[Path]:
    """Save ``fig`` as PNG at ``path`` (atomic) and, with ``pdf``, as a vector PDF next to it;
    returns the written paths."""
    from ..atomic_write import atomic_savefig

    path = Path(path)
    written = [atomic_savefig(fig, path.with_suffix(".png"), dpi=dpi)]
    if pdf:
        written.append(atomic_savefig(fig, path.with_suffix(".pdf")))
    return written
