"""The bad-input and fault audit of issue #17, as a generator of cases.

Each :class:`Case` is something a new user or a QA engineer would try, with
what must happen.  Groups: ``protocol`` (bad protocol strings in a study),
``sweep`` (bad ``[sweep]`` tables), ``parameters`` (bad parameter files: every
key out of range and of the wrong dimension, structure mistakes, physically
impossible states), ``units`` (bad quantity strings), ``paths`` (missing,
folder, file-instead-of-folder...), ``cli`` (bad options), ``api`` (Python
API misuse) and ``fault`` (full disk, read-only folder, a non-Dask peer or a
silent/garbage scheduler on loopback, a failing commit).  Worker kills (Dask,
pool, MPI) are in ``test_sweep_faults.py``.

Two kinds of checks:

* ``cli`` cases run ``nakmodel.cli.main(argv)`` in-process: the exit status
  must be the expected one, stderr must hold no traceback, every line must be
  an ``error: ...`` line (or the caret line under a protocol string, or
  argparse's usage line), and each expected fragment (the key, the path, the
  range) must appear;
* ``api`` cases call a function: it must raise the expected exception type
  with every fragment in its message, one line per problem.

A case may instead assert that the input is *accepted* (``accepted=True``) —
only where the case argues, in ``why``, that accepting it is right.

``python tests/audit_cases.py`` prints the number of cases per group.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import math
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

STUDIES = Path(__file__).resolve().parents[1] / "studies"


@dataclass
class Case:
    """One audit case (see the module docstring)."""

    id: str
    group: str
    run: Callable[[Path], object]  # cli: returns (status, stdout, stderr); api: the call
    kind: str = "api"  # "cli" or "api"
    exit: int | None = None
    fragments: tuple[str, ...] = ()
    raises: type | tuple = ValueError
    accepted: bool = False
    why: str = ""
    check: Callable[[Path, object], None] | None = None  # extra assertions after the run
    lines: int | None = None  # exact number of problems (error lines) expected
    extra: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers
def run_cli(argv: list[str], cwd: Path):
    """``nakmodel.cli.main(argv)`` in ``cwd``: (status, stdout, stderr)."""
    from nakmodel.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as exc:  # argparse
                status = exc.code
    finally:
        os.chdir(old)
    return status, out.getvalue(), err.getvalue()


def write(tmp: Path, name: str, text: str | bytes) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def toml_value(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def study_toml(kind: str, options: dict, parameters: dict | None = None,
               sweep: str = "") -> str:
    lines = ["[study]", 'name = "audit"', f'kind = "{kind}"', ""]
    if parameters:
        lines.append("[parameters]")
        lines += [f"{k} = {toml_value(v)}" for k, v in parameters.items()]
        lines.append("")
    lines.append(f"[{kind}]")
    lines += [f"{k} = {toml_value(v)}" for k, v in options.items()]
    return "\n".join(lines) + "\n" + sweep


def cli_case(id, group, argv, files=None, exit=2, fragments=(), **kw) -> Case:
    """A CLI case; ``argv`` items may contain ``{tmp}``; ``files`` maps names to contents."""

    def run(tmp: Path):
        for name, text in (files or {}).items():
            write(tmp, name, text)
        return run_cli([a.replace("{tmp}", str(tmp)) for a in argv], tmp)

    return Case(id, group, run, kind="cli", exit=exit, fragments=tuple(fragments), **kw)


def api_case(id, group, call, fragments=(), raises=ValueError, **kw) -> Case:
    return Case(id, group, call, kind="api", fragments=tuple(fragments), raises=raises, **kw)


SIM = {"geometry": "1d", "pellet_radius": "5 mm", "pellet_thickness": "1 mm",
       "alloy_thickness": "100 um", "mesh_size": "20 um"}


# ----------------------------------------------------------------------------- protocol
def protocol_cases() -> list[Case]:
    """Every bad protocol string of the protocol tests, inside a study run from the CLI."""
    from test_protocol import BAD

    cases = []
    for i, (text, token, words) in enumerate(BAD):
        options = dict(SIM, protocol=[text])
        fragments = ("simulation.protocol", words) + ((token,) if token else ())
        cases.append(cli_case(f"protocol-{i:02d}", "protocol",
                              ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
                              {"s.toml": study_toml("simulation", options)},
                              fragments=fragments,
                              check=_nothing_written))
    more = [("empty list", [], "must be a list of step strings"),
            ("a number", 5, "must be a list of step strings"),
            ("list of numbers", [1, 2], "must be a list of step strings"),
            ("empty string", [""], "simulation.protocol"),
            ("only spaces", ["   "], "simulation.protocol"),
            ("exponent tower current", ["Strip at 9**9**9 mA/cm2 for 1 h"],
             "unexpected character")]
    for name, value, fragment in more:
        options = dict(SIM, protocol=value)
        cases.append(cli_case(f"protocol-{name.replace(' ', '-')}", "protocol",
                              ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
                              {"s.toml": study_toml("simulation", options)},
                              fragments=(fragment,), check=_nothing_written))
    return cases


def _nothing_written(tmp: Path, _result) -> None:
    assert not (tmp / "out").exists(), "an output folder was created for a refused input"


# ----------------------------------------------------------------------------- sweep
def sweep_cases() -> list[Case]:
    """The bad sweep tables of the sweep tests, as TOML files given to `sweep --dry-run`."""
    from test_sweep_spec import BAD

    cases = []
    for name, sweep, fragments in BAD:
        data = {"study": {"name": "t", "kind": "thermodynamics"},
                "parameters": {"temperature": "25 degC"}, "sweep": sweep}

        def run(tmp: Path, data=data):
            from nakmodel.sweep import load_sweep

            return load_sweep(data)

        cases.append(api_case(f"sweep-{name.replace(' ', '-')}", "sweep", run,
                              fragments=tuple(fragments)))
    thermo = study_toml("thermodynamics", {"layer_thickness": "100 um"},
                        {"temperature": "25 degC"})
    tables = {
        "below-eutectic-point": ('[sweep]\n[[sweep.parameter]]\nkey = "temperature"\n'
                                 'values = ["25 degC", "-20 degC"]\n',
                                 ("temperature", "eutectic", "sweep point 1")),
        "solid-composition-point": ('[sweep]\n[[sweep.parameter]]\nkey = "alloy.composition"\n'
                                    'values = ["NaK50", "Na"]\n',
                                    ("alloy.composition", "no liquid", "sweep point 1")),
        "unitless-length-values": ('[sweep]\n[[sweep.parameter]]\nkey = "cell.alloy_thickness"\n'
                                   'values = [1e-4, 2e-4]\n',
                                   ("cell.alloy_thickness", "ambiguous", "um")),
        "no-parameter-list": ("[sweep]\nmode = 'cartesian'\n", ("sweep",)),
        "sweep-not-a-table": ('sweep = 5\n', ("sweep",)),
        "unknown-sweep-key": ('[sweep]\nmodes = "zip"\n[[sweep.parameter]]\n'
                              'key = "temperature"\nvalues = ["20 degC"]\n', ("modes",)),
        "values-not-a-list": ('[sweep]\n[[sweep.parameter]]\nkey = "temperature"\n'
                              'values = "20 degC"\n', ("values",)),
        "key-not-a-string": ('[sweep]\n[[sweep.parameter]]\nkey = 5\n'
                             'values = ["20 degC"]\n', ("key",)),
        "range-num-zero": ('[sweep]\n[[sweep.parameter]]\nkey = "temperature"\n'
                           'range = { start = "0 degC", stop = "10 degC", num = 0 }\n',
                           ("range",)),
        "range-num-float": ('[sweep]\n[[sweep.parameter]]\nkey = "temperature"\n'
                            'range = { start = "0 degC", stop = "10 degC", num = 2.5 }\n',
                            ("num",)),
    }
    for name, (table, fragments) in tables.items():
        cases.append(cli_case(f"sweep-cli-{name}", "sweep",
                              ["sweep", "{tmp}/s.toml", "--dry-run", "--out", "{tmp}/out"],
                              {"s.toml": thermo + table}, fragments=fragments,
                              check=_nothing_written))
    return cases


# ----------------------------------------------------------------------------- parameters
def _bad_value(key: str, meta) -> tuple[object, str]:
    """A value of ``key`` out of its range (with its unit) and the expected message."""
    unit = meta.get("unit", "")
    if meta.get("choices"):
        return "no-such-choice", "unknown choice"
    low, high = meta["low"], meta["high"]
    if math.isfinite(high):
        value = high * 10 if high > 0 else high + 1
    else:
        value = low - 1 if math.isfinite(low) else -1e300
    if meta.get("integer"):
        return int(value), "out of range"
    return (f"{value!r} {unit}".strip() if unit else value), "out of range"


def _nested(key: str, value) -> str:
    group, _, name = key.partition(".")
    if not name:
        return f"{key} = {toml_value(value)}\n"
    return f"[{group}]\n{name} = {toml_value(value)}\n"


def parameter_cases() -> list[Case]:
    from nakmodel.parameters import iter_schema

    cases = []
    check = ["params", "check", "{tmp}/p.toml"]
    for key, meta in iter_schema():
        if key == "alloy.composition":
            continue
        value, message = _bad_value(key, meta)
        cases.append(cli_case(f"param-range-{key}", "parameters", check,
                              {"p.toml": _nested(key, value)}, fragments=(key, message),
                              lines=1))
        if not meta.get("choices"):
            cases.append(cli_case(f"param-dimension-{key}", "parameters", check,
                                  {"p.toml": _nested(key, "3 kg*A")},
                                  fragments=(key, "wrong dimension"), lines=1))
    text_cases = {
        "keys-beside-parameters-table": (
            'temperature = "500 K"\ninterface.contact_fraction = 7\n[parameters]\n'
            'alloy.composition = "NaK50"\n',
            ("temperature", "outside the [parameters] table", "interface")),
        "below-eutectic": ('temperature = "-20 degC"\n',
                           ("temperature", "eutectic", "260.", "NaK50")),
        "composition-solid-at-T": ('[alloy]\ncomposition = "Na"\n',
                                   ("alloy.composition", "no liquid", "298.15 K", "x_Na")),
        "composition-solid-x0.995": ('[alloy]\ncomposition = { x_Na = 0.995 }\n',
                                   ("alloy.composition", "no liquid", "x_Na")),
        "unitless-pellet-thickness": ('[cell]\npellet_thickness = 1\n',
                                      ("cell.pellet_thickness", "ambiguous", "'1 mm'")),
        "unitless-alloy-thickness": ('[cell]\nalloy_thickness = 100\n',
                                     ("cell.alloy_thickness", "ambiguous", "'100 um'")),
        "unitless-mesh-size": ('[numerics]\nmesh_size = 20\n',
                               ("numerics.mesh_size", "ambiguous", "um")),
        "unitless-current": ('[interface]\nexchange_current_density = 10\n',
                             ("interface.exchange_current_density", "ambiguous", "mA/cm^2")),
        "unitless-time": ('[numerics]\ndt_max = 600\n', ("numerics.dt_max", "ambiguous", "s")),
        "unitless-temperature": ('temperature = 300\n', ("temperature", "give units")),
        "four-problems-reported-together": (
            '[cell]\nalloy_thickness = "10 um"\n[numerics]\nmesh_size = "50 um"\n'
            'dt_min = "5 s"\nnewton_rtol = 2\n[nasicon]\nconductivity = "-1 S/m"\n',
            ("numerics.mesh_size", "numerics.dt_min", "numerics.newton_rtol",
             "nasicon.conductivity")),
        "misspelt-group": ('[nasicn]\nconductivity = "1 mS/cm"\n',
                           ("nasicn.conductivity", "did you mean 'nasicon.conductivity'")),
        "misspelt-key-same-group": ('[interface]\ncontact_fractoin = 0.5\n',
                                    ("did you mean 'interface.contact_fraction'",)),
        "misspelt-key-dotted": ('cell.pelet_radius = "5 mm"\n',
                                ("did you mean 'cell.pellet_radius'",)),
        "unknown-key": ('banana = 3\n', ("banana", "unknown parameter")),
        "unknown-entry-field": ('[nasicon]\nconductivity = { value = "1 mS/cm", sorce = "x" }\n',
                                ("nasicon.conductivity", "unknown fields", "sorce")),
        "composition-bad-label": ('[alloy]\ncomposition = "NaK150"\n', ("alloy.composition",)),
        "composition-bad-table": ('[alloy]\ncomposition = { wt_pct_K = 50, at_pct_K = 40 }\n',
                                  ("alloy.composition",)),
        "composition-number": ('[alloy]\ncomposition = 0.5\n', ("alloy.composition",)),
        "integer-as-float": ('[numerics]\nmax_retries = 2.5\n', ("numerics.max_retries",
                                                                 "integer")),
        "integer-as-string": ('[numerics]\nnewton_max_iterations = "25"\n',
                              ("numerics.newton_max_iterations", "integer")),
        "boolean-value": ('[nasicon]\npoisson_ratio = true\n', ("nasicon.poisson_ratio",
                                                               "boolean")),
        "list-value": ('[nasicon]\npoisson_ratio = [0.2]\n', ("nasicon.poisson_ratio",)),
        "nan-value": ('[nasicon]\nconductivity = "nan S/m"\n', ("nasicon.conductivity",)),
        "inf-value": ('[nasicon]\nconductivity = "inf S/m"\n', ("nasicon.conductivity",
                                                                "finite")),
        "toml-nan": ('[nasicon]\npoisson_ratio = nan\n', ("nasicon.poisson_ratio",)),
        "exponent-tower": ('[nasicon]\nconductivity = "9**9**9 S/m"\n',
                           ("nasicon.conductivity", "chained powers")),
        "huge-exponent": ('[nasicon]\nconductivity = "10**400 S/m"\n',
                          ("nasicon.conductivity", "exponent")),
        "choice-wrong-case": ('[numerics]\nlinear_solver = "Direct"\n',
                              ("numerics.linear_solver", "unknown choice")),
        "dt-initial-above-dt-max": ('[numerics]\ndt_initial = "1 h"\ndt_max = "1 min"\n',
                                    ("numerics.dt_initial", "dt_max")),
        "malformed-toml": ('temperature = "25 degC\n', ("malformed TOML",)),
        "empty-file": ("", ("file is empty",)),
        "only-comments": ("# nothing\n", ("p.toml", "no parameters")),
        "empty-parameters-table": ("[parameters]\n", ("p.toml", "no parameters")),
        "not-utf8": (b"temperature = \"25 \xb0C\"\n", ("malformed TOML",)),
        "binary-garbage": (bytes(range(256)), ("malformed TOML",)),
    }
    for name, (text, fragments) in text_cases.items():
        cases.append(cli_case(f"param-file-{name}", "parameters", check, {"p.toml": text},
                              fragments=fragments))
    cases.append(cli_case(
        "param-file-bom-accepted", "parameters", check,
        {"p.toml": b"\xef\xbb\xbftemperature = \"30 degC\"\n"}, exit=0, fragments=(),
        accepted=True, why="a UTF-8 byte-order mark is how some Windows editors save UTF-8; "
        "the file is valid TOML after it",
        check=lambda tmp, r: _assert_in(r[1], "T = 303.15 K")))
    cases.append(cli_case(
        "param-file-two-phase-accepted", "parameters", check,
        {"p.toml": 'temperature = "0 degC"\n[alloy]\ncomposition = "NaK50"\n'}, exit=0,
        accepted=True, why="NaK50 at 0 degC is liquid + Na2K: the model handles two-phase "
        "alloys (solid blocks the interface), so this is a valid state",
        check=lambda tmp, r: _assert_in(r[1], "two-phase")))
    cases.append(cli_case(
        "param-file-k-host-accepted", "parameters", check,
        {"p.toml": '[alloy]\ncomposition = "NaK99"\n'}, exit=0, accepted=True,
        why="x_Na = 0.017 is the K(ss) solid host of `working_metal = 'K'` (Na plated onto K, "
        "studies/plating_on_k.toml); the study kinds refuse it for a NaK electrode"))
    cases.append(cli_case(
        "study-k-host-with-nak-metal", "parameters",
        ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": study_toml("simulation", dict(SIM, protocol=["Rest for 1 min"],
                                                 compositions=["NaK99"]))},
        fragments=("simulation.compositions[0]", "no liquid", "working_metal = 'K'"),
        check=_nothing_written))
    cases.append(cli_case(
        "study-below-eutectic", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": study_toml("thermodynamics", {}, {"temperature": "-20 degC"})},
        fragments=("parameters.temperature", "eutectic"), check=_nothing_written))
    cases.append(cli_case(
        "study-unitless-length", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": study_toml("thermodynamics", {}, {"cell.pellet_thickness": 1})},
        fragments=("parameters.cell.pellet_thickness", "'1 mm'"), check=_nothing_written))
    cases.append(cli_case(
        "ccd-zero-step", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": study_toml("ccd", dict(SIM, step="0 mA/cm2"))},
        fragments=("ccd.step", "out of range"), check=_nothing_written))
    cases.append(cli_case(
        "ccd-bad-start-unit", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": study_toml("ccd", dict(SIM, start="1 V"))},
        fragments=("ccd.start", "dimension"), check=_nothing_written))
    cases.append(cli_case(
        "study-unknown-table", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": study_toml("thermodynamics", {}) + "[thermodynamic]\nx = 1\n"},
        fragments=("thermodynamic", "did you mean"), check=_nothing_written))
    cases.append(cli_case(
        "study-unknown-kind", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": '[study]\nname = "x"\nkind = "simulaton"\n'},
        fragments=("study.kind", "did you mean 'simulation'"), check=_nothing_written))
    cases.append(cli_case(
        "study-no-study-table", "parameters", ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": '[parameters]\ntemperature = "25 degC"\n'},
        fragments=("missing [study] table",), check=_nothing_written))
    cases.append(cli_case(
        "study-parameters-not-a-table", "parameters",
        ["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
        {"s.toml": 'parameters = 5\n[study]\nname = "x"\nkind = "thermodynamics"\n'},
        fragments=("parameters", "must be a table"), check=_nothing_written))
    return cases


def _assert_in(text: str, fragment: str) -> None:
    assert fragment in text, f"{fragment!r} not in {text!r}"


# ----------------------------------------------------------------------------- units
def unit_cases() -> list[Case]:
    from nakmodel.units import to_si

    bad = [("9**9**9 S/m", "S/m", "chained powers"), ("(9**9)**9 S/m", "S/m", "chained"),
           ("9**(9**9) S/m", "S/m", "plain number"), ("2**99 S/m", "S/m", "exponent"),
           ("1 S/m**13", "S/m", "exponent"), ("x" * 300, "S/m", "longer than"),
           ("1e999 S/m", "S/m", "finite"), ("nan S/m", "S/m", "finite"),
           ("-inf S/m", "S/m", "finite"), ("abc", "m", "cannot parse"),
           ("", "m", "cannot parse"), ("1 m", "S/m", "wrong dimension"),
           ("25 degC", "m", "wrong dimension"), ("1 mA", "A/m^2", "wrong dimension"),
           ("1 meter per", "m", "cannot parse"), ("1 __import__", "m", "cannot parse"),
           ("1 m m m /", "m", "cannot parse"), ("1 m + 1 s", "m", "cannot parse"),
           ("1 mAh/cm2", "A/m^2", "wrong dimension"), ("1e-3 S/cm/", "S/m", "cannot parse")]
    cases = [api_case(f"units-{i:02d}-{text[:16]}", "units",
                      lambda tmp, text=text, unit=unit: to_si(text, unit, "k"),
                      fragments=("k", fragment)) for i, (text, unit, fragment) in enumerate(bad)]
    for i, value in enumerate([True, None, [1.0], {"value": 1}, b"1 m", object()]):
        cases.append(api_case(f"units-type-{i}", "units",
                              lambda tmp, value=value: to_si(value, "m", "k"),
                              fragments=("k",)))
    cases.append(api_case("units-plain-number-temperature", "units",
                          lambda tmp: to_si(300, "K", "temperature", allow_plain_number=False),
                          fragments=("temperature", "give units")))
    return cases


# ----------------------------------------------------------------------------- paths
def path_cases() -> list[Case]:
    thermo = study_toml("thermodynamics", {"layer_thickness": "100 um"})
    sweep = thermo + ('[sweep]\n[[sweep.parameter]]\nkey = "alloy.composition"\n'
                      'values = ["NaK50"]\n')
    out_file = {"s.toml": thermo, "taken": "a file"}
    return [
        cli_case("path-params-missing", "paths", ["params", "check", "{tmp}/nope.toml"],
                 fragments=("nope.toml", "not found")),
        cli_case("path-params-folder", "paths", ["params", "check", "{tmp}/d"],
                 {"d/x": ""}, fragments=("d", "folder")),
        cli_case("path-params-show-folder", "paths", ["params", "show", "{tmp}/d"],
                 {"d/x": ""}, fragments=("folder",)),
        cli_case("path-run-missing", "paths", ["run", "{tmp}/nope.toml"],
                 fragments=("nope.toml", "not found")),
        cli_case("path-run-folder", "paths", ["run", "{tmp}/d"], {"d/x": ""},
                 fragments=("folder",)),
        cli_case("path-run-out-is-file", "paths", ["run", "{tmp}/s.toml", "--out", "{tmp}/taken"],
                 out_file, fragments=("--out", "existing file")),
        cli_case("path-run-out-under-file", "paths",
                 ["run", "{tmp}/s.toml", "--out", "{tmp}/taken/sub"], out_file,
                 fragments=("--out", "is a file")),
        cli_case("path-sweep-missing", "paths", ["sweep", "{tmp}/nope.toml"],
                 fragments=("nope.toml", "not found")),
        cli_case("path-sweep-folder", "paths", ["sweep", "{tmp}/d"], {"d/x": ""},
                 fragments=("folder",)),
        cli_case("path-sweep-out-is-file", "paths",
                 ["sweep", "{tmp}/s.toml", "--out", "{tmp}/taken"],
                 {"s.toml": sweep, "taken": "x"}, fragments=("--out", "existing file")),
        cli_case("path-drt-missing", "paths", ["drt", "{tmp}/nope.csv", "--out", "{tmp}/o"],
                 fragments=("nope.csv",)),
        cli_case("path-drt-out-is-file", "paths", ["drt", "{tmp}/nope.csv", "--out",
                                                   "{tmp}/taken"], {"taken": "x"},
                 fragments=("--out", "existing file")),
        cli_case("path-kk-missing", "paths", ["kk", "{tmp}/nope.csv"], fragments=("nope.csv",)),
        cli_case("path-kk-out-is-file", "paths", ["kk", "{tmp}/nope.csv", "--out", "{tmp}/taken"],
                 {"taken": "x"}, fragments=("--out", "existing file")),
        cli_case("path-plot-missing", "paths", ["plot", "{tmp}/nothing-here"], exit=2,
                 fragments=("nothing-here",)),
        api_case("path-load-parameters-folder", "paths",
                 lambda tmp: __import__("nakmodel").load_parameters(tmp), fragments=("folder",)),
        api_case("path-load-study-missing", "paths",
                 lambda tmp: _load_study(tmp / "missing.toml"), fragments=("not found",)),
        api_case("path-load-sweep-folder", "paths",
                 lambda tmp: _load_sweep(tmp), fragments=("folder",)),
        api_case("path-empty-string", "paths",
                 lambda tmp: __import__("nakmodel").load_parameters(""),
                 fragments=("not a usable file path",)),
        api_case("path-nul-byte", "paths",
                 lambda tmp: __import__("nakmodel").load_parameters("a\0b.toml"),
                 fragments=("not a usable file path",)),
    ]


def _load_study(path):
    from nakmodel.study import load_study

    return load_study(path)


def _load_sweep(path):
    from nakmodel.sweep import load_sweep

    return load_sweep(path)


# ----------------------------------------------------------------------------- cli options
def cli_option_cases() -> list[Case]:
    thermo = study_toml("thermodynamics", {"layer_thickness": "100 um"})
    sweep = {"s.toml": thermo + ('[sweep]\n[[sweep.parameter]]\nkey = "alloy.composition"\n'
                                 'values = ["NaK50", "NaK65"]\n')}
    base = ["sweep", "{tmp}/s.toml", "--out", "{tmp}/out"]
    usage = "argparse prints its usage line and one error line, exit 2: standard and right"
    cases = [
        cli_case("cli-workers-zero", "cli", base + ["--workers", "0"], sweep,
                 fragments=("--workers", ">= 1"), check=_nothing_written),
        cli_case("cli-workers-negative", "cli", base + ["--workers", "-3"], sweep,
                 fragments=("--workers",), check=_nothing_written),
        cli_case("cli-dask-local-zero", "cli", base + ["--dask-local", "0"], sweep,
                 fragments=("--dask-local",), check=_nothing_written),
        cli_case("cli-timeout-negative", "cli", base + ["--timeout", "-1"], sweep,
                 fragments=("--timeout", "positive"), check=_nothing_written),
        cli_case("cli-timeout-nan", "cli", base + ["--timeout", "nan"], sweep,
                 fragments=("--timeout",), check=_nothing_written),
        cli_case("cli-connect-timeout-zero", "cli",
                 base + ["--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "0"], sweep,
                 fragments=("--connect-timeout", "positive"), check=_nothing_written),
        cli_case("cli-scheduler-not-an-address", "cli", base + ["--scheduler", "nonsense"],
                 sweep, fragments=("scheduler", "not a scheduler address"),
                 check=_nothing_written),
        cli_case("cli-workers-not-int", "cli", base + ["--workers", "two"], sweep,
                 why=usage, fragments=("--workers", "invalid int value")),
        cli_case("cli-two-executors", "cli", base + ["--workers", "2", "--dask-local", "2"],
                 sweep, why=usage, fragments=("not allowed with",)),
        cli_case("cli-bad-mpi-mode", "cli", base + ["--mpi", "round-robin"], sweep, why=usage,
                 fragments=("invalid choice",)),
        cli_case("cli-unknown-command", "cli", ["simulate", "x.toml"], why=usage,
                 fragments=("invalid choice",)),
        cli_case("cli-unknown-option", "cli", ["params", "check", "--strict", "x.toml"],
                 why=usage, fragments=("unrecognized arguments",)),
        cli_case("cli-params-bad-format", "cli", ["params", "show", "--format", "yaml"],
                 why=usage, fragments=("invalid choice",)),
        cli_case("cli-params-no-action", "cli", ["params"], why=usage,
                 fragments=("required",)),
        cli_case("cli-run-no-file", "cli", ["run"], why=usage, fragments=("required",)),
        cli_case("cli-drt-bad-lam", "cli", ["drt", "{tmp}/z.csv", "--lam", "banana", "--out",
                                            "{tmp}/o"], {"z.csv": "f,re,im\n1,1,0\n"},
                 fragments=("lam",)),
    ]
    return cases


# ----------------------------------------------------------------------------- Python API
def api_cases() -> list[Case]:
    import nakmodel
    from nakmodel.errors import ParameterError

    def sim(*args, **kwargs):
        from nakmodel.model.simulation import Simulation

        return Simulation(*args, **kwargs)

    def executor(name, **kwargs):
        import nakmodel.sweep as sweep

        return getattr(sweep, name)(**kwargs)

    P = ParameterError
    cases = [
        api_case("api-load-parameters-int", "api", lambda t: nakmodel.load_parameters(42),
                 ("parameters", "int"), P),
        api_case("api-load-parameters-list", "api", lambda t: nakmodel.load_parameters([1]),
                 ("parameters", "list"), P),
        api_case("api-load-parameters-bytes", "api", lambda t: nakmodel.load_parameters(b"x"),
                 ("parameters", "bytes"), P),
        api_case("api-load-parameters-group-not-table", "api",
                 lambda t: nakmodel.load_parameters({"nasicon": 5}), ("nasicon",), P),
        api_case("api-load-parameters-none-value", "api",
                 lambda t: nakmodel.load_parameters({"temperature": None}), ("temperature",), P),
        api_case("api-load-parameters-below-eutectic", "api",
                 lambda t: nakmodel.load_parameters({"temperature": "-20 degC"}),
                 ("temperature", "eutectic", "NaK50"), P),
        api_case("api-replace-below-eutectic", "api",
                 lambda t: nakmodel.load_parameters().replace(temperature="250 K"),
                 ("temperature", "eutectic"), P),
        api_case("api-dict-plain-lengths-accepted", "api",
                 lambda t: nakmodel.load_parameters({"cell.pellet_thickness": 1e-3}),
                 accepted=True, why="in Python code SI floats are the documented convention "
                 "(SI inside); only files refuse unit-less lengths",
                 check=lambda t, p: _assert_close(p.cell.pellet_thickness, 1e-3)),
        api_case("api-load-study-int", "api", lambda t: _load_study(42), ("study", "int"), P),
        api_case("api-load-study-empty", "api", lambda t: _load_study({}),
                 ("missing [study] table",), P),
        api_case("api-load-study-head-not-table", "api", lambda t: _load_study({"study": "x"}),
                 ("study",), P),
        api_case("api-load-sweep-int", "api", lambda t: _load_sweep(3.5), ("study",), P),
        api_case("api-simulation-protocol-int", "api",
                 lambda t: sim(None, nakmodel.load_parameters(), 12345),
                 ("protocol", "not a protocol"), P),
        api_case("api-simulation-protocol-empty", "api",
                 lambda t: sim(None, nakmodel.load_parameters(), []), ("protocol", "no steps"), P),
        api_case("api-simulation-protocol-none", "api",
                 lambda t: sim(None, nakmodel.load_parameters(), None), ("protocol",), P),
        api_case("api-simulation-parameters-float", "api",
                 lambda t: sim(None, 3.5, "Rest for 1 min"), ("parameters", "float"), P),
        api_case("api-simulation-parameters-bad-dict", "api",
                 lambda t: sim(None, {"temperature": "1000 K"}, "Rest for 1 min"),
                 ("temperature", "out of range"), P),
        api_case("api-simulation-parameters-dict-accepted", "api",
                 lambda t: sim(None, {"temperature": "30 degC"}, "Rest for 1 min"),
                 accepted=True, why="a dict of overrides is what load_parameters takes; "
                 "Simulation loads it (validated, all problems at once) instead of failing",
                 check=lambda t, s: _assert_close(s.parameters.temperature, 303.15)),
        api_case("api-simulation-max-steps-negative", "api",
                 lambda t: sim(None, None, "Rest for 1 min", max_steps=-1),
                 ("max_steps", ">= 1"), P),
        api_case("api-simulation-max-steps-zero", "api",
                 lambda t: sim(None, None, "Rest for 1 min", max_steps=0), ("max_steps",), P),
        api_case("api-simulation-max-steps-float", "api",
                 lambda t: sim(None, None, "Rest for 1 min", max_steps=2.5), ("max_steps",), P),
        api_case("api-simulation-max-steps-bool", "api",
                 lambda t: sim(None, None, "Rest for 1 min", max_steps=True), ("max_steps",), P),
        api_case("api-simulation-max-steps-str", "api",
                 lambda t: sim(None, None, "Rest for 1 min", max_steps="10"), ("max_steps",), P),
        api_case("api-protocol-parse-int", "api",
                 lambda t: nakmodel.Protocol.parse(7), ("protocol",), P),
        api_case("api-local-executor-zero", "api", lambda t: executor("LocalExecutor",
                                                                      workers=0),
                 ("workers",), P),
        api_case("api-local-executor-bool", "api", lambda t: executor("LocalExecutor",
                                                                      workers=True),
                 ("workers",), P),
        api_case("api-local-executor-fork", "api",
                 lambda t: executor("LocalExecutor", context="fork"), ("context",), P),
        api_case("api-local-executor-timeout", "api",
                 lambda t: executor("LocalExecutor", timeout=0), ("timeout",), P),
        api_case("api-dask-executor-both", "api",
                 lambda t: executor("DaskExecutor", scheduler="tcp://a:1", local_workers=2),
                 ("exactly one",), P),
        api_case("api-dask-executor-int-address", "api",
                 lambda t: executor("DaskExecutor", scheduler=5), ("scheduler",), P),
        api_case("api-mpi-executor-mode", "api",
                 lambda t: executor("MPIExecutor", mode="fast"), ("mpi mode",), P),
        api_case("api-run-sweep-int", "api",
                 lambda t: __import__("nakmodel.sweep").sweep.run_sweep(42, t / "o",
                                                                        progress=False),
                 ("study",), P),
    ]
    return cases


def _assert_close(a: float, b: float) -> None:
    assert abs(a - b) <= 1e-12 * abs(b), (a, b)


# ----------------------------------------------------------------------------- faults
def _oserror_on(code: int, match: str):
    """Patch ``os.open`` to fail with ``code`` for paths containing ``match``."""
    real = os.open

    def fake(path, flags, mode=0o777, *args, **kwargs):
        if match in str(path) and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(code, os.strerror(code), str(path))
        return real(path, flags, mode, *args, **kwargs)

    return mock.patch("os.open", fake)


def _no_tmp_files(tmp: Path, _result) -> None:
    left = [p for p in tmp.rglob("*") if p.name.endswith(".tmp")]
    assert not left, f"half-written files left: {left}"


def _full_disk_preflight(argv_tail, files, name, code=errno.ENOSPC, cause="disk is full"):
    """A CLI command whose output folder is on a full (statvfs) or read-only disk."""

    def run(tmp: Path):
        for fname, text in files.items():
            write(tmp, fname, text)
        argv = [a.replace("{tmp}", str(tmp)) for a in argv_tail]
        if code == errno.ENOSPC:
            real = os.statvfs

            def statvfs(path):
                result = real(path)
                return os.statvfs_result((result.f_bsize, result.f_frsize, result.f_blocks,
                                          0, 0, result.f_files, result.f_ffree,
                                          result.f_favail, result.f_flag, result.f_namemax))

            patch = mock.patch("os.statvfs", statvfs)
        else:
            real_open = open

            def fake_open(path, mode="r", *args, **kwargs):
                if "nakmodel-write-test" in str(path):
                    raise OSError(code, os.strerror(code), str(path))
                return real_open(path, mode, *args, **kwargs)

            patch = mock.patch("builtins.open", fake_open)
        with patch:
            return run_cli(argv, tmp)

    return Case(name, "fault", run, kind="cli", exit=5, fragments=(cause,),
                check=_nothing_written)


def fault_cases() -> list[Case]:
    thermo = study_toml("thermodynamics", {"layer_thickness": "100 um"})
    sweep = thermo + ('[sweep]\n[[sweep.parameter]]\nkey = "alloy.composition"\n'
                      'values = ["NaK50", "NaK65"]\n')
    spectrum = "freq_Hz,Zre_ohm,Zim_ohm\n" + "".join(
        f"{f},{1 + 1 / (1 + (f / 100) ** 2)},{-(f / 100) / (1 + (f / 100) ** 2)}\n"
        for f in (1e5 / 10 ** (k / 5) for k in range(30)))
    cases = []
    for code, cause, tag in ((errno.ENOSPC, "disk is full", "full"),
                             (errno.EROFS, "read-only", "readonly"),
                             (errno.EACCES, "permission denied", "forbidden")):
        cases += [
            _full_disk_preflight(["run", "{tmp}/s.toml", "--out", "{tmp}/out"],
                                 {"s.toml": thermo}, f"fault-run-{tag}", code, cause),
            _full_disk_preflight(["sweep", "{tmp}/s.toml", "--out", "{tmp}/out"],
                                 {"s.toml": sweep}, f"fault-sweep-{tag}", code, cause),
            _full_disk_preflight(["drt", "{tmp}/z.csv", "--out", "{tmp}/out"],
                                 {"z.csv": spectrum}, f"fault-drt-{tag}", code, cause),
            _full_disk_preflight(["kk", "{tmp}/z.csv", "--out", "{tmp}/out"],
                                 {"z.csv": spectrum}, f"fault-kk-{tag}", code, cause),
        ]

    def atomic_full(tmp: Path):
        from nakmodel.atomic_write import atomic_write_text

        target = write(tmp, "keep.txt", "old content\n")
        with _oserror_on(errno.ENOSPC, ".keep.txt."):
            try:
                atomic_write_text(target, "new content\n")
            finally:
                assert target.read_text() == "old content\n"  # the old file is intact

    cases.append(api_case("fault-atomic-write-disk-full", "fault", atomic_full,
                          ("keep.txt", "disk is full"), OSError, check=_no_tmp_files))

    def commit_full(tmp: Path):
        from nakmodel.sweep.commit import commit_result

        with _oserror_on(errno.ENOSPC, ".result."):
            commit_result(tmp / "p", {"point_id": "p", "status": "ok", "outputs": {}})

    def commit_check(tmp: Path, _result):
        _no_tmp_files(tmp, _result)
        assert not (tmp / "p" / "result.json").exists()

    cases.append(api_case("fault-commit-disk-full", "fault", commit_full, ("No space",),
                          OSError, check=commit_check))

    def sweep_store_full(tmp: Path):
        write(tmp, "s.toml", sweep)
        with _oserror_on(errno.ENOSPC, str(tmp / "out")):
            return run_cli(["sweep", str(tmp / "s.toml"), "--out", str(tmp / "out")], tmp)

    cases.append(Case("fault-sweep-store-disk-full-mid-run", "fault", sweep_store_full,
                      kind="cli", exit=5, fragments=("disk is full", "sweep.json"),
                      check=_no_tmp_files))

    # schedulers that are not Dask schedulers, on loopback, each bounded by --connect-timeout
    for name, behaviour in (("http-server", "http"), ("garbage-bytes", "garbage"),
                            ("silent-peer", "silent"), ("closes-at-once", "close"),
                            ("nothing-listening", None)):
        cases.append(_scheduler_case(name, behaviour, sweep))
    return cases


class _Peer:
    """A loopback TCP server that answers like a non-Dask service (for scheduler cases)."""

    def __init__(self, behaviour: str | None):
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.conns: list[socket.socket] = []
        if behaviour is None:  # a free port: nothing listens
            self.sock.close()
            return
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)
            try:
                if self.behaviour == "http":
                    conn.settimeout(1.0)
                    with contextlib.suppress(OSError):
                        conn.recv(65536)
                    conn.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    conn.close()
                elif self.behaviour == "garbage":
                    conn.sendall(os.urandom(4096))
                elif self.behaviour == "close":
                    conn.close()
                # "silent": keep the connection open, never answer
            except OSError:
                pass

    def close(self):
        self.stop.set()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.close()
        with contextlib.suppress(OSError):
            self.sock.close()


def _scheduler_case(name: str, behaviour: str | None, sweep: str) -> Case:
    def run(tmp: Path):
        import time

        write(tmp, "s.toml", sweep)
        peer = _Peer(behaviour)
        t0 = time.monotonic()
        try:
            result = run_cli(["sweep", str(tmp / "s.toml"), "--out", str(tmp / "out"),
                              "--scheduler", f"tcp://127.0.0.1:{peer.port}",
                              "--connect-timeout", "2"], tmp)
        finally:
            peer.close()
        elapsed = time.monotonic() - t0
        assert elapsed < 15, f"took {elapsed:.1f} s with --connect-timeout 2"
        return result

    return Case(f"fault-scheduler-{name}", "fault", run, kind="cli", exit=2,
                fragments=("scheduler", "127.0.0.1"), check=_nothing_written,
                extra={"needs": "distributed"})


# ----------------------------------------------------------------------------- all
def all_cases() -> list[Case]:
    cases = (protocol_cases() + sweep_cases() + parameter_cases() + unit_cases()
             + path_cases() + cli_option_cases() + api_cases() + fault_cases())
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, duplicates
    return cases


if __name__ == "__main__":  # pragma: no cover
    import collections
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    counts = collections.Counter(c.group for c in all_cases())
    print(dict(counts), sum(counts.values()))
