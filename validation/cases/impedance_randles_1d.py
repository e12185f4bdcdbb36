"""FE impedance of a uniform 1D cell vs the analytic Randles circuit with a finite-length
reflective Warburg in the alloy, the CE arc and the ceramic's geometric capacitance; the
model's exact relaxation modes (Σ R_k) and the Kramers-Kronig test of its spectrum."""

from nakmodel.validation_framework import Case, Check

SOURCE = ("Randles circuit + finite-length reflective Warburg: Lasia, Electrochemical "
          "Impedance Spectroscopy (2014) ch. 4 [M]; R_d, τ derived from the model [I]")


def _problem():
    import dolfinx_solver  # noqa: F401

    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem
    from nakmodel.model.verification import randles_materials

    cm = interval_cell(10e-6, 10e-6, n_nasicon=4, n_alloy=200, grading=1e3)
    return CoupledProblem(cm, temperature=298.15, x_initial=0.5, **randles_materials())


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.drt import kramers_kronig
    from nakmodel.impedance import impedance, linearise
    from nakmodel.impedance.model import EPSILON_0, interface_coefficients
    from nakmodel.impedance.modes import dense_modes, plot_modes

    F, R, T, L_N, L_A, SIG, EPS = 96485.33212, 8.314462618, 298.15, 10e-6, 10e-6, 0.01, 100.0
    pb = _problem()
    f = np.logspace(-3, 7, 101)
    spec = impedance(pb, frequencies=f, relative_permittivity=EPS)
    w = 2 * np.pi * f
    k = interface_coefficients(pb)  # the model's own constitutive derivatives
    D = k["diffusivity"]
    r_d, tau = abs(k["dU_dc"]) * L_A / (F * D), L_A**2 / D
    s = np.sqrt(1j * w * tau)
    r_ct, r_ce = 1 / k["conductance"], R * T / (F * 20.0)
    z_ref = (1 / (SIG / L_N + 1j * w * EPSILON_0 * EPS / L_N)
             + 1 / (1 / (r_ct + r_d / np.tanh(s) / s) + 1j * w * 0.1)
             + 1 / (1 / r_ce + 1j * w * 10.0))
    err = float(np.max(np.abs(spec.Z / z_ref - 1)))
    lin = linearise(pb, relative_permittivity=EPS)
    modes = dense_modes(lin)
    z_r0 = lin.dc_resistance()
    sum_err = abs(modes.total_resistance - (z_r0 - modes.Z_inf.real)) / abs(z_r0)
    kk = kramers_kronig(spec, warn=False)
    geis_peis = float(np.max(np.abs(impedance(pb, frequencies=f, mode="potentiostatic").Z
                                    / spec.Z - 1)))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    ax1.plot(1e4 * z_ref.real, -1e4 * z_ref.imag, "k-", lw=3, alpha=0.3, label="analytic")
    ax1.plot(1e4 * spec.Z.real, -1e4 * spec.Z.imag, "C0.", ms=3, label="FE linearisation")
    ax1.set_xlabel("Z' / Ω cm²")
    ax1.set_ylabel("−Z'' / Ω cm²")
    ax1.set_aspect("equal")
    ax1.legend()
    plot_modes(ax2, modes)
    ax2.set_title("exact modes (Σ R_k = Z_R(0) − Z_∞)")
    fig.savefig(outdir / "impedance_randles_1d.png", dpi=120)
    plt.close(fig)
    return [
        Check("max |Z_FE/Z_analytic − 1|, 1 mHz–10 MHz", err, reference=0.0, abs_tol=5e-3,
              unit="-", source=SOURCE),
        Check("|Σ R_k − (Z_R(0) − Z_∞)| / Z_R(0)", sum_err, reference=0.0, abs_tol=1e-6,
              unit="-", source="modal expansion of the linearised model [I]"),
        Check("max |Z_PEIS/Z_GEIS − 1|", geis_peis, reference=0.0, abs_tol=1e-8, unit="-",
              source="linear response: Z = 1/Y [I]"),
        Check("Lin-KK max residual of the model spectrum", kk.max_residual, reference=0.0,
              abs_tol=1e-3, unit="-", source="Schönleber et al., Electrochim. Acta 131 (2014) 20"),
    ]


CASE = Case(name="impedance_randles_1d", title="FE impedance vs analytic Randles + Warburg (1D)",
            run=run, slow=False, figures=["impedance_randles_1d.png"])
