"""Sensitivity and uncertainty studies: ranges in the parameter set, the Morris/Sobol'/
uncertainty designs through the sweep engine, checked against analytic indices
(Ishigami; linear functions), failure isolation, resume after kill -9, bad ranges."""

from __future__ import annotations

import csv
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nakmodel.errors import ParameterError

TESTS_DIR = str(Path(__file__).parent)
PYTHON = sys.executable
X = [{"key": f"ishigami.x{i}", "range": [-math.pi, math.pi]} for i in (1, 2, 3)]


@pytest.fixture
def ishigami_kind(monkeypatch):
    from nakmodel.study import KINDS

    monkeypatch.syspath_prepend(TESTS_DIR)
    monkeypatch.setitem(KINDS, "ishigami", "kind_ishigami")
    return "ishigami"


def study_data(method="sobol", samples=256, parameters=X, **ishigami):
    return {"study": {"name": "ish", "kind": "sensitivity"},
            "sensitivity": {"study": "ishigami", "method": method, "samples": samples,
                            "outputs": ["y"], "seed": 3, "parameter": parameters},
            "ishigami": dict(ishigami)}


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def run(data, out):
    from nakmodel.study import load_study
    from nakmodel.sweep import SerialExecutor

    study = load_study(data)
    study.run(out, executor=SerialExecutor())
    return study


# ----------------------------------------------------------------------- ranges of the set

def test_every_assumption_of_the_default_set_has_a_range_or_a_stated_exemption():
    from nakmodel.parameters import default_parameters
    from nakmodel.sensitivity.ranges import default_ranges, exempt_parameters

    params = default_parameters()
    ranges, exempt = default_ranges(), exempt_parameters()
    missing = [k for k in params.assumptions() if k not in ranges and k not in exempt]
    assert not missing, f"[?] parameters without a range in parameter_ranges.toml: {missing}"
    assert not set(ranges) & set(exempt)
    for key, rng in ranges.items():
        assert rng.reason, key
        value = params.get(key)
        value = getattr(value, "x_na", value)
        assert rng.low <= value <= rng.high, f"{key}: default {value} outside {rng.describe()}"


def test_log_range_maps_the_unit_interval_geometrically():
    from nakmodel.sensitivity.ranges import default_ranges

    rng = default_ranges()["interface.exchange_current_density"]
    assert rng.low == pytest.approx(10.0) and rng.high == pytest.approx(1e4)  # A/m^2
    assert rng.value_at([0.0, 0.5, 1.0]) == pytest.approx([10.0, 316.227766, 1e4])


def test_params_show_lists_the_ranges(capsys):
    from nakmodel.cli import main

    assert main(["params", "show"]) == 0
    out = capsys.readouterr().out
    assert "interface.exchange_current_density" in out and "10 A/m^2 .. 10000 A/m^2 (log)" in out
    assert "numerical setting" in out


@pytest.mark.parametrize("entry, words", [
    ({"key": "interface.exchange_current_density", "range": ["1 A/cm2", "1 mA/cm2"],
      "scale": "log"}, ["interface.exchange_current_density", "low must be below high"]),
    ({"key": "interface.exchange_current_density", "range": ["1 mA", "1 A/cm2"]},
     ["interface.exchange_current_density", "A/m^2"]),
    ({"key": "interface.contact_fraction", "range": [0.0, 1.0], "scale": "log"},
     ["interface.contact_fraction", "log scale needs both ends > 0"]),
    ({"key": "interface.contact_fraction", "range": [0.1, 2.0]},
     ["interface.contact_fraction", "reaches outside"]),
    ({"key": "interface.contact_fractoin", "range": [0.1, 0.5]},
     ["contact_fractoin", "did you mean"]),
    ({"key": "temperature", "range": ["20 degC"]}, ["temperature", "[low, high]"]),
])
def test_bad_ranges_are_refused_naming_the_parameter_before_anything_runs(
        ishigami_kind, tmp_path, entry, words):
    from nakmodel.study import load_study

    with pytest.raises(ParameterError) as info:
        load_study(study_data(parameters=X + [entry]))
    text = str(info.value)
    for word in words:
        assert word in text, text
    assert not list(tmp_path.iterdir())


