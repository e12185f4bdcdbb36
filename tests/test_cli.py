"""The command line: help everywhere, exit codes, no tracebacks on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nakmodel.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args, cwd=None):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "nakmodel.cli", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=600)


def test_help_on_every_subcommand(capsys):
    parser = build_parser()
    subactions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    names = list(subactions[0].choices)
    for expected in ("info", "params", "run", "validate"):
        assert expected in names
    for name in names:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.count("usage: nakmodel") >= len(names)


def test_params_show_toml_is_valid_input(tmp_path, capsys):
    assert main(["params", "show", "--format", "toml"]) == 0
    text = capsys.readouterr().out
    path = tmp_path / "p.toml"
    path.write_text(text)
    assert main(["params", "check", str(path)]) == 0
    assert main(["params", "show"]) == 0
    table = capsys.readouterr().out
    assert "nasicon.conductivity" in table and "S/m" in table and "Ma et al." in table


@pytest.mark.parametrize("content", [
    "temperature = 300\n[nasicon]\nconductivity = -1\n",
    "[nasicon\n",
    "",
    "[nasicon]\nconductivty = 1\n",
])
def test_params_check_bad_file_exits_2_without_traceback(tmp_path, content):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    result = _cli("params", "check", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


def test_run_bad_study_exits_2(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[study]\nname = "x"\nkind = "thermodynamcs"\n')
    result = _cli("run", str(path))
    assert result.returncode == 2
    assert "did you mean 'thermodynamics'" in result.stderr
    assert "Traceback" not in result.stderr


def test_info_lists_versions():
    result = _cli("info")
    assert result.returncode == 0, result.stderr
    for word in ("dolfinx", "PETSc", "SLEPc", "gmsh", "MPI size", "mumps"):
        assert word in result.stdout


def test_run_reports_progress_without_quiet(tmp_path):
    """Study kinds get a callable progress reporter from the CLI (not a bool)."""
    result = _cli("run", "studies/flaw_size_sweep.toml", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "flaw_size.csv").exists()


@pytest.mark.parametrize("composition, phase", [
    ("NaK50", "initial phase: liquid"),
    ("NaK95", "initial phase: two-phase: liquid"),
    ("K", "initial phase: solid"),
])
def test_params_check_reports_the_initial_phase(tmp_path, capsys, composition, phase):
    path = tmp_path / "p.toml"
    path.write_text(f'[alloy]\ncomposition = "{composition}"\n')
    assert main(["params", "check", str(path)]) == 0
    assert phase in capsys.readouterr().out
