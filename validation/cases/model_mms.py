"""Manufactured solutions for the coupled FE model: observed convergence orders of P1.

Nonlinear diffusion (Darken D(x) in the K-lattice frame) alone in 1D, and the
galvanostatic Butler-Volmer coupling of alloy and NASICON (cell voltage unknown) in 1D,
axisymmetric and 3D.  Expected: L2 order 2, H1 order 1 (standard a-priori estimates for
P1 Lagrange elements [M]).
"""

from nakmodel.validation_framework import Case, Check

SOURCE = "a-priori FE error estimates for P1 Lagrange (Brenner & Scott, ch. 0 and 5) [M]"
STUDIES = (("1d", False), ("1d", True), ("axisymmetric", True), ("3d", True))


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.model.verification import convergence_study, observed_order

    checks = []
    fig, axes = plt.subplots(1, len(STUDIES), figsize=(4 * len(STUDIES), 3.4))
    for ax, (geometry, coupled) in zip(axes, STUDIES, strict=True):
        hs, errs = convergence_study(geometry, coupled)
        label = f"{geometry} {'coupled BV' if coupled else 'diffusion'}"
        for key in ("c_L2", "c_H1", "phi_L2", "phi_H1"):
            order = observed_order(hs, errs[key])
            expected = 2.0 if key.endswith("L2") else 1.0
            checks.append(Check(f"{label}: observed order, {key}", order, reference=expected,
                                abs_tol=0.3 if expected == 2 else 0.15, unit="-",
                                source=SOURCE))
            ax.loglog(hs, errs[key], "o-", label=key)
        if coupled and geometry != "1d":
            checks.append(Check.within(f"{label}: observed order, cell voltage",
                                       observed_order(hs, errs["V"]), 1.7, 4.0, unit="-",
                                       source=SOURCE))
        ax.set_title(label)
        ax.set_xlabel("h (relative)")
        ax.legend(fontsize="small")
    axes[0].set_ylabel("relative error")
    fig.tight_layout()
    atomic_savefig(fig, outdir / "model_mms.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_mms", title="Coupled FE model: manufactured solutions (orders)",
            run=run, slow=False, figures=["model_mms.png"])
