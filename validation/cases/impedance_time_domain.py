"""Frequency-domain (linearisation) vs time-domain (sine current on the transient model,
lock-in) impedance at six frequencies and at the geometric arc of the ceramic (the model's
mass holds ε0 εr: f_g = σ/(2π ε0 εr) ≈ 1.8 MHz here); and for a brick-layer ceramic with
grain boundaries (σ_b = 3σ, τ_gb = ε_gb/σ_gb = 6.7 µs: arc apex 24 kHz), whose time stepping
eliminates the grain-boundary field per step (nakmodel.model.grain_boundary_stepping), at
0.3 Hz, 3 kHz and 60 kHz; and for a sub-grid constriction (θ = 0.3, ℓ = 100 µm, spot and strip
patterns, C_b = 0.01 F/m²: constriction arc apex ≈ 3 kHz), whose time stepping eliminates the
contact node φ_c per step (nakmodel.model.contact_stepping), at 300 Hz, 3 kHz and 30 kHz."""

from nakmodel.validation_framework import Case, Check


def run(outdir):
    import dolfinx_solver  # noqa: F401

    import numpy as np

    from nakmodel.impedance import linearise
    from nakmodel.impedance.timedomain import time_domain_impedance
    from nakmodel.model.materials import ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem
    from nakmodel.model.verification import randles_materials

    def problem(nasicon=None, working=None):
        materials = randles_materials()
        materials["nasicon"] = nasicon or materials["nasicon"]
        materials["working"] = working or materials["working"]
        return CoupledProblem(
            interval_cell(10e-6, 10e-6, n_nasicon=2, n_alloy=30, grading=1e2),
            temperature=298.15, x_initial=0.5, **materials)

    def compare(pb, f, label):
        z_fd = linearise(pb).impedance(f)
        z_td = time_domain_impedance(pb, f, steps_per_period=100)
        return z_td, [Check(f"{label}|Z_td/Z_fd − 1| at {fk:g} Hz", float(abs(zt / zf - 1)),
                            reference=0.0, abs_tol=1e-2, unit="-",
                            source="backward Euler + Richardson, lock-in [I]")
                      for fk, zt, zf in zip(f, z_td, z_fd, strict=True)]

    pb = problem()  # homogeneous ceramic, sigma = 0.01 S/m
    f = np.array([0.3, 3.0, 30.0, 300.0, 3000.0, 6e4, 1.8e6])
    z_td, checks = compare(pb, f, "")
    z_no_cg = linearise(pb, relative_permittivity=0.0).impedance(f[-1:])[0]
    brick = problem(NasiconProperties.from_parameters(conductivity=0.01, bulk_conductivity=0.03,
                                                      grain_boundary_permittivity=1e-7))
    checks += compare(brick, np.array([0.3, 3000.0, 6e4]), "grain boundaries: ")[1]
    for shape in ("spot", "strip"):
        subgrid = problem(working=ElectrodeInterface.from_parameters(
            exchange_current_density=50.0, double_layer_capacitance=0.1, patch_size=100e-6,
            contact_fraction=0.3, blocked_capacitance=0.01, patch_shape=shape))
        checks += compare(subgrid, np.array([300.0, 3000.0, 3e4]), f"sub-grid {shape}s: ")[1]
    checks.append(Check.within("geometric arc visible: |Z_(εr=0)/Z_td − 1| at 1.8 MHz",
                               float(abs(z_no_cg / z_td[-1] - 1)), 0.5, np.inf, unit="-",
                               source="R_b || C_g apex at f_g [I]"))
    return checks


CASE = Case(name="impedance_time_domain", title="Impedance: time domain vs frequency domain",
            run=run, slow=False)