def test_sobol_needs_a_power_of_two_and_outputs_must_be_numeric(ishigami_kind, kinds):
    from nakmodel.study import load_study

    with pytest.raises(ParameterError, match="power of 2"):
        load_study(study_data(samples=100))
    data = {"study": {"name": "s", "kind": "sensitivity"},
            "sensitivity": {"study": "ccd", "outputs": ["limiting_mechanism"],
                            "parameters": ["interface.exchange_current_density"]},
            "ccd": {"geometry": "1d", "directions": ["strip"]}}
    with pytest.raises(ParameterError, match="not numeric"):
        load_study(data)


# ----------------------------------------------------------------- analytic verification

def test_ishigami_sobol_indices_lie_within_their_bootstrap_intervals(ishigami_kind, tmp_path):
    from kind_ishigami import analytic_indices

    run(study_data(samples=256), tmp_path)
    rows = read_csv(tmp_path / "indices.csv")
    s1, st = analytic_indices()
    assert [r["parameter"] for r in rows] == ["ishigami.x1", "ishigami.x2", "ishigami.x3"]
    for r, a1, at in zip(rows, s1, st, strict=True):
        assert abs(float(r["S1 [-]"]) - a1) <= float(r["S1_conf [-]"]), r
        assert abs(float(r["ST [-]"]) - at) <= float(r["ST_conf [-]"]), r
        assert float(r["ST_conf [-]"]) < 0.25  # the intervals are informative
        assert r["blocks_used [-]"] == "256"
    summary = (tmp_path / "summary.md").read_text()
    assert "ishigami.x1, ishigami.x2, ishigami.x3" in summary  # all three matter (ST > 0.05)
    samples = read_csv(tmp_path / "samples.csv")
    assert len(samples) == 256 * 5 and "y [-]" in samples[0]
    assert (tmp_path / "y.png").stat().st_size > 0


def test_morris_elementary_effects_match_the_analytic_ones(ishigami_kind, tmp_path):
    # at x1 = pi/2, y = 1 + 7 sin^2 x2 + 0.1 x3^4; x2 in [0, 1e-12] is inert (mu* = 0) and
    # x3 in [0, 1] on the 4-level grid jumps by delta = 2/3 from 0 or from 1/3, so each
    # elementary effect of x3 is 0.1 (2/3)^4 / (2/3) or 0.1 (1 - (1/3)^4) / (2/3)
    params = [{"key": "ishigami.x2", "range": [0.0, 1e-12]},
              {"key": "ishigami.x3", "range": [0.0, 1.0]}]
    run(study_data(method="morris", samples=10, parameters=params, x1=math.pi / 2), tmp_path)
    rows = {r["parameter"]: r for r in read_csv(tmp_path / "indices.csv")}
    assert float(rows["ishigami.x2"]["mu_star [output_unit]"]) == pytest.approx(0, abs=1e-9)
    mu_star = float(rows["ishigami.x3"]["mu_star [output_unit]"])
    mu = float(rows["ishigami.x3"]["mu [output_unit]"])
    assert mu_star == pytest.approx(mu) and mu_star > 0
    expected = {0.1 * (1.0 - (1 / 3) ** 4) / (2 / 3), 0.1 * (2 / 3) ** 4 / (2 / 3)}
    samples = read_csv(tmp_path / "samples.csv")
    assert len(samples) == 10 * 3
    effects = []
    for k in range(10):
        block = samples[3 * k: 3 * k + 3]
        for a, b in zip(block, block[1:], strict=False):
            dx = float(b["ishigami.x3 [-]"]) - float(a["ishigami.x3 [-]"])
            if abs(dx) > 1e-9:
                effects.append(abs((float(b["y [-]"]) - float(a["y [-]"])) / dx))
    # (samples.csv keeps 6 significant digits)
    assert effects and all(min(abs(e - x) for x in expected) < 1e-5 for e in effects)
    assert mu_star == pytest.approx(np.mean(effects), rel=1e-4)


