"""Phase-correct thermodynamics, two-phase (mixture) transport and direction-dependent
blocking of the Na-K working electrode, written once for UFL expressions and numpy arrays.

The FE unknown is the overall Na content c (per reference volume; x = c / (c + c_K0)).
At local equilibrium an overall composition x splits by the lever rule into phases whose
compositions are fixed by the phase boundaries of :func:`nakmodel.thermo.phase_boundaries`
(x_s,K <= x_liq,K <= x_liq,Na <= x_s,Na at temperature T):

=====================  ===================  ===============================
field                  liquid composition   phases
=====================  ===================  ===============================
x <= x_s,K             (none)               K(ss) of composition x
x_s,K < x < x_liq,K    x_liq,K (pinned)     liquid + K(ss) at x_s,K
x_liq,K .. x_liq,Na    x                    liquid
x_liq,Na < x < x_s,Na  x_liq,Na (pinned)    liquid + Na(ss) at x_s,Na
x >= x_s,Na            (none)               Na(ss) of composition x
=====================  ===================  ===============================

Every piecewise-linear switch is the clamp of :func:`clamp` with a C^2 smoothstep blend of
half-width w = ``phase_smoothing`` x (width of the phase field it bounds): exact outside the
blend, within [lo, hi] everywhere, so no fraction is ever negative or above 1 and the
error at a phase boundary is 3w/16 (3 ``phase_smoothing``/16 in liquid fraction).  The blend
exists only so that Newton sees a smooth Jacobian: C^2 (the Jacobian itself is C^1) keeps
Newton's quadratic model valid across the liquidus, where the C^1 quadratic blend (kept as
``blend="c1"``) made the Jacobian kink and Newton stall (benchmarks/RESULTS.md).

Equilibrium potential (vs Na(s)), as :func:`nakmodel.thermo.ocv_vs_na`:
E = -[RT ln a_Na + Delta G_fus,Na(T)] / F with the activity of Na (reference pure liquid Na)

    ln a_Na(x) = ln a_liq(x_liq) + ln(x_K(ss) / x_s,K) + ln(x_Na(ss) / x_s,Na),

x_K(ss) = min(x, x_s,K) and x_Na(ss) = max(x, x_s,Na) (clamped): in the liquid and the
two-phase fields the last two terms vanish and the potential is that of the (coexisting)
liquid; in K(ss) RT ln a = g_Na + RT ln x (dilute Henry solution, g_Na fixed by
RT ln a_liq(x_liq,K) = g_Na + RT ln x_s,K at equilibrium), in Na(ss) E = -RT ln x / F
(Raoult), which is what :mod:`nakmodel.thermo` uses.  Na2K (below the 7 degC peritectic)
is not represented.

Transport (mixture model of Bennon & Incropera, Int. J. Heat Mass Transfer 30 (1987) 2161,
species equation with the phases in local equilibrium; the fixed-grid "enthalpy-type"
treatment of the pinned phase composition as in Voller & Prakash, Int. J. Heat Mass
Transfer 30 (1987) 1709) [M]: the Na flux is carried by each phase down the gradient of
its *own* composition,

    j = -[f_L D~(x_liq) grad c(x_liq) + f_K(ss) D_s grad c(x_K(ss)) + f_Na(ss) D_s grad c(x_Na(ss))]
      = -D_eff(x) grad c,
    D_eff = f_L D~(x_liq) dc_liq/dc + D_s [f_K(ss) dc_K(ss)/dc + f_Na(ss) dc_Na(ss)/dc],

with c(y) = c_K0 y / (1 - y) and dc(y)/dc = (dy/dx) (1 - x)^2 / (1 - y)^2 (molar phase
fractions taken as volume fractions: ideal molar volumes; liquid network tortuosity 1,
liquid at rest relative to the solid) [I].  In a two-phase field both phase compositions
are pinned, so a gradient of phase fraction drives no flux: a mush at uniform temperature
and no current stays as it is.  In the liquid D_eff = D~(x), in a solid solution D_s.

Kinematics (Lagrangian, reference = initial alloy whose K lattice is conserved; the layer
swells/shrinks *normally* to the interface, unit normal e = e_z, J = c_K0 V_K + c V_Na,
deformation gradient F = I + (J - 1) e (x) e).  With the volume-fixed Darken flux
-D~ grad c_Na (V_Na j_Na + V_K j_K = 0) the flux relative to the K lattice is
j_Na / (c_K V_K); its Piola transform N = J F^-1 j, with grad = F^-T Grad and
c_Na = c / J, gives  N = -D~ F^-1 F^-T Grad c = -D~ C^-1 Grad c,

    C^-1 = I + (1/J^2 - 1) e (x) e     [I]:

1/J^2 normal to the interface (the 1D result) and no factor along it (lateral lengths are
not stretched).  :func:`kinematic_tensor` returns it (1/J^2 in 1D).

Interface (direction-dependent blocking): the area covered by solid K (coverage = local
K(ss) molar fraction 1 - f_K, raised to ``blocking_exponent``) cannot be stripped (no Na to
oxidise) but Na+ is reduced on it, since solid K is a metal:

    i = contact {f_o k(eta, i0_L) + (1 - f_o) k(eta, i0_S) g(eta)},
    i0_L = i0_ref a_Na^alpha_c,  i0_S = i0_K a_Na^alpha_c,
    g(eta) = theta + (1 - theta) (1 - tanh(F eta / (2 w RT))) / 2,

i0_K = ``interface.solid_k_exchange_current_density`` (same reference as i0_ref: pure
liquid Na, so the cathodic branch on solid K, i0_K exp(-alpha_c F (V - phi + Delta
G_fus/F) / RT), does not depend on the Na activity), theta = ``interface.blocking_smoothing``
(residual oxidation conductance of covered area, keeps the galvanostatic problem solvable
once the whole interface is covered), w = :data:`GATE_WIDTH` (the smooth direction switch,
0.26 mV).  g is 1 for reduction (eta < 0) and theta for oxidation; k(0) = 0, so the
equilibrium (eta = 0) is exact, with no shuttle current between covered and open area.
The Na deposited on solid K enters the local content: per the phase diagram it forms
liquid with the K it touches (lever rule: liquid of composition x_liq,K, each mole of Na
turning (1 - x_liq,K) / x_liq,K mol of K into liquid), so the covered area shrinks as the
plated Na accumulates, and once the interface is liquid the liquid kinetics take over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl

from . import thermo_ufl as tu

#: width of the smooth oxidation/reduction switch on solid-K-covered area, in F eta / RT
GATE_WIDTH = 0.01
#: floor of the K(ss) composition under the logarithm (P1 undershoots x < 0)
X_FLOOR = 1e-12


def _is_ufl(*values) -> bool:
    return any(isinstance(v, ufl.core.expr.Expr) for v in values)


def _min(a, b):
    """min of two numbers, arrays or UFL expressions (phase-boundary widths, no
    derivative)."""
    if _is_ufl(a, b):
        return ufl.min_value(a, b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.minimum(a, b)  # (a per-node boundary, :mod:`.nucleation`)
    return min(float(a), float(b))


def _width(width):
    """A blend half-width as float, or as array (per node) when given one."""
    return width if isinstance(width, np.ndarray) else float(width)


#: default blend of every phase switch: "c2" (C^2 smoothstep, default) or "c1" (the
#: earlier quadratic blend, kept for the side-by-side benchmark benchmarks/bench_liquidus.py)
DEFAULT_BLEND = "c2"


def _check_blend(blend):
    if blend not in ("c1", "c2"):
        raise ValueError(f"blend must be 'c1' or 'c2', got {blend!r}")


def ramp(s, width, blend=None):
    """Smooth positive part max(s, 0) with a compact blend on |s| < w [I].

    c2 (default): with t = (s + w) / (2 w) in [0, 1], 2 w (t^3 - t^4 / 2), whose slope is
    the C^1 smoothstep 3 t^2 - 2 t^3: the ramp is C^2 (value, slope and curvature continuous
    at s = +-w); error 3 w / 16 at s = 0.  c1: (s + w)^2 / (4 w), error w / 4.  Both are
    convex, so >= max(s, 0)."""
    blend = DEFAULT_BLEND if blend is None else blend
    _check_blend(blend)
    if _is_ufl(s, width):
        t = (s + width) / (2.0 * width)
        mid = (2.0 * width * (t**3 - 0.5 * t**4) if blend == "c2"
               else (s + width) ** 2 / (4.0 * width))
        return ufl.conditional(ufl.le(s, -width), 0.0,
                               ufl.conditional(ufl.ge(s, width), s, mid))
    s = np.asarray(s, dtype=float)
    w = _width(width)
    t = (s + w) / (2.0 * w)
    mid = 2.0 * w * (t**3 - 0.5 * t**4) if blend == "c2" else (s + w) ** 2 / (4.0 * w)
    return np.where(s <= -w, 0.0, np.where(s >= w, s, mid))


def ramp_slope(s, width, blend=None):
    """d ramp / ds: 0, smoothstep 3 t^2 - 2 t^3 (c2) or t (c1), 1; t = (s + w) / (2 w)."""
    blend = DEFAULT_BLEND if blend is None else blend
    _check_blend(blend)
    if _is_ufl(s, width):
        t = (s + width) / (2.0 * width)
        mid = t**2 * (3.0 - 2.0 * t) if blend == "c2" else t
        return ufl.conditional(ufl.le(s, -width), 0.0,
                               ufl.conditional(ufl.ge(s, width), 1.0, mid))
    s = np.asarray(s, dtype=float)
    w = _width(width)
    t = (s + w) / (2.0 * w)
    mid = t**2 * (3.0 - 2.0 * t) if blend == "c2" else t
    return np.where(s <= -w, 0.0, np.where(s >= w, 1.0, mid))


def ramp_curvature(s, width, blend=None):
    """d^2 ramp / ds^2 (numpy): 0, 3 t (1 - t) / w (c2, 0 at both edges) or 1 / (2 w)."""
    blend = DEFAULT_BLEND if blend is None else blend
    _check_blend(blend)
    s = np.asarray(s, dtype=float)
    w = _width(width)
    t = (s + w) / (2.0 * w)
    mid = 3.0 * t * (1.0 - t) / w if blend == "c2" else 0.5 / w + 0.0 * t
    return np.where(np.abs(s) >= w, 0.0, mid)


def clamp(x, lo, hi, width_lo, width_hi=None, blend=None):
    """Smooth clamp lo + ramp(x - lo, w_lo) - ramp(x - hi, w_hi): exactly in [lo, hi]
    (for w_lo + w_hi <= hi - lo), monotone, = clamp(x, lo, hi) outside the blends."""
    width_hi = width_lo if width_hi is None else width_hi
    return lo + ramp(x - lo, width_lo, blend) - ramp(x - hi, width_hi, blend)


def clamp_slope(x, lo, hi, width_lo, width_hi=None, blend=None):
    """d clamp / dx in [0, 1]."""
    width_hi = width_lo if width_hi is None else width_hi
    return ramp_slope(x - lo, width_lo, blend) - ramp_slope(x - hi, width_hi, blend)


@dataclass(frozen=True)
class PhaseFields:
    """The phase boundaries at one temperature and the blend: x_s,K, x_liq,K, x_liq,Na,
    x_s,Na (floats or fem.Constants; x_liq,K also a UFL expression or, numpy, an array per
    node: the effective liquidus of :mod:`.nucleation`) and ``smoothing`` (relative blend
    half-width).
    ``k_solubility``/``na_solubility``: whether K(ss)/Na(ss) dissolve the other element
    (x_s,K > 0, x_s,Na < 1); without, the solid is pure and has no composition branch."""

    x_solid_k: object
    x_liquidus_k: object
    x_liquidus_na: object
    x_solid_na: object
    smoothing: object = 2e-3
    k_solubility: bool = True
    na_solubility: bool = True
    blend: str | None = None  # "c2" / "c1"; None: DEFAULT_BLEND at construction

    def __post_init__(self):
        object.__setattr__(self, "blend", DEFAULT_BLEND if self.blend is None else self.blend)
        _check_blend(self.blend)

    # blend half-widths at each boundary: a fixed fraction of the narrowest field it
    # bounds (x_s,K: K(ss) and the K-side mush; the liquidus: the mush next to it)
    def _w_sk(self):
        w = self.smoothing * (self.x_liquidus_k - self.x_solid_k)
        if self.k_solubility:
            w = _min(w, self.smoothing * self.x_solid_k)
        return w

    def _w_lk(self):
        return self.smoothing * (self.x_liquidus_k - self.x_solid_k)

    def _w_ln(self):
        return self.smoothing * (self.x_solid_na - self.x_liquidus_na)

    def _w_sn(self):
        w = self.smoothing * (self.x_solid_na - self.x_liquidus_na)
        if self.na_solubility:
            w = _min(w, self.smoothing * (1.0 - self.x_solid_na))
        return w

    def liquid_composition(self, x):
        """x_liq: x in the liquid window, pinned at the liquidus outside it."""
        return clamp(x, self.x_liquidus_k, self.x_liquidus_na, self._w_lk(), self._w_ln(),
                     self.blend)

    def open_fraction(self, x):
        """K-side liquid fraction f_K = (x - x_s,K) / (x_liq,K - x_s,K) in [0, 1]: the area
        not covered by solid K (solid Na does not block: Na | Na+ is active)."""
        return (clamp(x, self.x_solid_k, self.x_liquidus_k, self._w_sk(), self._w_lk(),
                      self.blend)
                - self.x_solid_k) / (self.x_liquidus_k - self.x_solid_k)

    def na_side_fraction(self, x):
        """Na-side liquid fraction (x_s,Na - x) / (x_s,Na - x_liq,Na) in [0, 1]."""
        return (self.x_solid_na - clamp(x, self.x_liquidus_na, self.x_solid_na,
                                        self._w_ln(), self._w_sn(), self.blend)) / (self.x_solid_na
                                                               - self.x_liquidus_na)

    def liquid_fraction(self, x):
        """Molar liquid fraction (lever rule) f_L = f_K f_Na-side (one factor is exactly 1
        wherever the other is below 1), in [0, 1] (never negative, also in round-off)."""
        return self.open_fraction(x) * self.na_side_fraction(x)

    def solid_k_composition(self, x):
        """x_K(ss) = min(x, x_s,K) (blend width ``smoothing`` x_s,K)."""
        if not self.k_solubility:
            return 0.0 * x
        return self.x_solid_k - ramp(self.x_solid_k - x, self._w_sk(), self.blend)

    def solid_na_composition(self, x):
        """x_Na(ss) = max(x, x_s,Na) (blend width ``smoothing`` (1 - x_s,Na))."""
        if not self.na_solubility:
            return 1.0 + 0.0 * x
        return self.x_solid_na + ramp(x - self.x_solid_na, self._w_sn(), self.blend)

    def ln_activity_na(self, x, temperature, L0, L1, L2=0.0):
        """ln a_Na (reference pure liquid Na) of the alloy at overall x, all phase fields
        (module docstring)."""
        lib = ufl if _is_ufl(x, temperature) else np
        x_l = self.liquid_composition(x)
        out = lib.ln(x_l) if lib is ufl else np.log(x_l)
        out = out + tu.ln_gamma_na(x_l, temperature, L0, L1, L2)
        if self.k_solubility:
            x_s = tu.smooth_positive_part(self.solid_k_composition(x), X_FLOOR)
            out = out + (lib.ln(x_s / self.x_solid_k) if lib is ufl
                         else np.log(x_s / self.x_solid_k))
        if self.na_solubility:
            x_s = self.solid_na_composition(x)
            out = out + (lib.ln(x_s / self.x_solid_na) if lib is ufl
                         else np.log(x_s / self.x_solid_na))
        return out

    def activity_na(self, x, temperature, L0, L1, L2=0.0):
        """a_Na = exp(ln a_Na)."""
        lna = self.ln_activity_na(x, temperature, L0, L1, L2)
        return ufl.exp(lna) if _is_ufl(lna) else np.exp(lna)

    def ocv_vs_na(self, x, temperature, L0, L1, na_melting_point, na_enthalpy_of_fusion,
                  L2=0.0):
        """E = -[RT ln a_Na + Delta G_fus,Na(T)] / F [V] vs Na(s) (module docstring)."""
        rt = tu.GAS_CONSTANT * temperature
        return -(rt * self.ln_activity_na(x, temperature, L0, L1, L2)
                 + tu.fusion_gibbs_energy(temperature, na_melting_point,
                                          na_enthalpy_of_fusion)) / tu.FARADAY

    def effective_diffusivity(self, x, liquid_interdiffusivity, solid_diffusivity):
        """D_eff(x) of the mixture flux j = -D_eff grad c [m^2/s] (module docstring).

        ``liquid_interdiffusivity``: callable x_liq -> D~(x_liq); ``solid_diffusivity``: D_s."""
        x_l = self.liquid_composition(x)
        one_x2 = (1.0 - x) ** 2
        d_liq = (self.liquid_fraction(x) * liquid_interdiffusivity(x_l)
                 * clamp_slope(x, self.x_liquidus_k, self.x_liquidus_na, self._w_lk(),
                               self._w_ln())
                 * one_x2 / (1.0 - x_l) ** 2)
        d_sol = 0.0
        if self.k_solubility:
            x_k = self.solid_k_composition(x)
            slope = ramp_slope(self.x_solid_k - x, self._w_sk(), self.blend)
            d_sol = d_sol + (1.0 - self.open_fraction(x)) * slope * one_x2 / (
                1.0 - x_k) ** 2
        else:
            d_sol = d_sol + (1.0 - self.open_fraction(x)) * 0.0
        if self.na_solubility:
            x_n = self.solid_na_composition(x)
            slope = ramp_slope(x - self.x_solid_na, self._w_sn(), self.blend)
            d_sol = d_sol + (1.0 - self.na_side_fraction(x)) * slope * one_x2 / (
                1.0 - x_n) ** 2
        return d_liq + solid_diffusivity * d_sol


def kinematic_tensor(stretch, dim: int):
    """C^-1 = I + (1/J^2 - 1) e_z (x) e_z of a layer swelling normally to the interface
    (e_z: the last coordinate); 1/J^2 in 1D (module docstring)."""
    if dim == 1:
        return 1.0 / stretch**2
    e = ufl.unit_vector(dim - 1, dim)
    return ufl.Identity(dim) + (1.0 / stretch**2 - 1.0) * ufl.outer(e, e)


def oxidation_gate(eta, temperature, residual, width: float = GATE_WIDTH):
    """g(eta) = theta + (1 - theta) (1 - tanh(F eta / (2 w RT))) / 2: 1 for reduction,
    theta (``residual``) for oxidation (module docstring)."""
    z = tu.FARADAY * eta / (2.0 * width * tu.GAS_CONSTANT * temperature)
    # |z| capped at 40 (tanh = +-1 to round-off there): UFL differentiates tanh as
    # 2 cosh(z) / (cosh(2 z) + 1), which is inf/inf = NaN for |z| > ~355
    if _is_ufl(eta, z):
        th = ufl.tanh(ufl.max_value(ufl.min_value(z, 40.0), -40.0))
    else:
        th = np.tanh(np.clip(z, -40.0, 40.0))
    return residual + (1.0 - residual) * 0.5 * (1.0 - th)


def interface_current(kinetics, eta, i0_liquid, i0_solid, open_fraction, temperature,
                      residual, exponent=1.0, contact=1.0):
    """Faradaic current density [A/m^2] (> 0 stripping) of a partly K-covered interface:
    contact {f_o k(eta, i0_L) + (1 - f_o) k(eta, i0_S) g(eta)}, f_o = f_K^n (module
    docstring); returns (i, f_o)."""
    f_open = open_fraction**exponent
    i = contact * (f_open * kinetics.current(eta, i0_liquid, temperature)
                   + (1.0 - f_open) * kinetics.current(eta, i0_solid, temperature)
                   * oxidation_gate(eta, temperature, residual))
    return i, f_open
