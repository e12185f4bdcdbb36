"""The default DRT's automatic λ on every real measured spectrum: a Markdown table.

For every file in ``../shared/peer-data`` and ``../shared/eis-corpus`` that
``nakmodel.read_spectrum`` reads (the rest are listed with the reader's refusal), every
spectrum gets the default DRT (:data:`nakmodel.drt.DEFAULT_SETTINGS`, the same as
``nakmodel drt``): the λ criterion chosen and why, λ, whether it hit a bound of the search
range, R∞, L, the series C (when fitted), the number of relaxations inside the measured τ
window (+ extrapolated peaks outside it), the rms relative fit residual and the Lin-KK
verdict.  With ``--pyimpspec`` the λ of pyimpspec's TR-RBF (same criterion family, its
own defaults: unweighted, τ = 1/f, range [1e-7, 1]) is added as an independent reference
of what GCV-type criteria do on these files; pyimpspec (GPL) is a benchmark oracle only.

Run: ``.venv/bin/python benchmarks/report_drt_lambda.py [--pyimpspec] [--out FILE.md]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from nakmodel.drt import DEFAULT_SETTINGS, compute, kramers_kronig
from nakmodel.io import read_spectrum

SHARED = Path(__file__).resolve().parents[2] / "shared"
FOLDERS = (SHARED / "peer-data", SHARED / "eis-corpus")


def files():
    for folder in FOLDERS:
        if folder.is_dir():
            yield from sorted(p for p in folder.iterdir() if p.is_file()
                              and not p.name.startswith(("LICENSE", "README"))
                              and p.suffix not in (".md", ".json"))


def pyimpspec_lambda(spectrum, criterion="mgcv"):
    import pyimpspec

    data = pyimpspec.DataSet(frequencies=spectrum.frequency, impedances=spectrum.Z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pyimpspec.analysis.drt.calculate_drt_tr_rbf(
            data, lambda_value=-1.0, cross_validation=criterion, rbf_type="gaussian",
            derivative_order=1, rbf_shape="fwhm", shape_coeff=0.5, inductance=True,
            num_procs=1)
    return float(result.lambda_value)


def rows(with_pyimpspec: bool = False):
    for path in files():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = read_spectrum(path)
        except Exception as exc:
            yield {"file": path.name, "unread": f"{type(exc).__name__}: {str(exc)[:90]}"}
            continue
        spectra = found if isinstance(found, list) else [found]
        for k, spectrum in enumerate(spectra):
            t0 = time.perf_counter()
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                drt = compute(spectrum)
            elapsed = time.perf_counter() - t0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kk = kramers_kronig(spectrum)
            rel = np.abs(drt.relative_residuals)
            row = {"file": path.name + (f" [{k}]" if len(spectra) > 1 else ""),
                   "method": drt.lambda_method, "lam": drt.lam,
                   "bound": drt.lambda_at_bound, "R_inf": drt.R_inf, "L": drt.L, "C": drt.C,
                   "relaxations": len(drt.relaxations()),
                   "extrapolated": sum(p.extrapolated for p in drt.peaks()),
                   "rms": float(np.sqrt(np.mean(rel**2))), "kk": kk.passed,
                   "kk_max": kk.max_residual, "reason": drt.lambda_choice.reason,
                   "time": elapsed}
            if with_pyimpspec:
                try:
                    row["pyimpspec"] = pyimpspec_lambda(spectrum)
                except Exception as exc:  # report, do not hide, an oracle failure
                    row["pyimpspec"] = float("nan")
                    row["reason"] += f"; pyimpspec failed: {exc}"
            yield row


def markdown(table, with_pyimpspec: bool = False) -> str:
    s = DEFAULT_SETTINGS
    head = ["file", "λ method", "λ", "bound hit?", "R∞ / Ω", "L / H", "C / F",
            "peaks (+extrap.)", "fit rms", "Lin-KK (max)"]
    if with_pyimpspec:
        head.append("pyimpspec mGCV λ")
    lines = [f"Default DRT settings: λ = {s.lam} over [{s.lambda_range[0]:g}, "
             f"{s.lambda_range[1]:g}], weights = {s.weights}, capacitance = {s.capacitance}, "
             f"grid extension (short, long τ) = {s.extension} decades.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    unread, reasons = [], {}
    for r in table:
        if "unread" in r:
            unread.append(r)
            continue
        c = f"{r['C']:.3g}" if np.isfinite(r["C"]) else "–"
        cells = [f"`{r['file']}`", r["method"], f"{r['lam']:.3g}",
                 "**yes**" if r["bound"] else "no", f"{r['R_inf']:.4g}", f"{r['L']:.2g}", c,
                 f"{r['relaxations']} (+{r['extrapolated']})", f"{100 * r['rms']:.2g} %",
                 f"{'pass' if r['kk'] else 'FAIL'} ({100 * r['kk_max']:.2g} %)"]
        if with_pyimpspec:
            cells.append(f"{r['pyimpspec']:.3g}")
        lines.append("| " + " | ".join(cells) + " |")
        reasons.setdefault(r["reason"].split(";")[0], []).append(r["file"])
    lines += ["", "Why each criterion was chosen (``lam='auto'``):", ""]
    for reason, names in reasons.items():
        lines.append(f"- {reason}: {len(names)} spectra")
    if unread:
        lines += ["", "Not read by `read_spectrum` yet (covered automatically once read):", ""]
        lines += [f"- `{r['file']}`: {r['unread']}" for r in unread]
    n = sum("unread" not in r for r in table)
    hits = sum(r.get("bound", False) for r in table)
    lines += ["", f"{n} spectra, {hits} with λ at a bound."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyimpspec", action="store_true",
                        help="add pyimpspec's mGCV λ (GPL oracle, test extra)")
    parser.add_argument("--out", default=None, help="also write the table to this file")
    args = parser.parse_args(argv)
    text = markdown(list(rows(args.pyimpspec)), args.pyimpspec)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