def test_read_indices_gives_back_the_table_and_plot_indices_draws_its_mu_star(
        ishigami_kind, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.sensitivity.report import plot_indices, read_indices

    params = [{"key": "ishigami.x2", "range": [0.0, 1e-12]},
              {"key": "ishigami.x3", "range": [0.0, 1.0]}]
    run(study_data(method="morris", samples=4, parameters=params, x1=math.pi / 2), tmp_path)
    table = read_indices(tmp_path)
    raw = {r["parameter"]: r for r in read_csv(tmp_path / "indices.csv")}
    assert [r["parameter"] for r in table] == list(raw)
    for row in table:
        assert row["output"] == "y" and row["blocks_used"] == row["blocks"] == 4
        assert row["mu_star"] == float(raw[row["parameter"]]["mu_star [output_unit]"])
    fig, ax = plt.subplots()
    assert plot_indices(ax, table, "y", "morris") is ax
    widths = {t.get_text(): p.get_width()
              for t, p in zip(ax.get_yticklabels(), ax.patches, strict=True)}
    # bars from the bottom up, largest at the top: labels and widths must pair up
    assert widths == pytest.approx({k: r["mu_star"] for k, r in
                                    {r["parameter"]: r for r in table}.items()})
    plt.close(fig)


def test_uncertainty_propagation_of_a_normal_input_gives_its_percentiles(ishigami_kind,
                                                                         tmp_path):
    # y = 1 + 0.1 x3^4 at x1 = pi/2 is monotone in x3 on [0, 3]: percentiles of y are y of
    # the percentiles of x3 ~ N(1.5, 0.3) truncated to [0, 3] (truncation negligible)
    params = [{"key": "ishigami.x3", "range": [0.0, 3.0], "distribution": "normal",
               "mean": 1.5, "std": 0.3, "reason": "as for Na|NASICON"}]
    run(study_data(method="uncertainty", samples=256, parameters=params, x1=math.pi / 2),
        tmp_path)
    (row,) = read_csv(tmp_path / "indices.csv")
    from scipy.stats import norm

    for p in (5, 50, 95):
        x = norm(1.5, 0.3).ppf(p / 100)
        assert float(row[f"p{p} [output_unit]"]) == pytest.approx(1 + 0.1 * x ** 4, rel=0.02)
    summary = (tmp_path / "summary.md").read_text()
    assert "5 / 50 / 95 %" in summary
    # a '|' in a reason is escaped: the inputs table keeps its three cells per row
    assert "| ishigami.x3 | " in summary and "as for Na\\|NASICON |" in summary


def test_failed_runs_drop_their_blocks_and_the_indices_say_how_many_remain(ishigami_kind,
                                                                          tmp_path):
    run(study_data(samples=64, fail_above=12.0), tmp_path)
    rows = read_csv(tmp_path / "indices.csv")
    used = int(rows[0]["blocks_used [-]"])
    samples = read_csv(tmp_path / "samples.csv")
    failed = [s for s in samples if s["status"] != "ok"]
    assert failed and all(s["y [-]"] == "" for s in failed)
    blocks_with_failure = {int(s["run [-]"]) // 5 for s in failed}
    assert used == 64 - len(blocks_with_failure)
    assert f"Rests on {used} of 64 blocks" in (tmp_path / "summary.md").read_text()


# ------------------------------------------------------------------------ resume after kill

def _script(study_path, out):
    return (f"import sys; sys.path.insert(0, {TESTS_DIR!r})\n"
            "from nakmodel.study import KINDS; KINDS['ishigami'] = 'kind_ishigami'\n"
            "from nakmodel.cli import main\n"
            f"sys.exit(main(['run', {str(study_path)!r}, '--out', {str(out)!r}, "
            "'--workers', '2', '-q']))\n")


def test_kill_minus_9_mid_study_then_rerun_recomputes_no_finished_point(tmp_path):
    study = tmp_path / "ish.toml"
    study.write_text(_toml({"samples": 4, "delay": 0.3}))  # 4 x 5 = 20 runs
    out = tmp_path / "out"
    proc = subprocess.Popen([PYTHON, "-c", _script(study, out)], cwd=tmp_path,
                            start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.glob("points/*/result.json"))) >= 4:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the study ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {p.parent.name: json.loads(p.read_text())
              for p in out.glob("points/*/result.json")}
    assert 4 <= len(before) < 20
    assert not (out / "indices.csv").exists()
    rerun = subprocess.run([PYTHON, "-c", _script(study, out)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    after = {p.parent.name: json.loads(p.read_text())
             for p in out.glob("points/*/result.json")}
    assert len(after) == 20
    for pid, record in before.items():  # finished before the kill: kept, not recomputed
        assert after[pid]["started"] == record["started"], pid
    rows = read_csv(out / "indices.csv")
    assert len(rows) == 3 and all(r["blocks_used [-]"] == "4" for r in rows)


def _toml(data) -> str:
    lines = ['[study]', 'name = "ish"', 'kind = "sensitivity"', '[sensitivity]',
             'study = "ishigami"', 'method = "sobol"', f'samples = {data["samples"]}',
             'outputs = ["y"]', 'seed = 3']
    for i in (1, 2, 3):
        lines += ['[[sensitivity.parameter]]', f'key = "ishigami.x{i}"',
                  f'range = [{-math.pi!r}, {math.pi!r}]']
    lines += ['[ishigami]', f'delay = {data["delay"]}']
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ a model case with an answer

def test_thin_film_critical_capacity_is_controlled_by_thickness_not_by_i0(kinds, tmp_path):
    """A thin NaK65 film stripped at low current reaches the liquidus when its lever-rule
    inventory (proportional to the thickness) is gone, whatever i0: with the thickness
    varied 2x and i0 10x, the thickness carries almost all of the variance."""
    from nakmodel.study import load_study
    from nakmodel.sweep import LocalExecutor

    data = {"study": {"name": "thin", "kind": "sensitivity"},
            "parameters": {"temperature": "25 degC", "alloy.composition": "NaK65"},
            "sensitivity": {"study": "ccd", "method": "sobol", "samples": 8, "seed": 1,
                            "outputs": ["critical_capacity"],
                            "parameter": [
                                {"key": "ccd.alloy_thickness", "range": ["10 um", "20 um"]},
                                {"key": "interface.exchange_current_density",
                                 "range": ["3 mA/cm2", "30 mA/cm2"], "scale": "log"}]},
            "ccd": {"geometry": "1d", "pellet_thickness": "1 mm", "alloy_thickness": "15 um",
                    "directions": ["strip"], "levels": ["0.5 mA/cm2"], "hold": "3 h",
                    "voltage_limit": "1 V", "error_tolerance": 0.05}}
    study = load_study(data)
    study.run(tmp_path, executor=LocalExecutor(workers=2))
    rows = {r["parameter"]: r for r in read_csv(tmp_path / "indices.csv")}
    thickness, i0 = rows["ccd.alloy_thickness"], rows["interface.exchange_current_density"]
    assert thickness["blocks_used [-]"] == "8"
    assert float(thickness["S1 [-]"]) > 0.8, thickness
    assert abs(float(i0["S1 [-]"])) < 0.1 and float(i0["ST [-]"]) < 0.1, i0
    samples = read_csv(tmp_path / "samples.csv")
    q = np.array([float(s["critical_capacity [C/m^2]"]) for s in samples])
    h = np.array([float(s["ccd.alloy_thickness [m]"]) for s in samples])
    # the capacity per thickness is about the inventory density of NaK65 to the K-rich
    # liquidus (the liquidus event is located within the coarse time steps of this test)
    assert np.ptp(q / h) / np.mean(q / h) < 0.15
