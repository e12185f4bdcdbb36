"""Lin-KK on a measured test circuit against the Schönleber reference values.

impedance.py (ECSHackWeek, MIT) checks its Lin-KK on ``Circuit3_EIS_1.z`` against
Schönleber's Lin-KK software: with c = 0.69 the μ criterion stops at M = 10 with
μ = 0.684 (validation/data/peer/README.md). The file is a ZPlot
measurement of a physical test circuit, so it must also pass the KK test.
"""

from __future__ import annotations

from pathlib import Path

from nakmodel.validation_framework import Case, Check

SOURCE = ("Schönleber et al., Electrochim. Acta 131 (2014) 20; impedance.py test data "
          "Circuit3_EIS_1.z (M = 10, mu = 0.684 at c = 0.69)")


def _peer_file(name: str) -> Path:
    """A measured peer spectrum copied, with its licence, into validation/data/peer."""
    path = Path(__file__).resolve().parents[1] / "data" / "peer" / name
    if not path.exists():
        raise FileNotFoundError(f"peer data not found: {path}")
    return path


def run(outdir):
    import matplotlib.pyplot as plt

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.drt import kramers_kronig
    from nakmodel.io import read_spectrum

    spectrum = read_spectrum(_peer_file("Circuit3_EIS_1.z"))
    reference = kramers_kronig(spectrum, test="real", c=0.69, mu_rule="first",
                               capacitance=False, inductance=True, warn=False)
    default = kramers_kronig(spectrum, warn=False)
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    default.plot_residuals(ax)
    ax.set_title(f"Circuit3_EIS_1.z: Lin-KK residuals (M = {default.M})")
    atomic_savefig(fig, Path(outdir) / "kk_circuit3.png", dpi=130)
    plt.close(fig)
    return [
        Check("M at c = 0.69 (real test)", reference.M, reference=10, abs_tol=0, unit="-",
              source=SOURCE),
        Check("mu at M", reference.mu, reference=0.684, abs_tol=5e-4, unit="-", source=SOURCE),
        Check("largest |residual| / |Z| (default settings)", default.max_residual, low=0.0,
              high=0.01, unit="-", source="a physical circuit satisfies Kramers-Kronig"),
    ]


CASE = Case(name="kk_linkk_reference", title="Lin-KK on a measured test circuit", run=run,
            figures=["kk_circuit3.png"], description=__doc__.strip().splitlines()[0])
