"""Files of a sensitivity study: ``indices.csv``, ``samples.csv``, plots, ``summary.md``.

Every numeric CSV column carries its unit in the header (``S1 [-]``; Morris and percentile
columns are in the unit of their output, named in the ``output_unit`` column).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from ..atomic_write import atomic_write_text
from .design import PERCENTILES, analyse

MATTERS = 0.05
"""A Sobol' total index above this (its confidence interval's lower end) says 'matters';
below it (the upper end) 'does not matter'; Morris uses mu* / max mu* with the same bar."""

_COLUMNS = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "sigma", "mu"),
    "uncertainty": tuple(f"p{p:g}" for p in PERCENTILES) + ("mean", "std"),
}


def _unit_of_output(study, name: str) -> str:
    import importlib

    from ..study import KINDS

    module = importlib.import_module(KINDS[study.options.wrapped_kind])
    return getattr(module, "OUTPUT_UNITS", {}).get(name, "")


def _csv(header, rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _fmt(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.6g}"


def indices_table(study, design, outputs: dict) -> list[dict]:
    """One dict per (output, input) — or per output for ``uncertainty`` — with the indices,
    the output's SI unit and how many blocks of the design the values rest on."""
    opts = study.options
    table = []
    for name, y in outputs.items():
        res = analyse(design, y, conf_level=opts.conf_level, resamples=opts.resamples,
                      seed=opts.seed)
        for row in res["rows"]:
            table.append({"output": name, "output_unit": _unit_of_output(study, name) or "-",
                          "parameter": row.get("parameter", ""), **row,
                          "blocks_used": res["blocks_used"], "blocks": res["blocks"]})
    return table


def _indices_csv(method: str, table: list[dict]) -> str:
    cols = _COLUMNS[method]
    unit_of = (lambda c: "-") if method == "sobol" else (lambda c: "output_unit")
    header = ["output", "output_unit"] + (["parameter"] if method != "uncertainty" else [])
    header += [f"{c} [{unit_of(c)}]" for c in cols] + ["blocks_used [-]", "blocks [-]"]
    rows = []
    for r in table:
        row = [r["output"], r["output_unit"]] + ([r["parameter"]] if method != "uncertainty"
                                                 else [])
        rows.append(row + [_fmt(r[c]) for c in cols] + [r["blocks_used"], r["blocks"]])
    return _csv(header, rows)


def read_indices(path) -> list[dict]:
    """The table of a study's ``indices.csv`` (a file or its folder) as :func:`plot_indices`
    takes it: one dict per row, keys without their unit (``mu_star``, ``S1``, ...), numbers
    as floats (an empty cell is NaN)."""
    path = Path(path)
    if path.is_dir():
        path = path / "indices.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    table = []
    for rec in records:
        row = {}
        for header, text in rec.items():
            name = header.split(" [")[0]
            if name in ("output", "output_unit", "parameter"):
                row[name] = text
            elif name in ("blocks_used", "blocks"):
                row[name] = int(text)
            else:
                row[name] = float(text) if text else math.nan
        table.append(row)
    return table


def _samples_csv(study, design, outputs: dict, rows: list[dict]) -> str:
    header = ["run [-]", "point_id", "status"]
    header += [f"{r.key} [{'x_Na' if r.key == 'alloy.composition' else r.unit or '-'}]"
               for r in design.ranges]
    header += [f"{n} [{_unit_of_output(study, n) or '-'}]" for n in outputs]
    body = []
    for i, (values, rec) in enumerate(zip(design.values, rows, strict=True)):
        body.append([i, rec["point_id"], rec["status"]] + [_fmt(float(v)) for v in values]
                    + [_fmt(outputs[n][i]) for n in outputs])
    return _csv(header, body)


def verdicts(method: str, table: list[dict], output: str) -> tuple[list[str], list[str]]:
    """(inputs that matter, inputs that do not) for one output."""
    rows = [r for r in table if r["output"] == output]
    if method == "sobol":
        matter = [r["parameter"] for r in rows if r["ST"] - r["ST_conf"] > MATTERS]
        not_matter = [r["parameter"] for r in rows if r["ST"] + r["ST_conf"] < MATTERS]
    else:
        top = max((r["mu_star"] for r in rows if np.isfinite(r["mu_star"])), default=0.0)
        if not top > 0:
            return [], [r["parameter"] for r in rows]
        matter = [r["parameter"] for r in rows if r["mu_star"] / top > MATTERS]
        not_matter = [r["parameter"] for r in rows if r["mu_star"] / top <= MATTERS]
    return matter, not_matter


