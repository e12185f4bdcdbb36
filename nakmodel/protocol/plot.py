"""Drawing a protocol's nominal setpoint on a matplotlib axis."""

from __future__ import annotations

import math

from ._common import _CURRENT_PER_MA_CM2, _bad, _fmt_voltage
from .sequence import Protocol


def plot_protocol(ax, protocol, *, open_duration: float = 3600.0, time_unit: str = "h"):
    """Draw the nominal setpoint of ``protocol`` on ``ax`` and return ``ax``.

    Current steps are drawn in mA/cm² (stripping positive); potentiostatic holds are shaded
    and labelled with their voltage; steps that only end on a termination are drawn for
    ``open_duration`` [s] and marked with their ``until`` condition.
    """
    import numpy as np

    protocol = Protocol.parse(protocol)
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}.get(time_unit)
    if scale is None:
        raise _bad("time_unit", "unknown unit", time_unit, "'s', 'min' or 'h'")
    t0 = 0.0
    for step in protocol:
        length = step.duration if math.isfinite(step.duration) else open_duration
        if step.mode == "voltage":
            ax.axvspan(t0 / scale, (t0 + length) / scale, color="C2", alpha=0.15)
            ax.text((t0 + 0.5 * length) / scale, 0.0, f"hold {_fmt_voltage(step.voltage)}",
                    ha="center", va="bottom", fontsize=7, rotation=90)
        else:
            cuts = sorted({0.0, length, *[b for b in step.breakpoints() if b < length]})
            pieces = zip(cuts[:-1], cuts[1:], strict=True)
            t = np.concatenate([np.linspace(a, b, 20) for a, b in pieces])
            i = np.array([step.value(min(x, length * (1 - 1e-12))) for x in t])
            ax.plot((t0 + t) / scale, i / _CURRENT_PER_MA_CM2, color="C0", lw=1.2)
        if not math.isfinite(step.duration):
            ax.annotate("until " + " or ".join(u.render() for u in step.until),
                        ((t0 + length) / scale, 0.0), fontsize=7, rotation=90, ha="right",
                        va="bottom")
            ax.axvline((t0 + length) / scale, color="0.5", ls=":", lw=0.8)
        t0 += length
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel(f"time [{time_unit}]")
    ax.set_ylabel("current density [mA/cm²] (stripping > 0)")
    return ax
