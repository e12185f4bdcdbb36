"""``nakmodel kk FILE...``: Kramers-Kronig (Lin-KK) validity check of measured spectra.

Prints one verdict line per spectrum (N, frequency range, M, μ, largest residual, noise
estimate, pass/fail); with ``--out DIR`` also writes ``kk_summary.csv`` and a figure per
spectrum (Nyquist with the KK-compliant fit, residuals in %) with its residual table
``<name>_kk.csv``. Exit status 0 when every
spectrum passes, 1 when at least one fails, 2 on unreadable input.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

from ._common import add_quiet, echo


def register(sub) -> None:
    parser = sub.add_parser(
        "kk", help="Kramers-Kronig (Lin-KK) check of impedance files",
        description="Lin-KK test (Schönleber et al., Electrochim. Acta 131 (2014) 20) of "
        "impedance files (csv, BioLogic mpt/mpr, Gamry DTA, ZPlot z): verdict table, and with "
        "--out a residual figure per spectrum and kk_summary.csv. Exit 1 if any spectrum "
        "fails.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="impedance file(s)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="folder for figures and kk_summary.csv (default: table only)")
    parser.add_argument("--c", type=float, default=0.85, help="μ cut-off (default 0.85)")
    parser.add_argument("--mu-rule", default="stable", choices=("stable", "first"),
                        help="M selection: stable (default) or first (Schönleber 2014)")
    parser.add_argument("--M", type=int, default=None, help="fixed number of RC elements")
    parser.add_argument("--test", default="complex", choices=("complex", "real", "imag"),
                        help="which part of Z the Lin-KK circuit is fitted to (default: both)")
    parser.add_argument("--threshold", type=float, default=1.0, metavar="PERCENT",
                        help="largest |residual| in %% of |Z| for a pass (default 1)")
    parser.add_argument("--extend", default="auto", metavar="DECADES",
                        help="widen the τ range by DECADES on both sides, or 'auto' "
                        "(default: 0, 0.25, ..., 1 decade, the best fit; arcs that continue "
                        "beyond the measured range, e.g. a blocking pellet's bulk arc, "
                        "otherwise fail at the ends of a consistent spectrum)")
    parser.add_argument("--no-capacitance", action="store_true",
                        help="no series capacitance in the KK circuit")
    parser.add_argument("--no-inductance", action="store_true",
                        help="no series inductance in the KK circuit")
    parser.add_argument("--split", default="auto", choices=("auto", "cycle", "sequence", "none"),
                        help="how to split a file holding several sweeps (default auto)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def _extend(text: str):
    from ..errors import InputProblem, ParameterError

    if text == "auto":
        return "auto"
    try:
        return float(text)
    except ValueError:
        raise ParameterError(InputProblem("--extend", "not a number or 'auto'", text,
                                          "decades in 0..3, or auto")) from None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", name).strip("_") or "spectrum"


def run(args) -> int:
    from ..drt.kramers_kronig import KramersKronigWarning, kramers_kronig
    from ..io import read_spectra

    options = dict(c=args.c, test=args.test, M=args.M, threshold=args.threshold / 100.0,
                   extend_decades=_extend(args.extend), mu_rule=args.mu_rule,
                   capacitance=not args.no_capacitance, inductance=not args.no_inductance)
    split = None if args.split == "none" else args.split
    if args.out:
        from ._errors import check_output_folder

        check_output_folder(args.out)  # before any work: a file, read-only or full disk
    results = []
    for file in args.files:
        for spectrum in read_spectra(file, split=split):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", KramersKronigWarning)
                results.append((file, kramers_kronig(spectrum, **options)))
    header = f"{'spectrum':<40} {'N':>4} {'f range / Hz':>19} {'M':>3} {'mu':>6} " \
             f"{'max|res|':>9} {'noise':>7}  verdict"
    print(header)
    for _, r in results:
        s = r.spectrum
        frange = f"{s.frequency.min():.3g}-{s.frequency.max():.3g}"
        print(f"{s.label[:40]:<40} {len(s):>4} {frange:>19} {r.M:>3} {r.mu:>6.3f} "
              f"{100 * r.max_residual:>8.3g}% {r.noise_percent:>6.2g}%  "
              f"{'pass' if r.passed else 'FAIL'}")
    if args.out:
        _write_outputs(Path(args.out), results)
        echo(args, f"figures and kk_summary.csv in {args.out}")
    n_fail = sum(not r.passed for _, r in results)
    echo(args, f"{len(results) - n_fail}/{len(results)} spectra pass the Kramers-Kronig test "
         f"(threshold {args.threshold:g}% of |Z|)")
    return 0 if n_fail == 0 else 1


def _write_outputs(out: Path, results) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic_write import atomic_savefig, atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\n")
    table.writerow(["file", "spectrum", "points [-]", "fmin [Hz]", "fmax [Hz]", "M [-]", "mu [-]",
                    "extend_decades [-]", "max_residual [-]", "noise_percent [%]", "passed"])
    used: set[str] = set()
    for file, r in results:
        s = r.spectrum
        table.writerow([file, s.label, len(s), repr(float(s.frequency.min())),
                        repr(float(s.frequency.max())), r.M, repr(float(r.mu)),
                        r.extend_decades, repr(float(r.max_residual)),
                        repr(float(r.noise_percent)), r.passed])
        name = _safe(s.label)
        while name in used:
            name += "_"
        used.add(name)
        fig, (ax_n, ax_r) = plt.subplots(1, 2, figsize=(10, 4))
        s.plot_nyquist(ax_n, linestyle="none", label="measured")
        r.fitted().plot_nyquist(ax_n, marker="", linestyle="-", label="Lin-KK fit")
        ax_n.legend(fontsize="small")
        ax_n.set_title(s.label, fontsize="small")
        r.plot_residuals(ax_r)
        fig.tight_layout()
        atomic_savefig(fig, out / f"{name}_kk.png", dpi=120)
        r.to_csv(out / f"{name}_kk.csv")
        plt.close(fig)
    atomic_write_text(out / "kk_summary.csv", buffer.getvalue())