def plot_indices(ax, table: list[dict], output: str, method: str):
    """Horizontal bars of S1 and ST (Sobol') or mu* (Morris) with confidence intervals,
    largest at the top; returns ``ax``."""
    rows = [r for r in table if r["output"] == output]
    key = "ST" if method == "sobol" else "mu_star"
    rows.sort(key=lambda r: -np.nan_to_num(r[key]))
    y = np.arange(len(rows))[::-1]
    names = [r["parameter"] for r in rows]
    if method == "sobol":
        ax.barh(y + 0.2, [r["S1"] for r in rows], 0.4, xerr=[r["S1_conf"] for r in rows],
                label="first order S1", capsize=3)
        ax.barh(y - 0.2, [r["ST"] for r in rows], 0.4, xerr=[r["ST_conf"] for r in rows],
                label="total ST", capsize=3)
        ax.axvline(MATTERS, color="0.5", lw=0.8, ls="--")
        ax.set_xlabel("Sobol' index [-]")
        ax.legend(loc="lower right", fontsize="small")
    else:
        ax.barh(y, [r["mu_star"] for r in rows], 0.6,
                xerr=[r["mu_star_conf"] for r in rows], capsize=3)
        unit = rows[0]["output_unit"] if rows else "-"
        ax.set_xlabel(f"Morris mu* [{unit} per range]")
    ax.set_yticks(y, names, fontsize="small")
    ax.set_title(output)
    return ax


def plot_histogram(ax, values, output: str, unit: str):
    """Histogram of one output's propagated values with the 5/50/95 % percentiles."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    ax.hist(values, bins=max(5, min(40, int(np.sqrt(values.size)) + 1)), color="C0", alpha=0.8)
    for p, q in zip(PERCENTILES, np.percentile(values, PERCENTILES) if values.size else (),
                    strict=False):
        ax.axvline(q, color="k", lw=0.8, ls="--" if p != 50 else "-")
    ax.set_xlabel(f"{output} [{unit}]")
    ax.set_ylabel("runs [-]")
    return ax


def _cell(text: str) -> str:
    """Text for a markdown table cell: a '|' (as in NaK|NASICON) would split the cell."""
    return text.replace("|", r"\|")


def _summary(study, design, table, outputs, n_ok: int) -> str:
    opts = study.options
    lines = [f"# {study.title}", "",
             f"{opts.method} over {len(design.ranges)} inputs of the '{opts.wrapped_kind}' "
             f"study: {design.unit.shape[0]} runs ({n_ok} ok).", "",
             "| input | range | reason |", "|---|---|---|"]
    lines += [f"| {r.key} | {r.describe()} | {_cell(r.reason)} |" for r in design.ranges]
    lines.append("")
    for name in outputs:
        rows = [r for r in table if r["output"] == name]
        used, blocks = rows[0]["blocks_used"], rows[0]["blocks"]
        lines += [f"## {name} [{rows[0]['output_unit']}]", "",
                  f"Rests on {used} of {blocks} blocks of the design (a block is dropped when "
                  "one of its runs failed or gave no value).", ""]
        if opts.method == "uncertainty":
            r = rows[0]
            lines += [f"5 / 50 / 95 %: {_fmt(r['p5'])} / {_fmt(r['p50'])} / {_fmt(r['p95'])} "
                      f"{r['output_unit']} (mean {_fmt(r['mean'])}, std {_fmt(r['std'])}).", "",
                      f"![{name}]({name}.png)", ""]
            continue
        matter, not_matter = verdicts(opts.method, table, name)
        lines += [f"**Matter:** {', '.join(matter) or 'none clearly'}.", "",
                  f"**Do not matter:** {', '.join(not_matter) or 'none clearly'}.", ""]
        cols = _COLUMNS[opts.method]
        lines += ["| input | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
        lines += [f"| {r['parameter']} | " + " | ".join(_fmt(r[c]) for c in cols) + " |"
                  for r in rows]
        lines += ["", f"![{name}]({name}.png)", ""]
    crit = ("Sobol': 'matter' = total index ST above 0.05 beyond its confidence interval; "
            "'do not matter' = ST + CI below 0.05." if opts.method == "sobol" else
            "Morris: 'matter' = mu* above 5 % of the largest mu*." if opts.method == "morris"
            else "")
    if crit:
        lines += [crit, ""]
    return "\n".join(lines)


def write_report(study, design, outputs: dict, rows: list[dict], outdir: Path) -> list[Path]:
    """Write the indices, the samples, one figure per output and the summary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic_write import atomic_savefig

    method = study.options.method
    table = indices_table(study, design, outputs)
    written = [atomic_write_text(outdir / "indices.csv", _indices_csv(method, table)),
               atomic_write_text(outdir / "samples.csv",
                                 _samples_csv(study, design, outputs, rows))]
    for name, values in outputs.items():
        fig, ax = plt.subplots(figsize=(6, 0.5 * len(design.ranges) + 2), layout="constrained")
        if method == "uncertainty":
            plot_histogram(ax, values, name, _unit_of_output(study, name) or "-")
        else:
            plot_indices(ax, table, name, method)
        written.append(atomic_savefig(fig, outdir / f"{name}.png", dpi=130))
        plt.close(fig)
    n_ok = sum(r["status"] == "ok" for r in rows)
    written.append(atomic_write_text(outdir / "summary.md",
                                     _summary(study, design, table, outputs, n_ok)))
    return written
