"""Validation framework: reference cases with data, sources and tolerances.

A case is a Python file ``validation/cases/<area>_<name>.py`` that defines
``CASE = Case(name=..., title=..., run=run, slow=False, figures=[...])``;
``run(outdir)`` computes the model's numbers, may save PNG figures into
``outdir`` and returns a list of :class:`Check`.  :func:`run_cases` runs them
and :func:`write_report` writes a Markdown report with a pass/fail table.
"""

from __future__ import annotations

import importlib.util
import math
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .atomic_write import atomic_write_text


@dataclass(frozen=True)
class Check:
    """One checked number: ``value`` against ``reference`` within a tolerance.

    Give ``abs_tol`` and/or ``rel_tol`` (passing if either holds), or use
    :meth:`within` for a range.  ``source`` cites where the reference comes from.

    ``observation=True`` marks a comparison with an *observed experimental trend* (not a
    verification of the numerics): the report lists it as reproduced or NOT reproduced,
    and a trend the model does not reproduce is a scientific result, not a failed case.
    Verification checks (analytic limits, conservation, the model's own predictions)
    stay hard checks.
    """

    quantity: str
    value: float
    reference: float | None = None
    abs_tol: float | None = None
    rel_tol: float | None = None
    unit: str = ""
    source: str = ""
    low: float | None = None
    high: float | None = None
    observation: bool = False

    @classmethod
    def within(cls, quantity, value, low, high, unit="", source="",
               observation: bool = False) -> Check:
        return cls(quantity, value, unit=unit, source=source, low=low, high=high,
                   observation=observation)

    @property
    def verdict(self) -> str:
        if self.observation:
            return "reproduced" if self.passed else "NOT reproduced"
        return "yes" if self.passed else "NO"

    @property
    def passed(self) -> bool:
        value = float(self.value)
        if not math.isfinite(value):
            return False
        if self.low is not None or self.high is not None:
            low = -math.inf if self.low is None else self.low
            high = math.inf if self.high is None else self.high
            return low <= value <= high
        if self.reference is None:
            return False
        error = abs(value - self.reference)
        ok = False
        if self.abs_tol is not None:
            ok = ok or error <= self.abs_tol
        if self.rel_tol is not None:
            ok = ok or error <= self.rel_tol * abs(self.reference)
        return ok

    @property
    def criterion(self) -> str:
        if self.low is not None or self.high is not None:
            return f"in [{self.low:.6g}, {self.high:.6g}]"
        parts = []
        if self.abs_tol is not None:
            parts.append(f"± {self.abs_tol:.3g}")
        if self.rel_tol is not None:
            parts.append(f"± {100 * self.rel_tol:.3g} %")
        return f"{self.reference:.6g} " + " or ".join(parts)


@dataclass(frozen=True)
class Case:
    """A validation case: what is checked, against what, and how."""

    name: str
    title: str
    run: Callable[[Path], list[Check]]
    slow: bool = False
    figures: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class CaseOutcome:
    case: Case
    checks: list[Check]
    seconds: float
    error: str = ""

    @property
    def passed(self) -> bool:
        """No error, at least one check, every verification check holds (observed-trend
        checks are reported, see :attr:`trends`)."""
        return (not self.error and bool(self.checks)
                and all(c.passed for c in self.checks if not c.observation))

    @property
    def trends(self) -> list[Check]:
        """The observed-trend checks of the case."""
        return [c for c in self.checks if c.observation]


def default_case_dir() -> Path:
    """``validation/cases`` of the source checkout."""
    return Path(__file__).resolve().parents[1] / "validation" / "cases"


def discover(case_dir: Path | None = None) -> list[Case]:
    """Import every ``*.py`` in ``case_dir`` and collect their ``CASE``."""
    case_dir = Path(case_dir or default_case_dir())
    cases = []
    for path in sorted(case_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"nakmodel_case_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "CASE"):
            cases.append(module.CASE)
    return cases


def run_cases(cases: Iterable[Case], outdir: Path, *, include_slow: bool = True,
              select: str | None = None, progress: Callable | None = None) -> list[CaseOutcome]:
    """Run cases (all, or those whose name contains ``select``); errors are recorded."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    outcomes = []
    chosen = [c for c in cases if (include_slow or not c.slow)
              and (select is None or select in c.name)]
    for case in chosen:
        if progress:
            progress(case)
        start = time.perf_counter()
        try:
            checks = list(case.run(outdir))
            error = ""
        except Exception:  # a failing case is reported, never hides the others
            checks, error = [], traceback.format_exc(limit=8)
        outcomes.append(CaseOutcome(case, checks, time.perf_counter() - start, error))
    return outcomes


def write_report(outcomes: list[CaseOutcome], outdir: Path) -> Path:
    """Markdown report with a pass/fail table, sources and figures."""
    outdir = Path(outdir)
    n_pass = sum(o.passed for o in outcomes)
    trends = [(o.case.name, c) for o in outcomes for c in o.trends]
    n_rep = sum(c.passed for _, c in trends)
    lines = ["# nakmodel validation report", "",
             f"{n_pass} of {len(outcomes)} cases pass (verification checks)."]
    if trends:
        lines.append(f"Observed experimental trends: {n_rep} of {len(trends)} reproduced.")
    lines += ["", "| case | result | checks | time [s] |", "|---|---|---|---|"]
    for o in outcomes:
        verdict = "PASS" if o.passed else ("ERROR" if o.error else "FAIL")
        ok = sum(c.passed for c in o.checks)
        lines.append(f"| {o.case.name} | {verdict} | {ok}/{len(o.checks)} | {o.seconds:.1f} |")
    if trends:
        lines += ["", "## Observed trends: reproduced or not", "",
                  "| case | observed trend | model | criterion | reproduced | source |",
                  "|---|---|---|---|---|---|"]
        for name, c in trends:
            cells = [name, c.quantity, f"{float(c.value):.6g}", c.criterion, c.verdict,
                     c.source]
            lines.append("| " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |")
    for o in outcomes:
        lines += ["", f"## {o.case.name}: {o.case.title}", ""]
        if o.case.description:
            lines += [o.case.description, ""]
        if o.error:
            lines += ["```", o.error.strip(), "```"]
            continue
        lines += ["| quantity | model | reference | unit | pass | source |",
                  "|---|---|---|---|---|---|"]
        for c in o.checks:
            cells = [c.quantity, f"{float(c.value):.6g}", c.criterion, c.unit, c.verdict,
                     c.source]
            lines.append("| " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |")
        for fig in o.case.figures:
            if (outdir / fig).exists():
                lines += ["", f"![{fig}]({fig})"]
    path = outdir / "report.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path
