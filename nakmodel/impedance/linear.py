"""Small-signal transfer functions and relaxation modes of a linearised model.

A model written as ``M du/dt + R(u) = f(I)`` and linearised at an operating
state gives ``M dδu/dt + J δu = b δI`` with the output ``δV = c·δu + d δI``.
In the frequency domain (PyBaMM's "frequency-domain EIS by linearisation")::

    Z(ω) = c^T (iωM + J)^{-1} b + d                                    (1)

For a passive RC-type system the poles are real and (1) is exactly a sum of
Debye relaxations (the model's own DRT)::

    Z(ω) = Z_∞ + Σ_k R_k / (1 + iω τ_k),   τ_k = 1/λ_k,   J v = λ M v   (2)

with Σ_k R_k = Z(0) − Z_∞.  Rows of ``M`` that are zero (algebraic
unknowns: potentials, constraints) are eliminated by a Schur complement
before the eigenproblem, which also gives Z_∞.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputProblem, ParameterError


def check_frequencies(frequencies) -> np.ndarray:
    """Frequencies [Hz] as a 1-D float array; positive and finite or a ParameterError."""
    f = np.atleast_1d(np.asarray(frequencies, dtype=float))
    if f.ndim != 1 or f.size == 0:
        raise ParameterError(InputProblem("frequencies", "must be a non-empty 1-D sequence",
                                          frequencies, "frequencies in (0, inf) Hz"))
    bad = ~np.isfinite(f) | (f <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(InputProblem(f"frequencies[{i}]", "must be positive and finite",
                                          float(f[i]), "frequencies in (0, inf) Hz"))
    return f


@dataclass(repr=False)
class RelaxationSpectrum:
    """Relaxation times τ_k [s], resistances R_k [Ω] and the region of each mode."""

    tau: np.ndarray
    R: np.ndarray
    Z_inf: complex
    region: list[str] = field(default_factory=list)
    region_weights: np.ndarray | None = None  # (n_modes, n_regions) energy fractions
    region_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.tau)

    def __iter__(self):
        """The modes as ``(tau [s], R, region)`` rows, slowest first (:meth:`table`)::

            for tau, R, region in nakmodel.relaxation_spectrum(cell, p): ...
        """
        return iter(self.table())

    def __repr__(self) -> str:
        if not len(self):
            return f"{type(self).__name__}(0 modes, Z_inf={complex(self.Z_inf):.4g})"
        return (f"{type(self).__name__}({len(self)} modes, tau {np.min(self.tau):.3g}-"
                f"{np.max(self.tau):.3g} s, sum R = {self.total_resistance:.4g}, "
                f"Z_inf = {complex(self.Z_inf).real:.4g})")

    @property
    def total_resistance(self) -> float:
        return float(np.sum(self.R))

    def impedance(self, frequencies) -> np.ndarray:
        """Z(ω) rebuilt from the modes, equation (2)."""
        omega = 2 * np.pi * check_frequencies(frequencies)
        return self.Z_inf + np.sum(self.R[None, :] / (1 + 1j * omega[:, None] * self.tau[None, :]),
                                   axis=1)

    def table(self) -> list[tuple[float, float, str]]:
        """Rows (tau [s], R [Ω], region), slowest first."""
        order = np.argsort(self.tau)[::-1]
        regions = self.region or [""] * len(self.tau)
        return [(float(self.tau[i]), float(self.R[i]), regions[i]) for i in order]

    def significant(self, fraction: float = 1e-6) -> RelaxationSpectrum:
        """Only modes carrying more than ``fraction`` of the total |R|."""
        keep = np.abs(self.R) > fraction * np.sum(np.abs(self.R))
        weights = None if self.region_weights is None else self.region_weights[keep]
        region = [r for r, k in zip(self.region, keep, strict=False) if k] if self.region \
            else []
        return RelaxationSpectrum(self.tau[keep], self.R[keep], self.Z_inf, region, weights,
                                  self.region_names)

    def plot_lines(self, ax, scale: float = 1.0, **kwargs):
        """Draw each mode as a vertical line at τ_k of height R_k (over a DRT plot)."""
        kwargs.setdefault("color", "k")
        kwargs.setdefault("lw", 1.0)
        ax.vlines(self.tau, 0, scale * self.R, **kwargs)
        ax.set_xscale("log")
        return ax


@dataclass
class LinearizedSystem:
    """``M dδu/dt + J δu = b δI``, ``δV = c·δu + d δI`` (sparse, real).

    ``dof_region`` optionally labels each unknown with a region index into
    ``region_names`` (alloy bulk, interface, ceramic, counter electrode...) so
    modes can be attributed to where their energy lives.
    """

    J: sp.spmatrix
    M: sp.spmatrix
    b: np.ndarray
    c: np.ndarray
    d: float = 0.0
    dof_region: np.ndarray | None = None
    region_names: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.J = sp.csr_matrix(self.J)
        self.M = sp.csr_matrix(self.M)
        self.b = np.asarray(self.b, dtype=float).ravel()
        self.c = np.asarray(self.c, dtype=float).ravel()
        n = self.J.shape[0]
        if self.J.shape != (n, n) or self.M.shape != (n, n) or self.b.size != n \
                or self.c.size != n:
            raise ValueError("LinearizedSystem: J, M (n x n), b, c (n) shapes disagree")

    @property
    def size(self) -> int:
        return self.J.shape[0]

    def impedance(self, frequencies) -> np.ndarray:
        """Z(ω) of equation (1): one sparse complex LU per frequency."""
        f = check_frequencies(frequencies)
        J = self.J.astype(complex).tocsc()
        M = self.M.astype(complex).tocsc()
        Z = np.empty(f.size, dtype=complex)
        for k, fk in enumerate(f):
            A = (J + 2j * np.pi * fk * M).tocsc()
            x = spla.splu(A).solve(self.b.astype(complex))
            Z[k] = self.c @ x + self.d
        return Z

    def dc_resistance(self) -> float:
        """Z(0) = c^T J^{-1} b + d (the DC limit)."""
        x = spla.spsolve(self.J.tocsc(), self.b)
        return float(self.c @ x + self.d)

    def _partition(self):
        """Indices of dynamic (M row non-zero) and algebraic unknowns."""
        M = self.M.tocsr()
        row_norm = np.abs(M).sum(axis=1).A.ravel()
        scale = row_norm.max() if row_norm.size and row_norm.max() > 0 else 1.0
        dynamic = np.flatnonzero(row_norm > 1e-14 * scale)
        algebraic = np.setdiff1d(np.arange(self.size), dynamic)
        return dynamic, algebraic

    def reduce(self):
        """Schur complement onto the dynamic unknowns.

        Returns ``(K, Md, bd, cd, Z_inf)`` with ``Md dx/dt + K x = bd δI``,
        ``δV = cd·x + Z_inf δI`` (dense arrays).
        """
        dyn, alg = self._partition()
        J = self.J.tocsr()
        Jdd = J[dyn][:, dyn].toarray()
        Md = self.M.tocsr()[dyn][:, dyn].toarray()
        if alg.size == 0:
            return Jdd, Md, self.b[dyn], self.c[dyn], complex(self.d)
        Jaa = J[alg][:, alg].tocsc()
        Jad = J[alg][:, dyn].toarray()
        Jda = J[dyn][:, alg].toarray()
        lu = spla.splu(Jaa)
        X = lu.solve(np.column_stack([Jad, self.b[alg]]))
        Jaa_inv_Jad, Jaa_inv_ba = X[:, :-1], X[:, -1]
        Ja_T = spla.splu(Jaa.T.tocsc())
        y = Ja_T.solve(self.c[alg])  # c_a^T Jaa^{-1}
        K = Jdd - Jda @ Jaa_inv_Jad
        bd = self.b[dyn] - Jda @ Jaa_inv_ba
        cd = self.c[dyn] - Jad.T @ y
        Z_inf = self.d + self.c[alg] @ Jaa_inv_ba
        return K, Md, bd, cd, complex(Z_inf)

    def modes(self) -> RelaxationSpectrum:
        """All relaxation modes by a dense generalized eigenproblem (small systems).

        Z(ω) = Z_∞ + Σ_k r_k/(λ_k + iω), r_k = (cd·v_k)(w_k^H bd)/(w_k^H Md v_k),
        with right/left eigenvectors v_k, w_k of (K, Md); R_k = r_k/λ_k.
        """
        K, Md, bd, cd, Z_inf = self.reduce()
        lam, W, V = sla.eig(K, Md, left=True, right=True)
        if np.any(~np.isfinite(lam)):
            raise ParameterError(InputProblem("state", "the capacitance matrix is singular on the "
                                              "dynamic unknowns", None,
                                              "a model whose every dynamic unknown has "
                                              "capacitance"))
        norms = np.einsum("ik,ij,jk->k", W.conj(), Md, V)
        r = (cd @ V) * (W.conj().T @ bd) / norms
        R = r / lam
        tau = 1.0 / lam
        if np.max(np.abs(tau.imag)) > 1e-8 * np.max(np.abs(tau.real)):
            raise ParameterError(InputProblem("state", "complex relaxation times: the linearised "
                                              "model is not of RC type", None, "real poles"))
        spectrum = RelaxationSpectrum(tau.real, R.real, Z_inf)
        if self.dof_region is not None and self.region_names:
            dyn, _ = self._partition()
            labels = np.asarray(self.dof_region)[dyn]
            weights = np.zeros((len(lam), len(self.region_names)))
            energy = np.abs(V) ** 2 * np.abs(np.diag(Md))[:, None]
            for j in range(len(self.region_names)):
                weights[:, j] = energy[labels == j].sum(axis=0)
            weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
            spectrum.region_weights = weights
            spectrum.region_names = list(self.region_names)
            spectrum.region = [self.region_names[j] for j in np.argmax(weights, axis=1)]
        return spectrum
