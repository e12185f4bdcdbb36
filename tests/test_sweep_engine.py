"""The sweep engine with local worker processes: results, resume, failures, kill -9, CLI."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest
from test_sweep_kind import subprocess_prelude, synth_kind, synth_study  # noqa: F401

from nakmodel.sweep import LocalExecutor, load_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def read_csv(path) -> list[dict]:
    """Rows by header, output columns also by their name without the unit (the reader of
    ``nakmodel plot``)."""
    from nakmodel.plotting.study_plots import _read_rows

    return _read_rows(path)


def strip_run_specific(rows, drop=("wall_time_s", "wall_time_s [s]", "pid")) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


def test_thermo_sweep_matches_direct_evaluation_and_resumes(tmp_path):
    from nakmodel.study.thermodynamics import summarise

    spec = load_sweep(ROOT / "studies" / "thermo_sweep.toml")
    result = run_sweep(spec, tmp_path, executor=LocalExecutor(workers=2), progress=False)
    assert result.all_ok and result.ran == 12 and result.skipped == 0
    rows = read_csv(tmp_path / "results.csv")
    assert [r["point_id"] for r in rows] == [p.point_id for p in spec.points]
    for point, row in zip(spec.points, rows, strict=True):
        from dataclasses import replace

        options = replace(point.study.options,
                          compositions=(point.study.parameters.alloy.composition,))
        direct = summarise(options, point.study.parameters)[0]
        assert float(row["temperature [K]"]) == pytest.approx(direct["temperature_K"])
        for name in ("strippable_mAh_cm2", "liquid_fraction", "ocv_vs_Na_mV"):
            assert float(row[name]) == pytest.approx(direct[name], rel=1e-12)
    # physics: the K-rich liquidus recedes on heating, so more Na is strippable at higher T
    for label in ("NaK50", "NaK65", "NaK80"):
        strip = [float(r["strippable_mAh_cm2"]) for r in rows if r["alloy.composition"] == label]
        assert len(strip) == 4 and all(b > a for a, b in pairwise(strip))
    # a rerun skips every finished point and rebuilds an identical table
    before = (tmp_path / "results.csv").read_text()
    again = run_sweep(spec, tmp_path, executor=LocalExecutor(workers=2), progress=False)
    assert again.ran == 0 and again.skipped == 12
    assert (tmp_path / "results.csv").read_text() == before
    # saved results of a sweep without CCD outputs still plot: outputs vs each swept key
    from nakmodel.plotting.study_plots import plot_all

    written = plot_all(tmp_path)
    assert sorted(p.name for p in written) == ["outputs_vs_alloy_composition.png",
                                               "outputs_vs_temperature.png"]


@pytest.mark.usefixtures("synth_kind")
def test_failing_and_crashing_points_are_recorded_and_the_rest_completes(tmp_path):
    data = synth_study(values=[1, 2, 3, 4], fail_at=2, abort_at=3)
    result = run_sweep(data, tmp_path, executor=LocalExecutor(workers=2), progress=False)
    status = dict(zip(result.column("synth.x"), result.column("status"), strict=True))
    assert status == {"1": "ok", "2": "failed", "3": "failed", "4": "ok"}
    by_x = {row["synth.x"]: row for row in result.rows}
    assert "RuntimeError: synthetic failure at x = 2.0" in by_x["2"]["error"]
    assert "SIGABRT" in by_x["3"]["error"]
    assert by_x["4"]["y"] == pytest.approx(16 + load_sweep(data).base.parameters.nasicon
                                           .conductivity)
    # each point ran in a worker process, not here; crashed workers were replaced
    assert os.getpid() not in {by_x["1"]["pid"], by_x["4"]["pid"]}
    record = json.loads((tmp_path / "points" / by_x["2"]["point_id"] / "result.json").read_text())
    assert record["status"] == "failed" and "run_point" in record["traceback"]
    ok = json.loads((tmp_path / "points" / by_x["1"]["point_id"] / "result.json").read_text())
    assert ok["files"] == ["series.csv"]
    series = read_csv(tmp_path / "points" / by_x["1"]["point_id"] / "series.csv")
    assert float(series[-1]["y"]) == pytest.approx(by_x["1"]["y"], rel=1e-15)
    assert "FAILED" in result.summary()
    # rerun: failed points stay failed unless asked; --retry-failed reruns exactly those
    assert run_sweep(data, tmp_path, executor=LocalExecutor(workers=2), progress=False).ran == 0
    retried = run_sweep(data, tmp_path, executor=LocalExecutor(workers=2), progress=False,
                        retry_failed=True)
    assert retried.ran == 2 and len(retried.failed) == 2


@pytest.mark.usefixtures("synth_kind")
def test_a_point_over_its_timeout_is_killed_and_recorded(tmp_path):
    data = synth_study(values=[1], delay="30 s")
    t0 = time.perf_counter()
    result = run_sweep(data, tmp_path, executor=LocalExecutor(workers=1, timeout=1.0),
                       progress=False)
    assert time.perf_counter() - t0 < 20
    assert result.failed and "timed out" in result.failed[0]["error"]


def _sweep_script(study: Path, out: Path, workers: int) -> str:
    return subprocess_prelude() + (
        "from nakmodel.cli import main\n"
        f"sys.exit(main(['-q', 'sweep', {str(study)!r}, '--out', {str(out)!r}, "
        f"'--workers', '{workers}']))\n")


def _write_study(path: Path, n: int, delay: float) -> Path:
    values = ", ".join(str(float(i)) for i in range(n))
    path.write_text(f"""
