"""Na–K phase diagram of the model with the literature points overlaid."""

from __future__ import annotations

import numpy as np

from .. import thermo


def phase_diagram_lines(params=None, n: int = 120) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Stable liquidus branches and invariant lines as ``{name: (x_Na, T [K])}``."""
    a = thermo.alloy_parameters(params)
    te, xe = thermo.eutectic(a)
    tp = a.na2k_peritectic_temperature
    xp = float(thermo.liquidus(tp, a, phase="Na"))
    x_na2k_at_p = float(thermo.liquidus(tp - 1e-9, a, phase="Na2K"))
    t_k = np.linspace(te, a.k_melting_point, n)
    t_na = np.linspace(tp, a.na_melting_point, n)
    t_c = np.linspace(te, tp - 1e-9, n)
    return {
        "liquidus (K)": (np.asarray(thermo.liquidus(t_k, a, phase="K")), t_k),
        "liquidus (Na)": (np.asarray(thermo.liquidus(t_na, a, phase="Na")), t_na),
        "liquidus (Na2K)": (np.asarray(thermo.liquidus(t_c, a, phase="Na2K")), t_c),
        "solidus K(ss)": (np.asarray(thermo.solidus(t_k, a, phase="K")), t_k),
        "solidus Na(ss)": (np.asarray(thermo.solidus(t_na, a, phase="Na")), t_na),
        "eutectic": (np.array([0.0, thermo.X_NA_NA2K]), np.array([te, te])),
        "peritectic": (np.array([xp, 1.0]), np.array([tp, tp])),
        "Na2K": (np.array([thermo.X_NA_NA2K, thermo.X_NA_NA2K]), np.array([te - 60.0, tp])),
        "_points": (np.array([xe, xp, x_na2k_at_p]), np.array([te, tp, tp])),
    }


def plot_phase_diagram(ax, params=None, *, celsius: bool = True, literature: bool = True):
    """Draw the model T–x_Na phase diagram on ``ax`` and return ``ax``.

    Lines: liquidus vs K(ss), Na(ss) and Na2K and the solidus of the terminal solid solutions
    (see :mod:`nakmodel.thermo`), eutectic and peritectic isotherms, the Na2K line compound.
    Markers: literature points with their citations in the legend.
    """
    off = 273.15 if celsius else 0.0
    lines = phase_diagram_lines(params)
    styles = {"liquidus (K)": "C0", "liquidus (Na)": "C3", "liquidus (Na2K)": "C2"}
    for name, color in styles.items():
        x, t = lines[name]
        ax.plot(x, t - off, color=color, lw=2, label=f"model {name}")
    for name, color in (("solidus K(ss)", "C0"), ("solidus Na(ss)", "C3")):
        x, t = lines[name]
        if np.any((x > 0) & (x < 1)):
            ax.plot(x, t - off, color=color, lw=1, ls=":", label=f"model {name}")
    for name in ("eutectic", "peritectic", "Na2K"):
        x, t = lines[name]
        ax.plot(x, t - off, color="0.3", lw=1, ls="--")
    te = lines["eutectic"][1][0]
    tp = lines["peritectic"][1][0]
    ax.text(0.02, te - off - 2, "K(ss) + Na2K", fontsize=8, va="top")
    ax.text(0.70, tp - off - 2, "Na2K + Na(ss)", fontsize=8, va="top")
    ax.text(0.45, 320 - off, "liquid", fontsize=10)
    ax.text(0.03, te - off + 8, "L + K(ss)", fontsize=8)
    ax.text(0.85, tp - off + 8, "L + Na(ss)", fontsize=8)
    if literature:
        pts = thermo.LITERATURE_POINTS
        w = pts["liquid_window_25C"]
        ax.plot(w["x_na"], [w["T"] - off] * 2, "o", mfc="none", color="k", ms=8,
                label=f"liquid window 25 °C: {w['source']}")
        e = pts["eutectic"]
        ax.errorbar(np.mean(e["x_na"]), e["T"] - off, xerr=np.ptp(e["x_na"]) / 2, fmt="s",
                    mfc="none", color="k", ms=7, label=f"eutectic: {e['source']}")
        p = pts["na2k_peritectic"]
        ax.plot(p["x_na"], p["T"] - off, "^", mfc="none", color="k", ms=8,
                label=f"Na2K peritectic: {p['source']}")
        ax.plot([pts["k_melting"]["x_na"], pts["na_melting"]["x_na"]],
                [pts["k_melting"]["T"] - off, pts["na_melting"]["T"] - off], "D", mfc="none",
                color="k", ms=7, label=f"melting points: {pts['na_melting']['source']}")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(te - off - 60.0, thermo.alloy_parameters(params).na_melting_point - off + 10)
    ax.set_xlabel("x_Na (mole fraction Na)")
    ax.set_ylabel("T [°C]" if celsius else "T [K]")
    ax.set_title("Na–K phase diagram (model lines, literature markers)")
    ax.legend(fontsize=6, loc="lower right", framealpha=0.9)
    return ax
