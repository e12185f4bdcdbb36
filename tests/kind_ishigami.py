"""A test-only study kind: the Ishigami function (analytic Sobol' indices).

Y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i uniform on [-pi, pi] (Ishigami and Homma, 1990;
indices from Sobol' and Levitan, Comput. Phys. Commun. 117 (1999) 52). With a = 7, b = 0.1:
V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8,
V13 = b^2 pi^8 (1/18 - 1/50), so S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
Registered by the tests (``monkeypatch.setitem(KINDS, "ishigami", "kind_ishigami")``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from nakmodel.errors import InputProblem, ParameterError

A, B = 7.0, 0.1
OPTIONS = ("x1", "x2", "x3", "fail_above", "delay")
OUTPUTS = ("y",)
VERSION = "1"


def analytic_indices(a: float = A, b: float = B):
    """(S1, ST) of the three inputs."""
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a * a / 8
    v13 = b * b * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return (v1 / v, v2 / v, 0.0), ((v1 + v13) / v, v2 / v, v13 / v)


@dataclass(frozen=True)
class IshigamiOptions:
    x1: float = 0.0
    x2: float = 0.0
    x3: float = 0.0
    fail_above: float | None = None  # raise for y above this (failure-isolation tests)
    delay: float = 0.0  # seconds of sleep per point (kill/resume tests)


def parse_options(table, prefix, params):
    problems = [InputProblem(f"{prefix}.{k}", "unknown option") for k in table if k not in OPTIONS]
    values = {}
    for name in OPTIONS:
        if name in table:
            value = table[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(InputProblem(f"{prefix}.{name}", "must be a number", value))
                continue
            values[name] = float(value)
    if problems:
        raise ParameterError(problems)
    return IshigamiOptions(**values)


def ishigami(x1, x2, x3):
    return math.sin(x1) + A * math.sin(x2) ** 2 + B * x3 ** 4 * math.sin(x1)


def run_point(study, point_dir):
    o = study.options
    if o.delay:
        time.sleep(o.delay)
    y = ishigami(o.x1, o.x2, o.x3)
    if o.fail_above is not None and y > o.fail_above:
        raise RuntimeError(f"y = {y:.3f} above fail_above")
    return {"y": y}


def run(study, outdir, progress=None):
    return []