[study]
name = "killtest"
kind = "synth"
[synth]
delay = "{delay} s"
[sweep]
[[sweep.parameter]]
key = "synth.x"
values = [{values}]
""")
    return path


def test_kill_minus_9_mid_sweep_then_rerun_completes_with_identical_results(tmp_path):
    study = _write_study(tmp_path / "kill.toml", n=8, delay=0.4)
    out = tmp_path / "out"
    proc = subprocess.Popen([PYTHON, "-c", _sweep_script(study, out, 2)], cwd=tmp_path,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    finished = []
    while time.monotonic() < deadline and proc.poll() is None:
        finished = list(out.glob("points/*/result.json"))
        if len(finished) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)  # only the sweep process: its workers must follow
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)  # any process of the sweep's session left?
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("worker processes outlived the killed sweep")
    done_before = len(list(out.glob("points/*/result.json")))
    assert 2 <= done_before < 8
    started_before = {}
    for path in out.glob("points/*/result.json"):  # nothing half-written
        record = json.loads(path.read_text())
        assert record["status"] == "ok"
        started_before[path.parent.name] = record["started"]

    rerun = subprocess.run([PYTHON, "-c", _sweep_script(study, out, 2)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    rows = read_csv(out / "results.csv")
    assert len(rows) == 8 and len({r["point_id"] for r in rows}) == 8
    assert all(r["status"] == "ok" for r in rows)
    reference = tmp_path / "reference"
    clean = subprocess.run([PYTHON, "-c", _sweep_script(study, reference, 2)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert strip_run_specific(rows) == strip_run_specific(read_csv(reference / "results.csv"))
    ran = {p.parent.name: json.loads(p.read_text())["started"]
           for p in out.glob("points/*/result.json")}
    assert len(ran) == 8
    # the rerun skipped the points finished before the kill (their records are untouched)
    assert all(ran[name] == started for name, started in started_before.items())


@pytest.mark.usefixtures("synth_kind")
def test_cli_exit_codes(tmp_path, capsys):
    from nakmodel.cli import main

    good = tmp_path / "good.toml"
    good.write_text('[study]\nname = "g"\nkind = "synth"\n[sweep]\n[[sweep.parameter]]\n'
                    'key = "synth.x"\nvalues = [1.0, 2.0]\n')
    assert main(["-q", "sweep", str(good), "--out", str(tmp_path / "g")]) == 0
    assert len(read_csv(tmp_path / "g" / "results.csv")) == 2

    bad_point = tmp_path / "bad_point.toml"
    bad_point.write_text(good.read_text().replace("[sweep]", "fail_at = 2.0\n[sweep]")
                         .replace('kind = "synth"\n', 'kind = "synth"\n[synth]\n', 1))
    assert main(["-q", "sweep", str(bad_point), "--out", str(tmp_path / "b")]) == 1
    assert "synthetic failure" in capsys.readouterr().err

    typo = tmp_path / "typo.toml"
    typo.write_text(good.read_text().replace('key = "synth.x"', 'key = "synth.xx"'))
    assert main(["-q", "sweep", str(typo), "--out", str(tmp_path / "t")]) == 2
    assert "unknown swept key 'synth.xx'" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()
    assert main(["-q", "sweep", str(good), "--out", str(tmp_path / "w"), "--workers", "0"]) == 2


def test_two_concurrent_sweeps_into_one_folder_do_not_corrupt_it(tmp_path):
    study = _write_study(tmp_path / "both.toml", n=6, delay=0.2)
    out = tmp_path / "out"
    procs = [subprocess.Popen([PYTHON, "-c", _sweep_script(study, out, 1)], cwd=tmp_path,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    rows = read_csv(out / "results.csv")
    assert len(rows) == 6 and len({r["point_id"] for r in rows}) == 6
    assert all(r["status"] == "ok" for r in rows)
    for path in out.glob("points/*/result.json"):
        record = json.loads(path.read_text())
        assert record["status"] == "ok" and record["outputs"]["y"] > 0


def test_plot_sweep_draws_one_line_per_group_with_the_table_values(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.errors import ParameterError
    from nakmodel.sweep import SerialExecutor
    from nakmodel.sweep.plot import plot_sweep

    result = run_sweep(ROOT / "studies" / "thermo_sweep.toml", tmp_path,
                       executor=SerialExecutor(), progress=False)
    fig, ax = plt.subplots()
    assert plot_sweep(ax, result, x="temperature", y="strippable_mAh_cm2",
                      group="alloy.composition") is ax
    lines = ax.get_lines()
    assert len(lines) == 3
    nak80 = [r for r in result.rows if r["alloy.composition"] == "NaK80"]
    assert list(lines[2].get_xdata()) == pytest.approx([r["temperature [K]"] for r in nak80])
    assert list(lines[2].get_ydata()) == pytest.approx([r["strippable_mAh_cm2"] for r in nak80])
    with pytest.raises(ParameterError, match="not an output"):
        plot_sweep(ax, result, x="temperature", y="nope")
    plt.close(fig)


@pytest.mark.usefixtures("synth_kind")
def test_dolfinx_points_run_isolated_in_spawned_workers(tmp_path):
    data = synth_study(values=[0.5, 2.0], fe_cells=4)
    result = run_sweep(data, tmp_path, executor=LocalExecutor(workers=2), progress=False)
    assert result.all_ok, result.summary()
    assert result.column("fe_area") == pytest.approx([0.25, 4.0], rel=1e-12)
    assert os.getpid() not in result.column("pid")


def test_dry_run_lists_points_and_their_status_without_writing(tmp_path, capsys):
    from nakmodel.cli import main

    study = str(ROOT / "studies" / "thermo_sweep.toml")
    out = tmp_path / "out"
    assert main(["sweep", study, "--out", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "12 pending" in text and len(text.strip().splitlines()) == 13
    assert not out.exists()
    spec = load_sweep(study)
    run_sweep(dataclasses.replace(spec, points=spec.points[:5]), out,
              executor=LocalExecutor(workers=1), progress=False)
    assert main(["sweep", study, "--out", str(out), "--dry-run"]) == 0
    assert "5 ok, 7 pending" in capsys.readouterr().out


def test_plot_sweep_against_a_dimensionless_key(tmp_path):
    """A swept key without a unit is stored as ``key [-]``: the plot finds that column."""
    import tomllib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.sweep import SerialExecutor
    from nakmodel.sweep.plot import plot_sweep

    data = tomllib.loads((ROOT / "studies" / "thermo_sweep.toml").read_text())
    data["sweep"]["parameter"] = [{"key": "alloy.interdiffusivity_factor",
                                   "values": [0.5, 1.0, 2.0]}]
    result = run_sweep(data, tmp_path, executor=SerialExecutor(), progress=False)
    fig, ax = plt.subplots()
    plot_sweep(ax, result, x="alloy.interdiffusivity_factor", y="strippable_mAh_cm2")
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == pytest.approx([0.5, 1.0, 2.0])
    assert ax.get_xlabel() == "alloy.interdiffusivity_factor [-]"
    plt.close(fig)
